package mcpauthtest_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestTokenEveryAlgorithm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		alg     string
		kty     string
		crv     string
		keyType any
	}{
		{mcpauthtest.RS256, "RSA", "", &rsa.PublicKey{}},
		{mcpauthtest.RS384, "RSA", "", &rsa.PublicKey{}},
		{mcpauthtest.RS512, "RSA", "", &rsa.PublicKey{}},
		{mcpauthtest.PS256, "RSA", "", &rsa.PublicKey{}},
		{mcpauthtest.PS384, "RSA", "", &rsa.PublicKey{}},
		{mcpauthtest.PS512, "RSA", "", &rsa.PublicKey{}},
		{mcpauthtest.ES256, "EC", "P-256", &ecdsa.PublicKey{}},
		{mcpauthtest.ES384, "EC", "P-384", &ecdsa.PublicKey{}},
		{mcpauthtest.ES512, "EC", "P-521", &ecdsa.PublicKey{}},
		{mcpauthtest.EdDSA, "OKP", "Ed25519", ed25519.PublicKey{}},
	}
	if len(tests) != len(mcpauthtest.Algorithms()) {
		t.Fatal("an algorithm is not tested")
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			t.Parallel()
			// The first algorithm is the default signing key; the second key
			// makes sure the right one is picked by kid.
			other := mcpauthtest.EdDSA
			if tt.alg == mcpauthtest.EdDSA {
				other = mcpauthtest.ES256
			}
			iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(tt.alg, other))
			kids, keys := servedKeys(t, iss)
			if len(kids) != 2 || kids[0] != iss.DefaultKeyID() {
				t.Fatalf("served kids %v, default %q", kids, iss.DefaultKeyID())
			}
			jwk := keys[kids[0]].Marshal()
			if string(jwk.ALG) != tt.alg || string(jwk.KTY) != tt.kty || string(jwk.CRV) != tt.crv || jwk.USE != "sig" {
				t.Errorf("JWK %+v", jwk)
			}
			if reflect.TypeOf(keys[kids[0]].Key()) != reflect.TypeOf(tt.keyType) {
				t.Errorf("JWK key type %T", keys[kids[0]].Key())
			}
			if pub := iss.PublicKey(kids[0]); !reflect.DeepEqual(pub, keys[kids[0]].Key()) {
				t.Errorf("PublicKey() differs from the served key")
			}
			if got := iss.Metadata()["id_token_signing_alg_values_supported"]; !reflect.DeepEqual(got, []string{tt.alg, other}) {
				t.Errorf("id_token_signing_alg_values_supported %v", got)
			}

			for name, opts := range map[string][]mcpauthtest.TokenOption{
				"default key":   nil,
				"WithAlgorithm": {mcpauthtest.WithAlgorithm(tt.alg)},
				"WithKeyID":     {mcpauthtest.WithKeyID(kids[0])},
			} {
				tok := iss.MustToken(t, map[string]any{"sub": "alice", "aud": "https://mcp.example"}, opts...)
				parsed := mustVerify(t, iss, tok)
				if parsed.Method.Alg() != tt.alg || parsed.Header["kid"] != kids[0] || parsed.Header["typ"] != "JWT" {
					t.Errorf("%s: header %v", name, parsed.Header)
				}
				if sub, _ := parsed.Claims.GetSubject(); sub != "alice" {
					t.Errorf("%s: sub %q", name, sub)
				}
			}

			// Signed with the other key but claiming this kid: must not verify.
			forged := iss.MustToken(t, nil, mcpauthtest.WithKeyID(kids[1]), mcpauthtest.WithHeader("kid", kids[0]))
			if _, err := verify(t, iss, forged); err == nil {
				t.Error("token signed by another key verified")
			}
		})
	}
}

