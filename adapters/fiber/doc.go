// Package mcpfiber protects a fiber v2 (github.com/gofiber/fiber/v2) MCP
// server with MCP Auth: [BearerAuth] is fiber middleware that checks the
// bearer token of every request and gives the caller's *mcpauth.AuthInfo to
// the handlers below, both in c.Locals (read it with [AuthInfo]) and in
// c.UserContext() (read it with mcpauth.AuthInfoFromContext, as MCP SDK code
// does); [HTTPHandler] mounts a net/http handler (an MCP SDK's) so that its
// request context carries it too; and [RegisterMetadata] publishes the
// protected resource metadata (RFC 9728) MCP clients discover the
// authorization server from. Every decision and every byte of a refusal
// (status, WWW-Authenticate challenge, JSON body) comes from package mcpauth,
// identical across all mcpauth adapters. Defaults: every request through
// BearerAuth is checked and one without credentials gets 401; refusals are
// answered directly, not through fiber's ErrorHandler (see [PassErrors]);
// see also [Optional], [Skipper] and [ErrorHandler]. fiber recycles its
// contexts: nothing of a request is kept by this package after the request
// ends, and the Authorization values are copied out of fasthttp's buffers.
//
//	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
//		Resource:             "https://api.example.com/mcp",
//		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
//	}}})
//	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"}})
//	app := fiber.New(fiber.Config{ReadBufferSize: mcpfiber.ReadBufferSize}) // 20 KiB: room for a 16 KiB token
//	app.Use(recover.New())
//	app.Use(mcpfiber.BearerAuth(bearer)) // every route; the metadata and CORS preflights stay public
//	mcpfiber.RegisterMetadata(app, auth) // GET /.well-known/oauth-protected-resource/mcp, before or after Use
//	app.All("/mcp", mcpfiber.HTTPHandler(mcpHandler))
//	// or a fiber handler: info, ok := mcpfiber.AuthInfo(c)
//
// (error checks left out; the package example has the whole program.)
package mcpfiber
