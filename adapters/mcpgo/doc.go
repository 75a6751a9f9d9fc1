// Package mcpmcpgo bridges mcpauth to mark3labs/mcp-go
// (github.com/mark3labs/mcp-go), the most used Go MCP library, for its
// streamable HTTP server.
//
// mcp-go runs every handler (tools, resources, prompts) in the context of the
// HTTP request it serves, so behind the mcpauth bearer middleware a handler
// reads the current request's caller with [mcpauth.AuthInfoFromContext], in
// stateless and stateful mode. What mcp-go lacks is the binding of a session
// to its user: it serves any request carrying a valid Mcp-Session-Id,
// whoever sends it. [Handler] adds it, without a table: each session id it
// hands out carries a MAC of the id and the user, checked on every request
// (another user's session id gets 404, and the MCP client starts a session
// of its own). It also refuses (500) requests that no bearer middleware
// authenticated.
//
// # Wiring
//
//	mcpServer := server.NewMCPServer("example", "1.0.0")
//	mcpServer.AddTool(mcp.NewTool("whoami", mcp.WithDescription("Who is calling")), whoami)
//	streamable := server.NewStreamableHTTPServer(mcpServer, server.WithStateful(true))
//
//	mux.Handle("/.well-known/oauth-protected-resource/", auth.MetadataHandler())
//	mux.Handle("/mcp", bearer.Middleware()(mcpmcpgo.Handler(streamable)))
//
// and in a tool handler:
//
//	func whoami(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
//		info, ok := mcpauth.AuthInfoFromContext(ctx)
//		...
//	}
//
// The package is named mcpmcpgo, "mcp" + the directory name like every
// adapter of this project (mcpgin, mcpchi, mcpgosdk), rather than mcpgo: code
// using mcp-go often imports its mcp package as mcpgo.
package mcpmcpgo
