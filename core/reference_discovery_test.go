package mcpauth_test

// Replays the discovery and server-validation cases of the reference suites
// (reference §5 and §9: Python tests/utils/fetch_server_config_test.py
// PY-095..103 and validate_server_config_test.py PY-104..109; JS
// utils/fetch-server-config.test.ts JS-104..112,
// auth/auth-server-metadata-cache.test.ts JS-052..060 and
// utils/validate-server-config.test.ts JS-123..130).

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestReferenceDiscoveryURL(t *testing.T) {
	cases := []struct {
		issuer     string
		oauth, oid string
	}{
		{"https://e.com", "https://e.com/.well-known/oauth-authorization-server", "https://e.com/.well-known/openid-configuration"},
		{"https://e.com/", "https://e.com/.well-known/oauth-authorization-server", "https://e.com/.well-known/openid-configuration"},
		{"https://e.com/p/q", "https://e.com/.well-known/oauth-authorization-server/p/q", "https://e.com/p/q/.well-known/openid-configuration"},
		{"https://e.com/p/q/", "https://e.com/.well-known/oauth-authorization-server/p/q", "https://e.com/p/q/.well-known/openid-configuration"},
		{"https://e.com:8443/realms/x", "https://e.com:8443/.well-known/oauth-authorization-server/realms/x", "https://e.com:8443/realms/x/.well-known/openid-configuration"},
	}
	for _, c := range cases {
		t.Run(c.issuer, func(t *testing.T) {
			if got, err := mcpauth.DiscoveryURL(c.issuer, mcpauth.OAuth); err != nil || got != c.oauth {
				t.Errorf("OAuth: %q, %v; want %q", got, err, c.oauth)
			}
			if got, err := mcpauth.DiscoveryURL(c.issuer, mcpauth.OIDC); err != nil || got != c.oid {
				t.Errorf("OIDC: %q, %v; want %q", got, err, c.oid)
			}
		})
	}
	for _, bad := range []string{"https://e.com/p?x=1", "https://e.com/p#h", "not a url", "urn:example:x", "ftp://e.com"} {
		if _, err := mcpauth.DiscoveryURL(bad, mcpauth.OIDC); !errors.Is(err, mcpauth.CodeInvalidServerConfig) {
			t.Errorf("%q: got %v, want invalid_server_config (RFC 8414 §2: no query or fragment)", bad, err)
		}
	}
}

// metadataServer serves body (with %s replaced by its own URL) with status at
// any path and records the paths requested.
func metadataServer(t *testing.T, status int, body string) (*httptest.Server, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var paths []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(strings.ReplaceAll(body, "%s", srv.URL)))
	}))
	t.Cleanup(srv.Close)
	return srv, &paths
}

const minimalMetadata = `{"issuer":"%s%p","authorization_endpoint":"%s/authorize","token_endpoint":"%s/token","response_types_supported":["code"],"scopes_supported":["openid","profile","email"]}`

