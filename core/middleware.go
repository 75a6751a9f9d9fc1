package mcpauth

import (
	"errors"
	"net/http"
)

// MiddlewareOption tunes [Bearer.Middleware].
type MiddlewareOption func(*middlewareConfig)

type middlewareConfig struct {
	optional bool
	skip     func(*http.Request) bool
	onError  func(http.ResponseWriter, *http.Request, error)
}

// Optional lets requests without an Authorization header through without an
// AuthInfo (for routes that serve anonymous callers too). A request that
// sends credentials must still send valid ones: a bad token is refused.
func Optional() MiddlewareOption {
	return func(c *middlewareConfig) { c.optional = true }
}

// Skip lets requests for which skip returns true through unchecked (e.g.
// health checks). Their context carries no AuthInfo.
func Skip(skip func(*http.Request) bool) MiddlewareOption {
	return func(c *middlewareConfig) { c.skip = skip }
}

// OnError replaces the default answer to a refused request (which is
// [Bearer.WriteError]). The handler is given the error of
// [Bearer.Authenticate] (read it with errors.As); it may log it and then call
// WriteError itself.
func OnError(h func(w http.ResponseWriter, r *http.Request, err error)) MiddlewareOption {
	return func(c *middlewareConfig) { c.onError = h }
}

// Middleware returns net/http middleware that checks every request with
// [Bearer.Authenticate]: a refused request is answered with
// [Bearer.WriteError] (or the OnError handler); an accepted one reaches next
// with the AuthInfo in its context ([AuthInfoFromContext]).
//
//	mux.Handle("/mcp", bearer.Middleware()(mcpHandler))
//
// It panics, when called, if b is nil: a wiring mistake is reported at
// start-up, not at the first request.
func (b *Bearer) Middleware(opts ...MiddlewareOption) func(http.Handler) http.Handler {
	if b == nil {
		panic("mcpauth: Middleware called on a nil *Bearer (build it with Auth.BearerAuth)")
	}
	cfg := middlewareConfig{onError: func(w http.ResponseWriter, _ *http.Request, err error) { b.WriteError(w, err) }}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if cfg.skip != nil && cfg.skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			info, err := b.Authenticate(r.Context(), r.Header.Values("Authorization")...)
			if err != nil {
				if cfg.optional && errors.Is(err, ErrMissingAuthHeader) {
					next.ServeHTTP(w, r)
					return
				}
				cfg.onError(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithAuthInfo(r.Context(), info)))
		})
	}
}
