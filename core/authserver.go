package mcpauth

import "github.com/go-mcpauth/mcpauth/core/internal/clientreq"

// ServerType says how an authorization server publishes its metadata.
type ServerType string

const (
	// OAuth servers publish RFC 8414 metadata at
	// /.well-known/oauth-authorization-server, inserted before the issuer's path.
	OAuth ServerType = "oauth"
	// OIDC servers publish OpenID Connect Discovery 1.0 metadata at
	// /.well-known/openid-configuration, appended to the issuer's path.
	OIDC ServerType = "oidc"
)

// AuthServer is one authorization server a protected resource trusts. Either
// its Metadata is given (a resolved server: no network request is made for
// it), or only its Issuer and Type are (a discovered server: the metadata is
// fetched on first use, one fetch at a time, and a failed fetch is retried on
// a later request). Build one with [Discover] or [Resolved].
type AuthServer struct {
	// Issuer is the issuer identifier: the exact "iss" value of its tokens.
	// For a resolved server it defaults to Metadata.Issuer.
	Issuer string
	// Type selects the discovery document (OIDC or OAuth); default OIDC.
	Type ServerType
	// Metadata, when set, is used as is instead of being discovered.
	Metadata *AuthServerMetadata
}

// Discover returns an authorization server whose metadata is discovered from
// issuer on first use (RFC 8414 §3 for OAuth, OpenID Connect Discovery 1.0 §4
// for OIDC). The discovered "issuer" must equal issuer exactly (RFC 8414 §3.3).
func Discover(issuer string, typ ServerType) AuthServer {
	return AuthServer{Issuer: issuer, Type: typ}
}

// Resolved returns an authorization server described by metadata given in
// code (for instance fetched once at start-up with [FetchServerConfig]); no
// network request is made for its metadata.
func Resolved(metadata AuthServerMetadata, typ ServerType) AuthServer {
	return AuthServer{Issuer: metadata.Issuer, Type: typ, Metadata: &metadata}
}

// issuer returns the issuer identifier of s.
func (s AuthServer) issuer() string {
	if s.Issuer == "" && s.Metadata != nil {
		return s.Metadata.Issuer
	}
	return s.Issuer
}

// AuthServerMetadata is authorization server metadata (RFC 8414 §2, plus the
// OpenID Connect Discovery userinfo endpoint). Fields this package does not
// know are ignored when decoding.
type AuthServerMetadata struct {
	Issuer                                             string   `json:"issuer"`
	AuthorizationEndpoint                              string   `json:"authorization_endpoint"`
	TokenEndpoint                                      string   `json:"token_endpoint"`
	JWKSURI                                            string   `json:"jwks_uri,omitempty"`
	RegistrationEndpoint                               string   `json:"registration_endpoint,omitempty"`
	ScopesSupported                                    []string `json:"scopes_supported,omitempty"`
	ResponseTypesSupported                             []string `json:"response_types_supported"`
	ResponseModesSupported                             []string `json:"response_modes_supported,omitempty"`
	GrantTypesSupported                                []string `json:"grant_types_supported,omitempty"`
	TokenEndpointAuthMethodsSupported                  []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	TokenEndpointAuthSigningAlgValuesSupported         []string `json:"token_endpoint_auth_signing_alg_values_supported,omitempty"`
	ServiceDocumentation                               string   `json:"service_documentation,omitempty"`
	UILocalesSupported                                 []string `json:"ui_locales_supported,omitempty"`
	OPPolicyURI                                        string   `json:"op_policy_uri,omitempty"`
	OPTOSURI                                           string   `json:"op_tos_uri,omitempty"`
	RevocationEndpoint                                 string   `json:"revocation_endpoint,omitempty"`
	RevocationEndpointAuthMethodsSupported             []string `json:"revocation_endpoint_auth_methods_supported,omitempty"`
	RevocationEndpointAuthSigningAlgValuesSupported    []string `json:"revocation_endpoint_auth_signing_alg_values_supported,omitempty"`
	IntrospectionEndpoint                              string   `json:"introspection_endpoint,omitempty"`
	IntrospectionEndpointAuthMethodsSupported          []string `json:"introspection_endpoint_auth_methods_supported,omitempty"`
	IntrospectionEndpointAuthSigningAlgValuesSupported []string `json:"introspection_endpoint_auth_signing_alg_values_supported,omitempty"`
	CodeChallengeMethodsSupported                      []string `json:"code_challenge_methods_supported,omitempty"`
	UserinfoEndpoint                                   string   `json:"userinfo_endpoint,omitempty"`
	// ClientIDMetadataDocumentSupported says the server accepts URLs of
	// client ID metadata documents as client IDs (the registration MCP
	// 2025-11-25 prefers).
	ClientIDMetadataDocumentSupported bool `json:"client_id_metadata_document_supported,omitempty"`
}

// clientRequirements is the part of m that says what MCP clients can do
// with the server (see package clientreq).
func (m *AuthServerMetadata) clientRequirements() clientreq.Metadata {
	return clientreq.Metadata{
		AuthorizationEndpoint:             m.AuthorizationEndpoint,
		TokenEndpoint:                     m.TokenEndpoint,
		ResponseTypesSupported:            m.ResponseTypesSupported,
		GrantTypesSupported:               m.GrantTypesSupported,
		CodeChallengeMethodsSupported:     m.CodeChallengeMethodsSupported,
		RegistrationEndpoint:              m.RegistrationEndpoint,
		ClientIDMetadataDocumentSupported: m.ClientIDMetadataDocumentSupported,
	}
}
