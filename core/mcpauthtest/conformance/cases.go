package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// testCase is one request and the exact answer every framework must give.
type testCase struct {
	name   string
	method string
	path   string
	auth   []string          // Authorization values, in order; nil sends none
	header map[string]string // other request headers
	status int
	// challenge is the exact WWW-Authenticate; "" means the header must be absent.
	challenge string
	// body is the exact body; "-" means the body is not checked.
	body string
	// headers must be present with exactly these values.
	headers map[string]string
	// noContentType requires the answer to have no Content-Type.
	noContentType bool
	// anyStatusAbove accepts any status >= it (framework-specific answers
	// such as 404 or 405 for routes the adapter does not serve).
	anyStatusAbove int
}

// Golden challenges and bodies (RFC 6750 codes in the challenge, the
// library's codes in the body).
const (
	challengeNoCredentials = `Bearer resource_metadata="` + MetadataURL + `", scope="read"`
	challengeInvalidToken  = `Bearer error="invalid_token", error_description="The provided token is invalid or malformed.", resource_metadata="` + MetadataURL + `", scope="read"`
	challengeWrongIssuer   = `Bearer error="invalid_token", error_description="The token issuer does not match the expected issuer.", resource_metadata="` + MetadataURL + `", scope="read"`
	challengeWrongAudience = `Bearer error="invalid_token", error_description="The token audience does not match the expected audience.", resource_metadata="` + MetadataURL + `", scope="read"`
	challengeBadFormat     = "Bearer error=\"invalid_request\", error_description=\"Invalid `Authorization` header format. Expected 'Bearer <token>'.\", resource_metadata=\"" + MetadataURL + `", scope="read"`
	challengeNoToken       = "Bearer error=\"invalid_request\", error_description=\"Missing bearer token in `Authorization` header. Please provide a valid token.\", resource_metadata=\"" + MetadataURL + `", scope="read"`
	challengeScope         = `Bearer error="insufficient_scope", error_description="The token does not contain the necessary scopes for this request.", resource_metadata="` + MetadataURL + `", scope="read"`

	bodyNoCredentials = "{\"error\":\"missing_auth_header\",\"error_description\":\"Missing `Authorization` header. Please provide a valid bearer token.\"}"
	bodyBadFormat     = "{\"error\":\"invalid_auth_header_format\",\"error_description\":\"Invalid `Authorization` header format. Expected 'Bearer <token>'.\"}"
	bodyNoToken       = "{\"error\":\"missing_bearer_token\",\"error_description\":\"Missing bearer token in `Authorization` header. Please provide a valid token.\"}"
	bodyInvalidToken  = `{"error":"invalid_token","error_description":"The provided token is invalid or malformed."}`
	bodyWrongIssuer   = `{"error":"invalid_issuer","error_description":"The token issuer does not match the expected issuer."}`
	bodyWrongAudience = `{"error":"invalid_audience","error_description":"The token audience does not match the expected audience."}`
	bodyScope         = `{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","missing_scopes":["read"]}`
	bodyAnonymous     = `{"authenticated":false}`
)

// errorHeaders are the headers of every refusal.
var errorHeaders = map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"}

