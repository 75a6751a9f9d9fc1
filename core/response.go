package mcpauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// Response is an answer of the request flow ([Edge.Dispatch]): the answer to a
// refused request ([Bearer.ErrorResponse]) or one of the library's public
// documents (the protected resource metadata). Every adapter writes exactly
// this, so all frameworks answer byte for byte the same, and reads the code
// and description from its fields, never from the body.
type Response struct {
	// Status is 401, 403, 500 or 503 for a refusal; 200, 204 or 405 for a
	// metadata route.
	Status int
	// Header holds, for a refusal, Content-Type, Cache-Control and, as the
	// case needs, WWW-Authenticate and Retry-After; for a metadata route,
	// its Content-Type, Cache-Control and CORS headers. [Response.Write]
	// also sets Content-Length to len(Body) when the status allows a body;
	// adapters do the same.
	Header http.Header
	// Body is the JSON body (none in the answer to a HEAD request, whose
	// Header then has the Content-Length of the GET's body).
	Body []byte
	// Code is the refusal's code, the body's "error" member (a bearer code,
	// "temporarily_unavailable" or "server_error"); empty for a metadata
	// route.
	Code Code
	// Description is the body's "error_description"; empty for a metadata
	// route.
	Description string
}

// errorBody is the JSON body: the reference libraries' keys, in their order.
type errorBody struct {
	Error            string   `json:"error"`
	ErrorDescription string   `json:"error_description"`
	Cause            any      `json:"cause,omitempty"`
	MissingScopes    []string `json:"missing_scopes,omitempty"`
}

// serverErrorCode is the code of a server-side failure.
const serverErrorCode Code = "server_error"

// serverErrorDescription is the description of a server-side failure.
const serverErrorDescription = "An error occurred with the authorization server."

// ErrorResponse maps err, as returned by [Bearer.Authenticate], to its HTTP
// answer (RFC 6750 §3, RFC 9728 §5.1):
//
//   - 401 for credentials that are missing or not acceptable, with a
//     WWW-Authenticate challenge: its error attribute is the RFC 6750 code
//     (none when no credentials were sent; the library code instead when
//     BearerOptions.LibraryErrorCodes is set), error_description,
//     resource_metadata (the resource's RFC 9728 metadata URL) and scope (the
//     required scopes, which MCP clients request: the Error's
//     RequiredScopes when set, else BearerOptions.RequiredScopes);
//   - 403 for missing scopes, with the same challenge
//     (error="insufficient_scope") and "missing_scopes" in the body;
//   - 503 with Retry-After when the authorization server cannot be reached
//     and no key is cached;
//   - 500 for every other error (server or verifier failure), with a generic
//     body and no challenge.
//
// The body is {"error": code, "error_description": text}; a "cause" object is
// added only with BearerOptions.ShowErrorDetails and never holds the token or
// its claims.
func (b *Bearer) ErrorResponse(err error) Response {
	e, ok := asError(err)
	if !ok || !e.Code.isBearerCode() {
		return serverErrorResponse(err, b.opts.ShowErrorDetails, b.secret(err))
	}
	body := errorBody{Error: string(e.Code), ErrorDescription: e.describe()}
	status := http.StatusUnauthorized
	if e.Code == CodeMissingRequiredScopes {
		status = http.StatusForbidden
		body.MissingScopes = e.MissingScopes
	}
	if b.opts.ShowErrorDetails {
		body.Cause = bearerCause(e, b.secret(err))
	}
	hdr := jsonHeader()
	hdr.Set("WWW-Authenticate", b.challenge(e))
	return Response{Status: status, Header: hdr, Body: marshalBody(body), Code: e.Code, Description: body.ErrorDescription}
}

// challenge renders the WWW-Authenticate value for e.
func (b *Bearer) challenge(e *Error) string {
	var c challengeBuilder
	c.Set("realm", b.opts.Realm)
	code := e.Code.rfc6750()
	if b.opts.LibraryErrorCodes && e.Code != CodeMissingAuthHeader {
		code = string(e.Code)
	}
	if code != "" {
		c.Set("error", code)
		c.Set("error_description", e.describe())
	}
	c.Set("resource_metadata", b.metadataURL)
	if e.RequiredScopes != nil {
		c.Set("scope", strings.Join(e.RequiredScopes, " "))
	} else {
		c.Set("scope", b.scopeParam)
	}
	return c.String()
}

