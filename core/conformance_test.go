package mcpauth_test

import (
	"net/http"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest/conformance"
)

// TestConformance runs the adapters' shared suite against core's own
// net/http middleware and metadata handler.
func TestConformance(t *testing.T) {
	conformance.Run(t, "net/http", func(t *testing.T, app conformance.App) string {
		reply := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			info, ok := mcpauth.AuthInfoFromContext(r.Context())
			status, body := conformance.Reply(r.Context(), info, ok)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		})
		mux := http.NewServeMux()
		for _, route := range app.Auth.MetadataRoutes() {
			mux.Handle(route.Path, route.Handler)
		}
		mux.Handle("/mcp", app.Bearer.Middleware()(reply))
		mux.Handle("/custom", app.Custom.Middleware()(reply))
		mux.Handle("/optional", app.Bearer.Middleware(mcpauth.Optional())(reply))
		mux.Handle("/skipped", app.Bearer.Middleware(mcpauth.Skipper(func(r *http.Request) bool { return r.URL.Path == "/skipped" }))(reply))
		mux.Handle("/bridge", app.Bearer.Middleware()(conformance.BridgeHandler()))
		return mcpauthtest.Serve(t, mux)
	})
}
