package mcpauth

import (
	"fmt"
	"strings"
	"time"
)

// Code is the machine-readable reason a request was refused or a configuration
// was rejected. The values are the error codes of the reference MCP Auth
// libraries (Python and JavaScript), so clients and dashboards built for them
// read ours unchanged. The JSON body of a refusal carries the Code in its
// "error" member; the WWW-Authenticate challenge carries the RFC 6750 code
// instead ("invalid_request", "invalid_token" or "insufficient_scope", none
// when no credentials were sent). A Code is also an error (see [Code.Error]).
type Code string

// Bearer-authentication codes: the request is refused with 401, or 403 for
// [CodeMissingRequiredScopes].
const (
	CodeMissingAuthHeader       Code = "missing_auth_header"
	CodeInvalidAuthHeaderFormat Code = "invalid_auth_header_format"
	CodeMissingBearerToken      Code = "missing_bearer_token"
	CodeInvalidIssuer           Code = "invalid_issuer"
	CodeInvalidAudience         Code = "invalid_audience"
	CodeMissingRequiredScopes   Code = "missing_required_scopes"
	CodeInvalidToken            Code = "invalid_token"
	CodeTokenVerificationFailed Code = "token_verification_failed"
)

// Authorization-server and configuration codes: returned by [New] and
// [Auth.BearerAuth], and answered with 500 when they happen at request time.
const (
	CodeInvalidServerMetadata  Code = "invalid_server_metadata"
	CodeInvalidServerConfig    Code = "invalid_server_config"
	CodeMissingJWKSURI         Code = "missing_jwks_uri"
	CodeFetchServerConfigError Code = "fetch_server_config_error"
)

// CodeServerUnavailable means the authorization server (its discovery document
// or its JWKS) could not be reached and no usable key is cached. It is
// answered with 503 and a Retry-After header. The value is the OAuth 2.0 error
// code for a temporary condition (RFC 6749 §4.1.2.1). The reference libraries
// have no such code: they answer 401 or 500.
const CodeServerUnavailable Code = "temporarily_unavailable"

// Error makes a Code an error value, for errors.Is and for custom
// verifiers:
//
//	if errors.Is(err, mcpauth.CodeInvalidToken) { ... } // err is or wraps an *Error with that code
//	return nil, fmt.Errorf("token revoked: %w", mcpauth.CodeInvalidToken) // in a VerifyFunc
//
// A Code is a constant, so, unlike an exported sentinel *Error, no caller can
// change what later refusals say. The text is the code itself, so that
// printing a Code shows "invalid_token" as before it was an error.
func (c Code) Error() string { return string(c) }

// Error is the one error type of this package. Every refusal and every
// configuration problem is an *Error (a new one each time); use errors.As to
// read its fields or errors.Is with a [Code] to test its code.
//
// Nothing in an Error ever contains the bearer token or its payload: Detail,
// Expected and Actual hold only what the server configured and the claim that
// did not match.
type Error struct {
	// Code is the machine-readable reason.
	Code Code
	// Description overrides the code's standard description (the text sent
	// to clients as "error_description"). Empty means the standard one.
	Description string
	// Detail says, for logs and for ShowErrorDetails, what was expected and
	// what was found.
	Detail string
	// Expected and Actual are set for issuer and audience mismatches.
	Expected, Actual any
	// MissingScopes lists, in configured order, the required scopes the token
	// lacks (CodeMissingRequiredScopes only).
	MissingScopes []string
	// RequiredScopes, when set, are the scopes the request needed, in the
	// order of the challenge's scope attribute: BearerOptions.RequiredScopes
	// and those of the request's operations (BearerOptions.MethodScopes and
	// ToolScopes). Nil means BearerOptions.RequiredScopes.
	RequiredScopes []string
	// RetryAfter is how long a client should wait before retrying
	// (CodeServerUnavailable only).
	RetryAfter time.Duration
	// Err is the underlying cause, if any.
	Err error

	// retryable marks fetch failures that a later attempt may not repeat
	// (network errors, 5xx): at request time they become CodeServerUnavailable.
	retryable bool
}

