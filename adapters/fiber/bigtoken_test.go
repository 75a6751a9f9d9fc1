package mcpfiber_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiber"
)

// TestBigTokens sends tokens up to core's limit through fiber with the
// documented configuration (fiber.Config{ReadBufferSize:
// mcpfiber.ReadBufferSize}), and headers beyond the buffer, over a real
// connection.
func TestBigTokens(t *testing.T) {
	f := newFixture(t)
	claims := map[string]any{"sub": "alice", "aud": resource, "scope": "read"}
	big := func(size int) []string { return bearerHeader(f.iss.MustTokenOfSize(t, claims, size)) }

	documented := newApp(fiber.Config{ReadBufferSize: mcpfiber.ReadBufferSize})
	documented.All("/mcp", mcpfiber.BearerAuth(f.bearer), whoami)
	base := serve(t, documented)

	defaults := newApp()
	defaults.All("/mcp", mcpfiber.BearerAuth(f.bearer), whoami)
	defaultBase := serve(t, defaults)

	for _, tc := range []struct {
		name          string
		base          string
		authorization []string
		status        int
		body          string
	}{
		{"4.5 KB token, documented config", base, big(4500), 200, "sub=alice"},
		{"12 KiB token, documented config", base, big(12 << 10), 200, "sub=alice"},
		{"16 KiB token (core's limit), documented config", base, big(mcpauth.DefaultMaxTokenBytes), 200, "sub=alice"},
		{"over core's limit, within the buffer: core's 401", base, big(mcpauth.DefaultMaxTokenBytes + 512), 401, ""},
		{"headers beyond the buffer: fiber's 431", base, []string{"Bearer " + strings.Repeat("a", mcpfiber.ReadBufferSize)}, 431, ""},
		{"4.5 KB token, fiber's default 4 KiB buffer: 431", defaultBase, big(4500), 431, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := mcpauthtest.Send(t, http.MethodPost, tc.base+"/mcp", tc.authorization...)
			if resp.Status != tc.status || (tc.body != "" && string(resp.Body) != tc.body) {
				t.Errorf("got %d %.80q, want %d %q", resp.Status, resp.Body, tc.status, tc.body)
			}
			if tc.status == 401 && !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("WWW-Authenticate %q, want an invalid_token challenge", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	// The connection that carried a 431 is closed; the next request on a
	// new one is served.
	if resp := mcpauthtest.Send(t, http.MethodPost, base+"/mcp", big(12<<10)...); resp.Status != 200 {
		t.Errorf("after a 431: %d %q", resp.Status, resp.Body)
	}
}

// TestHeaderTooLargeReachesTheErrorHandler: beyond ReadBufferSize, fiber
// hands fasthttp's error to the app's ErrorHandler as
// fiber.ErrRequestHeaderFieldsTooLarge, which may change the answer's body
// (fasthttp then closes the connection whatever the handler does).
func TestHeaderTooLargeReachesTheErrorHandler(t *testing.T) {
	f := newFixture(t)
	seen := make(chan error, 1)
	app := newApp(fiber.Config{ReadBufferSize: mcpfiber.ReadBufferSize, ErrorHandler: func(c *fiber.Ctx, err error) error {
		select {
		case seen <- err:
		default:
		}
		return c.Status(fiber.StatusRequestHeaderFieldsTooLarge).SendString("headers over 20 KiB")
	}})
	app.All("/mcp", mcpfiber.BearerAuth(f.bearer), whoami)
	base := serve(t, app)
	resp := mcpauthtest.Send(t, http.MethodPost, base+"/mcp", "Bearer "+strings.Repeat("a", mcpfiber.ReadBufferSize))
	if resp.Status != 431 || string(resp.Body) != "headers over 20 KiB" {
		t.Errorf("got %d %q, want the app's 431", resp.Status, resp.Body)
	}
	if err := <-seen; !errors.Is(err, fiber.ErrRequestHeaderFieldsTooLarge) {
		t.Errorf("ErrorHandler got %v, want fiber.ErrRequestHeaderFieldsTooLarge", err)
	}
}
