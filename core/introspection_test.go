package mcpauth_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

const introResource = "https://api.example.com/mcp"

// introSetup is one resource trusting the given issuers, with its Auth built
// from cfg (ProtectedResources filled in here).
func introAuth(t testing.TB, cfg mcpauth.Config, issuers ...*mcpauthtest.Issuer) *mcpauth.Auth {
	t.Helper()
	var servers []mcpauth.AuthServer
	for _, i := range issuers {
		servers = append(servers, mcpauth.Discover(i.URL(), mcpauth.OIDC))
	}
	cfg.ProtectedResources = []mcpauth.ProtectedResource{{Resource: introResource, AuthorizationServers: servers}}
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	auth, err := mcpauth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

// introBearer builds an introspection bearer with the test kit's default
// client unless o says otherwise.
func introBearer(t testing.TB, auth *mcpauth.Auth, o mcpauth.IntrospectionOptions, opts mcpauth.BearerOptions) *mcpauth.Bearer {
	t.Helper()
	if o.ClientID == "" {
		o.ClientID, o.ClientSecret = mcpauthtest.ClientID, mcpauthtest.ClientSecret
	}
	if opts.Resource == "" {
		opts.Resource = introResource
	}
	b, err := auth.BearerAuth(mcpauth.Introspection(o), opts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goodClaims are the members of a typical active answer.
func goodClaims() map[string]any {
	return map[string]any{"sub": "alice", "client_id": "mcp-client", "scope": "read write", "aud": introResource, "username": "alice@example.com"}
}

func TestIntrospectionActiveToken(t *testing.T) {
	for _, method := range []string{"", mcpauth.ClientSecretBasic, mcpauth.ClientSecretPost} {
		t.Run("method="+method, func(t *testing.T) {
			// A secret with characters that form-urlencoding changes, to
			// check RFC 6749 §2.3.1's encoding before Basic.
			iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithClient("rs:1", "s3cr3t with space+colon:"))
			b := introBearer(t, introAuth(t, mcpauth.Config{}, iss),
				mcpauth.IntrospectionOptions{ClientID: "rs:1", ClientSecret: "s3cr3t with space+colon:", ClientAuthMethod: method},
				mcpauth.BearerOptions{RequiredScopes: []string{"read"}})
			exp := time.Now().Add(30 * time.Minute).Unix()
			claims := goodClaims()
			claims["exp"] = exp
			tok := iss.MustOpaqueToken(t, claims)
			info, err := authenticate(b, "Bearer "+tok)
			if err != nil {
				t.Fatal(err)
			}
			if info.Subject != "alice" || info.ClientID != "mcp-client" || info.Issuer != iss.URL() || info.Token != tok ||
				!reflect.DeepEqual(info.Scopes, []string{"read", "write"}) || !reflect.DeepEqual(info.Audience, []string{introResource}) ||
				info.ExpiresAt.Unix() != exp || info.Claims["username"] != "alice@example.com" || info.Claims["active"] != true {
				t.Errorf("AuthInfo %+v", info)
			}
			if n := iss.IntrospectionRequests(); n != 1 {
				t.Errorf("%d introspection requests, want 1", n)
			}
		})
	}
}

func TestIntrospectionThroughMiddleware(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{RequiredScopes: []string{"read"}})
	url := protect(t, b)
	tok := iss.MustOpaqueToken(t, goodClaims())
	if r := mcpauthtest.Send(t, "GET", url, "Bearer "+tok); r.Status != 200 || string(r.Body) != "hello alice" {
		t.Errorf("good token: %d %s", r.Status, r.Body)
	}
	r := mcpauthtest.Send(t, "GET", url, "Bearer unknown-opaque-token")
	if r.Status != 401 || !strings.Contains(r.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("unknown token: %d %v %s", r.Status, r.Header, r.Body)
	}
}

// TestIntrospectionRefusals covers the answers that refuse the token: 401
// (403 for scopes) with the right code.
func TestIntrospectionRefusals(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{RequiredScopes: []string{"read", "admin"}})
	with := func(edit func(map[string]any)) string {
		c := goodClaims()
		c["scope"] = "read admin"
		edit(c)
		return iss.MustOpaqueToken(t, c)
	}
	revoked := with(func(map[string]any) {})
	iss.RevokeToken(revoked)
	tests := []struct {
		name   string
		token  string
		code   mcpauth.Code
		status int
	}{
		{"unknown", "never-issued-token", mcpauth.CodeInvalidToken, 401},
		{"revoked", revoked, mcpauth.CodeInvalidToken, 401},
		{"expired at the server", with(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }), mcpauth.CodeInvalidToken, 401},
		{"wrong iss", with(func(c map[string]any) { c["iss"] = "https://evil.example" }), mcpauth.CodeInvalidIssuer, 401},
		{"iss not a string", with(func(c map[string]any) { c["iss"] = 42 }), mcpauth.CodeInvalidIssuer, 401},
		{"wrong audience", with(func(c map[string]any) { c["aud"] = "https://other.example/mcp" }), mcpauth.CodeInvalidAudience, 401},
		{"no audience", with(func(c map[string]any) { delete(c, "aud") }), mcpauth.CodeInvalidAudience, 401},
		{"missing scope", with(func(c map[string]any) { c["scope"] = "read" }), mcpauth.CodeMissingRequiredScopes, 403},
		{"refresh token", with(func(c map[string]any) { c["token_type"] = "refresh_token" }), mcpauth.CodeInvalidToken, 401},
		{"sub not a string", with(func(c map[string]any) { c["sub"] = 7 }), mcpauth.CodeInvalidToken, 401},
		{"not yet valid", with(func(c map[string]any) { c["nbf"] = time.Now().Add(time.Hour).Unix() }), mcpauth.CodeInvalidToken, 401},
		{"not a b64token", "bad token\"", mcpauth.CodeInvalidAuthHeaderFormat, 401},
		{"too long", strings.Repeat("a", mcpauth.DefaultMaxTokenBytes+1), mcpauth.CodeInvalidToken, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := authenticate(b, "Bearer "+tt.token)
			var e *mcpauth.Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("error %v, want code %s", err, tt.code)
			}
			if st := b.ErrorResponse(err).Status; st != tt.status {
				t.Errorf("status %d, want %d", st, tt.status)
			}
		})
	}
	t.Run("no sub is accepted", func(t *testing.T) {
		info, err := authenticate(b, "Bearer "+with(func(c map[string]any) { delete(c, "sub") }))
		if err != nil || info.Subject != "" {
			t.Errorf("%v %+v", err, info)
		}
	})
}

