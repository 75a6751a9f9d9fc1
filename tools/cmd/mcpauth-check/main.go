// Command mcpauth-check checks the authorization of an MCP server the way an
// MCP client finds it, and prints a pass/warn/fail table (or JSON with -json):
//
//	go run ./tools/cmd/mcpauth-check [-json] [-timeout 10s] [-token T] [-audience A] <mcp-server-url>
//	go run ./tools/cmd/mcpauth-check [-json] [-type oidc|oauth] [-token T] -issuer <issuer-url>
//
// From the MCP server URL it reads the protected resource metadata (RFC 9728)
// named by the 401 challenge, else at the well-known URL; then it checks each
// authorization server listed: discovery, issuer match (RFC 8414 §3.3), the
// JWKS and the keys mcpauth can use, and, as warnings, what MCP clients need
// (code flow, PKCE S256, dynamic client registration, client ID metadata
// documents, resource indicators). With -token (or $MCPAUTH_CHECK_TOKEN) it
// verifies the token as the server would and says what it grants or why it
// is refused; the token is never printed.
//
// Exit status: 0 when no check failed (warnings allowed), 1 when a check
// failed or the token was refused, 2 on a usage error. See package
// internal/check for the checks.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/go-mcpauth/mcpauth/tools"
	"github.com/go-mcpauth/mcpauth/tools/internal/check"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := check.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, nil, tools.Version)
	stop()
	os.Exit(code)
}
