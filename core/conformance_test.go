package mcpauth_test

import (
	"errors"
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

// TestOptionsConformance runs the cross-adapter options table against core's
// net/http middleware wrapping a whole mux (the net/http form of Use).
func TestOptionsConformance(t *testing.T) {
	conformance.RunOptions(t, "net/http", conformance.Mount{NoPassErrors: true, Serve: func(t *testing.T, s conformance.Setup) string {
		var opts []mcpauth.MiddlewareOption
		for _, o := range s.Options {
			switch o {
			case conformance.Optional:
				opts = append(opts, mcpauth.Optional())
			case conformance.AuthenticatePreflight:
				opts = append(opts, mcpauth.AuthenticatePreflight())
			case conformance.Skipper:
				opts = append(opts, mcpauth.Skipper(func(r *http.Request) bool { return r.Header.Get("X-Skip") == "yes" }))
			case conformance.NilSkipper:
				opts = append(opts, mcpauth.Skipper(nil))
			case conformance.ErrorHandler:
				opts = append(opts, mcpauth.ErrorHandler(func(w http.ResponseWriter, _ *http.Request, err error) {
					var e *mcpauth.Error
					if errors.As(err, &e) {
						w.Header().Set("X-Error-Code", string(e.Code))
					}
					w.WriteHeader(conformance.HandledStatus)
					_, _ = w.Write([]byte(conformance.HandledBody))
				}))
			case conformance.NilErrorHandler:
				opts = append(opts, mcpauth.ErrorHandler(nil))
			default:
				t.Fatalf("net/http has no option %s", o)
			}
		}
		reply := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			info, ok := mcpauth.AuthInfoFromContext(r.Context())
			status, body := conformance.Reply(r.Context(), info, ok)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		})
		mux := http.NewServeMux()
		if s.Order == conformance.MetadataBefore {
			mux.Handle("/.well-known/", s.Auth.MetadataHandler())
		}
		mux.Handle("/", reply) // /mcp and every other path
		if s.Order == conformance.MetadataAfter {
			mux.Handle("/.well-known/", s.Auth.MetadataHandler())
		}
		return mcpauthtest.Serve(t, s.Bearer.Middleware(opts...)(mux))
	}})
}

// TestMetadataPathsConformance: resource paths with spaces, '%', '*', ':',
// '{' and non-ASCII letters are served by MetadataHandler and by the
// middleware wrapping a mux.
func TestMetadataPathsConformance(t *testing.T) {
	conformance.RunMetadataPaths(t, "net/http", func(t *testing.T, auth *mcpauth.Auth, bearer *mcpauth.Bearer, use bool) string {
		if use {
			return mcpauthtest.Serve(t, bearer.Middleware()(http.NotFoundHandler()))
		}
		return mcpauthtest.Serve(t, auth.MetadataHandler())
	})
}

// TestOperationScopesConformance runs the per-operation scopes suite
// against the net/http middleware.
func TestOperationScopesConformance(t *testing.T) {
	conformance.RunOperationScopes(t, "net/http", func(t *testing.T, bearer *mcpauth.Bearer, h http.Handler) string {
		return mcpauthtest.Serve(t, bearer.Middleware()(h))
	})
}
