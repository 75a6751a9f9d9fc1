package mcpmcpgo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpmcpgo "github.com/go-mcpauth/mcpauth/adapters/mcpgo"
)

// legacyProtocol keeps mcp-go's client on the initialize handshake, whose
// sessions are what the stateful tests are about; without it the client
// negotiates protocol 2026-07-28, which has no sessions.
const legacyProtocol = "2025-11-25"

// seen is what the test handlers report about their caller.
type seen struct {
	HasCtxInfo bool   `json:"has_ctx_info"`
	Subject    string `json:"subject"`
	JTI        string `json:"jti"`
	Scopes     string `json:"scopes"`
	SessionID  string `json:"session_id"` // mcp-go's own session id, as the handler sees it
}

func (s seen) caller() string {
	if !s.HasCtxInfo {
		return ""
	}
	return s.Subject + "/" + s.JTI + "/" + s.Scopes
}

func report(ctx context.Context) seen {
	var s seen
	if info, ok := mcpauth.AuthInfoFromContext(ctx); ok {
		jti, _ := info.Claims["jti"].(string)
		s = seen{HasCtxInfo: true, Subject: info.Subject, JTI: jti, Scopes: strings.Join(info.Scopes, " ")}
	}
	if cs := server.ClientSessionFromContext(ctx); cs != nil {
		s.SessionID = cs.SessionID()
	}
	return s
}

func reportJSON(ctx context.Context) string {
	b, _ := json.Marshal(report(ctx))
	return string(b)
}

// stack is an mcp-go server on 127.0.0.1 behind core's bearer middleware and
// the bridge.
type stack struct {
	iss      *mcpauthtest.Issuer
	url      string
	resource string
	calls    atomic.Int32 // whoami runs
}

type stackOptions struct {
	mode       string // "stateful", "stateless" or "default" (mcp-go's default session ids)
	bridgeOpts []mcpmcpgo.Option
	noBearer   bool
	optional   bool
	iss        *mcpauthtest.Issuer // share an issuer between stacks
	streamOpts []server.StreamableHTTPOption
}

func newStack(t *testing.T, o stackOptions) *stack {
	t.Helper()
	st := &stack{iss: o.iss}
	if st.iss == nil {
		st.iss = mcpauthtest.MustNewIssuer(t)
	}
	srv := httptest.NewUnstartedServer(nil)
	st.url = "http://" + srv.Listener.Addr().String() + "/mcp"
	st.resource = "https://mcp.example.com/mcp" // the same for every stack: replicas

	a, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource:             st.resource,
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(st.iss.URL(), mcpauth.OIDC)},
		}},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := a.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: st.resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}

	s := server.NewMCPServer("test", "0.0.1", server.WithResourceCapabilities(false, false), server.WithPromptCapabilities(false))
	s.AddTool(mcp.NewTool("whoami", mcp.WithDescription("who is calling")), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		st.calls.Add(1)
		return mcp.NewToolResultText(reportJSON(ctx)), nil
	})
	s.AddResource(mcp.NewResource("test://caller", "caller"), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, Text: reportJSON(ctx)}}, nil
	})
	s.AddPrompt(mcp.NewPrompt("caller"), func(ctx context.Context, _ mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return &mcp.GetPromptResult{Messages: []mcp.PromptMessage{{Role: mcp.RoleUser, Content: mcp.NewTextContent(reportJSON(ctx))}}}, nil
	})
	var opts []server.StreamableHTTPOption
	switch o.mode {
	case "stateful":
		opts = append(opts, server.WithStateful(true))
	case "stateless":
		opts = append(opts, server.WithStateLess(true))
	}
	opts = append(opts, o.streamOpts...)
	h := mcpmcpgo.Handler(server.NewStreamableHTTPServer(s, opts...),
		append([]mcpmcpgo.Option{mcpmcpgo.WithLogger(slog.New(slog.DiscardHandler))}, o.bridgeOpts...)...)
	switch {
	case o.noBearer:
	case o.optional:
		h = bearer.Middleware(mcpauth.Optional())(h)
	default:
		h = bearer.Middleware()(h)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return st
}

// token mints a token for the stack's resource; extra claims override.
func (st *stack) token(t *testing.T, sub, jti, scope string) string {
	t.Helper()
	return st.iss.MustToken(t, map[string]any{"sub": sub, "jti": jti, "scope": scope, "aud": st.resource})
}

