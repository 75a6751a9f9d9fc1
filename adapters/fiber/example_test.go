package mcpfiber_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	mcpauth "github.com/go-mcpauth/mcpauth/core"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiber"
)

// The wiring of README.md: protected resource metadata (public), then the
// MCP endpoint behind BearerAuth.
func Example() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             "https://api.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"}})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{ReadBufferSize: mcpfiber.ReadBufferSize}) // 20 KiB: room for a 16 KiB token
	app.Use(recover.New())
	app.Use(mcpfiber.BearerAuth(bearer)) // every route; the metadata and CORS preflights stay public
	mcpfiber.RegisterMetadata(app, auth) // GET /.well-known/oauth-protected-resource/mcp, before or after Use
	app.All("/mcp", func(c *fiber.Ctx) error {
		info, _ := mcpfiber.AuthInfo(c) // or mcpauth.AuthInfoFromContext(c.UserContext())
		return c.SendString("hello " + info.Subject)
	})
	log.Fatal(app.Listen(":8080"))
}

// A net/http handler, such as an MCP SDK's streamable HTTP handler, mounted
// behind BearerAuth: HTTPHandler gives it the AuthInfo in its request's
// context. (A custom verifier keeps this example offline; mcpauth.JWT()
// works the same.)
func ExampleHTTPHandler() {
	const resource = "https://api.example.com/mcp"
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.VerifyFunc(func(_ context.Context, token string) (*mcpauth.AuthInfo, error) {
		if token != "let-me-in" {
			return nil, mcpauth.CodeInvalidToken
		}
		return &mcpauth.AuthInfo{Issuer: "https://tenant.example.com", Subject: "alice", Audience: []string{resource}}, nil
	}), mcpauth.BearerOptions{Resource: resource})
	if err != nil {
		log.Fatal(err)
	}
	mcpHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, _ := mcpauth.AuthInfoFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", info.Subject)
	})

	app := fiber.New()
	app.All("/mcp", mcpfiber.BearerAuth(bearer), mcpfiber.HTTPHandler(mcpHandler))

	req := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	req.Header.Set("Authorization", "Bearer let-me-in")
	resp, err := app.Test(req)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 hello alice
}

// PassErrors hands refusals to the application's ErrorHandler, which here
// logs them and writes the standard answer.
func ExamplePassErrors() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             "https://api.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"}})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		var ae *mcpfiber.AuthError
		if errors.As(err, &ae) {
			var me *mcpauth.Error
			if errors.As(err, &me) {
				fmt.Println("refused:", me.Code)
			}
			return mcpfiber.WriteError(c, ae.Response)
		}
		return fiber.DefaultErrorHandler(c, err)
	}})
	app.All("/mcp", mcpfiber.BearerAuth(bearer, mcpfiber.PassErrors()), func(c *fiber.Ctx) error {
		return c.SendString("hello")
	})

	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/mcp", nil))
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	fmt.Println(resp.Header.Get("WWW-Authenticate"))
	fmt.Println(string(body))
	// Output:
	// refused: missing_auth_header
	// 401 application/json
	// Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp", scope="read"
	// {"error":"missing_auth_header","error_description":"Missing `Authorization` header. Please provide a valid bearer token."}
}
