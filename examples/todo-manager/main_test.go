package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

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
		{name: "create needs create:todos", sub: "carol", scopes: "read:todos", tool: "create-todo", args: map[string]any{"content": "c1"}, wantErr: "missing required scope: create:todos"},
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