// swapTransport sends the current token; tests change it between calls.
type swapTransport struct{ token atomic.Pointer[string] }

func (s *swapTransport) set(tok string) { s.token.Store(&tok) }

func (s *swapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if tok := s.token.Load(); tok != nil && *tok != "" {
		r.Header.Set("Authorization", "Bearer "+*tok)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// mcpClient is an mcp-go client session whose token the test can change.
type mcpClient struct {
	*client.Client
	tr        *swapTransport
	transport *transport.StreamableHTTP
}

// connect starts an mcp-go client with token and initializes it; session
// joins an existing session id instead of initializing.
func connect(t *testing.T, url, token, protocol, session string) (*mcpClient, error) {
	t.Helper()
	tr := &swapTransport{}
	tr.set(token)
	topts := []transport.StreamableHTTPCOption{transport.WithHTTPBasicClient(&http.Client{Transport: tr, Timeout: 10 * time.Second})}
	var copts []client.ClientOption
	if protocol != "" {
		copts = append(copts, client.WithProtocolVersion(protocol))
	}
	if session != "" {
		topts = append(topts, transport.WithSession(session))
		copts = append(copts, client.WithSession())
	}
	trans, err := transport.NewStreamableHTTP(url, topts...)
	if err != nil {
		return nil, err
	}
	c := client.NewClient(trans, copts...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = c.Close() })
	if session == "" {
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = protocol
		req.Params.ClientInfo = mcp.Implementation{Name: "test-client", Version: "0.0.1"}
		if _, err := c.Initialize(ctx, req); err != nil {
			return nil, err
		}
	}
	return &mcpClient{Client: c, tr: tr, transport: trans}, nil
}

func mustConnect(t *testing.T, url, token, protocol string) *mcpClient {
	t.Helper()
	c, err := connect(t, url, token, protocol, "")
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return c
}

// whoami calls the whoami tool and decodes its report.
func (c *mcpClient) whoami() (seen, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = "whoami"
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return seen{}, err
	}
	if res.IsError || len(res.Content) != 1 {
		return seen{}, fmt.Errorf("whoami result: %+v", res)
	}
	text, ok := res.Content[0].(mcp.TextContent)
	if !ok {
		return seen{}, fmt.Errorf("content is %T", res.Content[0])
	}
	var s seen
	if err := json.Unmarshal([]byte(text.Text), &s); err != nil {
		return seen{}, fmt.Errorf("decode %q: %w", text.Text, err)
	}
	return s, nil
}

// post sends a raw tools/call with token and session id.
func post(t *testing.T, url, token, session string) mcpauthtest.Response {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", legacyProtocol)
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
	}
	return mcpauthtest.Do(t, req)
}

