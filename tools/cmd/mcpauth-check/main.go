// Command mcpauth-check tells whether an OAuth 2.0 / OpenID Connect
// authorization server can serve MCP clients and the mcpauth resource servers
// that trust it, and prints a pass/warn/fail table (or JSON with -json).
//
//	go run ./tools/cmd/mcpauth-check [-type oidc|oauth] [-json] [-timeout 10s] <issuer>
//
// It exits with status 0 when no check failed, 1 when one did and 2 on a
// usage error. See package internal/check for the checks.
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
