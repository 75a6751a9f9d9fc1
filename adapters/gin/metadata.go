package mcpgin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// RegisterMetadata registers every route of auth.MetadataRoutes (the RFC 9728
// protected resource metadata, e.g. /.well-known/oauth-protected-resource/mcp,
// and the same path with the trailing slash toggled) on r for GET, HEAD and
// OPTIONS (CORS preflight), each served by core's handler through gin.WrapH.
// r is a *gin.Engine or a *gin.RouterGroup; paths are relative to it, so
// give the engine (or a group without a path prefix): clients look the
// metadata up at the root of the host.
//
// The metadata is public and must not be behind [BearerAuth]: gin applies the
// middleware of r.Use only to routes registered after it, so call
// RegisterMetadata before r.Use(mcpgin.BearerAuth(...)), or protect a group
// (r.Group("/mcp", mcpgin.BearerAuth(bearer))) instead of the engine.
// Like any gin registration, it panics if one of these routes is already
// registered.
func RegisterMetadata(r gin.IRoutes, auth *mcpauth.Auth) {
	for _, route := range auth.MetadataRoutes() {
		h := gin.WrapH(route.Handler)
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
			r.Handle(method, route.Path, h)
		}
	}
}
