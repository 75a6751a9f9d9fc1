package mcpgosdk_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpgosdk "github.com/go-mcpauth/mcpauth/adapters/gosdk"
)

// whoami is a tool that reads the caller of the request it serves from ctx.
func whoami(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
	info, ok := mcpauth.AuthInfoFromContext(ctx)
	if !ok {
		return nil, nil, errors.New("not authenticated")
	}
	text := info.Subject + " via " + info.ClientID
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, nil, nil
}

// An MCP server built on the official SDK, protected by mcpauth: the tool
// reads the caller that the bearer middleware verified from its ctx, on a
// stateful server (the SDK's default) whose sessions are bound to their user.
func ExampleHandler() {
	// A local issuer stands in for the authorization server.
	iss, err := mcpauthtest.NewIssuer()
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()
	srv := httptest.NewUnstartedServer(nil)
	resource := "http://" + srv.Listener.Addr().String() + "/mcp"

	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: resource, RequiredScopes: []string{"read"}})
	if err != nil {
		log.Fatal(err)
	}

	// The MCP server, with the bridge's middleware, and its tool.
	server := mcp.NewServer(&mcp.Implementation{Name: "example", Version: "v1.0.0"}, nil)
	server.AddReceivingMiddleware(mcpgosdk.ContextMiddleware())
	mcp.AddTool(server, &mcp.Tool{Name: "whoami"}, whoami)
	sdk := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)

	// The wiring: metadata, then bearer middleware → bridge → SDK handler.
	mux := http.NewServeMux()
	mux.Handle("/.well-known/oauth-protected-resource/", auth.MetadataHandler())
	mux.Handle("/mcp", bearer.Middleware()(mcpgosdk.Handler(sdk)))
	srv.Config.Handler = mux
	srv.Start()
	defer srv.Close()

	// A client with a token of the issuer.
	token, err := iss.Token(map[string]any{"sub": "alice", "client_id": "cli", "aud": resource, "scope": "read"})
	if err != nil {
		log.Fatal(err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "client", Version: "v1.0.0"}, nil)
	cs, err := client.Connect(context.Background(), &mcp.StreamableClientTransport{
		Endpoint:   resource,
		HTTPClient: &http.Client{Transport: bearerTransport{token: token, base: http.DefaultTransport}},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer cs.Close()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "whoami"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Content[0].(*mcp.TextContent).Text)
	// Output: alice via cli
}
