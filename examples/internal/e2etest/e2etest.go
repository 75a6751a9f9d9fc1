// Package e2etest is the end-to-end suite every example runs from its own
// tests: the example's framework wiring (its app.ServeFunc) serves in-process
// on 127.0.0.1, against a real OpenID provider (package testop) or the
// development issuer, and is called through the official MCP Go SDK client
// over streamable HTTP.
package e2etest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/oauth2/clientcredentials"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/inspect"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
	"github.com/go-mcpauth/mcpauth/examples/internal/testop"
)

// The suite's client and scopes at the OpenID provider.
const (
	ClientID      = "mcp-e2e-client"
	ClientSecret  = "e2e-secret"
	ClientSubject = "service-account-e2e"
	// The second client, another user of the same resource.
	OtherClientID      = "mcp-e2e-other-client"
	OtherClientSubject = "service-account-other"
	RequiredScope      = "mcp:tools"
	OtherScope         = "profile:read"
)

// timeout bounds every network step of the suite.
const timeout = 10 * time.Second

// Serve starts a's framework with serve until the test ends.
func Serve(t *testing.T, a *app.App, serve app.ServeFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, a) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-errc:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(timeout):
			t.Error("serve did not return after cancellation")
		}
		a.Close()
	})
}

// Start builds the example app on a loopback listener and serves it with
// serve until the test ends. cfg.Addr is ignored.
func Start(t *testing.T, cfg app.Config, opts app.Options, serve app.ServeFunc) *app.App {
	t.Helper()
	ln := listenLoopback(t)
	opts.Listener = ln
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	a, err := app.Start(context.Background(), cfg, opts)
	if err != nil {
		_ = ln.Close()
		t.Fatalf("app.Start: %v", err)
	}
	Serve(t, a, serve)
	return a
}

// Identity is the whoami tool's answer: the caller's AuthInfo as JSON.
type Identity struct {
	Issuer    string         `json:"issuer"`
	ClientID  string         `json:"client_id"`
	Subject   string         `json:"subject"`
	Scopes    []string       `json:"scopes"`
	Audience  []string       `json:"audience"`
	ExpiresAt time.Time      `json:"expires_at"`
	Claims    map[string]any `json:"claims"`
}

// bearerTransport adds "Authorization: Bearer token" to every request.
type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// SwapTransport adds "Authorization: Bearer" and the current token to every
// request; a test changes the token between calls, as a client that
// refreshes its token does.
type SwapTransport struct{ token atomic.Pointer[string] }

// Set makes tok the token of the next requests.
func (s *SwapTransport) Set(tok string) { s.token.Store(&tok) }

// RoundTrip implements http.RoundTripper.
func (s *SwapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+*s.token.Load())
	return http.DefaultTransport.RoundTrip(r)
}

// Connect opens an MCP client session to url with token, through the
// official SDK client over streamable HTTP.
func Connect(t *testing.T, url, token string) (*mcp.ClientSession, error) {
	t.Helper()
	return connect(t, url, bearerTransport{token}, "")
}

// SessionProtocol is the last MCP protocol version with sessions
// (2026-07-28 has none): clients that want a stateful session ask for it.
const SessionProtocol = "2025-11-25"

// ConnectWith is Connect with a token the test can change and the protocol
// version to ask for ("" for the SDK's latest).
func ConnectWith(t *testing.T, url string, tr *SwapTransport, protocolVersion string) (*mcp.ClientSession, error) {
	t.Helper()
	return connect(t, url, tr, protocolVersion)
}

func connect(t *testing.T, url string, tr http.RoundTripper, protocolVersion string) (*mcp.ClientSession, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e-client", Version: "v0.0.1"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:             url,
		HTTPClient:           &http.Client{Transport: tr, Timeout: timeout},
		DisableStandaloneSSE: true, // no GET stream: the tests only call tools
		MaxRetries:           -1,
	}, &mcp.ClientSessionOptions{ProtocolVersion: protocolVersion})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs, nil
}

// CallTool calls a tool and returns its one text content; a tool error is
// returned as an error holding that text.
func CallTool(t *testing.T, cs *mcp.ClientSession, name string, args any) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return "", err
	}
	if len(res.Content) != 1 {
		return "", fmt.Errorf("%s: %d contents, want 1", name, len(res.Content))
	}
	text, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		return "", fmt.Errorf("%s: content is %T, want text", name, res.Content[0])
	}
	if res.IsError {
		return "", errors.New(text.Text)
	}
	return text.Text, nil
}

