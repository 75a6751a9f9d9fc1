// Package conformance is the shared test suite every framework adapter of
// mcpauth runs over real HTTP: the same requests must get the same status,
// the same WWW-Authenticate challenge, the same JSON body and the same
// metadata document from gin, echo, fiber, chi and plain net/http.
//
// An adapter's test calls [Run] with a function that mounts the suite's
// routes on the framework and starts it on a loopback listener:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, "gin", func(t *testing.T, app conformance.App) string {
//			r := gin.New()
//			mcpgin.RegisterMetadata(r, app.Auth)
//			r.Any("/mcp", mcpgin.BearerAuth(app.Bearer), reply)
//			// ... /custom, /optional, /skipped, /bridge
//			return serve(t, r)
//		})
//	}
//
// The routes to mount are listed on [App].
//
// [RunOptions] is the cross-adapter options table: the same option set, the
// same request, the same observable result (status, headers, body, whether
// the handler ran and the AuthInfo it saw) in every integration, with
// BearerAuth installed for the whole server (the framework's Use) before or
// after RegisterMetadata. [RunMetadataPaths] checks that resource paths with
// characters routers read specially are registered and served.
package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// Resource is the protected resource of the suite; tokens are issued for it.
const Resource = "https://mcp.example.com/mcp"

// MetadataURL is the resource_metadata of the suite's challenges.
const MetadataURL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"

// MetadataPath is where the suite's protected resource metadata is served.
const MetadataPath = "/.well-known/oauth-protected-resource/mcp"

// App is what the adapter under test serves. Mount, on one server:
//
//   - the metadata routes, with the adapter's RegisterMetadata(router, Auth);
//   - /mcp behind BearerAuth(Bearer);
//   - /custom behind BearerAuth(Custom);
//   - /optional behind BearerAuth(Bearer, Optional());
//   - /skipped behind BearerAuth(Bearer, Skipper(path == "/skipped"));
//   - /bridge behind BearerAuth(Bearer), serving [BridgeHandler] through the
//     framework's net/http bridge.
//
// /mcp, /custom, /optional and /skipped answer GET and POST with [Reply]
// given the framework accessor's result and the handler's standard context.
type App struct {
	Auth *mcpauth.Auth
	// Bearer verifies JWTs of the suite's issuer and requires scope "read".
	Bearer *mcpauth.Bearer
	// Custom verifies tokens with a VerifyFunc (see the custom cases).
	Custom *mcpauth.Bearer
}

// reply is the JSON the protected handlers answer with.
type reply struct {
	Authenticated bool     `json:"authenticated"`
	Subject       string   `json:"subject,omitempty"`
	Issuer        string   `json:"issuer,omitempty"`
	ClientID      string   `json:"client_id,omitempty"`
	Scopes        []string `json:"scopes,omitempty"`
	Audience      []string `json:"audience,omitempty"`
	Error         string   `json:"error,omitempty"`
}

// Reply builds the answer of a protected handler from the standard context
// the handler sees and what the framework accessor returned (info, ok):
// 200 with the caller's identity, 200 {"authenticated":false} for an
// anonymous caller, or 500 when the accessor and the context disagree.
func Reply(ctx context.Context, info *mcpauth.AuthInfo, ok bool) (status int, body []byte) {
	fromCtx, ctxOK := mcpauth.AuthInfoFromContext(ctx)
	r := reply{}
	status = http.StatusOK
	switch {
	case ok != ctxOK || info != fromCtx:
		status = http.StatusInternalServerError
		r.Error = "the framework accessor and the standard context disagree"
	case ok:
		r = replyFor(info)
	}
	body, _ = json.Marshal(r)
	return status, body
}

// replyFor is the authenticated answer for info.
func replyFor(info *mcpauth.AuthInfo) reply {
	return reply{Authenticated: true, Subject: info.Subject, Issuer: info.Issuer, ClientID: info.ClientID, Scopes: info.Scopes, Audience: info.Audience}
}

// BridgeHandler is a plain net/http handler answering from the AuthInfo of
// its request's context, like an MCP SDK handler mounted in a framework.
func BridgeHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, ok := mcpauth.AuthInfoFromContext(r.Context())
		rep := reply{}
		if ok {
			rep = replyFor(info)
		}
		body, _ := json.Marshal(rep)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}

// Custom verifier tokens.
const (
	customGood        = "custom-good"
	customWrongIssuer = "custom-wrong-issuer"
)

// suite holds what the cases need.
type suite struct {
	issuer   *mcpauthtest.Issuer
	stranger *mcpauthtest.Issuer
	base     string
	client   *http.Client
}

// Run builds an App, calls serve to start the framework under test on a
// loopback listener and get its base URL (no trailing slash), and runs every
// case against it. A failure names the framework and the case.
func Run(t *testing.T, framework string, serve func(t *testing.T, app App) (baseURL string)) {
	t.Helper()
	s := &suite{
		issuer:   mcpauthtest.MustNewIssuer(t),
		stranger: mcpauthtest.MustNewIssuer(t),
		client:   &http.Client{Transport: &http.Transport{}},
	}
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             Resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(s.issuer.URL(), mcpauth.OIDC)},
		ScopesSupported:      []string{"read", "write"},
		ResourceName:         "Conformance MCP server",
	}}})
	if err != nil {
		t.Fatalf("%s: building the suite's Auth: %v", framework, err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: Resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatalf("%s: building the suite's Bearer: %v", framework, err)
	}
	issuerURL := s.issuer.URL()
	custom, err := auth.BearerAuth(mcpauth.VerifyFunc(func(_ context.Context, token string) (*mcpauth.AuthInfo, error) {
		switch token {
		case customGood:
			return &mcpauth.AuthInfo{Issuer: issuerURL, Subject: "custom-user", Scopes: []string{"read"}, Audience: []string{Resource}}, nil
		case customWrongIssuer:
			return &mcpauth.AuthInfo{Issuer: "https://evil.example.com", Subject: "custom-user", Scopes: []string{"read"}, Audience: []string{Resource}}, nil
		}
		return nil, errors.Join(errors.New("unknown custom token"), mcpauth.CodeInvalidToken)
	}), mcpauth.BearerOptions{Resource: Resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatalf("%s: building the suite's custom Bearer: %v", framework, err)
	}
	s.base = serve(t, App{Auth: auth, Bearer: bearer, Custom: custom})
	// Idle keep-alive connections would hold up servers whose shutdown waits
	// for every connection (fasthttp). Cleanups run last-in first-out, so
	// registered after serve's, this one closes them before the server stops.
	t.Cleanup(s.client.CloseIdleConnections)
	for _, c := range s.cases(t) {
		t.Run(c.name, func(t *testing.T) {
			s.check(t, framework, c)
		})
	}
	t.Run("concurrent requests keep their own identity", func(t *testing.T) {
		s.concurrent(t, framework)
	})
}
