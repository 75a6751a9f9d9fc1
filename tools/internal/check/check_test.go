package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/tools/internal/check"
)

// run runs the command with args and returns its exit status, stdout and
// stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := check.Main(t.Context(), args, &stdout, &stderr, nil, "test")
	return code, stdout.String(), stderr.String()
}

// runJSON runs the command with -json and decodes the report.
func runJSON(t *testing.T, args ...string) (int, *check.Report) {
	t.Helper()
	return runJSONReport(t, args...)
}

// runIssuer runs the command with -json -issuer and returns the report of
// the one authorization server.
func runIssuer(t *testing.T, issuer string, flags ...string) (int, *check.Report, *check.ServerReport) {
	t.Helper()
	code, r := runJSON(t, append(flags, "-issuer", issuer)...)
	if len(r.AuthorizationServers) != 1 {
		t.Fatalf("%d authorization servers reported, want 1", len(r.AuthorizationServers))
	}
	return code, r, r.AuthorizationServers[0]
}

// runJSONReport runs the command with -json and decodes the report.
func runJSONReport(t *testing.T, args ...string) (int, *check.Report) {
	t.Helper()
	code, stdout, stderr := run(t, append([]string{"-json"}, args...)...)
	var r check.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("exit %d, stdout is not a JSON report: %v\nstdout: %s\nstderr: %s", code, err, stdout, stderr)
	}
	return code, &r
}

