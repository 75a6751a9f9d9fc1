package mcpfiber_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiberv3"
)

// TestUseIsSafeInEitherOrder wires the headline, app.Use(BearerAuth), before
// and after RegisterMetadata, over a real connection: the metadata stays
// public, a CORS preflight reaches the application, /mcp needs a token.
func TestUseIsSafeInEitherOrder(t *testing.T) {
	f := newFixture(t)
	tok := bearerHeader(f.token(t, "alice", "read"))
	for _, order := range []string{"Use first", "RegisterMetadata first"} {
		t.Run(order, func(t *testing.T) {
			app := newApp(fiber.Config{ReadBufferSize: mcpfiber.ReadBufferSize})
			if order == "Use first" {
				app.Use(mcpfiber.BearerAuth(f.bearer))
				mcpfiber.RegisterMetadata(app, f.auth)
			} else {
				mcpfiber.RegisterMetadata(app, f.auth)
				app.Use(mcpfiber.BearerAuth(f.bearer))
			}
			app.All("/mcp", whoami)
			base := serve(t, app)

			md := mcpauthtest.Send(t, http.MethodGet, base+"/.well-known/oauth-protected-resource/mcp")
			var doc struct {
				Resource string `json:"resource"`
			}
			if md.Status != 200 || json.Unmarshal(md.Body, &doc) != nil || doc.Resource != resource {
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
			if ok := mcpauthtest.Send(t, http.MethodPost, base+"/mcp", tok...); ok.Status != 200 || string(ok.Body) != "sub=alice" {
				t.Errorf("valid token: %d %q", ok.Status, ok.Body)
			}
		})
	}
}
