package mcpauth

import "net/http"

// MiddlewareOption tunes [Bearer.Middleware]. The framework adapters have
// options of the same names and meaning. Nil options are ignored; an option
// given twice: the last one wins.
type MiddlewareOption interface {
	apply(*Edge[exchange])
}

// middlewareOption is a MiddlewareOption.
type middlewareOption func(*Edge[exchange])

func (o middlewareOption) apply(e *Edge[exchange]) { o(e) }

// exchange is one net/http request going through the middleware.
type exchange struct {
	w    http.ResponseWriter
	r    *http.Request
	next http.Handler
}

// Optional lets requests without credentials (no Authorization header, or an
// empty one) through without an AuthInfo, for routes that also serve
// anonymous callers. A request that sends credentials must still send valid
// ones: a malformed header or a bad token is refused. Default: off (401).
// See [Edge.Optional].
func Optional() MiddlewareOption {
	return middlewareOption(func(e *Edge[exchange]) { e.Optional = true })
}

// AuthenticatePreflight checks CORS preflights like any other request (they
// then get 401, as browsers never send credentials with them). Default: off,
// a preflight (OPTIONS with Access-Control-Request-Method) goes to the next
// handler, the application's CORS handling, without an AuthInfo; see
// [Edge.AuthenticatePreflight] for why that is safe.
func AuthenticatePreflight() MiddlewareOption {
	return middlewareOption(func(e *Edge[exchange]) { e.AuthenticatePreflight = true })
}

// Skipper lets the requests for which skip returns true through unchecked
// (health checks, public pages): the token is not looked at and their context
// carries no AuthInfo. The library's metadata routes are answered whatever
// skip says. Default: none; a nil skip means none.
func Skipper(skip func(r *http.Request) bool) MiddlewareOption {
	return middlewareOption(func(e *Edge[exchange]) {
		e.Skipper = nil
		if skip != nil {
			e.Skipper = func(x exchange) bool { return skip(x.r) }
		}
	})
}

// ErrorHandler replaces the default answer to a refused request (which is
// [Bearer.WriteError]: [Bearer.ErrorResponse] written as it is). h is given
// the error of [Bearer.Authenticate] (read it with errors.As, test it with
// errors.Is and a [Code]) and must write the whole answer; the next handler
// is not called whatever h does. To log refusals and keep the standard
// answer, end h with bearer.WriteError(w, err). Answering with anything else
// loses the WWW-Authenticate challenge MCP clients act on. Default: none; a
// nil h means none.
//
// net/http has no framework error handler to hand errors to, so there is no
// PassErrors option here (the gin, echo and fiber adapters have one): this
// hook is the hand-over point. The library's public documents are never
// given to h.
func ErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) MiddlewareOption {
	return middlewareOption(func(e *Edge[exchange]) {
		e.ErrorHandler = nil
		if h != nil {
			e.ErrorHandler = func(x exchange, err error) error { h(x.w, x.r, err); return nil }
		}
	})
}

// Middleware returns net/http middleware running the request flow
// ([Edge.Dispatch]) for every request:
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
	edge := Edge[exchange]{
		bearer: b,
		Next: func(x exchange, info *AuthInfo) error {
			if info != nil {
				x.r = x.r.WithContext(WithAuthInfo(x.r.Context(), info))
			}
			x.next.ServeHTTP(x.w, x.r)
			return nil
		},
		Write: func(x exchange, resp Response) error { resp.Write(x.w); return nil },
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&edge)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = edge.Dispatch(r.Context(), exchange{w: w, r: r, next: next}, HTTPRequest(r), nil)
		})
	}
}
