package mcpauth_test

// Provider profiles: for each identity provider, the shape of its discovery
// document and of the access tokens it issues, replayed by a local issuer
// over real HTTP with real keys (no network), and what a user configures.
// Each row says what the middleware answers; a refusal that remains is
// deliberate and names the option that changes it. docs/providers.md is the
// user's side of this table.
//
// Where each shape comes from. Checked against the providers' public
// documentation while writing this table: WorkOS AuthKit Connect ("Access
// token claims": aud = resource, client_id, scope, org_id, sid), Stytch
// Connected Apps ("Access Token object": aud = [project ID], client_id,
// scope), Descope (session JWT: iss the project ID or, with a JWT template,
// https://api.descope.com/<project>; roles, permissions), ZITADEL ("Claims in
// ZITADEL": aud, azp and client_id in JWT access tokens; project roles
// object), Logto (access token: aud = API resource, scope, client_id). From
// the maintainers' knowledge of the providers' documented formats, not
// re-checked here: Microsoft Entra ID v1.0/v2.0 (iss, aud GUID or api://,
// scp, roles, azp/appid, ver), Auth0 (issuer with a slash, aud array with
// userinfo, scope, permissions, gty, JWE without audience), Okta (scp array,
// cid, aud api://default), Keycloak (aud account, azp, realm_access,
// resource_access), Amazon Cognito (no aud, client_id, token_use), Google
// (opaque ya29. tokens), Ory Hydra (scp array, client_id, ext). Discovery
// documents are reduced to what matters here: the members MCP clients use.
// Values such as tenant IDs are made up.

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// providerResource is the MCP server every profile protects.
const providerResource = "https://mcp.example.com/mcp"

// Discovery document shapes.

// entraDiscovery: Entra ID publishes no code_challenge_methods_supported,
// no grant_types_supported and no registration_endpoint.
func entraDiscovery(m map[string]any) {
	iss := m["issuer"].(string)
	m["authorization_endpoint"] = iss + "/oauth2/v2.0/authorize"
	m["token_endpoint"] = iss + "/oauth2/v2.0/token"
	m["response_types_supported"] = []string{"code", "id_token", "code id_token", "id_token token"}
	m["response_modes_supported"] = []string{"query", "fragment", "form_post"}
	delete(m, "grant_types_supported")
	m["claims_supported"] = []string{"sub", "iss", "aud", "exp", "iat", "tid", "oid"}
}

// fullDiscovery: a provider that advertises the code flow, PKCE S256 and,
// if registration, dynamic client registration.
func fullDiscovery(registration bool) func(m map[string]any) {
	return func(m map[string]any) {
		iss := m["issuer"].(string)
		m["authorization_endpoint"] = iss + "/authorize"
		m["token_endpoint"] = iss + "/token"
		m["response_types_supported"] = []string{"code"}
		m["grant_types_supported"] = []string{"authorization_code", "refresh_token", "client_credentials"}
		m["code_challenge_methods_supported"] = []string{"S256"}
		if registration {
			m["registration_endpoint"] = iss + "/register"
		}
	}
}

// cognitoDiscovery: Cognito's user pool document lists the code flow but no
// PKCE methods and no registration.
func cognitoDiscovery(m map[string]any) {
	iss := m["issuer"].(string)
	m["authorization_endpoint"] = iss + "/oauth2/authorize"
	m["token_endpoint"] = iss + "/oauth2/token"
	m["response_types_supported"] = []string{"code", "token"}
	delete(m, "grant_types_supported")
}

// withTrailingSlash publishes the issuer with a terminating "/", as Auth0,
// Ory Hydra (commonly) and Entra ID v1.0 (https://sts.windows.net/<tid>/) do.
func withTrailingSlash(shape func(map[string]any)) func(map[string]any) {
	return func(m map[string]any) {
		shape(m)
		m["issuer"] = m["issuer"].(string) + "/"
	}
}

const (
	entraTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"
	entraAppID  = "6e74172b-be56-4843-9ff4-e66a39bb12e3" // the API's application (client) ID
	entraClient = "1950a258-227b-4e31-a9cf-717495945fc2" // the calling client
)

