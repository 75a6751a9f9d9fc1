package mcpauthtest_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestDiscovery(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256, mcpauthtest.EdDSA, mcpauthtest.ES256))
	tenant := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithPath("/tenant-a"), mcpauthtest.WithAlgorithms(mcpauthtest.ES384))

	// Base URL of the server (scheme and host) of each issuer.
	base := func(iss *mcpauthtest.Issuer) string {
		u := iss.URL()
		if n := strings.Index(u[len("http://"):], "/"); n >= 0 {
			return u[:len("http://")+n]
		}
		return u
	}

	tests := []struct {
		name     string
		iss      *mcpauthtest.Issuer
		url      string // built from the specs, not from the Issuer's helpers
		helper   string // the matching Issuer helper
		wantPath string
		wantAlgs []any
	}{
		{
			name:     "OIDC without path",
			iss:      iss,
			url:      base(iss) + "/.well-known/openid-configuration",
			helper:   iss.OpenIDConfigurationURL(),
			wantAlgs: []any{"ES256", "EdDSA"},
		},
		{
			name:     "OAuth without path",
			iss:      iss,
			url:      base(iss) + "/.well-known/oauth-authorization-server",
			helper:   iss.OAuthMetadataURL(),
			wantAlgs: []any{"ES256", "EdDSA"},
		},
		{
			name:     "OIDC with path",
			iss:      tenant,
			url:      base(tenant) + "/tenant-a/.well-known/openid-configuration",
			helper:   tenant.OpenIDConfigurationURL(),
			wantPath: "/tenant-a",
			wantAlgs: []any{"ES384"},
		},
		{
			name:     "OAuth with path",
			iss:      tenant,
			url:      base(tenant) + "/.well-known/oauth-authorization-server/tenant-a",
			helper:   tenant.OAuthMetadataURL(),
			wantPath: "/tenant-a",
			wantAlgs: []any{"ES384"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.url != tt.helper {
				t.Errorf("helper URL %q, want %q", tt.helper, tt.url)
			}
			issuer := tt.iss.URL()
			if !strings.HasPrefix(issuer, "http://127.0.0.1:") || !strings.HasSuffix(issuer, tt.wantPath) || strings.HasSuffix(issuer, "/") {
				t.Fatalf("URL() = %q", issuer)
			}
			m := getJSON(t, tt.url)
			want := map[string]any{
				"issuer":                                        issuer,
				"jwks_uri":                                      issuer + "/jwks",
				"response_types_supported":                      []any{},
				"grant_types_supported":                         []any{},
				"scopes_supported":                              []any{"openid", "profile", "read", "write"},
				"subject_types_supported":                       []any{"public"},
				"id_token_signing_alg_values_supported":         tt.wantAlgs,
				"introspection_endpoint":                        issuer + "/introspect",
				"introspection_endpoint_auth_methods_supported": []any{"client_secret_basic", "client_secret_post", "private_key_jwt"},
			}
			if !reflect.DeepEqual(m, want) {
				t.Errorf("discovery document\n got %v\nwant %v", m, want)
			}
			if m["jwks_uri"] != tt.iss.JWKSURL() {
				t.Errorf("jwks_uri %v, JWKSURL() %q", m["jwks_uri"], tt.iss.JWKSURL())
			}
		})
	}
}

