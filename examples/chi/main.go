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

// serve mounts the example on chi: the public protected resource metadata,
// then the MCP endpoint behind the bearer middleware (r.With, so that the
// metadata stays public).
func serve(ctx context.Context, a *app.App) error {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	mcpchi.RegisterMetadata(r, a.Auth)                             // GET /.well-known/oauth-protected-resource/mcp
	r.With(mcpchi.BearerAuth(a.Bearer)).Handle(app.MCPPath, a.MCP) // POST (and GET, DELETE) /mcp
	return a.ServeHTTP(ctx, r)
}