// Whoami connects with token and calls whoami.
func Whoami(t *testing.T, url, token string) (Identity, error) {
	t.Helper()
	cs, err := Connect(t, url, token)
	if err != nil {
		return Identity{}, err
	}
	return WhoamiOn(t, cs, token)
}

// whoamiOn calls whoami on cs and fails the test on an error.
func whoamiOn(t *testing.T, cs *mcp.ClientSession) Identity {
	t.Helper()
	id, err := WhoamiOn(t, cs, "")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// WhoamiOn calls whoami on an open session; the answer must not contain
// token (when not empty).
func WhoamiOn(t *testing.T, cs *mcp.ClientSession, token string) (Identity, error) {
	t.Helper()
	text, err := CallTool(t, cs, "whoami", nil)
	if err != nil {
		return Identity{}, err
	}
	if token != "" && strings.Contains(text, token) {
		return Identity{}, errors.New("whoami returned the raw token")
	}
	var id Identity
	if err := json.Unmarshal([]byte(text), &id); err != nil {
		return Identity{}, fmt.Errorf("whoami answer %q: %w", text, err)
	}
	return id, nil
}

// Response is an HTTP answer, read in full.
type Response struct {
	StatusCode int
	Header     http.Header
}

// Post sends a tools/call for whoami as a plain HTTP request with the given
// Authorization header (none if empty), as an MCP client's first request.
func Post(t *testing.T, url, authorization string) (Response, []byte) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

// PostSession sends a tools/call for whoami on an MCP session.
func PostSession(t *testing.T, url, authorization, session, protocolVersion string) (Response, []byte) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", authorization)
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Mcp-Session-Id", session)
	req.Header.Set("Mcp-Protocol-Version", protocolVersion)
	return do(t, req)
}