// onPath answers requests for path with status and body, and lets the others
// through.
func onPath(path string, status int, body string) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != path {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

// hang blocks requests for path until the client gives up.
func hang(path string) func(http.ResponseWriter, *http.Request) bool {
	return func(_ http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != path {
			return false
		}
		<-r.Context().Done()
		return true
	}
}

// clientReady gives the test issuer's discovery document everything MCP
// clients need. Only the shape matters to the checker (it does not call
// these endpoints); mcpauthtest itself advertises only what it serves.
func clientReady(m map[string]any) {
	iss := m["issuer"].(string)
	m["authorization_endpoint"] = iss + "/authorize"
	m["token_endpoint"] = iss + "/token"
	m["registration_endpoint"] = iss + "/register"
	m["response_types_supported"] = []string{"code"}
	m["grant_types_supported"] = []string{"authorization_code", "refresh_token"}
	m["code_challenge_methods_supported"] = []string{"S256"}
	m["client_id_metadata_document_supported"] = true
}

// edit reshapes a client-ready document.
func edit(f func(m map[string]any)) mcpauthtest.Option {
	return mcpauthtest.WithMetadata(func(m map[string]any) {
		clientReady(m)
		f(m)
	})
}

// ready is the option of a client-ready issuer.
var ready = edit(func(map[string]any) {})

// allChecks are the IDs of an authorization server's checks, in order.
var allChecks = []string{
	check.IDIssuerURL, check.IDDiscovery, check.IDIssuerMatch, check.IDMetadata, check.IDClientMetadata,
	check.IDResponseTypeCode, check.IDAuthorizationCode, check.IDPKCE, check.IDPKCES256,
	check.IDDynamicRegistration, check.IDClientIDMetadataDocument, check.IDResourceIndicators, check.IDJWKSURI, check.IDJWKS,
	check.IDSigningKeys, check.IDSkippedKeys,
}

// statuses of a compliant server: everything passes but resource indicators,
// which cannot be told from metadata.
func compliant() map[string]check.Status {
	m := map[string]check.Status{}
	for _, id := range allChecks {
		m[id] = check.Pass
	}
	m[check.IDResourceIndicators] = check.Warn
	return m
}

// with returns compliant() changed by pairs of check ID and status.
func with(changes ...any) map[string]check.Status {
	m := compliant()
	for i := 0; i < len(changes); i += 2 {
		m[changes[i].(string)] = changes[i+1].(check.Status)
	}
	return m
}

// allSkippedAfter returns compliant() with every check from id on skipped.
func allSkippedAfter(id string, changes ...any) map[string]check.Status {
	m := with(changes...)
	after := false
	for _, c := range allChecks {
		if after {
			m[c] = check.Skip
		}
		if c == id {
			after = true
		}
	}
	return m
}

func TestChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []mcpauthtest.Option
		setup  func(iss *mcpauthtest.Issuer)
		flags  []string
		code   int
		want   map[string]check.Status
		detail map[string]string // check ID → substring of its detail
		typ    string            // the discovery used
	}{
		{
			name: "compliant server",
			code: check.ExitOK,
			want: compliant(),
			detail: map[string]string{
				check.IDSigningKeys: "RS256",
				check.IDJWKS:        "3 keys",
			},
			typ: "oidc",
		},
		{
			name: "issuer with a path",
			opts: []mcpauthtest.Option{mcpauthtest.WithPath("/tenant-a")},
			code: check.ExitOK,
			want: compliant(),
			typ:  "oidc",
		},
		{
			name:   "oauth discovery requested",
			opts:   []mcpauthtest.Option{mcpauthtest.WithPath("/tenant-a")},
			flags:  []string{"-type", "oauth"},
			code:   check.ExitOK,
			want:   compliant(),
			detail: map[string]string{check.IDDiscovery: "/.well-known/oauth-authorization-server/tenant-a"},
			typ:    "oauth",
		},
		{
			name:   "no OIDC document: falls back to OAuth",
			setup:  func(iss *mcpauthtest.Issuer) { iss.SetFault(onPath("/.well-known/openid-configuration", 404, `{}`)) },
			code:   check.ExitOK,
			want:   compliant(),
			detail: map[string]string{check.IDDiscovery: "tried first: oidc"},
			typ:    "oauth",
		},
		{
			name:   "no OIDC document and -type oidc",
			setup:  func(iss *mcpauthtest.Issuer) { iss.SetFault(onPath("/.well-known/openid-configuration", 404, `{}`)) },
			flags:  []string{"-type", "oidc"},
			code:   check.ExitFailed,
			want:   allSkippedAfter(check.IDDiscovery, check.IDDiscovery, check.Fail),
			detail: map[string]string{check.IDDiscovery: "404", check.IDJWKS: "no discovery document"},
		},
		{
			name: "discovery unreachable",
			setup: func(iss *mcpauthtest.Issuer) {
				iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
					if strings.Contains(r.URL.Path, "/.well-known/") {
						http.Error(w, "down", http.StatusServiceUnavailable)
						return true
					}
					return false
				})
			},
			code:   check.ExitFailed,
			want:   allSkippedAfter(check.IDDiscovery, check.IDDiscovery, check.Fail),
			detail: map[string]string{check.IDDiscovery: "503"},
		},
		{
			name: "discovery times out",
			setup: func(iss *mcpauthtest.Issuer) {
				iss.SetFault(hang("/.well-known/openid-configuration"))
			},
			flags: []string{"-type", "oidc", "-timeout", "200ms"},
			code:  check.ExitFailed,
			want:  allSkippedAfter(check.IDDiscovery, check.IDDiscovery, check.Fail),
		},
		{
			name: "discovery document is not JSON",
			setup: func(iss *mcpauthtest.Issuer) {
				iss.SetFault(onPath("/.well-known/openid-configuration", 200, `<html>login</html>`))
			},
			flags:  []string{"-type", "oidc"},
			code:   check.ExitFailed,
			want:   allSkippedAfter(check.IDDiscovery, check.IDDiscovery, check.Fail),
			detail: map[string]string{check.IDDiscovery: "not a JSON object"},
		},
		{
			name:   "discovery member of the wrong type",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { m["response_types_supported"] = "code" })},
			flags:  []string{"-type", "oidc"},
			code:   check.ExitFailed,
			want:   allSkippedAfter(check.IDDiscovery, check.IDDiscovery, check.Fail),
			detail: map[string]string{check.IDDiscovery: "not RFC 8414 metadata"},
		},
		{
			name:   "issuer mismatch",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { m["issuer"] = "https://other.example" })},
			code:   check.ExitFailed,
			want:   with(check.IDIssuerMatch, check.Fail),
			detail: map[string]string{check.IDIssuerMatch: `found "https://other.example"`},
		},
		{
			name:   "issuer missing",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { delete(m, "issuer") })},
			code:   check.ExitFailed,
			want:   with(check.IDIssuerMatch, check.Fail, check.IDMetadata, check.Fail),
			detail: map[string]string{check.IDMetadata: `no "issuer"`},
		},
		{
			name:   "authorization endpoint missing: a warning (a client requirement)",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { delete(m, "authorization_endpoint") })},
			code:   check.ExitOK,
			want:   with(check.IDClientMetadata, check.Warn),
			detail: map[string]string{check.IDClientMetadata: "authorization_endpoint"},
		},
		{
			name: "no code response type: a warning",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) { m["response_types_supported"] = []string{"token"} })},
			code: check.ExitOK,
			want: with(check.IDResponseTypeCode, check.Warn),
		},
		{
			name: "hybrid response type counts as code",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) { m["response_types_supported"] = []string{"code id_token"} })},
			code: check.ExitOK,
			want: compliant(),
		},
		{
			name: "no authorization_code grant: a warning",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) { m["grant_types_supported"] = []string{"client_credentials"} })},
			code: check.ExitOK,
			want: with(check.IDAuthorizationCode, check.Warn),
		},
		{
			name: "grant types absent: the RFC 8414 default includes authorization_code",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) { delete(m, "grant_types_supported") })},
			code: check.ExitOK,
			want: compliant(),
		},
		{
			name:   "no PKCE: a warning (Entra ID publishes no code_challenge_methods_supported)",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { delete(m, "code_challenge_methods_supported") })},
			code:   check.ExitOK,
			want:   with(check.IDPKCE, check.Warn, check.IDPKCES256, check.Skip),
			detail: map[string]string{check.IDPKCES256: "PKCE is not supported"},
		},
		{
			name: "PKCE without S256: a warning",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) { m["code_challenge_methods_supported"] = []string{"plain"} })},
			code: check.ExitOK,
			want: with(check.IDPKCES256, check.Warn),
		},
		{
			name: "no dynamic client registration: a warning",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) { delete(m, "registration_endpoint") })},
			code: check.ExitOK,
			want: with(check.IDDynamicRegistration, check.Warn),
		},
		{
			name: "no client ID metadata documents: a warning",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) { delete(m, "client_id_metadata_document_supported") })},
			code: check.ExitOK,
			want: with(check.IDClientIDMetadataDocument, check.Warn),
		},
		{
			name: "Entra-shaped document: warnings only",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) {
				delete(m, "code_challenge_methods_supported")
				delete(m, "grant_types_supported")
				delete(m, "registration_endpoint")
				delete(m, "client_id_metadata_document_supported")
			})},
			code: check.ExitOK,
			want: with(check.IDPKCE, check.Warn, check.IDPKCES256, check.Skip, check.IDDynamicRegistration, check.Warn, check.IDClientIDMetadataDocument, check.Warn),
		},
		{
			name: "the development issuer: no endpoint for clients, reported as such",
			opts: []mcpauthtest.Option{mcpauthtest.WithMetadata(func(map[string]any) {})},
			code: check.ExitOK,
			want: with(check.IDClientMetadata, check.Warn, check.IDResponseTypeCode, check.Warn, check.IDAuthorizationCode, check.Warn,
				check.IDPKCE, check.Warn, check.IDPKCES256, check.Skip, check.IDDynamicRegistration, check.Warn, check.IDClientIDMetadataDocument, check.Warn),
		},
		{
			name:   "resource indicators advertised",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { m[check.ResourceIndicatorsHint] = true })},
			code:   check.ExitOK,
			want:   with(check.IDResourceIndicators, check.Pass),
			detail: map[string]string{check.IDResourceIndicators: "non-standard"},
		},
		{
			name:   "resource indicators denied",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { m[check.ResourceIndicatorsHint] = false })},
			code:   check.ExitOK,
			want:   compliant(),
			detail: map[string]string{check.IDResourceIndicators: "resource_indicators_supported is false"},
		},
		{
			name:   "no jwks_uri",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { delete(m, "jwks_uri") })},
			code:   check.ExitFailed,
			want:   with(check.IDJWKSURI, check.Fail, check.IDJWKS, check.Skip, check.IDSigningKeys, check.Skip, check.IDSkippedKeys, check.Skip),
			detail: map[string]string{check.IDJWKSURI: "no jwks_uri", check.IDJWKS: "no usable jwks_uri"},
		},
		{
			name:   "jwks_uri over http on a public host",
			opts:   []mcpauthtest.Option{edit(func(m map[string]any) { m["jwks_uri"] = "http://keys.example.invalid/jwks" })},
			code:   check.ExitFailed,
			want:   with(check.IDJWKSURI, check.Fail, check.IDJWKS, check.Skip, check.IDSigningKeys, check.Skip, check.IDSkippedKeys, check.Skip),
			detail: map[string]string{check.IDJWKSURI: "use https"},
		},
		{
			name: "jwks_uri not a URL",
			opts: []mcpauthtest.Option{edit(func(m map[string]any) { m["jwks_uri"] = "/jwks" })},
			code: check.ExitFailed,
			want: with(check.IDJWKSURI, check.Fail, check.IDJWKS, check.Skip, check.IDSigningKeys, check.Skip, check.IDSkippedKeys, check.Skip),
		},
		{
			name:   "JWKS unreachable",
			setup:  func(iss *mcpauthtest.Issuer) { iss.SetFault(onPath("/jwks", 500, `{}`)) },
			code:   check.ExitFailed,
			want:   with(check.IDJWKS, check.Fail, check.IDSigningKeys, check.Skip, check.IDSkippedKeys, check.Skip),
			detail: map[string]string{check.IDJWKS: "500", check.IDSigningKeys: "could not be read"},
		},
		{
			name:  "JWKS times out",
			setup: func(iss *mcpauthtest.Issuer) { iss.SetFault(hang("/jwks")) },
			flags: []string{"-timeout", "300ms"},
			code:  check.ExitFailed,
			want:  with(check.IDJWKS, check.Fail, check.IDSigningKeys, check.Skip, check.IDSkippedKeys, check.Skip),
		},
		{
			name:   "JWKS is not JSON",
			setup:  func(iss *mcpauthtest.Issuer) { iss.SetJWKSBody([]byte("not json")) },
			code:   check.ExitFailed,
			want:   with(check.IDJWKS, check.Fail, check.IDSigningKeys, check.Skip, check.IDSkippedKeys, check.Skip),
			detail: map[string]string{check.IDJWKS: "not a JWK Set"},
		},
		{
			name:   "JWKS over the size limit",
			setup:  func(iss *mcpauthtest.Issuer) { iss.SetJWKSBody(append(bytes.Repeat([]byte(" "), 1<<20), "{}"...)) },
			code:   check.ExitFailed,
			want:   with(check.IDJWKS, check.Fail, check.IDSigningKeys, check.Skip, check.IDSkippedKeys, check.Skip),
			detail: map[string]string{check.IDJWKS: "limit"},
		},
		{
			name:   "JWKS without keys",
			setup:  func(iss *mcpauthtest.Issuer) { iss.SetJWKSBody([]byte(`{"keys":[]}`)) },
			code:   check.ExitFailed,
			want:   with(check.IDSigningKeys, check.Fail),
			detail: map[string]string{check.IDJWKS: "0 keys"},
		},
		{
			name: "JWKS with an unusable key next to good ones",
			setup: func(iss *mcpauthtest.Issuer) {
				var set struct {
					Keys []any `json:"keys"`
				}
				if err := json.Unmarshal(iss.JWKSJSON(), &set); err != nil {
					panic(err)
				}
				set.Keys = append(set.Keys, map[string]any{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"})
				body, _ := json.Marshal(set)
				iss.SetJWKSBody(body)
			},
			code:   check.ExitOK,
			want:   with(check.IDSkippedKeys, check.Warn),
			detail: map[string]string{check.IDSkippedKeys: `kid "hmac"`, check.IDJWKS: "4 keys"},
		},
		{
			name:   "only an RSA key under 2048 bits",
			opts:   []mcpauthtest.Option{mcpauthtest.WithAlgorithms(mcpauthtest.RS256), mcpauthtest.WithRSABits(1024)},
			code:   check.ExitFailed,
			want:   with(check.IDSigningKeys, check.Fail, check.IDSkippedKeys, check.Warn),
			detail: map[string]string{check.IDSkippedKeys: "1024 bits"},
		},
		{
			name: "every key type mcpauth uses",
			opts: []mcpauthtest.Option{mcpauthtest.WithAlgorithms(
				mcpauthtest.PS384, mcpauthtest.ES256, mcpauthtest.ES384, mcpauthtest.ES512, mcpauthtest.EdDSA,
			)},
			code:   check.ExitOK,
			want:   compliant(),
			detail: map[string]string{check.IDSigningKeys: "5: "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := mcpauthtest.MustNewIssuer(t, append([]mcpauthtest.Option{ready}, tt.opts...)...)
			if tt.setup != nil {
				tt.setup(iss)
			}
			code, top, r := runIssuer(t, iss.URL(), tt.flags...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d", code, tt.code)
			}
			if r.Issuer != iss.URL() {
				t.Errorf("issuer %q, want %q", r.Issuer, iss.URL())
			}
			if r.OK != (tt.code == check.ExitOK) || top.OK != r.OK || top.Summary != r.Summary {
				t.Errorf("ok = %v (report %v, %+v vs %+v) with exit status %d", r.OK, top.OK, top.Summary, r.Summary, tt.code)
			}
			if len(r.Checks) != len(tt.want) {
				t.Errorf("%d checks, want %d", len(r.Checks), len(tt.want))
			}
			for id, want := range tt.want {
				got, ok := r.Result(id)
				if !ok {
					t.Errorf("check %s missing", id)
					continue
				}
				if got.Status != want {
					t.Errorf("check %s: %s (%s), want %s", id, got.Status, got.Detail, want)
				}
			}
			for id, sub := range tt.detail {
				if got, _ := r.Result(id); !strings.Contains(got.Detail, sub) {
					t.Errorf("check %s: detail %q does not contain %q", id, got.Detail, sub)
				}
			}
			if tt.typ != "" && string(r.Type) != tt.typ {
				t.Errorf("discovery type %q, want %q", r.Type, tt.typ)
			}
		})
	}
}

