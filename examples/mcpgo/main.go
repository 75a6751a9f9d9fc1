// Command mcpgo is an MCP server built on mark3labs/mcp-go and protected by
// MCP Auth, on plain net/http: every request to /mcp needs a valid bearer
// token (core's net/http middleware), the mcpmcpgo bridge binds sessions to
// their user, and the whoami tool answers with the caller it reads from its
// ctx.
//
//	go run ./mcpgo
//
// With no MCP_AUTH_ISSUER it starts a development issuer and prints a token
// and a curl command; MCP_STATELESS=false keeps sessions. See ../README.md
// for the configuration.
package main

import (
	"context"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	mcpmcpgo "github.com/go-mcpauth/mcpauth/adapters/mcpgo"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
)

func main() { app.Main(options(), serve) }

// options describes the example to the shared code: its MCP endpoint is an
// mcp-go server instead of the official SDK's.
func options() app.Options {
	return app.Options{Name: "mcpgo", MCP: newMCPHandler}
}

// newMCPHandler builds the mcp-go server with its whoami tool, stateless or
// with sessions, behind the mcpmcpgo bridge.
func newMCPHandler(name string, stateless bool) http.Handler {
	s := server.NewMCPServer("mcpauth-example-"+name, "v0.1.0", server.WithToolCapabilities(false))
	s.AddTool(mcp.NewTool("whoami",
		mcp.WithDescription(app.WhoamiDescription),
		mcp.WithReadOnlyHintAnnotation(true),
	), whoami)
	mode := server.WithStateful(true)
	if stateless {
		mode = server.WithStateLess(true)
	}
	return mcpmcpgo.Handler(server.NewStreamableHTTPServer(s, mode))
}

// whoami answers with the caller of the request being served, from ctx.
func whoami(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	text, err := app.CallerJSON(ctx)
	if err != nil {
		return nil, err
	}
	return mcp.NewToolResultText(text), nil
}

// serve mounts the example on net/http: the public protected resource
// metadata, then the MCP endpoint behind core's bearer middleware.
func serve(ctx context.Context, a *app.App) error {
	mux := http.NewServeMux()
	mux.Handle("/.well-known/oauth-protected-resource/", a.Auth.MetadataHandler()) // GET /.well-known/oauth-protected-resource/mcp
	mux.Handle(app.MCPPath, a.Bearer.Middleware()(a.MCP))                          // POST (and GET, DELETE) /mcp
	return a.ServeHTTP(ctx, mux)
}
