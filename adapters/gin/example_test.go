package mcpgin_test

import (
	"errors"
	"log"
	"net/http"

	"github.com/gin-gonic/gin"

	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// The wiring of an MCP server on gin: the metadata routes are public, the MCP
// endpoint is behind BearerAuth, and its handler reads the caller.
func Example() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             "https://api.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
		ScopesSupported:      []string{"read", "write"},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource: "https://api.example.com/mcp", RequiredScopes: []string{"read"},
	})
	if err != nil {
		log.Fatal(err)
	}

	r := gin.New()
	r.Use(gin.Recovery())
	r.Use(mcpgin.BearerAuth(bearer)) // every route; the metadata and CORS preflights stay public
	mcpgin.RegisterMetadata(r, auth) // GET /.well-known/oauth-protected-resource/mcp, before or after Use
	r.Any("/mcp", func(c *gin.Context) {
		info, _ := mcpgin.AuthInfo(c) // or mcpauth.AuthInfoFromContext(c.Request.Context())
		c.JSON(http.StatusOK, gin.H{"subject": info.Subject, "scopes": info.Scopes})
	})
	_ = r.Run(":8080")
}

// Hand refusals over to the application's error-rendering middleware: status
// and headers (WWW-Authenticate...) are core's, the body is the renderer's.
func ExamplePassErrors() {
	var bearer *mcpauth.Bearer // from auth.BearerAuth

	r := gin.New()
	r.Use(gin.Recovery())
	r.Use(func(c *gin.Context) { // the application's renderer
		c.Next()
		var e *mcpauth.Error
		if last := c.Errors.Last(); last != nil && errors.As(last.Err, &e) {
			c.JSON(-1, gin.H{"code": e.Code, "message": e.Code.Description()})
		}
	})
	r.Any("/mcp", mcpgin.BearerAuth(bearer, mcpgin.PassErrors()), gin.WrapH(mcpHandler))
}

// Log refusals, then answer with the standard answer.
func ExampleErrorHandler() {
	var bearer *mcpauth.Bearer // from auth.BearerAuth
	mw := mcpgin.BearerAuth(bearer, mcpgin.ErrorHandler(func(c *gin.Context, err error) {
		log.Printf("refused %s %s: %v", c.Request.Method, c.Request.URL.Path, err)
		mcpgin.WriteError(c, bearer.ErrorResponse(err))
	}))
	r := gin.New()
	r.Any("/mcp", mw, gin.WrapH(mcpHandler))
}

// mcpHandler stands for the MCP server's http.Handler (for instance the
// streamable HTTP handler of the MCP Go SDK).
var mcpHandler http.Handler = http.NotFoundHandler()