func TestKeysReported(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, ready, mcpauthtest.WithAlgorithms(mcpauthtest.ES384, mcpauthtest.EdDSA))
	code, _, r := runIssuer(t, iss.URL())
	if code != check.ExitOK {
		t.Fatalf("exit status %d", code)
	}
	if r.JWKSURI != iss.JWKSURL() {
		t.Errorf("jwks_uri %q, want %q", r.JWKSURI, iss.JWKSURL())
	}
	kids := iss.KeyIDs()
	if len(r.Keys) != 2 || r.Keys[0].KeyID != kids[0] || r.Keys[1].KeyID != kids[1] {
		t.Fatalf("keys %+v, want kids %v", r.Keys, kids)
	}
	if r.Keys[0].KeyType != "EC" || r.Keys[0].Detail != "EC P-384" || r.Keys[1].KeyType != "OKP" {
		t.Errorf("keys %+v", r.Keys)
	}
	if got, _ := r.Result(check.IDSigningKeys); !strings.Contains(got.Detail, "ES384") || !strings.Contains(got.Detail, "EdDSA") {
		t.Errorf("signing keys detail %q lacks the algorithms", got.Detail)
	}
	if r.Summary != (check.Summary{Pass: 15, Warn: 1}) {
		t.Errorf("summary %+v", r.Summary)
	}
}

