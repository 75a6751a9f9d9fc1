package mcpecho_test

import (
	"testing"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echov5"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest/conformance"
)

// TestConformance runs the suite every mcpauth adapter runs, over real HTTP,
// against echo in its production shape (echo.New with Recover, served by
// e.Start on a loopback listener).
func TestConformance(t *testing.T) {
	conformance.Run(t, "echo", func(t *testing.T, app conformance.App) string {
		e := newEcho()
		e.Use(middleware.Recover())
		mcpecho.RegisterMetadata(e, app.Auth)
		e.Any("/mcp", conformanceReply, mcpecho.BearerAuth(app.Bearer))
		e.Any("/custom", conformanceReply, mcpecho.BearerAuth(app.Custom))
		e.Any("/optional", conformanceReply, mcpecho.BearerAuth(app.Bearer, mcpecho.Optional()))
		e.Any("/skipped", conformanceReply, mcpecho.BearerAuth(app.Bearer, mcpecho.Skipper(func(c *echo.Context) bool {
			return c.Request().URL.Path == "/skipped"
		})))
		e.Any("/bridge", echo.WrapHandler(conformance.BridgeHandler()), mcpecho.BearerAuth(app.Bearer))
		return start(t, e)
	})
}

// conformanceReply answers with conformance.Reply, given what mcpecho.AuthInfo
// returns and the request's standard context.
func conformanceReply(c *echo.Context) error {
	info, ok := mcpecho.AuthInfo(c)
	status, body := conformance.Reply(c.Request().Context(), info, ok)
	return c.JSONBlob(status, body)
}
