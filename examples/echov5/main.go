// Command echov5 is an MCP server on echo v5, built on the official MCP Go
// SDK and protected by MCP Auth: every request to /mcp needs a valid bearer
// token, and the whoami tool answers with the caller the token names.
//
//	go run ./echov5
//
// With no MCP_AUTH_ISSUER it starts a development issuer and prints a token
// and a curl command; see ../README.md for the configuration.
package main

import (
	"context"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echov5"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
)

func main() { app.Main(app.Options{Name: "echov5"}, serve) }

// serve mounts the example on echo v5: the bearer middleware on every
// route with e.Use (core's request flow answers the protected resource
// metadata and lets CORS preflights through, whatever the order), the
// metadata routes, and the MCP endpoint.
func serve(ctx context.Context, a *app.App) error {
	e := echo.New()
	e.Use(middleware.Recover())
	e.Use(mcpecho.BearerAuth(a.Bearer))         // every route; the metadata and CORS preflights stay public
	mcpecho.RegisterMetadata(e, a.Auth)         // GET /.well-known/oauth-protected-resource/mcp
	e.Any(app.MCPPath, echo.WrapHandler(a.MCP)) // POST (and GET, DELETE) /mcp
	return a.ServeHTTP(ctx, e)
}
