package inspect

import (
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/internal/clientreq"
)

// Code names one outcome of [ServerMetadata].
type Code string

// An error: a resource server cannot use the authorization server.
const (
	// InvalidServerMetadata: the metadata has no issuer.
	InvalidServerMetadata Code = "invalid_server_metadata"
)

// Warnings: MCP clients cannot (or may not be able to) use the server the
// way the MCP authorization specification (2025-11-25) expects. Tokens the
// server issues are still verified.
const (
	// MetadataIncomplete: authorization_endpoint, token_endpoint or
	// response_types_supported is missing (RFC 8414 §2 requires them).
	MetadataIncomplete Code = Code(clientreq.MetadataIncomplete)
	// CodeResponseTypeMissing: no "code" in response_types_supported.
	CodeResponseTypeMissing Code = Code(clientreq.CodeResponseTypeMissing)
	// AuthorizationCodeMissing: no "authorization_code" in
	// grant_types_supported (absent means authorization_code and implicit).
	AuthorizationCodeMissing Code = Code(clientreq.AuthorizationCodeMissing)
	// PKCENotSupported: code_challenge_methods_supported is absent or empty.
	// Microsoft Entra ID publishes none although it supports PKCE.
	PKCENotSupported Code = Code(clientreq.PKCENotSupported)
	// S256NotSupported: PKCE without the S256 method.
	S256NotSupported Code = Code(clientreq.S256NotSupported)
	// DynamicRegistrationMissing: no registration_endpoint (RFC 7591).
	DynamicRegistrationMissing Code = Code(clientreq.DynamicRegistrationMissing)
	// ClientIDMetadataDocumentMissing: client_id_metadata_document_supported
	// is not true.
	ClientIDMetadataDocumentMissing Code = Code(clientreq.ClientIDMetadataDocumentMissing)
)

// Successes, reported in [Result.Successes].
const (
	ServerMetadataValid           Code = "server_metadata_valid"
	MetadataComplete              Code = Code(clientreq.MetadataComplete)
	CodeResponseTypeOK            Code = Code(clientreq.CodeResponseTypeOK)
	AuthorizationCodeOK           Code = Code(clientreq.AuthorizationCodeOK)
	PKCESupported                 Code = Code(clientreq.PKCESupported)
	S256Supported                 Code = Code(clientreq.S256Supported)
	DynamicRegistrationFound      Code = Code(clientreq.DynamicRegistrationFound)
	ClientIDMetadataDocumentFound Code = Code(clientreq.ClientIDMetadataDocumentFound)
)

// Issue is one outcome of a check.
type Issue struct {
	Code        Code   `json:"code"`
	Description string `json:"description"`
}

// Result is the outcome of [ServerMetadata].
type Result struct {
	// Valid is true when Errors is empty: a resource server can trust the
	// authorization server (its JWK Set is inspected separately, see
	// [FetchJWKS]).
	Valid bool `json:"valid"`
	// Errors make the server unusable by a resource server.
	Errors []Issue `json:"errors,omitempty"`
	// Warnings are what MCP clients need and the server does not
	// advertise. The resource server logs them once per issuer.
	Warnings []Issue `json:"warnings,omitempty"`
	// Successes are the checks that passed.
	Successes []Issue `json:"successes,omitempty"`
}

// ServerMetadata checks authorization server metadata:
//
//   - an issuer (RFC 8414 §2), else the error invalid_server_metadata: the
//     only requirement of a resource server that metadata alone can show
//     (the issuer match is made when metadata is fetched, by
//     [mcpauth.FetchServerConfig], and keys are checked by [FetchJWKS]);
//   - then, as warnings, what MCP clients need: authorization_endpoint,
//     token_endpoint and response_types_supported (RFC 8414 §2); the "code"
//     response type; the authorization_code grant (grant_types_supported
//     defaults to authorization_code and implicit, RFC 8414 §2); PKCE with
//     S256 (RFC 7636); a registration_endpoint (RFC 7591); client ID
//     metadata documents (client_id_metadata_document_supported).
//
// No dynamic registration with client ID metadata documents, or the other
// way round, is still a warning: each is one way for a client to obtain a
// client ID, and clients support one or the other.
func ServerMetadata(m mcpauth.AuthServerMetadata) Result {
	var r Result
	if m.Issuer == "" {
		r.Errors = append(r.Errors, Issue{InvalidServerMetadata, `The metadata has no "issuer": no token of this server can be attributed to it.`})
	} else {
		r.Successes = append(r.Successes, Issue{ServerMetadataValid, `The metadata names its issuer; tokens are verified once the issuer matches the configured one and its keys are usable.`})
	}
	for _, f := range clientreq.Check(clientreq.Metadata{
		AuthorizationEndpoint:             m.AuthorizationEndpoint,
		TokenEndpoint:                     m.TokenEndpoint,
		ResponseTypesSupported:            m.ResponseTypesSupported,
		GrantTypesSupported:               m.GrantTypesSupported,
		CodeChallengeMethodsSupported:     m.CodeChallengeMethodsSupported,
		RegistrationEndpoint:              m.RegistrationEndpoint,
		ClientIDMetadataDocumentSupported: m.ClientIDMetadataDocumentSupported,
	}) {
		is := Issue{Code(f.Code), f.Description}
		if f.Met {
			r.Successes = append(r.Successes, is)
		} else {
			r.Warnings = append(r.Warnings, is)
		}
	}
	r.Valid = len(r.Errors) == 0
	return r
}
