package mcpauth

import (
	"errors"
	"strings"
)

// explainNotJWT turns the refusal of a token that is not a JWS at all into
// one that says what it probably is, so that a user testing Google's or
// Auth0's tokens learns why at once: an opaque access token (no dot, or not
// three parts), or an encrypted JWE (five parts), which Auth0 issues when
// the token request names no audience. The original detail is kept; other
// errors, and tokens of other shapes, are returned as is.
func explainNotJWT(token string, err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidToken {
		return err
	}
	var detail string
	switch strings.Count(token, ".") {
	default:
		return err
	case 4:
		detail = "the token is an encrypted JWT (JWE, five parts), not a signed one: mcpauth.JWT verifies signed JWT access tokens only. Auth0 issues such tokens when the token request names no audience: request the token with audience=<your API identifier>"
	case 0, 1:
		detail = "the token is not a JWT (a JWT has three dot-separated parts): it looks like an opaque access token, which mcpauth.JWT cannot verify. Google issues only opaque access tokens; other providers issue JWTs when the token is requested for an API (audience or resource parameter). Verify opaque tokens by introspection with a VerifyFunc"
	}
	return &Error{Code: CodeInvalidToken, Detail: e.Detail + "; " + detail, Err: e.Err}
}
