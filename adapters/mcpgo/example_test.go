package mcpmcpgo_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpmcpgo "github.com/go-mcpauth/mcpauth/adapters/mcpgo"
)

// whoami is a tool that reads the caller of the request it serves from ctx.
func whoami(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	info, ok := mcpauth.AuthInfoFromContext(ctx)
	if !ok {
		return nil, errors.New("not authenticated")
	}
	return mcp.NewToolResultText(info.Subject + " via " + info.ClientID), nil
}

// An mcp-go MCP server protected by mcpauth: the tool reads the caller the
// bearer middleware verified, and sessions are bound to their user.
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

	mcpServer := server.NewMCPServer("example", "1.0.0")
	mcpServer.AddTool(mcp.NewTool("whoami", mcp.WithDescription("Who is calling")), whoami)
	streamable := server.NewStreamableHTTPServer(mcpServer, server.WithStateful(true))

	mux := http.NewServeMux()
	mux.Handle("/.well-known/oauth-protected-resource/", auth.MetadataHandler())
	mux.Handle("/mcp", bearer.Middleware()(mcpmcpgo.Handler(streamable)))
	srv.Config.Handler = mux
	srv.Start()
	defer srv.Close()

	// mcp-go's client with a token of the issuer.
	token, err := iss.Token(map[string]any{"sub": "alice", "client_id": "cli", "aud": resource, "scope": "read"})
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.NewStreamableHttpClient(resource, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
		log.Fatal(err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "whoami"
	res, err := c.CallTool(ctx, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Content[0].(mcp.TextContent).Text)
	// Output: alice via cli
}