// TestContextFollowsRequest is the story of the issue with mcp-go's own
// client: alice initializes, calls with a refreshed token (new jti, other
// scopes), bob tries alice's session; the tool's ctx always holds the caller
// of the request being served, and bob never reaches alice's session.
func TestContextFollowsRequest(t *testing.T) {
	for _, mode := range []string{"stateful", "default", "stateless"} {
		t.Run(mode, func(t *testing.T) {
			st := newStack(t, stackOptions{mode: mode})
			alice1 := st.token(t, "alice", "alice-1", "read")
			alice2 := st.token(t, "alice", "alice-2", "read write")
			bob := st.token(t, "bob", "bob-1", "read")

			alice := mustConnect(t, st.url, alice1, legacyProtocol)
			sealed := alice.transport.GetSessionId()
			if mode == "stateless" {
				if sealed != "" {
					t.Fatalf("stateless server gave session id %q", sealed)
				}
			} else if !strings.Contains(sealed, ".") {
				t.Fatalf("session id %q is not sealed by the bridge", sealed)
			}
			check := func(step, want string) {
				t.Helper()
				s, err := alice.whoami()
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				if s.caller() != want {
					t.Errorf("%s: ctx caller %q, want %q", step, s.caller(), want)
				}
				// mcp-go sees its own id, without the bridge's MAC.
				if sealed != "" && (s.SessionID == "" || !strings.HasPrefix(sealed, s.SessionID+".")) {
					t.Errorf("%s: mcp-go's session id %q, client's %q", step, s.SessionID, sealed)
				}
			}
			check("alice", "alice/alice-1/read")
			alice.tr.set(alice2)
			check("alice refreshed", "alice/alice-2/read write")

			if mode == "stateless" {
				// No session to take over: bob's requests are his own.
				b := mustConnect(t, st.url, bob, legacyProtocol)
				if s, err := b.whoami(); err != nil || s.caller() != "bob/bob-1/read" {
					t.Errorf("bob: %q, %v", s.caller(), err)
				}
				return
			}

			// bob with alice's session id, through mcp-go's client.
			before := st.calls.Load()
			b, err := connect(t, st.url, bob, legacyProtocol, sealed)
			if err != nil {
				t.Fatal(err)
			}
			if s, err := b.whoami(); err == nil {
				t.Errorf("bob on alice's session: answered, ctx caller %q", s.caller())
			} else if !errors.Is(err, transport.ErrSessionTerminated) {
				t.Errorf("bob on alice's session: %v, want 404 (session terminated)", err)
			}
			// The same as raw HTTP, a DELETE too: 404, nothing about alice.
			if r := post(t, st.url, bob, sealed); r.Status != http.StatusNotFound || strings.Contains(string(r.Body), "alice") {
				t.Errorf("bob's POST on alice's session: %d %s", r.Status, r.Body)
			}
			get, _ := http.NewRequest(http.MethodGet, st.url, nil) // the session's event stream
			get.Header.Set("Authorization", "Bearer "+bob)
			get.Header.Set("Accept", "text/event-stream")
			get.Header.Set("Mcp-Protocol-Version", legacyProtocol)
			get.Header.Set("Mcp-Session-Id", sealed)
			if r := mcpauthtest.Do(t, get); r.Status != http.StatusNotFound {
				t.Errorf("bob's GET stream of alice's session: %d %s", r.Status, r.Body)
			}
			del, _ := http.NewRequest(http.MethodDelete, st.url, nil)
			del.Header.Set("Authorization", "Bearer "+bob)
			del.Header.Set("Mcp-Session-Id", sealed)
			if r := mcpauthtest.Do(t, del); r.Status != http.StatusNotFound {
				t.Errorf("bob's DELETE of alice's session: %d %s", r.Status, r.Body)
			}
			// bob with mcp-go's own id (what the bridge strips): not a
			// session id the bridge handed out.
			inner, _, _ := strings.Cut(sealed, ".")
			if r := post(t, st.url, bob, inner); r.Status != http.StatusNotFound {
				t.Errorf("bob with the unsealed id: %d %s", r.Status, r.Body)
			}
			if n := st.calls.Load() - before; n != 0 {
				t.Errorf("the tool ran %d times for bob on alice's session", n)
			}
			// alice's session survived bob's attempts.
			check("alice after bob", "alice/alice-2/read write")
		})
	}
}

// TestContextInEveryHandler: resources and prompts read the current caller
// from ctx too, on a stateful session whose token changes.
func TestContextInEveryHandler(t *testing.T) {
	st := newStack(t, stackOptions{mode: "stateful"})
	c := mustConnect(t, st.url, st.token(t, "alice", "a-1", "read"), legacyProtocol)
	for _, jti := range []string{"a-2", "a-3"} {
		c.tr.set(st.token(t, "alice", jti, "read"))
		want := "alice/" + jti + "/read"

		rr := mcp.ReadResourceRequest{}
		rr.Params.URI = "test://caller"
		res, err := c.ReadResource(t.Context(), rr)
		if err != nil {
			t.Fatal(err)
		}
		var s seen
		if err := json.Unmarshal([]byte(res.Contents[0].(mcp.TextResourceContents).Text), &s); err != nil || s.caller() != want {
			t.Errorf("resource handler: %q, %v; want %q", s.caller(), err, want)
		}

		pr := mcp.GetPromptRequest{}
		pr.Params.Name = "caller"
		p, err := c.GetPrompt(t.Context(), pr)
		if err != nil {
			t.Fatal(err)
		}
		s = seen{}
		if err := json.Unmarshal([]byte(p.Messages[0].Content.(mcp.TextContent).Text), &s); err != nil || s.caller() != want {
			t.Errorf("prompt handler: %q, %v; want %q", s.caller(), err, want)
		}
	}
}

