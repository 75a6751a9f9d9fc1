package mcpgosdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpgosdk "github.com/go-mcpauth/mcpauth/adapters/gosdk"
)

// swapTransport sends the current token of a client session, which a test
// changes between calls: a refreshed token, or another user's.
type swapTransport struct{ token atomic.Pointer[string] }

func (s *swapTransport) set(tok string) { s.token.Store(&tok) }

func (s *swapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+*s.token.Load())
	return http.DefaultTransport.RoundTrip(r)
}

// connectSwappable opens a client session (initialize) with token and
// returns it with the transport whose token the test can change.
func connectSwappable(t *testing.T, url, token string) (*mcp.ClientSession, *swapTransport) {
	t.Helper()
	tr := &swapTransport{}
	tr.set(token)
	client := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "v0.0.1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:             url,
		HTTPClient:           &http.Client{Transport: tr, Timeout: 10 * time.Second},
		DisableStandaloneSSE: true,
		MaxRetries:           -1,
	}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs, tr
}

// tryWhoami calls whoami and decodes its report.
func tryWhoami(cs *mcp.ClientSession) (seen, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "whoami"})
	if err != nil {
		return seen{}, err
	}
	if res.IsError || len(res.Content) != 1 {
		return seen{}, fmt.Errorf("whoami result: %+v", res)
	}
	text, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		return seen{}, fmt.Errorf("content is %T", res.Content[0])
	}
	var s seen
	if err := json.Unmarshal([]byte(text.Text), &s); err != nil {
		return seen{}, fmt.Errorf("decode %q: %w", text.Text, err)
	}
	return s, nil
}

// ctxCaller describes the caller a handler found in its ctx, "" for none.
func ctxCaller(s seen) string {
	if !s.HasCtxInfo {
		return ""
	}
	return fmt.Sprintf("%s/%v/%s", s.CtxInfo.Subject, s.CtxInfo.Claims["jti"], strings.Join(s.CtxInfo.Scopes, " "))
}

// reqCaller describes the caller mcpgosdk.AuthInfo(req) returned, "" for none.
func reqCaller(s seen) string {
	if !s.HasAuthInfo {
		return ""
	}
	return fmt.Sprintf("%s/%v/%s", s.AuthInfo.Subject, s.AuthInfo.Claims["jti"], strings.Join(s.AuthInfo.Scopes, " "))
}

// TestContextFollowsRequest is the story of the issue, through the real SDK
// client and server: alice initializes, calls with a refreshed token (new
// jti, other scopes), then bob tries alice's session. ctx always holds the
// caller of the request being served, the same AuthInfo as the request's.
func TestContextFollowsRequest(t *testing.T) {
	for _, stateless := range []bool{false, true} {
		t.Run(map[bool]string{false: "stateful", true: "stateless"}[stateless], func(t *testing.T) {
			var calls atomic.Int32 // tool runs
			st := newStack(t, stackOptions{stateless: stateless, register: func(s *mcp.Server) {
				s.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
					return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
						if method == "tools/call" {
							calls.Add(1)
						}
						return next(ctx, method, req)
					}
				})
			}})
			alice1 := st.token(t, "alice", map[string]any{"jti": "alice-1", "scope": "read"})
			alice2 := st.token(t, "alice", map[string]any{"jti": "alice-2", "scope": "read write"})
			bob := st.token(t, "bob", map[string]any{"jti": "bob-1", "scope": "read"})

			cs, tr := connectSwappable(t, st.url, alice1)
			if !stateless && cs.ID() == "" {
				t.Fatal("stateful server gave no session id")
			}
			check := func(step, want string) {
				t.Helper()
				s, err := tryWhoami(cs)
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				if got := ctxCaller(s); got != want {
					t.Errorf("%s: ctx caller %q, want %q", step, got, want)
				}
				if got := reqCaller(s); got != want {
					t.Errorf("%s: mcpgosdk.AuthInfo(req) %q, want %q", step, got, want)
				}
				if !s.SameInfo {
					t.Errorf("%s: ctx and request hold different AuthInfos", step)
				}
			}
			check("alice", "alice/alice-1/read")

			tr.set(alice2) // the client refreshed its token
			check("alice refreshed", "alice/alice-2/read write")

			if !stateless {
				// bob sends a request on alice's session: refused by the
				// SDK (the session is bound to alice), the tool never runs.
				before := calls.Load()
				body := `{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"whoami","arguments":{}}}`
				req, _ := http.NewRequest(http.MethodPost, st.url, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+bob)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json, text/event-stream")
				req.Header.Set("Mcp-Session-Id", cs.ID())
				req.Header.Set("Mcp-Protocol-Version", cs.InitializeResult().ProtocolVersion)
				resp := mcpauthtest.Do(t, req)
				if resp.Status != http.StatusForbidden || !strings.Contains(string(resp.Body), "session user mismatch") {
					t.Errorf("bob on alice's session: %d %s, want 403 session user mismatch", resp.Status, resp.Body)
				}
				if strings.Contains(string(resp.Body), "alice") {
					t.Errorf("bob's answer names alice: %s", resp.Body)
				}
				if n := calls.Load() - before; n != 0 {
					t.Errorf("the tool ran %d times for bob on alice's session", n)
				}
				check("alice after bob's attempt", "alice/alice-2/read write")
			}

			// The same through the SDK client: alice's session, bob's token.
			tr.set(bob)
			before := calls.Load()
			s, err := tryWhoami(cs)
			if stateless {
				// No session to take over: bob's request is bob's.
				if err != nil || ctxCaller(s) != "bob/bob-1/read" || reqCaller(s) != "bob/bob-1/read" {
					t.Errorf("bob: ctx %q, request %q, %v", ctxCaller(s), reqCaller(s), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "Forbidden") {
				t.Errorf("bob on alice's session through the client: ctx %q, err %v; want Forbidden", ctxCaller(s), err)
			}
			if n := calls.Load() - before; n != 0 {
				t.Errorf("the tool ran %d times for bob on alice's session", n)
			}
		})
	}
}

