package mcpgin

import (
	"errors"

	"github.com/gin-gonic/gin"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// ContextKey is the gin context key (c.Set / c.Get) under which BearerAuth
// stores the caller's *mcpauth.AuthInfo. Read it with [AuthInfo] rather than
// with c.Get, so that a missing or foreign value is reported as "not
// authenticated".
const ContextKey = "mcpauth.authinfo"

// Option tunes [BearerAuth].
type Option func(*config)

type config struct {
	optional bool
	skipper  func(*gin.Context) bool
	// onError answers a refused request; nil means the default answer
	// ([WriteError]).
	onError func(c *gin.Context, bearer *mcpauth.Bearer, err error)
}

// Optional lets requests without an Authorization header through, with no
// AuthInfo (for routes that also serve anonymous callers). A request that
// sends an Authorization header must still send a valid one: a malformed
// header or a bad token is refused as usual. Default: off (the header is
// required).
func Optional() Option {
	return func(c *config) { c.optional = true }
}

// Skipper lets the requests for which skip returns true through unchecked
// (health checks, public pages of a group): the token, if any, is not
// looked at and the handlers below see no AuthInfo. A nil skip is ignored.
// Default: no request is skipped.
func Skipper(skip func(c *gin.Context) bool) Option {
	return func(c *config) { c.skipper = skip }
}

// ErrorHandler replaces the default answer to a refused request (which is
// [WriteError]: the exact answer of core's [mcpauth.Bearer.ErrorResponse]).
// h is given the error returned by [mcpauth.Bearer.Authenticate]: an
// *mcpauth.Error or an error wrapping one (read it with errors.As), or, for a
// failure of a custom verifier, an error wrapping the verifier's own error
// (answered 500 by default). h may log it and call [WriteError] itself, or
// write any answer.
//
// The chain is aborted after h returns (c.Abort), so the handlers below never
// see an unauthenticated request by mistake. A handler that wants to let the
// request through anyway (for instance as anonymous) calls c.Next() itself:
// the handlers below then run inside h, and the chain is still marked aborted
// afterwards, so nothing runs twice. If h writes nothing, gin answers 200
// with an empty body. A nil h is ignored.
//
// ErrorHandler and [PassErrors] replace one another: the last one given wins.
func ErrorHandler(h func(c *gin.Context, err error)) Option {
	return func(cfg *config) {
		if h == nil {
			return
		}
		cfg.onError = func(c *gin.Context, _ *mcpauth.Bearer, err error) {
			h(c, err)
		}
	}
}

// PassErrors hands refusals over to the application's gin error-rendering
// middleware (the gin idiom of c.AbortWithError) instead of writing the
// body. For a refused request, BearerAuth:
//
//   - sets every header of core's answer: Content-Type (application/json),
//     Cache-Control (no-store) and, as the case needs, the WWW-Authenticate
//     challenge and Retry-After;
//   - appends the error of [mcpauth.Bearer.Authenticate] to c.Errors, with
//     type gin.ErrorTypePrivate: an *mcpauth.Error or an error wrapping one
//     (read it with errors.As; a failure of a custom verifier wraps the
//     verifier's own error instead). Its text carries the log detail, never
//     the token, but is not meant for clients: render the Error's Code and
//     Code.Description() instead;
//   - calls c.AbortWithStatus with core's status (401, 403, 500 or 503).
//
// The status and the headers are therefore sent (committed) before the
// renderer runs: the renderer only writes the body, in JSON since the
// Content-Type is already application/json, and a status it passes to c.JSON
// is ignored (c.JSON(-1, ...) or c.JSON(c.Writer.Status(), ...) say so
// explicitly). This keeps the status and challenge MCP clients act on intact
// even behind a generic renderer that answers every error with 500. Without a
// renderer the answer has those headers and an empty body. To choose the
// status or the headers yourself, use [ErrorHandler].
//
// PassErrors and [ErrorHandler] replace one another: the last one given wins.
// Default: off (BearerAuth writes core's answer itself and adds nothing to
// c.Errors, so a renderer cannot append a second body to it).
func PassErrors() Option {
	return func(cfg *config) { cfg.onError = passError }
}

// BearerAuth returns gin middleware that checks the bearer token of every
// request with bearer (see [mcpauth.Bearer.Authenticate]), given every value
// of the request's Authorization header, so that a request carrying two of
// them is refused.
//
// An accepted request continues (c.Next) with the caller's *mcpauth.AuthInfo
// stored twice: in the gin context under [ContextKey] (read it with
// [AuthInfo]) and in c.Request's context.Context (read it with
// [mcpauth.AuthInfoFromContext](c.Request.Context()), in any code below,
// including net/http handlers mounted with gin.WrapH).
//
// A refused request is answered by default with [WriteError]: exactly the
// status, headers and body of core's [mcpauth.Bearer.ErrorResponse], the same
// bytes as every other adapter, and the chain is aborted. [Optional],
// [Skipper], [ErrorHandler] and [PassErrors] change this. Panics of the
// handlers below are not recovered: they reach gin's Recovery middleware.
//
// BearerAuth panics if bearer is nil (a wiring mistake, usually an ignored
// error of mcpauth.Auth.BearerAuth), so that it shows at start-up rather than
// on the first request.
func BearerAuth(bearer *mcpauth.Bearer, opts ...Option) gin.HandlerFunc {
	if bearer == nil {
		panic("mcpgin: BearerAuth called with a nil *mcpauth.Bearer")
	}
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return func(c *gin.Context) {
		if cfg.skipper != nil && cfg.skipper(c) {
			c.Next()
			return
		}
		info, err := bearer.Authenticate(c.Request.Context(), c.Request.Header.Values("Authorization")...)
		if err != nil {
			if cfg.optional && errors.Is(err, mcpauth.ErrMissingAuthHeader) {
				c.Next()
				return
			}
			if cfg.onError == nil {
				WriteError(c, bearer, err)
				return
			}
			cfg.onError(c, bearer, err)
			if !c.IsAborted() {
				c.Abort()
			}
			return
		}
		c.Set(ContextKey, info)
		c.Request = c.Request.WithContext(mcpauth.WithAuthInfo(c.Request.Context(), info))
		c.Next()
	}
}

// AuthInfo returns the caller's AuthInfo stored by [BearerAuth]; ok is false
// when the request was not authenticated (no BearerAuth above, [Optional]
// without credentials, [Skipper]). It reads the gin context key
// [ContextKey] and, failing that, c.Request's context, so it works whether
// or not gin.Engine.ContextWithFallback is set.
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

// WriteError writes bearer's answer to err (see
// [mcpauth.Bearer.ErrorResponse]) and aborts the chain: the status, every
// header of the answer (Content-Type, Cache-Control, WWW-Authenticate,
// Retry-After, as present) plus Content-Length, and the body bytes verbatim.
// It is the default answer of [BearerAuth]; an [ErrorHandler] may call it
// after logging.
func WriteError(c *gin.Context, bearer *mcpauth.Bearer, err error) {
	bearer.WriteError(c.Writer, err) // core writes its ErrorResponse: headers, Content-Length, status, body
	c.Abort()
}

// passError is the PassErrors answer.
func passError(c *gin.Context, bearer *mcpauth.Bearer, err error) {
	resp := bearer.ErrorResponse(err)
	hdr := c.Writer.Header()
	for k, v := range resp.Header {
		hdr[k] = v
	}
	_ = c.Error(err).SetType(gin.ErrorTypePrivate)
	c.AbortWithStatus(resp.Status)
}
