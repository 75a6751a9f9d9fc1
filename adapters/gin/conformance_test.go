package mcpgin_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest/conformance"
)

// TestConformance runs the adapters' shared suite against gin in its
// default production shape: gin.New() in release mode with gin.Recovery().
func TestConformance(t *testing.T) {
	conformance.Run(t, "gin", func(t *testing.T, app conformance.App) string {
		reply := func(c *gin.Context) {
			info, ok := mcpgin.AuthInfo(c)
			status, body := conformance.Reply(c.Request.Context(), info, ok)
			c.Data(status, "application/json", body)
		}
		r := gin.New()
		r.Use(gin.Recovery())
		mcpgin.RegisterMetadata(r, app.Auth)
		r.Any("/mcp", mcpgin.BearerAuth(app.Bearer), reply)
		r.Any("/custom", mcpgin.BearerAuth(app.Custom), reply)
		r.Any("/optional", mcpgin.BearerAuth(app.Bearer, mcpgin.Optional()), reply)
		r.Any("/skipped", mcpgin.BearerAuth(app.Bearer, mcpgin.Skipper(func(c *gin.Context) bool {
			return c.Request.URL.Path == "/skipped"
		})), reply)
		r.Any("/bridge", mcpgin.BearerAuth(app.Bearer), gin.WrapH(conformance.BridgeHandler()))
		return mcpauthtest.Serve(t, r)
	})
}

// TestOptionsConformance runs the cross-adapter options table with
// r.Use(mcpgin.BearerAuth(...)) on the engine.
func TestOptionsConformance(t *testing.T) {
	conformance.RunOptions(t, "gin", conformance.Mount{Serve: func(t *testing.T, s conformance.Setup) string {
		reply := func(c *gin.Context) {
			info, ok := mcpgin.AuthInfo(c)
			status, body := conformance.Reply(c.Request.Context(), info, ok)
			c.Data(status, "application/json", body)
		}
		var opts []mcpgin.Option
		for _, o := range s.Options {
			switch o {
			case conformance.Optional:
				opts = append(opts, mcpgin.Optional())
			case conformance.AuthenticatePreflight:
				opts = append(opts, mcpgin.AuthenticatePreflight())
			case conformance.Skipper:
				opts = append(opts, mcpgin.Skipper(func(c *gin.Context) bool { return c.GetHeader("X-Skip") == "yes" }))
			case conformance.NilSkipper:
				opts = append(opts, mcpgin.Skipper(nil))
			case conformance.ErrorHandler:
				opts = append(opts, mcpgin.ErrorHandler(func(c *gin.Context, err error) {
					var e *mcpauth.Error
					if errors.As(err, &e) {
						c.Header("X-Error-Code", string(e.Code))
					}
					c.Data(conformance.HandledStatus, "text/plain", []byte(conformance.HandledBody))
				}))
			case conformance.NilErrorHandler:
				opts = append(opts, mcpgin.ErrorHandler(nil))
			case conformance.PassErrors:
				opts = append(opts, mcpgin.PassErrors())
			}
		}
		r := gin.New()
		r.Use(gin.Recovery(), func(c *gin.Context) { // the application's error renderer
			c.Next()
			var e *mcpauth.Error
			if len(c.Errors) > 0 && errors.As(c.Errors.Last().Err, &e) {
				_, _ = c.Writer.Write([]byte(conformance.PassedBody(e.Code)))
			}
		})
		if s.Order == conformance.MetadataBefore {
			mcpgin.RegisterMetadata(r, s.Auth)
		}
		r.Use(mcpgin.BearerAuth(s.Bearer, opts...))
		if s.Order == conformance.MetadataAfter {
			mcpgin.RegisterMetadata(r, s.Auth)
		}
		r.Any("/mcp", reply)
		r.NoRoute(reply)
		return mcpauthtest.Serve(t, r)
	}})
}

// TestMetadataPathsConformance: resource paths with spaces, '%', '*', ':',
// '{' and non-ASCII letters register without a panic and are served.
func TestMetadataPathsConformance(t *testing.T) {
	conformance.RunMetadataPaths(t, "gin", func(t *testing.T, auth *mcpauth.Auth, bearer *mcpauth.Bearer, use bool) string {
		r := gin.New()
		if use {
			r.Use(mcpgin.BearerAuth(bearer))
		} else {
			mcpgin.RegisterMetadata(r, auth)
		}
		return mcpauthtest.Serve(t, r)
	})
}

// TestOperationScopesConformance runs the per-operation scopes suite, the
// handler behind gin.WrapH.
func TestOperationScopesConformance(t *testing.T) {
	conformance.RunOperationScopes(t, "gin", func(t *testing.T, bearer *mcpauth.Bearer, h http.Handler) string {
		r := gin.New()
		r.Any("/mcp", mcpgin.BearerAuth(bearer), gin.WrapH(h))
		return mcpauthtest.Serve(t, r)
	})
}
