package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// The scopes of the todo tools, as in MCP Auth's todo-manager sample.
const (
	ScopeCreate = "create:todos" // create-todo
	ScopeRead   = "read:todos"   // get-todos lists everyone's todos, not only the caller's
	ScopeDelete = "delete:todos" // delete-todo deletes anyone's todo, not only the caller's
)

// Todo is one todo item; its owner is the subject of the token that created it.
type Todo struct {
	ID        string    `json:"id"`
	Content   string    `json:"content"`
	OwnerID   string    `json:"ownerId"`
	CreatedAt time.Time `json:"createdAt"`
}

// Store is an in-memory todo list, safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	todos []Todo // in creation order
}

// Create adds a todo owned by owner.
func (s *Store) Create(content, owner string) Todo {
	t := Todo{ID: newID(), Content: content, OwnerID: owner, CreatedAt: time.Now().UTC()}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.todos = append(s.todos, t)
	return t
}

// List returns the todos of owner, or every todo when owner is "".
func (s *Store) List(owner string) []Todo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Todo{}
	for _, t := range s.todos {
		if owner == "" || t.OwnerID == owner {
			out = append(out, t)
		}
	}
	return out
}

// Delete removes the todo id if allowed(todo) says so. It reports whether
// the todo was found and allowed.
func (s *Store) Delete(id string, allowed func(Todo) bool) (Todo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.todos, func(t Todo) bool { return t.ID == id })
	if i < 0 || !allowed(s.todos[i]) {
		return Todo{}, false
	}
	t := s.todos[i]
	s.todos = slices.Delete(s.todos, i, i+1)
	return t, true
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// Tool inputs and outputs. The outputs are the tools' structured content
// (and, as JSON, their text content).
type (
	CreateTodoInput struct {
		Content string `json:"content" jsonschema:"what to do"`
	}
	GetTodosInput   struct{}
	DeleteTodoInput struct {
		ID string `json:"id" jsonschema:"the id of the todo to delete"`
	}
	TodosOutput struct {
		Todos []Todo `json:"todos"`
	}
	DeleteTodoOutput struct {
		Message string `json:"message"`
		Details Todo   `json:"details"`
	}
)

// errDenied answers both "no such todo" and "not yours", so that a caller
// cannot probe the ids of other users' todos.
var errDenied = errors.New("failed to delete todo: it does not exist or you may not delete it")

// Register adds the three todo tools to server, backed by s. A tool error
// (a result with isError) tells the caller what is wrong; the HTTP layer
// has already checked the token, the required scopes and the scopes of the
// tool (create-todo's create:todos, see options in main.go).
func (s *Store) Register(server *mcp.Server) {
	mcp.AddTool(server, &mcp.Tool{
		Name:        "create-todo",
		Description: "Create a new todo (requires the " + ScopeCreate + " scope). The caller owns it.",
	}, s.createTodo)
	mcp.AddTool(server, &mcp.Tool{
		Name:        "get-todos",
		Description: "List the todos: every todo with the " + ScopeRead + " scope, else only the caller's.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
	}, s.getTodos)
	mcp.AddTool(server, &mcp.Tool{
		Name:        "delete-todo",
		Description: "Delete a todo by id: any todo with the " + ScopeDelete + " scope, else only one the caller owns.",
	}, s.deleteTodo)
}

// caller is the caller of the request being served, from the tool's ctx
// (mcpgosdk.ContextMiddleware puts it there, in both session modes).
func caller(ctx context.Context) (*mcpauth.AuthInfo, error) {
	info, ok := mcpauth.AuthInfoFromContext(ctx)
	if !ok || info.Subject == "" {
		return nil, errors.New("the request is not authenticated")
	}
	return info, nil
}

func (s *Store) createTodo(ctx context.Context, _ *mcp.CallToolRequest, in CreateTodoInput) (*mcp.CallToolResult, Todo, error) {
	info, err := caller(ctx)
	if err != nil {
		return nil, Todo{}, err
	}
	if in.Content == "" {
		return nil, Todo{}, errors.New("content must not be empty")
	}
	return nil, s.Create(in.Content, info.Subject), nil
}

func (s *Store) getTodos(ctx context.Context, _ *mcp.CallToolRequest, _ GetTodosInput) (*mcp.CallToolResult, TodosOutput, error) {
	info, err := caller(ctx)
	if err != nil {
		return nil, TodosOutput{}, err
	}
	owner := info.Subject
	if info.HasScope(ScopeRead) {
		owner = ""
	}
	return nil, TodosOutput{Todos: s.List(owner)}, nil
}

func (s *Store) deleteTodo(ctx context.Context, _ *mcp.CallToolRequest, in DeleteTodoInput) (*mcp.CallToolResult, DeleteTodoOutput, error) {
	info, err := caller(ctx)
	if err != nil {
		return nil, DeleteTodoOutput{}, err
	}
	t, ok := s.Delete(in.ID, func(t Todo) bool { return t.OwnerID == info.Subject || info.HasScope(ScopeDelete) })
	if !ok {
		return nil, DeleteTodoOutput{}, errDenied
	}
	return nil, DeleteTodoOutput{Message: "Todo " + t.ID + " deleted", Details: t}, nil
}