type providerProfile struct {
	name string
	// The provider's side: issuer path, discovery shape, trailing slash.
	path   string
	shape  func(m map[string]any)
	slash  bool
	claims func(iss string) map[string]any // the access token; nil: opaque
	opaque string                          // the token when claims is nil
	// The user's side: the issuer to trust (default the issuer) and the
	// bearer options (Resource is set by the test).
	trust func(iss string) mcpauth.AuthServer
	opts  mcpauth.BearerOptions
	// The answer.
	status     int
	scopes     []string // on 200
	clientID   string   // on 200
	errorCode  string   // on refusal: the "error" of the body
	detail     string   // on refusal: in the cause
	deliberate string   // on refusal: why, and the option that changes it
}

func TestProviderProfiles(t *testing.T) {
	now := time.Now().Unix()
	profiles := []providerProfile{
		{
			name: "Entra ID v2.0, delegated (scp, aud = the API's client ID)",
			path: "/" + entraTenant + "/v2.0", shape: entraDiscovery,
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "aud": entraAppID, "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "azp": entraClient, "azpacr": "0",
					"scp": "Tasks.Read Tasks.Write", "tid": entraTenant, "oid": "00000000-0000-0000-66f3-3332eca7ea81", "ver": "2.0", "nbf": now, "uti": "AbCdEf", "rh": "0.AAAA"}
			},
			opts:   mcpauth.BearerOptions{Audience: entraAppID, RequiredScopes: []string{"Tasks.Read"}},
			status: 200, scopes: []string{"Tasks.Read", "Tasks.Write"}, clientID: entraClient,
		},
		{
			name: "Entra ID v2.0, app-only (roles, no scp)",
			path: "/" + entraTenant + "/v2.0", shape: entraDiscovery,
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "aud": entraAppID, "sub": "7a4c2f3e-0000-4000-8000-000000000001", "azp": entraClient, "azpacr": "1",
					"roles": []any{"Tasks.Read.All"}, "tid": entraTenant, "oid": "7a4c2f3e-0000-4000-8000-000000000001", "ver": "2.0"}
			},
			opts:   mcpauth.BearerOptions{Audience: entraAppID, ScopeClaims: []string{"scp", "roles"}, RequiredScopes: []string{"Tasks.Read.All"}},
			status: 200, scopes: []string{"Tasks.Read.All"}, clientID: entraClient,
		},
		{
			name: "Entra ID v2.0 with the default audience",
			path: "/" + entraTenant + "/v2.0", shape: entraDiscovery,
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "aud": entraAppID, "sub": "u", "azp": entraClient, "scp": "Tasks.Read", "ver": "2.0"}
			},
			status: 401, errorCode: "invalid_audience", detail: entraAppID,
			deliberate: "Entra puts the API's application ID (v2.0) or Application ID URI (v1.0) in aud, never the MCP server URL: set BearerOptions.Audience to it",
		},
		{
			name: "Entra ID v1.0 (sts.windows.net issuer with a slash, aud = api://…, appid)",
			path: "/" + entraTenant, shape: entraDiscovery, slash: true,
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "aud": "api://mcp-todo", "sub": "u1", "appid": entraClient, "appidacr": "0",
					"scp": "user_impersonation", "tid": entraTenant, "ver": "1.0", "unique_name": "alice@contoso.com"}
			},
			opts:   mcpauth.BearerOptions{Audience: "api://mcp-todo"},
			status: 200, scopes: []string{"user_impersonation"}, clientID: "",
		},
		{
			name: "Entra ID v1.0 token, v2.0 issuer trusted",
			path: "/" + entraTenant, shape: entraDiscovery,
			claims: func(iss string) map[string]any {
				// The v1.0 token of an app whose accessTokenAcceptedVersion
				// is unset names another issuer than the v2.0 one trusted.
				return map[string]any{"iss": iss + "/v1-issuer/", "aud": "api://mcp-todo", "sub": "u1", "appid": entraClient, "ver": "1.0"}
			},
			opts:   mcpauth.BearerOptions{Audience: "api://mcp-todo"},
			status: 401, errorCode: "invalid_issuer", detail: "v1-issuer",
			deliberate: "the issuer is part of what a token is verified against: set accessTokenAcceptedVersion to 2 in the app manifest, or trust the v1.0 issuer https://sts.windows.net/<tenant>/",
		},
		{
			name:  "Auth0 (scope, permissions, aud array with userinfo, issuer with a slash)",
			shape: fullDiscovery(true), slash: true,
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "sub": "auth0|65f0c0ffee", "aud": []any{providerResource, iss + "userinfo"}, "azp": "xFq2S4mcpClient",
					"scope": "openid profile read:todos", "permissions": []any{"read:todos", "delete:todos"}}
			},
			opts:   mcpauth.BearerOptions{ScopeClaims: []string{"scope", "permissions"}, RequiredScopes: []string{"delete:todos"}},
			status: 200, scopes: []string{"openid", "profile", "read:todos", "delete:todos"}, clientID: "xFq2S4mcpClient",
		},
		{
			name:  "Auth0 client credentials (gty, scope only)",
			shape: fullDiscovery(true), slash: true,
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "sub": "xFq2S4mcpClient@clients", "aud": providerResource, "azp": "xFq2S4mcpClient",
					"scope": "read:todos", "gty": "client-credentials"}
			},
			opts:   mcpauth.BearerOptions{RequiredScopes: []string{"read:todos"}},
			status: 200, scopes: []string{"read:todos"}, clientID: "xFq2S4mcpClient",
		},
		{
			name:  "Auth0 without an audience: an encrypted token",
			shape: fullDiscovery(true), slash: true,
			opaque: "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwiaXNzIjoiaHR0cHM6Ly9leGFtcGxlLmF1dGgwLmNvbS8ifQ..bWFkZS11cA.Y2lwaGVydGV4dA.dGFn",
			status: 401, errorCode: "invalid_token", detail: "audience=<your API identifier>",
			deliberate: "a JWE cannot be verified with the issuer's public keys: request the token with the audience parameter (the Auth0 API identifier) to get a signed JWT",
		},
		{
			name: "Okta custom authorization server (scp array, cid, aud api://default)",
			path: "/oauth2/default", shape: fullDiscovery(true),
			claims: func(iss string) map[string]any {
				return map[string]any{"ver": 1, "iss": iss, "aud": "api://default", "sub": "alice@example.com", "cid": "0oa1b2c3d4MCPclient",
					"uid": "00u1b2c3d4", "scp": []any{"openid", "mcp:tools"}, "auth_time": now}
			},
			opts:   mcpauth.BearerOptions{Audience: "api://default", RequiredScopes: []string{"mcp:tools"}},
			status: 200, scopes: []string{"openid", "mcp:tools"}, clientID: "", // cid stays in Claims
		},
		{
			name: "Keycloak default token (aud account)",
			path: "/realms/demo", shape: fullDiscovery(true),
			claims: keycloakClaims("account"),
			status: 401, errorCode: "invalid_audience", detail: "account",
			deliberate: "Keycloak's default audience is its account service: add an audience mapper (Included Custom Audience = the MCP server URL) to the client scope, or set BearerOptions.Audience",
		},
		{
			name: "Keycloak with an audience mapper and roles as grants",
			path: "/realms/demo", shape: fullDiscovery(true),
			claims: keycloakClaims(providerResource, "account"),
			opts:   mcpauth.BearerOptions{ScopeClaims: []string{"scope", "realm_access.roles", "resource_access.mcp-server.roles"}, RequiredScopes: []string{"todo-admin"}},
			status: 200, scopes: []string{"openid", "profile", "email", "offline_access", "default-roles-demo", "todo-admin"}, clientID: "mcp-client",
		},
		{
			name: "Amazon Cognito (client_id, no aud) with the default audience check",
			path: "/us-east-1_AbCdEf123", shape: cognitoDiscovery,
			claims: cognitoClaims,
			status: 401, errorCode: "invalid_audience", detail: `"cause":{"expected":"https://mcp.example.com/mcp"}`, // found: nothing
			deliberate: "Cognito access tokens carry no aud: set BearerOptions.AcceptedClientIDs to the app client IDs allowed to call this server",
		},
		{
			name: "Amazon Cognito with AcceptedClientIDs",
			path: "/us-east-1_AbCdEf123", shape: cognitoDiscovery,
			claims: cognitoClaims,
			opts:   mcpauth.BearerOptions{AcceptedClientIDs: []string{"3n4b5urk1ft4fl3mg5e62d9ado"}, RequiredScopes: []string{"mcp/tools"}},
			status: 200, scopes: []string{"mcp/tools"}, clientID: "3n4b5urk1ft4fl3mg5e62d9ado",
		},
		{
			name:   "Google (opaque access tokens)",
			shape:  fullDiscovery(false),
			opaque: "ya29.a0AfB_byDmadeUpOpaqueAccessTokenValue0123456789",
			status: 401, errorCode: "invalid_token", detail: "opaque access token",
			deliberate: "Google's access tokens are not JWTs and Google offers no introspection for them: use a VerifyFunc that calls Google's tokeninfo endpoint, or another provider",
		},
		{
			name: "Logto (aud = the API resource indicator, scope, client_id)",
			path: "/oidc", shape: fullDiscovery(false),
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "sub": "u8c3kqz1", "aud": providerResource, "scope": "read:todos write:todos", "client_id": "q1w2e3mcp", "jti": "x"}
			},
			opts:   mcpauth.BearerOptions{RequiredScopes: []string{"write:todos"}},
			status: 200, scopes: []string{"read:todos", "write:todos"}, clientID: "q1w2e3mcp",
		},
		{
			name:  "ZITADEL JWT access token (aud project and client, project roles object)",
			shape: fullDiscovery(false),
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "sub": "2591045630", "aud": []any{"259104563099", "259104563100@mcp"}, "client_id": "259104563100@mcp",
					"urn:zitadel:iam:org:project:roles": map[string]any{"todo.admin": map[string]any{"2591": "acme.zitadel.cloud"}}}
			},
			opts:   mcpauth.BearerOptions{Audience: "259104563099", ScopeClaims: []string{"urn:zitadel:iam:org:project:roles"}, RequiredScopes: []string{"todo.admin"}},
			status: 200, scopes: []string{"todo.admin"}, clientID: "259104563100@mcp",
		},
		{
			name:  "Ory Hydra JWT access token (scp array, client_id, ext)",
			shape: fullDiscovery(true), slash: true,
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "sub": "user-1", "aud": []any{providerResource}, "client_id": "mcp-inspector", "scp": []any{"offline", "todos.read"}, "ext": map[string]any{}, "nbf": now}
			},
			opts:   mcpauth.BearerOptions{RequiredScopes: []string{"todos.read"}},
			status: 200, scopes: []string{"offline", "todos.read"}, clientID: "mcp-inspector",
		},
		{
			name:  "WorkOS AuthKit Connect (aud = resource, client_id, scope, org_id)",
			shape: fullDiscovery(true),
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "sub": "user_01HBEQKA6K4QJAS93VPE39W1JT", "aud": providerResource, "client_id": "client_01JX", "org_id": "org_01HR", "sid": "consent_01", "scope": "openid todos:read"}
			},
			opts:   mcpauth.BearerOptions{RequiredScopes: []string{"todos:read"}},
			status: 200, scopes: []string{"openid", "todos:read"}, clientID: "client_01JX",
		},
		{
			name:  "Stytch Connected Apps (aud = project ID, client_id, scope)",
			shape: fullDiscovery(true),
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "sub": "user-test-16d9ba61", "aud": []any{"project-test-6c20cd16"}, "client_id": "connected-app-test-d731954d", "scope": "openid email profile"}
			},
			opts:   mcpauth.BearerOptions{Audience: "project-test-6c20cd16"},
			status: 200, scopes: []string{"openid", "email", "profile"}, clientID: "connected-app-test-d731954d",
		},
		{
			name: "Descope (aud = project ID, roles and permissions)",
			path: "/P2PqjhPcC8Hri2nXUY7f234F", shape: fullDiscovery(false),
			claims: func(iss string) map[string]any {
				return map[string]any{"iss": iss, "sub": "U2abc", "aud": []any{"P2PqjhPcC8Hri2nXUY7f234F"}, "roles": []any{"Tenant Admin", "editor"}, "permissions": []any{"todos:write"}, "amr": []any{"oauth"}}
			},
			opts:   mcpauth.BearerOptions{Audience: "P2PqjhPcC8Hri2nXUY7f234F", ScopeClaims: []string{"permissions", "roles"}, RequiredScopes: []string{"todos:write"}},
			status: 200, scopes: []string{"todos:write", "editor"}, clientID: "", // "Tenant Admin" is no scope-token
		},
	}
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			shape := p.shape
			if p.slash {
				shape = withTrailingSlash(shape)
			}
			iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithPath(p.path), mcpauthtest.WithMetadata(shape))
			issuer := iss.Metadata()["issuer"].(string)
			trusted := mcpauth.Discover(issuer, mcpauth.OIDC)
			if p.trust != nil {
				trusted = p.trust(issuer)
			}
			var logs mcpauthtest.LogBuffer
			auth, err := mcpauth.New(mcpauth.Config{
				ProtectedResources: []mcpauth.ProtectedResource{{Resource: providerResource, AuthorizationServers: []mcpauth.AuthServer{trusted}}},
				Logger:             logs.Logger(),
			})
			if err != nil {
				t.Fatal(err)
			}
			opts := p.opts
			opts.Resource, opts.ShowErrorDetails = providerResource, true
			b, err := auth.BearerAuth(mcpauth.JWT(), opts)
			if err != nil {
				t.Fatal(err)
			}
			url := mcpauthtest.Serve(t, b.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				info, _ := mcpauth.AuthInfoFromContext(r.Context())
				_ = json.NewEncoder(w).Encode(info)
			})))
			token := p.opaque
			if p.claims != nil {
				claims := p.claims(issuer)
				if _, ok := claims["exp"]; !ok {
					claims["exp"] = time.Now().Add(time.Hour).Unix()
				}
				token = iss.MustToken(t, claims)
			}
			got := mcpauthtest.Send(t, http.MethodGet, url, "Bearer "+token)
			if got.Status != p.status {
				t.Fatalf("status %d, want %d: %s", got.Status, p.status, got.Body)
			}
			if p.status != 200 {
				if p.deliberate == "" {
					t.Error("a refusal without the reason it is deliberate")
				}
				var body struct {
					Error string `json:"error"`
					Cause struct {
						Error  string `json:"error"`
						Reason string `json:"reason"`
					} `json:"cause"`
				}
				_ = json.Unmarshal(got.Body, &body)
				if (body.Error != p.errorCode && body.Cause.Error != p.errorCode) || !strings.Contains(string(got.Body), p.detail) {
					t.Errorf("body %s, want error %s mentioning %q", got.Body, p.errorCode, p.detail)
				}
				return
			}
			var info mcpauth.AuthInfo
			if err := json.Unmarshal(got.Body, &info); err != nil {
				t.Fatalf("%v: %s", err, got.Body)
			}
			if !slices.Equal(info.Scopes, p.scopes) || info.ClientID != p.clientID || info.Issuer != issuer {
				t.Errorf("scopes %q client %q issuer %q; want %q %q %q", info.Scopes, info.ClientID, info.Issuer, p.scopes, p.clientID, issuer)
			}
			// What the provider's document lacks for MCP clients was
			// logged once, never refused.
			if n := strings.Count(logs.String(), "lacks what MCP clients need"); n > 1 {
				t.Errorf("%d warnings", n)
			}
		})
	}
}

// keycloakClaims is a Keycloak access token with the given audience.
func keycloakClaims(aud ...string) func(iss string) map[string]any {
	return func(iss string) map[string]any {
		audience := make([]any, len(aud))
		for i, a := range aud {
			audience[i] = a
		}
		return map[string]any{"iss": iss, "sub": "f1b2c3d4-0000-4000-8000-000000000001", "aud": audience, "typ": "Bearer", "azp": "mcp-client",
			"scope": "openid profile email", "preferred_username": "alice", "sid": "s1",
			"realm_access":    map[string]any{"roles": []any{"offline_access", "default-roles-demo"}},
			"resource_access": map[string]any{"mcp-server": map[string]any{"roles": []any{"todo-admin"}}, "account": map[string]any{"roles": []any{"manage-account"}}}}
	}
}

// cognitoClaims is an Amazon Cognito access token: no aud, client_id.
func cognitoClaims(iss string) map[string]any {
	return map[string]any{"iss": iss, "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "token_use": "access", "scope": "mcp/tools", "client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
		"username": "alice", "version": 2, "origin_jti": "o", "event_id": "e", "auth_time": time.Now().Unix()}
}
