// Package app is the code the example MCP servers share: configuration from
// the environment, the development issuer, the MCP server with its tools,
// and the start-up banner. Each example's main.go only mounts what App
// holds on its web framework.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpgosdk "github.com/go-mcpauth/mcpauth/adapters/gosdk"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// MCPPath is where every example serves MCP (streamable HTTP).
const MCPPath = "/mcp"

// DevSubject is the subject of the development issuer's token.
const DevSubject = "dev-user"

// DevTokenLifetime is how long the printed development token is valid.
const DevTokenLifetime = time.Hour

// Options describe one example server.
type Options struct {
	// Name names the example in logs and in the MCP implementation name,
	// e.g. "gin".
	Name string
	// Register adds the server's tools. Default: [RegisterWhoami].
	Register func(*mcp.Server)
	// MCP builds the MCP endpoint's handler, to be mounted behind the
	// bearer middleware, for an MCP server without sessions (stateless) or
	// with them. Default: [NewMCPHandler] on the official MCP Go SDK with
	// Register's tools; the mcpgo example builds an mcp-go server instead.
	MCP func(name string, stateless bool) http.Handler
	// ScopesSupported are published in the protected resource metadata,
	// besides the required scopes.
	ScopesSupported []string
	// DevScopes are granted to the development token besides the required
	// scopes (e.g. the todo scopes).
	DevScopes []string
	// ToolScopes are the scopes a tools/call of each tool needs on top of the
	// required scopes (mcpauth.BearerOptions.ToolScopes): checked before the
	// MCP server runs, and refused with a 403 step-up challenge.
	ToolScopes map[string][]string
	// Calls are the example tool calls the banner prints as curl commands.
	// Default: whoami.
	Calls []ToolCall
	// Listener, when set, is used instead of listening on Config.Addr
	// (tests pass a loopback listener).
	Listener net.Listener
	// Logger receives the server's log. Default: text on stderr.
	Logger *slog.Logger
}

// ToolCall is a tools/call the banner shows.
type ToolCall struct {
	Name      string
	Arguments string // a JSON object; "" means {}
}

// App is a configured example server, ready to be mounted on a framework.
type App struct {
	Config   Config
	Options  Options
	Resource string // the protected resource identifier
	Audience string // the audience tokens must carry
	Issuer   string // the trusted issuer (the development one when Dev is set)

	// Auth serves the protected resource metadata (framework adapters'
	// RegisterMetadata take it).
	Auth *mcpauth.Auth
	// Bearer verifies the requests to MCPPath (framework adapters'
	// BearerAuth take it).
	Bearer *mcpauth.Bearer
	// MCP is the MCP server's streamable HTTP handler behind its bridge
	// (mcpgosdk, or mcpmcpgo in the mcpgo example), stateless unless
	// MCP_STATELESS=false: mount it at MCPPath behind the bearer middleware.
	MCP http.Handler

	// Listener is where the framework must serve.
	Listener net.Listener
	// Dev is the development issuer, nil when MCP_AUTH_ISSUER is set.
	Dev *mcpauthtest.Issuer
	// DevToken is a token of Dev for DevSubject, valid DevTokenLifetime.
	DevToken string

	Logger *slog.Logger
}

// ServeFunc mounts a's routes on one web framework and serves them on
// a.Listener until ctx is done, then shuts down gracefully. It returns nil
// after a shutdown caused by ctx.
type ServeFunc func(ctx context.Context, a *App) error

