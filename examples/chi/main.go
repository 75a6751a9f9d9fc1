// Command chi is an MCP server on chi (v5), built on the official MCP Go SDK
// and protected by MCP Auth: every request to /mcp needs a valid bearer
// token, and the whoami tool answers with the caller the token names.
//
//	go run ./chi
//
// With no MCP_AUTH_ISSUER it starts a development issuer and prints a token
// and a curl command; see ../README.md for the configuration.
package main

import (
	"context"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
)

func main() { app.Main(app.Options{Name: "chi"}, serve) }

// serve mounts the example on chi: BearerAuth for the whole router (it keeps
// the protected resource metadata and CORS preflights public; chi wants
// every r.Use before the routes), the metadata routes, and the MCP endpoint.
func serve(ctx context.Context, a *app.App) error {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Use(mcpchi.BearerAuth(a.Bearer)) // every route; the metadata and CORS preflights stay public
	mcpchi.RegisterMetadata(r, a.Auth) // GET /.well-known/oauth-protected-resource/mcp
	r.Handle(app.MCPPath, a.MCP)       // POST (and GET, DELETE) /mcp
	return a.ServeHTTP(ctx, r)
}