func TestReferenceFetchServerConfig(t *testing.T) {
	cases := []struct {
		name     string
		typ      mcpauth.ServerType
		path     string // issuer path
		status   int
		body     string
		wantPath string
		wantErr  error
		detail   string
	}{
		{"PY-099 JS-108 OAuth at the root", mcpauth.OAuth, "", 200, minimalMetadata, "/.well-known/oauth-authorization-server", nil, ""},
		{"PY-100 JS-109 OAuth with a path (RFC 8414 insertion)", mcpauth.OAuth, "/path", 200, minimalMetadata, "/.well-known/oauth-authorization-server/path", nil, ""},
		{"PY-101 JS-110 OIDC at the root", mcpauth.OIDC, "", 200, minimalMetadata, "/.well-known/openid-configuration", nil, ""},
		{"PY-102 JS-111 OIDC with a path (appended)", mcpauth.OIDC, "/path", 200, minimalMetadata, "/path/.well-known/openid-configuration", nil, ""},
		{"PY-095 JS-104 OAuth 500", mcpauth.OAuth, "", 500, `{"error":"Internal Server Error"}`, "/.well-known/oauth-authorization-server", mcpauth.CodeFetchServerConfigError, "500 Internal Server Error"},
		{"PY-103 JS-112 OIDC 500", mcpauth.OIDC, "", 500, `{}`, "/.well-known/openid-configuration", mcpauth.CodeFetchServerConfigError, "500 Internal Server Error"},
		{"PY-096 JS-129 empty object", mcpauth.OAuth, "", 200, `{}`, "", mcpauth.CodeInvalidServerMetadata, "missing issuer"},
		{"JS-105 null", mcpauth.OAuth, "", 200, `null`, "", mcpauth.CodeInvalidServerMetadata, "expected a JSON object"},
		{"PY-097 JS-106 no response_types_supported", mcpauth.OAuth, "", 200, `{"issuer":"%s","authorization_endpoint":"%s/a","token_endpoint":"%s/t"}`, "", mcpauth.CodeInvalidServerMetadata, "response_types_supported"},
		{"reference §12 HTML body", mcpauth.OAuth, "", 200, `<html>oops</html>`, "", mcpauth.CodeInvalidServerMetadata, "expected a JSON object"},
		{"truncated JSON", mcpauth.OAuth, "", 200, `{"issuer":"%s","author`, "", mcpauth.CodeInvalidServerMetadata, ""},
		{"PY-099 JS-108 discovered issuer with a trailing slash (the references accept it; RFC 8414 §3.3 does not)", mcpauth.OAuth, "", 200,
			`{"issuer":"%s/","authorization_endpoint":"%s/a","token_endpoint":"%s/t","response_types_supported":["code"]}`, "", mcpauth.CodeInvalidServerMetadata, "RFC 8414 §3.3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, paths := metadataServer(t, c.status, strings.ReplaceAll(c.body, "%p", c.path))
			got, err := mcpauth.FetchServerConfig(t.Context(), srv.URL+c.path, c.typ)
			if c.wantPath != "" && (len(*paths) != 1 || (*paths)[0] != c.wantPath) {
				t.Errorf("requested %v, want %s", *paths, c.wantPath)
			}
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) || !strings.Contains(err.Error(), c.detail) {
					t.Fatalf("got %v, want %v mentioning %q", err, c.wantErr, c.detail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != c.typ || got.Metadata.Issuer != srv.URL+c.path || !slices.Equal(got.Metadata.ResponseTypesSupported, []string{"code"}) ||
				!slices.Equal(got.Metadata.ScopesSupported, []string{"openid", "profile", "email"}) {
				t.Fatalf("got %+v", got.Metadata)
			}
		})
	}
}

