package mcpgosdk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpgosdk "github.com/go-mcpauth/mcpauth/adapters/gosdk"
)

// seen is what the test tool reports about its caller.
type seen struct {
	HasTokenInfo bool              `json:"has_token_info"`
	UserID       string            `json:"user_id"`
	Scopes       []string          `json:"scopes"`
	Expiration   time.Time         `json:"expiration"`
	HasAuthInfo  bool              `json:"has_auth_info"`
	AuthInfo     *mcpauth.AuthInfo `json:"auth_info"`
	SameInfo     bool              `json:"same_info"` // the context's AuthInfo is the bridged one
	HasCtxInfo   bool              `json:"has_ctx_info"`
	CtxInfo      *mcpauth.AuthInfo `json:"ctx_info"` // mcpauth.AuthInfoFromContext(ctx)
}

// reportCaller is the test tool: it reports what the SDK and the bridge hand it.
func reportCaller(ctx context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
	var s seen
	if ti := req.Extra.TokenInfo; ti != nil {
		s.HasTokenInfo = true
		s.UserID, s.Scopes, s.Expiration = ti.UserID, ti.Scopes, ti.Expiration
	}
	s.AuthInfo, s.HasAuthInfo = mcpgosdk.AuthInfo(req)
	if fromCtx, ok := mcpauth.AuthInfoFromContext(ctx); ok {
		s.SameInfo = fromCtx == s.AuthInfo
		s.HasCtxInfo, s.CtxInfo = true, fromCtx
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(b)}}}, nil, nil
}

// stack is an MCP server on 127.0.0.1 behind core's bearer middleware and the bridge.
type stack struct {
	iss      *mcpauthtest.Issuer
	url      string // the MCP endpoint, also the resource identifier
	bearer   *mcpauth.Bearer
	resource string
}

type stackOptions struct {
	stateless  bool
	bridgeOpts []mcpgosdk.Option
	noBearer   bool // mount the bridge without the bearer middleware
	noBridge   bool // mount the SDK handler without the bridge (Handler)
	noContext  bool // leave ContextMiddleware out of the server
	register   func(*mcp.Server)
	optional   bool // mount the bearer middleware with mcpauth.Optional()
	jwtOpts    []mcpauth.JWTOption
}

func newStack(t *testing.T, o stackOptions) *stack {
	t.Helper()
	iss := mcpauthtest.MustNewIssuer(t)
	srv := httptest.NewUnstartedServer(nil)
	resource := "http://" + srv.Listener.Addr().String() + "/mcp"

	a, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource:             resource,
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
			ScopesSupported:      []string{"read"},
		}},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := a.BearerAuth(mcpauth.JWT(o.jwtOpts...), mcpauth.BearerOptions{Resource: resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}

	server := mcp.NewServer(&mcp.Implementation{Name: "test", Version: "v0.0.1"}, nil)
	if !o.noContext {
		server.AddReceivingMiddleware(mcpgosdk.ContextMiddleware())
	}
	mcp.AddTool(server, &mcp.Tool{Name: "whoami", Description: "who is calling"}, reportCaller)
	if o.register != nil {
		o.register(server)
	}
	sdk := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server },
		&mcp.StreamableHTTPOptions{Stateless: o.stateless})

	var h http.Handler = sdk
	if !o.noBridge {
		h = mcpgosdk.Handler(sdk, append([]mcpgosdk.Option{mcpgosdk.WithLogger(slog.New(slog.DiscardHandler))}, o.bridgeOpts...)...)
	}
	switch {
	case o.noBearer:
	case o.optional:
		h = bearer.Middleware(mcpauth.Optional())(h)
	default:
		h = bearer.Middleware()(h)
	}
	mux := http.NewServeMux()
	mux.Handle("/.well-known/oauth-protected-resource/", a.MetadataHandler())
	mux.Handle("/mcp", h)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return &stack{iss: iss, url: resource, bearer: bearer, resource: resource}
}

// token mints a token for the stack's resource; extra claims override.
func (s *stack) token(t *testing.T, sub string, extra map[string]any) string {
	t.Helper()
	claims := map[string]any{"sub": sub, "aud": s.resource, "scope": "read", "client_id": "test-client"}
	for k, v := range extra {
		claims[k] = v
	}
	return s.iss.MustToken(t, claims)
}