func TestTableOutput(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, edit(func(m map[string]any) { delete(m, "jwks_uri") }))
	code, stdout, stderr := run(t, "-issuer", iss.URL())
	if code != check.ExitFailed {
		t.Errorf("exit status %d, want %d", code, check.ExitFailed)
	}
	if stderr != "" {
		t.Errorf("stderr: %q", stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "Authorization server "+iss.URL()) {
		t.Errorf("first line %q", lines[0])
	}
	header := slicesIndex(lines, func(l string) bool { return strings.HasPrefix(l, "STATUS") })
	if header < 0 {
		t.Fatalf("no header row:\n%s", stdout)
	}
	detailCol := strings.Index(lines[header], "DETAIL")
	checkCol := strings.Index(lines[header], "CHECK")
	rows := lines[header+1 : header+1+len(allChecks)]
	for _, row := range rows {
		// Aligned columns: the check name starts under CHECK, the detail
		// under DETAIL (tabwriter counts runes, so compare in runes).
		runes := []rune(row)
		if len(runes) <= detailCol || runes[checkCol-1] != ' ' || runes[checkCol] == ' ' || runes[detailCol-1] != ' ' || runes[detailCol] == ' ' {
			t.Errorf("row not aligned with the header:\n%s\n%s", lines[header], row)
		}
	}
	for _, want := range []string{
		"FAIL    jwks_uri",
		"SKIP    JWKS reachable and parseable",
		"WARN    Resource indicators (RFC 8707)",
		"PASS    Issuer matches (RFC 8414 §3.3)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if last := lines[len(lines)-1]; last != "FAILED (11 pass, 1 warn, 1 fail, 3 skip)" {
		t.Errorf("last line %q", last)
	}

	iss2 := mcpauthtest.MustNewIssuer(t, ready)
	code, stdout, _ = run(t, "-issuer", iss2.URL())
	if code != check.ExitOK || !strings.HasSuffix(stdout, "OK: no check failed (15 pass, 1 warn, 0 fail, 0 skip)\n") {
		t.Errorf("exit status %d, output:\n%s", code, stdout)
	}
}

