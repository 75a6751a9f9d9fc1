package mcpecho_test

import (
	"bytes"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v5"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest/conformance"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echov5"
)

// metadataAuth builds an Auth protecting resources (no network request is
// made: the issuer is only discovered on first use).
func metadataAuth(t *testing.T, resources ...string) *mcpauth.Auth {
	t.Helper()
	var prs []mcpauth.ProtectedResource
	for _, r := range resources {
		prs = append(prs, mcpauth.ProtectedResource{
			Resource:             r,
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://issuer.example.com", mcpauth.OIDC)},
			ScopesSupported:      []string{"read"},
		})
	}
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: prs})
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

// compareWithCore sends method to path on the echo server and on core's
// MetadataHandler and compares status, headers and body.
func compareWithCore(t *testing.T, echoBase, coreBase, method, path string) {
	t.Helper()
	do := func(base string) mcpauthtest.Response {
		req, err := http.NewRequest(method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "https://app.example.com")
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "authorization, mcp-protocol-version")
		return mcpauthtest.Do(t, req)
	}
	got := do(echoBase)
	want := do(coreBase)
	if got.Status != want.Status || !bytes.Equal(got.Body, want.Body) || !equalHeaders(got.Header, want.Header) {
		t.Errorf("%s %s:\necho %d %v %s\ncore %d %v %s", method, path, got.Status, got.Header, got.Body, want.Status, want.Header, want.Body)
	}
	if method == http.MethodGet && got.Status != http.StatusOK {
		t.Errorf("%s %s: status %d, want 200", method, path, got.Status)
	}
}

func TestRegisterMetadata(t *testing.T) {
	resources := []string{
		"https://mcp.example.com/mcp",
		"https://mcp.example.com/", // the root resource: /.well-known/oauth-protected-resource
		"https://mcp.example.com/v1:mcp",
		"https://mcp.example.com/my%20mcp",
		"https://mcp.example.com/a%2Fb",
		"https://mcp.example.com/tenant/mcp/",
	}
	auth := metadataAuth(t, resources...)
	core := mcpauthtest.Serve(t, auth.MetadataHandler())

	routers := []struct {
		name  string
		mount func(t *testing.T, e *echo.Echo, addr string) mcpecho.Router
	}{
		{"*echo.Echo", func(_ *testing.T, e *echo.Echo, _ string) mcpecho.Router { return e }},
		{"*echo.Group without prefix", func(_ *testing.T, e *echo.Echo, _ string) mcpecho.Router { return e.Group("") }},
	}
	for _, rt := range routers {
		t.Run(rt.name, func(t *testing.T) {
			e := newEcho()
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			mcpecho.RegisterMetadata(rt.mount(t, e, ln.Addr().String()), auth)
			base := start(t, e, echo.StartConfig{Listener: ln})
			var paths []string
			for _, r := range auth.MetadataRoutes() {
				paths = append(paths, r.Path)
			}
			for _, res := range resources {
				p := conformance.ResourceMetadataPath(res)
				if !strings.Contains(strings.Join(paths, " "), p) {
					t.Errorf("MetadataRoutes %q lacks %s", paths, p)
				}
			}
			for _, p := range paths {
				for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
					compareWithCore(t, base, core, m, p)
				}
				resp := mcpauthtest.Send(t, http.MethodPost, base+p)
				if resp.Status != http.StatusMethodNotAllowed {
					t.Errorf("POST %s: %d, want echo's 405", p, resp.Status)
				}
			}
			// A ':' is literal, not a path parameter.
			if resp := mcpauthtest.Send(t, http.MethodGet, base+"/.well-known/oauth-protected-resource/v1:other"); resp.Status != http.StatusNotFound {
				t.Errorf("GET v1:other: %d, want 404", resp.Status)
			}
		})
	}
}

// TestMetadataStaysPublic: metadata routes answer without a token next to
// protected routes, however BearerAuth is mounted: BearerAuth answers them
// itself under e.Use, before or after RegisterMetadata, or without it.
func TestMetadataStaysPublic(t *testing.T) {
	env := newEnv(t)
	const path = "/.well-known/oauth-protected-resource/mcp"
	cases := []struct {
		name   string
		mount  func(e *echo.Echo)
		status int
	}{
		{"BearerAuth on the route", func(e *echo.Echo) {
			mcpecho.RegisterMetadata(e, env.auth)
			e.Any("/mcp", whoami, mcpecho.BearerAuth(env.bearer))
		}, http.StatusOK},
		{"BearerAuth on a group", func(e *echo.Echo) {
			mcpecho.RegisterMetadata(e, env.auth)
			g := e.Group("/mcp", mcpecho.BearerAuth(env.bearer))
			g.Any("", whoami)
		}, http.StatusOK},
		{"e.Use(BearerAuth) before RegisterMetadata", func(e *echo.Echo) {
			e.Use(mcpecho.BearerAuth(env.bearer))
			mcpecho.RegisterMetadata(e, env.auth)
			e.Any("/mcp", whoami)
		}, http.StatusOK},
		{"e.Use(BearerAuth) after RegisterMetadata", func(e *echo.Echo) {
			mcpecho.RegisterMetadata(e, env.auth)
			e.Use(mcpecho.BearerAuth(env.bearer))
			e.Any("/mcp", whoami)
		}, http.StatusOK},
		{"e.Use(BearerAuth) without RegisterMetadata", func(e *echo.Echo) {
			e.Use(mcpecho.BearerAuth(env.bearer))
			e.Any("/mcp", whoami)
		}, http.StatusOK},
		{"a catch-all route cannot be reached through the metadata path", func(e *echo.Echo) {
			e.Use(mcpecho.BearerAuth(env.bearer))
			e.Any("/*", whoami)
		}, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEcho()
			tc.mount(e)
			base := start(t, e)
			if resp := mcpauthtest.Send(t, http.MethodGet, base+path); resp.Status != tc.status {
				t.Errorf("metadata: %d, want %d", resp.Status, tc.status)
			}
			if resp := mcpauthtest.Send(t, http.MethodGet, base+"/mcp"); resp.Status != http.StatusUnauthorized {
				t.Errorf("/mcp without a token: %d, want 401", resp.Status)
			}
		})
	}
}