func TestJWKSDocument(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t) // default keys: RS256, ES256, EdDSA
	resp, _ := get(t, iss.JWKSURL())
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	doc := getJSON(t, iss.JWKSURL())
	keys, ok := doc["keys"].([]any)
	if !ok || len(keys) != 3 {
		t.Fatalf("JWKS %v: want 3 keys", doc)
	}
	wantKty := []string{"RSA", "EC", "OKP"}
	wantAlg := []string{"RS256", "ES256", "EdDSA"}
	wantParams := [][]string{{"n", "e"}, {"crv", "x", "y"}, {"crv", "x"}}
	for n, k := range keys {
		jwk := k.(map[string]any)
		if jwk["kty"] != wantKty[n] || jwk["alg"] != wantAlg[n] || jwk["use"] != "sig" {
			t.Errorf("key %d: %v", n, jwk)
		}
		if kid, _ := jwk["kid"].(string); len(kid) != 16 || kid != iss.KeyIDs()[n] {
			t.Errorf("key %d: kid %v, KeyIDs %v", n, jwk["kid"], iss.KeyIDs())
		}
		for _, p := range wantParams[n] {
			if s, _ := jwk[p].(string); s == "" {
				t.Errorf("key %d: missing %q: %v", n, p, jwk)
			}
		}
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := jwk[private]; ok {
				t.Errorf("key %d: private parameter %q published", n, private)
			}
		}
	}
	if iss.DefaultKeyID() != iss.KeyIDs()[0] {
		t.Errorf("default key %q, want the RS256 key %q", iss.DefaultKeyID(), iss.KeyIDs()[0])
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	root := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	tenant := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithPath("/tenant-a"), mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	tenantBase := strings.TrimSuffix(tenant.URL(), "/tenant-a")
	urls := []string{
		root.URL() + "/",
		root.URL() + "/authorize",
		root.URL() + "/token",
		root.URL() + "/register",
		root.URL() + "/jwks/",
		root.URL() + "/.well-known/openid-configuration/extra",
		root.URL() + "/.well-known/oauth-protected-resource",
		tenantBase + "/jwks",
		tenantBase + "/.well-known/openid-configuration",
		tenantBase + "/.well-known/oauth-authorization-server",
		tenant.URL() + "/.well-known/oauth-authorization-server", // path appended instead of inserted
		tenant.URL(),
	}
	for _, u := range urls {
		if resp, _ := get(t, u); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", u, resp.StatusCode)
		}
	}
	for _, iss := range []*mcpauthtest.Issuer{root, tenant} {
		if iss.JWKSRequests() != 0 || iss.DiscoveryRequests() != 0 {
			t.Errorf("404s counted: JWKS %d, discovery %d", iss.JWKSRequests(), iss.DiscoveryRequests())
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	for _, u := range []string{iss.JWKSURL(), iss.OpenIDConfigurationURL()} {
		resp, err := http.Post(u, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: status %d, want 405", u, resp.StatusCode)
		}
	}
	resp, err := http.Head(iss.JWKSURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("HEAD: status %d", resp.StatusCode)
	}
}

func TestWithMetadata(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t,
		mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA),
		mcpauthtest.WithMetadata(func(m map[string]any) {
			delete(m, "subject_types_supported")
			m["issuer"] = "https://evil.example"
			// Appending must not accumulate across requests: each call gets a fresh copy.
			m["scopes_supported"] = append(m["scopes_supported"].([]string), "admin")
		}))
	for range 3 {
		for _, u := range []string{iss.OpenIDConfigurationURL(), iss.OAuthMetadataURL()} {
			m := getJSON(t, u)
			if _, ok := m["subject_types_supported"]; ok {
				t.Errorf("%s: subject_types_supported not deleted", u)
			}
			if m["issuer"] != "https://evil.example" {
				t.Errorf("%s: issuer %v", u, m["issuer"])
			}
			if got := m["scopes_supported"]; !reflect.DeepEqual(got, []any{"openid", "profile", "read", "write", "admin"}) {
				t.Errorf("%s: scopes_supported %v", u, got)
			}
		}
	}
	md := iss.Metadata()
	if md["issuer"] != "https://evil.example" {
		t.Errorf("Metadata() issuer %v", md["issuer"])
	}
	if _, ok := md["subject_types_supported"]; ok {
		t.Error("Metadata(): subject_types_supported not deleted")
	}
	// Tokens keep the real issuer.
	tok := iss.MustToken(t, nil)
	if _, payload := decodeSegments(t, tok); payload["iss"] != iss.URL() {
		t.Errorf("token iss %v, want %q", payload["iss"], iss.URL())
	}
}

func TestMetadataIsACopy(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	md := iss.Metadata()
	md["issuer"] = "changed"
	md["scopes_supported"].([]string)[0] = "changed"
	delete(md, "jwks_uri")
	md2 := iss.Metadata()
	if md2["issuer"] != iss.URL() || md2["jwks_uri"] != iss.JWKSURL() || md2["scopes_supported"].([]string)[0] != "openid" {
		t.Errorf("Metadata() is not a copy: %v", md2)
	}
	if m := getJSON(t, iss.OpenIDConfigurationURL()); m["issuer"] != iss.URL() {
		t.Errorf("served issuer %v", m["issuer"])
	}
}

func TestWithPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, wantSuffix string
	}{
		{"", ""},
		{"/", ""},
		{"tenant-a", "/tenant-a"},
		{"/tenant-a/", "/tenant-a"},
		{"/realms/dev", "/realms/dev"},
	}
	for _, tt := range tests {
		iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithPath(tt.path), mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
		rest := strings.TrimPrefix(iss.URL(), "http://127.0.0.1:")
		port, _, _ := strings.Cut(rest, "/")
		if port == "" || strings.Trim(port, "0123456789") != "" || rest != port+tt.wantSuffix {
			t.Errorf("WithPath(%q): URL() = %q, want suffix %q", tt.path, iss.URL(), tt.wantSuffix)
		}
		if m := getJSON(t, iss.OAuthMetadataURL()); m["issuer"] != iss.URL() {
			t.Errorf("WithPath(%q): issuer %v", tt.path, m["issuer"])
		}
		getJSON(t, iss.OpenIDConfigurationURL())
		getJSON(t, iss.JWKSURL())
	}
}

func TestNewIssuerErrors(t *testing.T) {
	t.Parallel()
	tests := map[string][]mcpauthtest.Option{
		"no algorithms":        {mcpauthtest.WithAlgorithms()},
		"HMAC algorithm":       {mcpauthtest.WithAlgorithms("HS256")},
		"none algorithm":       {mcpauthtest.WithAlgorithms(mcpauthtest.ES256, "none")},
		"path with query":      {mcpauthtest.WithPath("/a?b=c")},
		"path with fragment":   {mcpauthtest.WithPath("/a#b")},
		"path with space":      {mcpauthtest.WithPath("/a b")},
		"negative latency":     {mcpauthtest.WithLatency(-1)},
		"zero RSA bits":        {mcpauthtest.WithRSABits(0)},
		"insecure RSA bits":    {mcpauthtest.WithRSABits(512)},
		"lower-case algorithm": {mcpauthtest.WithAlgorithms("rs256")},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			iss, err := mcpauthtest.NewIssuer(opts...)
			if err == nil {
				iss.Close()
				t.Fatal("NewIssuer succeeded")
			}
			if !strings.HasPrefix(err.Error(), "mcpauthtest: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	iss, err := mcpauthtest.NewIssuer(mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	if err != nil {
		t.Fatal(err)
	}
	getJSON(t, iss.JWKSURL())
	iss.Close()
	iss.Close() // idempotent
	if resp, err := http.Get(iss.JWKSURL()); err == nil {
		resp.Body.Close()
		t.Fatal("server still answers after Close")
	}
	// Key management and minting still work after Close.
	if _, err := iss.Token(nil); err != nil {
		t.Errorf("Token after Close: %v", err)
	}
}

func TestAlgorithms(t *testing.T) {
	t.Parallel()
	want := []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
	got := mcpauthtest.Algorithms()
	if !slices.Equal(got, want) {
		t.Errorf("Algorithms() = %v", got)
	}
	got[0] = "changed"
	if mcpauthtest.Algorithms()[0] != "RS256" {
		t.Error("Algorithms() returns shared slice")
	}
}

// Every URL the discovery document lists is served (not 404): the issuer
// advertises nothing it does not implement.
func TestAdvertisedEndpointsAnswer(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithPath("/tenant"))
	for _, doc := range []string{iss.OpenIDConfigurationURL(), iss.OAuthMetadataURL()} {
		m := getJSON(t, doc)
		n := 0
		for name, v := range m {
			u, ok := v.(string)
			if !ok || name == "issuer" || !strings.HasPrefix(u, "http") {
				continue
			}
			n++
			if resp, _ := get(t, u); resp.StatusCode == http.StatusNotFound || resp.StatusCode >= 500 {
				t.Errorf("%s: %s %s answers %d", doc, name, u, resp.StatusCode)
			}
		}
		if n == 0 {
			t.Errorf("%s lists no endpoint", doc)
		}
	}
}
