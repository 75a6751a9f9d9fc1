package mcpecho

import (
	"context"
	"encoding/json"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// ContextKey is the key under which BearerAuth stores the caller's
// *mcpauth.AuthInfo in the echo.Context (c.Set / c.Get). Prefer [AuthInfo],
// which also looks in the request's context.Context. It is a plain string
// because echo.Context.Set takes only strings; mcpgin and mcpfiber, whose
// frameworks take any key, use a constant of an unexported type with the
// same text.
const ContextKey = "mcpauth.authinfo"

// Option tunes [BearerAuth]. The options have the same names and meaning in
// every mcpauth adapter (mcpgin, mcpecho, mcpfiber, mcpchi and core's
// net/http Middleware). Nil options are ignored; an option given twice: the
// last one wins.
type Option = mcpauth.EdgeOption[echo.Context]

// edge is the request flow of BearerAuth.
type edge = mcpauth.Edge[echo.Context]

// option makes an Option of f.
func option(f func(*edge)) Option {
	return Option(f)
}

// Optional lets requests without credentials (no Authorization header, or an
// empty one) through without an AuthInfo (for routes that serve anonymous
// callers too). A request that sends credentials must still send valid
// ones: a bad header or token is refused. Default: off (401).
func Optional() Option { return option(func(e *edge) { e.Optional = true }) }

// AuthenticatePreflight checks CORS preflights (OPTIONS with
// Access-Control-Request-Method) like any request, so they get 401. Default:
// off, a preflight goes on (next) without an AuthInfo to the application's
// CORS handling (echo's middleware.CORS answers it); see
// mcpauth.Edge.AuthenticatePreflight for why that is safe.
func AuthenticatePreflight() Option {
	return option(func(e *edge) { e.AuthenticatePreflight = true })
}

// Skipper lets requests for which skip returns true through unchecked (e.g.
// health checks): the token is not looked at and the handler sees no
// AuthInfo. The library's metadata routes are answered whatever skip says.
// It is echo's own middleware.Skipper type, so the skippers of echo's
// middleware can be reused. Default: none; a nil skip means none.
func Skipper(skip middleware.Skipper) Option { return option(func(e *edge) { e.Skipper = skip }) }

// ErrorHandler replaces the default answer to a refused request. h is given
// the echo.Context and the error of mcpauth.Bearer.Authenticate (an
// *mcpauth.Error, possibly wrapped: read it with errors.As, test its code
// with errors.Is and an mcpauth.Code); what h returns is what the middleware
// returns: nil when h has written the answer itself, or an error for echo's
// HTTPErrorHandler. To log and then answer as the default does, end h with
// return mcpecho.WriteError(c, bearer.ErrorResponse(err)).
//
// ErrorHandler takes precedence over [PassErrors], whatever their order.
// Default: none; a nil h means none.
func ErrorHandler(h func(c echo.Context, err error) error) Option {
	return option(func(e *edge) { e.ErrorHandler = h })
}

// PassErrors hands refusals over to the application's e.HTTPErrorHandler
// instead of answering them directly. The middleware sets every header of
// core's answer on the response (mcpauth.Response.Header: Content-Type
// application/json, Cache-Control no-store and, as the case needs,
// WWW-Authenticate and Retry-After), as every adapter's PassErrors does, then
// returns an *echo.HTTPError with
//
//   - Code: the answer's status (401, 403, 500 or 503);
//   - Message: the answer's JSON body as a json.RawMessage;
//   - Internal: the error of mcpauth.Bearer.Authenticate, so that
//     errors.As(err, &mcpErr) and errors.Is(err, mcpauth.CodeInvalidToken)
//     work on it.
//
// echo v4.16's DefaultHTTPErrorHandler renders a json.Marshaler Message as
// it is with c.JSON(Code, Message): the status, the headers set here and the
// core body's JSON value, in its key order, re-encoded by encoding/json (which
// escapes '<', '>' and '&' and adds a newline). A HEAD request gets no body.
// An application handler that wants the core bytes writes
// bearer.ErrorResponse(err) itself with [WriteError]. [ErrorHandler] takes
// precedence. Default: off (the core answer is written directly).
func PassErrors() Option { return option(func(e *edge) { e.PassErrors = handOver }) }

// BearerAuth returns echo middleware running mcpauth's request flow
// (mcpauth.Edge.Dispatch) for every request it sees. Install it for the whole
// server, before or after [RegisterMetadata]:
//
//	e.Use(mcpecho.BearerAuth(bearer))
//
// or on a group or a route (e.Group("/mcp", mcpecho.BearerAuth(bearer))). It:
//
//   - answers the protected resource metadata routes of the bearer's Auth
//     itself (the same bytes as RegisterMetadata), so they stay public
//     whatever the order of registration, and serve even without
//     RegisterMetadata;
//   - lets a request skipped by [Skipper], a CORS preflight (see
//     [AuthenticatePreflight]) or, with [Optional], a request without
//     credentials go on with no AuthInfo;
//   - lets an accepted request go on with the caller's *mcpauth.AuthInfo
//     stored both with c.Set([ContextKey], info) and in the request's
//     context.Context (through c.SetRequest), so that [AuthInfo],
//     mcpauth.AuthInfoFromContext(c.Request().Context()) and net/http
//     handlers mounted with echo.WrapHandler all see it;
//   - answers a refused request with [WriteError] (exactly
//     bearer.ErrorResponse(err), the bytes of every other adapter), stops
//     the chain and returns nil; [ErrorHandler] and [PassErrors] change that
//     answer.
//
// Note that echo runs e.Use middleware only for requests that match a route
// or, for unmatched ones, before its 404/405 answer; e.Pre middleware runs
// before routing. BearerAuth recovers nothing: with echo's
// middleware.Recover a panic below it gets Recover's 500. BearerAuth panics
// if bearer is nil, at wiring time rather than on the first request.
func BearerAuth(bearer *mcpauth.Bearer, opts ...Option) echo.MiddlewareFunc {
	edge := mcpauth.NewEdge(bearer, mcpauth.Edge[echo.Context]{Write: WriteError}, opts...)
	// echo calls this function for every request (it builds the chain per
	// request): it only captures next.
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, req := request(c)
			return edge.Dispatch(ctx, c, req, func(c echo.Context, info *mcpauth.AuthInfo) error {
				if info != nil {
					c.Set(ContextKey, info)
					r := c.Request()
					c.SetRequest(r.WithContext(mcpauth.WithAuthInfo(r.Context(), info)))
				}
				return next(c)
			})
		}
	}
}

