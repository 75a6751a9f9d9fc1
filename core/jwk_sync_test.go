package mcpauth

import (
	"slices"
	"testing"

	"github.com/go-mcpauth/mcpauth/core/internal/jwkparse"
)

// The algorithms whose keys internal/jwkparse accepts are the ones this
// package verifies, among every JWS algorithm name of RFC 7518 and RFC 8037
// and a few that are not.
func TestJWKParseAlgorithmsInSync(t *testing.T) {
	for _, alg := range []string{
		"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
		"PS256", "PS384", "PS512", "none", "EdDSA", "Ed25519", "Ed448", "ES256K", "",
	} {
		if knownAlgorithm(alg) != slices.Contains(jwkparse.Algorithms, alg) {
			t.Errorf("%q: supported here %v, in jwkparse %v", alg, knownAlgorithm(alg), !knownAlgorithm(alg))
		}
	}
}
