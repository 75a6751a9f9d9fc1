package mcpfiber_test

import (
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiberv3"
)

// BenchmarkRequest measures one request through fiber, in process (the
// app's fasthttp handler, no network): "noauth" without BearerAuth, "auth"
// with BearerAuth and a valid token (the same one every iteration, so the
// keys are cached). The ratio of the two is the adapter's and core's cost.
func BenchmarkRequest(b *testing.B) {
	f := newFixture(b)
	app := fiber.New()
	ok := func(c fiber.Ctx) error { return c.SendString("ok") }
	app.Get("/noauth", ok)
	app.Get("/auth", mcpfiber.BearerAuth(f.bearer), ok)
	handler := app.Handler()
	token := f.token(b, "alice", "read")

	for _, bc := range []struct{ name, path, authorization string }{
		{"noauth", "/noauth", ""},
		{"auth", "/auth", "Bearer " + token},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var req fasthttp.Request
			req.Header.SetMethod(fiber.MethodGet)
			req.SetRequestURI(bc.path)
			if bc.authorization != "" {
				req.Header.Set(fiber.HeaderAuthorization, bc.authorization)
			}
			var ctx fasthttp.RequestCtx
			ctx.Init(&req, nil, nil)
			serveOne := func() {
				ctx.Response.Reset()
				handler(&ctx)
				ctx.ResetUserValues() // as fasthttp's server does after each request
				if status := ctx.Response.StatusCode(); status != fiber.StatusOK {
					b.Fatalf("GET %s: status %d, body %s", bc.path, status, ctx.Response.Body())
				}
			}
			serveOne() // warm up: discovery and JWKS fetch
			b.ReportAllocs()
			for b.Loop() {
				serveOne()
			}
		})
	}
}
