package mcpauth_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestScopeClaims(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	auth := resourceAuth(t, jwtResource, iss)
	base := func(extra map[string]any) map[string]any {
		c := map[string]any{"sub": "u", "aud": jwtResource}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	cases := []struct {
		name     string
		claims   []string
		required []string
		token    map[string]any
		want     []string // AuthInfo.Scopes; nil when refused
		wantErr  mcpauth.Code
		detail   string
	}{
		{"default: scope", nil, nil, base(map[string]any{"scope": "read write", "roles": []any{"Admin"}}), []string{"read", "write"}, "", ""},
		{"default: scp when no scope", nil, nil, base(map[string]any{"scp": "Files.Read", "roles": []any{"Admin"}}), []string{"Files.Read"}, "", ""},
		{"Entra app roles", []string{"roles"}, []string{"Tasks.Write"}, base(map[string]any{"roles": []any{"Tasks.Read", "Tasks.Write"}}), []string{"Tasks.Read", "Tasks.Write"}, "", ""},
		{"Entra scp and roles merged", []string{"scp", "roles"}, []string{"Tasks.Write", "user_impersonation"},
			base(map[string]any{"scp": "user_impersonation Tasks.Write", "roles": []any{"Tasks.Write", "Admin"}}), []string{"user_impersonation", "Tasks.Write", "Admin"}, "", ""},
		{"Auth0 permissions", []string{"scope", "permissions"}, []string{"delete:todos"},
			base(map[string]any{"scope": "openid read:todos", "permissions": []any{"read:todos", "delete:todos"}}), []string{"openid", "read:todos", "delete:todos"}, "", ""},
		{"Auth0 namespaced claim with dots", []string{"https://example.com/roles"}, nil,
			base(map[string]any{"https://example.com/roles": []any{"editor"}}), []string{"editor"}, "", ""},
		{"Keycloak realm and client roles", []string{"realm_access.roles", "resource_access.mcp-server.roles"}, []string{"todo-admin"},
			base(map[string]any{"realm_access": map[string]any{"roles": []any{"offline_access", "default-roles-demo"}},
				"resource_access": map[string]any{"mcp-server": map[string]any{"roles": []any{"todo-admin"}}, "account": map[string]any{"roles": []any{"view-profile"}}}}),
			[]string{"offline_access", "default-roles-demo", "todo-admin"}, "", ""},
		{"Keycloak client ID with dots", []string{"resource_access.my.client.roles"}, nil,
			base(map[string]any{"resource_access": map[string]any{"my.client": map[string]any{"roles": []any{"r1"}}}}), []string{"r1"}, "", ""},
		{"claims absent: no grants", []string{"roles"}, nil, base(map[string]any{"scope": "read"}), []string{}, "", ""},
		{"values that are not scope-tokens are left out", []string{"roles", "scope"}, nil,
			base(map[string]any{"roles": []any{"Task Admin", "ok", `quo"te`, "back\\slash", "", "é"}, "scope": "a  b"}), []string{"ok", "a", "b"}, "", ""},
		{"missing role: 403 naming it", []string{"roles"}, []string{"Tasks.Write", "Tasks.Read"}, base(map[string]any{"roles": []any{"Tasks.Read"}}),
			nil, mcpauth.CodeMissingRequiredScopes, "missing Tasks.Write"},
		{"scope no longer counts when not listed", []string{"roles"}, []string{"read"}, base(map[string]any{"scope": "read"}),
			nil, mcpauth.CodeMissingRequiredScopes, "missing read"},
		{"ZITADEL roles: an object's member names", []string{"urn:zitadel:iam:org:project:roles"}, []string{"admin"},
			base(map[string]any{"urn:zitadel:iam:org:project:roles": map[string]any{"user": map[string]any{"123": "acme.zitadel.cloud"}, "admin": map[string]any{"123": "acme.zitadel.cloud"}}}),
			[]string{"admin", "user"}, "", ""},
		{"grant claim of the wrong type", []string{"roles"}, nil, base(map[string]any{"roles": 5}), nil, mcpauth.CodeInvalidToken, `"roles" claim must be a string, an array of strings or an object`},
		{"grant array with a number", []string{"realm_access.roles"}, nil, base(map[string]any{"realm_access": map[string]any{"roles": []any{"a", 1}}}),
			nil, mcpauth.CodeInvalidToken, "at index 1"},
		{"path through a non-object", []string{"realm_access.roles"}, nil, base(map[string]any{"realm_access": "x"}), []string{}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: jwtResource, ScopeClaims: c.claims, RequiredScopes: c.required})
			token := "Bearer " + iss.MustToken(t, c.token)
			for round := range 2 { // the second time from the verified-token cache
				info, err := authenticate(b, token)
				if c.wantErr != "" {
					if !hasCode(err, c.wantErr) || !strings.Contains(fmt.Sprint(err)+detailOf(err), c.detail) {
						t.Fatalf("round %d: got %v (%s), want %v with %q", round, err, detailOf(err), c.wantErr, c.detail)
					}
					continue
				}
				if err != nil {
					t.Fatalf("round %d: %v (%s)", round, err, detailOf(err))
				}
				if !slices.Equal(info.Scopes, c.want) {
					t.Fatalf("round %d: scopes %q, want %q", round, info.Scopes, c.want)
				}
			}
		})
	}
}