// TestContextInEveryHandler: resources and prompts see the current caller
// in ctx too, on a stateful session whose token changes.
func TestContextInEveryHandler(t *testing.T) {
	report := func(ctx context.Context) string {
		info, ok := mcpauth.AuthInfoFromContext(ctx)
		if !ok {
			return "none"
		}
		return fmt.Sprintf("%s/%v", info.Subject, info.Claims["jti"])
	}
	st := newStack(t, stackOptions{register: func(s *mcp.Server) {
		s.AddResource(&mcp.Resource{URI: "test://caller", Name: "caller"}, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, Text: report(ctx)}}}, nil
		})
		s.AddPrompt(&mcp.Prompt{Name: "caller"}, func(ctx context.Context, _ *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: report(ctx)}}}}, nil
		})
	}})
	cs, tr := connectSwappable(t, st.url, st.token(t, "alice", map[string]any{"jti": "a-1"}))
	for _, jti := range []string{"a-2", "a-3"} {
		tr.set(st.token(t, "alice", map[string]any{"jti": jti}))
		want := "alice/" + jti
		res, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "test://caller"})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Contents[0].Text; got != want {
			t.Errorf("resource handler ctx caller %q, want %q", got, want)
		}
		p, err := cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "caller"})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Messages[0].Content.(*mcp.TextContent).Text; got != want {
			t.Errorf("prompt handler ctx caller %q, want %q", got, want)
		}
	}
}

// TestConcurrentSessions: sessions of different users, each refreshing its
// token on every call, served side by side (run with -race): every handler
// sees its own request's caller, never another session's or call's.
func TestConcurrentSessions(t *testing.T) {
	for _, stateless := range []bool{false, true} {
		t.Run(map[bool]string{false: "stateful", true: "stateless"}[stateless], func(t *testing.T) {
			st := newStack(t, stackOptions{stateless: stateless})
			const users, calls = 6, 8
			sessions := make([]*mcp.ClientSession, users)
			transports := make([]*swapTransport, users)
			tokens := make([][]string, users)
			for u := range users {
				sub := fmt.Sprintf("user-%d", u)
				for i := range calls {
					tokens[u] = append(tokens[u], st.token(t, sub, map[string]any{"jti": fmt.Sprintf("%s-%d", sub, i)}))
				}
				sessions[u], transports[u] = connectSwappable(t, st.url, tokens[u][0])
			}
			if !stateless {
				ids := map[string]bool{}
				for _, cs := range sessions {
					ids[cs.ID()] = true
				}
				if len(ids) != users {
					t.Fatalf("%d distinct session ids for %d sessions", len(ids), users)
				}
			}
			mcpauthtest.Concurrently(t, users, calls, func(u, i int) error {
				transports[u].set(tokens[u][i])
				s, err := tryWhoami(sessions[u])
				if err != nil {
					return fmt.Errorf("user %d call %d: %w", u, i, err)
				}
				want := fmt.Sprintf("user-%d/user-%d-%d/read", u, u, i)
				if got := ctxCaller(s); got != want || reqCaller(s) != want || !s.SameInfo {
					return fmt.Errorf("user %d call %d: ctx %q, request %q, want %q", u, i, got, reqCaller(s), want)
				}
				return nil
			})
		})
	}
}

