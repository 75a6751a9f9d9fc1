package conformance

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// OperationsMount builds a server for [RunOperationScopes]: at /mcp, for
// every HTTP method, BearerAuth(bearer) in front of h mounted through the
// framework's net/http bridge (gin.WrapH, echo.WrapHandler,
// mcpfiber.HTTPHandler; chi and net/http mount h as it is), as an MCP SDK's
// handler is mounted. It returns the base URL.
type OperationsMount func(t *testing.T, bearer *mcpauth.Bearer, h http.Handler) (baseURL string)

// OperationsPeekLimit is the BodyPeekLimit of the bearer of
// [RunOperationScopes].
const OperationsPeekLimit = 1024

// echoBody is the handler behind the middleware in RunOperationScopes: it
// answers 200 with the body it read, and the caller's subject in
// X-Subject.
func echoBody() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if info, ok := mcpauth.AuthInfoFromContext(r.Context()); ok {
			w.Header().Set("X-Subject", info.Subject)
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(body)
	})
}

// RunOperationScopes checks the per-operation scopes
// (BearerOptions.ToolScopes and MethodScopes) through the adapter: the
// JSON-RPC body is read by the middleware and reaches the handler behind
// the framework's net/http bridge byte for byte; a token lacking the scope
// of a tools/call, of a method or of one entry of a batch gets the same 403
// step-up challenge and body in every adapter; malformed JSON and GET pass
// to the handler; a body over the limit, or gzip-encoded, needs every
// per-operation scope.
func RunOperationScopes(t *testing.T, framework string, mount OperationsMount) {
	t.Helper()
	iss := mcpauthtest.MustNewIssuer(t)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: Resource, AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       Resource,
		RequiredScopes: []string{"read"},
		ToolScopes:     map[string][]string{"delete-todo": {"delete:todos"}},
		MethodScopes:   map[string][]string{"resources/read": {"files:read"}},
		BodyPeekLimit:  OperationsPeekLimit,
	})
	if err != nil {
		t.Fatal(err)
	}
	base := mount(t, bearer, echoBody())
	token := func(scopes string) string {
		return "Bearer " + iss.MustToken(t, map[string]any{"sub": "alice", "aud": Resource, "scope": scopes})
	}
	call := func(tool string) string {
		return `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"` + tool + `","arguments":{"content":"caf\u00e9 ☕"}}}`
	}
	big := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{"pad":"` + strings.Repeat("x", 3*OperationsPeekLimit) + `"}}}`
	const desc = "The token does not contain the necessary scopes for this request."
	const bigDesc = "The request body is larger than 1024 bytes, so it cannot be checked for per-operation scopes: it needs every scope this server requires for an operation."
	const gzipDesc = "The request body is encoded (a Content-Encoding other than identity), so it cannot be checked for per-operation scopes: it needs every scope this server requires for an operation."
	challenge := func(desc, scope string) string {
		return `Bearer error="insufficient_scope", error_description="` + desc + `", resource_metadata="` + MetadataURL + `", scope="` + scope + `"`
	}
	refusal := func(desc, missing string) string {
		return `{"error":"missing_required_scopes","error_description":"` + desc + `","missing_scopes":["` + strings.ReplaceAll(missing, " ", `","`) + `"]}`
	}
	for _, tc := range []struct {
		name, method, body, scopes, encoding string
		status                               int
		challenge, refusal                   string
	}{
		{name: "tools/call allowed", method: "POST", body: call("delete-todo"), scopes: "read delete:todos", status: 200},
		{name: "tools/call of a tool without scopes", method: "POST", body: call("whoami"), scopes: "read", status: 200},
		{name: "tools/call missing the tool's scope", method: "POST", body: call("delete-todo"), scopes: "read", status: 403,
			challenge: challenge(desc, "read delete:todos"), refusal: refusal(desc, "delete:todos")},
		{name: "method missing its scope", method: "POST", body: `{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a"}}`, scopes: "read delete:todos", status: 403,
			challenge: challenge(desc, "read files:read"), refusal: refusal(desc, "files:read")},
		{name: "batch hiding a privileged call after a harmless one", method: "POST", body: `[{"jsonrpc":"2.0","id":1,"method":"ping"},` + call("delete-todo") + `]`, scopes: "read", status: 403,
			challenge: challenge(desc, "read delete:todos"), refusal: refusal(desc, "delete:todos")},
		{name: "duplicate method keys", method: "POST", body: `{"jsonrpc":"2.0","id":1,"method":"ping","METHOD":"tools/call","method":"tools/call","params":{"name":"delete-todo"}}`, scopes: "read", status: 403,
			challenge: challenge(desc, "read delete:todos"), refusal: refusal(desc, "delete:todos")},
		{name: "malformed JSON passes", method: "POST", body: `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"delete-todo"`, scopes: "read", status: 200},
		{name: "GET passes", method: "GET", scopes: "read", status: 200},
		{name: "DELETE passes", method: "DELETE", scopes: "read", status: 200},
		{name: "over the limit with every scope", method: "POST", body: big, scopes: "read delete:todos files:read", status: 200},
		{name: "over the limit without every scope", method: "POST", body: big, scopes: "read", status: 403,
			challenge: challenge(bigDesc, "read delete:todos files:read"), refusal: refusal(bigDesc, "delete:todos files:read")},
		{name: "gzip without every scope", method: "POST", body: call("whoami"), encoding: "gzip", scopes: "read delete:todos", status: 403,
			challenge: challenge(gzipDesc, "read delete:todos files:read"), refusal: refusal(gzipDesc, "files:read")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, base+"/mcp", body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", token(tc.scopes))
			req.Header.Set("Content-Type", "application/json")
			if tc.encoding != "" {
				req.Header.Set("Content-Encoding", tc.encoding)
			}
			got := mcpauthtest.Do(t, req)
			if got.Status != tc.status {
				t.Fatalf("%s: status %d %s, want %d", framework, got.Status, got.Body, tc.status)
			}
			if tc.status == http.StatusOK {
				if !bytes.Equal(got.Body, []byte(tc.body)) || got.Header.Get("X-Subject") != "alice" {
					t.Errorf("%s: the handler read %d bytes (subject %q), want the %d bytes sent, for alice", framework, len(got.Body), got.Header.Get("X-Subject"), len(tc.body))
				}
				return
			}
			if h := got.Header.Get("WWW-Authenticate"); h != tc.challenge {
				t.Errorf("%s: WWW-Authenticate\n got %s\nwant %s", framework, h, tc.challenge)
			}
			if string(got.Body) != tc.refusal || got.Header.Get("X-Subject") != "" {
				t.Errorf("%s: body\n got %s\nwant %s", framework, got.Body, tc.refusal)
			}
		})
	}
}
