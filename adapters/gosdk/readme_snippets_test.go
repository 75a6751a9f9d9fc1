package mcpgosdk_test

import (
	"net/http"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"

	mcpgosdk "github.com/go-mcpauth/mcpauth/adapters/gosdk"
)

// TestReadmeSnippets compiles the README's smaller snippets (readme_test.go
// checks that each README block is in this file or in example_test.go) and
// checks what they build.
func TestReadmeSnippets(t *testing.T) {
	var sdk http.Handler = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return nil }, nil)

	h := mcpgosdk.Handler(sdk, mcpgosdk.WithUserID(func(i *mcpauth.AuthInfo) string { return i.Issuer + "#" + i.Subject }))
	if h == nil {
		t.Fatal("Handler returned nil")
	}

	mw := auth.RequireBearerToken(mcpgosdk.TokenVerifier(), &auth.RequireBearerTokenOptions{
		AllowMissingExpiration: true,
		ClockSkew:              mcpauth.DefaultLeeway, // the bearer's Leeway
	})
	if mw(sdk) == nil {
		t.Fatal("RequireBearerToken returned nil")
	}
}