func TestIntrospectionCache(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{MaxAge: 300 * time.Millisecond, NegativeMaxAge: 300 * time.Millisecond}, mcpauth.BearerOptions{})
	tok := iss.MustOpaqueToken(t, goodClaims())
	for range 5 {
		if _, err := authenticate(b, "Bearer "+tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := iss.IntrospectionRequests(); n != 1 {
		t.Fatalf("%d introspection requests for 5 uses of one token, want 1", n)
	}
	// Revocation is seen once the answer's maximum age has passed.
	iss.RevokeToken(tok)
	if _, err := authenticate(b, "Bearer "+tok); err != nil {
		t.Fatalf("within the maximum age the cached answer is used: %v", err)
	}
	time.Sleep(350 * time.Millisecond)
	if _, err := authenticate(b, "Bearer "+tok); !errors.Is(err, mcpauth.CodeInvalidToken) {
		t.Fatalf("after the maximum age: %v, want invalid_token", err)
	}
	// The refusal is cached too, briefly.
	iss.ResetCounters()
	for range 5 {
		if _, err := authenticate(b, "Bearer "+tok); !errors.Is(err, mcpauth.CodeInvalidToken) {
			t.Fatal(err)
		}
	}
	if n := iss.IntrospectionRequests(); n != 0 {
		t.Errorf("%d introspection requests for a cached refusal, want 0", n)
	}
}

func TestIntrospectionCacheNeverOutlivesExp(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{MaxAge: time.Hour}, mcpauth.BearerOptions{Leeway: -1})
	c := goodClaims()
	c["exp"] = float64(time.Now().Add(1200*time.Millisecond).UnixMilli()) / 1000
	tok := iss.MustOpaqueToken(t, c)
	if _, err := authenticate(b, "Bearer "+tok); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1300 * time.Millisecond)
	if _, err := authenticate(b, "Bearer "+tok); !errors.Is(err, mcpauth.CodeInvalidToken) {
		t.Fatalf("after exp: %v, want invalid_token", err)
	}
	if n := iss.IntrospectionRequests(); n != 2 {
		t.Errorf("%d introspection requests, want 2 (the entry died at exp)", n)
	}
}

