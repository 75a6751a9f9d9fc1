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
// Add [ContextMiddleware] to the server and mount [Handler] below the bearer
// middleware of core or of any framework adapter (mcpgin, mcpecho,
// mcpfiber, mcpchi):
//
//	server := mcp.NewServer(&mcp.Implementation{Name: "example", Version: "v1.0.0"}, nil)
//	server.AddReceivingMiddleware(mcpgosdk.ContextMiddleware())
//	mcp.AddTool(server, &mcp.Tool{Name: "whoami"}, whoami)
//	sdk := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)
//
//	mux.Handle("/.well-known/oauth-protected-resource/", auth.MetadataHandler())
//	mux.Handle("/mcp", bearer.Middleware()(mcpgosdk.Handler(sdk)))
//
// and read the caller of the request being served in any tool, resource or
// prompt handler:
//
//	func whoami(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
//		info, ok := mcpauth.AuthInfoFromContext(ctx)
//		...
//	}
//
// [AuthInfo](req) returns the same *mcpauth.AuthInfo from the request.
//
// # Why two pieces
//
// A stateful StreamableHTTPHandler (the SDK's default) runs a session's
// handlers in the context of the request that created the session, so
// values that HTTP middleware put in a later request's context never reach
// them: without the bridge, ctx holds the session creator's AuthInfo (the
// old token's jti, scopes and expiry after a refresh). [Handler] takes the
// AuthInfo out of the context it gives the SDK and passes it in the
// per-message TokenInfo; [ContextMiddleware] puts each message's AuthInfo
// into its handler's context. With one piece missing, handlers see no
// caller rather than a stale one. With neither (the bearer middleware
// straight in front of the SDK handler) a stateful server shows the
// session creator's caller, which this package cannot detect: always mount
// Handler. Do not read auth.TokenInfoFromContext(ctx) in handlers either: on
// a stateful server it is the session creator's; req.Extra.TokenInfo is per
// request.
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
