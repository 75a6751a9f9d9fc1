package mcpecho

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// ContextKey is the key under which BearerAuth stores the caller's
// *mcpauth.AuthInfo in the echo.Context (c.Set / c.Get). Prefer [AuthInfo],
// which also looks in the request's context.Context.
const ContextKey = "mcpauth.authinfo"

// Option tunes [BearerAuth].
type Option func(*config)

type config struct {
	optional   bool
	skipper    middleware.Skipper
	onError    func(c *echo.Context, err error) error
	passErrors bool
}

// Optional lets requests without an Authorization header through without an
// AuthInfo (for routes that serve anonymous callers too). A request that
// sends credentials must still send valid ones: a bad header or token is
// refused. Default: a request without credentials is refused with 401.
func Optional() Option {
	return func(c *config) { c.optional = true }
}

// Skipper lets requests for which skip returns true through unchecked (e.g.
// health checks): the token is not looked at and the handler sees no
// AuthInfo. It is echo's own middleware.Skipper type, so the skippers of
// echo's middleware can be reused. Default: no request is skipped.
func Skipper(skip middleware.Skipper) Option {
	return func(c *config) { c.skipper = skip }
}

// ErrorHandler replaces the default answer to a refused request. h is given
// the echo.Context and the error of [mcpauth.Bearer.Authenticate] (an
// *mcpauth.Error, possibly wrapped: read it with errors.As, test its code
// with errors.Is); what h returns is what the middleware returns: nil when h
// has written the answer itself, or an error for echo's HTTPErrorHandler. To
// log and then answer as the default does, call
// bearer.WriteError(c.Response(), err) and return nil.
//
// ErrorHandler takes precedence over [PassErrors]. Default: none (the core
// answer is written directly).
func ErrorHandler(h func(c *echo.Context, err error) error) Option {
	return func(c *config) { c.onError = h }
}

// PassErrors hands refusals over to the application's e.HTTPErrorHandler
// instead of answering them directly. The middleware sets the core answer's
// WWW-Authenticate, Retry-After and Cache-Control headers (those present) on
// the response, then returns an [*AuthError]: its StatusCode is the answer's
// status (401, 403, 500 or 503), its MarshalJSON the core body, and it
// unwraps to the error of [mcpauth.Bearer.Authenticate] (errors.As with
// *mcpauth.Error, errors.Is with the mcpauth sentinels).
//
// What echo v5.4's DefaultHTTPErrorHandler then sends: the status and the
// headers set here are the core's, Content-Type is "application/json" as in
// the core answer, and the body is the core body in core's key order, run
// through encoding/json's Encoder, which escapes '<', '>' and '&' (Expected
// 'Bearer \u003ctoken\u003e'.) and adds a newline; it is indented when the
// query has a "pretty" parameter; a HEAD request gets no body. An
// application handler that wants the core bytes writes AuthError.Response
// itself.
//
// Default: off (the core answer is written directly).
func PassErrors() Option {
	return func(c *config) { c.passErrors = true }
}

// BearerAuth returns echo middleware that checks the bearer token of every
// request with bearer (see [mcpauth.Bearer.Authenticate]), giving it every
// value of the request's Authorization header in order, so that a request
// carrying two is refused.
//
// An accepted request reaches the next handler with the caller's
// *mcpauth.AuthInfo stored both with c.Set([ContextKey], info) and in the
// request's context.Context (mcpauth.WithAuthInfo, through c.SetRequest), so
// that [AuthInfo], mcpauth.AuthInfoFromContext(c.Request().Context()) and
// net/http handlers mounted with echo.WrapHandler all see it.
//
// A refused request is answered, by default, with exactly
// bearer.ErrorResponse(err): its status, its headers (Content-Type,
// Cache-Control and, as the case needs, WWW-Authenticate and Retry-After),
// a Content-Length and its body bytes as they are, as
// [mcpauth.Bearer.WriteError] does; the chain stops and the middleware
// returns nil. [ErrorHandler] and [PassErrors] change that answer.
//
// Mount it on the protected routes or on a group (e.Any("/mcp", h,
// BearerAuth(bearer)) or e.Group("/mcp", BearerAuth(bearer))), not with
// e.Use: echo runs e.Use middleware for every route, including the metadata
// routes of [RegisterMetadata], which must stay public.
//
// BearerAuth recovers nothing: a panic in a handler below it is not turned
// into an auth answer. With echo's middleware.Recover (recommended) the
// client gets Recover's 500 {"message":"Internal Server Error"}, with no
// challenge; without it the panic leaves e.ServeHTTP and net/http's server
// logs it ("http: panic serving ...") and drops the connection, so the
// client gets no response at all.
//
// BearerAuth panics if bearer is nil, at wiring time rather than on the
// first request.
func BearerAuth(bearer *mcpauth.Bearer, opts ...Option) echo.MiddlewareFunc {
	if bearer == nil {
		panic("mcpecho: BearerAuth called with a nil *mcpauth.Bearer")
	}
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	fail := func(c *echo.Context, err error) error {
		return writeErrorResponse(c, bearer.ErrorResponse(err))
	}
	switch {
	case cfg.onError != nil:
		fail = cfg.onError
	case cfg.passErrors:
		fail = func(c *echo.Context, err error) error {
			return handOver(c, bearer.ErrorResponse(err), err)
		}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			if cfg.skipper != nil && cfg.skipper(c) {
				return next(c)
			}
			req := c.Request()
			info, err := bearer.Authenticate(req.Context(), req.Header.Values(echo.HeaderAuthorization)...)
			if err != nil {
				if cfg.optional && errors.Is(err, mcpauth.ErrMissingAuthHeader) {
					return next(c)
				}
				return fail(c, err)
			}
			c.Set(ContextKey, info)
			c.SetRequest(req.WithContext(mcpauth.WithAuthInfo(req.Context(), info)))
			return next(c)
		}
	}
}

