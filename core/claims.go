package mcpauth

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxNumericDate is 9999-12-31T23:59:59Z: a NumericDate beyond it (or
// negative, NaN or infinite) is refused rather than overflowing a time.Time
// (golang-jwt converts any float64 to a time without a range check).
const maxNumericDate = 253402300799

// timeClaims are the NumericDate claims of RFC 7519 §4.1.4-4.1.6, which
// golang-jwt's validator reads.
var timeClaims = [...]string{"exp", "nbf", "iat"}

// numericDate reads the NumericDate claim name (RFC 7519 §2: seconds since
// the epoch, fractions allowed). ok is false when the claim is absent.
func numericDate(claims map[string]any, name string) (t time.Time, ok bool, err error) {
	v, present := claims[name]
	if !present {
		return time.Time{}, false, nil
	}
	f, isNum := v.(float64)
	if !isNum {
		return time.Time{}, false, tokenError("the %q claim must be a number of seconds (RFC 7519 NumericDate), found %s", name, jsonKind(v))
	}
	if math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return time.Time{}, false, tokenError("the %q claim %v is out of range", name, f)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
}

// checkTimeClaims checks the types and ranges of exp, nbf and iat, which
// golang-jwt's validator then compares with the clock (after the signature);
// it returns the expiry (zero when there is none). An "exp" of 0 is refused
// here as expired: golang-jwt reads a NumericDate of 0 as an absent claim,
// which would make such a token never expire under WithExpirationOptional.
func checkTimeClaims(claims map[string]any) (exp time.Time, err error) {
	for _, name := range timeClaims {
		t, present, err := numericDate(claims, name)
		if err != nil {
			return time.Time{}, err
		}
		if name == "exp" {
			if present && t.Unix() == 0 && t.Nanosecond() == 0 {
				return time.Time{}, tokenError("the token expired at %s", t.Format(time.RFC3339))
			}
			exp = t
		}
	}
	return exp, nil
}

// timeError rewords a refusal of golang-jwt's validator (exp, nbf, iat with
// leeway, RFC 7519 §4.1.4-4.1.6) with the times involved; it returns nil
// for any other error.
func timeError(err error, claims map[string]any, leeway time.Duration) error {
	at := func(name string) string {
		t, _, _ := numericDate(claims, name)
		return t.Format(time.RFC3339)
	}
	switch {
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return &Error{Code: CodeInvalidToken, Detail: `the token has no "exp" claim; tokens that never expire are refused`, Err: err}
	case errors.Is(err, jwt.ErrTokenExpired):
		return &Error{Code: CodeInvalidToken, Detail: fmt.Sprintf("the token expired at %s (leeway %s)", at("exp"), leeway), Err: err}
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return &Error{Code: CodeInvalidToken, Detail: fmt.Sprintf("the token is not valid before %s (leeway %s)", at("nbf"), leeway), Err: err}
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return &Error{Code: CodeInvalidToken, Detail: fmt.Sprintf("the token was issued in the future, at %s (leeway %s)", at("iat"), leeway), Err: err}
	}
	return nil
}

// scopeClaims are the claims scopes are read from, first present wins:
// "scope" (RFC 8693 §4.2, RFC 9068 §2.2.3; Auth0, Keycloak, Logto), "scopes"
// (the reference libraries), "scp" (Okta and Ory Hydra as an array,
// Microsoft Entra ID as a space-separated string).
var scopeClaims = [...]string{"scope", "scopes", "scp"}

// authInfoFromClaims builds the AuthInfo of a claims set (the reference
// libraries' mapping, stricter about types): "sub" is required; "client_id"
// else "azp" must be strings; scopes come from the first of scopeClaims
// present (a space-separated string or an array of strings); "aud" is a
// string or an array of strings.
// A claim of the wrong type makes the token invalid rather than being
// silently ignored.
func authInfoFromClaims(claims map[string]any, token, issuer string, exp time.Time) (*AuthInfo, error) {
	info := &AuthInfo{Token: token, Issuer: issuer, ExpiresAt: exp, Claims: claims}
	sub, ok := claims["sub"].(string)
	if !ok || sub == "" {
		return nil, tokenError(`the "sub" claim is missing or not a non-empty string`)
	}
	info.Subject = sub
	for _, name := range []string{"client_id", "azp"} {
		v, present := claims[name]
		if !present {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return nil, tokenError("the %q claim must be a string, found %s", name, jsonKind(v))
		}
		info.ClientID = s
		break
	}
	if err := readScopesAndAudience(info, claims); err != nil {
		return nil, err
	}
	return info, nil
}

// readScopesAndAudience sets info.Scopes from the first of scopeClaims
// present (none: no scope, an empty list) and info.Audience from "aud" (a
// string or an array of strings), for a JWT's claims and an introspection
// answer alike.
func readScopesAndAudience(info *AuthInfo, claims map[string]any) error {
	var err error
	for _, name := range scopeClaims {
		if v, present := claims[name]; present {
			if info.Scopes, err = scopeList(name, v); err != nil {
				return err
			}
			break
		}
	}
	if info.Scopes == nil {
		info.Scopes = []string{}
	}
	if v, present := claims["aud"]; present {
		if info.Audience, err = stringList("aud", v); err != nil {
			return err
		}
	}
	return nil
}

// scopeList reads a scope claim: a string of scope-tokens separated by
// single spaces (RFC 6749 §3.3, RFC 8693 §4.2, RFC 9068 §2.2.3) or an array
// of scope-tokens. Each scope-token must be 1*( %x21 / %x23-5B / %x5D-7E ):
// a claim that breaks this grammar (a tab, a newline, a no-break or other
// Unicode space, a quote, a backslash, a control or non-ASCII character, an
// empty array element) makes the token invalid, so that no reading of the
// claim can grant a scope the issuer did not spell. Extra spaces (%x20) in
// a string are tolerated, as the JavaScript reference library does: they
// separate nothing. The empty string and the empty array grant no scope.
func scopeList(name string, v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		out := make([]string, 0, strings.Count(t, " ")+1)
		for tok := range strings.SplitSeq(t, " ") {
			if tok == "" {
				continue
			}
			if err := checkScopeToken(name, tok); err != nil {
				return nil, err
			}
			out = append(out, tok)
		}
		return out, nil
	case []any:
		out := make([]string, len(t))
		for i, item := range t {
			s, ok := item.(string)
			if !ok {
				return nil, tokenError("the %q claim must hold only strings, found %s at index %d", name, jsonKind(item), i)
			}
			if err := checkScopeToken(name, s); err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	default:
		return nil, tokenError("the %q claim must be a string or an array of strings, found %s", name, jsonKind(v))
	}
}

// checkScopeToken applies the scope-token grammar of RFC 6749 §3.3.
func checkScopeToken(name, tok string) error {
	if tok == "" {
		return tokenError("the %q claim has an empty scope (RFC 6749 §3.3)", name)
	}
	if i := firstNonScopeByte(tok); i >= 0 {
		return tokenError("the %q claim has a scope with the byte 0x%02x, outside the scope-token grammar of RFC 6749 §3.3", name, tok[i])
	}
	return nil
}

// isScopeToken reports whether s is a scope-token (RFC 6749 §3.3):
// 1*( %x21 / %x23-5B / %x5D-7E ).
func isScopeToken(s string) bool {
	return s != "" && firstNonScopeByte(s) < 0
}

// firstNonScopeByte returns the index of the first byte of s outside the
// scope-token grammar of RFC 6749 §3.3, or -1.
func firstNonScopeByte(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c == '"' || c == '\\' || c > 0x7e {
			return i
		}
	}
	return -1
}

// stringList reads a claim that is a string or an array of non-empty strings.
func stringList(name string, v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil, tokenError("the %q claim is an empty string", name)
		}
		return []string{t}, nil
	case []any:
		out := make([]string, len(t))
		for i, item := range t {
			s, ok := item.(string)
			if !ok || s == "" {
				return nil, tokenError("the %q claim must hold only non-empty strings, found %s at index %d", name, jsonKind(item), i)
			}
			out[i] = s
		}
		return out, nil
	default:
		return nil, tokenError("the %q claim must be a string or an array of strings, found %s", name, jsonKind(v))
	}
}

// jsonKind names the JSON type of a decoded value, for error details that
// must not repeat the value itself.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return "an unknown value"
	}
}