// bearerCause is the "cause" of a refusal shown with ShowErrorDetails.
func bearerCause(e *Error, scrub func(string) string) any {
	switch e.Code {
	case CodeInvalidIssuer, CodeInvalidAudience:
		return struct {
			Expected any `json:"expected"`
			Actual   any `json:"actual,omitempty"`
		}{e.Expected, e.Actual}
	case CodeMissingRequiredScopes:
		return map[string]any{"missing_scopes": e.MissingScopes}
	}
	reason := e.Detail
	if e.Err != nil {
		if reason != "" {
			reason += ": "
		}
		reason += e.Err.Error()
	}
	if reason == "" {
		return nil
	}
	return map[string]any{"reason": scrub(reason)}
}

// secret returns a function that removes the request's token from a text a
// custom verifier may have put it in.
func (b *Bearer) secret(err error) func(string) string {
	var te *tokenBearingError
	if errors.As(err, &te) {
		return te.scrub
	}
	return func(s string) string { return s }
}

// tokenBearingError wraps an error from a custom verifier, whose text may
// contain the token: Error() and the error details show it as "[token]".
type tokenBearingError struct {
	err   error
	token string
}

func (e *tokenBearingError) Error() string { return e.scrub(e.err.Error()) }

func (e *tokenBearingError) Unwrap() error { return e.err }

// scrub replaces the token in s (tokens under 8 bytes are left: replacing
// them would mangle ordinary words).
func (e *tokenBearingError) scrub(s string) string {
	if len(e.token) < 8 {
		return s
	}
	return strings.ReplaceAll(s, e.token, "[token]")
}

// serverErrorResponse is the 500 (or 503) answer to a server-side failure.
func serverErrorResponse(err error, details bool, scrub func(string) string) Response {
	hdr := jsonHeader()
	if e, ok := asError(err); ok && e.Code == CodeServerUnavailable {
		secs := int64(math.Ceil(e.RetryAfter.Seconds()))
		hdr.Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
		body := errorBody{Error: string(CodeServerUnavailable), ErrorDescription: e.describe()}
		if details && e.Err != nil {
			body.Cause = innerCause(e.Err, scrub)
		}
		return Response{Status: http.StatusServiceUnavailable, Header: hdr, Body: marshalBody(body), Code: CodeServerUnavailable, Description: body.ErrorDescription}
	}
	body := errorBody{Error: string(serverErrorCode), ErrorDescription: serverErrorDescription}
	if details {
		body.Cause = innerCause(err, scrub)
	}
	return Response{Status: http.StatusInternalServerError, Header: hdr, Body: marshalBody(body), Code: serverErrorCode, Description: serverErrorDescription}
}

// asError returns the *Error err is or wraps, or one for the Code err is or
// wraps.
func asError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	var c Code
	if errors.As(err, &c) {
		return &Error{Code: c}, true
	}
	return nil, false
}

// innerCause is the "cause" of a server-side failure: the inner error's own
// code and description, as the reference libraries show it.
func innerCause(err error, scrub func(string) string) any {
	type cause struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		Detail           string `json:"detail,omitempty"`
	}
	var e *Error
	if errors.As(err, &e) {
		return cause{string(e.Code), e.describe(), scrub(e.Detail)}
	}
	return cause{Error: string(serverErrorCode), ErrorDescription: scrub(err.Error())}
}

// jsonHeader returns the headers every error response has.
func jsonHeader() http.Header {
	return http.Header{
		"Content-Type":  {"application/json"},
		"Cache-Control": {"no-store"},
	}
}

// marshalBody renders the body compactly, without HTML escaping (the body
// is JSON for API clients, and the descriptions contain '<' and '>'); it
// cannot fail for these types.
func marshalBody(b errorBody) []byte {
	out, err := marshalJSON(b)
	if err != nil {
		return []byte(`{"error":"server_error","error_description":"An error occurred with the authorization server."}`)
	}
	return out
}

// marshalJSON is json.Marshal without HTML escaping.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// WriteError writes the answer to err (see [Bearer.ErrorResponse]) to w.
func (b *Bearer) WriteError(w http.ResponseWriter, err error) {
	b.ErrorResponse(err).Write(w)
}

// Write writes the answer to w: its headers, Content-Length (unless Header
// has one or the status forbids a body: 1xx, 204, 304), the status and the
// body.
func (resp Response) Write(w http.ResponseWriter) {
	hdr := w.Header()
	for k, v := range resp.Header {
		hdr[k] = v
	}
	if _, set := resp.Header["Content-Length"]; !set && resp.bodyAllowed() {
		hdr.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	}
	w.WriteHeader(resp.Status)
	if len(resp.Body) > 0 {
		_, _ = w.Write(resp.Body)
	}
}

// bodyAllowed reports whether the status allows a body and a Content-Length
// (RFC 9110 §6.4.1, §8.6): not 1xx, 204 or 304.
func (resp Response) bodyAllowed() bool {
	return resp.Status >= 200 && resp.Status != http.StatusNoContent && resp.Status != http.StatusNotModified
}
