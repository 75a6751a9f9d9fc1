// Package inspect examines an authorization server the way a careful
// operator would before trusting it: what its metadata offers MCP clients,
// and which keys of its JWK Set this library can verify tokens with. It is
// the engine of the mcpauth-check command and is meant for tools, start-up
// checks and tests; the runtime package mcpauth does not need it.
//
// A resource server refuses only what verifying a token needs (the issuer,
// its match with the configured one, the jwks_uri and its URL policy):
// everything else reported here is what MCP clients need of the
// authorization server (the code flow, PKCE with S256, a way to register),
// which mcpauth logs as a warning once per issuer and never refuses a token
// for.
package inspect