func TestIntrospectionCacheDisabled(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{CacheSize: -1}, mcpauth.BearerOptions{})
	tok := iss.MustOpaqueToken(t, goodClaims())
	for range 3 {
		if _, err := authenticate(b, "Bearer "+tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := iss.IntrospectionRequests(); n != 3 {
		t.Errorf("%d introspection requests without a cache, want 3", n)
	}
}

// TestIntrospectionCoalesced sends 1,000 concurrent requests with one new
// token: the authorization server sees one introspection request.
func TestIntrospectionCoalesced(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{})
	// Hold the introspection answer so that the requests pile up on it.
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/introspect") {
			time.Sleep(100 * time.Millisecond)
		}
		return false
	})
	for _, tc := range []struct {
		name  string
		token string
		ok    bool
	}{{"good token", iss.MustOpaqueToken(t, goodClaims()), true}, {"bad token", "not-an-issued-token", false}} {
		t.Run(tc.name, func(t *testing.T) {
			iss.ResetCounters()
			mcpauthtest.Concurrently(t, 1000, 1, func(int, int) error {
				_, err := authenticate(b, "Bearer "+tc.token)
				if (err == nil) != tc.ok {
					return fmt.Errorf("error %w", err)
				}
				return nil
			})
			if n := iss.IntrospectionRequests(); n != 1 {
				t.Errorf("%d introspection requests for 1,000 concurrent requests with one token, want 1", n)
			}
		})
	}
}

// TestIntrospectionServerFailures covers the failures of the introspection
// endpoint over real HTTP: 503 with Retry-After for what a retry may cure,
// 500 for the rest, never a 401 that would make clients drop a good token.
func TestIntrospectionServerFailures(t *testing.T) {
	huge := strings.Repeat(" ", 64<<10) + `{"active":true,"sub":"a","aud":"` + introResource + `"}`
	tests := []struct {
		name   string
		fault  func(w http.ResponseWriter, r *http.Request)
		status int
		code   mcpauth.Code
	}{
		{"slow", func(w http.ResponseWriter, r *http.Request) {
			// Read the form first: the server notices the client leaving
			// only once the body is consumed.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, 503, mcpauth.CodeServerUnavailable},
		{"429", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) }, 503, mcpauth.CodeServerUnavailable},
		{"502", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, 503, mcpauth.CodeServerUnavailable},
		{"500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }, 503, mcpauth.CodeServerUnavailable},
		{"huge response", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(huge)) }, 500, mcpauth.CodeIntrospectionFailed},
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, 500, mcpauth.CodeIntrospectionFailed},
		{"400 invalid_request", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":"invalid_request"}`))
		}, 500, mcpauth.CodeIntrospectionFailed},
		{"not JSON", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) }, 500, mcpauth.CodeIntrospectionFailed},
		{"no active member", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"sub":"a"}`)) }, 500, mcpauth.CodeIntrospectionFailed},
		{"active not a boolean", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"active":"true"}`)) }, 500, mcpauth.CodeIntrospectionFailed},
		{"JWT response (RFC 9701)", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/token-introspection+jwt")
			_, _ = w.Write([]byte("eyJhbGciOiJSUzI1NiJ9.e30.sig"))
		}, 500, mcpauth.CodeIntrospectionFailed},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
		}, 500, mcpauth.CodeIntrospectionFailed},
		{"redirect 302", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/jwks", http.StatusFound)
		}, 500, mcpauth.CodeIntrospectionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := mcpauthtest.MustNewIssuer(t)
			var logs mcpauthtest.LogBuffer
			auth := introAuth(t, mcpauth.Config{FetchTimeout: 2 * time.Second, MaxResponseBytes: 32 << 10, Logger: logs.Logger()}, iss)
			b := introBearer(t, auth, mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{ShowErrorDetails: true})
			tok := iss.MustOpaqueToken(t, goodClaims())
			iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, "/introspect") {
					return false
				}
				tt.fault(w, r)
				return true
			})
			_, err := authenticate(b, "Bearer "+tok)
			var e *mcpauth.Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("error %v, want code %s", err, tt.code)
			}
			resp := b.ErrorResponse(err)
			if resp.Status != tt.status {
				t.Errorf("status %d, want %d", resp.Status, tt.status)
			}
			if tt.status == 503 && resp.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			if resp.Header.Get("WWW-Authenticate") != "" {
				t.Errorf("a server failure must not challenge the client: %v", resp.Header)
			}
			for _, text := range []string{err.Error(), string(resp.Body), logs.String()} {
				if strings.Contains(text, tok) {
					t.Errorf("the token leaked: %s", text)
				}
			}
			// A failure is never cached as an answer about the token: once
			// the server recovers, the token works.
			iss.SetFault(nil)
			if tt.status == 503 {
				time.Sleep(1100 * time.Millisecond) // past the backoff pause of 1 s
			}
			if _, err := authenticate(b, "Bearer "+tok); err != nil {
				t.Errorf("after recovery: %v", err)
			}
		})
	}
}

