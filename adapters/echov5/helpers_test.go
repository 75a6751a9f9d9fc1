package mcpecho_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"

	"github.com/labstack/echo/v5"

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

// newEcho returns echo.New().
func newEcho() *echo.Echo { return echo.New() }

// start serves e as echo v5 does (echo.StartConfig.Start) on cfg.Listener,
// or a new listener on 127.0.0.1:0, and returns its base URL; the server is
// shut down when the test ends.
func start(t testing.TB, e *echo.Echo, cfg ...echo.StartConfig) string {
	t.Helper()
	var sc echo.StartConfig
	if len(cfg) > 0 {
		sc = cfg[0]
	}
	sc.HideBanner, sc.HidePort = true, true
	if sc.Listener == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		sc.Listener = ln
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sc.Start(ctx, e) }()
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		cancel()
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("echo server: %v", err)
		}
	})
	return "http://" + sc.Listener.Addr().String()
}
