package mcpgosdk

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// ContextMiddleware returns the MCP receiving middleware that makes
// [mcpauth.AuthInfoFromContext] report, in every tool, resource and prompt
// handler (and any other method handler), the caller of the request being
// served. Add it once to each *mcp.Server served through [Handler]:
//
//	server.AddReceivingMiddleware(mcpgosdk.ContextMiddleware())
//
// Why it is needed: a stateful StreamableHTTPHandler runs handlers in the
// context of the session, which it derives from the HTTP request that
// created the session (the initialize request). Values that HTTP middleware
// put in a later request's context never reach the handler; only the SDK's
// per-message req.Extra.TokenInfo does. This middleware moves the AuthInfo
// that [Handler] stored in that TokenInfo into the handler's context, for
// each message.
//
// It always overwrites the context's AuthInfo: with the AuthInfo of the
// message's TokenInfo, or with none when the message carries no TokenInfo
// made by this package (the server is not behind [Handler], or the request
// was let through by [AllowAnonymous]). So a handler never sees the AuthInfo
// of another request, whatever the wiring: at worst it sees no caller.
// [AuthInfo] (from the request) and [mcpauth.AuthInfoFromContext] (from ctx)
// then return the same *mcpauth.AuthInfo.
func ContextMiddleware() mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			info, _ := AuthInfo(req) // nil when the message has no bridged caller
			return next(mcpauth.WithAuthInfo(ctx, info), method, req)
		}
	}
}

// withoutAuthInfo hides the AuthInfo of ctx: [mcpauth.AuthInfoFromContext]
// reports no caller below it. [Handler] applies it to the requests it hands
// to the SDK, because a stateful SDK handler keeps the context of the
// request that created a session for all the session's later requests: an
// AuthInfo left there would be a stale caller (another token, possibly
// another user) in every later handler of the session. The caller reaches
// handlers through req.Extra.TokenInfo and [ContextMiddleware] instead.
func withoutAuthInfo(ctx context.Context) context.Context {
	return mcpauth.WithAuthInfo(ctx, nil)
}
