package mcpecho_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v5/middleware"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echov5"
)

// TestUseIsSafeInEitherOrder wires the headline, e.Use(BearerAuth), before
// and after RegisterMetadata, over a real connection: the metadata stays
// public, a CORS preflight reaches the application, /mcp needs a token.
func TestUseIsSafeInEitherOrder(t *testing.T) {
	env := newEnv(t)
	tok := "Bearer " + env.token(t, "alice")
	for _, order := range []string{"Use first", "RegisterMetadata first"} {
		t.Run(order, func(t *testing.T) {
			e := newEcho()
			e.Use(middleware.Recover())
			if order == "Use first" {
				e.Use(mcpecho.BearerAuth(env.bearer))
				mcpecho.RegisterMetadata(e, env.auth)
			} else {
				mcpecho.RegisterMetadata(e, env.auth)
				e.Use(mcpecho.BearerAuth(env.bearer))
			}
			e.Any("/mcp", whoami)
			base := start(t, e)

			md := mcpauthtest.Send(t, http.MethodGet, base+"/.well-known/oauth-protected-resource/mcp")
			var doc struct {
				Resource string `json:"resource"`
			}
			if md.Status != 200 || json.Unmarshal(md.Body, &doc) != nil || doc.Resource != testResource {
				t.Errorf("metadata: %d %s", md.Status, md.Body)
			}

			req, err := http.NewRequest(http.MethodOptions, base+"/mcp", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Origin", "https://app.example.com")
			req.Header.Set("Access-Control-Request-Method", http.MethodPost)
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			pre := mcpauthtest.Do(t, req)
			if pre.Status != 200 || string(pre.Body) != "anonymous" || pre.Header.Get("WWW-Authenticate") != "" {
				t.Errorf("preflight: %d %q %q, want the application's 200 anonymous", pre.Status, pre.Body, pre.Header.Get("WWW-Authenticate"))
			}

			none := mcpauthtest.Send(t, http.MethodPost, base+"/mcp")
			if ch := none.Header.Get("WWW-Authenticate"); none.Status != 401 || !strings.Contains(ch, `resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"`) {
				t.Errorf("no token: %d %q", none.Status, ch)
			}
			if ok := mcpauthtest.Send(t, http.MethodPost, base+"/mcp", tok); ok.Status != 200 || string(ok.Body) != "alice" {
				t.Errorf("valid token: %d %q", ok.Status, ok.Body)
			}
		})
	}
}