// The rewritten scopes never leak into the cached AuthInfo shared between
// requests, under the race detector.
func TestScopeClaimsConcurrent(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	auth := resourceAuth(t, jwtResource, iss)
	roles := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: jwtResource, ScopeClaims: []string{"roles"}})
	plain := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: jwtResource})
	token := "Bearer " + iss.MustToken(t, map[string]any{"sub": "u", "aud": jwtResource, "scope": "read", "roles": []any{"Admin"}})
	mcpauthtest.Concurrently(t, 8, 50, func(w, _ int) error {
		b, want := plain, "read"
		if w%2 == 0 {
			b, want = roles, "Admin"
		}
		info, err := authenticate(b, token)
		if err != nil {
			return err
		}
		if len(info.Scopes) != 1 || info.Scopes[0] != want {
			return fmt.Errorf("scopes %q, want [%s]", info.Scopes, want)
		}
		return nil
	})
}

func TestAcceptedClientIDs(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	auth := resourceAuth(t, jwtResource, iss)
	b := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: jwtResource, AcceptedClientIDs: []string{"3n4b5urk1ft4fl3mg5e62d9ado"}})
	cases := []struct {
		name    string
		claims  map[string]any
		wantErr mcpauth.Code
	}{
		{"Cognito access token: no aud, listed client_id", map[string]any{"sub": "u", "client_id": "3n4b5urk1ft4fl3mg5e62d9ado", "token_use": "access", "scope": "mcp/tools"}, ""},
		{"no aud, listed azp", map[string]any{"sub": "u", "azp": "3n4b5urk1ft4fl3mg5e62d9ado"}, ""},
		{"no aud, another client", map[string]any{"sub": "u", "client_id": "other"}, mcpauth.CodeInvalidAudience},
		{"no aud, no client", map[string]any{"sub": "u"}, mcpauth.CodeInvalidAudience},
		{"listed client but an audience for another resource", map[string]any{"sub": "u", "client_id": "3n4b5urk1ft4fl3mg5e62d9ado", "aud": "https://other.example.com"}, mcpauth.CodeInvalidAudience},
		{"Cognito ID token of the listed client (aud = client ID) is refused", map[string]any{"sub": "u", "aud": "3n4b5urk1ft4fl3mg5e62d9ado", "token_use": "id"}, mcpauth.CodeInvalidAudience},
		{"the right audience still passes", map[string]any{"sub": "u", "client_id": "other", "aud": jwtResource}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := authenticate(b, "Bearer "+iss.MustToken(t, c.claims))
			if (c.wantErr == "" && err != nil) || (c.wantErr != "" && !hasCode(err, c.wantErr)) {
				t.Fatalf("got %v, want %q", err, c.wantErr)
			}
		})
	}
	// Without the option, the aud-less token is refused.
	plain := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: jwtResource})
	if _, err := authenticate(plain, "Bearer "+iss.MustToken(t, cases[0].claims)); !hasCode(err, mcpauth.CodeInvalidAudience) {
		t.Fatalf("without AcceptedClientIDs: %v", err)
	}
}

func TestGrantOptionsConfiguration(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	auth := resourceAuth(t, jwtResource, iss)
	for _, c := range []struct {
		name   string
		opts   mcpauth.BearerOptions
		detail string
	}{
		{"empty scope claim", mcpauth.BearerOptions{ScopeClaims: []string{""}}, "ScopeClaims"},
		{"dangling dot", mcpauth.BearerOptions{ScopeClaims: []string{"realm_access."}}, "dotted path"},
		{"client IDs with SkipAudienceCheck", mcpauth.BearerOptions{AcceptedClientIDs: []string{"c"}, SkipAudienceCheck: true}, "cannot be combined"},
		{"empty client ID", mcpauth.BearerOptions{AcceptedClientIDs: []string{""}}, "empty client ID"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Resource = jwtResource
			_, err := auth.BearerAuth(mcpauth.JWT(), c.opts)
			if !hasCode(err, mcpauth.CodeInvalidServerConfig) || !strings.Contains(err.Error(), c.detail) {
				t.Fatalf("got %v, want invalid_server_config mentioning %q", err, c.detail)
			}
		})
	}
}

// detailOf returns the Detail of an *mcpauth.Error.
func detailOf(err error) string {
	var e *mcpauth.Error
	if errors.As(err, &e) {
		return e.Detail
	}
	return ""
}

// BenchmarkScopeClaims: the cost of reading grants from roles on a cached
// token, next to the default scope claim.
func BenchmarkScopeClaims(b *testing.B) {
	iss := mcpauthtest.MustNewIssuer(b)
	auth := resourceAuth(b, jwtResource, iss)
	token := "Bearer " + iss.MustToken(b, map[string]any{"sub": "u", "aud": jwtResource, "scope": "read write",
		"realm_access": map[string]any{"roles": []any{"offline_access", "default-roles-demo", "todo-admin"}}})
	for _, c := range []struct {
		name   string
		claims []string
	}{{"default", nil}, {"realm_access.roles", []string{"scope", "realm_access.roles"}}} {
		bearer := jwtBearer(b, auth, mcpauth.BearerOptions{Resource: jwtResource, ScopeClaims: c.claims, RequiredScopes: []string{"read"}})
		if _, err := authenticate(bearer, token); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := authenticate(bearer, token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// hasCode reports whether err is or wraps an *mcpauth.Error with code.
func hasCode(err error, code mcpauth.Code) bool {
	var e *mcpauth.Error
	return errors.As(err, &e) && e.Code == code
}