func slicesIndex(s []string, f func(string) bool) int {
	for i, v := range s {
		if f(v) {
			return i
		}
	}
	return -1
}

func TestUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no URL", nil, check.ExitUsage, "expected one MCP server URL, got 0"},
		{"two URLs", []string{"https://a.example/mcp", "https://b.example/mcp"}, check.ExitUsage, "got 2"},
		{"URL and -issuer", []string{"-issuer", "https://a.example", "https://b.example/mcp"}, check.ExitUsage, "not both"},
		{"unknown type", []string{"-type", "saml", "https://a.example"}, check.ExitUsage, "-type must be"},
		{"unknown flag", []string{"-verbose", "https://a.example"}, check.ExitUsage, "flag provided but not defined"},
		{"not a URL", []string{"a.example"}, check.ExitUsage, "expected the MCP server URL"},
		{"issuer not a URL", []string{"-issuer", "a.example"}, check.ExitUsage, "absolute https URL"},
		{"query in issuer", []string{"-issuer", "https://a.example/?tenant=1"}, check.ExitUsage, "query"},
		{"zero timeout", []string{"-timeout", "0s", "https://a.example"}, check.ExitUsage, "-timeout"},
		{"help", []string{"-h"}, check.ExitOK, "Usage: mcpauth-check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d", code, tt.code)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.stderr)
			}
		})
	}
}

