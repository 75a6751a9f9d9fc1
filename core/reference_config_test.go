package mcpauth_test

// Replays the configuration and handler cases of the reference suites
// (reference §9: Python tests/__init__test.py PY-001..014,
// tests/auth/*_handler_test.py PY-024..038; JS index.test.ts JS-001..012,
// auth/*-handler.test.ts JS-061..078, validate-auth-server JS-118..122,
// index.integration.test.ts JS-131..145).

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestReferenceConfiguration(t *testing.T) {
	valid := referenceServer("https://example.com")
	noPKCE := referenceServer("https://no-pkce.example.com")
	noPKCE.Metadata.CodeChallengeMethodsSupported = nil
	resource := func(r string, servers ...mcpauth.AuthServer) mcpauth.ProtectedResource {
		return mcpauth.ProtectedResource{Resource: r, AuthorizationServers: servers}
	}
	cases := []struct {
		name    string
		cfg     mcpauth.Config
		wantErr error
		detail  string
	}{
		{"PY-001 JS-001 no configuration", mcpauth.Config{}, mcpauth.CodeInvalidServerConfig, "no protected resource"},
		{"PY-004 JS-003 only protected resources", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{resource("https://api.example.com", valid)}}, nil, ""},
		{"PY-031 two resources", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com/resource1", valid), resource("https://api.example.com/resource2", valid)}}, nil, ""},
		{"PY-032 JS-067 JS-136 duplicate resource", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com/resource1", valid), resource("https://api.example.com/resource1", valid)}},
			mcpauth.CodeInvalidServerConfig, `the resource "https://api.example.com/resource1" is configured twice`},
		{"PY-033 JS-068 JS-137 duplicate authorization server in a resource", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com/resource3", valid, valid)}},
			mcpauth.CodeInvalidServerConfig, `the authorization server "https://example.com" is configured twice for resource "https://api.example.com/resource3"`},
		{"JS-072 duplicate discovered server in a resource", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com/resource-dup", mcpauth.Discover("https://discovery-auth.example.com", mcpauth.OIDC), mcpauth.Discover("https://discovery-auth.example.com", mcpauth.OIDC))}},
			mcpauth.CodeInvalidServerConfig, "configured twice"},
		{"JS-070 same server in two resources", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com/resource1", valid), resource("https://api.example.com/resource2", valid)}}, nil, ""},
		{"JS-071 JS-073 discovered and mixed servers (not fetched at New)", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com/resource1", valid, mcpauth.Discover("https://discovery-auth.example.com", mcpauth.OIDC))}}, nil, ""},
		{"PY-025 JS-119 given metadata failing the MCP requirements (Python ignores it in resource mode; we refuse)", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com", noPKCE)}}, mcpauth.CodeInvalidServerConfig, "pkce_not_supported"},
		{"PY-031 resource that is not a URL (Python accepts my-api-2; we refuse)", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("my-api-2", valid)}}, mcpauth.CodeInvalidServerConfig, `"my-api-2"`},
		{"resource with a fragment (RFC 8707 §2)", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com/mcp#x", valid)}}, mcpauth.CodeInvalidServerConfig, "fragment"},
		{"resources whose metadata paths collide", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://a.example.com/mcp", valid), resource("https://b.example.com/mcp", valid)}}, mcpauth.CodeInvalidServerConfig, "/.well-known/oauth-protected-resource/mcp"},
		{"issuer over plain http on a public host", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com", mcpauth.Discover("http://idp.example.com", mcpauth.OIDC))}}, mcpauth.CodeInvalidServerConfig, "https is required"},
		{"issuer with a query (RFC 8414 §2)", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com", mcpauth.Discover("https://idp.example.com/?tenant=1", mcpauth.OIDC))}}, mcpauth.CodeInvalidServerConfig, "query"},
		{"unknown server type", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com", mcpauth.Discover("https://idp.example.com", "saml"))}}, mcpauth.CodeInvalidServerConfig, "saml"},
		{"metadata whose issuer differs from the configured one", mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
			resource("https://api.example.com", mcpauth.AuthServer{Issuer: "https://other.example.com", Metadata: valid.Metadata})}}, mcpauth.CodeInvalidServerMetadata, "https://other.example.com"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Logger = quietLogger()
			_, err := mcpauth.New(c.cfg)
			if c.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, c.wantErr) || !strings.Contains(err.Error(), c.detail) {
				t.Fatalf("got %v, want %v mentioning %q", err, c.wantErr, c.detail)
			}
		})
	}
}

// PY-005..008, JS-004..008, JS-076..078, JS-140/141: BearerAuth's own checks.
func TestReferenceBearerAuthConfiguration(t *testing.T) {
	valid := referenceServer("https://example.com")
	resourceMode, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
		{Resource: "https://api.example.com", AuthorizationServers: []mcpauth.AuthServer{valid}},
	}, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		auth   *mcpauth.Auth
		v      mcpauth.Verifier
		opts   mcpauth.BearerOptions
		detail string // "" means success
	}{
		{"PY-005 JS-008 JS-140 resource mode without resource", resourceMode, mcpauth.JWT(), mcpauth.BearerOptions{}, "Resource is required"},
		{"PY-037 JS-077 JS-141 unknown resource", resourceMode, mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com/unknown"}, `"https://api.example.com/unknown" is not a configured protected resource`},
		{"PY-007 JS-007 resource mode with resource", resourceMode, mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com"}, ""},
		{"PY-014 JS-006 custom verifier", resourceMode, mcpauth.VerifyFunc(referenceVerify), mcpauth.BearerOptions{Resource: "https://api.example.com"}, ""},
		{"PY-008 JS-004 no verifier", resourceMode, nil, mcpauth.BearerOptions{Resource: "https://api.example.com"}, "no verifier"},
		{"empty required scope", resourceMode, mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com", RequiredScopes: []string{""}}, "empty scope"},
		{"required scope with a quote", resourceMode, mcpauth.JWT(), mcpauth.BearerOptions{Resource: "https://api.example.com", RequiredScopes: []string{`a"b`}}, "quote"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.auth.BearerAuth(c.v, c.opts)
			if c.detail == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, mcpauth.CodeInvalidServerConfig) || !strings.Contains(err.Error(), c.detail) {
				t.Fatalf("got %v, want invalid_server_config mentioning %q", err, c.detail)
			}
		})
	}
}

// PY-026 JS-063 JS-120: the deprecation and the configuration warnings are
// logged; JS-121: a clean configuration logs no warning.
func TestReferenceConfigurationWarnings(t *testing.T) {
	noDCR := referenceServer("https://example.com")
	noDCR.Metadata.RegistrationEndpoint = ""
	var logs mcpauthtest.LogBuffer
	if _, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{Resource: "https://api.example.com", AuthorizationServers: []mcpauth.AuthServer{noDCR}}}, Logger: logs.Logger()}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dynamic_registration_not_supported", "https://example.com"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	var clean mcpauthtest.LogBuffer
	valid := referenceServer("https://example.com")
	if _, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{Resource: "https://api.example.com", AuthorizationServers: []mcpauth.AuthServer{valid}}}, Logger: clean.Logger()}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(clean.String(), "WARN") {
		t.Errorf("unexpected warning:\n%s", clean.String())
	}
}

