package mcpfiber

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
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
// adaptor.HTTPHandler's, that is fasthttpadaptor's, which depends on the
// fasthttp version the application is built with. With fiber v2.52's own
// (v1.51) the response is buffered (Flush does nothing), so a streamed
// answer such as server-sent events reaches the client only when the
// handler returns, and a panic in the handler reaches fiber's recover
// middleware with its value. From v1.6x (a build that also holds fiber v3
// gets v1.69) the handler runs in its own goroutine, Flush streams the rest
// of the answer, and a panic is re-raised as "net/http handler panicked".
// In both, the request and its context are recycled with the fasthttp
// request: the handler must not use them after it returns (e.g. in a
// goroutine it started).
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
		bw := &bodyWatcher{ResponseWriter: w}
		h.ServeHTTP(bw, r)
		// fasthttpadaptor v1.51 sniffs a Content-Type even for an empty
		// body unless the header map has the key: a nil value suppresses
		// it. (v1.69, which fiber v2 may be built with next to fiber v3,
		// sniffs only a body; the nil value is harmless there.)
		if _, set := w.Header()[fiber.HeaderContentType]; !set && !bw.wrote {
			w.Header()[fiber.HeaderContentType] = nil
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

// bodyWatcher records whether the handler wrote body bytes (fasthttpadaptor
// v1.69 keeps them out of the fasthttp response until the handler returns).
// It forwards Flush, and unwraps for http.ResponseController.
type bodyWatcher struct {
	http.ResponseWriter
	wrote bool
}

// Write records a non-empty write and forwards it.
func (b *bodyWatcher) Write(p []byte) (int, error) {
	if len(p) > 0 {
		b.wrote = true
	}
	return b.ResponseWriter.Write(p)
}

// Flush forwards to the adaptor's writer when it can flush.
func (b *bodyWatcher) Flush() {
	if f, ok := b.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap returns the adaptor's writer, for http.ResponseController.
func (b *bodyWatcher) Unwrap() http.ResponseWriter { return b.ResponseWriter }
