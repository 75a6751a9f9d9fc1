// Command gin is an MCP server on gin, built on the official MCP Go SDK and
// protected by MCP Auth: every request to /mcp needs a valid bearer token,
// and the whoami tool answers with the caller the token names.
//
//	go run ./gin
//
// With no MCP_AUTH_ISSUER it starts a development issuer and prints a token
// and a curl command; see ../README.md for the configuration.
package main

import (
	"context"

	"github.com/gin-gonic/gin"

	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
)

func main() { app.Main(app.Options{Name: "gin"}, serve) }

// serve mounts the example on gin: BearerAuth for the whole engine (it keeps
// the protected resource metadata and CORS preflights public), the metadata
// routes, and the MCP endpoint.
func serve(ctx context.Context, a *app.App) error {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	r.Use(mcpgin.BearerAuth(a.Bearer))   // every route; the metadata and CORS preflights stay public
	mcpgin.RegisterMetadata(r, a.Auth)   // GET /.well-known/oauth-protected-resource/mcp
	r.Any(app.MCPPath, gin.WrapH(a.MCP)) // POST (and GET, DELETE) /mcp
	return a.ServeHTTP(ctx, r)
}
