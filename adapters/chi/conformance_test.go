package mcpchi_test

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest/conformance"
)

// TestConformance runs the suite every mcpauth adapter runs, over real HTTP,
// against chi in its production shape (chi.NewRouter with Recoverer).
func TestConformance(t *testing.T) {
	conformance.Run(t, "chi", func(t *testing.T, app conformance.App) string {
		r := chi.NewRouter()
		r.Use(middleware.Recoverer)
		mcpchi.RegisterMetadata(r, app.Auth)
		r.With(mcpchi.BearerAuth(app.Bearer)).Handle("/mcp", conformanceReply())
		r.With(mcpchi.BearerAuth(app.Custom)).Handle("/custom", conformanceReply())
		r.With(mcpchi.BearerAuth(app.Bearer, mcpchi.Optional())).Handle("/optional", conformanceReply())
		r.With(mcpchi.BearerAuth(app.Bearer, mcpchi.Skipper(func(r *http.Request) bool {
			return r.URL.Path == "/skipped"
		}))).Handle("/skipped", conformanceReply())
		// chi is net/http: the bridge is mounting the handler as it is.
		r.With(mcpchi.BearerAuth(app.Bearer)).Handle("/bridge", conformance.BridgeHandler())
		return mcpauthtest.Serve(t, r)
	})
}

// conformanceReply answers every method with conformance.Reply, given what
// mcpchi.AuthInfo returns and the request's context.
func conformanceReply() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, ok := mcpchi.AuthInfo(r)
		status, body := conformance.Reply(r.Context(), info, ok)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}
