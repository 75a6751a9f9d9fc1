package check

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// Exit statuses of [Main].
const (
	ExitOK     = 0 // no check failed (warnings allowed)
	ExitFailed = 1 // at least one check failed (a refused -token included)
	ExitUsage  = 2 // bad command line
)

// EnvToken is the environment variable read for the token when -token is
// not given: it keeps the token out of the process list and shell history.
const EnvToken = "MCPAUTH_CHECK_TOKEN" //nolint:gosec // the name of a variable, not a credential

const usage = `Usage: mcpauth-check [flags] <mcp-server-url>
       mcpauth-check [flags] -issuer <issuer-url>

Checks the authorization of an MCP server the way an MCP client finds it:
an unauthenticated request to <mcp-server-url> whose 401 challenge names the
protected resource metadata (else the RFC 9728 well-known URL), then every
authorization server the metadata lists: discovery (OpenID Connect, then
OAuth 2.0 authorization server metadata unless -type is given), issuer
identity (RFC 8414 §3.3), the JWKS and the keys mcpauth can use, and, as
warnings, what MCP clients need (code flow, PKCE with S256, dynamic client
registration or client ID metadata documents, resource indicators).

With -token (or $MCPAUTH_CHECK_TOKEN) it also verifies an access token as
the MCP server would (issuer, signature, expiry, audience = the metadata's
resource unless -audience is given) and prints what it grants. The token is
never printed.

With -issuer it checks one authorization server directly.

Exit status: 0 when no check failed (warnings allowed), 1 when a check
failed or the token was refused, 2 on a usage error.

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
	issuerFlag := fs.String("issuer", "", "check this authorization server instead of an MCP server")
	token := fs.String("token", "", "an access token to verify (default $"+EnvToken+")")
	audience := fs.String("audience", "", "the aud the token must carry (default: the resource of the protected resource metadata)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}

	// Flags may come after the URL too.
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
	st := mcpauth.ServerType(*typ)
	if st != "" && st != mcpauth.OIDC && st != mcpauth.OAuth {
		return usageErr("-type must be %q or %q, not %q", mcpauth.OIDC, mcpauth.OAuth, *typ)
	}
	if *timeout <= 0 {
		return usageErr("-timeout must be positive")
	}
	if *token == "" {
		*token = strings.TrimSpace(os.Getenv(EnvToken))
	}
	*token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(*token), "Bearer "))
	ua := "mcpauth-check"
	if version != "" {
		ua += "/" + version
	}
	opts := Options{Type: st, HTTPClient: client, Timeout: *timeout, UserAgent: ua, Token: *token, Audience: *audience}
	// Every request is bounded by the timeout; this bounds the whole run.
	ctx, cancel := context.WithTimeout(ctx, 20**timeout+time.Second)
	defer cancel()

	var report *Report
	switch {
	case *issuerFlag != "":
		if len(positional) != 0 {
			return usageErr("give an MCP server URL or -issuer, not both")
		}
		if _, err := mcpauth.DiscoveryURL(*issuerFlag, mcpauth.OIDC); err != nil {
			return usageErr("%s", describe(err))
		}
		report = RunIssuer(ctx, *issuerFlag, opts)
	case len(positional) != 1:
		return usageErr("expected one MCP server URL, got %d arguments", len(positional))
	default:
		if _, err := wellKnownResourceURL(positional[0]); err != nil {
			return usageErr("%s: expected the MCP server URL, e.g. http://localhost:3001/mcp", err)
		}
		report = Run(ctx, positional[0], opts)
	}
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
