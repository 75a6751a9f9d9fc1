package mcpfiber

import (
	"strings"

	"github.com/gofiber/fiber/v3"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// metadataMethods are the methods every metadata route answers.
var metadataMethods = [...]string{fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions}

// RegisterMetadata registers every route of auth.MetadataRoutes (the RFC 9728
// protected resource metadata, e.g. /.well-known/oauth-protected-resource/mcp,
// and the same path with the trailing slash toggled) on router for GET, HEAD
// and OPTIONS, each served by core's http.Handler through [HTTPHandler]
// (fiber's adaptor.HTTPHandler, without its invented Content-Type on the
// empty 204): 200 with the JSON document and CORS headers, 204 for a
// CORS preflight. Other methods get fiber's 405, unless a middleware
// registered later with app.Use answers them first (a BearerAuth installed
// that way refuses them with 401, as it does any route it covers).
//
// The routes must be public: pass the *fiber.App (or a group without prefix:
// the well-known paths are absolute), and call RegisterMetadata before
// app.Use(mcpfiber.BearerAuth(...)) — fiber runs handlers in registration
// order, so a metadata route registered first answers before BearerAuth is
// reached — or put BearerAuth on the protected routes only. Middleware
// registered earlier (logger, recover, CORS) does apply to these routes.
//
// Paths are registered so that fiber matches them literally: its route
// pattern characters ':', '*' and '+' are escaped. They are registered in
// their escaped form, which fiber matches by default (Config.UnescapePath
// false). With fiber's default non-strict, case-insensitive routing, the path
// also answers in other letter cases.
//
// RegisterMetadata panics, at wiring time, when router or auth is nil.
func RegisterMetadata(router fiber.Router, auth *mcpauth.Auth) {
	if router == nil || auth == nil {
		panic("mcpfiber: RegisterMetadata called with a nil router or *mcpauth.Auth")
	}
	for _, route := range auth.MetadataRoutes() {
		h := HTTPHandler(route.Handler)
		p := routePath(route.Path)
		router.Add(metadataMethods[:], p, h)
	}
}

// routeEscaper escapes the characters fiber's router reads as parameters.
var routeEscaper = strings.NewReplacer(":", `\:`, "*", `\*`, "+", `\+`)

// routePath returns the fiber route that matches exactly the escaped path p.
func routePath(p string) string {
	return routeEscaper.Replace(p)
}