// Error returns "mcpauth: <code>: <description>", followed by the detail and
// the cause when there are any.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("mcpauth: ")
	b.WriteString(string(e.Code))
	b.WriteString(": ")
	b.WriteString(e.describe())
	if e.Detail != "" {
		b.WriteString(" (")
		b.WriteString(e.Detail)
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Code, or an *Error with the same Code, so
// that errors.Is(err, CodeInvalidToken) holds for every invalid-token error.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Code:
		return t == e.Code
	case *Error:
		return t.Code == e.Code
	}
	return false
}

// describe returns the client-facing description: the override when set,
// else the standard text of the code.
func (e *Error) describe() string {
	if e.Description != "" {
		return e.Description
	}
	return e.Code.Description()
}

// Description returns the standard, client-safe description of the code. The
// texts follow the reference libraries' messages, rewritten where those broke
// the RFC 6750 §3 error_description grammar (no double quote, no backslash).
func (c Code) Description() string {
	switch c {
	case CodeMissingAuthHeader:
		return "Missing `Authorization` header. Please provide a valid bearer token."
	case CodeInvalidAuthHeaderFormat:
		return "Invalid `Authorization` header format. Expected 'Bearer <token>'."
	case CodeMissingBearerToken:
		return "Missing bearer token in `Authorization` header. Please provide a valid token."
	case CodeInvalidIssuer:
		return "The token issuer does not match the expected issuer."
	case CodeInvalidAudience:
		return "The token audience does not match the expected audience."
	case CodeMissingRequiredScopes:
		return "The token does not contain the necessary scopes for this request."
	case CodeInvalidToken:
		return "The provided token is invalid or malformed."
	case CodeTokenVerificationFailed:
		return "Token verification failed due to an error."
	case CodeInvalidServerMetadata:
		return "The server metadata is invalid or malformed."
	case CodeInvalidServerConfig:
		return "The server configuration does not match the MCP specification."
	case CodeMissingJWKSURI:
		return "The server metadata does not contain a JWKS URI, which is required for JWT verification."
	case CodeFetchServerConfigError:
		return "Failed to fetch the authorization server configuration."
	case CodeServerUnavailable:
		return "The authorization server is temporarily unavailable. Please retry later."
	default:
		return "An error occurred with the Bearer auth."
	}
}

// rfc6750 returns the error code the WWW-Authenticate challenge carries for c
// (RFC 6750 §3.1): "" when no credentials were sent (the challenge then has
// no error attribute), "invalid_request" for a malformed Authorization
// header, "insufficient_scope" for missing scopes and "invalid_token" for
// every other token problem. Server-side codes return "".
func (c Code) rfc6750() string {
	switch c {
	case CodeMissingAuthHeader:
		return ""
	case CodeInvalidAuthHeaderFormat, CodeMissingBearerToken:
		return "invalid_request"
	case CodeMissingRequiredScopes:
		return "insufficient_scope"
	case CodeInvalidIssuer, CodeInvalidAudience, CodeInvalidToken, CodeTokenVerificationFailed:
		return "invalid_token"
	default:
		return ""
	}
}

// isBearerCode reports whether c is a refusal of the request's credentials
// (as opposed to a server or configuration problem).
func (c Code) isBearerCode() bool {
	switch c {
	case CodeMissingAuthHeader, CodeInvalidAuthHeaderFormat, CodeMissingBearerToken,
		CodeInvalidIssuer, CodeInvalidAudience, CodeMissingRequiredScopes,
		CodeInvalidToken, CodeTokenVerificationFailed:
		return true
	}
	return false
}

// configError builds an invalid_server_config error whose Detail says what is
// wrong; used by New and BearerAuth.
func configError(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidServerConfig, Detail: fmt.Sprintf(format, args...)}
}

// tokenError builds an invalid_token error whose Detail says what was wrong
// with the token (never the token itself).
func tokenError(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidToken, Detail: fmt.Sprintf(format, args...)}
}
