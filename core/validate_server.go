package mcpauth

import (
	"slices"
	"strings"
)

// ValidationCode names one check of [ValidateServerConfig].
type ValidationCode string

// Error codes of ValidateServerConfig: the server cannot serve MCP clients.
const (
	ValidationInvalidServerMetadata      ValidationCode = "invalid_server_metadata"
	ValidationCodeResponseTypeMissing    ValidationCode = "code_response_type_not_supported"
	ValidationAuthorizationCodeMissing   ValidationCode = "authorization_code_grant_not_supported"
	ValidationPKCENotSupported           ValidationCode = "pkce_not_supported"
	ValidationS256NotSupported           ValidationCode = "s256_code_challenge_method_not_supported"
	ValidationDynamicRegistrationMissing ValidationCode = "dynamic_registration_not_supported" // a warning
)

// Success codes, reported in [ValidationResult.Successes].
const (
	ValidationServerMetadataValid      ValidationCode = "server_metadata_valid"
	ValidationCodeResponseTypeOK       ValidationCode = "code_response_type_supported"
	ValidationAuthorizationCodeOK      ValidationCode = "authorization_code_grant_supported"
	ValidationPKCESupported            ValidationCode = "pkce_supported"
	ValidationS256Supported            ValidationCode = "s256_code_challenge_method_supported"
	ValidationDynamicRegistrationFound ValidationCode = "dynamic_registration_supported"
)

// ValidationIssue is one outcome of a check.
type ValidationIssue struct {
	Code        ValidationCode `json:"code"`
	Description string         `json:"description"`
}

// ValidationResult is the outcome of [ValidateServerConfig].
type ValidationResult struct {
	// Valid is true when Errors is empty.
	Valid bool `json:"valid"`
	// Errors are requirements of the MCP authorization specification the
	// server does not meet.
	Errors []ValidationIssue `json:"errors,omitempty"`
	// Warnings are recommendations it does not follow.
	Warnings []ValidationIssue `json:"warnings,omitempty"`
	// Successes are the checks that passed.
	Successes []ValidationIssue `json:"successes,omitempty"`
}

// defaultGrantTypes applies when grant_types_supported is absent (RFC 8414 §2).
var defaultGrantTypes = []string{"authorization_code", "implicit"}

// ValidateServerConfig checks authorization server metadata against what MCP
// clients need (MCP authorization specification, 2025-11-25):
//
//   - issuer, authorization_endpoint, token_endpoint and
//     response_types_supported present (RFC 8414 §2), else
//     invalid_server_metadata and no further check;
//   - the "code" response type (an entry such as "code id_token" counts);
//   - the authorization_code grant (grant_types_supported defaults to
//     authorization_code and implicit when absent, RFC 8414 §2);
//   - PKCE (code_challenge_methods_supported present and non-empty) with
//     S256 (RFC 7636);
//   - a warning when there is no registration_endpoint (RFC 7591 dynamic
//     client registration).
func ValidateServerConfig(m AuthServerMetadata) ValidationResult {
	var r ValidationResult
	fail := func(c ValidationCode, d string) { r.Errors = append(r.Errors, ValidationIssue{c, d}) }
	pass := func(c ValidationCode, d string) { r.Successes = append(r.Successes, ValidationIssue{c, d}) }

	if missing := m.missingRequired(); len(missing) > 0 {
		fail(ValidationInvalidServerMetadata, "The server metadata is not a valid object or does not conform to the expected schema: missing "+strings.Join(missing, ", ")+".")
		return r
	}
	pass(ValidationServerMetadataValid, "The server metadata is valid and conforms to the expected schema.")

	codeOK := slices.ContainsFunc(m.ResponseTypesSupported, func(rt string) bool {
		return slices.Contains(strings.Split(rt, " "), "code")
	})
	if codeOK {
		pass(ValidationCodeResponseTypeOK, `The "code" response type is supported by the server.`)
	} else {
		fail(ValidationCodeResponseTypeMissing, `The server does not support the "code" response type or the "code" response type is not included in one of the supported response types.`)
	}

	grants := m.GrantTypesSupported
	if grants == nil {
		grants = defaultGrantTypes
	}
	if slices.Contains(grants, "authorization_code") {
		pass(ValidationAuthorizationCodeOK, `The "authorization_code" grant type is supported by the server.`)
	} else {
		fail(ValidationAuthorizationCodeMissing, `The server does not support the "authorization_code" grant type.`)
	}

	switch {
	case len(m.CodeChallengeMethodsSupported) == 0:
		fail(ValidationPKCENotSupported, "The server does not support Proof Key for Code Exchange (PKCE).")
	case !slices.Contains(m.CodeChallengeMethodsSupported, "S256"):
		pass(ValidationPKCESupported, "Proof Key for Code Exchange (PKCE) is supported by the server.")
		fail(ValidationS256NotSupported, `The server does not support the "S256" code challenge method for Proof Key for Code Exchange (PKCE).`)
	default:
		pass(ValidationPKCESupported, "Proof Key for Code Exchange (PKCE) is supported by the server.")
		pass(ValidationS256Supported, `The "S256" code challenge method for Proof Key for Code Exchange (PKCE) is supported by the server.`)
	}

	if m.RegistrationEndpoint == "" {
		r.Warnings = append(r.Warnings, ValidationIssue{ValidationDynamicRegistrationMissing, "Dynamic Client Registration (RFC 7591) is not supported by the server."})
	} else {
		pass(ValidationDynamicRegistrationFound, "Dynamic Client Registration (RFC 7591) is supported by the server.")
	}
	r.Valid = len(r.Errors) == 0
	return r
}
