package mcpfiber

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/adaptor"
)

// HTTPHandler mounts a net/http handler (an MCP SDK's streamable HTTP
// handler, for instance) on fiber behind [BearerAuth], so that
// mcpauth.AuthInfoFromContext(r.Context()) finds the caller's AuthInfo:
//
//	app.All("/mcp", mcpfiber.HTTPHandler(mcpHandler)) // after app.Use(mcpfiber.BearerAuth(bearer))
//
// It is fiber's adaptor.HTTPHandler with one difference, the request's
// context:
// adaptor.HTTPHandler (fasthttpadaptor, fasthttp
// v1.69) gives the handler a request whose context is the
// *fasthttp.RequestCtx itself, whose Value(key) is c.Locals(key); it does
// not see c.Context(), fiber v3's standard context, so the AuthInfo that
// BearerAuth stores there (under core's unexported context key, which
// c.Locals cannot hold) is lost and mcpauth.AuthInfoFromContext reports no
// caller. (adaptor.HTTPHandlerWithContext stores c.Context() too, but only
// for adaptor.LocalContextFromHTTPRequest to find: r.Context().Value of
// other keys still misses it.) HTTPHandler gives the handler a context that
//
//   - looks a key up in c.Context() first (the AuthInfo, and whatever other
//     middleware put there, e.g. a tracing span), then in the
//     fasthttp.RequestCtx (c.Locals), as adaptor.HTTPHandler does;
//   - takes its deadline, Done channel and Err from c.Context(), so that a
//     deadline set there (fiber's timeout middleware) reaches the handler.
//
// Everything else is adaptor.HTTPHandler's (fasthttpadaptor's): like
// net/http, it sniffs a Content-Type for a body sent without one and sends
// none with an empty answer (a 204 CORS preflight, a 202 Accepted); the handler
// runs in its own goroutine while fiber's waits; its answer is buffered
// unless it calls Flush, which turns the rest into a streamed body (server-
// sent events); a panic in it is re-raised in fiber's goroutine as the
// value "net/http handler panicked" (the original value is only logged by
// fasthttp), so fiber's recover middleware answers 500. The request and its
// context are recycled with the fasthttp request: the handler must not use
// them after it returns.
//
// HTTPHandler panics, at wiring time, when h is nil.
func HTTPHandler(h http.Handler) fiber.Handler {
	if h == nil {
		panic("mcpfiber: HTTPHandler called with a nil http.Handler")
	}
	bridged := adaptor.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// r.Context() is the *fasthttp.RequestCtx (see fasthttpadaptor).
		locals := r.Context()
		if user, ok := locals.Value(bridgeKey{}).(context.Context); ok {
			r = r.WithContext(&bridgeContext{Context: user, locals: locals})
		}
		h.ServeHTTP(w, r)
	}))
	return func(c fiber.Ctx) error {
		// Set before the handler's goroutine starts, and left in place
		// (fasthttp resets the user values with the request): a streaming
		// handler may still read it after bridged returns.
		c.RequestCtx().SetUserValue(bridgeKey{}, c.Context())
		return bridged(c)
	}
}

// bridgeKey is the fasthttp user value under which HTTPHandler passes
// c.Context() to the wrapped handler.
type bridgeKey struct{}

// bridgeContext is the request context HTTPHandler gives a net/http handler:
// fiber's standard context, falling back on the fasthttp request's user
// values.
type bridgeContext struct {
	context.Context                 // c.Context(): deadline, Done, Err, values
	locals          context.Context // the *fasthttp.RequestCtx: c.Locals
}

// Value returns the standard context's value for key, else the Locals value.
func (b *bridgeContext) Value(key any) any {
	if v := b.Context.Value(key); v != nil {
		return v
	}
	return b.locals.Value(key)
}
