package mcpauth

import (
	"slices"
	"testing"

	"github.com/go-mcpauth/mcpauth/core/internal/jwkparse"
)

// The algorithms whose keys internal/jwkparse accepts are the ones this
// package verifies.
func TestJWKParseAlgorithmsInSync(t *testing.T) {
	if !slices.Equal(jwkparse.Algorithms, DefaultAlgorithms) {
		t.Fatalf("jwkparse.Algorithms %v, DefaultAlgorithms %v", jwkparse.Algorithms, DefaultAlgorithms)
	}
	for _, alg := range append(slices.Clone(DefaultAlgorithms), "HS256", "none", "ES256K", "") {
		if knownAlgorithm(alg) != slices.Contains(jwkparse.Algorithms, alg) {
			t.Errorf("%q: known %v here, %v in jwkparse", alg, knownAlgorithm(alg), !knownAlgorithm(alg))
		}
	}
}