// TestUnsafeWiringSeesNoCaller: a server wired without one of the two
// pieces sees no caller in ctx, never a stale one; only the wiring without
// either piece keeps the session creator's AuthInfo in ctx, which the SDK
// does not let us detect (the README says so in bold).
func TestUnsafeWiringSeesNoCaller(t *testing.T) {
	tests := []struct {
		name    string
		o       stackOptions
		wantCtx string // the ctx caller of the refreshed call
		wantReq string // mcpgosdk.AuthInfo(req) of the refreshed call

	}{
		{"Handler without ContextMiddleware, stateful", stackOptions{noContext: true}, "", "alice/alice-2/read write"},
		{"Handler without ContextMiddleware, stateless", stackOptions{noContext: true, stateless: true}, "", "alice/alice-2/read write"},
		{"ContextMiddleware without Handler, stateful", stackOptions{noBridge: true}, "", ""},
		{"ContextMiddleware without Handler, stateless", stackOptions{noBridge: true, stateless: true}, "", ""},
		// Neither piece: core's middleware context reaches the session.
		{"neither, stateful (unsafe, undetectable)", stackOptions{noBridge: true, noContext: true}, "alice/alice-1/read", ""},
		{"neither, stateless", stackOptions{noBridge: true, noContext: true, stateless: true}, "alice/alice-2/read write", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStack(t, tc.o)
			cs, tr := connectSwappable(t, st.url, st.token(t, "alice", map[string]any{"jti": "alice-1", "scope": "read"}))
			tr.set(st.token(t, "alice", map[string]any{"jti": "alice-2", "scope": "read write"}))
			s, err := tryWhoami(cs)
			if err != nil {
				t.Fatal(err)
			}
			if got := ctxCaller(s); got != tc.wantCtx {
				t.Errorf("ctx caller %q, want %q (SDK behaviour changed? update the README)", got, tc.wantCtx)
			}
			if got := reqCaller(s); got != tc.wantReq {
				t.Errorf("request caller %q, want %q", got, tc.wantReq)
			}
		})
	}
}

// TestContextMiddlewareOverwrites: whatever ctx held before, the handler
// gets the message's caller or none.
func TestContextMiddlewareOverwrites(t *testing.T) {
	stale := &mcpauth.AuthInfo{Subject: "stale"}
	current := &mcpauth.AuthInfo{Subject: "current"}
	tests := []struct {
		name string
		req  mcp.Request
		want *mcpauth.AuthInfo
	}{
		{"bridged caller", &mcp.CallToolRequest{Extra: &mcp.RequestExtra{TokenInfo: mcpgosdk.TokenInfo(current)}}, current},
		{"no token info", &mcp.CallToolRequest{Extra: &mcp.RequestExtra{}}, nil},
		{"no extra", &mcp.CallToolRequest{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *mcpauth.AuthInfo
			h := mcpgosdk.ContextMiddleware()(func(ctx context.Context, _ string, _ mcp.Request) (mcp.Result, error) {
				got, _ = mcpauth.AuthInfoFromContext(ctx)
				return nil, nil
			})
			if _, err := h(mcpauth.WithAuthInfo(context.Background(), stale), "tools/call", tc.req); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("ctx AuthInfo = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestHandlerHidesAuthInfo: the SDK handler's request context has no
// AuthInfo (a stateful session would keep it); the TokenInfo has it.
func TestHandlerHidesAuthInfo(t *testing.T) {
	info := &mcpauth.AuthInfo{Token: "abc", Subject: "alice"}
	var inCtx bool
	var fromTokenInfo *mcpauth.AuthInfo
	h := mcpgosdk.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, inCtx = mcpauth.AuthInfoFromContext(r.Context())
		fromTokenInfo, _ = mcpgosdk.AuthInfoFromTokenInfo(auth.TokenInfoFromContext(r.Context()))
	}))
	req := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	req.Header.Set("Authorization", "Bearer abc")
	req = req.WithContext(mcpauth.WithAuthInfo(req.Context(), info))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if inCtx {
		t.Error("the SDK handler's context carries the AuthInfo")
	}
	if fromTokenInfo != info {
		t.Errorf("TokenInfo carries %+v, want %+v", fromTokenInfo, info)
	}
}