// cases builds the table; tokens are minted now, valid for an hour.
func (s *suite) cases(t *testing.T) []testCase {
	iss := s.issuer
	tok := func(claims map[string]any, opts ...mcpauthtest.TokenOption) string {
		return iss.MustToken(t, claims, opts...)
	}
	alice := map[string]any{"sub": "alice", "aud": Resource, "scope": "read write", "client_id": "client-1"}
	aliceReply := mustJSON(reply{Authenticated: true, Subject: "alice", Issuer: iss.URL(), ClientID: "client-1", Scopes: []string{"read", "write"}, Audience: []string{Resource}})
	valid := tok(alice)
	unknownKID, err := iss.AddUnpublishedKey(mcpauthtest.RS256)
	if err != nil {
		t.Fatalf("adding an unpublished key: %v", err)
	}
	tampered := valid[:len(valid)-6] + flip(valid[len(valid)-6:])
	doc := fmt.Sprintf(`{"resource":%q,"scopes_supported":["read","write"],"resource_name":"Conformance MCP server","authorization_servers":[%q]}`, Resource, iss.URL())

	refused := func(name, path string, auth []string, status int, challenge, body string) testCase {
		return testCase{name: name, method: http.MethodGet, path: path, auth: auth, status: status, challenge: challenge, body: body, headers: errorHeaders}
	}
	ok := func(name, method, path string, auth []string, body string) testCase {
		return testCase{name: name, method: method, path: path, auth: auth, status: http.StatusOK, body: body}
	}
	bearer := func(token string) []string { return []string{"Bearer " + token} }

	return []testCase{
		ok("valid RS256 token", http.MethodGet, "/mcp", bearer(valid), aliceReply),
		ok("valid ES256 token", http.MethodGet, "/mcp", bearer(tok(alice, mcpauthtest.WithAlgorithm(mcpauthtest.ES256))), aliceReply),
		ok("valid EdDSA token", http.MethodGet, "/mcp", bearer(tok(alice, mcpauthtest.WithAlgorithm(mcpauthtest.EdDSA))), aliceReply),
		ok("valid token without kid", http.MethodGet, "/mcp", bearer(tok(alice, mcpauthtest.WithoutKeyID())), aliceReply),
		ok("valid token POST", http.MethodPost, "/mcp", bearer(valid), aliceReply),
		ok("scheme in lower case", http.MethodGet, "/mcp", []string{"bearer " + valid}, aliceReply),
		ok("scheme in upper case", http.MethodGet, "/mcp", []string{"BEARER " + valid}, aliceReply),
		ok("audience array containing the resource", http.MethodGet, "/mcp",
			bearer(tok(map[string]any{"sub": "alice", "aud": []string{"other", Resource}, "scope": "read write", "client_id": "client-1"})),
			mustJSON(reply{Authenticated: true, Subject: "alice", Issuer: iss.URL(), ClientID: "client-1", Scopes: []string{"read", "write"}, Audience: []string{"other", Resource}})),

		refused("no Authorization header", "/mcp", nil, 401, challengeNoCredentials, bodyNoCredentials),
		refused("empty Authorization header", "/mcp", []string{""}, 401, challengeNoCredentials, bodyNoCredentials),
		refused("scheme without token", "/mcp", []string{"Bearer"}, 401, challengeNoToken, bodyNoToken),
		refused("scheme with trailing space (differs from Python: missing_bearer_token)", "/mcp", []string{"Bearer "}, 401, challengeNoToken, bodyNoToken),
		refused("two spaces after the scheme", "/mcp", []string{"Bearer  " + valid}, 401, challengeBadFormat, bodyBadFormat),
		refused("text after the token", "/mcp", []string{"Bearer " + valid + " extra"}, 401, challengeBadFormat, bodyBadFormat),
		refused("tab after the scheme", "/mcp", []string{"Bearer\t" + valid}, 401, challengeBadFormat, bodyBadFormat),
		refused("Basic scheme", "/mcp", []string{"Basic YWxpY2U6c2VjcmV0"}, 401, challengeBadFormat, bodyBadFormat),
		refused("two Authorization headers (differs from references: refused)", "/mcp", []string{"Bearer " + valid, "Bearer " + valid}, 401, challengeBadFormat, bodyBadFormat),
		refused("token that is not a JWT", "/mcp", bearer("abc.def"), 401, challengeInvalidToken, bodyInvalidToken),
		refused("expired token beyond leeway", "/mcp", bearer(tok(withClaims(alice, "exp", time.Now().Add(-2*time.Minute).Unix()))), 401, challengeInvalidToken, bodyInvalidToken),
		refused("token not yet valid", "/mcp", bearer(tok(withClaims(alice, "nbf", time.Now().Add(10*time.Minute).Unix()))), 401, challengeInvalidToken, bodyInvalidToken),
		refused("token without exp (differs from references: refused)", "/mcp", bearer(tok(withClaims(alice, "exp", nil))), 401, challengeInvalidToken, bodyInvalidToken),
		refused("token from an untrusted issuer", "/mcp", bearer(s.stranger.MustToken(t, alice)), 401, challengeWrongIssuer, bodyWrongIssuer),
		refused("token for another audience", "/mcp", bearer(tok(withClaims(alice, "aud", "https://other.example.com/mcp"))), 401, challengeWrongAudience, bodyWrongAudience),
		refused("token without audience", "/mcp", bearer(tok(without(alice, "aud"))), 401, challengeWrongAudience, bodyWrongAudience),
		refused("token missing the required scope", "/mcp", bearer(tok(withClaims(alice, "scope", "write"))), 403, challengeScope, bodyScope),
		refused("token signed with an unknown kid", "/mcp", bearer(tok(alice, mcpauthtest.WithKeyID(unknownKID))), 401, challengeInvalidToken, bodyInvalidToken),
		refused("token with a bad signature", "/mcp", bearer(tampered), 401, challengeInvalidToken, bodyInvalidToken),
		refused("alg none token", "/mcp", bearer(mustUnsigned(t, iss, alice)), 401, challengeInvalidToken, bodyInvalidToken),

		ok("custom verifier accepts its token", http.MethodGet, "/custom", bearer(customGood),
			mustJSON(reply{Authenticated: true, Subject: "custom-user", Issuer: iss.URL(), Scopes: []string{"read"}, Audience: []string{Resource}})),
		refused("custom verifier refuses a token", "/custom", bearer("custom-bad"), 401, challengeInvalidToken, bodyInvalidToken),
		refused("custom verifier result from an untrusted issuer", "/custom", bearer(customWrongIssuer), 401, challengeWrongIssuer, bodyWrongIssuer),

		ok("optional route without credentials", http.MethodGet, "/optional", nil, bodyAnonymous),
		ok("optional route with a valid token", http.MethodGet, "/optional", bearer(valid), aliceReply),
		refused("optional route with a bad token", "/optional", bearer("abc.def"), 401, challengeInvalidToken, bodyInvalidToken),
		ok("skipped route without credentials", http.MethodGet, "/skipped", nil, bodyAnonymous),
		ok("skipped route ignores a bad token", http.MethodGet, "/skipped", bearer("abc.def"), bodyAnonymous),
		ok("net/http handler through the framework bridge", http.MethodGet, "/bridge", bearer(valid), aliceReply),
		refused("net/http bridge without credentials", "/bridge", nil, 401, challengeNoCredentials, bodyNoCredentials),

		{name: "metadata GET", method: http.MethodGet, path: MetadataPath, status: 200, body: doc,
			headers: map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"}},
		{name: "metadata GET with trailing slash", method: http.MethodGet, path: MetadataPath + "/", status: 200, body: doc,
			headers: map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"}},
		{name: "metadata HEAD", method: http.MethodHead, path: MetadataPath, status: 200, body: "",
			headers: map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"}},
		{name: "metadata CORS preflight", method: http.MethodOptions, path: MetadataPath, status: 204, body: "", noContentType: true,
			header:  map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "mcp-protocol-version"},
			headers: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS", "Access-Control-Allow-Headers": "mcp-protocol-version"}},
		{name: "metadata POST is not served", method: http.MethodPost, path: MetadataPath, anyStatusAbove: 400, body: "-"},
		{name: "unknown metadata path is not found", method: http.MethodGet, path: "/.well-known/oauth-protected-resource/other", anyStatusAbove: 404, body: "-"},
	}
}

// check sends the case's request and compares the answer.
func (s *suite) check(t *testing.T, framework string, c testCase) {
	t.Helper()
	resp, body := s.do(t, c.method, c.path, c.auth, c.header)
	where := fmt.Sprintf("%s: %s %s", framework, c.method, c.path)
	if c.anyStatusAbove > 0 {
		if resp.StatusCode < c.anyStatusAbove || resp.StatusCode == 401 || resp.StatusCode == 403 {
			t.Errorf("%s: status %d, want a non-auth status >= %d", where, resp.StatusCode, c.anyStatusAbove)
		}
		return
	}
	if resp.StatusCode != c.status {
		t.Errorf("%s: status %d, want %d (body %s)", where, resp.StatusCode, c.status, body)
	}
	got := resp.Header.Values("WWW-Authenticate")
	switch {
	case c.challenge == "" && len(got) > 0:
		t.Errorf("%s: unexpected WWW-Authenticate %q", where, got)
	case c.challenge != "" && (len(got) != 1 || got[0] != c.challenge):
		t.Errorf("%s: WWW-Authenticate\n got %q\nwant %q", where, got, c.challenge)
	}
	if c.body != "-" && string(body) != c.body {
		t.Errorf("%s: body\n got %s\nwant %s", where, body, c.body)
	}
	if c.noContentType && resp.Header.Get("Content-Type") != "" {
		t.Errorf("%s: unexpected Content-Type %q", where, resp.Header.Get("Content-Type"))
	}
	for k, want := range c.headers {
		if v := resp.Header.Values(k); len(v) != 1 || v[0] != want {
			t.Errorf("%s: header %s = %q, want %q", where, k, v, want)
		}
	}
}

// concurrent sends many requests at once, each with a token of its own
// subject, and checks every answer names its own subject.
func (s *suite) concurrent(t *testing.T, framework string) {
	const workers, each = 16, 8
	tokens := make([]string, workers)
	for i := range tokens {
		tokens[i] = s.issuer.MustToken(t, map[string]any{"sub": fmt.Sprintf("user-%d", i), "aud": Resource, "scope": "read"})
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < each; j++ {
				path := []string{"/mcp", "/bridge"}[j%2]
				resp, body, err := s.send(http.MethodGet, path, []string{"Bearer " + tokens[i]}, nil)
				if err != nil {
					errs <- err
					return
				}
				var r reply
				if resp.StatusCode != 200 || json.Unmarshal(body, &r) != nil || r.Subject != fmt.Sprintf("user-%d", i) {
					errs <- fmt.Errorf("%s: %s as user-%d: status %d, body %s", framework, path, i, resp.StatusCode, body)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// do sends a request and fails the test on transport errors.
func (s *suite) do(t *testing.T, method, path string, auth []string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	resp, body, err := s.send(method, path, auth, header)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp, body
}

// send sends one request to the server under test.
func (s *suite) send(method, path string, auth []string, header map[string]string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, s.base+path, nil)
	if err != nil {
		return nil, nil, err
	}
	if auth != nil {
		req.Header["Authorization"] = auth
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// withClaims returns a copy of claims with name set to v (nil removes a
// default claim of the issuer).
func withClaims(claims map[string]any, name string, v any) map[string]any {
	out := make(map[string]any, len(claims)+1)
	for k, x := range claims {
		out[k] = x
	}
	out[name] = v
	return out
}

// without returns a copy of claims without name.
func without(claims map[string]any, name string) map[string]any {
	out := withClaims(claims, name, nil)
	delete(out, name)
	return out
}

// flip changes every character of s so that a signature no longer verifies.
func flip(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, s)
}

// mustUnsigned mints an "alg":"none" token.
func mustUnsigned(t *testing.T, iss *mcpauthtest.Issuer, claims map[string]any) string {
	tok, err := iss.UnsignedToken(claims)
	if err != nil {
		t.Fatalf("minting an unsigned token: %v", err)
	}
	return tok
}

// mustJSON marshals v.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
