package mcpfiber

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// contextKey is the type of [ContextKey]: a named type, so that the key can
// equal no plain string key of another middleware.
type contextKey string

// ContextKey is the key under which [BearerAuth] stores the caller's
// *mcpauth.AuthInfo in the fiber context: c.Locals(mcpfiber.ContextKey).
// Prefer [AuthInfo], which also looks in c.UserContext().
//
// It is a constant of an unexported string type rather than a plain string
// such as "mcpauth.authinfo": another middleware's Locals key cannot collide
// with it, no package can reassign it, and fasthttp's VisitUserValues, which
// fiber uses to hand the Locals to templates with Config.PassLocalsToViews,
// visits only plain string keys, so the AuthInfo (which holds the raw token)
// is never passed to a view.
const ContextKey contextKey = "mcpauth.authinfo"

// Option tunes [BearerAuth]. The options have the same names and meaning in
// every mcpauth adapter (mcpgin, mcpecho, mcpfiber, mcpchi and core's
// net/http Middleware). Nil options are ignored; an option given twice: the
// last one wins.
type Option = mcpauth.EdgeOption[*fiber.Ctx]

// edge is the request flow of BearerAuth.
type edge = mcpauth.Edge[*fiber.Ctx]

// option makes an Option of f.
func option(f func(*edge)) Option { return Option(f) }

// Optional lets a request WITHOUT credentials (no Authorization header, or
// an empty one) through, with no AuthInfo, for routes that also serve
// anonymous callers. A request that does send credentials must send valid
// ones: a malformed header or a bad token is still refused. Default: off
// (401).
func Optional() Option { return option(func(e *edge) { e.Optional = true }) }

// AuthenticatePreflight checks CORS preflights (OPTIONS with
// Access-Control-Request-Method) like any request, so they get 401. Default:
// off, a preflight goes on (c.Next) without an AuthInfo to the
// application's CORS handling (fiber's cors middleware answers it); see
// mcpauth.Edge.AuthenticatePreflight for why that is safe.
func AuthenticatePreflight() Option {
	return option(func(e *edge) { e.AuthenticatePreflight = true })
}

// Skipper lets every request for which skip returns true through unchecked
// (health checks, ...): its Authorization header is not read and the
// handlers below see no AuthInfo. The library's metadata routes are answered
// whatever skip says. The signature is that of the Next field of fiber's own
// middleware configs, so those functions can be reused. Default: none; a nil
// skip means none.
func Skipper(skip func(c *fiber.Ctx) bool) Option { return option(func(e *edge) { e.Skipper = skip }) }

// ErrorHandler replaces the answer to a refused request. h is given the
// fiber context and the error of mcpauth.Bearer.Authenticate (read the
// *mcpauth.Error with errors.As, test its code with errors.Is and an
// mcpauth.Code); what h returns is what the middleware returns: nil when h
// has written the answer itself, or an error for the application's
// fiber.Config.ErrorHandler. To log a refusal and answer as the default does,
// end h with
//
//	return mcpfiber.WriteError(c, bearer.ErrorResponse(err))
//
// h may also call c.Next() to let the request through without an AuthInfo.
// Answering with anything but the bearer's answer loses the WWW-Authenticate
// challenge MCP clients need to start or step up their OAuth flow.
//
// ErrorHandler takes precedence over [PassErrors], whatever their order.
// Default: none; a nil h means none.
func ErrorHandler(h func(c *fiber.Ctx, err error) error) Option {
	return option(func(e *edge) { e.ErrorHandler = h })
}

// PassErrors hands refusals over to the application's
// fiber.Config.ErrorHandler instead of answering them directly: the
// middleware sets every header of core's answer on the response
// (mcpauth.Response.Header: Content-Type application/json, Cache-Control
// no-store and, as the case needs, WWW-Authenticate and Retry-After), as
// every adapter's PassErrors does, and returns an [*AuthError]. The
// AuthError reads as a *fiber.Error (errors.As) whose Code is the answer's
// status (401, 403, 500 or 503) and whose Message is the answer's
// Description, and as the error of mcpauth.Bearer.Authenticate (errors.As
// with *mcpauth.Error, errors.Is with an mcpauth.Code); its Response field
// is the complete core answer, which [WriteError] writes verbatim.
//
// fiber's DefaultErrorHandler (fiber v2.52) then answers with the status,
// the headers set here but its own "Content-Type: text/plain; charset=utf-8",
// and the description as a plain-text body, e.g.
//
//	HTTP/1.1 401 Unauthorized
//	Content-Type: text/plain; charset=utf-8
//	Cache-Control: no-store
//	Www-Authenticate: Bearer error="invalid_token", error_description="...", resource_metadata="...", scope="read"
//
//	The provided token is invalid or malformed.
//
// An application handler that wants the standard JSON answer writes it with
//
//	var ae *mcpfiber.AuthError
//	if errors.As(err, &ae) {
//		return mcpfiber.WriteError(c, ae.Response)
//	}
//
// [ErrorHandler] takes precedence. Default: off.
func PassErrors() Option { return option(func(e *edge) { e.PassErrors = handOver }) }

