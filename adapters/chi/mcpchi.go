package mcpchi

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// Option tunes [BearerAuth].
type Option func(*config)

// config is what the options set; BearerAuth turns it into core
// [mcpauth.MiddlewareOption] values.
type config struct {
	optional     bool
	skipper      func(*http.Request) bool
	errorHandler func(w http.ResponseWriter, r *http.Request, err error)
}

// Optional lets a request WITHOUT an Authorization header through, with no
// AuthInfo in its context (for routes that also serve anonymous callers). A
// request that does send an Authorization header must send a valid one: a
// malformed header or a bad token is still refused. Default: off (a request
// without credentials is refused with 401).
//
// It is core's [mcpauth.Optional]: the request passes when
// errors.Is(err, mcpauth.ErrMissingAuthHeader).
func Optional() Option {
	return func(c *config) { c.optional = true }
}

// Skipper lets every request for which skip returns true through unchecked
// (health checks, CORS preflights, ...): its Authorization header is not read
// and its context carries no AuthInfo. Default: none (every request is
// checked). A nil skip removes a skipper set by an earlier option; when the
// option is given twice, the last one wins.
//
// It is core's [mcpauth.Skip].
func Skipper(skip func(r *http.Request) bool) Option {
	return func(c *config) { c.skipper = skip }
}

// ErrorHandler replaces the answer to a refused request. Default: the
// bearer's own answer, [mcpauth.Bearer.WriteError], which writes
// [mcpauth.Bearer.ErrorResponse] verbatim (status, Content-Type,
// Cache-Control, WWW-Authenticate and Retry-After as the case needs, JSON
// body) and is byte for byte what every mcpauth adapter answers.
//
// chi has no framework-wide error handler to hand the error over to (unlike
// echo's HTTPErrorHandler or gin's c.Errors): this hook IS the hand-over
// point. It is called with the request's *mcpauth.Error (read it with
// errors.As, test it with errors.Is and the mcpauth sentinels) and must write
// the whole answer itself; the chain stops after it whatever it does. To log
// or count refusals and keep the standard answer, end it with
// bearer.WriteError(w, err). Answering a refusal with anything but the
// bearer's answer loses the WWW-Authenticate challenge MCP clients need to
// start or step up their OAuth flow. A nil h restores the default; when the
// option is given twice, the last one wins.
//
// It is core's [mcpauth.OnError].
func ErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) Option {
	return func(c *config) { c.errorHandler = h }
}

// BearerAuth returns chi middleware that checks the bearer token of every
// request with bearer (see [mcpauth.Bearer.Authenticate]; every value of the
// Authorization header is passed, so a request with two of them is refused):
//
//   - accepted: the next handler runs with the *mcpauth.AuthInfo in the
//     request's context, read with [AuthInfo] or
//     [mcpauth.AuthInfoFromContext] (chi keeps per-request values in the
//     standard context, so both read the same value);
//   - refused: the answer is [mcpauth.Bearer.ErrorResponse] written verbatim
//     (or the [ErrorHandler]'s), and the next handler does not run.
//
// Defaults: every request is checked and a request without credentials is
// refused with 401; see [Optional], [Skipper] and [ErrorHandler]. Nil options
// are ignored.
//
// BearerAuth is core's [mcpauth.Bearer.Middleware] with the options
// translated, so it answers exactly as every other mcpauth adapter does. Put
// it on the routes to protect, never in front of [RegisterMetadata]'s routes:
//
//	r.With(mcpchi.BearerAuth(bearer)).Handle("/mcp", mcpHandler)
//
// or r.Group(func(r chi.Router) { r.Use(mcpchi.BearerAuth(bearer)); ... }).
// BearerAuth panics, at wiring time, when bearer is nil.
func BearerAuth(bearer *mcpauth.Bearer, opts ...Option) func(http.Handler) http.Handler {
	if bearer == nil {
		panic("mcpchi: BearerAuth called with a nil *mcpauth.Bearer (build it with auth.BearerAuth)")
	}
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	var core []mcpauth.MiddlewareOption
	if cfg.optional {
		core = append(core, mcpauth.Optional())
	}
	if cfg.skipper != nil {
		core = append(core, mcpauth.Skip(cfg.skipper))
	}
	if cfg.errorHandler != nil {
		core = append(core, mcpauth.OnError(cfg.errorHandler))
	}
	return bearer.Middleware(core...)
}

