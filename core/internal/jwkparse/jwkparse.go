// Package jwkparse turns a JWK Set (RFC 7517) into the keys this library
// verifies tokens with, and says why each other JWK is left out. It is
// shared by the runtime (package mcpauth's key cache) and by package
// inspect (what mcpauth-check reports), so that both apply the same rules.
//
// JWK parsing and validation are MicahParks/jwkset's; written by hand here
// is only the policy it lacks: which key types, uses and algorithms a
// resource server accepts, RSA size bounds, the alg/key binding, and the
// bound on the number of JWKs examined.
package jwkparse

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/MicahParks/jwkset"
)

// MinRSABits is the smallest RSA modulus accepted in a JWKS (RFC 7518 §3.3
// requires 2048 bits for RS*/PS*). MaxRSABits is the largest: the cost of a
// verification grows with the square of the modulus (a 65,536-bit key takes
// about 0.4 s, and a 1 MiB JWKS could hold a key a hundred times larger),
// and no authorization server uses more than 4096 bits; 8192 is also the
// limit crypto/tls applies since CVE-2023-29409.
const (
	MinRSABits = 2048
	MaxRSABits = 8192
)

// MaxKeys bounds how many JWKs of one JWK Set are examined (each one
// parsed, and reported if unusable): the JWKs after the first MaxKeys
// are left out together and reported once, so that a hostile or broken
// authorization server cannot make a refresh parse and log thousands of keys.
const MaxKeys = 100

// Key is one usable verification key of a JWK Set.
type Key struct {
	KID string // the JWK "kid", if any
	Alg string // the JWK "alg"; empty when the JWK does not restrict it
	Key any    // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
}

// Skipped is a JWK left out of the keys, and why.
type Skipped struct {
	Index int    // position in the "keys" array
	KID   string // its "kid", if any
	Err   error
}

// ParseSet decodes a JWK Set (RFC 7517 §5) into its usable verification keys
// and the JWKs it leaves out.
// Each JWK is parsed and validated on its own with jwkset; one that cannot be
// used (unknown or symmetric kty, Ed448, an x5t that does not match its
// certificate, missing members, an RSA key under 2048 or over 8192 bits, a
// "use" other than "sig", "key_ops" without "verify") is skipped and
// reported, never fatal to the rest: RFC 7517 §5 says to ignore JWKs one
// does not understand. Only the first MaxKeys JWKs are examined. Only a
// body that is not a JWK Set is an error.
func ParseSet(body []byte) ([]Key, []Skipped, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, nil, errors.New("expected a JSON object with a \"keys\" array")
	}
	if err := json.Unmarshal(trimmed, &set); err != nil {
		return nil, nil, fmt.Errorf("decoding the JWK Set: %w", err)
	}
	if set.Keys == nil {
		return nil, nil, errors.New("expected a JSON object with a \"keys\" array")
	}
	var keys []Key
	var skipped []Skipped
	for i, raw := range set.Keys {
		if i == MaxKeys {
			skipped = append(skipped, Skipped{Index: i, Err: fmt.Errorf("the set has %d JWKs: the %d after the first %d are ignored", len(set.Keys), len(set.Keys)-MaxKeys, MaxKeys)})
			break
		}
		k, err := parseJWK(raw)
		if err != nil {
			skipped = append(skipped, Skipped{Index: i, KID: k.KID, Err: err})
			continue
		}
		keys = append(keys, k)
	}
	return keys, skipped, nil
}

// parseJWK turns one JWK into a verification key. The returned kid is set
// even on error, for reporting.
func parseJWK(raw json.RawMessage) (Key, error) {
	var head struct {
		KTY    string   `json:"kty"`
		KID    string   `json:"kid"`
		Use    string   `json:"use"`
		KeyOps []string `json:"key_ops"`
		Alg    string   `json:"alg"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return Key{}, fmt.Errorf("not a JSON object: %w", err)
	}
	k := Key{KID: head.KID, Alg: head.Alg}
	switch head.KTY {
	case "RSA", "EC", "OKP":
	case "oct":
		return k, errors.New(`symmetric ("oct") keys are never used to verify tokens`)
	default:
		return k, fmt.Errorf("unsupported key type %q", head.KTY)
	}
	if head.Use != "" && head.Use != "sig" {
		return k, fmt.Errorf("key use is %q, not \"sig\"", head.Use)
	}
	if head.KeyOps != nil && !slices.Contains(head.KeyOps, "verify") {
		return k, fmt.Errorf("key_ops %v does not include \"verify\"", head.KeyOps)
	}
	if head.Alg != "" && !knownAlgorithm(head.Alg) {
		return k, fmt.Errorf("unsupported algorithm %q", head.Alg)
	}
	// jwkset parses the key material and validates it (lengths, curve points,
	// x5t/x5c consistency). It never fetches x5u: GetX5U is left nil.
	jwk, err := jwkset.NewJWKFromRawJSON(raw, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
	if err != nil {
		return k, err
	}
	switch pub := jwk.Key().(type) {
	case *rsa.PublicKey:
		if bits := pub.N.BitLen(); bits < MinRSABits || bits > MaxRSABits {
			return k, fmt.Errorf("RSA key of %d bits: %d to %d required", bits, MinRSABits, MaxRSABits)
		}
		k.Key = pub
	case *ecdsa.PublicKey:
		k.Key = pub
	case ed25519.PublicKey:
		if err := checkEd25519PublicKey(pub); err != nil {
			return k, err
		}
		k.Key = pub
	default:
		return k, fmt.Errorf("unsupported key material %T", pub)
	}
	if k.Alg != "" && !KeyFitsAlgorithm(k.Key, k.Alg) {
		return k, fmt.Errorf("the JWK's alg %q does not fit its key type", k.Alg)
	}
	return k, nil
}

// KeyFitsAlgorithm reports whether key can verify signatures of alg
// (RFC 7518 §3, RFC 8037 §3.1).
func KeyFitsAlgorithm(key any, alg string) bool {
	switch pub := key.(type) {
	case *rsa.PublicKey:
		switch alg {
		case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
			return true
		}
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return pub.Curve == elliptic.P256()
		case "ES384":
			return pub.Curve == elliptic.P384()
		case "ES512":
			return pub.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// Algorithms are the JWS algorithms whose keys this package accepts, in the
// order of RFC 7518 and RFC 8037; the same as mcpauth.DefaultAlgorithms (a
// test of package mcpauth keeps them equal).
var Algorithms = []string{
	"RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512",
	"EdDSA",
}

// knownAlgorithm reports whether alg is one of Algorithms.
func knownAlgorithm(alg string) bool {
	return slices.Contains(Algorithms, alg)
}