// BearerAuth returns fiber middleware running mcpauth's request flow
// (mcpauth.Edge.Dispatch) for every request it sees. Install it for the whole
// app, before or after [RegisterMetadata]:
//
//	app.Use(mcpfiber.BearerAuth(bearer))
//
// or on a group or a route (app.All("/mcp", mcpfiber.BearerAuth(bearer),
// h)). It:
//
//   - answers the protected resource metadata routes of the bearer's Auth
//     itself (the same bytes as RegisterMetadata), so they stay public
//     whatever the order of registration, and serve even without
//     RegisterMetadata;
//   - lets a request skipped by [Skipper], a CORS preflight (see
//     [AuthenticatePreflight]) or, with [Optional], a request without
//     credentials go on (c.Next) with no AuthInfo;
//   - lets an accepted request go on with the caller's *mcpauth.AuthInfo
//     stored both in c.Locals([ContextKey]) and in c.UserContext() (through
//     mcpauth.WithAuthInfo and c.SetUserContext), so that [AuthInfo],
//     mcpauth.AuthInfoFromContext(c.UserContext()) and net/http handlers
//     mounted with [HTTPHandler] (not with adaptor.HTTPHandler, see
//     HTTPHandler) see it;
//   - answers a refused request with [WriteError] (exactly
//     bearer.ErrorResponse(err), the bytes of every other adapter), stops
//     the chain and returns nil; [ErrorHandler] and [PassErrors] change that
//     answer.
//
// The request's values are read from fasthttp's buffers only during the
// call; the Authorization values are copied (core keeps the token in the
// AuthInfo). The Locals and the user context live in the fasthttp request
// context, which fiber recycles when the request ends: do not use c,
// c.UserContext() or c.Locals after the handler returns (the AuthInfo itself
// may be kept). The context given to Authenticate, for the key fetches it
// may make, is c.UserContext().
//
// BearerAuth panics if bearer is nil, at wiring time rather than on the
// first request.
func BearerAuth(bearer *mcpauth.Bearer, opts ...Option) fiber.Handler {
	edge := mcpauth.NewEdge(bearer, mcpauth.Edge[*fiber.Ctx]{Next: next, Write: WriteError}, opts...)
	return func(c *fiber.Ctx) error {
		var one [1]string // the usual single Authorization value, on the stack
		ctx, req := request(c, one[:0])
		req.Body = c.Request().Body // fasthttp's raw body, read only for per-tool scopes; made here to stay on the stack
		return edge.Dispatch(ctx, c, req, nil)
	}
}

// next stores info, when there is one, and runs the next handler.
func next(c *fiber.Ctx, info *mcpauth.AuthInfo) error {
	if info != nil {
		c.Locals(ContextKey, info)
		c.SetUserContext(mcpauth.WithAuthInfo(c.UserContext(), info))
	}
	return c.Next()
}

// request is the context (c.UserContext()) and the mcpauth.Request of c,
// its Authorization values appended to buf (BearerAuth sets its Body:
// fasthttp's raw body, not c.Body(), which decodes a Content-Encoding: core
// needs the bytes and the encoding the next handler gets). The method, the
// decoded path, the
// Content-Encoding and the preflight headers point into fasthttp's buffers
// (valid during the call, not kept by core); every Authorization value is
// copied into a Go string, as core keeps the token in the AuthInfo.
func request(c *fiber.Ctx, buf []string) (context.Context, mcpauth.Request) {
	rh := &c.Request().Header
	req := mcpauth.Request{Method: c.Method(), Path: utils.UnsafeString(c.Request().URI().Path()),
		ContentEncoding: utils.UnsafeString(rh.Peek(fiber.HeaderContentEncoding))}
	for _, v := range rh.PeekAll(fiber.HeaderAuthorization) {
		buf = append(buf, string(v))
	}
	req.Authorization = buf
	if req.Method == fiber.MethodOptions {
		req.PreflightMethod = utils.UnsafeString(rh.Peek(fiber.HeaderAccessControlRequestMethod))
		req.PreflightHeaders = utils.UnsafeString(rh.Peek(fiber.HeaderAccessControlRequestHeaders))
	}
	return c.UserContext(), req
}

// AuthInfo returns the caller's AuthInfo stored by [BearerAuth]: the value
// under [ContextKey] in c.Locals, else the one in c.UserContext() (put there
// with mcpauth.WithAuthInfo by other code). ok is false when the request was
// not authenticated (no BearerAuth on its route, [Optional] without
// credentials, [Skipper], a CORS preflight). Treat the AuthInfo as
// read-only: it may be shared between requests carrying the same token.
func AuthInfo(c *fiber.Ctx) (info *mcpauth.AuthInfo, ok bool) {
	if info, ok = c.Locals(ContextKey).(*mcpauth.AuthInfo); ok && info != nil {
		return info, true
	}
	return mcpauth.AuthInfoFromContext(c.UserContext())
}
