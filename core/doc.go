// Package mcpauth makes a Go MCP server an OAuth 2.0 resource server: it
// verifies the bearer tokens of requests (JWT access tokens with the keys of
// trusted authorization servers, or any token with a custom verifier), checks
// their issuer, audience and scopes, answers refusals with the status and
// WWW-Authenticate challenge MCP clients act on (RFC 6750, RFC 9728), and
// serves the protected resource metadata those clients discover the
// authorization server from (RFC 9728).
//
// The package imports no web framework. Adapters turn a [Bearer] into gin,
// echo, fiber or chi middleware; [Bearer.Middleware] and
// [Auth.MetadataHandler] serve plain net/http. Errors are *[Error] values
// with a [Code]; a Code is itself an error, for errors.Is.
//
// # Wiring
//
//	auth, err := mcpauth.New(mcpauth.Config{
//		ProtectedResources: []mcpauth.ProtectedResource{{
//			Resource:             "https://api.example.com/mcp",
//			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
//			ScopesSupported:      []string{"read", "write"},
//		}},
//	})
//	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
//		Resource:       "https://api.example.com/mcp",
//		RequiredScopes: []string{"read"},
//	})
//	mux.Handle("/mcp", mcpHandler)
//	// The middleware answers the protected resource metadata itself, passes
//	// CORS preflights on, and checks every other request.
//	err = http.ListenAndServe(":8080", bearer.Middleware()(mux))
//
// Handlers below the middleware read the caller with [AuthInfoFromContext].
// [Edge.Dispatch] is the one request flow behind [Bearer.Middleware] and
// every framework adapter ([Edge] is how they plug into it).
//
// # Defaults
//
// Secure by default: the audience must be the resource (RFC 8707); "exp" is
// required; the leeway is 60 s; only asymmetric algorithms are accepted;
// the token's issuer is checked before any key lookup or network request;
// https is required for authorization servers except on loopback; discovery
// and JWKS responses are bounded in time (10 s) and size (1 MiB); a token
// naming an unknown key refreshes the key set at most once per 30 s and
// never makes a request wait for the limiter.
package mcpauth
