package e2etest

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/go-mcpauth/mcpauth/examples/internal/app"
	"github.com/go-mcpauth/mcpauth/examples/internal/testop"
)

// The resource server's own client at the provider, which it uses to
// introspect opaque tokens, and the suite's client whose tokens are opaque.
const (
	ResourceServerClientID     = "mcp-resource-server"
	ResourceServerClientSecret = "rs-secret"
	OpaqueClientID             = "mcp-e2e-opaque-client"
	OpaqueClientSubject        = "service-account-e2e-opaque"
	OpaqueShortClientID        = "mcp-e2e-opaque-short-lived"
)

// opaqueShortLifetime is the lifetime of OpaqueShortClientID's tokens.
const opaqueShortLifetime = 2 * time.Second

// opaqueMaxAge is the introspection cache's maximum age in this suite: the
// longest a revoked token may keep working.
const opaqueMaxAge = 500 * time.Millisecond

// RunOpaque is the end-to-end suite of one example with opaque access
// tokens: the real OpenID provider issues opaque tokens to one client and
// JWTs to another, and the example, configured as from the environment with
// MCP_AUTH_TOKEN_FORMAT, verifies the opaque ones at the provider's
// introspection endpoint with its own client credentials.
func RunOpaque(t *testing.T, name string, serve app.ServeFunc) {
	RunOpaqueOptions(t, app.Options{Name: name}, serve)
}

// RunOpaqueOptions is RunOpaque for an example with its own app.Options
// (its Listener and Logger are set here).
func RunOpaqueOptions(t *testing.T, opts app.Options, serve app.ServeFunc) {
	for _, format := range []string{app.FormatOpaque, app.FormatAuto} {
		t.Run(format, func(t *testing.T) { runOpaque(t, opts, format, serve) })
	}
}

func runOpaque(t *testing.T, opts app.Options, format string, serve app.ServeFunc) {
	ln := listenLoopback(t)
	resource := "http://" + ln.Addr().String() + app.MCPPath
	op := StartProvider(t, resource)
	op.AddClient(testop.Client{
		ID: OpaqueClientID, Secret: ClientSecret, Subject: OpaqueClientSubject,
		Audience: []string{resource}, Scopes: []string{RequiredScope, OtherScope}, Opaque: true,
	})
	op.AddClient(testop.Client{
		ID: OpaqueShortClientID, Secret: ClientSecret, Subject: OpaqueClientSubject,
		Audience: []string{resource}, Scopes: []string{RequiredScope}, Opaque: true, TokenLifetime: opaqueShortLifetime,
	})
	op.AddClient(testop.Client{ID: ResourceServerClientID, Secret: ResourceServerClientSecret})
	cfg, err := app.ConfigFromEnv(env(map[string]string{
		app.EnvIssuer:              op.Issuer,
		app.EnvResource:            resource,
		app.EnvRequiredScopes:      RequiredScope,
		app.EnvTokenFormat:         format,
		app.EnvClientID:            ResourceServerClientID,
		app.EnvClientSecret:        ResourceServerClientSecret,
		app.EnvIntrospectionMaxAge: opaqueMaxAge.String(),
	}))
	if err != nil {
		t.Fatal(err)
	}
	opts.Listener, opts.Logger = ln, slog.New(slog.DiscardHandler)
	a, err := app.Start(context.Background(), cfg, opts)
	if err != nil {
		_ = ln.Close()
		t.Fatal(err)
	}
	Serve(t, a, serve)

	opaque := func(t *testing.T, scopes ...string) string {
		t.Helper()
		tok := op.ClientToken(t, OpaqueClientID, ClientSecret, scopes...)
		if strings.Count(tok, ".") == 2 {
			t.Fatalf("the provider issued a JWT, want an opaque token")
		}
		return tok
	}

	t.Run("whoami", func(t *testing.T) {
		tok := opaque(t)
		id, err := Whoami(t, resource, tok)
		if err != nil {
			t.Fatal(err)
		}
		if id.Subject != OpaqueClientSubject || id.Issuer != op.Issuer || id.ClientID != OpaqueClientID {
			t.Errorf("whoami = subject %q issuer %q client %q; want %q %q %q", id.Subject, id.Issuer, id.ClientID, OpaqueClientSubject, op.Issuer, OpaqueClientID)
		}
		if !slices.Equal(id.Audience, []string{resource}) || !slices.Contains(id.Scopes, RequiredScope) {
			t.Errorf("audience %q scopes %q", id.Audience, id.Scopes)
		}
		if d := time.Until(id.ExpiresAt); d <= 0 || d > testop.DefaultTokenLifetime+time.Minute {
			t.Errorf("expires_at = %v, want about %v from now", id.ExpiresAt, testop.DefaultTokenLifetime)
		}
		if id.Claims["active"] != true || id.Claims["jti"] == nil {
			t.Errorf("claims = %v", id.Claims)
		}
	})

	t.Run("insufficient scope", func(t *testing.T) {
		resp, body := Post(t, resource, "Bearer "+opaque(t, OtherScope))
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d, want 403: %s", resp.StatusCode, body)
		}
		if ch := ChallengeParams(resp.Header.Get("WWW-Authenticate")); ch["error"] != "insufficient_scope" {
			t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
		}
	})

	t.Run("unknown token", func(t *testing.T) {
		resp, body := Post(t, resource, "Bearer not-a-token-of-the-provider")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401: %s", resp.StatusCode, body)
		}
		if ch := ChallengeParams(resp.Header.Get("WWW-Authenticate")); ch["error"] != "invalid_token" {
			t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
		}
	})

	t.Run("revocation is seen within the maximum age", func(t *testing.T) {
		tok := opaque(t)
		if _, err := Whoami(t, resource, tok); err != nil {
			t.Fatal(err)
		}
		if !op.Revoke(tok) {
			t.Fatal("the provider did not know the token")
		}
		deadline := time.Now().Add(opaqueMaxAge + 2*time.Second)
		for {
			resp, body := Post(t, resource, "Bearer "+tok)
			if resp.StatusCode == http.StatusUnauthorized {
				break
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if time.Now().After(deadline) {
				t.Fatalf("the revoked token still works %v after the revocation (maximum age %v)", opaqueMaxAge+2*time.Second, opaqueMaxAge)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})

	t.Run("expiry is seen", func(t *testing.T) {
		issued := time.Now()
		tok := op.ClientToken(t, OpaqueShortClientID, ClientSecret)
		if _, err := Whoami(t, resource, tok); err != nil {
			t.Fatal(err)
		}
		// The cached answer dies at the token's exp; the provider then
		// says it is inactive.
		deadline := time.Now().Add(opaqueShortLifetime + opaqueMaxAge + 2*time.Second)
		for {
			resp, body := Post(t, resource, "Bearer "+tok)
			if resp.StatusCode == http.StatusUnauthorized {
				break
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if time.Now().After(deadline) {
				t.Fatalf("the token still works %v after it was issued with a %v lifetime", time.Since(issued), opaqueShortLifetime)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	t.Run("JWT", func(t *testing.T) {
		// auto verifies it locally; opaque sends it to introspection too,
		// where the provider knows it: both accept it.
		if _, err := Whoami(t, resource, op.Token(t)); err != nil {
			t.Errorf("a JWT with %s=%s: %v", app.EnvTokenFormat, format, err)
		}
	})
}

// ClientToken gets an access token for another registered client with the
// client_credentials grant.
func (p *Provider) ClientToken(t *testing.T, id, secret string, scopes ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: p.tokenURL, Scopes: scopes}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatalf("client_credentials token for %s: %v", id, err)
	}
	return tok.AccessToken
}