// bearerTransport adds the Authorization header to every request.
type bearerTransport struct {
	token string
	base  http.RoundTripper
}

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return b.base.RoundTrip(r)
}

// connect opens an MCP client session with token (none if empty).
func connect(t *testing.T, url, token string) (*mcp.ClientSession, error) {
	t.Helper()
	client := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "v0.0.1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:             url,
		HTTPClient:           &http.Client{Transport: bearerTransport{token: token, base: http.DefaultTransport}, Timeout: 10 * time.Second},
		DisableStandaloneSSE: true,
		MaxRetries:           -1,
	}, nil)
	if err == nil {
		t.Cleanup(func() { _ = cs.Close() })
	}
	return cs, err
}

// callWhoami calls the test tool and decodes its report.
func callWhoami(t *testing.T, cs *mcp.ClientSession) seen {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"})
	if err != nil {
		t.Fatalf("CallTool: %v", err)
	}
	if res.IsError || len(res.Content) != 1 {
		t.Fatalf("CallTool result: %+v", res)
	}
	text, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("content is %T", res.Content[0])
	}
	var s seen
	if err := json.Unmarshal([]byte(text.Text), &s); err != nil {
		t.Fatalf("decode %q: %v", text.Text, err)
	}
	return s
}

func TestToolReadsCaller(t *testing.T) {
	for _, stateless := range []bool{false, true} {
		t.Run(map[bool]string{false: "stateful", true: "stateless"}[stateless], func(t *testing.T) {
			st := newStack(t, stackOptions{stateless: stateless})
			exp := time.Now().Add(10 * time.Minute).Truncate(time.Second)
			tok := st.token(t, "alice", map[string]any{"exp": exp.Unix(), "scope": "read write"})
			cs, err := connect(t, st.url, tok)
			if err != nil {
				t.Fatal(err)
			}
			s := callWhoami(t, cs)
			if !s.HasTokenInfo || s.UserID != "alice" {
				t.Errorf("TokenInfo: has=%v UserID=%q, want alice", s.HasTokenInfo, s.UserID)
			}
			if strings.Join(s.Scopes, " ") != "read write" {
				t.Errorf("Scopes = %q, want [read write]", s.Scopes)
			}
			if !s.Expiration.Equal(exp) {
				t.Errorf("Expiration = %v, want %v", s.Expiration, exp)
			}
			if !s.HasAuthInfo || s.AuthInfo.Subject != "alice" || s.AuthInfo.ClientID != "test-client" || s.AuthInfo.Issuer != st.iss.URL() {
				t.Errorf("AuthInfo = %+v", s.AuthInfo)
			}
			if !s.AuthInfo.ExpiresAt.Equal(exp) {
				t.Errorf("AuthInfo.ExpiresAt = %v, want %v", s.AuthInfo.ExpiresAt, exp)
			}
			// ContextMiddleware puts the request's AuthInfo in ctx, in both
			// modes: the very pointer mcpgosdk.AuthInfo(req) returns.
			if !s.SameInfo {
				t.Errorf("ctx AuthInfo = %+v, want the request's %p", s.CtxInfo, s.AuthInfo)
			}
		})
	}
}

// TestSessionBoundToUser: the SDK binds a stateful session to
// TokenInfo.UserID, so another user's token is refused on it.
func TestSessionBoundToUser(t *testing.T) {
	st := newStack(t, stackOptions{})
	cs, err := connect(t, st.url, st.token(t, "alice", nil))
	if err != nil {
		t.Fatal(err)
	}
	if cs.ID() == "" {
		t.Fatal("no session id")
	}

	tests := []struct {
		name   string
		sub    string
		status int
	}{
		{"same user, another token", "alice", http.StatusOK},
		{"other user", "mallory", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok := st.token(t, tc.sub, map[string]any{"jti": tc.sub + "-second"})
			body := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
			req, _ := http.NewRequest(http.MethodPost, st.url, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			req.Header.Set("Mcp-Session-Id", cs.ID())
			req.Header.Set("Mcp-Protocol-Version", cs.InitializeResult().ProtocolVersion)
			resp := mcpauthtest.Do(t, req)
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tc.status, resp.Body)
			}
			if tc.status == http.StatusOK && !bytes.Contains(resp.Body, []byte(`\"user_id\":\"alice\"`)) {
				t.Errorf("body %s does not name alice", resp.Body)
			}
		})
	}
	// The session still works for its owner.
	if s := callWhoami(t, cs); s.UserID != "alice" {
		t.Errorf("UserID = %q after the refused hijack", s.UserID)
	}
}

