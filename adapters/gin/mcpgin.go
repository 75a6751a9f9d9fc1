package mcpgin

import (
	"github.com/gin-gonic/gin"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// ContextKey is the gin context key (c.Set / c.Get) under which BearerAuth
// stores the caller's *mcpauth.AuthInfo. Read it with [AuthInfo] rather than
// with c.Get, so that a missing or foreign value is reported as "not
// authenticated".
//
// It is a string, as in mcpecho: gin's c.Value(key), which code handed the
// *gin.Context as a context.Context uses, looks up string keys only (and echo's
// c.Set takes only strings). mcpfiber's is a constant of an unexported type
// with the same text, because fiber passes every string-keyed Local to
// templates when Config.PassLocalsToViews is set, and the AuthInfo holds the
// raw token.
const ContextKey = "mcpauth.authinfo"

// Option tunes [BearerAuth]. The options have the same names and meaning in
// every mcpauth adapter (mcpgin, mcpecho, mcpfiber, mcpchi and core's
// net/http Middleware). Nil options are ignored; an option given twice: the
// last one wins.
type Option = mcpauth.EdgeOption[*gin.Context]

// edge is the request flow of BearerAuth.
type edge = mcpauth.Edge[*gin.Context]

// option makes an Option of f.
func option(f func(*edge)) Option {
	return Option(f)
}

// Optional lets requests without credentials (no Authorization header, or an
// empty one) through, with no AuthInfo (for routes that also serve anonymous
// callers). A request that sends credentials must still send valid ones: a
// malformed header or a bad token is refused as usual. Default: off (401).
func Optional() Option { return option(func(e *edge) { e.Optional = true }) }

// AuthenticatePreflight checks CORS preflights (OPTIONS with
// Access-Control-Request-Method) like any request, so they get 401. Default:
// off, a preflight continues (c.Next) without an AuthInfo to the
// application's CORS handling; see mcpauth.Edge.AuthenticatePreflight for
// why that is safe.
func AuthenticatePreflight() Option {
	return option(func(e *edge) { e.AuthenticatePreflight = true })
}

// Skipper lets the requests for which skip returns true through unchecked
// (health checks, public pages of a group): the token, if any, is not
// looked at and the handlers below see no AuthInfo. The library's metadata
// routes are answered whatever skip says. Default: none; a nil skip means
// none.
func Skipper(skip func(c *gin.Context) bool) Option {
	return option(func(e *edge) { e.Skipper = skip })
}

// ErrorHandler replaces the default answer to a refused request (which is
// [WriteError] of the bearer's mcpauth.Bearer.ErrorResponse). h is given
// the error of mcpauth.Bearer.Authenticate: an *mcpauth.Error or an error
// wrapping one (read it with errors.As, test it with errors.Is and an
// mcpauth.Code), or, for a failure of a custom verifier, an error wrapping
// the verifier's own error (answered 500 by default). h may log it and call
// WriteError(c, bearer.ErrorResponse(err)) itself, or write any answer
// (anything but the bearer's answer loses the WWW-Authenticate challenge
// MCP clients act on).
//
// The chain is aborted after h returns (c.Abort), so the handlers below never
// see an unauthenticated request by mistake. A handler that wants to let the
// request through anyway calls c.Next() itself: the handlers below then run
// inside h, and nothing runs twice. If h writes nothing, gin answers 200 with
// an empty body.
//
// ErrorHandler takes precedence over [PassErrors], whatever their order.
// Default: none; a nil h means none.
func ErrorHandler(h func(c *gin.Context, err error)) Option {
	return option(func(e *edge) {
		e.ErrorHandler = nil
		if h != nil {
			e.ErrorHandler = func(c *gin.Context, err error) error {
				h(c, err)
				c.Abort()
				return nil
			}
		}
	})
}

// PassErrors hands refusals over to the application's gin error-rendering
// middleware (the gin idiom of c.AbortWithError) instead of writing the
// body. For a refused request, BearerAuth:
//
//   - sets every header of core's answer (mcpauth.Response.Header:
//     Content-Type application/json, Cache-Control no-store and, as the case
//     needs, the WWW-Authenticate challenge and Retry-After), as every
//     adapter's PassErrors does;
//   - appends the error of mcpauth.Bearer.Authenticate to c.Errors, with
//     type gin.ErrorTypePrivate (read it with errors.As). Its text carries
//     the log detail, never the token, but is not meant for clients: render
//     the Code and Description of bearer.ErrorResponse(err) instead;
//   - calls c.AbortWithStatus with core's status (401, 403, 500 or 503).
//
// The status and the headers are therefore sent (committed) before the
// renderer runs: the renderer only writes the body, in JSON since the
// Content-Type is already application/json, and a status it passes to c.JSON
// is ignored. This keeps the status and challenge MCP clients act on intact
// even behind a generic renderer that answers every error with 500. Without a
// renderer the answer has those headers and an empty body. To choose the
// status or the headers yourself, use [ErrorHandler], which takes
// precedence. Default: off (BearerAuth writes core's answer itself and adds
// nothing to c.Errors).
func PassErrors() Option { return option(func(e *edge) { e.PassErrors = passError }) }

// BearerAuth returns gin middleware running mcpauth's request flow
// (mcpauth.Edge.Dispatch) for every request it sees. Install it for the whole
// engine, before or after [RegisterMetadata]:
//
//	r.Use(mcpgin.BearerAuth(bearer))
//
// or on a group or a route (r.Group("/mcp", mcpgin.BearerAuth(bearer))). It:
//
//   - answers the protected resource metadata routes of the bearer's Auth
//     itself (the same bytes as RegisterMetadata), so they stay public
//     whatever the order of registration, and serve even without
//     RegisterMetadata;
//   - lets a request skipped by [Skipper], a CORS preflight (see
//     [AuthenticatePreflight]) or, with [Optional], a request without
//     credentials continue with no AuthInfo;
//   - lets an accepted request continue (c.Next) with the caller's
//     *mcpauth.AuthInfo stored twice: in the gin context under [ContextKey]
//     (read it with [AuthInfo]) and in c.Request's context.Context (read it
//     with mcpauth.AuthInfoFromContext(c.Request.Context()), in any code
//     below, net/http handlers mounted with gin.WrapH included);
//   - answers a refused request with [WriteError] (exactly the status,
//     headers and body of mcpauth.Bearer.ErrorResponse, the bytes of every
//     other adapter) and aborts the chain; [ErrorHandler] and [PassErrors]
//     change that answer.
//
// Panics of the handlers below are not recovered: they reach gin's Recovery
// middleware. BearerAuth panics if bearer is nil (a wiring mistake, usually
// an ignored error of mcpauth.Auth.BearerAuth), at start-up rather than on
// the first request.
func BearerAuth(bearer *mcpauth.Bearer, opts ...Option) gin.HandlerFunc {
	edge := mcpauth.NewEdge(bearer, mcpauth.Edge[*gin.Context]{Next: next, Write: write}, opts...)
	return func(c *gin.Context) { _ = edge.Dispatch(c.Request.Context(), c, mcpauth.HTTPRequest(c.Request), nil) }
}

// write is WriteError as an Edge's Write.
func write(c *gin.Context, resp mcpauth.Response) error {
	WriteError(c, resp)
	return nil
}

// next stores info, when there is one, and runs the handlers below.
func next(c *gin.Context, info *mcpauth.AuthInfo) error {
	if info != nil {
		c.Set(ContextKey, info)
		c.Request = c.Request.WithContext(mcpauth.WithAuthInfo(c.Request.Context(), info))
	}
	c.Next()
	return nil
}

// passError is the PassErrors answer: every header of resp, the error in
// c.Errors, the status committed.
func passError(c *gin.Context, resp mcpauth.Response, err error) error {
	hdr := c.Writer.Header()
	for k, v := range resp.Header {
		hdr[k] = v
	}
	_ = c.Error(err).SetType(gin.ErrorTypePrivate)
	c.AbortWithStatus(resp.Status)
	return nil
}

// AuthInfo returns the caller's AuthInfo stored by [BearerAuth]; ok is false
// when the request was not authenticated (no BearerAuth above, [Optional]
// without credentials, [Skipper], a CORS preflight). It reads the gin
// context key [ContextKey] and, failing that, c.Request's context, so it
// works whether or not gin.Engine.ContextWithFallback is set.
func AuthInfo(c *gin.Context) (info *mcpauth.AuthInfo, ok bool) {
	if c == nil {
		return nil, false
	}
	if v, exists := c.Get(ContextKey); exists {
		if info, ok := v.(*mcpauth.AuthInfo); ok && info != nil {
			return info, true
		}
	}
	if c.Request != nil {
		return mcpauth.AuthInfoFromContext(c.Request.Context())
	}
	return nil, false
}

// WriteError writes resp (usually bearer.ErrorResponse(err)) as the answer
// of c and aborts the chain: the status, every header of resp, a
// Content-Length (unless the status forbids a body) and the body bytes
// verbatim, as mcpauth.Response.Write does. It is BearerAuth's default
// answer; an [ErrorHandler] may call it after logging.
func WriteError(c *gin.Context, resp mcpauth.Response) {
	resp.Write(c.Writer)
	c.Abort()
}
