package mcpfiber

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v3"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// contextKey is the type of [ContextKey]: a named type, so that the key can
// equal no plain string key of another middleware.
type contextKey string

// ContextKey is the key under which [BearerAuth] stores the caller's
// *mcpauth.AuthInfo in the fiber context: c.Locals(mcpfiber.ContextKey).
// Prefer [AuthInfo], which also looks in c.Context().
//
// It is a constant of an unexported string type rather than a plain string
// such as "mcpauth.authinfo": another middleware's Locals key cannot collide
// with it, no package can reassign it, and fasthttp's VisitUserValues, which
// fiber uses to hand the Locals to templates with Config.PassLocalsToViews,
// visits only plain string keys, so the AuthInfo (which holds the raw token)
// is never passed to a view.
const ContextKey contextKey = "mcpauth.authinfo"

// Option tunes [BearerAuth].
type Option func(*config)

// config is what the options set.
type config struct {
	optional   bool
	skipper    func(fiber.Ctx) bool
	onError    func(fiber.Ctx, error) error
	passErrors bool
}

// Optional lets a request WITHOUT an Authorization header (or with an empty
// one) through, with no AuthInfo, for routes that also serve anonymous
// callers. A request that does send credentials must send valid ones: a
// malformed header or a bad token is still refused. The test is
// errors.Is(err, mcpauth.ErrMissingAuthHeader), as in core's
// [mcpauth.Optional]. Default: off (a request without credentials is refused
// with 401).
func Optional() Option {
	return func(c *config) { c.optional = true }
}

// Skipper lets every request for which skip returns true through unchecked
// (health checks, CORS preflights, ...): its Authorization header is not
// read and the handlers below see no AuthInfo. The signature is that of the
// Next field of fiber's own middleware configs, so those functions can be
// reused. Default: none (every request is checked). A nil skip removes a
// skipper set by an earlier option; given twice, the last one wins.
func Skipper(skip func(c fiber.Ctx) bool) Option {
	return func(c *config) { c.skipper = skip }
}

// ErrorHandler replaces the answer to a refused request. h is given the
// fiber context and the error of [mcpauth.Bearer.Authenticate] (read the
// *mcpauth.Error with errors.As, test its code with errors.Is and the
// mcpauth sentinels); what h returns is what the middleware returns: nil
// when h has written the answer itself, or an error for the application's
// fiber.Config.ErrorHandler. To log a refusal and answer as the default does,
// end h with
//
//	return mcpfiber.WriteError(c, bearer.ErrorResponse(err))
//
// h may also call c.Next() to let the request through without an AuthInfo.
// Answering with anything but the bearer's answer loses the WWW-Authenticate
// challenge MCP clients need to start or step up their OAuth flow.
//
// ErrorHandler takes precedence over [PassErrors]. A nil h removes a handler
// set by an earlier option. Default: none (the core answer is written
// directly, see [BearerAuth]).
func ErrorHandler(h func(c fiber.Ctx, err error) error) Option {
	return func(c *config) { c.onError = h }
}

// PassErrors hands refusals over to the application's
// fiber.Config.ErrorHandler instead of answering them directly: the
// middleware sets the answer's WWW-Authenticate, Retry-After and
// Cache-Control headers (those present) on the response, and returns an
// [*AuthError]. The AuthError reads as a *fiber.Error (errors.As) whose Code
// is the answer's status (401, 403, 500 or 503) and whose Message is the
// answer's error_description, and as the error of
// [mcpauth.Bearer.Authenticate] (errors.As with *mcpauth.Error, errors.Is
// with the mcpauth sentinels); its Response field is the complete core
// answer, which [WriteError] writes verbatim.
//
// Content-Type is not set, as the body is the error handler's: fiber's
// DefaultErrorHandler (fiber v3.1) then answers with the status, the
// headers set here, "Content-Type: text/plain; charset=utf-8" and the
// error_description as a plain-text body, e.g.
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
// Default: off.
func PassErrors() Option {
	return func(c *config) { c.passErrors = true }
}