func TestTokenDefaultClaims(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	before := time.Now().Unix()
	tok := iss.MustToken(t, nil)
	after := time.Now().Unix()
	header, payload := decodeSegments(t, tok)

	if !reflect.DeepEqual(header, map[string]any{"alg": "ES256", "typ": "JWT", "kid": iss.DefaultKeyID()}) {
		t.Errorf("header %v", header)
	}
	if len(payload) != 4 {
		t.Errorf("payload %v: want iss, iat, exp, jti", payload)
	}
	if payload["iss"] != iss.URL() {
		t.Errorf("iss %v", payload["iss"])
	}
	iat, err := payload["iat"].(json.Number).Int64()
	if err != nil || iat < before || iat > after {
		t.Errorf("iat %v not an integer in [%d, %d]", payload["iat"], before, after)
	}
	exp, err := payload["exp"].(json.Number).Int64()
	if err != nil || exp != iat+3600 {
		t.Errorf("exp %v, want iat+3600", payload["exp"])
	}
	jti, _ := payload["jti"].(string)
	if jti == "" {
		t.Errorf("jti %v", payload["jti"])
	}
	_, payload2 := decodeSegments(t, iss.MustToken(t, nil))
	if payload2["jti"] == jti {
		t.Error("jti repeated")
	}
	mustVerify(t, iss, tok)
}

func TestTokenClaimsVerbatim(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	claims := map[string]any{
		"exp":   "soon",
		"iat":   nil, // removes the default
		"jti":   nil,
		"iss":   "https://other.example",
		"sub":   nil, // not a default: kept as null
		"aud":   []string{"a", "b"},
		"scope": "read write",
		"nbf":   1.5,
		"cnf":   map[string]any{"jkt": "abc"},
	}
	orig := len(claims)
	_, payload := decodeSegments(t, iss.MustToken(t, claims))
	want := map[string]any{
		"exp":   "soon",
		"iss":   "https://other.example",
		"sub":   nil,
		"aud":   []any{"a", "b"},
		"scope": "read write",
		"nbf":   json.Number("1.5"),
		"cnf":   map[string]any{"jkt": "abc"},
	}
	if !reflect.DeepEqual(payload, want) {
		t.Errorf("payload\n got %v\nwant %v", payload, want)
	}
	if len(claims) != orig {
		t.Error("Token modified the claims map")
	}
	// Removing every default gives an empty payload.
	_, payload = decodeSegments(t, iss.MustToken(t, map[string]any{"iss": nil, "iat": nil, "exp": nil, "jti": nil}))
	if len(payload) != 0 {
		t.Errorf("payload %v, want {}", payload)
	}
	// Unmarshalable claims are an error.
	if _, err := iss.Token(map[string]any{"bad": func() {}}); err == nil {
		t.Error("Token with a func claim succeeded")
	}
}