// TestIntrospectionRedirectNotFollowed: a 301, 302, 303, 307 or 308 from
// the introspection endpoint is refused as it is. Go's client would follow
// a 301/302/303 with a GET and keep the Authorization header (the client
// credentials) on the same host: the redirect's target must never be asked.
func TestIntrospectionRedirectNotFollowed(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			iss := mcpauthtest.MustNewIssuer(t)
			auth := introAuth(t, mcpauth.Config{Logger: quietLogger()}, iss)
			b := introBearer(t, auth, mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{})
			tok := iss.MustOpaqueToken(t, goodClaims())
			var hops atomic.Int32
			iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
				switch {
				case strings.HasSuffix(r.URL.Path, "/introspect"):
					http.Redirect(w, r, "/hop", status)
					return true
				case r.URL.Path == "/hop":
					hops.Add(1)
					if r.Header.Get("Authorization") != "" || r.URL.Query().Get("token") != "" {
						t.Errorf("the redirect's target got the credentials or the token: %s %v", r.Method, r.Header)
					}
					w.WriteHeader(http.StatusNotFound)
					return true
				}
				return false
			})
			_, err := authenticate(b, "Bearer "+tok)
			if !errors.Is(err, mcpauth.CodeIntrospectionFailed) {
				t.Fatalf("error %v, want introspection_failed", err)
			}
			if n := hops.Load(); n != 0 {
				t.Errorf("the redirect was followed %d times", n)
			}
		})
	}
}

func TestIntrospectionServerDown(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String() + "/introspect"
	ln.Close()
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{Endpoints: map[string]string{iss.URL(): down}}, mcpauth.BearerOptions{})
	_, err = authenticate(b, "Bearer "+iss.MustOpaqueToken(t, goodClaims()))
	resp := b.ErrorResponse(err)
	if !errors.Is(err, mcpauth.CodeServerUnavailable) || resp.Status != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("%v: %d %v", err, resp.Status, resp.Header)
	}
	// During the backoff pause, other tokens fail at once without a request.
	for i := range 20 {
		if _, err := authenticate(b, fmt.Sprintf("Bearer other-token-%d", i)); !errors.Is(err, mcpauth.CodeServerUnavailable) {
			t.Fatal(err)
		}
	}
	if iss.IntrospectionRequests() != 0 {
		t.Error("the configured endpoint was not used")
	}
}

// TestIntrospectionClientRefused: the authorization server refuses the
// resource server's own credentials: 500, and an error log line that says
// so and names the client, never the token.
func TestIntrospectionClientRefused(t *testing.T) {
	for _, method := range []string{mcpauth.ClientSecretBasic, mcpauth.ClientSecretPost} {
		t.Run(method, func(t *testing.T) {
			iss := mcpauthtest.MustNewIssuer(t)
			var logs mcpauthtest.LogBuffer
			b := introBearer(t, introAuth(t, mcpauth.Config{Logger: logs.Logger()}, iss),
				mcpauth.IntrospectionOptions{ClientID: mcpauthtest.ClientID, ClientSecret: "wrong-secret", ClientAuthMethod: method}, mcpauth.BearerOptions{})
			tok := iss.MustOpaqueToken(t, goodClaims())
			_, err := authenticate(b, "Bearer "+tok)
			resp := b.ErrorResponse(err)
			if !errors.Is(err, mcpauth.CodeIntrospectionFailed) || resp.Status != 500 {
				t.Fatalf("%v: status %d", err, resp.Status)
			}
			log := logs.String()
			if !strings.Contains(log, "level=ERROR") || !strings.Contains(log, "refused this resource server's own client credentials") ||
				!strings.Contains(log, "client_id="+mcpauthtest.ClientID) || strings.Contains(log, tok) || strings.Contains(log, "wrong-secret") {
				t.Errorf("log:\n%s", log)
			}
			// The refusal pauses introspection: the next requests do not
			// hammer the server with credentials it refuses.
			for range 5 {
				if _, err := authenticate(b, "Bearer "+tok); !errors.Is(err, mcpauth.CodeIntrospectionFailed) {
					t.Fatal(err)
				}
			}
			if n := iss.IntrospectionRequests(); n != 1 {
				t.Errorf("%d introspection requests, want 1", n)
			}
		})
	}
}