func TestFlagsAfterIssuer(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, ready)
	code, stdout, _ := run(t, "-issuer", iss.URL(), "-json", "-type", "oauth")
	var r check.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if code != check.ExitOK || len(r.AuthorizationServers) != 1 || r.AuthorizationServers[0].Type != "oauth" {
		t.Errorf("exit status %d, report %+v", code, r)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, stdout, _ := run(t, "-version")
	if code != check.ExitOK || stdout != "mcpauth-check test\n" {
		t.Errorf("exit status %d, stdout %q", code, stdout)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t)
	agents := make(chan string, 10)
	iss.SetFault(func(_ http.ResponseWriter, r *http.Request) bool {
		agents <- r.UserAgent()
		return false
	})
	if code, _, _ := run(t, "-issuer", iss.URL()); code != check.ExitOK {
		t.Fatalf("exit status %d", code)
	}
	close(agents)
	n := 0
	for ua := range agents {
		n++
		if ua != "mcpauth-check/test" {
			t.Errorf("User-Agent %q", ua)
		}
	}
	if n != 2 { // the OIDC document and the JWKS
		t.Errorf("%d requests, want 2", n)
	}
}

func TestRunContextCanceled(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := check.RunIssuer(ctx, iss.URL(), check.Options{})
	if !r.Failed() {
		t.Fatalf("a canceled run passed: %+v", r)
	}
	if got, _ := r.AuthorizationServers[0].Result(check.IDDiscovery); got.Status != check.Fail {
		t.Errorf("discovery %s", got.Status)
	}
}
