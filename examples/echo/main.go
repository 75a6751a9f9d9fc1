// Command echo is an MCP server on echo (v4), built on the official MCP Go
// SDK and protected by MCP Auth: every request to /mcp needs a valid bearer
// token, and the whoami tool answers with the caller the token names.
//
//	go run ./echo
//
// With no MCP_AUTH_ISSUER it starts a development issuer and prints a token
// and a curl command; see ../README.md for the configuration.
package main

import (
	"context"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echo"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
)

func main() { app.Main(app.Options{Name: "echo"}, serve) }

// serve mounts the example on echo: BearerAuth for the whole server (it
// keeps the protected resource metadata and CORS preflights public), the
// metadata routes, and the MCP endpoint.
func serve(ctx context.Context, a *app.App) error {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.Recover())
	e.Use(mcpecho.BearerAuth(a.Bearer))         // every route; the metadata and CORS preflights stay public
	mcpecho.RegisterMetadata(e, a.Auth)         // GET /.well-known/oauth-protected-resource/mcp
	e.Any(app.MCPPath, echo.WrapHandler(a.MCP)) // POST (and GET, DELETE) /mcp
	return a.ServeHTTP(ctx, e)
}
