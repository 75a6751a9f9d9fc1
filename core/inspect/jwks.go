package inspect

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/internal/fetchhook"
	"github.com/go-mcpauth/mcpauth/core/internal/jwkparse"
)

// JWKInfo describes one usable key of a JWK Set.
type JWKInfo struct {
	KeyID      string   `json:"kid,omitempty"`
	Algorithm  string   `json:"alg,omitempty"` // the JWK's "alg", empty when unrestricted
	KeyType    string   `json:"kty"`           // RSA, EC or OKP
	Detail     string   `json:"detail"`        // e.g. "RSA 2048 bits", "EC P-256", "Ed25519"
	Algorithms []string `json:"algorithms"`    // the algorithms of mcpauth.DefaultAlgorithms this key verifies
}

// JWKProblem describes one JWK that cannot be used, and why.
type JWKProblem struct {
	Index int    `json:"index"`
	KeyID string `json:"kid,omitempty"`
	Error string `json:"error"`
}

// JWKS parses a JWK Set with the rules the key cache of package mcpauth
// applies (the same code) and reports its usable keys and the ones that
// would be skipped: unknown or symmetric key types, Ed448, a "use" other
// than "sig", "key_ops" without "verify", RSA keys under 2048 or over 8192
// bits, an "alg" that does not fit the key, the JWKs after the first 100.
// It returns an error only when body is not a JWK Set.
func JWKS(body []byte) (usable []JWKInfo, skipped []JWKProblem, err error) {
	keys, bad, err := jwkparse.ParseSet(body)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range keys {
		info := JWKInfo{KeyID: k.KID, Algorithm: k.Alg}
		switch pub := k.Key.(type) {
		case *rsa.PublicKey:
			info.KeyType, info.Detail = "RSA", fmt.Sprintf("RSA %d bits", pub.N.BitLen())
		case *ecdsa.PublicKey:
			info.KeyType, info.Detail = "EC", "EC "+pub.Curve.Params().Name
		case ed25519.PublicKey:
			info.KeyType, info.Detail = "OKP", "Ed25519"
		}
		for _, alg := range jwkparse.Algorithms {
			if (k.Alg == "" || k.Alg == alg) && jwkparse.KeyFitsAlgorithm(k.Key, alg) {
				info.Algorithms = append(info.Algorithms, alg)
			}
		}
		usable = append(usable, info)
	}
	for _, s := range bad {
		skipped = append(skipped, JWKProblem{Index: s.Index, KeyID: s.KID, Error: s.Err.Error()})
	}
	return usable, skipped, nil
}

// FetchJWKS fetches the JWK Set at uri with the fetcher of the key cache
// (its timeout, size limit and redirect policy; opts as for
// [mcpauth.FetchServerConfig]) and inspects it like [JWKS]. Errors are
// *mcpauth.Error with code fetch_server_config_error.
func FetchJWKS(ctx context.Context, uri string, opts ...mcpauth.FetchOptions) (usable []JWKInfo, skipped []JWKProblem, err error) {
	var o mcpauth.FetchOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	body, err := fetchhook.Get(ctx, o, uri)
	if err != nil {
		return nil, nil, err
	}
	usable, skipped, err = JWKS(body)
	if err != nil {
		return nil, nil, &mcpauth.Error{Code: mcpauth.CodeFetchServerConfigError, Detail: fmt.Sprintf("GET %s: not a JWK Set", uri), Err: err}
	}
	return usable, skipped, nil
}
