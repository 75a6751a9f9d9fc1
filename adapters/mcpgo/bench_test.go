package mcpmcpgo_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"

	mcpmcpgo "github.com/go-mcpauth/mcpauth/adapters/mcpgo"
)

// BenchmarkHandler measures what the bridge adds to a request that the
// bearer middleware accepted: without a session id (stateless, initialize:
// the response's id is sealed) and with one (checked, then handed to mcp-go
// without the MAC).
func BenchmarkHandler(b *testing.B) {
	const innerID = "mcp-session-0b8a3c52-7f0e-4b7c-9d59-3f2f5a0e6c11"
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Mcp-Session-Id") == "" {
			w.Header().Set("Mcp-Session-Id", innerID)
		}
		w.WriteHeader(http.StatusOK)
	})
	h := mcpmcpgo.Handler(next)
	info := &mcpauth.AuthInfo{Issuer: "https://as.example.com", Subject: "alice"}
	newReq := func() *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/mcp", nil)
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		return req.WithContext(mcpauth.WithAuthInfo(req.Context(), info))
	}

	first := httptest.NewRecorder()
	h.ServeHTTP(first, newReq())
	sealed := first.Header().Get("Mcp-Session-Id")

	b.Run("no session", func(b *testing.B) {
		req := newReq()
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	b.Run("session", func(b *testing.B) {
		req := newReq()
		req.Header.Set("Mcp-Session-Id", sealed)
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
	b.Run("plain handler, for comparison", func(b *testing.B) {
		req := newReq()
		b.ReportAllocs()
		for b.Loop() {
			next.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}
