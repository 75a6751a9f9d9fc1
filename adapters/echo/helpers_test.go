package mcpecho_test

import (
	"errors"
	"net"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// testResource is the protected resource of the adapter tests.
const testResource = "https://mcp.example.com/mcp"

// env is an issuer, an Auth trusting it and a Bearer requiring scope "read".
type env struct {
	iss    *mcpauthtest.Issuer
	auth   *mcpauth.Auth
	bearer *mcpauth.Bearer
}

// newEnv builds an env; opts tune the bearer (Resource and RequiredScopes
// are filled in when empty).
func newEnv(t testing.TB, opts ...func(*mcpauth.BearerOptions)) *env {
	t.Helper()
	iss := mcpauthtest.MustNewIssuer(t)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             testResource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
		ScopesSupported:      []string{"read", "write"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	bo := mcpauth.BearerOptions{Resource: testResource, RequiredScopes: []string{"read"}}
	for _, o := range opts {
		o(&bo)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), bo)
	if err != nil {
		t.Fatal(err)
	}
	return &env{iss: iss, auth: auth, bearer: bearer}
}

// token mints a token for sub with the scope "read write" for the resource.
func (e *env) token(t testing.TB, sub string) string {
	t.Helper()
	return e.iss.MustToken(t, map[string]any{"sub": sub, "aud": testResource, "scope": "read write"})
}

// newEcho returns echo.New() without its start-up banner.
func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	return e
}

// start serves e with e.Start on a listener on 127.0.0.1:0 (e.Listener when
// the test has set it) and returns its base URL; the server is closed when
// the test ends.
func start(t testing.TB, e *echo.Echo) string {
	t.Helper()
	e.HideBanner = true
	e.HidePort = true
	ln := e.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		e.Listener = ln
	}
	done := make(chan error, 1)
	go func() { done <- e.Start("") }()
	t.Cleanup(func() {
		_ = e.Close()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("echo server: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
