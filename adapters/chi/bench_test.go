package mcpchi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
)

// benchWriter is a reusable http.ResponseWriter that keeps the status and
// discards the body, so that the benchmark measures chi and the adapter, not
// a recorder's buffers.
type benchWriter struct {
	header http.Header
	status int
}

func (w *benchWriter) Header() http.Header { return w.header }
func (w *benchWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *benchWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

// BenchmarkRequest measures one request through chi's ServeHTTP, in process:
// noauth on an unprotected route, auth on the same route behind BearerAuth
// with a valid token (the same one each iteration). The difference is the
// adapter's and core's cost per authenticated request.
func BenchmarkRequest(b *testing.B) {
	f := newFixture(b)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = mcpchi.AuthInfo(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	r := chi.NewRouter()
	mcpchi.RegisterMetadata(r, f.auth)
	r.Handle("/open", handler)
	r.With(mcpchi.BearerAuth(f.bearer)).Handle("/mcp", handler)
	token := f.token(b, "alice", "read")

	for _, c := range []struct {
		name, path string
		auth       bool
	}{
		{"noauth", "/open", false},
		{"auth", "/mcp", true},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodPost, c.path, nil)
			if c.auth {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			w := &benchWriter{header: http.Header{}}
			r.ServeHTTP(w, req) // warm up: discovery and JWKS fetch
			if w.status != http.StatusOK {
				b.Fatalf("warm-up: status %d, want 200", w.status)
			}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.header)
				w.status = 0
				r.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d, want 200", w.status)
				}
			}
		})
	}
}

// BenchmarkCoreAuthenticate is core's bearer.Authenticate alone with the
// token of BenchmarkRequest/auth: what BenchmarkRequest/auth costs beyond it
// and beyond BenchmarkRequest/noauth is the adapter's share.
func BenchmarkCoreAuthenticate(b *testing.B) {
	f := newFixture(b)
	auth := "Bearer " + f.token(b, "alice", "read")
	ctx := b.Context()
	if _, err := f.bearer.Authenticate(ctx, auth); err != nil { // warm up
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.bearer.Authenticate(ctx, auth); err != nil {
			b.Fatal(err)
		}
	}
}
