package mcpgin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// RegisterMetadata serves every metadata route for GET, HEAD and OPTIONS on
// an engine or a router group, exactly as core's handler does, and outside
// a BearerAuth installed afterwards with r.Use.
func TestRegisterMetadata(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
		{Resource: "https://mcp.example.com/mcp", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}},
		{Resource: "https://mcp.example.com/", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}, ScopesSupported: []string{"read"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://mcp.example.com/mcp"})
	if err != nil {
		t.Fatal(err)
	}
	routes := auth.MetadataRoutes()
	if len(routes) < 3 {
		t.Fatalf("MetadataRoutes = %d routes, want both resources and their trailing-slash twins", len(routes))
	}

	mounts := []struct {
		name  string
		build func() *gin.Engine
	}{
		{"engine, then r.Use(BearerAuth)", func() *gin.Engine {
			r := gin.New()
			mcpgin.RegisterMetadata(r, auth)
			r.Use(mcpgin.BearerAuth(bearer))
			r.GET("/mcp", observe)
			return r
		}},
		{"router group", func() *gin.Engine {
			r := gin.New()
			mcpgin.RegisterMetadata(r.Group(""), auth)
			r.Group("/mcp", mcpgin.BearerAuth(bearer)).GET("", observe)
			return r
		}},
	}
	for _, m := range mounts {
		t.Run(m.name, func(t *testing.T) {
			base := mcpauthtest.Serve(t, m.build())
			for _, route := range routes {
				for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
					req := httptest.NewRequest(method, route.Path, nil)
					if method == http.MethodOptions {
						req.Header.Set("Origin", "https://app.example.com")
						req.Header.Set("Access-Control-Request-Method", "GET")
						req.Header.Set("Access-Control-Request-Headers", "authorization")
					}
					want := httptest.NewRecorder()
					route.Handler.ServeHTTP(want, req)

					greq, err := http.NewRequest(method, base+route.Path, nil)
					if err != nil {
						t.Fatal(err)
					}
					greq.Header = req.Header.Clone()
					resp := mcpauthtest.Do(t, greq)
					where := method + " " + route.Path
					if resp.Status != want.Code || string(resp.Body) != want.Body.String() {
						t.Errorf("%s: %d %s, want core's %d %s", where, resp.Status, resp.Body, want.Code, want.Body)
					}
					for k, v := range want.Header() {
						if g := resp.Header.Values(k); strings.Join(g, "|") != strings.Join(v, "|") {
							t.Errorf("%s: header %s = %q, want %q", where, k, g, v)
						}
					}
					if resp.Header.Get("WWW-Authenticate") != "" {
						t.Errorf("%s: behind BearerAuth", where)
					}
				}
			}
			if r := mcpauthtest.Send(t, http.MethodGet, base+"/mcp"); r.Status != http.StatusUnauthorized {
				t.Errorf("/mcp without credentials: %d, want 401", r.Status)
			}
		})
	}
}
