package mcpauth_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// clientReady gives the test issuer's discovery document everything MCP
// clients need (the endpoints are not served: only the shape matters here).
func clientReady(m map[string]any) {
	iss := m["issuer"].(string)
	m["authorization_endpoint"] = iss + "/authorize"
	m["token_endpoint"] = iss + "/token"
	m["registration_endpoint"] = iss + "/register"
	m["response_types_supported"] = []string{"code"}
	m["grant_types_supported"] = []string{"authorization_code", "refresh_token"}
	m["code_challenge_methods_supported"] = []string{"S256"}
}

// entraShaped reshapes the test issuer's discovery document the way
// Microsoft Entra ID publishes it: no code_challenge_methods_supported, no
// grant_types_supported, no registration_endpoint.
func entraShaped(m map[string]any) {
	clientReady(m)
	delete(m, "code_challenge_methods_supported")
	delete(m, "grant_types_supported")
	delete(m, "registration_endpoint")
	m["response_types_supported"] = []string{"code", "id_token", "code id_token", "id_token token"}
}

// discoveryRecorder records the discovery events.
type discoveryRecorder struct {
	mu     sync.Mutex
	events []mcpauth.DiscoveryEvent
}

func (r *discoveryRecorder) DiscoveryFetched(e mcpauth.DiscoveryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *discoveryRecorder) observer() *mcpauth.Observer {
	return &mcpauth.Observer{DiscoveryFetched: r.DiscoveryFetched}
}

// What MCP asks of an authorization server for its clients is never a
// reason to refuse a valid token: over real HTTP, documents lacking it
// verify tokens (200), and the lack is logged once per issuer, whatever
// the number of requests.
func TestClientRequirementsAreWarnings(t *testing.T) {
	cases := []struct {
		name      string
		edit      func(m map[string]any)
		wantCodes []string // in the log line and the observer event
	}{
		{"Entra-shaped document", entraShaped, []string{"pkce_not_supported", "dynamic_registration_not_supported", "client_id_metadata_document_not_supported"}},
		{"no code response type", func(m map[string]any) { m["response_types_supported"] = []string{"token", "id_token"} }, []string{"code_response_type_not_supported"}},
		{"client_credentials only", func(m map[string]any) {
			delete(m, "authorization_endpoint")
			delete(m, "response_types_supported")
			m["grant_types_supported"] = []string{"client_credentials"}
		}, []string{"client_metadata_incomplete", "code_response_type_not_supported", "authorization_code_grant_not_supported"}},
		{"PKCE plain only", func(m map[string]any) { m["code_challenge_methods_supported"] = []string{"plain"} }, []string{"s256_code_challenge_method_not_supported"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithMetadata(func(m map[string]any) { clientReady(m); c.edit(m) }))
			var logs mcpauthtest.LogBuffer
			obs := &discoveryRecorder{}
			auth, err := mcpauth.New(mcpauth.Config{
				ProtectedResources: []mcpauth.ProtectedResource{{Resource: jwtResource, AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}}},
				Logger:             logs.Logger(),
				Observer:           obs.observer(),
			})
			if err != nil {
				t.Fatal(err)
			}
			url := protect(t, jwtBearer(t, auth, mcpauth.BearerOptions{Resource: jwtResource, ShowErrorDetails: true}))
			token := "Bearer " + iss.MustToken(t, map[string]any{"sub": "u", "aud": jwtResource})
			for range 5 {
				if got := mcpauthtest.Send(t, http.MethodGet, url, token); got.Status != 200 || string(got.Body) != "hello u" {
					t.Fatalf("got %d %s", got.Status, got.Body)
				}
			}
			if n := strings.Count(logs.String(), "lacks what MCP clients need"); n != 1 {
				t.Errorf("%d warnings logged, want 1:\n%s", n, logs.String())
			}
			for _, code := range c.wantCodes {
				if !strings.Contains(logs.String(), code) {
					t.Errorf("log lacks %s:\n%s", code, logs.String())
				}
			}
			obs.mu.Lock()
			defer obs.mu.Unlock()
			if len(obs.events) != 1 || strings.Join(obs.events[0].Warnings, ",") != strings.Join(c.wantCodes, ",") {
				t.Errorf("discovery events %+v, want one with warnings %v", obs.events, c.wantCodes)
			}
		})
	}
}

// A discovery that fails and is retried warns once, after the success.
func TestClientRequirementsWarnedOnceAcrossRetries(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithMetadata(entraShaped))
	var down sync.Mutex
	failures := 2
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		down.Lock()
		defer down.Unlock()
		if failures > 0 && strings.Contains(r.URL.Path, "/.well-known/") {
			failures--
			http.Error(w, "down", http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	var logs mcpauthtest.LogBuffer
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{Resource: jwtResource, AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}}},
		Logger:             logs.Logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	b := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: jwtResource})
	token := "Bearer " + iss.MustToken(t, map[string]any{"sub": "u", "aud": jwtResource})
	deadline := time.Now().Add(10 * time.Second)
	attempts := 0
	for {
		attempts++
		_, err := authenticate(b, token)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never verified: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if attempts < 3 || iss.DiscoveryRequests() != 3 {
		t.Fatalf("%d attempts, %d discovery requests: the failures were not retried", attempts, iss.DiscoveryRequests())
	}
	if n := strings.Count(logs.String(), "lacks what MCP clients need"); n != 1 {
		t.Errorf("%d warnings logged, want 1:\n%s", n, logs.String())
	}
}

// Resolved metadata lacking client requirements is accepted by New, with
// one warning; the legacy mode too.
func TestResolvedClientRequirementsWarned(t *testing.T) {
	m := mcpauth.AuthServerMetadata{Issuer: "https://login.example.com/tenant/v2.0", JWKSURI: "https://login.example.com/tenant/keys"}
	var logs mcpauthtest.LogBuffer
	_, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{
			{Resource: "https://api.example.com/a", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Resolved(m, mcpauth.OIDC)}},
			{Resource: "https://api.example.com/b", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Resolved(m, mcpauth.OIDC)}},
		},
		Logger: logs.Logger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "lacks what MCP clients need"); n != 1 || !strings.Contains(logs.String(), "client_metadata_incomplete") {
		t.Errorf("%d warnings logged, want 1 naming client_metadata_incomplete:\n%s", n, logs.String())
	}
	// What verification needs is still refused: a jwks_uri over http on a
	// public host.
	m.JWKSURI = "http://login.example.com/keys"
	if _, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
		{Resource: "https://api.example.com/a", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Resolved(m, mcpauth.OIDC)}},
	}, Logger: quietLogger()}); err == nil || !strings.Contains(err.Error(), "jwks_uri") {
		t.Errorf("http jwks_uri: %v", err)
	}
}
