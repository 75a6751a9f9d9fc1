// This file is copied by docscheck's TestUseInAFreshModule into a module
// outside the repository, which reaches the mcpauth modules through replace
// lines only. It wires each framework the way the READMEs do: BearerAuth
// installed with the framework's Use, BEFORE RegisterMetadata.
package mcpuser

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/gofiber/fiber/v2"
	fiberv3 "github.com/gofiber/fiber/v3"
	"github.com/labstack/echo/v4"
	echov5 "github.com/labstack/echo/v5"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echo"
	mcpechov5 "github.com/go-mcpauth/mcpauth/adapters/echov5"
	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiber"
	mcpfiberv3 "github.com/go-mcpauth/mcpauth/adapters/fiberv3"
	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

const resource = "https://api.example.com/mcp"

// hello is the MCP endpoint's stand-in: it answers with the caller.
func hello(ctx context.Context) string {
	info, ok := mcpauth.AuthInfoFromContext(ctx)
	if !ok {
		return "anonymous"
	}
	return "hello " + info.Subject
}

func TestUseBeforeRegisterMetadata(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	token := iss.MustToken(t, map[string]any{"sub": "alice", "aud": resource, "scope": "read"})

	servers := map[string]func(t *testing.T) string{
		"gin": func(t *testing.T) string {
			gin.SetMode(gin.ReleaseMode)
			r := gin.New()
			r.Use(mcpgin.BearerAuth(bearer))
			mcpgin.RegisterMetadata(r, auth)
			r.Any("/mcp", func(c *gin.Context) { c.String(http.StatusOK, hello(c.Request.Context())) })
			return mcpauthtest.Serve(t, r)
		},
		"echo": func(t *testing.T) string {
			e := echo.New()
			e.Use(mcpecho.BearerAuth(bearer))
			mcpecho.RegisterMetadata(e, auth)
			e.Any("/mcp", func(c echo.Context) error { return c.String(http.StatusOK, hello(c.Request().Context())) })
			return mcpauthtest.Serve(t, e)
		},
		"fiber": func(t *testing.T) string {
			app := fiber.New(fiber.Config{DisableStartupMessage: true})
			app.Use(mcpfiber.BearerAuth(bearer))
			mcpfiber.RegisterMetadata(app, auth)
			app.All("/mcp", func(c *fiber.Ctx) error { return c.SendString(hello(c.UserContext())) })
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = app.Listener(ln) }()
			t.Cleanup(func() {
				http.DefaultClient.CloseIdleConnections()
				_ = app.ShutdownWithTimeout(5 * time.Second)
			})
			return "http://" + ln.Addr().String()
		},
		"echov5": func(t *testing.T) string {
			e := echov5.New()
			e.Use(mcpechov5.BearerAuth(bearer))
			mcpechov5.RegisterMetadata(e, auth)
			e.Any("/mcp", func(c *echov5.Context) error { return c.String(http.StatusOK, hello(c.Request().Context())) })
			return mcpauthtest.Serve(t, e)
		},
		"fiberv3": func(t *testing.T) string {
			app := fiberv3.New(fiberv3.Config{ReadBufferSize: mcpfiberv3.ReadBufferSize})
			app.Use(mcpfiberv3.BearerAuth(bearer))
			mcpfiberv3.RegisterMetadata(app, auth)
			app.All("/mcp", func(c fiberv3.Ctx) error { return c.SendString(hello(c.Context())) })
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = app.Listener(ln, fiberv3.ListenConfig{DisableStartupMessage: true}) }()
			t.Cleanup(func() {
				http.DefaultClient.CloseIdleConnections()
				_ = app.ShutdownWithTimeout(5 * time.Second)
			})
			return "http://" + ln.Addr().String()
		},
		"chi": func(t *testing.T) string {
			r := chi.NewRouter()
			r.Use(mcpchi.BearerAuth(bearer)) // chi: every r.Use comes before the routes
			mcpchi.RegisterMetadata(r, auth)
			r.Handle("/mcp", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(hello(r.Context()))) }))
			return mcpauthtest.Serve(t, r)
		},
		"net/http": func(t *testing.T) string {
			mux := http.NewServeMux()
			mux.Handle("/mcp", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(hello(r.Context()))) }))
			return mcpauthtest.Serve(t, bearer.Middleware()(mux))
		},
	}
	for _, fw := range []string{"gin", "echo", "echov5", "fiber", "fiberv3", "chi", "net/http"} {
		t.Run(fw, func(t *testing.T) {
			base := servers[fw](t)

			md := mcpauthtest.Send(t, http.MethodGet, base+"/.well-known/oauth-protected-resource/mcp")
			if md.Status != http.StatusOK || !strings.Contains(string(md.Body), `"resource":"`+resource+`"`) {
				t.Errorf("metadata: %d %s, want 200 and the document", md.Status, md.Body)
			}

			pre, err := http.NewRequest(http.MethodOptions, base+"/mcp", nil)
			if err != nil {
				t.Fatal(err)
			}
			pre.Header.Set("Origin", "https://app.example.com")
			pre.Header.Set("Access-Control-Request-Method", "POST")
			pre.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			if got := mcpauthtest.Do(t, pre); got.Status == http.StatusUnauthorized {
				t.Errorf("CORS preflight: 401, want it passed to the application")
			}

			none := mcpauthtest.Send(t, http.MethodPost, base+"/mcp")
			if none.Status != http.StatusUnauthorized || !strings.Contains(none.Header.Get("WWW-Authenticate"), `resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp"`) {
				t.Errorf("no token: %d %q, want 401 with resource_metadata", none.Status, none.Header.Get("WWW-Authenticate"))
			}

			ok := mcpauthtest.Send(t, http.MethodPost, base+"/mcp", "Bearer "+token)
			if ok.Status != http.StatusOK || string(ok.Body) != "hello alice" {
				t.Errorf("valid token: %d %q, want 200 hello alice", ok.Status, ok.Body)
			}
		})
	}
}
