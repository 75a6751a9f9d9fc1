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

// Option tunes [BearerAuth]. chi is net/http, so the options are core's
// [mcpauth.MiddlewareOption] values, with the names and meaning of every
// mcpauth adapter. Nil options are ignored; an option given twice: the last
// one wins.
type Option = mcpauth.MiddlewareOption

// Optional lets a request WITHOUT credentials (no Authorization header, or an
// empty one) through, with no AuthInfo in its context (for routes that also
// serve anonymous callers). A request that does send an Authorization header
// must send a valid one: a malformed header or a bad token is still refused.
// Default: off (401). It is core's [mcpauth.Optional].
func Optional() Option { return mcpauth.Optional() }

// AuthenticatePreflight checks CORS preflights (OPTIONS with
// Access-Control-Request-Method) like any request, so they get 401. Default:
// off, a preflight reaches the next handler without an AuthInfo, for the
// application's CORS handling (go-chi/cors answers it); see
// mcpauth.Edge.AuthenticatePreflight for why that is safe. It is core's
// [mcpauth.AuthenticatePreflight].
func AuthenticatePreflight() Option { return mcpauth.AuthenticatePreflight() }

// Skipper lets every request for which skip returns true through unchecked
// (health checks, ...): its Authorization header is not read and its context
// carries no AuthInfo. The library's metadata routes are answered whatever
// skip says. Default: none; a nil skip means none. It is core's
// [mcpauth.Skipper].
func Skipper(skip func(r *http.Request) bool) Option { return mcpauth.Skipper(skip) }

// ErrorHandler replaces the answer to a refused request. Default: the
// bearer's own answer, [mcpauth.Bearer.WriteError], which writes
// [mcpauth.Bearer.ErrorResponse] verbatim and is byte for byte what every
// mcpauth adapter answers.
//
// chi has no framework-wide error handler to hand the error over to (unlike
// echo's HTTPErrorHandler, gin's c.Errors or fiber's ErrorHandler), so there
// is no PassErrors option: this hook IS the hand-over point. It is called
// with the request's error (read it with errors.As, test it with errors.Is
// and an mcpauth.Code) and must write the whole answer itself; the chain
// stops after it whatever it does. To log or count refusals and keep the
// standard answer, end it with bearer.WriteError(w, err). Default: none; a
// nil h means none. It is core's [mcpauth.ErrorHandler].
func ErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) Option {
	return mcpauth.ErrorHandler(h)
}

// BearerAuth returns chi middleware running mcpauth's request flow: it is
// core's [mcpauth.Bearer.Middleware], so it decides and answers exactly as
// every other mcpauth adapter. Install it for the whole router with r.Use
// (chi requires every r.Use before the routes of r; RegisterMetadata may
// come before or after it):
//
//	r.Use(mcpchi.BearerAuth(bearer))
//
// or on some routes (r.With(mcpchi.BearerAuth(bearer)).Handle("/mcp", h),
// r.Group). It:
//
//   - answers the protected resource metadata routes of the bearer's Auth
//     itself (the same bytes as [RegisterMetadata]), so they stay public
//     under r.Use, and serve even without RegisterMetadata;
//   - lets a request skipped by [Skipper], a CORS preflight (see
//     [AuthenticatePreflight]) or, with [Optional], a request without
//     credentials reach the next handler with no AuthInfo;
//   - lets an accepted request reach the next handler with the
//     *mcpauth.AuthInfo in the request's context, read with [AuthInfo] or
//     mcpauth.AuthInfoFromContext (chi keeps per-request values in the
//     standard context, so both read the same value);
//   - answers a refused request with [mcpauth.Bearer.ErrorResponse] written
//     verbatim (or the [ErrorHandler]'s answer), and the next handler does
//     not run.
//
// BearerAuth panics, at wiring time, when bearer is nil.
func BearerAuth(bearer *mcpauth.Bearer, opts ...Option) func(http.Handler) http.Handler {
	if bearer == nil {
		panic("mcpchi: BearerAuth called with a nil *mcpauth.Bearer (build it with auth.BearerAuth)")
	}
	return bearer.Middleware(opts...)
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
// clients), with r.Method, served by core's auth.MetadataHandler: GET answers
// the JSON document, HEAD its headers, OPTIONS 204 with CORS headers; other
// methods get r's 405 answer. Call it on the ROOT router (the well-known
// paths are absolute).
//
// With r.Use(mcpchi.BearerAuth(bearer)) on the same router the routes stay
// public: [BearerAuth] answers them itself, with the same bytes (and
// RegisterMetadata is then optional). Middleware already on r (logging,
// recovery, CORS) does apply to these routes.
//
// A path chi would read as a pattern (a resource identifier whose path
// contains '{', '}' or '*') is registered so that it matches only itself.
// RegisterMetadata panics, at wiring time, when r or auth is nil.
func RegisterMetadata(r chi.Router, auth *mcpauth.Auth) {
	if r == nil || auth == nil {
		panic("mcpchi: RegisterMetadata called with a nil router or *mcpauth.Auth")
	}
	h := auth.MetadataHandler()
	for _, route := range auth.MetadataRoutes() {
		pattern := routePattern(route.Path)
		for _, m := range metadataMethods {
			r.Method(m, pattern, h)
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
