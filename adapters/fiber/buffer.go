package mcpfiber

import mcpauth "github.com/go-mcpauth/mcpauth/core"

// ReadBufferSize is the fiber.Config.ReadBufferSize to give an app that
// BearerAuth protects: 20 KiB, the longest token core accepts
// ([mcpauth.DefaultMaxTokenBytes], 16 KiB) plus 4 KiB (fasthttp's default
// buffer) for the request line and every other header.
//
//	app := fiber.New(fiber.Config{ReadBufferSize: mcpfiber.ReadBufferSize})
//
// fasthttp reads the request line and all the headers of a request into one
// per-connection buffer of ReadBufferSize bytes (default 4096) and answers a
// request whose headers do not fit with 431 Request Header Fields Too Large,
// before any handler runs: with the default, a bearer token over about 4 KB
// (an Entra ID token with group claims is commonly 4 to 8 KB) never reaches
// BearerAuth. The buffer is allocated for each connection being read, so the
// cost is 16 KiB more memory per concurrent connection than the default.
//
// A request whose headers exceed the buffer still gets fiber's 431 (through
// fiber.Config.ErrorHandler, as fiber.ErrRequestHeaderFieldsTooLarge), after
// which fasthttp closes the connection without reading the rest of the
// request: a client still sending (a large body behind the oversized
// headers) may see the connection reset instead of the 431.
const ReadBufferSize = mcpauth.DefaultMaxTokenBytes + 4<<10
