package mcpauth

import "github.com/golang-jwt/jwt/v5"

// defaultAlgorithms are the algorithms of DefaultAlgorithms; never handed
// out, so that no caller can change what every JWT() verifier accepts.
var defaultAlgorithms = [...]string{
	"RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512",
	"EdDSA",
}

// DefaultAlgorithms returns the JWS algorithms accepted when none are
// configured: every asymmetric algorithm of RFC 7518 and RFC 8037 that
// golang-jwt implements (RS256/384/512, PS256/384/512, ES256/384/512,
// EdDSA). HMAC ("HS*") is never accepted from a JWKS, and "none" never.
// Each call returns a new slice, which the caller may modify.
func DefaultAlgorithms() []string {
	return append([]string(nil), defaultAlgorithms[:]...)
}

// signingMethods maps each supported algorithm to golang-jwt's implementation.
var signingMethods = map[string]jwt.SigningMethod{
	"RS256": jwt.SigningMethodRS256,
	"RS384": jwt.SigningMethodRS384,
	"RS512": jwt.SigningMethodRS512,
	"PS256": jwt.SigningMethodPS256,
	"PS384": jwt.SigningMethodPS384,
	"PS512": jwt.SigningMethodPS512,
	"ES256": jwt.SigningMethodES256,
	"ES384": jwt.SigningMethodES384,
	"ES512": jwt.SigningMethodES512,
	"EdDSA": jwt.SigningMethodEdDSA,
}

// knownAlgorithm reports whether alg is one of the supported algorithms.
func knownAlgorithm(alg string) bool {
	_, ok := signingMethods[alg]
	return ok
}