// TestRefusalsAreMcpauths: whatever mcpauth refuses is answered by mcpauth
// alone, and whatever it accepts the SDK does not refuse, including what the
// SDK's own RequireBearerToken checks would have refused.
func TestRefusalsAreMcpauths(t *testing.T) {
	st := newStack(t, stackOptions{stateless: true})
	stNoExp := newStack(t, stackOptions{stateless: true, jwtOpts: []mcpauth.JWTOption{mcpauth.WithExpirationOptional()}})
	now := time.Now()
	tests := []struct {
		name   string
		st     *stack
		header func(st *stack) []string
		status int
	}{
		{"no header", st, func(*stack) []string { return nil }, 401},
		{"bearer without token", st, func(*stack) []string { return []string{"Bearer"} }, 401},
		{"two headers", st, func(st *stack) []string {
			tok := st.token(t, "alice", nil)
			return []string{"Bearer " + tok, "Bearer " + tok}
		}, 401},
		{"expired beyond leeway", st, func(st *stack) []string {
			return []string{"Bearer " + st.token(t, "alice", map[string]any{"exp": now.Add(-5 * time.Minute).Unix()})}
		}, 401},
		{"missing scope", st, func(st *stack) []string {
			return []string{"Bearer " + st.token(t, "alice", map[string]any{"scope": "write"})}
		}, 403},
		// Accepted by mcpauth (60 s leeway), refused by a bare RequireBearerToken.
		{"expired within leeway", st, func(st *stack) []string {
			return []string{"Bearer " + st.token(t, "alice", map[string]any{"exp": now.Add(-20 * time.Second).Unix()})}
		}, 200},
		// Accepted with WithExpirationOptional, refused by a bare RequireBearerToken.
		{"no exp", stNoExp, func(st *stack) []string {
			return []string{"Bearer " + st.token(t, "alice", map[string]any{"exp": nil})}
		}, 200},
		// Accepted by mcpauth (leading and trailing spaces are trimmed).
		{"padded header", st, func(st *stack) []string {
			return []string{" Bearer " + st.token(t, "alice", nil) + "\t"}
		}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
			req, _ := http.NewRequest(http.MethodPost, tc.st.url, strings.NewReader(body))
			for _, v := range tc.header(tc.st) {
				req.Header.Add("Authorization", v)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")

			// What mcpauth alone answers.
			_, authErr := tc.st.bearer.Authenticate(context.Background(), req.Header.Values("Authorization")...)

			resp := mcpauthtest.Do(t, req)
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tc.status, resp.Body)
			}
			if tc.status == 200 {
				if authErr != nil {
					t.Fatalf("mcpauth refused: %v", authErr)
				}
				if !bytes.Contains(resp.Body, []byte(`\"user_id\":\"alice\"`)) {
					t.Errorf("body %s", resp.Body)
				}
				return
			}
			want := tc.st.bearer.ErrorResponse(authErr)
			if resp.Status != want.Status || !bytes.Equal(resp.Body, want.Body) {
				t.Errorf("got %d %s, want mcpauth's %d %s", resp.Status, resp.Body, want.Status, want.Body)
			}
			if got := resp.Header.Values("WWW-Authenticate"); len(got) != 1 || got[0] != want.Header.Get("WWW-Authenticate") {
				t.Errorf("WWW-Authenticate = %q, want only %q", got, want.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestHandlerHeaderRestored: the SDK handler gets the request's own
// Authorization header, not the bridge's placeholder.
func TestHandlerHeaderRestored(t *testing.T) {
	var got []string
	var ti *auth.TokenInfo
	h := mcpgosdk.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Values("Authorization")
		ti = auth.TokenInfoFromContext(r.Context())
	}))
	info := &mcpauth.AuthInfo{Token: "abc", Subject: "alice", Scopes: []string{"read"}, ExpiresAt: time.Unix(1e10, 0)}
	req := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	req.Header.Set("Authorization", "Bearer abc")
	req = req.WithContext(mcpauth.WithAuthInfo(req.Context(), info))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if len(got) != 1 || got[0] != "Bearer abc" {
		t.Errorf("Authorization seen by the SDK handler = %q", got)
	}
	if req.Header.Get("Authorization") != "Bearer abc" {
		t.Errorf("caller's request modified: %q", req.Header.Get("Authorization"))
	}
	if back, ok := mcpgosdk.AuthInfoFromTokenInfo(ti); !ok || back != info || ti.UserID != "alice" {
		t.Errorf("TokenInfo = %+v", ti)
	}
}

// TestWithoutAuthInfo: the bridge refuses to serve a request no mcpauth
// middleware authenticated, unless AllowAnonymous says so.
func TestWithoutAuthInfo(t *testing.T) {
	tests := []struct {
		name   string
		o      stackOptions
		token  bool
		status int // of the tools/call POST
		anon   bool
	}{
		{"no middleware", stackOptions{stateless: true, noBearer: true}, true, 500, false},
		{"no middleware, anonymous allowed", stackOptions{stateless: true, noBearer: true, bridgeOpts: []mcpgosdk.Option{mcpgosdk.AllowAnonymous()}}, false, 200, true},
		{"optional middleware, anonymous caller", stackOptions{stateless: true, optional: true, bridgeOpts: []mcpgosdk.Option{mcpgosdk.AllowAnonymous()}}, false, 200, true},
		{"optional middleware, authenticated caller", stackOptions{stateless: true, optional: true, bridgeOpts: []mcpgosdk.Option{mcpgosdk.AllowAnonymous()}}, true, 200, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStack(t, tc.o)
			body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
			req, _ := http.NewRequest(http.MethodPost, st.url, strings.NewReader(body))
			if tc.token {
				req.Header.Set("Authorization", "Bearer "+st.token(t, "alice", nil))
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			resp := mcpauthtest.Do(t, req)
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tc.status, resp.Body)
			}
			if tc.status != 200 {
				return
			}
			anon := bytes.Contains(resp.Body, []byte(`\"has_token_info\":false`))
			if anon != tc.anon {
				t.Errorf("anonymous = %v, want %v: %s", anon, tc.anon, resp.Body)
			}
		})
	}
}

