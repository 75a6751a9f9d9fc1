package mcpchi_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
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

// TestOptionsConformance runs the cross-adapter options table with
// r.Use(mcpchi.BearerAuth(...)). chi has no error-rendering idiom (no
// PassErrors), and requires r.Use before any route, so RegisterMetadata
// comes after r.Use or not at all.
func TestOptionsConformance(t *testing.T) {
	conformance.RunOptions(t, "chi", conformance.Mount{NoPassErrors: true, Serve: func(t *testing.T, s conformance.Setup) string {
		var opts []mcpchi.Option
		for _, o := range s.Options {
			switch o {
			case conformance.Optional:
				opts = append(opts, mcpchi.Optional())
			case conformance.AuthenticatePreflight:
				opts = append(opts, mcpchi.AuthenticatePreflight())
			case conformance.Skipper:
				opts = append(opts, mcpchi.Skipper(func(r *http.Request) bool { return r.Header.Get("X-Skip") == "yes" }))
			case conformance.NilSkipper:
				opts = append(opts, mcpchi.Skipper(nil))
			case conformance.ErrorHandler:
				opts = append(opts, mcpchi.ErrorHandler(func(w http.ResponseWriter, _ *http.Request, err error) {
					var e *mcpauth.Error
					if errors.As(err, &e) {
						w.Header().Set("X-Error-Code", string(e.Code))
					}
					w.WriteHeader(conformance.HandledStatus)
					_, _ = w.Write([]byte(conformance.HandledBody))
				}))
			case conformance.NilErrorHandler:
				opts = append(opts, mcpchi.ErrorHandler(nil))
			default:
				t.Fatalf("chi has no option %s", o)
			}
		}
		r := chi.NewRouter()
		r.Use(middleware.Recoverer)
		if s.Order == conformance.MetadataBefore {
			mcpchi.RegisterMetadata(r, s.Auth)
			if !panics(func() { r.Use(mcpchi.BearerAuth(s.Bearer, opts...)) }) {
				t.Error("chi accepted r.Use after a route: the order this suite reports as forbidden is allowed")
			}
			return ""
		}
		r.Use(mcpchi.BearerAuth(s.Bearer, opts...))
		if s.Order == conformance.MetadataAfter {
			mcpchi.RegisterMetadata(r, s.Auth)
		}
		r.Handle("/mcp", conformanceReply())
		r.NotFound(conformanceReply().ServeHTTP)
		return mcpauthtest.Serve(t, r)
	}})
}

// panics reports whether f panics.
func panics(f func()) (did bool) {
	defer func() { did = recover() != nil }()
	f()
	return false
}

// TestMetadataPathsConformance: resource paths with spaces, '%', '*', ':',
// '{' and non-ASCII letters register without a panic and are served.
func TestMetadataPathsConformance(t *testing.T) {
	conformance.RunMetadataPaths(t, "chi", func(t *testing.T, auth *mcpauth.Auth, bearer *mcpauth.Bearer, use bool) string {
		r := chi.NewRouter()
		if use {
			r.Use(mcpchi.BearerAuth(bearer))
			r.Handle("/mcp", conformanceReply()) // chi runs r.Use middleware once r has a route
		} else {
			mcpchi.RegisterMetadata(r, auth)
		}
		return mcpauthtest.Serve(t, r)
	})
}

// TestOperationScopesConformance runs the per-operation scopes suite:
// chi is net/http, the handler is mounted as it is.
func TestOperationScopesConformance(t *testing.T) {
	conformance.RunOperationScopes(t, "chi", func(t *testing.T, bearer *mcpauth.Bearer, h http.Handler) string {
		r := chi.NewRouter()
		r.With(mcpchi.BearerAuth(bearer)).Handle("/mcp", h)
		return mcpauthtest.Serve(t, r)
	})
}
