package mcpauth

import (
	"context"
	"fmt"
	"strings"
)

// Verifier says how [Auth.BearerAuth] verifies tokens: [JWT] for JWT access
// tokens signed by a trusted authorization server, or a [VerifyFunc] for
// anything else (opaque tokens, introspection, a custom format).
type Verifier interface {
	verifierKind() string
}

// VerifyFunc verifies a token itself and describes it. To refuse the token,
// return an error that wraps [CodeInvalidToken] (or any *Error with a bearer
// code); any other error is taken as a failure of the verifier itself and
// answered with 500. The returned AuthInfo still goes through the issuer
// (one of the resource's authorization servers), audience and scope checks
// of the bearer. Its Token is filled in when empty.
type VerifyFunc func(ctx context.Context, token string) (*AuthInfo, error)

func (VerifyFunc) verifierKind() string { return "custom" }

// jwtVerifier is the Verifier returned by JWT.
type jwtVerifier struct {
	algorithms   []string
	requireExp   bool
	tokenType    string
	maxTokenSize int
}

func (*jwtVerifier) verifierKind() string { return "jwt" }

// JWTOption tunes [JWT].
type JWTOption func(*jwtVerifier)

// JWT verifies JWT access tokens (RFC 7519, RFC 9068) with the keys of the
// authorization server named by their "iss" claim, which must be one the
// resource trusts. Defaults: the algorithms of [DefaultAlgorithms], "exp"
// required, any "typ", tokens up to [DefaultMaxTokenBytes]. The leeway for
// clock skew is [BearerOptions.Leeway].
func JWT(opts ...JWTOption) Verifier {
	v := &jwtVerifier{algorithms: DefaultAlgorithms, requireExp: true, maxTokenSize: DefaultMaxTokenBytes}
	for _, o := range opts {
		if o != nil {
			o(v)
		}
	}
	return v
}

// WithAlgorithms replaces the accepted signature algorithms (default
// [DefaultAlgorithms]). Only asymmetric algorithms can be given: "none" and
// HMAC are refused by BearerAuth.
func WithAlgorithms(algs ...string) JWTOption {
	return func(v *jwtVerifier) { v.algorithms = append([]string(nil), algs...) }
}

// WithExpirationOptional accepts tokens without an "exp" claim. The
// reference libraries do so by default; such a token never expires, so this
// package refuses it unless this option is given.
func WithExpirationOptional() JWTOption {
	return func(v *jwtVerifier) { v.requireExp = false }
}

// WithTokenType requires the "typ" header to equal typ, compared without
// case and with or without an "application/" prefix (RFC 7515 §4.1.9). Use
// "at+jwt" to accept only RFC 9068 access tokens, so that an ID token can
// never be used as an access token. Default: any typ.
func WithTokenType(typ string) JWTOption {
	return func(v *jwtVerifier) { v.tokenType = typ }
}

// WithMaxTokenSize bounds the token length in bytes (default
// [DefaultMaxTokenBytes]); longer tokens are refused before any decoding.
func WithMaxTokenSize(n int) JWTOption {
	return func(v *jwtVerifier) { v.maxTokenSize = n }
}

// check reports configuration errors.
func (v *jwtVerifier) check() error {
	if len(v.algorithms) == 0 {
		return configError("WithAlgorithms was given no algorithm")
	}
	for _, a := range v.algorithms {
		if !knownAlgorithm(a) {
			return configError("algorithm %q is not supported: expected some of %s", a, strings.Join(DefaultAlgorithms, ", "))
		}
	}
	if v.maxTokenSize <= 0 {
		return configError("WithMaxTokenSize must be positive, got %d", v.maxTokenSize)
	}
	return nil
}

// allows reports whether alg is accepted.
func (v *jwtVerifier) allows(alg string) bool {
	for _, a := range v.algorithms {
		if a == alg {
			return true
		}
	}
	return false
}

// typeMatches reports whether the token's typ header satisfies the option.
func (v *jwtVerifier) typeMatches(typ string) bool {
	if v.tokenType == "" {
		return true
	}
	t := strings.ToLower(strings.TrimPrefix(strings.ToLower(typ), "application/"))
	return t == strings.ToLower(strings.TrimPrefix(strings.ToLower(v.tokenType), "application/"))
}

// String describes the verifier for logs.
func (v *jwtVerifier) String() string {
	return fmt.Sprintf("JWT(algorithms=%v, exp required=%v, typ=%q)", v.algorithms, v.requireExp, v.tokenType)
}
