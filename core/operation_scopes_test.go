package mcpauth_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

const opsResource = "https://mcp.example.com/mcp"

// opsFixture is a Bearer with per-operation scopes and a token minter.
type opsFixture struct {
	iss    *mcpauthtest.Issuer
	bearer *mcpauth.Bearer
}

func newOpsFixture(t *testing.T, limit int64) opsFixture {
	t.Helper()
	iss := mcpauthtest.MustNewIssuer(t)
	auth := resourceAuth(t, opsResource, iss)
	return opsFixture{iss, jwtBearer(t, auth, mcpauth.BearerOptions{
		Resource:       opsResource,
		RequiredScopes: []string{"mcp"},
		MethodScopes:   map[string][]string{"resources/read": {"files:read"}},
		ToolScopes:     map[string][]string{"delete-todo": {"delete:todos"}, "create-todo": {"create:todos"}},
		BodyPeekLimit:  limit,
	})}
}

func (f opsFixture) auth(t *testing.T, scopes string) string {
	t.Helper()
	return "Bearer " + f.iss.MustToken(t, map[string]any{"sub": "alice", "aud": opsResource, "scope": scopes})
}

// bodyEcho answers 200 with the body it read, or 502 with the read error.
var bodyEcho = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, err.Error())
		return
	}
	_, _ = w.Write(body)
})

func toolCallBody(tool string) string {
	return `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"` + tool + `","arguments":{"content":"x"}}}`
}

// TestOperationScopesMiddleware: through the net/http middleware, the
// answers to requests whose operations need scopes, and the body the next
// handler reads, byte for byte.
func TestOperationScopesMiddleware(t *testing.T) {
	f := newOpsFixture(t, 256)
	big := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create-todo","arguments":{"content":"` + strings.Repeat("é", 400) + `"}}}`
	every := "mcp create:todos delete:todos files:read"
	const md = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
	for _, tc := range []struct {
		name, method, body, scopes, encoding string
		status                               int
		challenge, respBody                  string // for refusals
	}{
		{name: "allowed call", method: "POST", body: toolCallBody("create-todo"), scopes: "mcp create:todos", status: 200},
		{name: "unlisted tool", method: "POST", body: toolCallBody("whoami"), scopes: "mcp", status: 200},
		{name: "missing tool scope", method: "POST", body: toolCallBody("delete-todo"), scopes: "mcp create:todos", status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request.", resource_metadata="` + md + `", scope="mcp delete:todos"`,
			respBody:  `{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["delete:todos"]}`},
		{name: "missing endpoint and tool scopes: one challenge for both", method: "POST", body: toolCallBody("delete-todo"), scopes: "", status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request.", resource_metadata="` + md + `", scope="mcp delete:todos"`,
			respBody:  `{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["mcp","delete:todos"]}`},
		{name: "missing endpoint scope only", method: "POST", body: toolCallBody("whoami"), scopes: "create:todos", status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request.", resource_metadata="` + md + `", scope="mcp"`,
			respBody:  `{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["mcp"]}`},
		{name: "batch mixing a harmless and a privileged call", method: "POST", body: `[{"jsonrpc":"2.0","id":1,"method":"ping"},` + toolCallBody("delete-todo") + `]`, scopes: "mcp", status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request.", resource_metadata="` + md + `", scope="mcp delete:todos"`,
			respBody:  `{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["delete:todos"]}`},
		{name: "method scope", method: "POST", body: `{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"x"}}`, scopes: "mcp", status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request.", resource_metadata="` + md + `", scope="mcp files:read"`,
			respBody:  `{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["files:read"]}`},
		{name: "malformed JSON passes to the SDK", method: "POST", body: `{"method":"tools/call","params":{"name":"delete-todo"`, scopes: "mcp", status: 200},
		{name: "not JSON, any content type", method: "POST", body: "name=delete-todo", scopes: "mcp", status: 200},
		{name: "GET without a body", method: "GET", scopes: "mcp", status: 200},
		{name: "DELETE without a body", method: "DELETE", scopes: "mcp", status: 200},
		{name: "a body on GET is checked too", method: "GET", body: toolCallBody("delete-todo"), scopes: "mcp", status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request.", resource_metadata="` + md + `", scope="mcp delete:todos"`,
			respBody:  `{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["delete:todos"]}`},
		{name: "over the limit with every scope: passes intact", method: "POST", body: big, scopes: every, status: 200},
		{name: "over the limit without every scope", method: "POST", body: big, scopes: "mcp create:todos", status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The request body is larger than 256 bytes, so it cannot be checked for per-operation scopes: it needs every scope this server requires for an operation.", resource_metadata="` + md + `", scope="mcp create:todos delete:todos files:read"`,
			respBody:  `{"error":"missing_required_scopes","error_description":"The request body is larger than 256 bytes, so it cannot be checked for per-operation scopes: it needs every scope this server requires for an operation.","missing_scopes":["delete:todos","files:read"]}`},
		{name: "exactly the limit is checked", method: "POST", body: toolCallBody("create-todo") + strings.Repeat(" ", 256-len(toolCallBody("create-todo"))), scopes: "mcp create:todos", status: 200},
		{name: "gzip without every scope", method: "POST", body: toolCallBody("create-todo"), encoding: "gzip", scopes: "mcp create:todos", status: 403,
			challenge: `Bearer error="insufficient_scope", error_description="The request body is encoded (a Content-Encoding other than identity), so it cannot be checked for per-operation scopes: it needs every scope this server requires for an operation.", resource_metadata="` + md + `", scope="mcp create:todos delete:todos files:read"`,
			respBody:  `{"error":"missing_required_scopes","error_description":"The request body is encoded (a Content-Encoding other than identity), so it cannot be checked for per-operation scopes: it needs every scope this server requires for an operation.","missing_scopes":["delete:todos","files:read"]}`},
		{name: "gzip with every scope", method: "POST", body: toolCallBody("create-todo"), encoding: "gzip", scopes: every, status: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			r := httptest.NewRequest(tc.method, "/mcp", body)
			r.Header.Set("Authorization", f.auth(t, tc.scopes))
			if tc.encoding != "" {
				r.Header.Set("Content-Encoding", tc.encoding)
			}
			w := httptest.NewRecorder()
			f.bearer.Middleware()(bodyEcho).ServeHTTP(w, r)
			got := w.Body.String()
			if w.Code != tc.status {
				t.Fatalf("status %d %s, want %d", w.Code, got, tc.status)
			}
			if tc.status == 200 {
				if got != tc.body {
					t.Errorf("the next handler read %d bytes %q, want the %d bytes sent", len(got), got, len(tc.body))
				}
				return
			}
			if h := w.Header().Get("WWW-Authenticate"); h != tc.challenge {
				t.Errorf("WWW-Authenticate:\n got %s\nwant %s", h, tc.challenge)
			}
			if got != tc.respBody {
				t.Errorf("body:\n got %s\nwant %s", got, tc.respBody)
			}
		})
	}
}

