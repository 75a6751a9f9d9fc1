package mcpauth_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// Per-tool scopes: a tools/call of delete-todo needs delete:todos on top of
// the endpoint's mcp scope. A token without it is refused with 403 and a
// challenge naming the scopes the call needs (the MCP step-up), before the
// MCP server runs; with it, the MCP server gets the body intact.
func ExampleBearerOptions_toolScopes() {
	idp, err := mcpauthtest.NewIssuer() // stands in for Auth0, Keycloak, Okta...
	if err != nil {
		log.Fatal(err)
	}
	defer idp.Close()
	const resource = "https://api.example.com/mcp"
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource:             resource,
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(idp.URL(), mcpauth.OIDC)},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       resource,
		RequiredScopes: []string{"mcp"},
		ToolScopes:     map[string][]string{"delete-todo": {"delete:todos"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	mcpServer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "the MCP server got %s", body)
	})
	srv := httptest.NewServer(bearer.Middleware()(mcpServer))
	defer srv.Close()

	call := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"delete-todo","arguments":{"id":"42"}}}`
	for _, scope := range []string{"mcp", "mcp delete:todos"} {
		token, err := idp.Token(map[string]any{"sub": "alice", "aud": resource, "scope": scope})
		if err != nil {
			log.Fatal(err)
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/mcp", strings.NewReader(call))
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		fmt.Println(strings.TrimSpace(fmt.Sprint(resp.StatusCode, " ", resp.Header.Get("WWW-Authenticate"))))
		fmt.Println(string(body))
	}
	// Output:
	// 403 Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request.", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp delete:todos"
	// {"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["delete:todos"]}
	// 200
	// the MCP server got {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"delete-todo","arguments":{"id":"42"}}}
}
