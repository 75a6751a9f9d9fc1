package mcpgosdk_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

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