// TestOperationScopesRealServer: the same over a real connection, with a
// chunked body (no Content-Length) and Authenticate, which sees no body,
// applying only RequiredScopes.
func TestOperationScopesRealServer(t *testing.T) {
	f := newOpsFixture(t, 0)
	base := mcpauthtest.Serve(t, f.bearer.Middleware()(bodyEcho))
	for _, tc := range []struct {
		scopes string
		want   int
	}{{"mcp", 403}, {"mcp delete:todos", 200}} {
		req, err := http.NewRequest(http.MethodPost, base+"/mcp", io.MultiReader(strings.NewReader(toolCallBody("delete-todo")))) // unknown length: chunked
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", f.auth(t, tc.scopes))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != tc.want || (tc.want == 200 && string(got) != toolCallBody("delete-todo")) {
			t.Errorf("scopes %q: %d %s, want %d", tc.scopes, resp.StatusCode, got, tc.want)
		}
	}
	if _, err := f.bearer.Authenticate(context.Background(), f.auth(t, "mcp")); err != nil {
		t.Errorf("Authenticate applies per-operation scopes it cannot see: %v", err)
	}
}

// failingBody returns its bytes, then err.
type failingBody struct {
	r   io.Reader
	err error
}

func (b *failingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, b.err
	}
	return n, err
}

func (b *failingBody) Close() error { return nil }

// TestOperationScopesReadError: a body that fails while the flow reads it is
// given to the next handler with the same bytes, then the same error (an
// *http.MaxBytesError stays one, so the SDK still answers 413).
func TestOperationScopesReadError(t *testing.T) {
	f := newOpsFixture(t, 0)
	tooBig := &http.MaxBytesError{Limit: 10}
	var gotErr error
	var got []byte
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, gotErr = io.ReadAll(r.Body)
	})
	r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	r.Body = &failingBody{r: strings.NewReader(`{"method":"tools/c`), err: tooBig}
	r.Header.Set("Authorization", f.auth(t, "mcp"))
	f.bearer.Middleware()(next).ServeHTTP(httptest.NewRecorder(), r)
	var mbe *http.MaxBytesError
	if string(got) != `{"method":"tools/c` || !errors.As(gotErr, &mbe) {
		t.Errorf("the next handler read %q, %v; want the bytes then the MaxBytesError", got, gotErr)
	}
}

// TestOperationScopesOptional: with Optional, an anonymous request passes
// unless its operations need a scope: then 401, naming the scopes.
func TestOperationScopesOptional(t *testing.T) {
	f := newOpsFixture(t, 0)
	mw := f.bearer.Middleware(mcpauth.Optional())
	for _, tc := range []struct {
		body      string
		status    int
		challenge string
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`, 200, ""},
		{toolCallBody("whoami"), 200, ""},
		{toolCallBody("delete-todo"), 401, `Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp delete:todos"`},
	} {
		r := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(tc.body))
		w := httptest.NewRecorder()
		mw(bodyEcho).ServeHTTP(w, r)
		if w.Code != tc.status || w.Header().Get("WWW-Authenticate") != tc.challenge || (tc.status == 200 && w.Body.String() != tc.body) {
			t.Errorf("%s: %d %q %s, want %d %q", tc.body, w.Code, w.Header().Get("WWW-Authenticate"), w.Body.Bytes(), tc.status, tc.challenge)
		}
	}
}

// TestOperationScopesFlowBody: an adapter that holds the body (fasthttp)
// passes Request.Body; a Request with no body access at all needs every
// per-operation scope.
func TestOperationScopesFlowBody(t *testing.T) {
	f := newOpsFixture(t, 0)
	flow := testEdge(f.bearer)
	body := []byte(toolCallBody("delete-todo"))
	authz := []string{f.auth(t, "mcp delete:todos")}
	if err := flow.Dispatch(context.Background(), struct{}{}, mcpauth.Request{Method: "POST", Path: "/mcp", Authorization: authz, Body: func() []byte { return body }}, nil); err != nil {
		t.Errorf("with Body: %v", err)
	}
	err := flow.Dispatch(context.Background(), struct{}{}, mcpauth.Request{Method: "POST", Path: "/mcp", Authorization: authz}, nil)
	var refused *edgeRefusal
	if !errors.As(err, &refused) || refused.resp.Status != 403 || !bytes.Contains(refused.resp.Body, []byte("not available")) {
		t.Errorf("without Body: %v", err)
	}
}