// request is the context and the mcpauth.Request of c.
func request(c echo.Context) (context.Context, mcpauth.Request) {
	r := c.Request()
	return r.Context(), mcpauth.HTTPRequest(r)
}

// handOver is the PassErrors answer: every header of resp set on the
// response, and an *echo.HTTPError for the application's HTTPErrorHandler.
func handOver(c echo.Context, resp mcpauth.Response, err error) error {
	hdr := c.Response().Header()
	for k, v := range resp.Header {
		hdr[k] = v
	}
	return &echo.HTTPError{Code: resp.Status, Message: json.RawMessage(resp.Body), Internal: err}
}

// AuthInfo returns the caller's AuthInfo stored by [BearerAuth]: the value
// under [ContextKey] in c, else the one in c.Request().Context() (so that it
// also finds an AuthInfo put there by net/http middleware such as
// mcpauth.Bearer.Middleware wrapped with echo.WrapMiddleware). ok is false
// when the request was not authenticated (no credentials with [Optional],
// skipped by [Skipper], a CORS preflight).
func AuthInfo(c echo.Context) (info *mcpauth.AuthInfo, ok bool) {
	if info, ok = c.Get(ContextKey).(*mcpauth.AuthInfo); ok && info != nil {
		return info, true
	}
	return mcpauth.AuthInfoFromContext(c.Request().Context())
}

// WriteError writes resp (usually bearer.ErrorResponse(err)) as the answer
// of c, as mcpauth.Response.Write does: its headers, a Content-Length
// (unless the status forbids a body), its status and its body bytes,
// untouched; it returns nil. It is BearerAuth's default answer; an
// [ErrorHandler] may return it after logging.
func WriteError(c echo.Context, resp mcpauth.Response) error {
	resp.Write(c.Response())
	return nil
}
