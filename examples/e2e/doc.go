// Package e2e holds the tests that build the example commands and run them
// as a newcomer does: no configuration, a development issuer, the printed
// token used by a real MCP client. The per-framework end-to-end suites (a
// real OpenID provider, scopes, metadata discovery, key rotation) run from
// each example's own tests; see ../internal/e2etest.
package e2e
