// Package mcpchi protects a chi (github.com/go-chi/chi/v5) MCP server with
// MCP Auth. chi is plain net/http, so this is a thin chi-friendly layer over
// core's [mcpauth.Bearer.Middleware]: [BearerAuth] is chi middleware that
// checks the bearer token of every request and puts the caller's
// *mcpauth.AuthInfo in the request context (read it with [AuthInfo],
// [AuthInfoFromContext] or mcpauth.AuthInfoFromContext anywhere below, MCP SDK
// tool handlers included), and [RegisterMetadata] publishes the protected
// resource metadata (RFC 9728) MCP clients discover the authorization server
// from. Every decision and every byte of a refusal (status, WWW-Authenticate
// challenge, JSON body) comes from package mcpauth, identical across all
// mcpauth adapters. Defaults: every request through BearerAuth is checked and
// one without credentials gets 401; see [Optional], [Skipper] and
// [ErrorHandler] (chi has no framework error handler: ErrorHandler is the
// hook, and there is no PassErrors). r.Use(mcpchi.BearerAuth(bearer)) is safe
// on the router holding the metadata routes: BearerAuth answers them itself,
// and passes CORS preflights to the application.
//
//	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
//		Resource:             "https://api.example.com/mcp",
//		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
//	}}})
//	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
//		Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"},
//	})
//	r := chi.NewRouter()
//	r.Use(middleware.Recoverer)
//	r.Use(mcpchi.BearerAuth(bearer)) // every route; the metadata and CORS preflights stay public
//	mcpchi.RegisterMetadata(r, auth) // GET /.well-known/oauth-protected-resource/mcp (chi: after every r.Use)
//	r.Handle("/mcp", mcpHandler)     // every method: GET, POST, DELETE
package mcpchi