// Start builds an App from cfg: it listens, starts the development issuer
// when cfg.Issuer is empty, and builds the mcpauth configuration and the MCP
// handler. Every configuration problem is a *ConfigError. The caller must
// Close the App.
func Start(ctx context.Context, cfg Config, opts Options) (_ *App, err error) {
	if opts.Register == nil {
		opts.Register = RegisterWhoami
	}
	if len(opts.Calls) == 0 {
		opts.Calls = []ToolCall{{Name: "whoami"}}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a := &App{Config: cfg, Options: opts, Logger: logger, Listener: opts.Listener}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()

	if a.Listener == nil {
		var lc net.ListenConfig
		if a.Listener, err = lc.Listen(ctx, "tcp", cfg.Addr); err != nil {
			return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
		}
	}
	port := a.Listener.Addr().(*net.TCPAddr).Port
	a.Resource = cfg.Resource
	if a.Resource == "" {
		a.Resource = "http://localhost:" + strconv.Itoa(port) + MCPPath
	}
	a.Audience = cfg.Audience
	if a.Audience == "" {
		a.Audience = a.Resource
	}

	a.Issuer = cfg.Issuer
	if a.Issuer == "" {
		if a.Dev, err = mcpauthtest.NewIssuer(); err != nil {
			return nil, fmt.Errorf("start the development issuer: %w", err)
		}
		a.Issuer = a.Dev.URL()
		claims := map[string]any{
			"sub":       DevSubject,
			"client_id": "dev-client",
			"aud":       a.Audience,
			"exp":       time.Now().Add(DevTokenLifetime).Unix(),
		}
		if scopes := union(cfg.RequiredScopes, opts.DevScopes); len(scopes) > 0 {
			claims["scope"] = strings.Join(scopes, " ")
		}
		if cfg.TokenFormat == FormatOpaque {
			a.DevToken, err = a.Dev.OpaqueToken(claims)
		} else {
			a.DevToken, err = a.Dev.Token(claims)
		}
		if err != nil {
			return nil, fmt.Errorf("mint the development token: %w", err)
		}
		if cfg.ClientID == "" {
			// The development issuer's introspection client.
			cfg.ClientID, cfg.ClientSecret = mcpauthtest.ClientID, mcpauthtest.ClientSecret
		}
	}

	a.Auth, err = mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource:             a.Resource,
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(a.Issuer, cfg.IssuerType)},
			ScopesSupported:      union(cfg.RequiredScopes, opts.ScopesSupported),
			ResourceName:         "MCP Auth for Go example (" + opts.Name + ")",
		}},
		Logger: logger,
	})
	if err != nil {
		return nil, &ConfigError{Msg: err.Error()}
	}
	a.Bearer, err = a.Auth.BearerAuth(verifier(cfg), mcpauth.BearerOptions{
		Resource:       a.Resource,
		Audience:       cfg.Audience,
		RequiredScopes: cfg.RequiredScopes,
		ToolScopes:     opts.ToolScopes,
	})
	if err != nil {
		return nil, &ConfigError{Msg: err.Error()}
	}

	// Fetch the issuer's metadata and keys now so that a wrong issuer shows
	// at start-up; requests get 503 until it can be reached.
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.Auth.Prefetch(pctx); err != nil {
		logger.Warn("the authorization server cannot be used yet; requests get 503 until it can", "issuer", a.Issuer, "err", err)
	}

	if opts.MCP != nil {
		a.MCP = opts.MCP(opts.Name, cfg.Stateless)
	} else {
		a.MCP = NewMCPHandler(opts.Name, opts.Register, cfg.Stateless)
	}
	return a, nil
}

// verifier returns the token verifier of cfg.TokenFormat.
func verifier(cfg Config) mcpauth.Verifier {
	introspection := func() mcpauth.Verifier {
		return mcpauth.Introspection(mcpauth.IntrospectionOptions{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			MaxAge:       cfg.IntrospectionMaxAge,
		})
	}
	switch cfg.TokenFormat {
	case FormatOpaque:
		return introspection()
	case FormatAuto:
		return mcpauth.JWTOrIntrospection(mcpauth.JWT(), introspection())
	default:
		return mcpauth.JWT()
	}
}

// NewMCPHandler returns the MCP server's streamable HTTP handler behind the
// mcpgosdk bridge, with mcpgosdk.ContextMiddleware on the server so that
// every tool reads the caller of the request it serves from its ctx, in both
// modes. Stateless (the default of the examples), a tools/call works without
// a prior initialize and replicas need no session affinity; stateful
// (MCP_STATELESS=false), sessions are bound to the user who created them.
// It answers with application/json rather than an event stream, which suits
// one-shot tool calls and frameworks that buffer responses.
func NewMCPHandler(name string, register func(*mcp.Server), stateless bool) http.Handler {
	server := mcp.NewServer(&mcp.Implementation{Name: "mcpauth-example-" + name, Version: "v0.1.0"}, nil)
	server.AddReceivingMiddleware(mcpgosdk.ContextMiddleware())
	register(server)
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server },
		&mcp.StreamableHTTPOptions{Stateless: stateless, JSONResponse: true})
	return mcpgosdk.Handler(h)
}

// Close stops the development issuer and closes the listener.
func (a *App) Close() {
	if a.Dev != nil {
		a.Dev.Close()
	}
	if a.Listener != nil {
		_ = a.Listener.Close()
	}
}

// LocalURL is the URL of the MCP endpoint on this machine.
func (a *App) LocalURL() string {
	addr := a.Listener.Addr().(*net.TCPAddr)
	host := "localhost"
	if !addr.IP.IsUnspecified() && !addr.IP.IsLoopback() {
		host = addr.IP.String()
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port)) + MCPPath
}

// MetadataURL is the URL of the protected resource metadata (RFC 9728).
func (a *App) MetadataURL() string { return a.Bearer.ResourceMetadataURL() }

