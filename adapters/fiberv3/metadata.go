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
// and OPTIONS, served by core's auth.MetadataHandler through [HTTPHandler]:
// 200 with the JSON document and CORS headers, 204 for a CORS preflight.
// Pass the *fiber.App (or a group without prefix: the well-known paths are
// absolute).
//
// Order does not matter: [BearerAuth] answers these routes itself (with the
// same bytes), so app.Use(mcpfiber.BearerAuth(bearer)) before or after
// RegisterMetadata leaves them public; with BearerAuth installed by app.Use,
// RegisterMetadata is optional. Middleware registered earlier (logger,
// recover, CORS) does apply to these routes.
//
// Paths are registered so that fiber matches them literally: its route
// pattern characters ':', '*' and '+' are escaped. They are registered in
// their escaped form, which fiber matches by default (Config.UnescapePath
// false); the handler checks the decoded path. With fiber's default
// non-strict, case-insensitive routing, a route may also match other letter
// cases, which the handler answers 404.
//
// RegisterMetadata panics, at wiring time, when router or auth is nil.
func RegisterMetadata(router fiber.Router, auth *mcpauth.Auth) {
	if router == nil || auth == nil {
		panic("mcpfiber: RegisterMetadata called with a nil router or *mcpauth.Auth")
	}
	h := HTTPHandler(auth.MetadataHandler())
	for _, route := range auth.MetadataRoutes() {
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
