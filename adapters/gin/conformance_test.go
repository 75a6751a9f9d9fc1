package mcpgin_test

import (
	"testing"

	"github.com/gin-gonic/gin"

	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest/conformance"
)

// TestConformance runs the adapters' shared suite against gin in its
// default production shape: gin.New() in release mode with gin.Recovery().
func TestConformance(t *testing.T) {
	conformance.Run(t, "gin", func(t *testing.T, app conformance.App) string {
		reply := func(c *gin.Context) {
			info, ok := mcpgin.AuthInfo(c)
			status, body := conformance.Reply(c.Request.Context(), info, ok)
			c.Data(status, "application/json", body)
		}
		r := gin.New()
		r.Use(gin.Recovery())
		mcpgin.RegisterMetadata(r, app.Auth)
		r.Any("/mcp", mcpgin.BearerAuth(app.Bearer), reply)
		r.Any("/custom", mcpgin.BearerAuth(app.Custom), reply)
		r.Any("/optional", mcpgin.BearerAuth(app.Bearer, mcpgin.Optional()), reply)
		r.Any("/skipped", mcpgin.BearerAuth(app.Bearer, mcpgin.Skipper(func(c *gin.Context) bool {
			return c.Request.URL.Path == "/skipped"
		})), reply)
		r.Any("/bridge", mcpgin.BearerAuth(app.Bearer), gin.WrapH(conformance.BridgeHandler()))
		return mcpauthtest.Serve(t, r)
	})
}