// TestConcurrentSessions: sessions of different users, each refreshing its
// token on every call, side by side (run with -race).
func TestConcurrentSessions(t *testing.T) {
	for _, mode := range []string{"stateful", "stateless"} {
		t.Run(mode, func(t *testing.T) {
			st := newStack(t, stackOptions{mode: mode})
			const users, calls = 6, 8
			clients := make([]*mcpClient, users)
			tokens := make([][]string, users)
			for u := range users {
				sub := fmt.Sprintf("user-%d", u)
				for i := range calls {
					tokens[u] = append(tokens[u], st.token(t, sub, fmt.Sprintf("%s-%d", sub, i), "read"))
				}
				clients[u] = mustConnect(t, st.url, tokens[u][0], legacyProtocol)
			}
			mcpauthtest.Concurrently(t, users, calls, func(u, i int) error {
				clients[u].tr.set(tokens[u][i])
				s, err := clients[u].whoami()
				if err != nil {
					return fmt.Errorf("user %d call %d: %w", u, i, err)
				}
				if want := fmt.Sprintf("user-%d/user-%d-%d/read", u, u, i); s.caller() != want {
					return fmt.Errorf("user %d call %d: ctx caller %q, want %q", u, i, s.caller(), want)
				}
				return nil
			})
		})
	}
}

// TestModernProtocol: mcp-go's client on protocol 2026-07-28 (no sessions)
// reads its caller the same way.
func TestModernProtocol(t *testing.T) {
	for _, mode := range []string{"stateful", "stateless"} {
		t.Run(mode, func(t *testing.T) {
			st := newStack(t, stackOptions{mode: mode})
			c := mustConnect(t, st.url, st.token(t, "alice", "m-1", "read"), "")
			c.tr.set(st.token(t, "alice", "m-2", "read"))
			if s, err := c.whoami(); err != nil || s.caller() != "alice/m-2/read" {
				t.Errorf("whoami: %q, %v", s.caller(), err)
			}
		})
	}
}

// TestSessionIDs: what the bridge accepts as a session id.
func TestSessionIDs(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	key := []byte(strings.Repeat("k", mcpmcpgo.MinSessionKeyLen))
	a := newStack(t, stackOptions{mode: "default", iss: iss, bridgeOpts: []mcpmcpgo.Option{mcpmcpgo.WithSessionKey(key)}})
	replica := newStack(t, stackOptions{mode: "default", iss: iss, bridgeOpts: []mcpmcpgo.Option{mcpmcpgo.WithSessionKey(key)}})
	other := newStack(t, stackOptions{mode: "default", iss: iss}) // its own random key
	alice := a.token(t, "alice", "alice-1", "read")
	sealed := mustConnect(t, a.url, alice, legacyProtocol).transport.GetSessionId()
	inner, mac, _ := strings.Cut(sealed, ".")
	flipped := []byte(mac)
	flipped[0] ^= 1
	if flipped[0] == '.' {
		flipped[0] = 'A'
	}

	tests := []struct {
		name    string
		url     string
		session string
		status  int
	}{
		{"the sealed id", a.url, sealed, http.StatusOK},
		{"a replica sharing the key", replica.url, sealed, http.StatusOK},
		{"a replica with another key", other.url, sealed, http.StatusNotFound},
		{"the unsealed id", a.url, inner, http.StatusNotFound},
		{"tampered MAC", a.url, inner + "." + string(flipped), http.StatusNotFound},
		{"truncated MAC", a.url, sealed[:len(sealed)-2], http.StatusNotFound},
		{"MAC of another id", a.url, "x" + sealed, http.StatusNotFound},
		{"empty id before the MAC", a.url, "." + mac, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := post(t, tc.url, alice, tc.session); r.Status != tc.status {
				t.Errorf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
		})
	}

	t.Run("two session headers", func(t *testing.T) {
		body := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
		req, _ := http.NewRequest(http.MethodPost, a.url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+alice)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Add("Mcp-Session-Id", sealed)
		req.Header.Add("Mcp-Session-Id", sealed)
		if r := mcpauthtest.Do(t, req); r.Status != http.StatusNotFound {
			t.Errorf("status %d: %s", r.Status, r.Body)
		}
	})

	t.Run("same subject, other issuer", func(t *testing.T) {
		// Another issuer trusted by another stack sharing the key: its alice
		// is not this alice.
		iss2 := mcpauthtest.MustNewIssuer(t)
		b := newStack(t, stackOptions{mode: "default", iss: iss2, bridgeOpts: []mcpmcpgo.Option{mcpmcpgo.WithSessionKey(key)}})
		if r := post(t, b.url, b.token(t, "alice", "x", "read"), sealed); r.Status != http.StatusNotFound {
			t.Errorf("status %d: %s", r.Status, r.Body)
		}
	})
}