// TestIntrospectionSeveralServers: the servers are asked in the configured
// order until one says "active"; a token is never sent to a server outside
// IntrospectionOptions.Issuers.
func TestIntrospectionSeveralServers(t *testing.T) {
	first := mcpauthtest.MustNewIssuer(t)
	second := mcpauthtest.MustNewIssuer(t)
	var order []string
	var orderMu atomic.Pointer[[]string]
	orderMu.Store(&order)
	record := func(name string) func(http.ResponseWriter, *http.Request) bool {
		return func(w http.ResponseWriter, r *http.Request) bool {
			if strings.HasSuffix(r.URL.Path, "/introspect") {
				o := append(*orderMu.Load(), name)
				orderMu.Store(&o)
			}
			return false
		}
	}
	first.SetFault(record("first"))
	second.SetFault(record("second"))
	auth := introAuth(t, mcpauth.Config{}, first, second)
	reset := func() {
		first.ResetCounters()
		second.ResetCounters()
		orderMu.Store(&[]string{})
	}

	b := introBearer(t, auth, mcpauth.IntrospectionOptions{CacheSize: -1}, mcpauth.BearerOptions{})
	t.Run("token of the first", func(t *testing.T) {
		reset()
		info, err := authenticate(b, "Bearer "+first.MustOpaqueToken(t, goodClaims()))
		if err != nil || info.Issuer != first.URL() {
			t.Fatalf("%v %+v", err, info)
		}
		if got := *orderMu.Load(); !reflect.DeepEqual(got, []string{"first"}) {
			t.Errorf("asked %v, want [first]", got)
		}
	})
	t.Run("token of the second", func(t *testing.T) {
		reset()
		info, err := authenticate(b, "Bearer "+second.MustOpaqueToken(t, goodClaims()))
		if err != nil || info.Issuer != second.URL() {
			t.Fatalf("%v %+v", err, info)
		}
		if got := *orderMu.Load(); !reflect.DeepEqual(got, []string{"first", "second"}) {
			t.Errorf("asked %v, want [first second]", got)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		reset()
		if _, err := authenticate(b, "Bearer unknown-everywhere"); !errors.Is(err, mcpauth.CodeInvalidToken) {
			t.Fatal(err)
		}
		if got := *orderMu.Load(); !reflect.DeepEqual(got, []string{"first", "second"}) {
			t.Errorf("asked %v, want [first second]", got)
		}
	})
	t.Run("a refusal other than inactive stops there", func(t *testing.T) {
		reset()
		c := goodClaims()
		c["token_type"] = "refresh_token"
		if _, err := authenticate(b, "Bearer "+first.MustOpaqueToken(t, c)); !errors.Is(err, mcpauth.CodeInvalidToken) {
			t.Fatal(err)
		}
		if got := *orderMu.Load(); !reflect.DeepEqual(got, []string{"first"}) {
			t.Errorf("asked %v, want [first]", got)
		}
	})
	t.Run("Issuers restricts and orders", func(t *testing.T) {
		only := introBearer(t, auth, mcpauth.IntrospectionOptions{Issuers: []string{second.URL()}, CacheSize: -1}, mcpauth.BearerOptions{})
		reset()
		if _, err := authenticate(only, "Bearer "+first.MustOpaqueToken(t, goodClaims())); !errors.Is(err, mcpauth.CodeInvalidToken) {
			t.Fatalf("a token of a server not in Issuers: %v", err)
		}
		if first.IntrospectionRequests() != 0 || second.IntrospectionRequests() != 1 {
			t.Errorf("first asked %d times, second %d", first.IntrospectionRequests(), second.IntrospectionRequests())
		}
		reversed := introBearer(t, auth, mcpauth.IntrospectionOptions{Issuers: []string{second.URL(), first.URL()}, CacheSize: -1}, mcpauth.BearerOptions{})
		reset()
		if _, err := authenticate(reversed, "Bearer "+first.MustOpaqueToken(t, goodClaims())); err != nil {
			t.Fatal(err)
		}
		if got := *orderMu.Load(); !reflect.DeepEqual(got, []string{"second", "first"}) {
			t.Errorf("asked %v, want [second first]", got)
		}
	})
	t.Run("a failing server makes the refusal a 503", func(t *testing.T) {
		b := introBearer(t, auth, mcpauth.IntrospectionOptions{CacheSize: -1}, mcpauth.BearerOptions{})
		reset()
		second.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
			if strings.HasSuffix(r.URL.Path, "/introspect") {
				w.WriteHeader(503)
				return true
			}
			return false
		})
		defer second.SetFault(record("second"))
		if _, err := authenticate(b, "Bearer unknown-to-first"); !errors.Is(err, mcpauth.CodeServerUnavailable) {
			t.Fatalf("%v, want temporarily_unavailable: the second server might know the token", err)
		}
		if info, err := authenticate(b, "Bearer "+first.MustOpaqueToken(t, goodClaims())); err != nil || info.Issuer != first.URL() {
			t.Fatalf("a token of the first server while the second fails: %v", err)
		}
	})
	t.Run("servers without an endpoint are left out", func(t *testing.T) {
		plain := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithMetadata(func(m map[string]any) { delete(m, "introspection_endpoint") }))
		auth := introAuth(t, mcpauth.Config{}, plain, first)
		b := introBearer(t, auth, mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{})
		if _, err := authenticate(b, "Bearer "+first.MustOpaqueToken(t, goodClaims())); err != nil {
			t.Fatal(err)
		}
		if plain.IntrospectionRequests() != 0 {
			t.Error("a server without introspection_endpoint was asked")
		}
		alone := introBearer(t, introAuth(t, mcpauth.Config{}, plain), mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{})
		_, err := authenticate(alone, "Bearer some-token")
		if !errors.Is(err, mcpauth.CodeIntrospectionFailed) || alone.ErrorResponse(err).Status != 500 || !strings.Contains(err.Error(), "introspection_endpoint") {
			t.Errorf("no server with an endpoint: %v", err)
		}
		named := introBearer(t, introAuth(t, mcpauth.Config{}, plain), mcpauth.IntrospectionOptions{Endpoints: map[string]string{plain.URL(): plain.IntrospectionURL()}}, mcpauth.BearerOptions{})
		if _, err := authenticate(named, "Bearer "+plain.MustOpaqueToken(t, goodClaims())); err != nil {
			t.Errorf("with a configured endpoint: %v", err)
		}
	})
}