// AuthInfo returns the AuthInfo [BearerAuth] stored for r; ok is false when
// the request was not authenticated (no BearerAuth on its route, [Optional]
// without credentials, or [Skipper]). Treat the AuthInfo as read-only: it may
// be shared between requests carrying the same token.
func AuthInfo(r *http.Request) (info *mcpauth.AuthInfo, ok bool) {
	if r == nil {
		return nil, false
	}
	return mcpauth.AuthInfoFromContext(r.Context())
}

// AuthInfoFromContext returns the AuthInfo [BearerAuth] stored in ctx, the
// request's context or any context derived from it (an MCP SDK's tool
// handler gets one); ok is false when there is none. It is
// [mcpauth.AuthInfoFromContext], here so that chi code needs one import.
func AuthInfoFromContext(ctx context.Context) (info *mcpauth.AuthInfo, ok bool) {
	return mcpauth.AuthInfoFromContext(ctx)
}

// metadataMethods are the methods every metadata route answers.
var metadataMethods = [...]string{http.MethodGet, http.MethodHead, http.MethodOptions}

// RegisterMetadata registers the protected resource metadata routes of auth
// (RFC 9728 §3: [mcpauth.Auth.MetadataRoutes], e.g.
// /.well-known/oauth-protected-resource/mcp and the same path with a trailing
// slash) on r for GET, HEAD and OPTIONS (the CORS preflight of browser MCP
// clients), with r.Method. Each route is served by core's handler as is
// (chi is net/http): GET answers the JSON document, HEAD its headers, OPTIONS
// 204 with CORS headers; other methods get r's 405 answer.
//
// Call it on the ROOT router (the well-known paths are absolute: a router
// mounted under a prefix would serve them under that prefix) and outside of
// any BearerAuth: MCP clients fetch this document without credentials, to
// learn where to get them. With chi, a middleware added by r.Use applies to
// every route of r, so protect the MCP endpoint with r.With or r.Group
// instead (see [BearerAuth]). Middleware already on r (logging, recovery,
// CORS) does apply to these routes.
//
// A path chi would read as a pattern (a resource identifier whose path
// contains '{', '}' or '*') is registered so that it matches only itself.
// RegisterMetadata panics, at wiring time, when r or auth is nil.
func RegisterMetadata(r chi.Router, auth *mcpauth.Auth) {
	if r == nil || auth == nil {
		panic("mcpchi: RegisterMetadata called with a nil router or *mcpauth.Auth")
	}
	for _, route := range auth.MetadataRoutes() {
		pattern := routePattern(route.Path)
		for _, m := range metadataMethods {
			r.Method(m, pattern, route.Handler)
		}
	}
}

// routePattern returns the chi pattern that matches exactly the request path
// p (an escaped path, as core gives it). chi routes on r.URL.RawPath when the
// request path is not in its default encoding and on r.URL.Path otherwise,
// which is what url.Parse of p yields; chi's pattern characters '{', '}' and
// '*' in a segment are matched literally by a regexp parameter (written with
// \x escapes, as chi's parser counts braces).
func routePattern(p string) string {
	if u, err := url.Parse(p); err == nil && u.Path != "" {
		p = u.Path
		if u.RawPath != "" {
			p = u.RawPath
		}
	}
	if !strings.ContainsAny(p, "{}*") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if !strings.ContainsAny(s, "{}*") {
			continue
		}
		var rx strings.Builder
		for _, c := range s {
			switch c {
			case '{', '}', '*':
				rx.WriteString(`\x` + strconv.FormatInt(int64(c), 16))
			default:
				rx.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		segs[i] = "{mcpauth" + strconv.Itoa(i) + ":^" + rx.String() + "$}"
	}
	return strings.Join(segs, "/")
}
