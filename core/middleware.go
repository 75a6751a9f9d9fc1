package mcpauth

import (
	"net/http"
)

// MiddlewareOption tunes [Bearer.Middleware]. The framework adapters have
// options of the same names and meaning.
type MiddlewareOption func(*middlewareConfig)

type middlewareConfig struct {
	flow    Flow
	skipper func(*http.Request) bool
	onError func(http.ResponseWriter, *http.Request, error)
}

// Optional lets requests without credentials (no Authorization header, or an
// empty one) through without an AuthInfo, for routes that also serve
// anonymous callers. A request that sends credentials must still send valid
// ones: a malformed header or a bad token is refused. Default: off (401).
// See [Flow.Optional].
func Optional() MiddlewareOption {
	return func(c *middlewareConfig) { c.flow.Optional = true }
}

// AuthenticatePreflight checks CORS preflights like any other request (they
// then get 401, as browsers never send credentials with them). Default: off,
// a preflight (OPTIONS with Access-Control-Request-Method) goes to the next
// handler, the application's CORS handling, without an AuthInfo; see
// [Flow.AuthenticatePreflight] for why that is safe.
func AuthenticatePreflight() MiddlewareOption {
	return func(c *middlewareConfig) { c.flow.AuthenticatePreflight = true }
}

// Skipper lets the requests for which skip returns true through unchecked
// (health checks, public pages): the token is not looked at and their context
// carries no AuthInfo. The library's metadata routes are answered whatever
// skip says. Default: none; a nil skip means none; given twice, the last one
// wins.
func Skipper(skip func(r *http.Request) bool) MiddlewareOption {
	return func(c *middlewareConfig) { c.skipper = skip }
}

// ErrorHandler replaces the default answer to a refused request (which is
// [Bearer.WriteError]: [Bearer.ErrorResponse] written as it is). h is given
// the error of [Bearer.Authenticate] (read it with errors.As, test it with
// errors.Is and a [Code]) and must write the whole answer; the next handler
// is not called whatever h does. To log refusals and keep the standard
// answer, end h with bearer.WriteError(w, err). Answering with anything else
// loses the WWW-Authenticate challenge MCP clients act on. Default: none; a
// nil h means none; given twice, the last one wins.
//
// net/http has no framework error handler to hand errors to, so there is no
// PassErrors option here (the gin, echo and fiber adapters have one): this
// hook is the hand-over point. The library's public documents are never
// given to h.
func ErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) MiddlewareOption {
	return func(c *middlewareConfig) { c.onError = h }
}

// Middleware returns net/http middleware running the request flow
// ([Flow.Check]) for every request:
//
//   - the protected resource metadata routes of b's Auth are answered
//     with their document ([Auth.MetadataRoutes]), so the middleware may
//     wrap a whole mux, in front of or without [Auth.MetadataHandler];
//   - a request skipped by [Skipper], a CORS preflight (see
//     [AuthenticatePreflight]) or, with [Optional], a request without
//     credentials reaches next without an AuthInfo;
//   - an accepted request reaches next with the AuthInfo in its context
//     ([AuthInfoFromContext]);
//   - a refused request is answered with [Bearer.WriteError] (or the
//     [ErrorHandler]) and next is not called.
//
// Wrap the whole mux (the headline wiring) or one handler:
//
//	http.ListenAndServe(addr, bearer.Middleware()(mux))
//	mux.Handle("/mcp", bearer.Middleware()(mcpHandler))
//
// It panics, when called, if b is nil: a wiring mistake is reported at
// start-up, not at the first request. Nil options are ignored.
func (b *Bearer) Middleware(opts ...MiddlewareOption) func(http.Handler) http.Handler {
	if b == nil {
		panic("mcpauth: Middleware called on a nil *Bearer (build it with Auth.BearerAuth)")
	}
	cfg := middlewareConfig{flow: Flow{Bearer: b}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			req := HTTPRequest(r)
			req.Skip = cfg.skipper != nil && cfg.skipper(r)
			out := cfg.flow.Check(r.Context(), req)
			switch {
			case out.Response == nil && out.Info == nil:
				next.ServeHTTP(w, r)
			case out.Response == nil:
				next.ServeHTTP(w, r.WithContext(WithAuthInfo(r.Context(), out.Info)))
			case out.Err != nil && cfg.onError != nil:
				cfg.onError(w, r, out.Err)
			default:
				out.Response.Write(w)
			}
		})
	}
}
