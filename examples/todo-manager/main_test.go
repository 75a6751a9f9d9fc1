package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/oauth2"

	"github.com/go-mcpauth/mcpauth/examples/internal/app"
	"github.com/go-mcpauth/mcpauth/examples/internal/e2etest"
)

// TestEndToEnd runs the end-to-end suite (whoami, scopes, metadata, key
// rotation) against the todo manager's wiring with a real OpenID provider.
func TestEndToEnd(t *testing.T) { e2etest.Run(t, "todo-manager", serve) }

// TestDevIssuer checks that the todo manager works with no configuration,
// and that the printed token may use every todo tool.
func TestDevIssuer(t *testing.T) {
	a := e2etest.RunDev(t, options(&Store{}), serve)
	cs, err := e2etest.Connect(t, a.LocalURL(), a.DevToken)
	if err != nil {
		t.Fatal(err)
	}
	text, err := e2etest.CallTool(t, cs, "create-todo", map[string]any{"content": "from the banner"})
	if err != nil {
		t.Fatal(err)
	}
	var todo Todo
	if err := json.Unmarshal([]byte(text), &todo); err != nil || todo.OwnerID != app.DevSubject {
		t.Fatalf("create-todo = %s (%v)", text, err)
	}
	if _, err := e2etest.CallTool(t, cs, "delete-todo", map[string]any{"id": todo.ID}); err != nil {
		t.Fatal(err)
	}
}

// TestTodoRules walks the per-scope rules of MCP Auth's todo sample through
// the real server: tokens of the development issuer for several users.
func TestTodoRules(t *testing.T) {
	cfg, err := app.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a := e2etest.Start(t, cfg, options(&Store{}), serve)

	// session returns an MCP session for sub with scopes, opened on first
	// use and kept until the end of the test.
	sessions := map[string]*mcp.ClientSession{}
	session := func(sub, scopes string) *mcp.ClientSession {
		key := sub + " " + scopes
		if cs, ok := sessions[key]; ok {
			return cs
		}
		tok := a.Dev.MustToken(t, map[string]any{"sub": sub, "aud": a.Resource, "scope": scopes})
		cs, err := e2etest.Connect(t, a.LocalURL(), tok)
		if err != nil {
			t.Fatal(err)
		}
		sessions[key] = cs
		return cs
	}
	ids := map[string]string{} // content → id

	tests := []struct {
		name    string
		sub     string
		scopes  string
		tool    string
		args    map[string]any
		wantErr string   // substring of the tool error
		want    []string // get-todos: the contents listed, in order
	}{
		{name: "create needs create:todos", sub: "carol", scopes: "read:todos", tool: "create-todo", args: map[string]any{"content": "c1"}, wantErr: "Forbidden"}, // 403 before the MCP server runs
		{name: "alice creates", sub: "alice", scopes: "create:todos", tool: "create-todo", args: map[string]any{"content": "a1"}},
		{name: "bob creates", sub: "bob", scopes: "create:todos", tool: "create-todo", args: map[string]any{"content": "b1"}},
		{name: "bob creates again", sub: "bob", scopes: "create:todos", tool: "create-todo", args: map[string]any{"content": "b2"}},
		{name: "empty content", sub: "alice", scopes: "create:todos", tool: "create-todo", args: map[string]any{"content": ""}, wantErr: "content must not be empty"},
		{name: "without read:todos only your own", sub: "alice", scopes: "create:todos", tool: "get-todos", want: []string{"a1"}},
		{name: "no todos, no scopes", sub: "dave", scopes: "", tool: "get-todos", want: []string{}},
		{name: "read:todos sees all", sub: "auditor", scopes: "read:todos", tool: "get-todos", want: []string{"a1", "b1", "b2"}},
		{name: "bob may not delete alice's", sub: "bob", scopes: "create:todos", tool: "delete-todo", args: map[string]any{"id": "a1"}, wantErr: "failed to delete todo"},
		{name: "unknown id", sub: "bob", scopes: "delete:todos", tool: "delete-todo", args: map[string]any{"id": "nope"}, wantErr: "failed to delete todo"},
		{name: "owner deletes own without delete:todos", sub: "bob", scopes: "", tool: "delete-todo", args: map[string]any{"id": "b1"}},
		{name: "delete:todos deletes anyone's", sub: "admin", scopes: "delete:todos", tool: "delete-todo", args: map[string]any{"id": "a1"}},
		{name: "what is left", sub: "auditor", scopes: "read:todos", tool: "get-todos", want: []string{"b2"}},
	}
	for _, tc := range tests {
		cs := session(tc.sub, tc.scopes)
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if id, ok := ids[str(args["id"])]; ok { // refer to todos by content
				args = map[string]any{"id": id}
			}
			text, err := e2etest.CallTool(t, cs, tc.tool, args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %s, %v; want an error containing %q", text, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch tc.tool {
			case "create-todo":
				var todo Todo
				if err := json.Unmarshal([]byte(text), &todo); err != nil || todo.OwnerID != tc.sub || todo.Content != tc.args["content"] || todo.ID == "" {
					t.Fatalf("create-todo = %s, %v", text, err)
				}
				ids[todo.Content] = todo.ID
			case "get-todos":
				var out TodosOutput
				if err := json.Unmarshal([]byte(text), &out); err != nil {
					t.Fatal(err)
				}
				got := []string{}
				for _, todo := range out.Todos {
					got = append(got, todo.Content)
				}
				if strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("get-todos = %q, want %q", got, tc.want)
				}
			case "delete-todo":
				var out DeleteTodoOutput
				if err := json.Unmarshal([]byte(text), &out); err != nil || out.Details.ID != args["id"] {
					t.Errorf("delete-todo = %s, %v", text, err)
				}
			}
		})
	}
}