// TestJWTOrIntrospection: JWS tokens go to JWT verification, the rest to
// introspection, and a JWS that fails is never introspected.
func TestJWTOrIntrospection(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	other := mcpauthtest.MustNewIssuer(t)
	auth := introAuth(t, mcpauth.Config{}, iss)
	b, err := auth.BearerAuth(mcpauth.JWTOrIntrospection(mcpauth.JWT(), mcpauth.Introspection(mcpauth.IntrospectionOptions{
		ClientID: mcpauthtest.ClientID, ClientSecret: mcpauthtest.ClientSecret,
	})), mcpauth.BearerOptions{Resource: introResource})
	if err != nil {
		t.Fatal(err)
	}
	jwtClaims := map[string]any{"sub": "jwt-user", "aud": introResource}
	tests := []struct {
		name       string
		token      string
		ok         bool
		introspect int
	}{
		{"JWT", iss.MustToken(t, jwtClaims), true, 0},
		{"opaque", iss.MustOpaqueToken(t, goodClaims()), true, 1},
		{"forged JWS (other issuer's key)", func() string {
			c := map[string]any{"sub": "x", "aud": introResource, "iss": iss.URL()}
			return other.MustToken(t, c)
		}(), false, 0},
		{"expired JWT", iss.MustToken(t, map[string]any{"sub": "x", "aud": introResource, "exp": time.Now().Add(-time.Hour).Unix()}), false, 0},
		{"HS256 JWS", hs256Token(t, iss.URL()), false, 0},
		{"three parts, not a JWS", "abc.def.ghi", false, 1},
		{"unknown opaque", "opaque-but-unknown", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss.ResetCounters()
			_, err := authenticate(b, "Bearer "+tt.token)
			if (err == nil) != tt.ok {
				t.Errorf("error %v, want ok=%v", err, tt.ok)
			}
			if n := iss.IntrospectionRequests(); n != tt.introspect {
				t.Errorf("%d introspection requests, want %d", n, tt.introspect)
			}
		})
	}
}

