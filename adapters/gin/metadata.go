package mcpgin

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// RegisterMetadata registers every route of auth.MetadataRoutes (the RFC 9728
// protected resource metadata, e.g. /.well-known/oauth-protected-resource/mcp,
// and the same path with the trailing slash toggled) on r for GET, HEAD and
// OPTIONS (CORS preflight), served by core's auth.MetadataHandler through
// gin.WrapH. r is a *gin.Engine or a *gin.RouterGroup; paths are relative to
// it, so give the engine (or a group without a path prefix): clients look the
// metadata up at the root of the host.
//
// Order does not matter: [BearerAuth] answers these routes itself (with the
// same bytes), so r.Use(mcpgin.BearerAuth(bearer)) before or after
// RegisterMetadata leaves them public. With BearerAuth on the engine,
// RegisterMetadata is optional; it makes the routes known to gin (for
// other middleware, 405 handling and route listings).
//
// Paths are registered in the form gin matches by default (the decoded
// r.URL.Path; gin.Engine.UseRawPath is not supported): a resource path with spaces, '%' or non-ASCII
// characters is registered decoded, and a segment holding gin's pattern
// characters ':' or '*' is registered as a parameter whose value the
// handler checks, so the route matches only its own path and registration
// never panics on them. Like any gin registration, it panics if one of these
// routes is already registered.
func RegisterMetadata(r gin.IRoutes, auth *mcpauth.Auth) {
	if r == nil || auth == nil {
		panic("mcpgin: RegisterMetadata called with a nil router or *mcpauth.Auth")
	}
	paths := make([]string, 0, len(auth.MetadataRoutes()))
	for _, route := range auth.MetadataRoutes() {
		paths = append(paths, routePath(route.Path))
	}
	slices.Sort(paths)
	h := gin.WrapH(auth.MetadataHandler())
	for _, p := range slices.Compact(paths) { // two paths may give one parameter route
		r.GET(p, h)
		r.HEAD(p, h)
		r.OPTIONS(p, h)
	}
}

// routePath returns the gin route of the escaped path p: decoded, with every
// segment containing ':' or '*' replaced by a named parameter.
func routePath(p string) string {
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.ContainsAny(s, ":*") {
			segs[i] = ":mcpauth" + strconv.Itoa(i)
		}
	}
	return strings.Join(segs, "/")
}
