package mcpauth

import (
	"crypto"

	"github.com/go-mcpauth/mcpauth/core/internal/jwkparse"
)

// publicKey is one usable verification key of an issuer's JWKS.
type publicKey struct {
	id  uint64 // identity of the key material, kept across refreshes
	kid string
	alg string // the JWK "alg"; empty when the JWK does not restrict it
	key any    // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
}

// sameKey reports whether k and o are the same JWK: kid, alg and key material.
func (k publicKey) sameKey(o publicKey) bool {
	eq, ok := k.key.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.kid == o.kid && k.alg == o.alg && eq.Equal(o.key)
}

// skippedKey records a JWK that was left out of the key set, and why.
type skippedKey struct {
	index int
	kid   string
	err   error
}

// parseJWKS decodes a JWK Set into its usable verification keys with the
// rules of package internal/jwkparse, which package inspect applies too:
// an unusable JWK is skipped and reported, never fatal to the rest; only a
// body that is not a JWK Set is an error.
func parseJWKS(body []byte) ([]publicKey, []skippedKey, error) {
	keys, skipped, err := jwkparse.ParseSet(body)
	if err != nil {
		return nil, nil, err
	}
	var out []publicKey
	for _, k := range keys {
		out = append(out, publicKey{kid: k.KID, alg: k.Alg, key: k.Key})
	}
	var left []skippedKey
	for _, s := range skipped {
		left = append(left, skippedKey{index: s.Index, kid: s.KID, err: s.Err})
	}
	return out, left, nil
}