// Get sends a GET request to url.
func Get(t *testing.T, url string) (Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (Response, []byte) {
	t.Helper()
	resp, err := (&http.Client{Timeout: timeout}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{StatusCode: resp.StatusCode, Header: resp.Header}, b
}

// listenLoopback listens on a free port of 127.0.0.1.
func listenLoopback(t *testing.T) net.Listener {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

var authParam = regexp.MustCompile(`([A-Za-z_]+)="((?:[^"\\]|\\.)*)"`)

// ChallengeParams parses the parameters of a Bearer WWW-Authenticate value.
func ChallengeParams(h string) map[string]string {
	if !strings.HasPrefix(h, "Bearer") {
		return nil
	}
	params := map[string]string{}
	for _, m := range authParam.FindAllStringSubmatch(h, -1) {
		params[m[1]] = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
	}
	return params
}

// KeyID returns the "kid" of a JWT's header.
func KeyID(t *testing.T, jwt string) string {
	t.Helper()
	head, _, _ := strings.Cut(jwt, ".")
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		t.Fatalf("JWT header: %v", err)
	}
	var h struct {
		KID string `json:"kid"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatalf("JWT header: %v", err)
	}
	return h.KID
}

// Provider is a running OpenID provider with the suite's client registered
// for resource.
type Provider struct {
	*testop.Provider
	tokenURL string
}

// StartProvider starts a real OpenID provider for resource and discovers its
// token endpoint the way a resource server does (mcpauth.FetchServerConfig).
func StartProvider(t *testing.T, resource string) *Provider {
	t.Helper()
	op, err := testop.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(op.Close)
	op.AddClient(testop.Client{
		ID: ClientID, Secret: ClientSecret, Subject: ClientSubject,
		Audience: []string{resource},
		Scopes:   []string{RequiredScope, OtherScope},
	})
	op.AddClient(testop.Client{
		ID: OtherClientID, Secret: ClientSecret, Subject: OtherClientSubject,
		Audience: []string{resource},
		Scopes:   []string{RequiredScope},
	})
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	as, err := mcpauth.FetchServerConfig(ctx, op.Issuer, mcpauth.OIDC)
	if err != nil {
		t.Fatalf("discover the provider: %v", err)
	}
	// The provider must offer MCP clients the code flow with PKCE S256;
	// how clients register is not exercised here.
	v := inspect.ServerMetadata(*as.Metadata)
	for _, w := range v.Warnings {
		if w.Code != inspect.DynamicRegistrationMissing && w.Code != inspect.ClientIDMetadataDocumentMissing {
			v.Errors = append(v.Errors, w)
		}
	}
	if len(v.Errors) > 0 {
		t.Fatalf("the provider does not meet the MCP requirements: %+v", v.Errors)
	}
	return &Provider{Provider: op, tokenURL: as.Metadata.TokenEndpoint}
}

// Token gets an access token from the provider with the client_credentials
// grant, for the given scopes (all of the client's when none).
func (p *Provider) Token(t *testing.T, scopes ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cc := clientcredentials.Config{ClientID: ClientID, ClientSecret: ClientSecret, TokenURL: p.tokenURL, Scopes: scopes}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatalf("client_credentials token: %v", err)
	}
	return tok.AccessToken
}

// Modes are the two session modes every example runs in: the value of
// MCP_STATELESS for each.
var Modes = []struct {
	Name      string
	Stateless string
}{{"stateless", "true"}, {"stateful", "false"}}

// OtherUserToken gets a token of the second client (another subject) with
// the required scope.
func (p *Provider) OtherUserToken(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cc := clientcredentials.Config{ClientID: OtherClientID, ClientSecret: ClientSecret, TokenURL: p.tokenURL, Scopes: []string{RequiredScope}}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatalf("client_credentials token: %v", err)
	}
	return tok.AccessToken
}

// Run is the end-to-end suite of one example: its server, configured as
// from the environment with a real OpenID provider as MCP_AUTH_ISSUER and
// RequiredScope as MCP_REQUIRED_SCOPES, once stateless and once stateful
// (MCP_STATELESS=false).
func Run(t *testing.T, name string, serve app.ServeFunc) {
	RunOptions(t, app.Options{Name: name}, serve)
}

// RunOptions is [Run] for an example with its own app.Options.
func RunOptions(t *testing.T, opts app.Options, serve app.ServeFunc) {
	for _, m := range Modes {
		t.Run(m.Name, func(t *testing.T) { run(t, opts, serve, m.Stateless) })
	}
}

func run(t *testing.T, opts app.Options, serve app.ServeFunc, stateless string) {
	ln := listenLoopback(t)
	resource := "http://" + ln.Addr().String() + app.MCPPath
	op := StartProvider(t, resource)
	cfg, err := app.ConfigFromEnv(env(map[string]string{
		app.EnvIssuer:         op.Issuer,
		app.EnvResource:       resource,
		app.EnvRequiredScopes: RequiredScope,
		app.EnvStateless:      stateless,
	}))
	if err != nil {
		t.Fatal(err)
	}
	opts.Listener, opts.Logger = ln, slog.New(slog.DiscardHandler)
	a, err := app.Start(context.Background(), cfg, opts)
	if err != nil {
		_ = ln.Close()
		t.Fatal(err)
	}
	Serve(t, a, serve)

	t.Run("whoami follows the caller", func(t *testing.T) {
		// One client session (stateful: one MCP session, on the last
		// protocol version that has them), three tokens.
		tr := &SwapTransport{}
		tr.Set(op.Token(t))
		protocol := ""
		if !cfg.Stateless {
			protocol = SessionProtocol
		}
		cs, err := ConnectWith(t, resource, tr, protocol)
		if err != nil {
			t.Fatal(err)
		}
		if stateful := !cfg.Stateless; stateful != (cs.ID() != "") {
			t.Fatalf("session id %q with MCP_STATELESS=%s", cs.ID(), stateless)
		}
		first := whoamiOn(t, cs)
		// The client refreshes its token: a new jti, fewer scopes.
		tr.Set(op.Token(t, RequiredScope))
		second := whoamiOn(t, cs)
		if first.Claims["jti"] == second.Claims["jti"] || !slices.Equal(second.Scopes, []string{RequiredScope}) {
			t.Errorf("after the refresh whoami shows jti %v scopes %q; before: jti %v scopes %q", second.Claims["jti"], second.Scopes, first.Claims["jti"], first.Scopes)
		}
		if cfg.Stateless {
			return
		}
		// Another user's token on this session: refused (the official
		// SDK answers 403, the mcp-go bridge 404), never answered as the
		// session's user.
		other := op.OtherUserToken(t)
		resp, body := PostSession(t, resource, "Bearer "+other, cs.ID(), cs.InitializeResult().ProtocolVersion)
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("another user on the session: status %d, want 403 or 404: %s", resp.StatusCode, body)
		}
		if strings.Contains(string(body), ClientSubject) {
			t.Errorf("another user on the session got the session user's identity: %s", body)
		}
		// The session still serves its user.
		if id := whoamiOn(t, cs); id.Subject != ClientSubject {
			t.Errorf("after the refused attempt whoami = %q", id.Subject)
		}
	})

	t.Run("whoami", func(t *testing.T) {
		tok := op.Token(t)
		id, err := Whoami(t, resource, tok)
		if err != nil {
			t.Fatal(err)
		}
		if id.Subject != ClientSubject || id.Issuer != op.Issuer || id.ClientID != ClientID {
			t.Errorf("whoami = subject %q issuer %q client %q; want %q %q %q", id.Subject, id.Issuer, id.ClientID, ClientSubject, op.Issuer, ClientID)
		}
		if !slices.Equal(id.Audience, []string{resource}) {
			t.Errorf("audience = %q, want [%s]", id.Audience, resource)
		}
		if !slices.Contains(id.Scopes, RequiredScope) {
			t.Errorf("scopes = %q, want %s among them", id.Scopes, RequiredScope)
		}
		if d := time.Until(id.ExpiresAt); d <= 0 || d > testop.DefaultTokenLifetime+time.Minute {
			t.Errorf("expires_at = %v, want about %v from now", id.ExpiresAt, testop.DefaultTokenLifetime)
		}
		if id.Claims["jti"] == nil || id.Claims["sub"] != ClientSubject {
			t.Errorf("claims = %v", id.Claims)
		}
	})

	t.Run("insufficient scope", func(t *testing.T) {
		resp, body := Post(t, resource, "Bearer "+op.Token(t, OtherScope))
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403: %s", resp.StatusCode, body)
		}
		ch := ChallengeParams(resp.Header.Get("WWW-Authenticate"))
		if ch["error"] != "insufficient_scope" || ch["scope"] != RequiredScope || ch["resource_metadata"] != a.MetadataURL() {
			t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
		}
		var b struct {
			Error         string   `json:"error"`
			MissingScopes []string `json:"missing_scopes"`
		}
		if err := json.Unmarshal(body, &b); err != nil || b.Error != string(mcpauth.CodeMissingRequiredScopes) || !slices.Equal(b.MissingScopes, []string{RequiredScope}) {
			t.Errorf("body = %s", body)
		}
		// The SDK client gets the same refusal.
		if _, err := Whoami(t, resource, op.Token(t, OtherScope)); err == nil {
			t.Error("whoami succeeded without the required scope")
		}
	})

	t.Run("no token leads to the provider", func(t *testing.T) {
		resp, body := Post(t, resource, "")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401: %s", resp.StatusCode, body)
		}
		ch := ChallengeParams(resp.Header.Get("WWW-Authenticate"))
		if _, ok := ch["error"]; ok {
			t.Errorf("challenge without credentials has an error: %q", resp.Header.Get("WWW-Authenticate"))
		}
		// What an MCP client does next: GET the resource_metadata URL.
		resp, body = Get(t, ch["resource_metadata"])
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", ch["resource_metadata"], resp.StatusCode, body)
		}
		var md struct {
			Resource             string   `json:"resource"`
			AuthorizationServers []string `json:"authorization_servers"`
			ScopesSupported      []string `json:"scopes_supported"`
		}
		if err := json.Unmarshal(body, &md); err != nil {
			t.Fatal(err)
		}
		if md.Resource != resource || !slices.Equal(md.AuthorizationServers, []string{op.Issuer}) || !slices.Contains(md.ScopesSupported, RequiredScope) {
			t.Errorf("metadata = %s; want resource %s and authorization_servers [%s]", body, resource, op.Issuer)
		}
	})

	t.Run("key rotation", func(t *testing.T) {
		oldKID := op.SigningKeyID()
		oldTok := op.Token(t)
		if _, err := Whoami(t, resource, oldTok); err != nil {
			t.Fatalf("old-key token before the rotation: %v", err)
		}
		newKID, err := op.RotateKey()
		if err != nil {
			t.Fatal(err)
		}
		newTok := op.Token(t)
		if KeyID(t, oldTok) != oldKID || KeyID(t, newTok) != newKID || oldKID == newKID {
			t.Fatalf("kids: old token %q, new token %q; keys %q → %q", KeyID(t, oldTok), KeyID(t, newTok), oldKID, newKID)
		}
		// The server has never seen newKID: it refreshes the JWKS at once.
		if id, err := Whoami(t, resource, newTok); err != nil || id.Subject != ClientSubject {
			t.Fatalf("new-key token right after the rotation: %+v, %v", id, err)
		}
		// The old key is still published and cached: its tokens still work.
		if _, err := Whoami(t, resource, oldTok); err != nil {
			t.Fatalf("old-key token after the rotation: %v", err)
		}
	})
}

// env returns a getenv function over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// RunDev checks that the example starts with no configuration: a
// development issuer, a printed token and curl command, and whoami answering
// for DevSubject through the SDK client.
func RunDev(t *testing.T, opts app.Options, serve app.ServeFunc) *app.App {
	t.Helper()
	cfg, err := app.ConfigFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	a := Start(t, cfg, opts, serve)
	if a.Dev == nil || a.DevToken == "" {
		t.Fatal("no development issuer without MCP_AUTH_ISSUER")
	}
	var banner strings.Builder
	a.PrintBanner(&banner)
	if !strings.Contains(banner.String(), a.DevToken) || !strings.Contains(banner.String(), "curl -sS "+a.LocalURL()) {
		t.Errorf("banner has no token or curl command:\n%s", banner.String())
	}
	id, err := Whoami(t, a.LocalURL(), a.DevToken)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != app.DevSubject || id.Issuer != a.Dev.URL() || !slices.Equal(id.Audience, []string{a.Resource}) {
		t.Errorf("whoami = %+v", id)
	}
	if d := time.Until(id.ExpiresAt); d < app.DevTokenLifetime-time.Minute || d > app.DevTokenLifetime {
		t.Errorf("dev token expires in %v, want about %v", d, app.DevTokenLifetime)
	}
	bigToken(t, a)

	t.Run("stateful", func(t *testing.T) {
		cfg, err := app.ConfigFromEnv(env(map[string]string{app.EnvStateless: "false"}))
		if err != nil {
			t.Fatal(err)
		}
		b := Start(t, cfg, opts, serve)
		var banner strings.Builder
		b.PrintBanner(&banner)
		if !strings.Contains(banner.String(), `"method":"initialize"`) || !strings.Contains(banner.String(), "Mcp-Session-Id: <id>") {
			t.Errorf("stateful banner does not explain sessions:\n%s", banner.String())
		}
		tr := &SwapTransport{}
		tr.Set(b.DevToken)
		cs, err := ConnectWith(t, b.LocalURL(), tr, SessionProtocol)
		if err != nil {
			t.Fatal(err)
		}
		if cs.ID() == "" {
			t.Error("no session id with MCP_STATELESS=false")
		}
		if id, err := WhoamiOn(t, cs, b.DevToken); err != nil || id.Subject != app.DevSubject {
			t.Errorf("whoami = %+v, %v", id, err)
		}
	})
	return a
}

// BigTokenBytes is the size of the big token every example must accept: 12
// KiB, well past fasthttp's default 4 KiB header buffer (an Entra ID token
// with group claims is commonly 4 to 8 KB) and within core's 16 KiB limit.
const BigTokenBytes = 12 << 10

// bigToken checks that a valid token of BigTokenBytes, minted by the
// development issuer, reaches the whoami tool through the example's
// framework.
func bigToken(t *testing.T, a *app.App) {
	t.Helper()
	claims := map[string]any{"sub": app.DevSubject, "client_id": "dev-client", "aud": a.Audience}
	if len(a.Config.RequiredScopes) > 0 {
		claims["scope"] = strings.Join(a.Config.RequiredScopes, " ")
	}
	tok := a.Dev.MustTokenOfSize(t, claims, BigTokenBytes)
	id, err := Whoami(t, a.LocalURL(), tok)
	if err != nil {
		t.Fatalf("whoami with a %d-byte token: %v", len(tok), err)
	}
	if id.Subject != app.DevSubject {
		t.Errorf("whoami with a %d-byte token: subject %q", len(tok), id.Subject)
	}
}