func TestIntrospectionConfigErrors(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	auth := introAuth(t, mcpauth.Config{}, iss)
	good := mcpauth.IntrospectionOptions{ClientID: "id", ClientSecret: "secret"}
	tests := []struct {
		name string
		v    mcpauth.Verifier
		want string
	}{
		{"no client id", mcpauth.Introspection(mcpauth.IntrospectionOptions{ClientSecret: "s"}), "ClientID is required"},
		{"no secret", mcpauth.Introspection(mcpauth.IntrospectionOptions{ClientID: "id"}), "ClientSecret is required"},
		{"unknown method", mcpauth.Introspection(mcpauth.IntrospectionOptions{ClientID: "id", ClientSecret: "s", ClientAuthMethod: "tls_client_auth"}), "not supported"},
		{"untrusted issuer", mcpauth.Introspection(mcpauth.IntrospectionOptions{ClientID: "id", ClientSecret: "s", Issuers: []string{"https://evil.example"}}), "not an authorization server of resource"},
		{"issuer twice", mcpauth.Introspection(mcpauth.IntrospectionOptions{ClientID: "id", ClientSecret: "s", Issuers: []string{iss.URL(), iss.URL()}}), "twice"},
		{"endpoint of an untrusted issuer", mcpauth.Introspection(mcpauth.IntrospectionOptions{ClientID: "id", ClientSecret: "s", Endpoints: map[string]string{"https://evil.example": "https://evil.example/i"}}), "not an authorization server of resource"},
		{"http endpoint", mcpauth.Introspection(mcpauth.IntrospectionOptions{ClientID: "id", ClientSecret: "s", Endpoints: map[string]string{iss.URL(): "http://as.example/introspect"}}), "https is required"},
		{"combinator with two JWT", mcpauth.JWTOrIntrospection(mcpauth.JWT(), mcpauth.JWT()), "JWTOrIntrospection needs"},
		{"combinator with nil", mcpauth.JWTOrIntrospection(nil, mcpauth.Introspection(good)), "JWTOrIntrospection needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := auth.BearerAuth(tt.v, mcpauth.BearerOptions{Resource: introResource})
			if !errors.Is(err, mcpauth.CodeInvalidServerConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want invalid_server_config with %q", err, tt.want)
			}
		})
	}
}

// TestIntrospectionCallerGivesUp: a caller whose context ends while the
// introspection runs gets 503 at once; the request goes on for the others.
func TestIntrospectionCallerGivesUp(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	release := make(chan struct{})
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/introspect") {
			<-release
		}
		return false
	})
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{})
	tok := iss.MustOpaqueToken(t, goodClaims())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.Authenticate(ctx, "Bearer "+tok); !errors.Is(err, mcpauth.CodeServerUnavailable) {
		t.Fatalf("%v, want temporarily_unavailable", err)
	}
	close(release)
	if _, err := authenticate(b, "Bearer "+tok); err != nil {
		t.Fatal(err)
	}
	if n := iss.IntrospectionRequests(); n != 1 {
		t.Errorf("%d introspection requests, want 1 (the first went on)", n)
	}
}

// TestIntrospectionAuthInfoIsPerRequest: a handler that edits its AuthInfo
// does not change what the next request with the same token sees.
func TestIntrospectionAuthInfoIsPerRequest(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss), mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{RequiredScopes: []string{"read"}})
	tok := iss.MustOpaqueToken(t, goodClaims())
	for range 3 {
		info, err := authenticate(b, "Bearer "+tok)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(info.Scopes, []string{"read", "write"}) || !reflect.DeepEqual(info.Audience, []string{introResource}) {
			t.Fatalf("scopes %q audience %q", info.Scopes, info.Audience)
		}
		info.Scopes[0] = "tampered"
		info.Audience[0] = "tampered"
		info.Scopes = append(info.Scopes, "admin")
	}
}

