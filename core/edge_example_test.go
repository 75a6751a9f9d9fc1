package mcpauth_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// call is what a hypothetical framework hands its middleware: here the
// net/http pair and the next handler.
type call struct {
	w    http.ResponseWriter
	r    *http.Request
	next http.Handler
}

// An adapter for another framework is an Edge: how to carry out each
// decision in the framework. Its middleware reads the request into an
// mcpauth.Request (HTTPRequest for net/http ones) and calls Dispatch, which
// decides exactly as every mcpauth integration does: the metadata routes
// answered, CORS preflights passed, refusals answered with core's bytes.
func ExampleEdge() {
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
	edge := mcpauth.NewEdge(bearer, mcpauth.Edge[call]{
		Next: func(c call, info *mcpauth.AuthInfo) error {
			if info != nil {
				c.r = c.r.WithContext(mcpauth.WithAuthInfo(c.r.Context(), info))
			}
			c.next.ServeHTTP(c.w, c.r)
			return nil
		},
		Write: func(c call, resp mcpauth.Response) error { resp.Write(c.w); return nil },
	})
	app := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "app") })

	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/.well-known/oauth-protected-resource/mcp", nil),
		httptest.NewRequest(http.MethodOptions, "/mcp", nil),
		httptest.NewRequest(http.MethodPost, "/mcp", nil),
	} {
		if req.Method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "POST")
		}
		w := httptest.NewRecorder()
		_ = edge.Dispatch(req.Context(), call{w: w, r: req, next: app}, mcpauth.HTTPRequest(req), nil)
		fmt.Println(req.Method, req.URL.Path, w.Code, w.Body.Len() > 0)
	}
	// Output:
	// GET /.well-known/oauth-protected-resource/mcp 200 true
	// OPTIONS /mcp 200 true
	// POST /mcp 401 true
}
