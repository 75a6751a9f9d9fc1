// Package mcpecho is the echo v5 (github.com/labstack/echo/v5) adapter of
// MCP Auth for Go: it makes an echo server an OAuth 2.0 resource server for
// the Model Context Protocol. [BearerAuth] turns an *mcpauth.Bearer into echo
// middleware that verifies each request's bearer token and stores the
// caller's *mcpauth.AuthInfo with c.Set([ContextKey]) and in the request's
// context.Context; [AuthInfo] reads it back; [RegisterMetadata] serves the
// RFC 9728 protected resource metadata MCP clients discover the
// authorization server from. Every decision (status, WWW-Authenticate
// challenge, body) is made by the request flow of the core package
// github.com/go-mcpauth/mcpauth/core, so an echo server answers byte for
// byte like the gin, fiber, chi and net/http ones; [PassErrors] hands
// refusals to echo's HTTPErrorHandler instead.
//
// This is the module github.com/go-mcpauth/mcpauth/adapters/echov5; the
// echo v4 adapter, adapters/echo, has the same package name and API in echo
// v4's idiom (echo.Context), so moving an application from one to the other
// changes its import paths and handler signatures.
//
// e.Use(mcpecho.BearerAuth(bearer)) is safe before or after
// RegisterMetadata: the library's metadata routes are answered by the
// middleware itself and CORS preflights are passed on (see
// [AuthenticatePreflight]).
//
//	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
//		Resource:             "https://api.example.com/mcp",
//		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
//	}}})
//	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
//		Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"}})
//	e := echo.New()
//	e.Use(middleware.Recover())
//	e.Use(mcpecho.BearerAuth(bearer))
//	mcpecho.RegisterMetadata(e, auth) // public: GET /.well-known/oauth-protected-resource/mcp
//	e.Any("/mcp", echo.WrapHandler(mcpHandler))
//
// Handlers below the middleware read the caller with mcpecho.AuthInfo(c), or
// mcpauth.AuthInfoFromContext(r.Context()) in a wrapped net/http handler.
// (Error checks left out; the package example has the whole program.)
package mcpecho
