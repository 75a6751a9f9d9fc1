// Command fiber is an MCP server on fiber (v2), built on the official MCP Go
// SDK and protected by MCP Auth: every request to /mcp needs a valid bearer
// token, and the whoami tool answers with the caller the token names.
//
//	go run ./fiber
//
// With no MCP_AUTH_ISSUER it starts a development issuer and prints a token
// and a curl command; see ../README.md for the configuration.
package main

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiber"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
)

func main() { app.Main(app.Options{Name: "fiber"}, serve) }

// serve mounts the example on fiber: BearerAuth for the whole app (it keeps
// the protected resource metadata and CORS preflights public), the metadata
// routes, and the MCP endpoint. mcpfiber.HTTPHandler
// (not adaptor.HTTPHandler) gives the SDK handler a request context that
// carries the caller.
func serve(ctx context.Context, a *app.App) error {
	// fasthttp reads all request headers into one buffer, 4 KiB by default:
	// mcpfiber.ReadBufferSize (20 KiB) lets tokens up to core's 16 KiB
	// limit through instead of a 431.
	f := fiber.New(fiber.Config{DisableStartupMessage: true, ReadBufferSize: mcpfiber.ReadBufferSize})
	f.Use(recover.New())
	f.Use(mcpfiber.BearerAuth(a.Bearer))            // every route; the metadata and CORS preflights stay public
	mcpfiber.RegisterMetadata(f, a.Auth)            // GET /.well-known/oauth-protected-resource/mcp
	f.All(app.MCPPath, mcpfiber.HTTPHandler(a.MCP)) // POST (and GET, DELETE) /mcp

	errc := make(chan error, 1)
	go func() { errc <- f.Listener(a.Listener) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return f.ShutdownWithTimeout(5 * time.Second)
	}
}
