// Package mcpauthtest provides a local OAuth 2.0 / OpenID Connect issuer for
// tests and development servers.
//
// An [Issuer] listens on 127.0.0.1 (a random port) and serves:
//
//   - the OpenID Connect discovery document at
//     <issuer path>/.well-known/openid-configuration (OpenID Connect
//     Discovery 1.0 §4);
//   - the same document as OAuth 2.0 Authorization Server Metadata at
//     /.well-known/oauth-authorization-server<issuer path> (RFC 8414 §3.1);
//   - a JSON Web Key Set with the public signing keys at <issuer path>/jwks
//     (RFC 7517).
//
// Every other path answers 404 Not Found, and the discovery document lists
// nothing else: there is no authorization, token or registration endpoint
// (tokens are minted directly with [Issuer.Token]), so
// response_types_supported and grant_types_supported are empty. MCP clients
// cannot log in through this issuer; hand them a minted token instead.
//
// Tokens are real JWTs signed with real RSA (RS*, PS*), ECDSA (ES*) and
// Ed25519 (EdDSA) keys, so a resource server under test verifies them exactly
// as it would verify tokens from a production identity provider. The issuer
// also supports key rotation ([Issuer.AddKey], [Issuer.RemoveKey],
// [Issuer.ReplaceKey]), non-compliant discovery documents ([WithMetadata]),
// slow responses ([WithLatency]), fault injection ([Issuer.SetFault],
// [Issuer.SetJWKSBody]) and request counters.
//
// For tests of HTTP servers, with or without an issuer, the package also has
// small helpers: [Serve] starts a handler on a loopback port for the test's
// lifetime, [Send] and [Do] make a request and read the whole answer into a
// [Response], [Concurrently] runs requests from many goroutines at once, and a
// [LogBuffer] collects log lines written by other goroutines:
//
//	base := mcpauthtest.Serve(t, bearer.Middleware()(handler))
//	resp := mcpauthtest.Send(t, http.MethodGet, base+"/mcp", "Bearer "+token)
//	if resp.Status != http.StatusOK {
//		t.Fatalf("status %d: %s", resp.Status, resp.Body)
//	}
//
// This package is for tests and local development only. It must never be used
// in production: private keys are generated at start-up and kept in memory,
// the server speaks plain HTTP rather than HTTPS, and there is no
// authentication of any kind.
//
// The package deliberately does not import the parent package mcpauth, so
// that the tests of any package, including mcpauth itself, can use it.
package mcpauthtest