// The deprecated authorization-server mode (PY-027 PY-028 JS-065 JS-083
// JS-131) does not exist here (never released; see CHANGELOG). PY-038 JS-074 JS-075 JS-080 JS-081 JS-138
// JS-139: resource mode serves one RFC 9728 document per resource (PY-010
// JS-011: and no authorization server metadata).
func TestReferenceMetadataRoutes(t *testing.T) {
	valid := referenceServer("https://auth.example.com")
	auth2 := referenceServer("https://auth2.example.com")
	resources, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
		{Resource: "https://api.example.com/resource1", AuthorizationServers: []mcpauth.AuthServer{valid}, ScopesSupported: []string{"read:resource1", "write:resource1"}, BearerMethodsSupported: []string{"header"}},
		{Resource: "https://api.example.com/resource2", AuthorizationServers: []mcpauth.AuthServer{valid, auth2}},
		{Resource: "https://my-api.com"},
	}, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	base := mcpauthtest.Serve(t, resources.MetadataHandler())
	for _, c := range []struct{ path, doc string }{
		{"/.well-known/oauth-protected-resource/resource1", `{"resource":"https://api.example.com/resource1","scopes_supported":["read:resource1","write:resource1"],"bearer_methods_supported":["header"],"authorization_servers":["https://auth.example.com"]}`},
		{"/.well-known/oauth-protected-resource/resource2", `{"resource":"https://api.example.com/resource2","authorization_servers":["https://auth.example.com","https://auth2.example.com"]}`},
		{"/.well-known/oauth-protected-resource", `{"resource":"https://my-api.com"}`},
	} {
		got := mcpauthtest.Send(t, http.MethodGet, base+c.path)
		if got.Status != 200 || string(got.Body) != c.doc || got.Header.Get("Content-Type") != "application/json" || got.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: %d %s %v, want %s", c.path, got.Status, got.Body, got.Header, c.doc)
		}
		if got := mcpauthtest.Send(t, http.MethodOptions, base+c.path); got.Status != 204 {
			t.Errorf("OPTIONS %s: %d", c.path, got.Status)
		}
		if got := mcpauthtest.Send(t, http.MethodPost, base+c.path); got.Status != 405 || got.Header.Get("Allow") != "GET, HEAD, OPTIONS" {
			t.Errorf("POST %s: %d (differs from references: 405 like Starlette, with Allow)", c.path, got.Status)
		}
	}
	if got := mcpauthtest.Send(t, http.MethodGet, base+"/.well-known/oauth-authorization-server"); got.Status != 404 {
		t.Errorf("resource mode serves authorization server metadata: %d", got.Status)
	}
}

