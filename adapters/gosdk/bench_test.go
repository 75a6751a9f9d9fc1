package mcpgosdk_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"

	mcpgosdk "github.com/go-mcpauth/mcpauth/adapters/gosdk"
)

// BenchmarkHandler measures what the bridge adds to a request that the
// bearer middleware accepted: the TokenInfo and the SDK's context key.
func BenchmarkHandler(b *testing.B) {
	h := mcpgosdk.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	info := &mcpauth.AuthInfo{Token: "t", Subject: "alice", Scopes: []string{"read", "write"}, ExpiresAt: time.Now().Add(time.Hour)}
	req := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req = req.WithContext(mcpauth.WithAuthInfo(req.Context(), info))
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

// BenchmarkContextMiddleware measures what ContextMiddleware adds to each
// MCP message: reading the AuthInfo from the TokenInfo and one
// context.WithValue.
func BenchmarkContextMiddleware(b *testing.B) {
	info := &mcpauth.AuthInfo{Subject: "alice"}
	req := &mcp.CallToolRequest{Extra: &mcp.RequestExtra{TokenInfo: mcpgosdk.TokenInfo(info)}}
	h := mcpgosdk.ContextMiddleware()(func(ctx context.Context, _ string, _ mcp.Request) (mcp.Result, error) {
		if got, _ := mcpauth.AuthInfoFromContext(ctx); got != info {
			b.Fatal("wrong AuthInfo")
		}
		return nil, nil
	})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = h(ctx, "tools/call", req)
	}
}
