package mcpauth_test

import (
	"context"
	"fmt"
	"log"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// Verify opaque access tokens at the authorization server's introspection
// endpoint (RFC 7662), with the resource server's own client credentials.
// docs/introspection.md shows this configuration.
func ExampleIntrospection() {
	idp, _ := mcpauthtest.NewIssuer() // publishes introspection_endpoint in its metadata
	defer idp.Close()

	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource:             "https://api.example.com/mcp",
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(idp.URL(), mcpauth.OIDC)},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.Introspection(mcpauth.IntrospectionOptions{
		ClientID:     mcpauthtest.ClientID, // the MCP server's own client at the authorization server
		ClientSecret: mcpauthtest.ClientSecret,
		MaxAge:       30 * time.Second, // a revoked token is refused within 30 s (default 60 s)
	}), mcpauth.BearerOptions{
		Resource:       "https://api.example.com/mcp",
		RequiredScopes: []string{"read"},
	})
	if err != nil {
		log.Fatal(err)
	}

	token, _ := idp.OpaqueToken(map[string]any{"sub": "alice", "aud": "https://api.example.com/mcp", "scope": "read"})
	info, err := bearer.Authenticate(context.Background(), "Bearer "+token)
	fmt.Println(info.Subject, info.Scopes, err)

	_, err = bearer.Authenticate(context.Background(), "Bearer not-a-token-it-issued")
	fmt.Println(bearer.ErrorResponse(err).Status)
	// Output:
	// alice [read] <nil>
	// 401
}

// Accept JWTs and opaque tokens from the same authorization server: JWS
// tokens are verified locally, the others introspected.
func ExampleJWTOrIntrospection() {
	idp, _ := mcpauthtest.NewIssuer()
	defer idp.Close()
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource:             "https://api.example.com/mcp",
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(idp.URL(), mcpauth.OIDC)},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWTOrIntrospection(
		mcpauth.JWT(),
		mcpauth.Introspection(mcpauth.IntrospectionOptions{ClientID: mcpauthtest.ClientID, ClientSecret: mcpauthtest.ClientSecret}),
	), mcpauth.BearerOptions{Resource: "https://api.example.com/mcp"})
	if err != nil {
		log.Fatal(err)
	}
	claims := map[string]any{"sub": "alice", "aud": "https://api.example.com/mcp"}
	jwt, _ := idp.Token(claims)
	opaque, _ := idp.OpaqueToken(claims)
	for _, tok := range []string{jwt, opaque} {
		info, err := bearer.Authenticate(context.Background(), "Bearer "+tok)
		fmt.Println(info.Subject, err)
	}
	fmt.Println("introspection requests:", idp.IntrospectionRequests())
	// Output:
	// alice <nil>
	// alice <nil>
	// introspection requests: 1
}