// TestPreflightPassesThrough: a CORS preflight, which the bearer middleware
// passes unauthenticated, reaches the SDK handler (no MCP handler runs for
// OPTIONS), where any other request without an AuthInfo gets 500.
func TestPreflightPassesThrough(t *testing.T) {
	var reached bool
	var hadInfo bool
	h := mcpgosdk.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		_, hadInfo = mcpauth.AuthInfoFromContext(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}), mcpgosdk.WithLogger(slog.New(slog.DiscardHandler)))
	tests := []struct {
		name    string
		header  string
		status  int
		reached bool
	}{
		{"preflight", "POST", http.StatusNoContent, true},
		{"plain OPTIONS", "", http.StatusInternalServerError, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reached, hadInfo = false, false
			req := httptest.NewRequest(http.MethodOptions, "/mcp", nil)
			if tc.header != "" {
				req.Header.Set("Access-Control-Request-Method", tc.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status || reached != tc.reached || hadInfo {
				t.Errorf("status %d reached %v AuthInfo %v; want %d %v false", rec.Code, reached, hadInfo, tc.status, tc.reached)
			}
		})
	}
}

func TestTokenInfo(t *testing.T) {
	exp := time.Unix(1_900_000_000, 0)
	info := &mcpauth.AuthInfo{Token: "t", Issuer: "https://as", Subject: "alice", Scopes: []string{"a", "b"}, ExpiresAt: exp}
	tests := []struct {
		name   string
		info   *mcpauth.AuthInfo
		opts   []mcpgosdk.Option
		want   *auth.TokenInfo
		wantOK bool
	}{
		{"nil", nil, nil, nil, false},
		{"full", info, nil, &auth.TokenInfo{UserID: "alice", Scopes: []string{"a", "b"}, Expiration: exp}, true},
		{"no exp, no scopes", &mcpauth.AuthInfo{Subject: "bob"}, nil, &auth.TokenInfo{UserID: "bob"}, true},
		{"issuer-qualified user", info, []mcpgosdk.Option{mcpgosdk.WithUserID(func(i *mcpauth.AuthInfo) string { return i.Issuer + "#" + i.Subject })},
			&auth.TokenInfo{UserID: "https://as#alice", Scopes: []string{"a", "b"}, Expiration: exp}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *auth.TokenInfo
			if tc.opts == nil {
				got = mcpgosdk.TokenInfo(tc.info)
			} else {
				// The options apply through the verifier.
				ctx := mcpauth.WithAuthInfo(context.Background(), tc.info)
				var err error
				got, err = mcpgosdk.TokenVerifier(tc.opts...)(ctx, tc.info.Token, nil)
				if err != nil {
					t.Fatal(err)
				}
			}
			if tc.want == nil {
				if got != nil {
					t.Fatalf("got %+v, want nil", got)
				}
				return
			}
			if got.UserID != tc.want.UserID || strings.Join(got.Scopes, " ") != strings.Join(tc.want.Scopes, " ") || !got.Expiration.Equal(tc.want.Expiration) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			back, ok := mcpgosdk.AuthInfoFromTokenInfo(got)
			if ok != tc.wantOK || back != tc.info {
				t.Errorf("AuthInfoFromTokenInfo = %p, %v; want %p", back, ok, tc.info)
			}
			if len(got.Scopes) > 0 && &got.Scopes[0] == &tc.info.Scopes[0] {
				t.Error("Scopes shares the AuthInfo's backing array")
			}
		})
	}
}