// TestIntrospectionPrivateKeyJWT: the resource server authenticates with a
// client assertion signed by its own key (RFC 7523), for each key type; a
// key the server does not know is refused like a wrong secret.
func TestIntrospectionPrivateKeyJWT(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		key  crypto.Signer
	}{{"RS256", rsaKey}, {"ES384", ecKey}, {"EdDSA", edKey}} {
		t.Run(tc.name, func(t *testing.T) {
			iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithClientKey("rs-key-client", tc.key.Public()))
			b := introBearer(t, introAuth(t, mcpauth.Config{}, iss),
				mcpauth.IntrospectionOptions{ClientID: "rs-key-client", PrivateKey: tc.key, PrivateKeyID: "k1"}, mcpauth.BearerOptions{})
			info, err := authenticate(b, "Bearer "+iss.MustOpaqueToken(t, goodClaims()))
			if err != nil || info.Subject != "alice" {
				t.Fatalf("%v %+v", err, info)
			}
		})
	}
	t.Run("unknown key", func(t *testing.T) {
		other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithClientKey("rs-key-client", ecKey.Public()))
		var logs mcpauthtest.LogBuffer
		b := introBearer(t, introAuth(t, mcpauth.Config{Logger: logs.Logger()}, iss),
			mcpauth.IntrospectionOptions{ClientID: "rs-key-client", PrivateKey: other}, mcpauth.BearerOptions{})
		_, err = authenticate(b, "Bearer "+iss.MustOpaqueToken(t, goodClaims()))
		if !errors.Is(err, mcpauth.CodeIntrospectionFailed) || b.ErrorResponse(err).Status != 500 || !strings.Contains(logs.String(), "own client credentials") {
			t.Errorf("%v\n%s", err, logs.String())
		}
	})
	t.Run("configuration", func(t *testing.T) {
		iss := mcpauthtest.MustNewIssuer(t)
		auth := introAuth(t, mcpauth.Config{}, iss)
		small, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []struct {
			opts mcpauth.IntrospectionOptions
			want string
		}{
			{mcpauth.IntrospectionOptions{ClientID: "c", ClientAuthMethod: mcpauth.PrivateKeyJWT}, "PrivateKey is required"},
			{mcpauth.IntrospectionOptions{ClientID: "c", PrivateKey: ecKey, ClientSecret: "s"}, "give one"},
			{mcpauth.IntrospectionOptions{ClientID: "c", PrivateKey: ecKey, ClientAuthMethod: mcpauth.ClientSecretPost}, "PrivateKey is set"},
			{mcpauth.IntrospectionOptions{ClientID: "c", PrivateKey: small}, "at least 2048 bits"},
		} {
			_, err := auth.BearerAuth(mcpauth.Introspection(o.opts), mcpauth.BearerOptions{Resource: introResource})
			if !errors.Is(err, mcpauth.CodeInvalidServerConfig) || !strings.Contains(err.Error(), o.want) {
				t.Errorf("error %v, want %q", err, o.want)
			}
		}
	})
}

// countingTransport counts the requests it carries, by path suffix.
type countingTransport struct {
	introspect atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/introspect") {
		c.introspect.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestIntrospectionUsesConfigHTTPClient: introspection requests go through
// Config.HTTPClient, like discovery and JWKS requests, so that its
// transport and redirect policy apply to them too.
func TestIntrospectionUsesConfigHTTPClient(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	tr := &countingTransport{}
	b := introBearer(t, introAuth(t, mcpauth.Config{HTTPClient: &http.Client{Transport: tr}}, iss), mcpauth.IntrospectionOptions{}, mcpauth.BearerOptions{})
	if _, err := authenticate(b, "Bearer "+iss.MustOpaqueToken(t, goodClaims())); err != nil {
		t.Fatal(err)
	}
	if n := tr.introspect.Load(); n != 1 {
		t.Errorf("%d introspection requests through Config.HTTPClient, want 1", n)
	}
}

// TestIntrospectionURLPolicy: the introspection endpoint is requested under
// the same URL policy as discovery and JWKS: an endpoint on a link-local
// address (a cloud metadata service) is refused before any connection, as a
// configuration problem (500), and the token goes nowhere.
func TestIntrospectionURLPolicy(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b := introBearer(t, introAuth(t, mcpauth.Config{}, iss),
		mcpauth.IntrospectionOptions{Endpoints: map[string]string{iss.URL(): "https://169.254.169.254/introspect"}}, mcpauth.BearerOptions{})
	_, err := authenticate(b, "Bearer "+iss.MustOpaqueToken(t, goodClaims()))
	if !errors.Is(err, mcpauth.CodeIntrospectionFailed) || b.ErrorResponse(err).Status != 500 || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("%v", err)
	}
}