// TestWithoutAuthInfo: the bridge refuses what no bearer middleware
// authenticated, unless AllowAnonymous; anonymous sessions are not
// authenticated users' and the reverse.
func TestWithoutAuthInfo(t *testing.T) {
	t.Run("no middleware", func(t *testing.T) {
		st := newStack(t, stackOptions{mode: "stateless", noBearer: true})
		if r := post(t, st.url, "", ""); r.Status != http.StatusInternalServerError {
			t.Errorf("status %d: %s", r.Status, r.Body)
		}
		if n := st.calls.Load(); n != 0 {
			t.Errorf("tool ran %d times", n)
		}
	})
	t.Run("CORS preflight reaches mcp-go", func(t *testing.T) {
		st := newStack(t, stackOptions{mode: "stateful", noBearer: true, streamOpts: []server.StreamableHTTPOption{
			server.WithStreamableHTTPCORS(server.WithCORSAllowedOrigins("https://app.example.com")),
		}})
		req, _ := http.NewRequest(http.MethodOptions, st.url, nil)
		req.Header.Set("Origin", "https://app.example.com")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, mcp-session-id")
		r := mcpauthtest.Do(t, req)
		if r.Status >= 300 || r.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Errorf("preflight: %d %v %s", r.Status, r.Header, r.Body)
		}
		// A plain OPTIONS is no preflight: the bridge still wants a caller.
		req, _ = http.NewRequest(http.MethodOptions, st.url, nil)
		if r := mcpauthtest.Do(t, req); r.Status != http.StatusInternalServerError {
			t.Errorf("OPTIONS without Access-Control-Request-Method: %d", r.Status)
		}
	})
	t.Run("optional middleware", func(t *testing.T) {
		st := newStack(t, stackOptions{mode: "stateful", optional: true, bridgeOpts: []mcpmcpgo.Option{mcpmcpgo.AllowAnonymous()}})
		anon := mustConnect(t, st.url, "", legacyProtocol)
		if s, err := anon.whoami(); err != nil || s.HasCtxInfo {
			t.Errorf("anonymous whoami: %+v, %v", s, err)
		}
		alice := st.token(t, "alice", "a", "read")
		if r := post(t, st.url, alice, anon.transport.GetSessionId()); r.Status != http.StatusNotFound {
			t.Errorf("alice on the anonymous session: %d %s", r.Status, r.Body)
		}
		aliceSession := mustConnect(t, st.url, alice, legacyProtocol).transport.GetSessionId()
		if r := post(t, st.url, "", aliceSession); r.Status != http.StatusNotFound {
			t.Errorf("anonymous on alice's session: %d %s", r.Status, r.Body)
		}
	})
}

// TestRefusalsAreMcpauths: the bridge adds no refusal of its own to a
// request mcpauth refuses.
func TestRefusalsAreMcpauths(t *testing.T) {
	st := newStack(t, stackOptions{mode: "stateless"})
	if r := post(t, st.url, "", ""); r.Status != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer ") {
		t.Errorf("no token: %d %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
	if r := post(t, st.url, st.token(t, "alice", "a", "write"), ""); r.Status != http.StatusForbidden ||
		!strings.Contains(r.Header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
		t.Errorf("missing scope: %d %q", r.Status, r.Header.Get("WWW-Authenticate"))
	}
}

func TestWithSessionKeyTooShort(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a 31-byte key")
		}
	}()
	mcpmcpgo.Handler(http.NotFoundHandler(), mcpmcpgo.WithSessionKey(make([]byte, mcpmcpgo.MinSessionKeyLen-1)))
}