func TestTokenOptions(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.RS256, mcpauthtest.ES256), mcpauthtest.WithRSABits(2048))
	rsaKID, ecKID := iss.KeyIDs()[0], iss.KeyIDs()[1]
	hidden, err := iss.AddUnpublishedKey(mcpauthtest.ES384)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("WithKeyID unpublished", func(t *testing.T) {
		tok := iss.MustToken(t, nil, mcpauthtest.WithKeyID(hidden))
		header, _ := decodeSegments(t, tok)
		if header["kid"] != hidden || header["alg"] != "ES384" {
			t.Errorf("header %v", header)
		}
		if _, err := verify(t, iss, tok); err == nil || !strings.Contains(err.Error(), "unknown kid") {
			t.Errorf("verify: %v, want unknown kid", err)
		}
		// The signature itself is real.
		if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return iss.PublicKey(hidden), nil }); err != nil {
			t.Errorf("verify with PublicKey: %v", err)
		}
	})
	t.Run("WithAlgorithm", func(t *testing.T) {
		header, _ := decodeSegments(t, iss.MustToken(t, nil, mcpauthtest.WithAlgorithm(mcpauthtest.ES256)))
		if header["kid"] != ecKID || header["alg"] != "ES256" {
			t.Errorf("header %v", header)
		}
		// Unpublished keys are found too.
		header, _ = decodeSegments(t, iss.MustToken(t, nil, mcpauthtest.WithAlgorithm(mcpauthtest.ES384)))
		if header["kid"] != hidden {
			t.Errorf("header %v", header)
		}
	})
	t.Run("WithKeyID and WithAlgorithm", func(t *testing.T) {
		tok := iss.MustToken(t, nil, mcpauthtest.WithKeyID(rsaKID), mcpauthtest.WithAlgorithm(mcpauthtest.PS256))
		header, _ := decodeSegments(t, tok)
		if header["kid"] != rsaKID || header["alg"] != "PS256" {
			t.Errorf("header %v", header)
		}
		if _, err := verify(t, iss, tok); err == nil {
			t.Error("PS256 token verified against an RS256 JWK")
		}
		if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return iss.PublicKey(rsaKID), nil }); err != nil {
			t.Errorf("PS256 signature: %v", err)
		}
		if _, err := iss.Token(nil, mcpauthtest.WithKeyID(ecKID), mcpauthtest.WithAlgorithm(mcpauthtest.RS256)); err == nil {
			t.Error("RS256 signature with an EC key succeeded")
		}
	})
	t.Run("WithoutKeyID", func(t *testing.T) {
		tok := iss.MustToken(t, nil, mcpauthtest.WithoutKeyID())
		header, _ := decodeSegments(t, tok)
		if _, ok := header["kid"]; ok || header["alg"] != "RS256" {
			t.Errorf("header %v", header)
		}
		if _, err := verify(t, iss, tok); err == nil {
			t.Error("token without kid verified by a kid-based verifier")
		}
	})
	t.Run("WithHeader", func(t *testing.T) {
		tok := iss.MustToken(t, nil,
			mcpauthtest.WithHeader("typ", "at+jwt"),
			mcpauthtest.WithHeader("jku", "https://evil.example/jwks"),
			mcpauthtest.WithHeader("crit", []string{"exp"}),
		)
		header, _ := decodeSegments(t, tok)
		want := map[string]any{"alg": "RS256", "typ": "at+jwt", "kid": rsaKID, "jku": "https://evil.example/jwks", "crit": []any{"exp"}}
		if !reflect.DeepEqual(header, want) {
			t.Errorf("header %v", header)
		}
		mustVerify(t, iss, tok) // golang-jwt ignores these headers

		header, _ = decodeSegments(t, iss.MustToken(t, nil, mcpauthtest.WithHeader("typ", nil), mcpauthtest.WithHeader("kid", nil)))
		if !reflect.DeepEqual(header, map[string]any{"alg": "RS256"}) {
			t.Errorf("header %v", header)
		}
		header, _ = decodeSegments(t, iss.MustToken(t, nil, mcpauthtest.WithHeader("alg", "HS256")))
		if header["alg"] != "HS256" {
			t.Errorf("header %v", header)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for name, opts := range map[string][]mcpauthtest.TokenOption{
			"unknown kid":          {mcpauthtest.WithKeyID("nope")},
			"no key for alg":       {mcpauthtest.WithAlgorithm(mcpauthtest.PS512)},
			"unsupported alg":      {mcpauthtest.WithAlgorithm("HS256")},
			"unsupported alg 2":    {mcpauthtest.WithKeyID(rsaKID), mcpauthtest.WithAlgorithm("none")},
			"ES512 with ES256 key": {mcpauthtest.WithKeyID(ecKID), mcpauthtest.WithAlgorithm(mcpauthtest.ES512)},
		} {
			if tok, err := iss.Token(nil, opts...); err == nil {
				t.Errorf("%s: got token %q", name, tok)
			}
		}
	})
}

func TestUnsignedToken(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	tok, err := iss.UnsignedToken(map[string]any{"sub": "mallory"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(tok, ".") {
		t.Errorf("token %q has a signature", tok)
	}
	header, payload := decodeSegments(t, tok)
	if header["alg"] != "none" || header["kid"] != iss.DefaultKeyID() || payload["sub"] != "mallory" || payload["iss"] != iss.URL() {
		t.Errorf("header %v payload %v", header, payload)
	}
	if _, err := verify(t, iss, tok); err == nil {
		t.Error("unsigned token verified")
	}
	if _, err := iss.UnsignedToken(nil, mcpauthtest.WithKeyID("nope")); err == nil {
		t.Error("UnsignedToken with unknown kid succeeded")
	}
}
