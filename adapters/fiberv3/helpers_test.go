package mcpfiber_test

import (
	"context"
	"errors"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// resource is the protected resource of the adapter tests.
const resource = "https://mcp.example.com/mcp"

// Tokens of the custom verifier (see fixture.custom).
const (
	customOK          = "custom-ok"
	customNoScope     = "custom-no-scope"
	customRefused     = "custom-refused"
	customUnavailable = "custom-unavailable"
	customBroken      = "custom-broken"
)

// fixture is a local issuer, an Auth for resource and two bearers: JWT mode
// and a custom verifier, both requiring scope "read".
type fixture struct {
	iss    *mcpauthtest.Issuer
	auth   *mcpauth.Auth
	bearer *mcpauth.Bearer
	custom *mcpauth.Bearer
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{iss: mcpauthtest.MustNewIssuer(t)}
	var err error
	f.auth, err = mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(f.iss.URL(), mcpauth.OIDC)},
		ScopesSupported:      []string{"read", "write"},
	}}})
	if err != nil {
		t.Fatalf("mcpauth.New: %v", err)
	}
	f.bearer, err = f.auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatalf("BearerAuth: %v", err)
	}
	issuer := f.iss.URL()
	f.custom, err = f.auth.BearerAuth(mcpauth.VerifyFunc(func(_ context.Context, token string) (*mcpauth.AuthInfo, error) {
		switch token {
		case customOK:
			return &mcpauth.AuthInfo{Issuer: issuer, Subject: "custom", Scopes: []string{"read"}, Audience: []string{resource}}, nil
		case customNoScope:
			return &mcpauth.AuthInfo{Issuer: issuer, Subject: "custom", Scopes: []string{"write"}, Audience: []string{resource}}, nil
		case customUnavailable:
			return nil, &mcpauth.Error{Code: mcpauth.CodeServerUnavailable, RetryAfter: 3 * time.Second}
		case customBroken:
			return nil, errors.New("the database is down")
		}
		return nil, mcpauth.CodeInvalidToken
	}), mcpauth.BearerOptions{Resource: resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatalf("BearerAuth(custom): %v", err)
	}
	return f
}

// token mints a valid token for sub with the given scopes.
func (f *fixture) token(t testing.TB, sub, scope string) string {
	t.Helper()
	return f.iss.MustToken(t, map[string]any{"sub": sub, "aud": resource, "scope": scope})
}

// bearerHeader is the Authorization value of token.
func bearerHeader(token string) []string { return []string{"Bearer " + token} }
