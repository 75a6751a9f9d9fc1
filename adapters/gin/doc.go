// Package mcpgin is the gin adapter of MCP Auth for Go
// (github.com/go-mcpauth/mcpauth/core, package mcpauth): [BearerAuth] turns a
// *mcpauth.Bearer into gin middleware that verifies the bearer token of each
// request and stores the caller's *mcpauth.AuthInfo both in the gin context
// ([AuthInfo]) and in c.Request's context.Context
// ([mcpauth.AuthInfoFromContext]); [RegisterMetadata] serves the RFC 9728
// protected resource metadata MCP clients discover the authorization server
// from. Every decision is core's: a refused request gets exactly the status,
// headers and body of [mcpauth.Bearer.ErrorResponse], byte for byte the same
// as with the echo, fiber, chi and net/http integrations.
//
// Wiring:
//
//	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
//		Resource:             "https://api.example.com/mcp",
//		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
//	}}}) // + error checks
//	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
//		Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"},
//	})
//	r := gin.New()
//	r.Use(gin.Recovery())
//	r.Use(mcpgin.BearerAuth(bearer)) // every route; the metadata and CORS preflights stay public
//	mcpgin.RegisterMetadata(r, auth) // GET /.well-known/oauth-protected-resource/mcp, before or after Use
//	r.Any("/mcp", gin.WrapH(mcpHandler))
//
// A gin handler reads the caller with [AuthInfo](c); a net/http handler
// mounted with gin.WrapH, or any code given c.Request.Context(), with
// mcpauth.AuthInfoFromContext.
package mcpgin
