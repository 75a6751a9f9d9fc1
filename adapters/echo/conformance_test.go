package mcpecho_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echo"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest/conformance"
)

// TestConformance runs the suite every mcpauth adapter runs, over real HTTP,
// against echo in its production shape (echo.New with Recover, served by
// e.Start on a loopback listener).
func TestConformance(t *testing.T) {
	conformance.Run(t, "echo", func(t *testing.T, app conformance.App) string {
		e := newEcho()
		e.Use(middleware.Recover())
		mcpecho.RegisterMetadata(e, app.Auth)
		e.Any("/mcp", conformanceReply, mcpecho.BearerAuth(app.Bearer))
		e.Any("/custom", conformanceReply, mcpecho.BearerAuth(app.Custom))
		e.Any("/optional", conformanceReply, mcpecho.BearerAuth(app.Bearer, mcpecho.Optional()))
		e.Any("/skipped", conformanceReply, mcpecho.BearerAuth(app.Bearer, mcpecho.Skipper(func(c echo.Context) bool {
			return c.Request().URL.Path == "/skipped"
		})))
		e.Any("/bridge", echo.WrapHandler(conformance.BridgeHandler()), mcpecho.BearerAuth(app.Bearer))
		return start(t, e)
	})
}

// conformanceReply answers with conformance.Reply, given what mcpecho.AuthInfo
// returns and the request's standard context.
func conformanceReply(c echo.Context) error {
	info, ok := mcpecho.AuthInfo(c)
	status, body := conformance.Reply(c.Request().Context(), info, ok)
	return c.JSONBlob(status, body)
}

// TestOptionsConformance runs the cross-adapter options table with
// e.Use(mcpecho.BearerAuth(...)).
func TestOptionsConformance(t *testing.T) {
	conformance.RunOptions(t, "echo", conformance.Mount{Serve: func(t *testing.T, s conformance.Setup) string {
		var opts []mcpecho.Option
		for _, o := range s.Options {
			switch o {
			case conformance.Optional:
				opts = append(opts, mcpecho.Optional())
			case conformance.AuthenticatePreflight:
				opts = append(opts, mcpecho.AuthenticatePreflight())
			case conformance.Skipper:
				opts = append(opts, mcpecho.Skipper(func(c echo.Context) bool { return c.Request().Header.Get("X-Skip") == "yes" }))
			case conformance.NilSkipper:
				opts = append(opts, mcpecho.Skipper(nil))
			case conformance.ErrorHandler:
				opts = append(opts, mcpecho.ErrorHandler(func(c echo.Context, err error) error {
					var e *mcpauth.Error
					if errors.As(err, &e) {
						c.Response().Header().Set("X-Error-Code", string(e.Code))
					}
					return c.Blob(conformance.HandledStatus, "text/plain", []byte(conformance.HandledBody))
				}))
			case conformance.NilErrorHandler:
				opts = append(opts, mcpecho.ErrorHandler(nil))
			case conformance.PassErrors:
				opts = append(opts, mcpecho.PassErrors())
			}
		}
		e := newEcho()
		e.Use(middleware.Recover())
		e.HTTPErrorHandler = func(err error, c echo.Context) { // the application's error renderer
			var he *echo.HTTPError
			var me *mcpauth.Error
			if errors.As(err, &he) && errors.As(err, &me) {
				c.Response().WriteHeader(he.Code)
				_, _ = c.Response().Write([]byte(conformance.PassedBody(me.Code)))
				return
			}
			e.DefaultHTTPErrorHandler(err, c)
		}
		if s.Order == conformance.MetadataBefore {
			mcpecho.RegisterMetadata(e, s.Auth)
		}
		e.Use(mcpecho.BearerAuth(s.Bearer, opts...))
		if s.Order == conformance.MetadataAfter {
			mcpecho.RegisterMetadata(e, s.Auth)
		}
		e.Any("/mcp", conformanceReply)
		e.Any("/*", conformanceReply)
		return start(t, e)
	}})
}

// TestMetadataPathsConformance: resource paths with spaces, '%', '*', ':',
// '{' and non-ASCII letters register without a panic and are served.
func TestMetadataPathsConformance(t *testing.T) {
	conformance.RunMetadataPaths(t, "echo", func(t *testing.T, auth *mcpauth.Auth, bearer *mcpauth.Bearer, use bool) string {
		e := newEcho()
		if use {
			e.Use(mcpecho.BearerAuth(bearer))
		} else {
			mcpecho.RegisterMetadata(e, auth)
		}
		return start(t, e)
	})
}

// TestOperationScopesConformance runs the per-operation scopes suite, the
// handler behind echo.WrapHandler.
func TestOperationScopesConformance(t *testing.T) {
	conformance.RunOperationScopes(t, "echo", func(t *testing.T, bearer *mcpauth.Bearer, h http.Handler) string {
		e := echo.New()
		e.Any("/mcp", echo.WrapHandler(h), mcpecho.BearerAuth(bearer))
		return mcpauthtest.Serve(t, e)
	})
}