// AuthInfo returns the caller's AuthInfo stored by [BearerAuth]: the value
// under [ContextKey] in c, else the one in c.Request().Context() (so that it
// also finds an AuthInfo put there by net/http middleware such as
// mcpauth.Bearer.Middleware wrapped with echo.WrapMiddleware). ok is false
// when the request was not authenticated (no credentials with [Optional], or
// skipped by [Skipper]).
func AuthInfo(c *echo.Context) (info *mcpauth.AuthInfo, ok bool) {
	if info, ok = c.Get(ContextKey).(*mcpauth.AuthInfo); ok && info != nil {
		return info, true
	}
	return mcpauth.AuthInfoFromContext(c.Request().Context())
}

// writeErrorResponse writes resp as mcpauth.Bearer.WriteError does: its
// headers, a Content-Length, its status and its body bytes, untouched.
func writeErrorResponse(c *echo.Context, resp mcpauth.ErrorResponse) error {
	w := c.Response()
	hdr := w.Header()
	for k, v := range resp.Header {
		hdr[k] = v
	}
	hdr.Set(echo.HeaderContentLength, strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
	return nil
}

// handOverHeaders are the headers of the core answer that PassErrors sets on
// the response; Content-Type is left to the application's error handler.
var handOverHeaders = [...]string{"WWW-Authenticate", "Retry-After", "Cache-Control"}

// handOver sets the challenge headers of resp and returns the *AuthError
// for the application's HTTPErrorHandler.
func handOver(c *echo.Context, resp mcpauth.ErrorResponse, err error) error {
	hdr := c.Response().Header()
	for _, k := range handOverHeaders {
		if v := resp.Header.Values(k); len(v) > 0 {
			hdr[http.CanonicalHeaderKey(k)] = v
		}
	}
	return &AuthError{Response: resp, Err: err}
}

// AuthError is the error [BearerAuth] returns, in [PassErrors] mode, for the
// application's e.HTTPErrorHandler. It implements echo.HTTPStatusCoder (the
// answer's status) and json.Marshaler (core's JSON body, as it is), so that
// echo v5's DefaultHTTPErrorHandler answers with core's status and body; it
// unwraps to the error of [mcpauth.Bearer.Authenticate], so that errors.As
// with *mcpauth.Error and errors.Is with the mcpauth sentinels work. Its
// Error() is the answer's status text and error code, safe to log.
type AuthError struct {
	// Response is the complete answer core gives to the refusal.
	Response mcpauth.ErrorResponse
	// Err is the error of Authenticate.
	Err error
}

// Error returns "mcpauth: <status> <status text>".
func (e *AuthError) Error() string {
	return "mcpauth: " + strconv.Itoa(e.Response.Status) + " " + http.StatusText(e.Response.Status)
}

// Unwrap returns Err.
func (e *AuthError) Unwrap() error { return e.Err }

// StatusCode returns the answer's HTTP status: 401, 403, 500 or 503.
func (e *AuthError) StatusCode() int { return e.Response.Status }

// MarshalJSON returns core's JSON body, byte for byte.
func (e *AuthError) MarshalJSON() ([]byte, error) { return e.Response.Body, nil }
