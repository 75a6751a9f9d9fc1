// Package clientreq lists what the MCP authorization specification
// (2025-11-25) asks of an authorization server for the sake of MCP
// clients: the RFC 8414 §2 members a client uses, the "code" response
// type, the authorization_code grant, PKCE with S256, and a way to obtain a
// client ID (dynamic client registration or client ID metadata documents).
//
// None of these is needed to verify a token, so the resource server only
// warns about them (once per issuer); package inspect and mcpauth-check
// report them. Both read them from here so that they never disagree.
package clientreq

import (
	"slices"
	"strings"
)

// Metadata is the part of the authorization server metadata the checks read.
type Metadata struct {
	AuthorizationEndpoint             string
	TokenEndpoint                     string
	ResponseTypesSupported            []string
	GrantTypesSupported               []string
	CodeChallengeMethodsSupported     []string
	RegistrationEndpoint              string
	ClientIDMetadataDocumentSupported bool
}

// Code names the outcome of one check.
type Code string

// The outcomes, missing then present, in the order the checks run.
const (
	MetadataIncomplete              Code = "client_metadata_incomplete"
	MetadataComplete                Code = "client_metadata_complete"
	CodeResponseTypeMissing         Code = "code_response_type_not_supported"
	CodeResponseTypeOK              Code = "code_response_type_supported"
	AuthorizationCodeMissing        Code = "authorization_code_grant_not_supported"
	AuthorizationCodeOK             Code = "authorization_code_grant_supported"
	PKCENotSupported                Code = "pkce_not_supported"
	PKCESupported                   Code = "pkce_supported"
	S256NotSupported                Code = "s256_code_challenge_method_not_supported"
	S256Supported                   Code = "s256_code_challenge_method_supported"
	DynamicRegistrationMissing      Code = "dynamic_registration_not_supported"
	DynamicRegistrationFound        Code = "dynamic_registration_supported"
	ClientIDMetadataDocumentMissing Code = "client_id_metadata_document_not_supported"
	ClientIDMetadataDocumentFound   Code = "client_id_metadata_document_supported"
)

// Finding is the outcome of one check. Met is false when the server lacks
// what MCP clients need. Covered is true for an unmet check whose purpose
// another check meets: no dynamic registration when client ID metadata
// documents are supported, or the other way round (a client has one way to
// obtain a client ID).
type Finding struct {
	Code        Code
	Met         bool
	Covered     bool
	Description string
}

// defaultGrantTypes applies when grant_types_supported is absent (RFC 8414 §2).
var defaultGrantTypes = []string{"authorization_code", "implicit"}

// Check runs every check on m, in a fixed order:
//
//   - authorization_endpoint, token_endpoint and response_types_supported
//     present (RFC 8414 §2 requires them; clients use them);
//   - the "code" response type (an entry such as "code id_token" counts);
//   - the authorization_code grant (grant_types_supported defaults to
//     authorization_code and implicit when absent, RFC 8414 §2);
//   - PKCE (code_challenge_methods_supported present and non-empty) with
//     S256 (RFC 7636; MCP clients must refuse a server without it);
//   - a registration_endpoint (RFC 7591 dynamic client registration);
//   - client_id_metadata_document_supported (OAuth Client ID Metadata
//     Documents, which MCP 2025-11-25 prefers).
func Check(m Metadata) []Finding {
	var out []Finding
	add := func(met bool, ok, missing Code, okDesc, missingDesc string) {
		if met {
			out = append(out, Finding{Code: ok, Met: true, Description: okDesc})
		} else {
			out = append(out, Finding{Code: missing, Description: missingDesc})
		}
	}

	var missing []string
	if m.AuthorizationEndpoint == "" {
		missing = append(missing, "authorization_endpoint")
	}
	if m.TokenEndpoint == "" {
		missing = append(missing, "token_endpoint")
	}
	if m.ResponseTypesSupported == nil {
		missing = append(missing, "response_types_supported")
	}
	add(len(missing) == 0, MetadataComplete, MetadataIncomplete,
		"The metadata has the members MCP clients use (authorization_endpoint, token_endpoint, response_types_supported).",
		"The metadata lacks "+strings.Join(missing, ", ")+" (RFC 8414 §2): MCP clients cannot start an authorization with it.")

	codeOK := slices.ContainsFunc(m.ResponseTypesSupported, func(rt string) bool {
		return slices.Contains(strings.Split(rt, " "), "code")
	})
	add(codeOK, CodeResponseTypeOK, CodeResponseTypeMissing,
		`The "code" response type is supported by the server.`,
		`The server does not list the "code" response type in response_types_supported.`)

	grants := m.GrantTypesSupported
	if grants == nil {
		grants = defaultGrantTypes
	}
	add(slices.Contains(grants, "authorization_code"), AuthorizationCodeOK, AuthorizationCodeMissing,
		`The "authorization_code" grant type is supported by the server.`,
		`The server does not list the "authorization_code" grant type in grant_types_supported.`)

	pkce := len(m.CodeChallengeMethodsSupported) > 0
	add(pkce, PKCESupported, PKCENotSupported,
		"Proof Key for Code Exchange (PKCE) is supported by the server.",
		"The server does not advertise Proof Key for Code Exchange (PKCE): code_challenge_methods_supported is absent or empty, and MCP clients must refuse to proceed without it.")
	if pkce {
		add(slices.Contains(m.CodeChallengeMethodsSupported, "S256"), S256Supported, S256NotSupported,
			`The "S256" code challenge method for Proof Key for Code Exchange (PKCE) is supported by the server.`,
			`The server does not support the "S256" code challenge method for Proof Key for Code Exchange (PKCE).`)
	}

	add(m.RegistrationEndpoint != "", DynamicRegistrationFound, DynamicRegistrationMissing,
		"Dynamic Client Registration (RFC 7591) is supported by the server.",
		"Dynamic Client Registration (RFC 7591) is not supported by the server: MCP clients need a client ID metadata document or a pre-registered client.")
	add(m.ClientIDMetadataDocumentSupported, ClientIDMetadataDocumentFound, ClientIDMetadataDocumentMissing,
		"Client ID metadata documents are supported by the server (client_id_metadata_document_supported).",
		"The server does not advertise client ID metadata documents (client_id_metadata_document_supported): MCP clients need dynamic registration or a pre-registered client.")
	if n := len(out); out[n-1].Met != out[n-2].Met {
		out[n-1].Covered = !out[n-1].Met
		out[n-2].Covered = !out[n-2].Met
	}
	return out
}

// Unmet returns the findings of Check(m) that are neither met nor covered:
// what a resource server warns about.
func Unmet(m Metadata) []Finding {
	all := Check(m)
	out := all[:0]
	for _, f := range all {
		if !f.Met && !f.Covered {
			out = append(out, f)
		}
	}
	return out
}
