package mcpauth_test

// The configuration of each identity provider in docs/providers.md,
// compiled here (they name placeholders such as TENANT_ID, so they are not
// run; TestProviderProfiles runs the same settings against each provider's
// token shape). TestProviderDocsCompiled checks that the guide shows these
// bodies verbatim.

import (
	"log"
	"net/http"
	"os"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// mountMCP stands for the wiring of the README: the protected resource
// metadata, then the MCP handler behind bearer.Middleware().
func mountMCP(auth *mcpauth.Auth, bearer *mcpauth.Bearer) {
	http.Handle("/.well-known/", auth.MetadataHandler())
	http.Handle("/mcp", bearer.Middleware()(http.NotFoundHandler()))
}

// Microsoft Entra ID (v2.0 tokens): aud is the API's application ID; delegated scopes in scp, app roles in roles.
func Example_entraIDv2() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://login.microsoftonline.com/TENANT_ID/v2.0", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		Audience:       "API_CLIENT_ID",          // the API app's Application (client) ID: what Entra puts in aud
		ScopeClaims:    []string{"scp", "roles"}, // delegated scopes and app roles
		RequiredScopes: []string{"Tasks.Read"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Microsoft Entra ID (v1.0 tokens, accessTokenAcceptedVersion unset): another issuer, aud is the Application ID URI.
func Example_entraIDv1() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://sts.windows.net/TENANT_ID/", mcpauth.OIDC), // v1.0 issuer, trailing slash included
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:    "https://mcp.example.com/mcp",
		Audience:    "api://mcp-todo", // the Application ID URI
		ScopeClaims: []string{"scp", "roles"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Auth0: the API identifier is the MCP server URL; RBAC permissions as grants.
func Example_auth0() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://TENANT.auth0.com/", mcpauth.OIDC), // trailing slash included
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource: "https://mcp.example.com/mcp",
		// Audience defaults to Resource: create the Auth0 API with the MCP server URL as identifier.
		ScopeClaims:    []string{"scope", "permissions"}, // "Add Permissions in the Access Token" (RBAC)
		RequiredScopes: []string{"read:todos"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Okta: a custom authorization server; scopes in the scp array, the client in cid.
func Example_okta() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://ORG.okta.com/oauth2/default", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		Audience:       "api://default", // the authorization server's Audience setting
		RequiredScopes: []string{"mcp:tools"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Okta org authorization server: its tokens (JWT-shaped, for Okta's own APIs) checked at its introspection endpoint.
func Example_oktaOrgIntrospection() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://ORG.okta.com", mcpauth.OIDC), // the org server: no /oauth2/... path
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	// Introspection alone, not JWTOrIntrospection: these tokens look like JWTs but
	// cannot be verified locally, and a JWS that fails is never introspected.
	bearer, err := auth.BearerAuth(mcpauth.Introspection(mcpauth.IntrospectionOptions{
		ClientID:     os.Getenv("OKTA_CLIENT_ID"), // a web or API Services app integration with a client secret
		ClientSecret: os.Getenv("OKTA_CLIENT_SECRET"),
	}), mcpauth.BearerOptions{
		Resource: "https://mcp.example.com/mcp",
		Audience: "https://ORG.okta.com", // the org server's aud: every token it issues has it
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Keycloak: an audience mapper puts the MCP server URL in aud; realm and client roles as grants.
func Example_keycloak() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://HOST/realms/REALM", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		ScopeClaims:    []string{"scope", "realm_access.roles", "resource_access.mcp-server.roles"},
		RequiredScopes: []string{"todo-admin"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Keycloak lightweight access tokens (or immediate revocation): every token checked at Keycloak's introspection endpoint.
func Example_keycloakIntrospection() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://HOST/realms/REALM", mcpauth.OIDC), // publishes introspection_endpoint
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.Introspection(mcpauth.IntrospectionOptions{
		ClientID:     "mcp-server", // a confidential client (Client authentication on)
		ClientSecret: os.Getenv("KEYCLOAK_CLIENT_SECRET"),
	}), mcpauth.BearerOptions{
		Resource: "https://mcp.example.com/mcp",
		// The claims of the introspection answer: mappers need "Add to token introspection".
		ScopeClaims:    []string{"scope", "realm_access.roles", "resource_access.mcp-server.roles"},
		RequiredScopes: []string{"todo-admin"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Amazon Cognito: access tokens carry no aud; bind them by app client ID.
func Example_cognito() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://cognito-idp.REGION.amazonaws.com/USER_POOL_ID", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:          "https://mcp.example.com/mcp",
		AcceptedClientIDs: []string{"APP_CLIENT_ID"}, // tokens without aud must come from these clients
		RequiredScopes:    []string{"mcp/tools"},     // a resource server scope: IDENTIFIER/SCOPE
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Logto: the API resource indicator is the MCP server URL (RFC 8707).
func Example_logto() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://TENANT.logto.app/oidc", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		RequiredScopes: []string{"read:todos"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// ZITADEL: JWT access tokens, aud is the project ID, project roles as grants.
func Example_zitadel() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://INSTANCE.zitadel.cloud", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		Audience:       "PROJECT_ID",
		ScopeClaims:    []string{"urn:zitadel:iam:org:project:roles"},
		RequiredScopes: []string{"todo.admin"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// ZITADEL opaque (Bearer) access tokens: introspected; JWT access tokens still verified locally.
func Example_zitadelIntrospection() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://INSTANCE.zitadel.cloud", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWTOrIntrospection(
		mcpauth.JWT(),
		mcpauth.Introspection(mcpauth.IntrospectionOptions{
			ClientID:     os.Getenv("ZITADEL_CLIENT_ID"), // an API application of the project, authentication method Basic
			ClientSecret: os.Getenv("ZITADEL_CLIENT_SECRET"),
		}),
	), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		Audience:       "PROJECT_ID",
		ScopeClaims:    []string{"urn:zitadel:iam:org:project:roles"},
		RequiredScopes: []string{"todo.admin"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Ory Hydra / Ory Network: JWT access tokens requested with audience=, scopes in scp.
func Example_oryHydra() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://PROJECT.projects.oryapis.com", mcpauth.OIDC), // Hydra: its public issuer URL, exactly
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		RequiredScopes: []string{"todos.read"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// WorkOS AuthKit: the resource is bound into aud; scope as usual.
func Example_workos() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://SUBDOMAIN.authkit.app", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		RequiredScopes: []string{"todos:read"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Stytch Connected Apps: aud is the project ID.
func Example_stytch() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://PROJECT_DOMAIN", mcpauth.OIDC), // the project domain or your custom domain
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource: "https://mcp.example.com/mcp",
		Audience: "PROJECT_ID",
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}

// Descope: aud is the project ID; permissions and roles as grants.
func Example_descope() {
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource: "https://mcp.example.com/mcp",
		AuthorizationServers: []mcpauth.AuthServer{
			mcpauth.Discover("https://api.descope.com/PROJECT_ID", mcpauth.OIDC),
		},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       "https://mcp.example.com/mcp",
		Audience:       "PROJECT_ID",
		ScopeClaims:    []string{"permissions", "roles"},
		RequiredScopes: []string{"todos:write"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mountMCP(auth, bearer)
}
