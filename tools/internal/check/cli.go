package check

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// Exit statuses of [Main].
const (
	ExitOK     = 0 // no check failed (warnings allowed)
	ExitFailed = 1 // at least one check failed
	ExitUsage  = 2 // bad command line
)

const usage = `Usage: mcpauth-check [-type oidc|oauth] [-json] [-timeout 10s] <issuer>

Checks that the authorization server <issuer> can serve MCP clients and the
mcpauth resource servers that trust it: discovery (OpenID Connect, then
OAuth 2.0 authorization server metadata unless -type is given), issuer
identity (RFC 8414 §3.3), the MCP requirements (code flow, PKCE with S256,
dynamic client registration), resource indicators (RFC 8707), and the JWKS
(reachable, parseable, keys mcpauth can use).

Exit status: 0 when no check failed, 1 when one did, 2 on a usage error.

Flags:
`

// Main runs the mcpauth-check command with args (without the program name)
// and returns its exit status. client, when not nil, makes the requests.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, client *http.Client, version string) int {
	fs := flag.NewFlagSet("mcpauth-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	typ := fs.String("type", "", "discovery to use: oidc or oauth (default: try oidc, then oauth)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", mcpauth.DefaultFetchTimeout, "bound on each request")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}

	// Flags may come after the issuer too.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ExitOK
			}
			return ExitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *showVersion {
		fmt.Fprintln(stdout, "mcpauth-check", version)
		return ExitOK
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "mcpauth-check: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run mcpauth-check -h for help.")
		return ExitUsage
	}
	if len(positional) != 1 {
		return usageErr("expected one issuer URL, got %d arguments", len(positional))
	}
	issuer := positional[0]
	st := mcpauth.ServerType(*typ)
	if st != "" && st != mcpauth.OIDC && st != mcpauth.OAuth {
		return usageErr("-type must be %q or %q, not %q", mcpauth.OIDC, mcpauth.OAuth, *typ)
	}
	if *timeout <= 0 {
		return usageErr("-timeout must be positive")
	}
	if _, err := mcpauth.DiscoveryURL(issuer, mcpauth.OIDC); err != nil {
		return usageErr("%s", describe(err))
	}

	ua := "mcpauth-check"
	if version != "" {
		ua += "/" + version
	}
	// At most three requests, each bounded by the timeout.
	ctx, cancel := context.WithTimeout(ctx, 3**timeout+time.Second)
	defer cancel()
	report := Run(ctx, issuer, Options{Type: st, HTTPClient: client, Timeout: *timeout, UserAgent: ua})
	write := report.WriteTable
	if *asJSON {
		write = report.WriteJSON
	}
	if err := write(stdout); err != nil {
		fmt.Fprintln(stderr, "mcpauth-check:", err)
		return ExitFailed
	}
	if report.Failed() {
		return ExitFailed
	}
	return ExitOK
}
