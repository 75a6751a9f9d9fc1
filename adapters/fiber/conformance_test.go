package mcpfiber_test

import (
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest/conformance"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiber"
)

// TestConformance runs the shared conformance suite against fiber in its
// default production shape (fiber.New + the recover middleware) on a real
// loopback listener.
func TestConformance(t *testing.T) {
	conformance.Run(t, "fiber", func(t *testing.T, app conformance.App) string {
		f := newApp()
		mcpfiber.RegisterMetadata(f, app.Auth)
		f.All("/mcp", mcpfiber.BearerAuth(app.Bearer), reply)
		f.All("/custom", mcpfiber.BearerAuth(app.Custom), reply)
		f.All("/optional", mcpfiber.BearerAuth(app.Bearer, mcpfiber.Optional()), reply)
		f.All("/skipped", mcpfiber.BearerAuth(app.Bearer, mcpfiber.Skipper(func(c *fiber.Ctx) bool {
			return c.Path() == "/skipped"
		})), reply)
		f.All("/bridge", mcpfiber.BearerAuth(app.Bearer), mcpfiber.HTTPHandler(conformance.BridgeHandler()))
		return serve(t, f)
	})
}

// newApp is fiber in its default production shape.
func newApp(cfg ...fiber.Config) *fiber.App {
	c := fiber.Config{DisableStartupMessage: true}
	if len(cfg) > 0 {
		c = cfg[0]
		c.DisableStartupMessage = true
	}
	app := fiber.New(c)
	app.Use(recover.New())
	return app
}

// reply is the suite's protected handler: conformance.Reply of the fiber
// accessor and of the standard context fiber handlers see.
func reply(c *fiber.Ctx) error {
	info, ok := mcpfiber.AuthInfo(c)
	status, body := conformance.Reply(c.UserContext(), info, ok)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(status).Send(body)
}

// serve starts app on a loopback listener and returns its base URL; the
// server is shut down when the test ends.
//
// fasthttp (v1.51) marks a new connection active before its first request
// arrives, so its Shutdown waits, with no end, for a connection a client
// opened but never used. Go's http.Transport leaves such connections (dialed
// for a request another connection then served) in its idle pool for 90 s:
// the cleanup closes the idle connections of http.DefaultTransport, which the
// tests and the conformance suite use, before shutting down, and bounds the
// wait.
func serve(t testing.TB, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
			t.Errorf("shutting fiber down: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("fiber listener: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// TestOptionsConformance runs the cross-adapter options table with
// app.Use(mcpfiber.BearerAuth(...)).
func TestOptionsConformance(t *testing.T) {
	conformance.RunOptions(t, "fiber", conformance.Mount{Serve: func(t *testing.T, s conformance.Setup) string {
		var opts []mcpfiber.Option
		for _, o := range s.Options {
			switch o {
			case conformance.Optional:
				opts = append(opts, mcpfiber.Optional())
			case conformance.AuthenticatePreflight:
				opts = append(opts, mcpfiber.AuthenticatePreflight())
			case conformance.Skipper:
				opts = append(opts, mcpfiber.Skipper(func(c *fiber.Ctx) bool { return c.Get("X-Skip") == "yes" }))
			case conformance.NilSkipper:
				opts = append(opts, mcpfiber.Skipper(nil))
			case conformance.ErrorHandler:
				opts = append(opts, mcpfiber.ErrorHandler(func(c *fiber.Ctx, err error) error {
					var e *mcpauth.Error
					if errors.As(err, &e) {
						c.Set("X-Error-Code", string(e.Code))
					}
					c.Set(fiber.HeaderContentType, "text/plain")
					return c.Status(conformance.HandledStatus).SendString(conformance.HandledBody)
				}))
			case conformance.NilErrorHandler:
				opts = append(opts, mcpfiber.ErrorHandler(nil))
			case conformance.PassErrors:
				opts = append(opts, mcpfiber.PassErrors())
			}
		}
		f := newApp(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { // the application's error renderer
			var ae *mcpfiber.AuthError
			var me *mcpauth.Error
			if errors.As(err, &ae) && errors.As(err, &me) {
				return c.Status(ae.Status()).SendString(conformance.PassedBody(me.Code))
			}
			return fiber.DefaultErrorHandler(c, err)
		}})
		if s.Order == conformance.MetadataBefore {
			mcpfiber.RegisterMetadata(f, s.Auth)
		}
		f.Use(mcpfiber.BearerAuth(s.Bearer, opts...))
		if s.Order == conformance.MetadataAfter {
			mcpfiber.RegisterMetadata(f, s.Auth)
		}
		f.All("/mcp", reply)
		f.All("/*", reply)
		return serve(t, f)
	}})
}

// TestMetadataPathsConformance: resource paths with spaces, '%', '*', ':',
// '{' and non-ASCII letters register without a panic and are served.
func TestMetadataPathsConformance(t *testing.T) {
	conformance.RunMetadataPaths(t, "fiber", func(t *testing.T, auth *mcpauth.Auth, bearer *mcpauth.Bearer, use bool) string {
		f := newApp()
		if use {
			f.Use(mcpfiber.BearerAuth(bearer))
		} else {
			mcpfiber.RegisterMetadata(f, auth)
		}
		return serve(t, f)
	})
}

// TestOperationScopesConformance runs the per-operation scopes suite, the
// handler behind mcpfiber.HTTPHandler.
func TestOperationScopesConformance(t *testing.T) {
	conformance.RunOperationScopes(t, "fiber", func(t *testing.T, bearer *mcpauth.Bearer, h http.Handler) string {
		f := newApp()
		f.All("/mcp", mcpfiber.BearerAuth(bearer), mcpfiber.HTTPHandler(h))
		return serve(t, f)
	})
}
