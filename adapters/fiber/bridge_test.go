package mcpfiber_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiber"
)

type userKey struct{}

func TestHTTPHandlerContext(t *testing.T) {
	app := newApp()
	app.Use(func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(context.WithValue(c.UserContext(), userKey{}, "from the user context"), time.Minute)
		defer cancel()
		c.SetUserContext(ctx)
		c.Locals("local", "from the Locals")
		return c.Next()
	})
	app.Get("/ctx", mcpfiber.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		_, hasDeadline := ctx.Deadline()
		fmt.Fprintf(w, "%v|%v|%v|%v", ctx.Value(userKey{}), ctx.Value("local"), hasDeadline, ctx.Err())
	})))
	base := serve(t, app)
	resp := mcpauthtest.Send(t, http.MethodGet, base+"/ctx")
	if want := "from the user context|from the Locals|true|<nil>"; resp.Status != 200 || string(resp.Body) != want {
		t.Errorf("got %d %q, want 200 %q", resp.Status, resp.Body, want)
	}
}

func TestHTTPHandlerContentType(t *testing.T) {
	accepted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	app := newApp()
	app.Post("/accepted", mcpfiber.HTTPHandler(accepted))
	app.Get("/typed", mcpfiber.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{}`)
	})))
	app.Get("/sniffed", mcpfiber.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html></html>")
	})))
	base := serve(t, app)
	for _, tc := range []struct {
		name, method, path string
		status             int
		contentType        []string
	}{
		{"empty answer: none, as net/http", http.MethodPost, "/accepted", 202, nil},
		// (adaptor.HTTPHandler invents "text/plain; charset=utf-8" here with
		// fasthttp v1.51, fiber v2.52's own, and sends none with v1.69, which
		// the repository's workspace builds fiber v2 with next to fiber v3.)
		{"set by the handler: kept", http.MethodGet, "/typed", 200, []string{"application/json"}},
		{"body without Content-Type: sniffed, as net/http", http.MethodGet, "/sniffed", 200, []string{"text/html; charset=utf-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := mcpauthtest.Send(t, tc.method, base+tc.path)
			if got := resp.Header.Values("Content-Type"); resp.Status != tc.status || fmt.Sprint(got) != fmt.Sprint(tc.contentType) {
				t.Errorf("%d %q, want %d %q", resp.Status, got, tc.status, tc.contentType)
			}
		})
	}
}

func TestPanicReachesTheRecoveryMiddleware(t *testing.T) {
	f := newFixture(t)
	var authErrors atomic.Int32
	countErrors := mcpfiber.ErrorHandler(func(c *fiber.Ctx, err error) error {
		authErrors.Add(1)
		return mcpfiber.WriteError(c, f.bearer.ErrorResponse(err))
	})
	app := newApp() // fiber.New + recover.New()
	app.Get("/panic", mcpfiber.BearerAuth(f.bearer, countErrors), func(c *fiber.Ctx) error { panic("boom") })
	app.Get("/panic-pass-errors", mcpfiber.BearerAuth(f.bearer, mcpfiber.PassErrors()), func(c *fiber.Ctx) error { panic("boom") })
	app.Get("/panic-bridge", mcpfiber.BearerAuth(f.bearer, countErrors), mcpfiber.HTTPHandler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	app.Get("/mcp", mcpfiber.BearerAuth(f.bearer), whoami)
	base := serve(t, app)
	tok := bearerHeader(f.token(t, "alice", "read"))

	for path, values := range map[string][]string{
		"/panic":             {"boom"},
		"/panic-pass-errors": {"boom"},
		// fasthttpadaptor v1.51 lets the panic through; from v1.6x it runs
		// the handler in a goroutine, logs the panic value and panics again
		// with its own.
		"/panic-bridge": {"boom", "net/http handler panicked"},
	} {
		t.Run(path, func(t *testing.T) {
			resp := mcpauthtest.Send(t, http.MethodGet, base+path, tok...)
			// recover turns the panic into an error for fiber's
			// DefaultErrorHandler: 500, text/plain, the panic value.
			if resp.Status != http.StatusInternalServerError || !slices.Contains(values, string(resp.Body)) {
				t.Errorf("status %d body %q, want the recovery's 500 with one of %q", resp.Status, resp.Body, values)
			}
			if v := resp.Header.Values("WWW-Authenticate"); len(v) > 0 {
				t.Errorf("WWW-Authenticate %q on a panic", v)
			}
			if ct := resp.Header.Get("Content-Type"); ct != fiber.MIMETextPlainCharsetUTF8 {
				t.Errorf("Content-Type %q, want the recovery's %q", ct, fiber.MIMETextPlainCharsetUTF8)
			}
		})
	}
	if n := authErrors.Load(); n != 0 {
		t.Errorf("the auth ErrorHandler was called %d times for a panic", n)
	}
	// The server keeps serving, with the identities right.
	if resp := mcpauthtest.Send(t, http.MethodGet, base+"/mcp", tok...); resp.Status != 200 || string(resp.Body) != "sub=alice" {
		t.Errorf("after the panics: %d %q", resp.Status, resp.Body)
	}
}
