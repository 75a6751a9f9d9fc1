package mcpauth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// Protect a net/http MCP endpoint: publish its protected resource metadata
// and require a token for the resource with the "read" scope.
func Example() {
	idp, _ := mcpauthtest.NewIssuer() // stands in for Auth0, Keycloak, Okta...
	defer idp.Close()

	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource:             "https://api.example.com/mcp",
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(idp.URL(), mcpauth.OIDC)},
			ScopesSupported:      []string{"read", "write"},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://api.example.com/mcp",
		RequiredScopes: []string{"read"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mcpHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, _ := mcpauth.AuthInfoFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", info.Subject)
	})
	mux := http.NewServeMux()
	mux.Handle("/.well-known/oauth-protected-resource/", auth.MetadataHandler())
	mux.Handle("/mcp", bearer.Middleware()(mcpHandler))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A client without a token is told where to find the authorization server.
	resp, _ := http.Get(srv.URL + "/mcp")
	fmt.Println(resp.StatusCode, resp.Header.Get("WWW-Authenticate"))

	// A client with a token for the resource gets through.
	token, _ := idp.Token(map[string]any{"sub": "alice", "aud": "https://api.example.com/mcp", "scope": "read"})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/mcp", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, _ = http.DefaultClient.Do(req)
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output:
	// 401 Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp", scope="read"
	// 200 hello alice
}

// A custom verifier for opaque tokens (introspection, a database, ...). The
// bearer still checks the issuer, the audience and the scopes it returns.
func ExampleVerifyFunc() {
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource: "https://api.example.com/mcp",
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Resolved(mcpauth.AuthServerMetadata{
				Issuer:                        "https://idp.example.com",
				AuthorizationEndpoint:         "https://idp.example.com/authorize",
				TokenEndpoint:                 "https://idp.example.com/token",
				RegistrationEndpoint:          "https://idp.example.com/register",
				ResponseTypesSupported:        []string{"code"},
				CodeChallengeMethodsSupported: []string{"S256"},
			}, mcpauth.OAuth)},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	verify := mcpauth.VerifyFunc(func(ctx context.Context, token string) (*mcpauth.AuthInfo, error) {
		if token != "opaque-123" {
			return nil, fmt.Errorf("unknown token: %w", mcpauth.CodeInvalidToken)
		}
		return &mcpauth.AuthInfo{Issuer: "https://idp.example.com", Subject: "bob", Audience: []string{"https://api.example.com/mcp"}}, nil
	})
	bearer, err := auth.BearerAuth(verify, mcpauth.BearerOptions{Resource: "https://api.example.com/mcp"})
	if err != nil {
		log.Fatal(err)
	}
	info, err := bearer.Authenticate(context.Background(), "Bearer opaque-123")
	fmt.Println(info.Subject, err)
	_, err = bearer.Authenticate(context.Background(), "Bearer other")
	fmt.Println(errors.Is(err, mcpauth.CodeInvalidToken))
	// Output:
	// bob <nil>
	// true
}

// Every refusal maps to one answer: status, challenge and JSON body.
func ExampleBearer_ErrorResponse() {
	auth, _ := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             "https://api.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://idp.example.com", mcpauth.OIDC)},
	}}})
	bearer, _ := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"}})
	_, err := bearer.Authenticate(context.Background(), "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
	resp := bearer.ErrorResponse(err)
	fmt.Println(resp.Status)
	fmt.Println(resp.Header.Get("WWW-Authenticate"))
	fmt.Println(string(resp.Body))
	// Output:
	// 401
	// Bearer error="invalid_request", error_description="Invalid `Authorization` header format. Expected 'Bearer <token>'.", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp", scope="read"
	// {"error":"invalid_auth_header_format","error_description":"Invalid `Authorization` header format. Expected 'Bearer <token>'."}
}

// The discovery URL of an issuer, RFC 8414 (OAuth) versus OpenID Connect.
func ExampleDiscoveryURL() {
	oauth, _ := mcpauth.DiscoveryURL("https://idp.example.com/tenant", mcpauth.OAuth)
	oidc, _ := mcpauth.DiscoveryURL("https://idp.example.com/tenant", mcpauth.OIDC)
	fmt.Println(oauth)
	fmt.Println(oidc)
	// Output:
	// https://idp.example.com/.well-known/oauth-authorization-server/tenant
	// https://idp.example.com/tenant/.well-known/openid-configuration
}