func TestAuthInfoFromRequest(t *testing.T) {
	info := &mcpauth.AuthInfo{Subject: "alice"}
	tests := []struct {
		name string
		req  mcp.Request
		want *mcpauth.AuthInfo
	}{
		{"nil request", nil, nil},
		{"no extra", &mcp.CallToolRequest{}, nil},
		{"no token info", &mcp.CallToolRequest{Extra: &mcp.RequestExtra{}}, nil},
		{"token info of another verifier", &mcp.CallToolRequest{Extra: &mcp.RequestExtra{TokenInfo: &auth.TokenInfo{UserID: "x", Extra: map[string]any{"k": 1}}}}, nil},
		{"wrong type under the key", &mcp.CallToolRequest{Extra: &mcp.RequestExtra{TokenInfo: &auth.TokenInfo{Extra: map[string]any{mcpgosdk.ExtraKey: "alice"}}}}, nil},
		{"typed nil under the key", &mcp.CallToolRequest{Extra: &mcp.RequestExtra{TokenInfo: &auth.TokenInfo{Extra: map[string]any{mcpgosdk.ExtraKey: (*mcpauth.AuthInfo)(nil)}}}}, nil},
		{"call tool", &mcp.CallToolRequest{Extra: &mcp.RequestExtra{TokenInfo: mcpgosdk.TokenInfo(info)}}, info},
		{"read resource", &mcp.ReadResourceRequest{Extra: &mcp.RequestExtra{TokenInfo: mcpgosdk.TokenInfo(info)}}, info},
		{"client request", &mcp.CreateMessageRequest{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := mcpgosdk.AuthInfo(tc.req)
			if got != tc.want || ok != (tc.want != nil) {
				t.Errorf("AuthInfo = %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
}

// TestTokenVerifier: the verifier on its own, composed by the user with the
// SDK's RequireBearerToken.
func TestTokenVerifier(t *testing.T) {
	info := &mcpauth.AuthInfo{Token: "good", Subject: "alice", ExpiresAt: time.Now().Add(time.Hour)}
	tests := []struct {
		name    string
		ctxInfo *mcpauth.AuthInfo
		token   string
		wantErr bool
	}{
		{"verified token", info, "good", false},
		{"another token", info, "other", true},
		{"no AuthInfo", nil, "good", true},
		{"AuthInfo without raw token", &mcpauth.AuthInfo{Subject: "bob"}, "anything", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.ctxInfo != nil {
				ctx = mcpauth.WithAuthInfo(ctx, tc.ctxInfo)
			}
			ti, err := mcpgosdk.TokenVerifier()(ctx, tc.token, nil)
			if tc.wantErr {
				if err == nil || !errors.Is(err, auth.ErrInvalidToken) {
					t.Fatalf("err = %v, want auth.ErrInvalidToken", err)
				}
				return
			}
			if err != nil || ti.UserID != tc.ctxInfo.Subject {
				t.Fatalf("got %+v, %v", ti, err)
			}
		})
	}
}
