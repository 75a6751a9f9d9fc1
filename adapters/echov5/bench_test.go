package mcpecho_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/labstack/echo/v5"

	mcpauth "github.com/go-mcpauth/mcpauth/core"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echov5"
)

// discardWriter is a minimal http.ResponseWriter reused across iterations,
// so that the benchmark measures echo and the adapter, not a recorder.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// reset prepares w for the next request.
func (w *discardWriter) reset() {
	clear(w.header)
	w.status = 0
}

// verifyFuncBearer is a Bearer whose VerifyFunc accepts any token at once.
func verifyFuncBearer(b *testing.B, env *env) *mcpauth.Bearer {
	info := &mcpauth.AuthInfo{Issuer: env.iss.URL(), Subject: "alice", Scopes: []string{"read"}, Audience: []string{testResource}}
	bearer, err := env.auth.BearerAuth(mcpauth.VerifyFunc(func(context.Context, string) (*mcpauth.AuthInfo, error) {
		return info, nil
	}), mcpauth.BearerOptions{Resource: testResource, RequiredScopes: []string{"read"}})
	if err != nil {
		b.Fatal(err)
	}
	return bearer
}

// BenchmarkAuthenticate is core's part of BenchmarkRequest/auth alone (no
// framework, no adapter): subtract it to see the adapter's own cost.
func BenchmarkAuthenticate(b *testing.B) {
	env := newEnv(b)
	header := "Bearer " + env.token(b, "alice")
	ctx := context.Background()
	if _, err := env.bearer.Authenticate(ctx, header); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := env.bearer.Authenticate(ctx, header); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequest measures one request through echo's ServeHTTP, in
// process: "noauth" without the middleware, "auth" behind BearerAuth with a
// valid token (the same one each iteration, so verified tokens may be
// cached by core). The handler reads the AuthInfo in both.
func BenchmarkRequest(b *testing.B) {
	env := newEnv(b)
	token := env.token(b, "alice")
	e := newEcho()
	handler := func(c *echo.Context) error {
		info, ok := mcpecho.AuthInfo(c)
		if ok && info.Subject == "" {
			return c.NoContent(http.StatusInternalServerError)
		}
		return c.String(http.StatusOK, "ok")
	}
	e.GET("/noauth", handler)
	e.GET("/auth", handler, mcpecho.BearerAuth(env.bearer))
	e.GET("/verifyfunc", handler, mcpecho.BearerAuth(verifyFuncBearer(b, env)))

	for _, bc := range []struct {
		name, path string
		auth       bool
	}{
		{"noauth", "/noauth", false},
		{"auth", "/auth", true},
		// A VerifyFunc that does no crypto: what is left is the adapter and
		// core's header parsing and issuer/audience/scope checks.
		{"auth_verifyfunc", "/verifyfunc", true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodGet, "http://mcp.example.com"+bc.path, nil)
			if err != nil {
				b.Fatal(err)
			}
			if bc.auth {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			w := &discardWriter{header: http.Header{}}
			// Warm up: the first request discovers the issuer and fetches its keys.
			e.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Fatalf("warm-up status %d", w.status)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				w.reset()
				e.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}