func str(v any) string { s, _ := v.(string); return s }

// TestStepUp performs the MCP step-up (MCP 2025-11-25, Authorization,
// "Scope challenge handling") with the official go-sdk client against the
// todo manager: alice's token lacks create:todos, so her create-todo call
// gets 403 insufficient_scope naming that scope, before the MCP server
// runs; the client's OAuthHandler gets a token with it (minted by the
// development issuer, standing in for the authorization server) and the
// go-sdk retries the call, which succeeds. The todo is created once.
func TestStepUp(t *testing.T) {
	cfg, err := app.ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	store := &Store{}
	a := e2etest.Start(t, cfg, options(store), serve)
	h := &stepUpHandler{scopes: []string{ScopeRead}, mint: func(scopes []string) string {
		return a.Dev.MustToken(t, map[string]any{"sub": "alice", "aud": a.Resource, "scope": strings.Join(scopes, " ")})
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "step-up-client", Version: "v0.0.1"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:             a.LocalURL(),
		OAuthHandler:         h,
		DisableStandaloneSSE: true,
		MaxRetries:           -1,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cs.Close() }()
	if r := h.seen(); len(r) != 0 {
		t.Fatalf("initialize was refused: %v", r)
	}

	// get-todos needs no scope: no challenge.
	if _, err := e2etest.CallTool(t, cs, "get-todos", nil); err != nil || len(h.seen()) != 0 {
		t.Fatalf("get-todos: %v, refusals %v", err, h.seen())
	}

	text, err := e2etest.CallTool(t, cs, "create-todo", map[string]any{"content": "after the step-up"})
	if err != nil {
		t.Fatalf("create-todo after the step-up: %v (refusals %v)", err, h.seen())
	}
	var todo Todo
	if err := json.Unmarshal([]byte(text), &todo); err != nil || todo.OwnerID != "alice" || todo.Content != "after the step-up" {
		t.Fatalf("create-todo = %s, %v", text, err)
	}
	want := []refusal{{
		Status: http.StatusForbidden,
		Params: map[string]string{
			"error":             "insufficient_scope",
			"error_description": "The token does not contain the necessary scopes for this request.",
			"resource_metadata": a.MetadataURL(),
			"scope":             ScopeCreate, // the scopes the call needs, not those the token has
		},
		Body: `{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["create:todos"]}`,
	}}
	if got := h.seen(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("refusals:\n got %v\nwant %v", got, want)
	}
	if got := h.granted(); !slices.Equal(got, []string{ScopeRead, ScopeCreate}) {
		t.Errorf("the token after the step-up grants %q, want the earlier scope and the new one", got)
	}
	if todos := store.List(""); len(todos) != 1 {
		t.Errorf("the store holds %d todos, want 1 (the refused call did not run)", len(todos))
	}
}

// refusal is a 401 or 403 answer the step-up handler was given.
type refusal struct {
	Status int
	Params map[string]string // of the WWW-Authenticate challenge
	Body   string
}

// stepUpHandler is the go-sdk client's auth.OAuthHandler of TestStepUp. On
// a 403 insufficient_scope it asks the authorization server (mint) for a
// token with the scopes it held and those the challenge names (the client
// keeps its earlier scopes, as MCP's SEP-2350 asks of clients); it refuses
// every other answer, so that the transport does not retry.
type stepUpHandler struct {
	mu       sync.Mutex
	scopes   []string
	token    string
	mint     func(scopes []string) string
	refusals []refusal
}

func (h *stepUpHandler) TokenSource(context.Context) (oauth2.TokenSource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.token == "" {
		h.token = h.mint(h.scopes)
	}
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: h.token, TokenType: "Bearer"}), nil
}

func (h *stepUpHandler) Authorize(_ context.Context, _ *http.Request, resp *http.Response) error {
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	params := e2etest.ChallengeParams(resp.Header.Get("WWW-Authenticate"))
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refusals = append(h.refusals, refusal{resp.StatusCode, params, string(body)})
	if resp.StatusCode != http.StatusForbidden || params["error"] != "insufficient_scope" {
		return fmt.Errorf("not a step-up challenge: %d %s", resp.StatusCode, body)
	}
	for _, s := range strings.Fields(params["scope"]) {
		if !slices.Contains(h.scopes, s) {
			h.scopes = append(h.scopes, s)
		}
	}
	h.token = h.mint(h.scopes)
	return nil
}

func (h *stepUpHandler) seen() []refusal {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.refusals)
}

func (h *stepUpHandler) granted() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.scopes)
}
