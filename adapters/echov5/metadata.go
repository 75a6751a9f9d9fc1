package mcpecho

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v5"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// Router is where [RegisterMetadata] adds its routes: *echo.Echo and
// *echo.Group (for instance the group of e.Host) both implement it.
type Router interface {
	Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) echo.RouteInfo
}

// Compile-time checks that echo's router types satisfy Router.
var (
	_ Router = (*echo.Echo)(nil)
	_ Router = (*echo.Group)(nil)
)

// metadataMethods are the methods every metadata route answers.
var metadataMethods = [...]string{http.MethodGet, http.MethodHead, http.MethodOptions}

// RegisterMetadata registers every route of auth.MetadataRoutes (the RFC 9728
// protected resource metadata, e.g. /.well-known/oauth-protected-resource/mcp,
// and the same path with the trailing slash toggled) on r for GET, HEAD and
// OPTIONS, each served by the core's http.Handler through echo.WrapHandler:
// 200 with the JSON document and CORS headers, 204 for a CORS preflight.
// Other methods get echo's own 405.
//
// The routes must be public: pass the *echo.Echo, or a group without
// BearerAuth and without prefix (the well-known paths are absolute), and do
// not install BearerAuth with e.Use, which echo also runs for these routes.
//
// Paths are registered so that echo's router matches them literally: a ':'
// is escaped, and a path in the default percent-encoding is registered
// decoded, as echo matches the decoded path of such requests. A '*' cannot
// be escaped in echo and would act as a wildcard; resource identifiers
// rarely contain one.
func RegisterMetadata(r Router, auth *mcpauth.Auth) {
	for _, route := range auth.MetadataRoutes() {
		h := echo.WrapHandler(route.Handler)
		p := routePath(route.Path)
		for _, m := range metadataMethods {
			r.Add(m, p, h)
		}
	}
}

// routePath turns a metadata URL path (escaped, as url.URL.EscapedPath
// returns it) into the path echo's router matches: echo routes on
// r.URL.RawPath when the request has one (a non-default encoding such as
// %2F) and on the decoded r.URL.Path otherwise.
func routePath(escaped string) string {
	p := escaped
	if u, err := url.Parse(escaped); err == nil && u.RawPath == "" && u.Path != "" {
		p = u.Path
	}
	return strings.ReplaceAll(p, ":", `\:`)
}
