package mcpfiber

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/valyala/fasthttp"
)

// HTTPHandler mounts a net/http handler (an MCP SDK's streamable HTTP
// handler, for instance) on fiber behind [BearerAuth], so that
// mcpauth.AuthInfoFromContext(r.Context()) finds the caller's AuthInfo:
//
//	app.All("/mcp", mcpfiber.BearerAuth(bearer), mcpfiber.HTTPHandler(mcpHandler))
//
// It is fiber's adaptor.HTTPHandler with two differences.
//
// The request's context: adaptor.HTTPHandler gives the handler a request
// whose context is the *fasthttp.RequestCtx itself, whose Value(key) is
// c.Locals(key); it does not see c.UserContext(), so the AuthInfo that
// BearerAuth stores there (under core's unexported context key, which
// c.Locals cannot hold) is lost and mcpauth.AuthInfoFromContext reports no
// caller. HTTPHandler gives the handler a context that
//
//   - looks a key up in c.UserContext() first (the AuthInfo, and whatever
//     other middleware put there, e.g. a tracing span), then in the
//     fasthttp.RequestCtx (c.Locals), as adaptor.HTTPHandler does;
//   - takes its deadline, Done channel and Err from c.UserContext(), so that
//     a deadline set there (fiber's timeout middleware) reaches the handler.
//     (fiber's default user context, context.Background(), is never done;
//     the fasthttp.RequestCtx is done only when the server shuts down.)
//
// An empty response: when the handler writes no body and sets no
// Content-Type (a 204 CORS preflight, a 202 Accepted), none is sent, as
// net/http does; adaptor.HTTPHandler would add a sniffed
// "text/plain; charset=utf-8".
//
// Everything else (request conversion, response writing) is
// adaptor.HTTPHandler's. As with adaptor.HTTPHandler, the request and its
// context are recycled with the fasthttp request: the handler must not use
// them after it returns (e.g. in a goroutine it started). The response is
// buffered (fasthttpadaptor's Flush does nothing), so a streamed answer such
// as server-sent events reaches the client only when the handler returns.
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
		// fasthttpadaptor writes the body straight into the fasthttp
		// response, and sniffs a Content-Type (even for an empty body)
		// unless the header map has the key: a nil value suppresses it.
		if fctx, ok := locals.(*fasthttp.RequestCtx); ok && len(fctx.Response.Body()) == 0 {
			if _, set := w.Header()[fiber.HeaderContentType]; !set {
				w.Header()[fiber.HeaderContentType] = nil
			}
		}
	}))
	return func(c *fiber.Ctx) error {
		c.Locals(bridgeKey{}, c.UserContext())
		err := bridged(c)
		c.Context().RemoveUserValue(bridgeKey{})
		return err
	}
}

// bridgeKey is the Locals key under which HTTPHandler passes c.UserContext()
// to the wrapped handler for the duration of one call.
type bridgeKey struct{}

// bridgeContext is the request context HTTPHandler gives a net/http handler:
// fiber's user context, falling back on the fasthttp request's user values.
type bridgeContext struct {
	context.Context                 // c.UserContext(): deadline, Done, Err, values
	locals          context.Context // the *fasthttp.RequestCtx: c.Locals
}

// Value returns the user context's value for key, else the Locals value.
func (b *bridgeContext) Value(key any) any {
	if v := b.Context.Value(key); v != nil {
		return v
	}
	return b.locals.Value(key)
}
