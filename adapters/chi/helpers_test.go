package mcpchi_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// resource is the protected resource of these tests.
const resource = "https://mcp.example.com/mcp"

// metadataPath is where its metadata is served.
const metadataPath = "/.well-known/oauth-protected-resource/mcp"

// quiet discards core's log lines (discovery failures the tests provoke).
var quiet = slog.New(slog.DiscardHandler)

// fixture is a local issuer, an Auth trusting it and a Bearer requiring
// scope "read".
type fixture struct {
	iss    *mcpauthtest.Issuer
	auth   *mcpauth.Auth
	bearer *mcpauth.Bearer
}

func newFixture(tb testing.TB, opts ...func(*mcpauth.BearerOptions)) *fixture {
	tb.Helper()
	iss := mcpauthtest.MustNewIssuer(tb)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
		ScopesSupported:      []string{"read", "write"},
	}}, Logger: quiet})
	if err != nil {
		tb.Fatalf("mcpauth.New: %v", err)
	}
	bo := mcpauth.BearerOptions{Resource: resource, RequiredScopes: []string{"read"}}
	for _, o := range opts {
		o(&bo)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), bo)
	if err != nil {
		tb.Fatalf("auth.BearerAuth: %v", err)
	}
	return &fixture{iss: iss, auth: auth, bearer: bearer}
}

// token mints a valid token for sub with the given scope.
func (f *fixture) token(tb testing.TB, sub, scope string) string {
	tb.Helper()
	return f.iss.MustToken(tb, map[string]any{"sub": sub, "aud": resource, "scope": scope})
}

// seen is what a handler below BearerAuth saw, answered as JSON.
type seen struct {
	Accessor string `json:"accessor"` // subject from mcpchi.AuthInfo, "" if !ok
	Context  string `json:"context"`  // subject from mcpauth.AuthInfoFromContext
	Same     bool   `json:"same"`     // the three accessors returned the same pointer and ok
	Param    string `json:"param,omitempty"`
}

// seenHandler answers with what the accessors return.
func seenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, aok := mcpchi.AuthInfo(r)
		b, bok := mcpchi.AuthInfoFromContext(r.Context())
		c, cok := mcpauth.AuthInfoFromContext(r.Context())
		s := seen{Same: a == b && b == c && aok == bok && bok == cok, Param: chi.URLParam(r, "id")}
		if aok {
			s.Accessor = a.Subject
		}
		if cok {
			s.Context = c.Subject
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s)
	})
}

// decodeSeen decodes a seenHandler answer.
func decodeSeen(t *testing.T, a mcpauthtest.Response) seen {
	t.Helper()
	var s seen
	if a.Status != http.StatusOK {
		t.Fatalf("status %d, want 200 (body %s)", a.Status, a.Body)
	}
	if err := json.Unmarshal(a.Body, &s); err != nil {
		t.Fatalf("decoding %s: %v", a.Body, err)
	}
	return s
}

// expectedRefusal is core's answer to the request with these Authorization
// values: what every adapter must write, byte for byte.
func expectedRefusal(t *testing.T, b *mcpauth.Bearer, auth ...string) mcpauth.Response {
	t.Helper()
	_, err := b.Authenticate(t.Context(), auth...)
	if err == nil {
		t.Fatalf("Authenticate(%q) accepted the request", auth)
	}
	return b.ErrorResponse(err)
}

// checkRefusal compares an answer with core's ErrorResponse: the status,
// every header of resp.Header with exactly its values, no header beyond
// those and the ones net/http's server itself adds, and the body bytes.
func checkRefusal(t *testing.T, got mcpauthtest.Response, want mcpauth.Response) {
	t.Helper()
	if got.Status != want.Status {
		t.Errorf("status %d, want %d", got.Status, want.Status)
	}
	for k, v := range want.Header {
		if g := got.Header.Values(k); strings.Join(g, "\x00") != strings.Join(v, "\x00") {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	for k := range got.Header {
		if _, ok := want.Header[k]; !ok && k != "Content-Length" && k != "Date" {
			t.Errorf("unexpected header %s: %q", k, got.Header.Values(k))
		}
	}
	if cl := got.Header.Get("Content-Length"); cl != fmt.Sprint(len(want.Body)) {
		t.Errorf("Content-Length %q, want %d", cl, len(want.Body))
	}
	if string(got.Body) != string(want.Body) {
		t.Errorf("body\n got %s\nwant %s", got.Body, want.Body)
	}
}

// quietRecoverer is chi's Recoverer with a request log entry that records
// the recovered panic instead of printing a stack to stderr (Recoverer hands
// the panic to the request's LogEntry when there is one).
func quietRecoverer(panics chan<- any) []func(http.Handler) http.Handler {
	return []func(http.Handler) http.Handler{
		middleware.RequestLogger(panicRecorder{panics}),
		middleware.Recoverer,
	}
}

type panicRecorder struct{ panics chan<- any }

func (p panicRecorder) NewLogEntry(*http.Request) middleware.LogEntry   { return p }
func (p panicRecorder) Write(int, int, http.Header, time.Duration, any) {}
func (p panicRecorder) Panic(v any, _ []byte)                           { p.panics <- v }
