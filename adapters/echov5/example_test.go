package mcpecho_test

import (
	"errors"
	"log"
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	mcpauth "github.com/go-mcpauth/mcpauth/core"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echov5"
)

// The wiring of the package documentation and the README, checked by the
// compiler: BearerAuth on every route with e.Use (the protected resource
// metadata and CORS preflights stay public, whatever the order), the
// metadata routes, then the MCP endpoint.
func Example() {
	mcpHandler := http.NotFoundHandler() // e.g. the MCP Go SDK's streamable HTTP handler

	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             "https://api.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"}})
	if err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	e.Use(middleware.Recover())
	e.Use(mcpecho.BearerAuth(bearer))
	mcpecho.RegisterMetadata(e, auth) // public: GET /.well-known/oauth-protected-resource/mcp
	e.Any("/mcp", echo.WrapHandler(mcpHandler))
	// log.Fatal(e.Start(":8080"))
}

// An echo handler below BearerAuth reads the caller with AuthInfo.
func ExampleAuthInfo() {
	whoami := func(c *echo.Context) error {
		info, ok := mcpecho.AuthInfo(c)
		if !ok {
			return c.String(http.StatusOK, "anonymous")
		}
		return c.String(http.StatusOK, info.Subject)
	}
	_ = whoami
}

// PassErrors hands refusals to the application's HTTPErrorHandler, which can
// read the *mcpauth.Error behind the *mcpecho.AuthError.
func ExamplePassErrors() {
	passErrorsApp(nil) // bearer comes from auth.BearerAuth
}

// passErrorsApp wires bearer with PassErrors.
func passErrorsApp(bearer *mcpauth.Bearer) *echo.Echo {
	e := echo.New()
	e.HTTPErrorHandler = func(c *echo.Context, err error) {
		var authErr *mcpauth.Error
		if errors.As(err, &authErr) {
			c.Logger().Warn("refused", "code", authErr.Code)
		}
		echo.DefaultHTTPErrorHandler(false)(c, err)
	}
	if bearer != nil {
		e.POST("/mcp", func(c *echo.Context) error { return c.NoContent(http.StatusNoContent) },
			mcpecho.BearerAuth(bearer, mcpecho.PassErrors()))
	}
	return e
}
