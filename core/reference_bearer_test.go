package mcpauth_test

// Replays the bearer-middleware cases of the reference test suites
// (reference §9: Python tests/middleware/create_bearer_auth_test.py PY-050..069,
// JS handlers/handle-bearer-auth.test.ts JS-026..041) over real HTTP, with
// golden challenges and bodies. Where this package deliberately differs
// (DESIGN §5) the case name says so.

import (
	"context"
	"errors"
	"net/http"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// referenceServer is the resolved authorization server of the reference
// fixtures: issuer https://example.com, MCP-compliant metadata.
func referenceServer(issuer string) mcpauth.AuthServer {
	return mcpauth.Resolved(mcpauth.AuthServerMetadata{
		Issuer:                        issuer,
		AuthorizationEndpoint:         issuer + "/oauth/authorize",
		TokenEndpoint:                 issuer + "/oauth/token",
		RegistrationEndpoint:          issuer + "/oauth/register",
		JWKSURI:                       issuer + "/.well-known/jwks.json",
		ResponseTypesSupported:        []string{"code"},
		GrantTypesSupported:           []string{"authorization_code"},
		CodeChallengeMethodsSupported: []string{"S256"},
	}, mcpauth.OAuth)
}

// referenceVerify is the reference fixture's verify function: "valid-token"
// is accepted; other tokens select a variant of the AuthInfo or an error.
func referenceVerify(_ context.Context, token string) (*mcpauth.AuthInfo, error) {
	info := &mcpauth.AuthInfo{
		Issuer:   "https://example.com",
		ClientID: "client-id",
		Scopes:   []string{"read", "write"},
		Audience: []string{"test-audience"},
		Subject:  "subject-id",
	}
	switch token {
	case "valid-token":
	case "wrong-issuer":
		info.Issuer = "https://wrong-issuer.com"
	case "issuer-example-com1":
		info.Issuer = "https://example.com1"
	case "wrong-audience":
		info.Audience = []string{"wrong-audience"}
	case "no-audience":
		info.Audience = nil
	case "read-only":
		info.Scopes = []string{"read"}
	case "server-config-error":
		return nil, &mcpauth.Error{Code: mcpauth.CodeInvalidServerConfig, Err: errors.New("boom")}
	case "config-error":
		return nil, &mcpauth.Error{Code: "invalid_config", Description: "Configuration is invalid"}
	case "unexpected":
		return nil, errors.New("Unexpected error")
	default:
		return nil, mcpauth.CodeInvalidToken
	}
	return info, nil
}

const (
	refResource    = "https://my-api.com"
	refMetadataURL = "https://my-api.com/.well-known/oauth-protected-resource"
	refChallenge   = `, resource_metadata="` + refMetadataURL + `", scope="read write"`
)

func TestReferenceBearerMiddleware(t *testing.T) {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             refResource,
		AuthorizationServers: []mcpauth.AuthServer{referenceServer("https://example.com")},
	}}, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	opts := mcpauth.BearerOptions{Resource: refResource, Audience: "test-audience", RequiredScopes: []string{"read", "write"}}
	plain, err := auth.BearerAuth(mcpauth.VerifyFunc(referenceVerify), opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.ShowErrorDetails = true
	detailed, err := auth.BearerAuth(mcpauth.VerifyFunc(referenceVerify), opts)
	if err != nil {
		t.Fatal(err)
	}
	plainURL, detailedURL := protect(t, plain), protect(t, detailed)

	cases := []struct {
		name      string
		details   bool
		auth      []string
		status    int
		challenge string
		body      string
	}{
		{"PY-055 JS-030 no Authorization header", false, nil, 401,
			`Bearer resource_metadata="` + refMetadataURL + `", scope="read write"`,
			"{\"error\":\"missing_auth_header\",\"error_description\":\"Missing `Authorization` header. Please provide a valid bearer token.\"}"},
		{"PY-056 JS-031 three words", false, []string{"Bearer invalid token format"}, 401,
			"Bearer error=\"invalid_request\", error_description=\"Invalid `Authorization` header format. Expected 'Bearer <token>'.\"" + refChallenge,
			"{\"error\":\"invalid_auth_header_format\",\"error_description\":\"Invalid `Authorization` header format. Expected 'Bearer <token>'.\"}"},
		{"PY-056 JS-031 no scheme", false, []string{"invalid-header"}, 401,
			"Bearer error=\"invalid_request\", error_description=\"Invalid `Authorization` header format. Expected 'Bearer <token>'.\"" + refChallenge,
			"{\"error\":\"invalid_auth_header_format\",\"error_description\":\"Invalid `Authorization` header format. Expected 'Bearer <token>'.\"}"},
		{"PY-056 JS-031 scheme only (Python answers invalid_auth_header_format; we follow JS)", false, []string{"Bearer "}, 401,
			"Bearer error=\"invalid_request\", error_description=\"Missing bearer token in `Authorization` header. Please provide a valid token.\"" + refChallenge,
			"{\"error\":\"missing_bearer_token\",\"error_description\":\"Missing bearer token in `Authorization` header. Please provide a valid token.\"}"},
		{"PY-057 JS-032 PY-069 token refused by the verifier", false, []string{"Bearer invalid-token"}, 401,
			`Bearer error="invalid_token", error_description="The provided token is invalid or malformed."` + refChallenge,
			`{"error":"invalid_token","error_description":"The provided token is invalid or malformed."}`},
		{"PY-058 JS-033 PY-067 issuer mismatch", false, []string{"Bearer wrong-issuer"}, 401,
			`Bearer error="invalid_token", error_description="The token issuer does not match the expected issuer."` + refChallenge,
			`{"error":"invalid_issuer","error_description":"The token issuer does not match the expected issuer."}`},
		{"PY-059 audience mismatch", false, []string{"Bearer wrong-audience"}, 401,
			`Bearer error="invalid_token", error_description="The token audience does not match the expected audience."` + refChallenge,
			`{"error":"invalid_audience","error_description":"The token audience does not match the expected audience."}`},
		{"PY-060 JS-035 audience array mismatch", false, []string{"Bearer wrong-audience"}, 401,
			`Bearer error="invalid_token", error_description="The token audience does not match the expected audience."` + refChallenge,
			`{"error":"invalid_audience","error_description":"The token audience does not match the expected audience."}`},
		{"JS-034 no audience", false, []string{"Bearer no-audience"}, 401,
			`Bearer error="invalid_token", error_description="The token audience does not match the expected audience."` + refChallenge,
			`{"error":"invalid_audience","error_description":"The token audience does not match the expected audience."}`},
		{"PY-061 JS-036 missing scope (differs: challenge has RFC 6750 insufficient_scope, resource_metadata and scope)", false, []string{"Bearer read-only"}, 403,
			`Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request."` + refChallenge,
			`{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["write"]}`},
		{"PY-062 JS-037 valid token", false, []string{"Bearer valid-token"}, 200, "", "hello subject-id"},
		{"PY-064 JS-039 authorization server error with details", true, []string{"Bearer server-config-error"}, 500, "",
			`{"error":"server_error","error_description":"An error occurred with the authorization server.","cause":{"error":"invalid_server_config","error_description":"The server configuration does not match the MCP specification."}}`},
		{"PY-064 JS-039 configuration error without details", false, []string{"Bearer config-error"}, 500, "",
			`{"error":"server_error","error_description":"An error occurred with the authorization server."}`},
		{"PY-065 JS-040 unexpected verifier error (differs: answered 500 instead of propagating)", false, []string{"Bearer unexpected"}, 500, "",
			`{"error":"server_error","error_description":"An error occurred with the authorization server."}`},
		{"PY-066 JS-041 issuer mismatch with details", true, []string{"Bearer issuer-example-com1"}, 401,
			`Bearer error="invalid_token", error_description="The token issuer does not match the expected issuer."` + refChallenge,
			`{"error":"invalid_issuer","error_description":"The token issuer does not match the expected issuer.","cause":{"expected":"https://example.com","actual":"https://example.com1"}}`},
		{"reference §12 missing scopes with details", true, []string{"Bearer read-only"}, 403,
			`Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request."` + refChallenge,
			`{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","cause":{"missing_scopes":["write"]},"missing_scopes":["write"]}`},
		{"reference §12 audience missing with details (actual omitted)", true, []string{"Bearer no-audience"}, 401,
			`Bearer error="invalid_token", error_description="The token audience does not match the expected audience."` + refChallenge,
			`{"error":"invalid_audience","error_description":"The token audience does not match the expected audience.","cause":{"expected":"test-audience"}}`},
		{"reference §17 details on an error without cause (differs from Python: no \"cause\":\"None\")", true, []string{"Bearer invalid-token"}, 401,
			`Bearer error="invalid_token", error_description="The provided token is invalid or malformed."` + refChallenge,
			`{"error":"invalid_token","error_description":"The provided token is invalid or malformed."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			url := plainURL
			if c.details {
				url = detailedURL
			}
			got := mcpauthtest.Send(t, http.MethodGet, url, c.auth...)
			if got.Status != c.status {
				t.Errorf("status %d, want %d", got.Status, c.status)
			}
			if ch := got.Header.Get("WWW-Authenticate"); ch != c.challenge {
				t.Errorf("WWW-Authenticate\n got %s\nwant %s", ch, c.challenge)
			}
			if string(got.Body) != c.body {
				t.Errorf("body\n got %s\nwant %s", got.Body, c.body)
			}
		})
	}
}

// PY-063 / JS-038: an AuthInfo already in the context is replaced.
func TestReferenceBearerOverridesExistingAuthInfo(t *testing.T) {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: refResource, AuthorizationServers: []mcpauth.AuthServer{referenceServer("https://example.com")},
	}}, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	b, err := auth.BearerAuth(mcpauth.VerifyFunc(referenceVerify), mcpauth.BearerOptions{Resource: refResource, Audience: "test-audience"})
	if err != nil {
		t.Fatal(err)
	}
	var seen *mcpauth.AuthInfo
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen, _ = mcpauth.AuthInfoFromContext(r.Context()) })
	old := &mcpauth.AuthInfo{ClientID: "old-client-id", Scopes: []string{"old-scope"}}
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.Middleware()(inner).ServeHTTP(w, r.WithContext(mcpauth.WithAuthInfo(r.Context(), old)))
	})
	if got := mcpauthtest.Send(t, http.MethodGet, mcpauthtest.Serve(t, outer), "Bearer valid-token"); got.Status != 200 {
		t.Fatalf("status %d", got.Status)
	}
	if seen == nil || seen.ClientID != "client-id" || seen.Token != "valid-token" || seen.Subject != "subject-id" ||
		seen.Issuer != "https://example.com" || len(seen.Scopes) != 2 || seen.Audience[0] != "test-audience" {
		t.Fatalf("AuthInfo not replaced: %+v", seen)
	}
}

// PY-051 PY-054 JS-004 JS-027 JS-029: a verifier that is not usable is a
// configuration error of BearerAuth, never a panic at request time.
func TestReferenceBearerRejectsUnusableVerifier(t *testing.T) {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: refResource, AuthorizationServers: []mcpauth.AuthServer{referenceServer("https://example.com")},
	}}, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]mcpauth.Verifier{
		"nil verifier":   nil,
		"nil VerifyFunc": mcpauth.VerifyFunc(nil),
		"no algorithm":   mcpauth.JWT(mcpauth.WithAlgorithms()),
		"HS256":          mcpauth.JWT(mcpauth.WithAlgorithms("HS256")),
		"none":           mcpauth.JWT(mcpauth.WithAlgorithms("none")),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := auth.BearerAuth(v, mcpauth.BearerOptions{Resource: refResource})
			if !errors.Is(err, mcpauth.CodeInvalidServerConfig) {
				t.Fatalf("got %v, want invalid_server_config", err)
			}
		})
	}
}