// BearerAuth returns fiber middleware that checks the bearer token of every
// request with bearer (see [mcpauth.Bearer.Authenticate]), giving it every
// value of the request's Authorization header in order, so that a request
// carrying two is refused. The values are copied out of fasthttp's buffers
// first: nothing of the recycled request is kept.
//
// An accepted request reaches the next handler with the caller's
// *mcpauth.AuthInfo stored both in c.Locals([ContextKey]) and in the
// standard context fiber handlers see, c.Context() (through
// mcpauth.WithAuthInfo and c.SetContext), so that [AuthInfo] and
// mcpauth.AuthInfoFromContext(c.Context()) see it, as do net/http
// handlers mounted with [HTTPHandler] (not with adaptor.HTTPHandler, see
// HTTPHandler). Both live in the fasthttp request context, which fiber
// recycles when the request ends: do not use c, c.Context() or
// c.Locals after the handler returns (the AuthInfo itself may be kept).
// The context given to Authenticate, for the key fetches it may make, is
// c.Context().
//
// A refused request is answered, by default, with exactly
// bearer.ErrorResponse(err), written by [WriteError]: its status, its
// headers (Content-Type "application/json" without charset, Cache-Control
// and, as the case needs, WWW-Authenticate and Retry-After) and its body
// bytes as they are; the chain stops and the middleware returns nil.
// [ErrorHandler] and [PassErrors] change that answer; [Optional] and
// [Skipper] let some requests through unchecked. Nil options are ignored.
//
// Mount BearerAuth on the protected routes (or a group of them):
//
//	mcpfiber.RegisterMetadata(app, auth)
//	app.All("/mcp", mcpfiber.BearerAuth(bearer), mcpHandler)
//
// With app.Use, register the metadata routes with [RegisterMetadata] first:
// fiber runs handlers in registration order, so a metadata route registered
// before app.Use(BearerAuth(...)) answers without reaching it.
//
// BearerAuth panics if bearer is nil, at wiring time rather than on the
// first request.
func BearerAuth(bearer *mcpauth.Bearer, opts ...Option) fiber.Handler {
	if bearer == nil {
		panic("mcpfiber: BearerAuth called with a nil *mcpauth.Bearer (build it with auth.BearerAuth)")
	}
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	fail := func(c fiber.Ctx, err error) error {
		return WriteError(c, bearer.ErrorResponse(err))
	}
	switch {
	case cfg.onError != nil:
		fail = cfg.onError
	case cfg.passErrors:
		fail = func(c fiber.Ctx, err error) error {
			return handOver(c, bearer.ErrorResponse(err), err)
		}
	}
	optional, skip := cfg.optional, cfg.skipper
	return func(c fiber.Ctx) error {
		if skip != nil && skip(c) {
			return c.Next()
		}
		ctx := c.Context()
		info, err := authenticate(ctx, bearer, c)
		if err != nil {
			if optional && errors.Is(err, mcpauth.ErrMissingAuthHeader) {
				return c.Next()
			}
			return fail(c, err)
		}
		c.Locals(ContextKey, info)
		c.SetContext(mcpauth.WithAuthInfo(ctx, info))
		return c.Next()
	}
}

// authenticate gives bearer every Authorization value of the request, each
// copied into a Go string (fasthttp reuses the bytes PeekAll returns once
// the request ends, and core keeps the token in the AuthInfo). The usual
// single header costs one string allocation and no slice.
func authenticate(ctx context.Context, bearer *mcpauth.Bearer, c fiber.Ctx) (*mcpauth.AuthInfo, error) {
	values := c.Request().Header.PeekAll(fiber.HeaderAuthorization)
	switch len(values) {
	case 0:
		return bearer.Authenticate(ctx)
	case 1:
		return bearer.Authenticate(ctx, string(values[0]))
	}
	all := make([]string, len(values))
	for i, v := range values {
		all[i] = string(v)
	}
	return bearer.Authenticate(ctx, all...)
}

// AuthInfo returns the caller's AuthInfo stored by [BearerAuth]: the value
// under [ContextKey] in c.Locals, else the one in c.Context() (put there
// with mcpauth.WithAuthInfo by other code). ok is false when the request was
// not authenticated (no BearerAuth on its route, [Optional] without
// credentials, or [Skipper]). Treat the AuthInfo as read-only: it may be
// shared between requests carrying the same token.
func AuthInfo(c fiber.Ctx) (info *mcpauth.AuthInfo, ok bool) {
	if info, ok = c.Locals(ContextKey).(*mcpauth.AuthInfo); ok && info != nil {
		return info, true
	}
	return mcpauth.AuthInfoFromContext(c.Context())
}
