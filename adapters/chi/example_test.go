package mcpchi_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// mcpHandler stands for the MCP server's streamable HTTP handler (for
// instance the MCP Go SDK's mcp.NewStreamableHTTPHandler), which answers
// GET, POST and DELETE on one path and reads the caller from its context.
var mcpHandler http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	info, _ := mcpchi.AuthInfo(r)
	fmt.Fprintf(w, "hello %s\n", info.Subject)
})

// The wiring of a chi MCP server: BearerAuth for the whole router, which
// keeps the metadata public. The requests below show what an MCP client sees
// before it has a token: the 401 challenge points it at the metadata, which
// names the authorization server; a browser's CORS preflight is not refused.
// (mcpauth.New makes no network request: discovery happens on the first
// request with a token.)
func Example() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             "https://api.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
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
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Use(mcpchi.BearerAuth(bearer)) // every route; the metadata and CORS preflights stay public
	mcpchi.RegisterMetadata(r, auth) // GET /.well-known/oauth-protected-resource/mcp (chi: after every r.Use)
	r.Handle("/mcp", mcpHandler)     // every method: GET, POST, DELETE

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/mcp", nil))
	fmt.Println(w.Code, w.Header().Get("WWW-Authenticate"))
	w = httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/.well-known/oauth-protected-resource/mcp", nil))
	fmt.Println(w.Code, w.Body)
	preflight := httptest.NewRequest(http.MethodOptions, "/mcp", nil)
	preflight.Header.Set("Access-Control-Request-Method", "POST")
	w = httptest.NewRecorder()
	r.ServeHTTP(w, preflight)
	fmt.Println(w.Code != http.StatusUnauthorized)
	// Output:
	// 401 Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp", scope="read"
	// 200 {"resource":"https://api.example.com/mcp","authorization_servers":["https://tenant.example.com"]}
	// true
}

// ErrorHandler is the hook where a chi server sees refusals (chi has no
// framework error handler): here it logs the reason, then hands over to the
// bearer's standard answer, keeping the challenge MCP clients need.
func ExampleErrorHandler() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             "https://api.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com/mcp"})
	if err != nil {
		log.Fatal(err)
	}
	logRefusal := mcpchi.ErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
		var e *mcpauth.Error
		if errors.As(err, &e) {
			fmt.Println("refused", r.URL.Path+":", e.Code)
		}
		bearer.WriteError(w, err)
	})
	r := chi.NewRouter()
	r.With(mcpchi.BearerAuth(bearer, logRefusal)).Handle("/mcp", mcpHandler)

	req := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	req.Header.Set("Authorization", "Basic YWxpY2U6c2VjcmV0")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Body)
	// Output:
	// refused /mcp: invalid_auth_header_format
	// 401 {"error":"invalid_auth_header_format","error_description":"Invalid `Authorization` header format. Expected 'Bearer <token>'."}
}

// Optional serves anonymous callers too; Skipper leaves chosen requests
// unchecked (here a health check on a protected group).
func ExampleOptional() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             "https://api.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover("https://tenant.example.com", mcpauth.OIDC)},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com/mcp"})
	if err != nil {
		log.Fatal(err)
	}
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := mcpchi.AuthInfo(r); ok {
			fmt.Fprintln(w, "caller:", info.Subject)
			return
		}
		fmt.Fprintln(w, "anonymous")
	})
	r := chi.NewRouter()
	r.With(mcpchi.BearerAuth(bearer, mcpchi.Optional())).Handle("/catalog", whoami)
	r.Group(func(r chi.Router) {
		r.Use(mcpchi.BearerAuth(bearer, mcpchi.Skipper(func(r *http.Request) bool {
			return r.URL.Path == "/healthz"
		})))
		r.Handle("/healthz", whoami)
		r.Handle("/mcp", mcpHandler)
	})

	for _, path := range []string{"/catalog", "/healthz", "/mcp"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Print(path, " ", w.Code, " ", w.Body.String())
	}
	// Output:
	// /catalog 200 anonymous
	// /healthz 200 anonymous
	// /mcp 401 {"error":"missing_auth_header","error_description":"Missing `Authorization` header. Please provide a valid bearer token."}
}