// Limits on what a discovery response may cost: a body over the size limit
// and a server that hangs are refused.
func TestFetchServerConfigLimits(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"issuer":"` + strings.Repeat("x", 2<<20) + `"}`))
	}))
	defer big.Close()
	if _, err := mcpauth.FetchServerConfig(t.Context(), big.URL, mcpauth.OIDC); !errors.Is(err, mcpauth.CodeFetchServerConfigError) || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("oversized body: %v", err)
	}
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	start := time.Now()
	_, err := mcpauth.FetchServerConfig(t.Context(), hang.URL, mcpauth.OIDC, mcpauth.FetchOptions{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, mcpauth.CodeFetchServerConfigError) || time.Since(start) > 5*time.Second {
		t.Fatalf("hanging server: %v after %s", err, time.Since(start))
	}
}

func TestReferenceValidateServerConfig(t *testing.T) {
	full := mcpauth.AuthServerMetadata{
		Issuer: "https://e.com", AuthorizationEndpoint: "https://e.com/a", TokenEndpoint: "https://e.com/t",
		ResponseTypesSupported: []string{"code"}, GrantTypesSupported: []string{"authorization_code"},
		CodeChallengeMethodsSupported: []string{"S256"}, RegistrationEndpoint: "https://e.com/r",
	}
	edit := func(f func(m *mcpauth.AuthServerMetadata)) mcpauth.AuthServerMetadata {
		m := full
		f(&m)
		return m
	}
	codes := func(issues []mcpauth.ValidationIssue) []mcpauth.ValidationCode {
		out := []mcpauth.ValidationCode{}
		for _, i := range issues {
			out = append(out, i.Code)
		}
		return out
	}
	cases := []struct {
		name     string
		m        mcpauth.AuthServerMetadata
		errors   []mcpauth.ValidationCode
		warnings []mcpauth.ValidationCode
	}{
		{"PY-104 JS-123 full valid", full, []mcpauth.ValidationCode{}, []mcpauth.ValidationCode{}},
		{"PY-105 JS-124 no grant types (defaults include authorization_code)", edit(func(m *mcpauth.AuthServerMetadata) { m.GrantTypesSupported = nil }), []mcpauth.ValidationCode{}, []mcpauth.ValidationCode{}},
		{"JS-125 other grant only", edit(func(m *mcpauth.AuthServerMetadata) { m.GrantTypesSupported = []string{"invalid_grant_type"} }),
			[]mcpauth.ValidationCode{mcpauth.ValidationAuthorizationCodeMissing}, []mcpauth.ValidationCode{}},
		{"PY-109 empty grant list", edit(func(m *mcpauth.AuthServerMetadata) { m.GrantTypesSupported = []string{} }),
			[]mcpauth.ValidationCode{mcpauth.ValidationAuthorizationCodeMissing}, []mcpauth.ValidationCode{}},
		{"PY-106 JS-126 token response type only", mcpauth.AuthServerMetadata{Issuer: "https://e.com", AuthorizationEndpoint: "https://e.com/a", TokenEndpoint: "https://e.com/t", ResponseTypesSupported: []string{"token"}},
			[]mcpauth.ValidationCode{mcpauth.ValidationCodeResponseTypeMissing, mcpauth.ValidationPKCENotSupported}, []mcpauth.ValidationCode{mcpauth.ValidationDynamicRegistrationMissing}},
		{"\"code id_token\" counts as code", edit(func(m *mcpauth.AuthServerMetadata) { m.ResponseTypesSupported = []string{"code id_token"} }), []mcpauth.ValidationCode{}, []mcpauth.ValidationCode{}},
		{"PY-107 JS-127 no registration endpoint", edit(func(m *mcpauth.AuthServerMetadata) { m.RegistrationEndpoint = "" }),
			[]mcpauth.ValidationCode{}, []mcpauth.ValidationCode{mcpauth.ValidationDynamicRegistrationMissing}},
		{"PY-108 JS-128 plain PKCE only", edit(func(m *mcpauth.AuthServerMetadata) { m.CodeChallengeMethodsSupported = []string{"plain"} }),
			[]mcpauth.ValidationCode{mcpauth.ValidationS256NotSupported}, []mcpauth.ValidationCode{}},
		{"empty PKCE list (Python: pkce_not_supported; JS: s256; we follow Python)", edit(func(m *mcpauth.AuthServerMetadata) { m.CodeChallengeMethodsSupported = []string{} }),
			[]mcpauth.ValidationCode{mcpauth.ValidationPKCENotSupported}, []mcpauth.ValidationCode{}},
		{"JS-129 empty metadata", mcpauth.AuthServerMetadata{}, []mcpauth.ValidationCode{mcpauth.ValidationInvalidServerMetadata}, []mcpauth.ValidationCode{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mcpauth.ValidateServerConfig(c.m)
			if r.Valid != (len(c.errors) == 0) || !slices.Equal(codes(r.Errors), c.errors) || !slices.Equal(codes(r.Warnings), c.warnings) {
				t.Fatalf("got valid=%v errors=%v warnings=%v", r.Valid, codes(r.Errors), codes(r.Warnings))
			}
		})
	}
	t.Run("JS-130 successes of a full valid server", func(t *testing.T) {
		want := []mcpauth.ValidationCode{mcpauth.ValidationServerMetadataValid, mcpauth.ValidationCodeResponseTypeOK, mcpauth.ValidationAuthorizationCodeOK,
			mcpauth.ValidationPKCESupported, mcpauth.ValidationS256Supported, mcpauth.ValidationDynamicRegistrationFound}
		if got := codes(mcpauth.ValidateServerConfig(full).Successes); !slices.Equal(got, want) {
			t.Fatalf("got %v", got)
		}
	})
}

// JS-053..058: a discovered server is fetched once on first use, by one
// request even when many arrive together, and its metadata is validated.
func TestReferenceLazyDiscovery(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithLatency(50*time.Millisecond))
	b := jwtBearer(t, resourceAuth(t, jwtResource, iss), mcpauth.BearerOptions{Resource: jwtResource})
	if iss.DiscoveryRequests() != 0 {
		t.Fatal("New fetched the metadata")
	}
	token := "Bearer " + iss.MustToken(t, map[string]any{"sub": "u", "aud": jwtResource})
	var wg sync.WaitGroup
	var failures atomic.Int32
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := authenticate(b, token); err != nil {
				failures.Add(1)
			}
		}()
	}
	wg.Wait()
	if failures.Load() != 0 || iss.DiscoveryRequests() != 1 || iss.JWKSRequests() != 1 {
		t.Fatalf("%d failures, %d discovery and %d JWKS requests; want 0, 1, 1", failures.Load(), iss.DiscoveryRequests(), iss.JWKSRequests())
	}

	t.Run("JS-056 JS-057 discovered metadata failing the MCP requirements is a server error", func(t *testing.T) {
		bad := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithMetadata(func(m map[string]any) { delete(m, "code_challenge_methods_supported") }))
		b := jwtBearer(t, resourceAuth(t, jwtResource, bad), mcpauth.BearerOptions{Resource: jwtResource, ShowErrorDetails: true})
		got := mcpauthtest.Send(t, http.MethodGet, protect(t, b), "Bearer "+bad.MustToken(t, map[string]any{"sub": "u", "aud": jwtResource}))
		if got.Status != 500 || !strings.Contains(string(got.Body), `"cause":{"error":"invalid_server_config"`) {
			t.Fatalf("got %d %s", got.Status, got.Body)
		}
	})
	t.Run("discovered issuer that differs is refused (RFC 8414 §3.3)", func(t *testing.T) {
		mixup := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithMetadata(func(m map[string]any) { m["issuer"] = "https://attacker.example.com" }))
		b := jwtBearer(t, resourceAuth(t, jwtResource, mixup), mcpauth.BearerOptions{Resource: jwtResource, ShowErrorDetails: true})
		got := mcpauthtest.Send(t, http.MethodGet, protect(t, b), "Bearer "+mixup.MustToken(t, map[string]any{"sub": "u", "aud": jwtResource}))
		if got.Status != 500 || !strings.Contains(string(got.Body), "attacker.example.com") || mixup.JWKSRequests() != 0 {
			t.Fatalf("got %d %s, %d JWKS requests", got.Status, got.Body, mixup.JWKSRequests())
		}
	})
}

// JS-058 JS-060: a failed discovery is not cached for good: after the
// backoff pause the next request fetches again and succeeds.
func TestReferenceDiscoveryFailureNotCached(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	var down atomic.Bool
	down.Store(true)
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	b := jwtBearer(t, resourceAuth(t, jwtResource, iss), mcpauth.BearerOptions{Resource: jwtResource})
	url := protect(t, b)
	token := "Bearer " + iss.MustToken(t, map[string]any{"sub": "u", "aud": jwtResource})
	got := mcpauthtest.Send(t, http.MethodGet, url, token)
	if got.Status != 503 || got.Header.Get("Retry-After") == "" {
		t.Fatalf("while down: %d %v", got.Status, got.Header)
	}
	down.Store(false)
	deadline := time.Now().Add(5 * time.Second)
	for {
		got = mcpauthtest.Send(t, http.MethodGet, url, token)
		if got.Status == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got.Status != 200 {
		t.Fatalf("after recovery: %d %s", got.Status, got.Body)
	}
	if n := iss.DiscoveryRequests(); n != 2 {
		t.Fatalf("%d discovery requests; want 2 (one failure, one success)", n)
	}
}

// FetchJWKS reports the keys of a live JWKS and the algorithms each verifies;
// a discovery issuer mismatch names both issuers in Expected and Actual.
func TestFetchJWKSAndIssuerMismatchDetails(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	usable, skipped, err := mcpauth.FetchJWKS(t.Context(), iss.JWKSURL())
	if err != nil || len(usable) != 3 || len(skipped) != 0 {
		t.Fatalf("%v %+v %+v", err, usable, skipped)
	}
	byType := map[string][]string{}
	for _, k := range usable {
		byType[k.KeyType] = k.Algorithms
	}
	if !slices.Equal(byType["EC"], []string{"ES256"}) || !slices.Equal(byType["OKP"], []string{"EdDSA"}) || len(byType["RSA"]) != 1 {
		t.Fatalf("algorithms: %v", byType)
	}
	if _, _, err := mcpauth.FetchJWKS(t.Context(), iss.URL()+"/nowhere"); !errors.Is(err, mcpauth.CodeFetchServerConfigError) {
		t.Fatalf("missing JWKS: %v", err)
	}
	mixup := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithMetadata(func(m map[string]any) { m["issuer"] = "https://other.example.com" }))
	_, err = mcpauth.FetchServerConfig(t.Context(), mixup.URL(), mcpauth.OIDC)
	var e *mcpauth.Error
	if !errors.As(err, &e) || e.Expected != mixup.URL() || e.Actual != "https://other.example.com" {
		t.Fatalf("mismatch: %#v", err)
	}
}
