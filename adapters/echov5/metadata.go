package mcpecho

import (
	"net/http"
	"net/url"
	"strconv"
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
// OPTIONS, served by core's auth.MetadataHandler through echo.WrapHandler:
// 200 with the JSON document and CORS headers, 204 for a CORS preflight.
// Other methods get echo's own 405. Pass the *echo.Echo, or a group without
// prefix (the well-known paths are absolute).
//
// Order does not matter: [BearerAuth] answers these routes itself (with the
// same bytes), so e.Use(mcpecho.BearerAuth(bearer)) before or after
// RegisterMetadata leaves them public; with BearerAuth installed by e.Use,
// RegisterMetadata is optional.
//
// Paths are registered in the form echo's router matches (the decoded path,
// or the raw one when the path is not in the default percent-encoding), and
// a segment holding echo's pattern characters ':' or '*' is registered as a
// parameter whose value the handler checks, so that each route matches only
// its own path.
func RegisterMetadata(r Router, auth *mcpauth.Auth) {
	if r == nil || auth == nil {
		panic("mcpecho: RegisterMetadata called with a nil router or *mcpauth.Auth")
	}
	h := echo.WrapHandler(auth.MetadataHandler())
	seen := map[string]bool{} // two paths may give one parameter route
	for _, route := range auth.MetadataRoutes() {
		p := routePath(route.Path)
		if seen[p] {
			continue
		}
		seen[p] = true
		for _, m := range metadataMethods {
			r.Add(m, p, h)
		}
	}
}

// routePath turns a metadata URL path (escaped, as url.URL.EscapedPath
// returns it) into the path echo's router matches: echo routes on
// r.URL.RawPath when the request has one (a non-default encoding such as
// %2F) and on the decoded r.URL.Path otherwise. A segment with ':' or '*'
// becomes a parameter.
func routePath(escaped string) string {
	p := escaped
	if u, err := url.Parse(escaped); err == nil && u.RawPath == "" && u.Path != "" {
		p = u.Path
	}
	if !strings.ContainsAny(p, ":*") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.ContainsAny(s, ":*") {
			segs[i] = ":mcpauth" + strconv.Itoa(i)
		}
	}
	return strings.Join(segs, "/")
}