// PrintBanner writes what a developer needs to call the server: where it
// listens, which issuer it trusts, how an MCP client connects and, with the
// development issuer, a token and ready curl commands.
func (a *App) PrintBanner(w io.Writer) {
	p := func(format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }
	p("MCP server (%s) listening on %s\n", a.Options.Name, a.LocalURL())
	p("  resource:          %s\n", a.Resource)
	p("  resource metadata: %s\n", a.MetadataURL())
	if len(a.Config.RequiredScopes) > 0 {
		p("  required scopes:   %s\n", strings.Join(a.Config.RequiredScopes, " "))
	}
	if a.Dev == nil {
		p("  issuer:            %s (%s)\n", a.Issuer, a.Config.IssuerType)
		p("\nConnect an MCP client (e.g. the MCP Inspector, transport Streamable HTTP) to %s:\n", a.LocalURL())
		p("it reads the resource metadata, signs in at %s and requests a token for %s.\n", a.Issuer, a.Resource)
		p("Check the set-up: go run ./tools/cmd/mcpauth-check %s\n\n", a.LocalURL())
		return
	}
	p("\nNo %s set: started a development issuer at %s (local testing only).\n", EnvIssuer, a.Issuer)
	p("Token for subject %q, valid for %s:\n\n%s\n", DevSubject, DevTokenLifetime, a.DevToken)
	session := ""
	if !a.Config.Stateless {
		session = "<id>"
		p("\nStateful sessions (%s=false): initialize a session first and note the Mcp-Session-Id header of the answer:\n\n%s\n",
			EnvStateless, CurlInitialize(a.LocalURL(), a.DevToken))
	}
	for _, c := range a.Options.Calls {
		p("\nCall %s:\n\n%s\n", c.Name, curl(a.LocalURL(), a.DevToken, session, toolCallBody(c)))
	}
	p("\nConnect an MCP client (e.g. the MCP Inspector, transport Streamable HTTP) to %s\n", a.LocalURL())
	p("with the token above as its bearer token (Inspector: Authentication > Bearer Token).\n")
	p("The development issuer has no sign-in: it publishes only its keys, no authorization,\n")
	p("token or registration endpoint, so a client cannot obtain a token from it by itself.\n")
	p("To sign in through a real provider, set %s (see docs/providers.md).\n", EnvIssuer)
	p("Check the set-up: go run ./tools/cmd/mcpauth-check -token <token> %s\n\n", a.LocalURL())
}

// CurlCommand returns a shell command calling tool c on url with token: a
// JSON-RPC tools/call posted with the two headers streamable HTTP requires.
// No initialize is needed when the MCP server is stateless (the default).
func CurlCommand(url, token string, c ToolCall) string {
	return curl(url, token, "", toolCallBody(c))
}

// CurlInitialize returns a shell command opening a session on url with
// token, printing the answer's headers (-i) so that its Mcp-Session-Id shows.
func CurlInitialize(url, token string) string {
	body := `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}`
	return strings.Replace(curl(url, token, "", body), "curl -sS ", "curl -sS -i ", 1)
}

func toolCallBody(c ToolCall) string {
	args := c.Arguments
	if args == "" {
		args = "{}"
	}
	return `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"` + c.Name + `","arguments":` + args + `}}`
}

// curl posts body to url with token, and the session id if not empty.
func curl(url, token, session, body string) string {
	cmd := "curl -sS " + url + " \\\n" +
		"  -H 'Authorization: Bearer " + token + "' \\\n" +
		"  -H 'Accept: application/json, text/event-stream' \\\n" +
		"  -H 'Content-Type: application/json' \\\n"
	if session != "" {
		cmd += "  -H 'Mcp-Protocol-Version: 2025-06-18' \\\n" +
			"  -H 'Mcp-Session-Id: " + session + "' \\\n"
	}
	return cmd + "  -d '" + body + "'"
}

// Main runs an example: configuration from the environment, Start, the
// banner, then serve until SIGINT or SIGTERM. It exits with status 2 for a
// configuration error and 1 for any other failure.
func Main(opts Options, serve ServeFunc) {
	os.Exit(run(opts, serve, os.Getenv, os.Stdout, os.Stderr))
}

func run(opts Options, serve ServeFunc, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "%s: configuration error: %v\n", opts.Name, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	a, err := Start(ctx, cfg, opts)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			_, _ = fmt.Fprintf(stderr, "%s: configuration error: %v\n", opts.Name, err)
			return 2
		}
		_, _ = fmt.Fprintf(stderr, "%s: %v\n", opts.Name, err)
		return 1
	}
	defer a.Close()
	a.PrintBanner(stdout)
	if err := serve(ctx, a); err != nil {
		_, _ = fmt.Fprintf(stderr, "%s: %v\n", opts.Name, err)
		return 1
	}
	return 0
}

// ServeHTTP serves h on a.Listener with net/http until ctx is done, then
// shuts down gracefully (at most 5 s). The gin, echo and chi examples use it.
func (a *App) ServeHTTP(ctx context.Context, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(a.Listener) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// union returns a followed by the items of b not in a.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
