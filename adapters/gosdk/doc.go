// Package mcpgosdk bridges mcpauth to the official MCP Go SDK
// (github.com/modelcontextprotocol/go-sdk): it hands the caller that the
// mcpauth bearer middleware verified to the SDK as an [auth.TokenInfo], so
// that tool handlers read it from req.Extra.TokenInfo and the SDK binds
// stateful sessions to the user, without verifying the token a second time.
//
// The SDK fills req.Extra.TokenInfo only from a context key of its own that
// only [auth.RequireBearerToken] sets. [Handler] runs RequireBearerToken with
// a verifier that converts the request's *[mcpauth.AuthInfo] (see [TokenInfo]:
// UserID = subject, Scopes, Expiration = expiry, the AuthInfo in Extra under
// [ExtraKey]) and with the SDK's own checks turned off, so every refusal an
// MCP client sees (401, 403, 503 and their WWW-Authenticate challenges)
// comes from mcpauth.
//
// # Wiring
//
// Mount the bridge below the bearer middleware of core or of any framework
// adapter (mcpgin, mcpecho, mcpfiber, mcpchi):
//
//	server := mcp.NewServer(&mcp.Implementation{Name: "example"}, nil)
//	mcp.AddTool(server, &mcp.Tool{Name: "whoami"}, whoami)
//	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)
//
//	mux.Handle("/.well-known/oauth-protected-resource/", auth.MetadataHandler())
//	mux.Handle("/mcp", bearer.Middleware()(mcpgosdk.Handler(h)))
//
// and read the caller in a tool handler:
//
//	func whoami(ctx context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
//		info, ok := mcpgosdk.AuthInfo(req)
//		...
//	}
//
// # Sessions
//
// A stateful StreamableHTTPHandler records TokenInfo.UserID when it creates
// a session and answers 403 to a later request on that session whose UserID
// differs: a token of another user cannot take over the session. UserID is
// the "sub" claim; use [WithUserID] when the resource trusts several
// authorization servers whose subjects may collide. Stateless handlers have
// no sessions and need no affinity between replicas.
package mcpgosdk
