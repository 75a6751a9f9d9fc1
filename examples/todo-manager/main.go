// Command todo-manager is the MCP Auth todo sample in Go: an MCP server on
// chi, built on the official MCP Go SDK and protected by MCP Auth, with three
// tools whose answers depend on who calls and with which scopes:
//
//   - create-todo needs the create:todos scope, which the HTTP layer checks
//     before the MCP server runs (mcpauth.BearerOptions.ToolScopes): a
//     token without it gets 403 with a WWW-Authenticate challenge naming
//     the scope, so the MCP client can ask for it (step-up) and retry; the
//     caller owns the todo;
//   - get-todos lists every todo with read:todos, else the caller's own;
//   - delete-todo deletes any todo with delete:todos, else only the caller's.
//
// Todos live in memory. A whoami tool shows what the caller's token grants.
//
//	go run ./todo-manager
//
// With no MCP_AUTH_ISSUER it starts a development issuer and prints a token
// granting the three scopes and curl commands; see ../README.md.
package main

import (
	"context"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
)

func main() { app.Main(options(&Store{}), serve) }

// options describes the todo manager to the shared example code.
func options(s *Store) app.Options {
	scopes := []string{ScopeCreate, ScopeRead, ScopeDelete}
	return app.Options{
		Name: "todo-manager",
		Register: func(server *mcp.Server) {
			s.Register(server)
			app.RegisterWhoami(server) // handy to see what the token grants
		},
		ScopesSupported: scopes,
		DevScopes:       scopes,
		// Checked before the MCP server runs. get-todos and delete-todo need
		// no scope (a caller lists and deletes its own todos); their scopes
		// widen what they do, which only the tools can decide.
		ToolScopes: map[string][]string{"create-todo": {ScopeCreate}},
		Calls: []app.ToolCall{
			{Name: "create-todo", Arguments: `{"content":"Write the README"}`},
			{Name: "get-todos"},
		},
	}
}

// serve mounts the todo manager on chi, as the chi example does.
func serve(ctx context.Context, a *app.App) error {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Use(mcpchi.BearerAuth(a.Bearer)) // every route; the metadata and CORS preflights stay public
	mcpchi.RegisterMetadata(r, a.Auth)
	r.Handle(app.MCPPath, a.MCP)
	return a.ServeHTTP(ctx, r)
}
