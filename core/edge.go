package mcpauth

import "context"

// Edge is what an integration plugs into the request flow: how to carry out
// its decision in a framework (C is the framework's request context:
// *gin.Context, echo.Context, *fiber.Ctx, ...) and the options every
// integration has. [Edge.Dispatch] is the one request flow every integration
// runs, so that the public routes, skipping, CORS preflights, optional
// credentials and the choice between the error hook, the hand-over to the
// framework and the default answer cannot differ between frameworks.
// [Bearer.Middleware] and the gin, echo, fiber and chi adapters are built on
// it; an adapter for another framework builds one Edge with [NewEdge] and
// calls Dispatch from its middleware. The zero value of each option is the
// secure default.
type Edge[C any] struct {
	// Optional lets a request WITHOUT credentials (no Authorization header,
	// or an empty one) through with no AuthInfo, for routes that also serve
	// anonymous callers. A request that sends credentials must send valid
	// ones. Default false: 401.
	Optional bool
	// AuthenticatePreflight checks CORS preflights (OPTIONS with an
	// Access-Control-Request-Method header) like any request, so they get
	// 401. By default (false) a preflight is passed, unauthenticated and
	// with no AuthInfo, to the next handler: the application's CORS handling.
	//
	// Why passing is safe: a browser sends a preflight without credentials
	// (Fetch standard: never the Authorization header) before a
	// cross-origin request that carries them; answering it 401 makes every
	// browser-based MCP client fail before it can send its token. The
	// preflight itself reads nothing: the real request that follows is
	// checked as usual. What the next handler does with an OPTIONS request
	// is the application's: a CORS middleware answers it (204 and the
	// Access-Control-Allow-* headers the application allows); without one,
	// the framework's router answers (404 or 405, or the route's handler for
	// a route that takes OPTIONS: such a handler must not serve data to an
	// OPTIONS request it did not expect, or set this option).
	AuthenticatePreflight bool
	// Skipper, when set, lets the requests it returns true for through
	// unchecked (the library's public routes are still answered).
	Skipper func(c C) bool
	// Next calls the next handler, after storing info the framework's way
	// and with [WithAuthInfo] when info is not nil. Required unless every
	// Dispatch is given a next.
	Next func(c C, info *AuthInfo) error
	// Write writes resp as it is and stops the chain. Required.
	Write func(c C, resp Response) error
	// ErrorHandler, when set, answers refusals instead of Write (the
	// adapters' ErrorHandler option). It takes precedence over PassErrors.
	// The library's public documents are never given to it.
	ErrorHandler func(c C, err error) error
	// PassErrors, when set, hands refusals over to the framework's error
	// handling instead of Write (the adapters' PassErrors option), given
	// the answer core would write and the error.
	PassErrors func(c C, resp Response, err error) error

	bearer *Bearer // set by NewEdge
}

// Dispatch runs the request flow for req, the request of c, with ctx (key
// fetches honour its cancellation), and carries out its decision, in this
// order:
//
//  1. the library's own public routes (the protected resource metadata of
//     every resource of the [Auth] the Bearer comes from, as
//     [Auth.MetadataRoutes], matched on the decoded req.Path) are answered
//     with Write and their document, whatever the method, Skipper or the
//     credentials: such a route is never behind authentication, whatever
//     the registration order of routes and middleware;
//  2. a request Skipper returns true for, and a CORS preflight (unless
//     AuthenticatePreflight), go on with no AuthInfo;
//  3. the credentials are checked with [Bearer.Authenticate], and, when the
//     Bearer has per-operation scopes (BearerOptions.MethodScopes and
//     ToolScopes), the token must also hold the scopes of the JSON-RPC
//     operations in the request body (read from req.Body or the net/http
//     body of [HTTPRequest], which is given back intact). Accepted, the
//     request goes on with its AuthInfo. Refused, the answer is
//     [Bearer.ErrorResponse] of the error (403 insufficient_scope for a
//     missing scope, its challenge naming the scopes the request needs),
//     carried out by ErrorHandler if set, else PassErrors if set, else
//     Write; except that with Optional a request without credentials goes
//     on with no AuthInfo, unless its operations need a scope (then 401,
//     naming them).
//
// "Goes on" is a call of next, or of e.Next when next is nil: next is for
// frameworks whose next handler is known only per request (echo builds its
// middleware chain for every request). Dispatch returns what the chosen
// function returns. req.Skip is set here from Skipper.
func (e *Edge[C]) Dispatch(ctx context.Context, c C, req Request, next func(c C, info *AuthInfo) error) error {
	req.Skip = e.Skipper != nil && e.Skipper(c)
	out := e.bearer.check(ctx, req, e.Optional, e.AuthenticatePreflight)
	switch {
	case out.resp == nil:
		if next == nil {
			next = e.Next
		}
		return next(c, out.info)
	case out.err != nil && e.ErrorHandler != nil:
		return e.ErrorHandler(c, out.err)
	case out.err != nil && e.PassErrors != nil:
		return e.PassErrors(c, *out.resp, out.err)
	}
	return e.Write(c, *out.resp)
}

// EdgeOption configures an [Edge]: the options of an adapter's BearerAuth
// (each adapter's Option is EdgeOption of its framework's context).
type EdgeOption[C any] func(*Edge[C])

// NewEdge returns e bound to b, with opts applied in order (nil options are
// ignored; for an option given twice the last one wins), the construction
// every adapter's BearerAuth runs. It panics if b is nil: a wiring mistake
// (usually an ignored error of [Auth.BearerAuth]) shows at start-up rather
// than on the first request.
func NewEdge[C any](b *Bearer, e Edge[C], opts ...EdgeOption[C]) *Edge[C] {
	if b == nil {
		panic("mcpauth: BearerAuth called with a nil *mcpauth.Bearer (build it with Auth.BearerAuth)")
	}
	e.bearer = b
	for _, o := range opts {
		if o != nil {
			o(&e)
		}
	}
	return &e
}