// JS-132..135 and JS-142..145: end to end with real tokens; a token of AS2
// presented to resource1 is refused without fetching AS2's keys.
func TestReferenceIntegration(t *testing.T) {
	as1, as2 := mcpauthtest.MustNewIssuer(t), mcpauthtest.MustNewIssuer(t)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
		{Resource: "https://api.example.com/resource1", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(as1.URL(), mcpauth.OIDC)}},
		{Resource: "https://api.example.com/resource2", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(as2.URL(), mcpauth.OIDC)}},
	}, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	r1 := protect(t, jwtBearer(t, auth, mcpauth.BearerOptions{Resource: "https://api.example.com/resource1", RequiredScopes: []string{"read:resource1"}}))
	r2 := protect(t, jwtBearer(t, auth, mcpauth.BearerOptions{Resource: "https://api.example.com/resource2", RequiredScopes: []string{"read:resource2"}}))
	tok := func(iss *mcpauthtest.Issuer, aud, scope string) string {
		return "Bearer " + iss.MustToken(t, map[string]any{"sub": "user", "aud": aud, "scope": scope})
	}
	cases := []struct {
		name   string
		url    string
		auth   []string
		status int
	}{
		{"JS-132 no header", r1, nil, 401},
		{"JS-133 invalid token", r1, []string{"Bearer invalid-token"}, 401},
		{"JS-134 JS-143 valid token without the scope", r1, []string{tok(as1, "https://api.example.com/resource1", "write:resource1")}, 403},
		{"JS-135 JS-142 valid token", r1, []string{tok(as1, "https://api.example.com/resource1", "read:resource1")}, 200},
		{"JS-145 resource2 valid token", r2, []string{tok(as2, "https://api.example.com/resource2", "read:resource2")}, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := mcpauthtest.Send(t, http.MethodGet, c.url, c.auth...); got.Status != c.status {
				t.Fatalf("status %d, want %d: %s", got.Status, c.status, got.Body)
			}
		})
	}
	t.Run("JS-144 token of AS2 at resource1, AS2 keys not fetched", func(t *testing.T) {
		as2.ResetCounters()
		got := mcpauthtest.Send(t, http.MethodGet, r1, tok(as2, "https://api.example.com/resource2", "read:resource1"))
		if got.Status != 401 || !strings.Contains(string(got.Body), "invalid_issuer") {
			t.Fatalf("got %d %s", got.Status, got.Body)
		}
		if as2.JWKSRequests() != 0 || as2.DiscoveryRequests() != 0 {
			t.Fatalf("AS2 was contacted: %d JWKS, %d discovery requests", as2.JWKSRequests(), as2.DiscoveryRequests())
		}
	})
}
