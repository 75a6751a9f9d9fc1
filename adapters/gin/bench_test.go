package mcpgin_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
)

// discardWriter is a reusable http.ResponseWriter, so that the benchmark
// measures gin and the adapter rather than a recorder.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

// BenchmarkRequest compares one in-process request through gin (ServeHTTP,
// no network) without auth ("noauth") and behind BearerAuth with a valid
// RS256 token, the same each iteration ("auth": after the first request
// core's verified-token cache spares the signature check). "auth-verifyfunc"
// is the same route behind a Bearer whose VerifyFunc does no cryptography.
func BenchmarkRequest(b *testing.B) {
	f := newFixture(b)
	body := []byte(`{"ok":true}`)
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/noauth", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", body) })
	r.GET("/auth", mcpgin.BearerAuth(f.bearer), func(c *gin.Context) {
		if _, ok := mcpgin.AuthInfo(c); !ok {
			c.Status(http.StatusInternalServerError)
			return
		}
		c.Data(http.StatusOK, "application/json", body)
	})
	r.GET("/custom", mcpgin.BearerAuth(f.custom), func(c *gin.Context) {
		if _, ok := mcpgin.AuthInfo(c); !ok {
			c.Status(http.StatusInternalServerError)
			return
		}
		c.Data(http.StatusOK, "application/json", body)
	})

	for _, bc := range []struct{ name, path, token string }{
		{"noauth", "/noauth", ""},
		{"auth", "/auth", f.token(b, "alice")},
		{"auth-verifyfunc", "/custom", "good"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodGet, "http://mcp.example.com"+bc.path, nil)
			if err != nil {
				b.Fatal(err)
			}
			if bc.token != "" {
				req.Header.Set("Authorization", "Bearer "+bc.token)
			}
			w := &discardWriter{header: http.Header{}}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				clear(w.header)
				w.status = 0
				r.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}
