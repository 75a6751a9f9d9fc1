package mcpauth

import (
	"bytes"
	"context"
	"crypto"
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

// minRSABits is the smallest RSA modulus accepted in a JWKS (RFC 7518 §3.3
// requires 2048 bits for RS*/PS*). maxRSABits is the largest: the cost of a
// verification grows with the square of the modulus (a 65,536-bit key takes
// about 0.4 s, and a 1 MiB JWKS could hold a key a hundred times larger),
// and no authorization server uses more than 4096 bits; 8192 is also the
// limit crypto/tls applies since CVE-2023-29409.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// maxJWKSKeys bounds how many JWKs of one JWK Set are examined (each one
// parsed, and reported if unusable): the JWKs after the first maxJWKSKeys
// are left out together and reported once, so that a hostile or broken
// authorization server cannot make a refresh parse and log thousands of keys.
const maxJWKSKeys = 100

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

// parseJWKS decodes a JWK Set (RFC 7517 §5) into its usable verification keys.
// Each JWK is parsed and validated on its own with jwkset; one that cannot be
// used (unknown or symmetric kty, Ed448, an x5t that does not match its
// certificate, missing members, an RSA key under 2048 or over 8192 bits, an
// Ed25519 key of small order or not canonically encoded, a
// "use" other than "sig", "key_ops" without "verify") is skipped and
// reported, never fatal to the rest: RFC 7517 §5 says to ignore JWKs one
// does not understand. Only the first maxJWKSKeys JWKs are examined. Only a
// body that is not a JWK Set is an error.
func parseJWKS(body []byte) ([]publicKey, []skippedKey, error) {
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
	var keys []publicKey
	var skipped []skippedKey
	for i, raw := range set.Keys {
		if i == maxJWKSKeys {
			skipped = append(skipped, skippedKey{index: i, err: fmt.Errorf("the set has %d JWKs: the %d after the first %d are ignored", len(set.Keys), len(set.Keys)-maxJWKSKeys, maxJWKSKeys)})
			break
		}
		k, err := parseJWK(raw)
		if err != nil {
			skipped = append(skipped, skippedKey{index: i, kid: k.kid, err: err})
			continue
		}
		keys = append(keys, k)
	}
	return keys, skipped, nil
}

// parseJWK turns one JWK into a verification key. The returned kid is set
// even on error, for reporting.
func parseJWK(raw json.RawMessage) (publicKey, error) {
	var head struct {
		KTY    string   `json:"kty"`
		KID    string   `json:"kid"`
		Use    string   `json:"use"`
		KeyOps []string `json:"key_ops"`
		Alg    string   `json:"alg"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return publicKey{}, fmt.Errorf("not a JSON object: %w", err)
	}
	k := publicKey{kid: head.KID, alg: head.Alg}
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
		if bits := pub.N.BitLen(); bits < minRSABits || bits > maxRSABits {
			return k, fmt.Errorf("RSA key of %d bits: %d to %d required", bits, minRSABits, maxRSABits)
		}
		k.key = pub
	case *ecdsa.PublicKey:
		k.key = pub
	case ed25519.PublicKey:
		k.key, err = pub, checkEd25519PublicKey(pub)
	default:
		return k, fmt.Errorf("unsupported key material %T", pub)
	}
	if err != nil {
		return k, err
	}
	if k.alg != "" && !keyFitsAlgorithm(k.key, k.alg) {
		return k, fmt.Errorf("the JWK's alg %q does not fit its key type", k.alg)
	}
	return k, nil
}

// keyFitsAlgorithm reports whether key can verify signatures of alg
// (RFC 7518 §3, RFC 8037 §3.1).
func keyFitsAlgorithm(key any, alg string) bool {
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

// JWKInfo describes one usable key of a JWK Set.
type JWKInfo struct {
	KeyID      string   `json:"kid,omitempty"`
	Algorithm  string   `json:"alg,omitempty"` // the JWK's "alg", empty when unrestricted
	KeyType    string   `json:"kty"`           // RSA, EC or OKP
	Detail     string   `json:"detail"`        // e.g. "RSA 2048 bits", "EC P-256", "Ed25519"
	Algorithms []string `json:"algorithms"`    // the DefaultAlgorithms() this key verifies
}

// JWKProblem describes one JWK that cannot be used, and why.
type JWKProblem struct {
	Index int    `json:"index"`
	KeyID string `json:"kid,omitempty"`
	Error string `json:"error"`
}

// InspectJWKS parses a JWK Set with the same rules the key cache applies and
// reports its usable keys and the ones that would be skipped. It returns an
// error only when body is not a JWK Set. Tools use it to check an
// authorization server before relying on it.
func InspectJWKS(body []byte) (usable []JWKInfo, skipped []JWKProblem, err error) {
	keys, bad, err := parseJWKS(body)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range keys {
		info := JWKInfo{KeyID: k.kid, Algorithm: k.alg}
		switch pub := k.key.(type) {
		case *rsa.PublicKey:
			info.KeyType, info.Detail = "RSA", fmt.Sprintf("RSA %d bits", pub.N.BitLen())
		case *ecdsa.PublicKey:
			info.KeyType, info.Detail = "EC", "EC "+pub.Curve.Params().Name
		case ed25519.PublicKey:
			info.KeyType, info.Detail = "OKP", "Ed25519"
		}
		for _, alg := range defaultAlgorithms {
			if (k.alg == "" || k.alg == alg) && keyFitsAlgorithm(k.key, alg) {
				info.Algorithms = append(info.Algorithms, alg)
			}
		}
		usable = append(usable, info)
	}
	for _, s := range bad {
		skipped = append(skipped, JWKProblem{Index: s.index, KeyID: s.kid, Error: s.err.Error()})
	}
	return usable, skipped, nil
}

// FetchJWKS fetches the JWK Set at uri with the same timeout and size limit
// as the key cache, and inspects it like [InspectJWKS]. Errors are *Error
// with code CodeFetchServerConfigError.
func FetchJWKS(ctx context.Context, uri string, opts ...FetchOptions) (usable []JWKInfo, skipped []JWKProblem, err error) {
	var o FetchOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	res, err := newFetcher(o.HTTPClient, o.Timeout, o.MaxResponseBytes, o.AllowInsecureHTTP).get(ctx, uri)
	if err != nil {
		return nil, nil, err
	}
	usable, skipped, err = InspectJWKS(res.body)
	if err != nil {
		return nil, nil, &Error{Code: CodeFetchServerConfigError, Detail: fmt.Sprintf("GET %s: not a JWK Set", uri), Err: err}
	}
	return usable, skipped, nil
}
