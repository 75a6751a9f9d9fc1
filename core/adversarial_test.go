package mcpauth_test

// The adversarial token corpus: tokens and Authorization headers built to
// exploit JWT verifiers (algorithm confusion, alg none, key confusion across
// issuers, kid injection, key-bearing headers, parser differentials, hostile
// sizes, bad times and claim types). Every case must be refused with the
// expected code, and, where the reason matters, for the expected reason;
// a few controls must be accepted, to show that a refusal is not an accident.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

const advResource = "https://api.example.com/mcp"

// b64url encodes s as a JWS segment.
func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// signRaw builds a JWS from header and payload JSON given verbatim (so that
// they can hold what no JSON encoder writes: duplicate names, escapes, odd
// types) and signs it with key (ES256).
func signRaw(t *testing.T, key *ecdsa.PrivateKey, header, payload string) string {
	t.Helper()
	in := b64url(header) + "." + b64url(payload)
	sig, err := jwt.SigningMethodES256.Sign(in, key)
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// hmacToken signs a token with HMAC, using secret as the key: what an
// attacker does with a public key to exploit algorithm confusion.
func hmacToken(t *testing.T, method jwt.SigningMethod, kid string, claims jwt.MapClaims, secret []byte) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// firstJWK returns the first JWK of a JWKS as a map.
func firstJWK(t *testing.T, jwks []byte) map[string]any {
	t.Helper()
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(jwks, &set); err != nil || len(set.Keys) == 0 {
		t.Fatalf("JWKS %s: %v", jwks, err)
	}
	return set.Keys[0]
}

// replaceSegment replaces part n (0, 1 or 2) of a compact JWS.
func replaceSegment(token string, n int, seg string) string {
	parts := strings.Split(token, ".")
	parts[n] = seg
	return strings.Join(parts, ".")
}

// nonCanonical changes the unused low bits of the last character of a
// base64url segment whose length leaves some (len%4 of 2 or 3): a lenient
// decoder reads the same bytes, a strict one refuses it.
func nonCanonical(t *testing.T, seg string) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	if r := len(seg) % 4; r != 2 && r != 3 {
		t.Fatalf("segment of length %d has no unused bits", len(seg))
	}
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(alphabet[last|1])
}

func TestAdversarialTokens(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)                                                   // RS256 (default), ES256, EdDSA
	second := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256)) // also trusted by the resource
	evil := mcpauthtest.MustNewIssuer(t)                                                  // trusted by no one: must never be contacted

	// A key of our own, published by iss under kid "corpus", to sign raw
	// headers and payloads with.
	corpus, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	corpusJWK, err := jwkset.NewJWKFromKey(&corpus.PublicKey, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: "corpus", ALG: jwkset.AlgES256}})
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []any `json:"keys"`
	}
	if err := json.Unmarshal(iss.JWKSJSON(), &set); err != nil {
		t.Fatal(err)
	}
	set.Keys = append(set.Keys, corpusJWK.Marshal())
	body, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	iss.SetJWKSBody(body)

	auth := resourceAuth(t, advResource, iss, second)
	b := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource})
	rsOnly := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource}, mcpauth.WithAlgorithms("RS256"))
	atJWT := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource}, mcpauth.WithTokenType("at+jwt"))
	large := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource}, mcpauth.WithMaxTokenSize(8<<20))
	expOptional := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource}, mcpauth.WithExpirationOptional())

	now := time.Now().Unix()
	claims := func(kv ...any) map[string]any {
		m := map[string]any{"sub": "alice", "aud": advResource}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	// raw builds a token from a header and extra payload members, signed
	// with the corpus key.
	const hdr = `{"alg":"ES256","kid":"corpus"}`
	payload := func(extra string) string {
		return fmt.Sprintf(`{"iss":%q,"sub":"alice","aud":%q,"exp":%d%s}`, iss.URL(), advResource, now+3600, extra)
	}
	raw := func(header, extra string) string { return signRaw(t, corpus, header, payload(extra)) }

	good := raw(hdr, "")
	rsKID := iss.KeyIDs()[0]
	esKID := iss.KeyIDs()[1]
	rsPub := iss.PublicKey(rsKID).(*rsa.PublicKey)
	pkixDER, err := x509.MarshalPKIXPublicKey(rsPub)
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := x509.MarshalPKCS1PublicKey(rsPub)
	rsJWK, err := json.Marshal(firstJWK(t, iss.JWKSJSON()))
	if err != nil {
		t.Fatal(err)
	}
	hmacClaims := jwt.MapClaims{"iss": iss.URL(), "sub": "alice", "aud": advResource, "exp": now + 3600}

	// An attacker's key and self-signed certificate, for x5c.
	attacker, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "attacker"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &attacker.PublicKey, attacker)
	if err != nil {
		t.Fatal(err)
	}
	x5c := base64.StdEncoding.EncodeToString(certDER)
	evilJWK := firstJWK(t, evil.JWKSJSON())
	asIss := func(kv ...any) map[string]any { return claims(append([]any{"iss", iss.URL()}, kv...)...) }

	// A header of a length that leaves unused bits in its last character.
	oddHeader := hdr
	for len(oddHeader)%3 == 0 {
		oddHeader = oddHeader[:len(oddHeader)-1] + " }"
	}
	var params strings.Builder
	for i := range 15 {
		fmt.Fprintf(&params, `,"p%d":1`, i)
	}

	type tcase struct {
		name   string
		header []string        // the Authorization values; default "Bearer " + token
		token  string          // the token
		bearer *mcpauth.Bearer // default b
		code   mcpauth.Code    // "" = accepted
		detail string          // a substring of the error's text, when the reason matters
	}
	cases := []tcase{
		// Controls.
		{name: "control: raw token of the corpus key", token: good},
		{name: "control: issuer token", token: iss.MustToken(t, claims())},
		{name: "control: RS256 with RS256 only", token: iss.MustToken(t, claims()), bearer: rsOnly},

		// alg none, in any case; with and without a signature.
		{name: "alg none, empty signature", token: must(iss.UnsignedToken(claims())), code: mcpauth.CodeInvalidToken, detail: `"none" is not allowed`},
		{name: "alg none with a signature", token: signRaw(t, corpus, `{"alg":"none","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `algorithm "none" is not allowed`},
		{name: "alg None", token: signRaw(t, corpus, `{"alg":"None","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `algorithm "None" is not allowed`},
		{name: "alg NONE", token: signRaw(t, corpus, `{"alg":"NONE","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `algorithm "NONE" is not allowed`},
		{name: "alg nOnE", token: signRaw(t, corpus, `{"alg":"nOnE","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `algorithm "nOnE" is not allowed`},
		{name: "alg none unsigned, kid of a real key", token: must(iss.UnsignedToken(claims(), mcpauthtest.WithKeyID(rsKID))) + "c2ln", code: mcpauth.CodeInvalidToken, detail: `"none" is not allowed`},
		{name: "alg missing", token: signRaw(t, corpus, `{"kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `no "alg"`},
		{name: "alg empty", token: signRaw(t, corpus, `{"alg":"","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "not allowed"},
		{name: "alg lower case es256", token: signRaw(t, corpus, `{"alg":"es256","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "not allowed"},
		{name: "alg with a trailing space", token: signRaw(t, corpus, `{"alg":"ES256 ","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "not allowed"},
		{name: "alg a number", token: signRaw(t, corpus, `{"alg":256,"kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `"alg" header must be a string`},

		// Algorithm confusion: HMAC keyed with the RSA public key's bytes.
		{name: "HS256 keyed with the public key PEM (PKIX)", token: hmacToken(t, jwt.SigningMethodHS256, rsKID, hmacClaims, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkixDER})), code: mcpauth.CodeInvalidToken, detail: `"HS256" is not allowed`},
		{name: "HS256 keyed with the public key PEM (PKCS#1)", token: hmacToken(t, jwt.SigningMethodHS256, rsKID, hmacClaims, pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: pkcs1})), code: mcpauth.CodeInvalidToken, detail: `"HS256" is not allowed`},
		{name: "HS256 keyed with the public key DER", token: hmacToken(t, jwt.SigningMethodHS256, rsKID, hmacClaims, pkixDER), code: mcpauth.CodeInvalidToken, detail: `"HS256" is not allowed`},
		{name: "HS384 keyed with the JWK JSON", token: hmacToken(t, jwt.SigningMethodHS384, rsKID, hmacClaims, rsJWK), code: mcpauth.CodeInvalidToken, detail: `"HS384" is not allowed`},
		{name: "HS512 keyed with the modulus", token: hmacToken(t, jwt.SigningMethodHS512, rsKID, hmacClaims, rsPub.N.Bytes()), code: mcpauth.CodeInvalidToken, detail: `"HS512" is not allowed`},
		{name: "HS256 with RS256 only", token: hmacToken(t, jwt.SigningMethodHS256, rsKID, hmacClaims, pkixDER), bearer: rsOnly, code: mcpauth.CodeInvalidToken, detail: `"HS256" is not allowed`},

		// Algorithms outside the allow-list, or not fitting the key.
		{name: "ES256 when only RS256 is allowed", token: iss.MustToken(t, claims(), mcpauthtest.WithAlgorithm(mcpauthtest.ES256)), bearer: rsOnly, code: mcpauth.CodeInvalidToken, detail: `"ES256" is not allowed`},
		{name: "EdDSA when only RS256 is allowed", token: iss.MustToken(t, claims(), mcpauthtest.WithAlgorithm(mcpauthtest.EdDSA)), bearer: rsOnly, code: mcpauth.CodeInvalidToken, detail: `"EdDSA" is not allowed`},
		{name: "PS256 with an RS256-only JWK", token: iss.MustToken(t, claims(), mcpauthtest.WithKeyID(rsKID), mcpauthtest.WithAlgorithm(mcpauthtest.PS256)), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "ES256 header on an RSA kid", token: iss.MustToken(t, claims(), mcpauthtest.WithKeyID(rsKID), mcpauthtest.WithHeader("alg", "ES256")), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "EdDSA header on an EC kid", token: iss.MustToken(t, claims(), mcpauthtest.WithKeyID(esKID), mcpauthtest.WithHeader("alg", "EdDSA")), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},

		// kid injection: never a path, a query or a URL, only a name.
		{name: "kid path traversal", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("kid", "../../../../etc/passwd")), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "kid SQL injection", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("kid", "' OR 1=1 --")), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "kid URL of an attacker's JWKS", token: evil.MustToken(t, asIss(), mcpauthtest.WithHeader("kid", evil.JWKSURL())), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "kid of 300 bytes", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("kid", strings.Repeat("k", 300))), code: mcpauth.CodeInvalidToken, detail: "at most 256 bytes"},
		{name: "kid with NUL", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("kid", rsKID+"\x00")), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "kid empty", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("kid", "")), code: mcpauth.CodeInvalidToken, detail: "non-empty string"},
		{name: "kid a number", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("kid", 1)), code: mcpauth.CodeInvalidToken, detail: `"kid" header must be a string`},
		{name: "kid an array", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("kid", []string{rsKID})), code: mcpauth.CodeInvalidToken, detail: `"kid" header must be a string`},

		// Key-bearing headers pointing elsewhere are never followed or used.
		{name: "jku to the attacker's JWKS", token: evil.MustToken(t, asIss(), mcpauthtest.WithHeader("jku", evil.JWKSURL())), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "x5u to the attacker", token: evil.MustToken(t, asIss(), mcpauthtest.WithHeader("x5u", evil.JWKSURL())), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "embedded jwk of the attacker", token: evil.MustToken(t, asIss(), mcpauthtest.WithHeader("jwk", evilJWK)), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "embedded jwk under a real kid", token: evil.MustToken(t, asIss(), mcpauthtest.WithHeader("jwk", evilJWK), mcpauthtest.WithHeader("kid", rsKID)), code: mcpauth.CodeInvalidToken, detail: "signature does not verify"},
		{name: "x5c of the attacker, no kid", token: signRaw(t, attacker, `{"alg":"ES256","x5c":["`+x5c+`"]}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "signature does not verify"},
		{name: "jku and x5u on a genuine token are ignored", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("jku", evil.JWKSURL()), mcpauthtest.WithHeader("x5u", evil.JWKSURL()))},

		// crit: no extension is supported, so any crit is refused.
		{name: "crit exp", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("crit", []string{"exp"}), mcpauthtest.WithHeader("exp", now+3600)), code: mcpauth.CodeInvalidToken, detail: `"crit"`},
		{name: "crit b64", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("crit", []string{"b64"}), mcpauthtest.WithHeader("b64", false)), code: mcpauth.CodeInvalidToken, detail: `"crit"`},
		{name: "crit empty", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("crit", []string{})), code: mcpauth.CodeInvalidToken, detail: `"crit"`},
		{name: "crit a string", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("crit", "x")), code: mcpauth.CodeInvalidToken, detail: `"crit"`},
		{name: "crit null", token: signRaw(t, corpus, `{"alg":"ES256","kid":"corpus","crit":null}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `"crit"`},

		// Structure.
		{name: "JWE (5 parts)", token: b64url(`{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"`+rsKID+`"}`) + ".AAAA.AAAA.AAAA.AAAA", code: mcpauth.CodeInvalidToken, detail: "invalid number of segments"},
		{name: "2 parts", token: good[:strings.LastIndexByte(good, '.')], code: mcpauth.CodeInvalidToken, detail: "invalid number of segments"},
		{name: "4 parts", token: good + ".c2ln", code: mcpauth.CodeInvalidToken, detail: "invalid number of segments"},
		{name: "1 part", token: strings.ReplaceAll(good, ".", ""), code: mcpauth.CodeInvalidToken, detail: "invalid number of segments"},
		{name: "empty header", token: good[strings.IndexByte(good, '.'):], code: mcpauth.CodeInvalidToken, detail: "JOSE header is not a JSON object"},
		{name: "empty payload", token: replaceSegment(good, 1, ""), code: mcpauth.CodeInvalidToken, detail: "could not JSON decode claim"},
		{name: "100,000 dots", token: strings.Repeat(".", 100_000), code: mcpauth.CodeInvalidToken, detail: "over the 16384-byte limit"},
		{name: "100,000 dots under a larger limit", token: strings.Repeat(".", 100_000), bearer: large, code: mcpauth.CodeInvalidToken},
		{name: "a token then 100,000 dots under a larger limit", token: good + strings.Repeat(".", 100_000), bearer: large, code: mcpauth.CodeInvalidToken, detail: "invalid number of segments"},
		{name: "1 MB token", token: strings.Repeat("A", 1<<20), code: mcpauth.CodeInvalidToken, detail: "over the 16384-byte limit"},
		{name: "1 MB payload", token: good[:strings.IndexByte(good, '.')+1] + strings.Repeat("A", 1<<20) + good[strings.LastIndexByte(good, '.'):], code: mcpauth.CodeInvalidToken, detail: "over the 16384-byte limit"},
		{name: "3 KiB header", token: signRaw(t, corpus, `{"alg":"ES256","kid":"corpus","x":"`+strings.Repeat("x", 3<<10)+`"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "JOSE header is over the 2048-byte limit"},
		{name: "17 header parameters", detail: "more than 16 parameters", token: signRaw(t, corpus, `{"alg":"ES256","kid":"corpus"`+params.String()+`}`, payload("")), code: mcpauth.CodeInvalidToken},

		// base64url: strict, unpadded, canonical.
		{name: "padded signature", token: good + "=", code: mcpauth.CodeInvalidToken, detail: "could not base64 decode signature"},
		{name: "padded header (= inside the token)", token: replaceSegment(good, 0, base64.URLEncoding.EncodeToString([]byte(hdr+" "))), code: mcpauth.CodeInvalidAuthHeaderFormat},
		{name: "non-canonical last character of the header", token: replaceSegment(signRaw(t, corpus, oddHeader, payload("")), 0, nonCanonical(t, b64url(oddHeader))), code: mcpauth.CodeInvalidToken, detail: "JOSE header is not base64url"},
		{name: "non-canonical last character of the signature", token: replaceSegment(good, 2, nonCanonical(t, strings.Split(good, ".")[2])), code: mcpauth.CodeInvalidToken, detail: "could not base64 decode signature"},
		{name: "'+' in the header", token: replaceSegment(good, 0, "+"+strings.Split(good, ".")[0][1:]), code: mcpauth.CodeInvalidToken, detail: "JOSE header is not base64url"},
		{name: "'/' in the payload", token: replaceSegment(good, 1, "/"+strings.Split(good, ".")[1][1:]), code: mcpauth.CodeInvalidToken, detail: "could not base64 decode claim"},
		{name: "'~' in the signature", token: replaceSegment(good, 2, "~"+strings.Split(good, ".")[2][1:]), code: mcpauth.CodeInvalidToken, detail: "could not base64 decode signature"},

		// JSON that is not a JSON object, or not JSON.
		{name: "header not JSON", token: signRaw(t, corpus, `alg=ES256`, payload("")), code: mcpauth.CodeInvalidToken, detail: "JOSE header is not a JSON object"},
		{name: "header a JSON array", token: signRaw(t, corpus, `[{"alg":"ES256","kid":"corpus"}]`, payload("")), code: mcpauth.CodeInvalidToken, detail: "JOSE header is not a JSON object"},
		{name: "header a JSON number", token: signRaw(t, corpus, `256`, payload("")), code: mcpauth.CodeInvalidToken, detail: "JOSE header is not a JSON object"},
		{name: "header a JSON string", token: signRaw(t, corpus, `"ES256"`, payload("")), code: mcpauth.CodeInvalidToken, detail: "JOSE header is not a JSON object"},
		{name: "header null", token: signRaw(t, corpus, `null`, payload("")), code: mcpauth.CodeInvalidToken, detail: "JOSE header is not a JSON object"},
		{name: "header with trailing data", token: signRaw(t, corpus, hdr+`{}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "could not JSON decode header"},
		{name: "payload not JSON", token: signRaw(t, corpus, hdr, `iss=`+iss.URL()), code: mcpauth.CodeInvalidToken, detail: "could not JSON decode claim"},
		{name: "payload a JSON array", token: signRaw(t, corpus, hdr, `[`+payload("")+`]`), code: mcpauth.CodeInvalidToken, detail: "could not JSON decode claim"},
		{name: "payload a JSON number", token: signRaw(t, corpus, hdr, `1`), code: mcpauth.CodeInvalidToken, detail: "could not JSON decode claim"},
		{name: "payload a JSON string", token: signRaw(t, corpus, hdr, `"`+iss.URL()+`"`), code: mcpauth.CodeInvalidToken, detail: "could not JSON decode claim"},
		{name: "payload true", token: signRaw(t, corpus, hdr, `true`), code: mcpauth.CodeInvalidToken, detail: "could not JSON decode claim"},
		{name: "payload with trailing data", token: signRaw(t, corpus, hdr, payload("")+`{}`), code: mcpauth.CodeInvalidToken, detail: "could not JSON decode claim"},

		// Duplicate or ambiguous member names: parsers disagree on them.
		{name: "header alg twice (none last)", token: signRaw(t, corpus, `{"alg":"ES256","alg":"none","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken},
		{name: "header alg twice (none first)", token: signRaw(t, corpus, `{"alg":"none","alg":"ES256","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `"alg" twice`},
		{name: "header kid twice", token: signRaw(t, corpus, `{"alg":"ES256","kid":"evil","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: `"kid" twice`},
		{name: "header escaped alg", token: signRaw(t, corpus, `{"\u0061lg":"ES256","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "escape"},
		{name: "header alg and ALG", token: signRaw(t, corpus, `{"alg":"none","ALG":"ES256","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "case"},
		{name: "header ALG only", token: signRaw(t, corpus, `{"ALG":"ES256","kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "case"},
		{name: "header Kid", token: signRaw(t, corpus, `{"alg":"ES256","Kid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "case"},
		{name: `header \u212Aid (KELVIN SIGN + "id", read as kid by encoding/json's case folding)`, token: signRaw(t, corpus, `{"alg":"ES256","\u212Aid":"corpus"}`, payload("")), code: mcpauth.CodeInvalidToken, detail: "escape"},
		{name: "header Kid with a raw KELVIN SIGN", token: signRaw(t, corpus, "{\"alg\":\"ES256\",\"\u212Aid\":\"corpus\"}", payload("")), code: mcpauth.CodeInvalidToken, detail: "outside printable ASCII"},
		{name: "header kid and a raw KELVIN SIGN Kid", token: signRaw(t, corpus, "{\"alg\":\"ES256\",\"kid\":\"corpus\",\"\u212Aid\":\"evil\"}", payload("")), code: mcpauth.CodeInvalidToken, detail: "outside printable ASCII"},
		{name: "header name with a raw non-ASCII letter", token: signRaw(t, corpus, "{\"alg\":\"ES256\",\"kid\":\"corpus\",\"\u00e9\":1}", payload("")), code: mcpauth.CodeInvalidToken, detail: "outside printable ASCII"},
		{name: "payload null", token: signRaw(t, corpus, hdr, `null`), code: mcpauth.CodeInvalidToken, detail: `"iss" claim`},
		{name: "header CRIT", token: signRaw(t, corpus, `{"alg":"ES256","kid":"corpus","CRIT":["x"]}`, payload("")), code: mcpauth.CodeInvalidToken},
		{name: "payload iss twice (trusted first)", token: signRaw(t, corpus, hdr, payload(`,"iss":"https://evil.example.com"`)), code: mcpauth.CodeInvalidToken, detail: "claim name twice"},
		{name: "payload iss twice (trusted last)", token: signRaw(t, corpus, hdr, `{"iss":"https://evil.example.com",`+payload("")[1:]), code: mcpauth.CodeInvalidToken, detail: "claim name twice"},
		{name: `payload iss and \u0069ss`, token: signRaw(t, corpus, hdr, payload(`,"\u0069ss":"https://evil.example.com"`)), code: mcpauth.CodeInvalidToken, detail: "claim name twice"},
		{name: "payload sub twice", token: signRaw(t, corpus, hdr, payload(`,"sub":"root"`)), code: mcpauth.CodeInvalidToken, detail: "claim name twice"},
		{name: "payload exp twice", token: signRaw(t, corpus, hdr, payload(fmt.Sprintf(`,"exp":%d`, now-3600))), code: mcpauth.CodeInvalidToken, detail: "claim name twice"},
		{name: "payload aud twice", token: signRaw(t, corpus, hdr, payload(`,"aud":"https://other.example.com"`)), code: mcpauth.CodeInvalidToken, detail: "claim name twice"},
		{name: `control: payload \u0069ss alone is iss`, token: signRaw(t, corpus, hdr, strings.Replace(payload(""), `"iss"`, `"\u0069ss"`, 1))},

		// NumericDate claims (RFC 7519 §2): JSON numbers, fractions allowed.
		{name: "exp a string", token: iss.MustToken(t, claims("exp", fmt.Sprint(now+3600))), code: mcpauth.CodeInvalidToken, detail: `"exp" claim must be a number`},
		{name: "nbf a string", token: iss.MustToken(t, claims("nbf", fmt.Sprint(now-10))), code: mcpauth.CodeInvalidToken, detail: `"nbf" claim must be a number`},
		{name: "iat a string", token: iss.MustToken(t, claims("iat", fmt.Sprint(now))), code: mcpauth.CodeInvalidToken, detail: `"iat" claim must be a number`},
		{name: "exp true", token: iss.MustToken(t, claims("exp", true)), code: mcpauth.CodeInvalidToken, detail: `"exp" claim must be a number`},
		{name: "exp null", token: signRaw(t, corpus, hdr, strings.Replace(payload(""), fmt.Sprintf(`"exp":%d`, now+3600), `"exp":null`, 1)), code: mcpauth.CodeInvalidToken, detail: `"exp" claim must be a number`},
		{name: "exp an array", token: iss.MustToken(t, claims("exp", []int64{now + 3600})), code: mcpauth.CodeInvalidToken, detail: `"exp" claim must be a number`},
		{name: "exp missing", token: iss.MustToken(t, claims("exp", nil)), code: mcpauth.CodeInvalidToken, detail: `no "exp"`},
		{name: "accepted: exp a float in the future", token: iss.MustToken(t, claims("exp", float64(now)+3600.5))},
		{name: "accepted: exp in exponent notation", token: iss.MustToken(t, claims("exp", json.Number(fmt.Sprintf("%de0", now+3600))))},
		{name: "exp a float in the past", token: iss.MustToken(t, claims("exp", float64(now)-120.5)), code: mcpauth.CodeInvalidToken, detail: "expired"},
		{name: "accepted: exp a float within the leeway", token: iss.MustToken(t, claims("exp", float64(now)-30.25))},
		{name: "exp 1e300", token: iss.MustToken(t, claims("exp", 1e300)), code: mcpauth.CodeInvalidToken, detail: "out of range"},
		{name: "exp -1", token: iss.MustToken(t, claims("exp", -1)), code: mcpauth.CodeInvalidToken, detail: "out of range"},
		{name: "exp 0 where exp is optional (golang-jwt reads 0 as absent)", token: iss.MustToken(t, claims("exp", 0)), bearer: expOptional, code: mcpauth.CodeInvalidToken, detail: "expired"},
		{name: "accepted: no exp where exp is optional", token: iss.MustToken(t, claims("exp", nil)), bearer: expOptional},
		{name: "exp 0", token: iss.MustToken(t, claims("exp", 0)), code: mcpauth.CodeInvalidToken, detail: "expired"},
		{name: "exp 1e999 (not a float64)", token: iss.MustToken(t, claims("exp", json.Number("1e999"))), code: mcpauth.CodeInvalidToken},
		{name: "exp after year 9999", token: iss.MustToken(t, claims("exp", int64(253402300800))), code: mcpauth.CodeInvalidToken, detail: "out of range"},
		{name: "exp 2^63", token: iss.MustToken(t, claims("exp", json.Number("9223372036854775808"))), code: mcpauth.CodeInvalidToken, detail: "out of range"},
		{name: "nbf 1e300", token: iss.MustToken(t, claims("nbf", 1e300)), code: mcpauth.CodeInvalidToken, detail: "out of range"},
		{name: "iat -1", token: iss.MustToken(t, claims("iat", -1)), code: mcpauth.CodeInvalidToken, detail: "out of range"},
		{name: "expired beyond the leeway", token: iss.MustToken(t, claims("exp", now-120)), code: mcpauth.CodeInvalidToken, detail: "expired"},
		{name: "accepted: expired within the leeway", token: iss.MustToken(t, claims("exp", now-30))},
		{name: "nbf in the future", token: iss.MustToken(t, claims("nbf", now+120)), code: mcpauth.CodeInvalidToken, detail: "not valid before"},
		{name: "accepted: nbf within the leeway", token: iss.MustToken(t, claims("nbf", now+30))},
		{name: "iat in the future", token: iss.MustToken(t, claims("iat", now+120)), code: mcpauth.CodeInvalidToken, detail: "issued in the future"},
		{name: "accepted: iat within the leeway", token: iss.MustToken(t, claims("iat", now+30))},

		// Claim types.
		{name: "aud an object", token: iss.MustToken(t, claims("aud", map[string]any{"aud": advResource})), code: mcpauth.CodeInvalidToken, detail: `"aud" claim must be a string or an array`},
		{name: "aud an array with a number", token: iss.MustToken(t, claims("aud", []any{advResource, 1})), code: mcpauth.CodeInvalidToken, detail: `"aud" claim must hold only`},
		{name: "aud empty string", token: iss.MustToken(t, claims("aud", "")), code: mcpauth.CodeInvalidToken, detail: `"aud" claim is an empty string`},
		{name: "iss an array", token: iss.MustToken(t, claims("iss", []string{iss.URL()})), code: mcpauth.CodeInvalidToken, detail: `"iss" claim`},
		{name: "iss an object", token: iss.MustToken(t, claims("iss", map[string]any{"iss": iss.URL()})), code: mcpauth.CodeInvalidToken, detail: `"iss" claim`},
		{name: "iss missing", token: iss.MustToken(t, claims("iss", nil)), code: mcpauth.CodeInvalidToken, detail: `"iss" claim`},
		{name: "sub missing", token: iss.MustToken(t, map[string]any{"aud": advResource}), code: mcpauth.CodeInvalidToken, detail: `"sub" claim`},
		{name: "sub a number", token: iss.MustToken(t, claims("sub", 42)), code: mcpauth.CodeInvalidToken, detail: `"sub" claim`},
		{name: "sub empty", token: iss.MustToken(t, claims("sub", "")), code: mcpauth.CodeInvalidToken, detail: `"sub" claim`},
		{name: "scope a number", token: iss.MustToken(t, claims("scope", 7)), code: mcpauth.CodeInvalidToken, detail: `"scope" claim`},
		{name: "client_id an object", token: iss.MustToken(t, claims("client_id", map[string]any{})), code: mcpauth.CodeInvalidToken, detail: `"client_id" claim`},

		// Audience: a token for another resource is not replayable here.
		{name: "aud another resource", token: iss.MustToken(t, claims("aud", "https://other.example.com/mcp")), code: mcpauth.CodeInvalidAudience},
		{name: "aud a list without this resource", token: iss.MustToken(t, claims("aud", []string{"https://other.example.com/mcp", advResource + "/"})), code: mcpauth.CodeInvalidAudience},
		{name: "aud an empty list", token: iss.MustToken(t, claims("aud", []string{})), code: mcpauth.CodeInvalidAudience},
		{name: "aud missing", token: iss.MustToken(t, map[string]any{"sub": "alice"}), code: mcpauth.CodeInvalidAudience},

		// Issuers and their keys.
		{name: "untrusted issuer", token: evil.MustToken(t, claims()), code: mcpauth.CodeInvalidIssuer},
		{name: "issuer with a trailing slash", token: iss.MustToken(t, claims("iss", iss.URL()+"/")), code: mcpauth.CodeInvalidIssuer},
		{name: "issuer in upper case", token: iss.MustToken(t, claims("iss", strings.ToUpper(iss.URL()))), code: mcpauth.CodeInvalidIssuer},
		{name: "signed by an untrusted key under a real kid", token: evil.MustToken(t, asIss(), mcpauthtest.WithHeader("kid", rsKID)), code: mcpauth.CodeInvalidToken, detail: "signature does not verify"},
		{name: "signed by another trusted issuer's key", token: second.MustToken(t, asIss()), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "another trusted issuer's token with this issuer's kid", token: second.MustToken(t, asIss(), mcpauthtest.WithHeader("kid", esKID)), code: mcpauth.CodeInvalidToken, detail: "signature does not verify"},
		{name: "this issuer's key claiming the other trusted issuer", token: iss.MustToken(t, claims("iss", second.URL()), mcpauthtest.WithAlgorithm(mcpauthtest.ES256)), code: mcpauth.CodeInvalidToken, detail: "no key with kid"},
		{name: "kid-less token of another trusted issuer's key", token: second.MustToken(t, asIss(), mcpauthtest.WithoutKeyID()), code: mcpauth.CodeInvalidToken, detail: "signature does not verify"},
		{name: "control: the other trusted issuer's own token", token: second.MustToken(t, claims())},

		// Token type (RFC 9068 §2.1), when required.
		{name: "typ JWT where at+jwt is required (an ID token)", token: iss.MustToken(t, claims()), bearer: atJWT, code: mcpauth.CodeInvalidToken, detail: "typ"},
		{name: "typ missing where at+jwt is required", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("typ", nil)), bearer: atJWT, code: mcpauth.CodeInvalidToken, detail: "typ"},
		{name: "control: typ application/at+jwt", token: iss.MustToken(t, claims(), mcpauthtest.WithHeader("typ", "application/at+jwt")), bearer: atJWT},

		// The Authorization header itself (RFC 6750 §2.1).
		{name: "no header", header: []string{}, code: mcpauth.CodeMissingAuthHeader},
		{name: "empty header", header: []string{""}, code: mcpauth.CodeMissingAuthHeader},
		{name: "scheme only", header: []string{"Bearer"}, code: mcpauth.CodeMissingBearerToken},
		{name: "two Authorization headers", header: []string{"Bearer " + good, "Bearer " + good}, code: mcpauth.CodeInvalidAuthHeaderFormat},
		{name: "Basic scheme", header: []string{"Basic " + good}, code: mcpauth.CodeInvalidAuthHeaderFormat},
		{name: "two spaces", header: []string{"Bearer  " + good}, code: mcpauth.CodeInvalidAuthHeaderFormat},
		{name: "two tokens", header: []string{"Bearer " + good + " " + good}, code: mcpauth.CodeInvalidAuthHeaderFormat},
		{name: "NUL in the token", token: good + "\x00", code: mcpauth.CodeInvalidAuthHeaderFormat},
		{name: "quoted token", token: `"` + good + `"`, code: mcpauth.CodeInvalidAuthHeaderFormat},
		{name: "non-ASCII in the token", token: "é" + good, code: mcpauth.CodeInvalidAuthHeaderFormat},
		{name: "comma after the token", token: good + ",", code: mcpauth.CodeInvalidAuthHeaderFormat},
	}

	jwksBefore := iss.JWKSRequests()
	start := time.Now()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bearer := c.bearer
			if bearer == nil {
				bearer = b
			}
			header := c.header
			if header == nil {
				header = []string{"Bearer " + c.token}
			}
			_, err := bearer.Authenticate(context.Background(), header...)
			if c.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *mcpauth.Error
			if !errors.As(err, &e) || e.Code != c.code {
				t.Fatalf("got %v, want code %s", err, c.code)
			}
			if !strings.Contains(err.Error(), c.detail) {
				t.Fatalf("got %v, want a detail with %q", err, c.detail)
			}
			resp := bearer.ErrorResponse(err)
			if resp.Status != 401 {
				t.Fatalf("status %d", resp.Status)
			}
			if len(c.token) > 16 && (strings.Contains(err.Error(), c.token) || strings.Contains(string(resp.Body), c.token) || strings.Contains(resp.Header.Get("WWW-Authenticate"), c.token)) {
				t.Fatal("the answer repeats the token")
			}
		})
	}
	if n := evil.JWKSRequests() + evil.DiscoveryRequests(); n != 0 {
		t.Errorf("the attacker's server got %d requests", n)
	}
	// Every unknown kid or bad signature above may ask for a refresh; the
	// limiter allows one per 30 s after the first fetch.
	if n, limit := iss.JWKSRequests()-jwksBefore, 2+int(time.Since(start)/(30*time.Second)); n > limit {
		t.Errorf("%d JWKS requests for the corpus; the limit allows %d", n, limit)
	}
}

// TestHostileInputCostIsLinear: refusing an oversized token, a flood of dots
// or a huge JOSE header costs the same few small allocations whatever the
// size, so the work is a bounded number of linear scans: never a split into
// an attacker-chosen number of parts, a copy or a decode of an
// attacker-chosen size. Allocations are counted, not time: the test cannot
// flake on a slow machine.
func TestHostileInputCostIsLinear(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	auth := resourceAuth(t, advResource, iss)
	def := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource})
	large := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource}, mcpauth.WithMaxTokenSize(16<<20))
	hugeHeader := func(n int) string {
		return b64url(`{"alg":"ES256","x":"`+strings.Repeat("x", n)+`"}`) + ".e30.c2ln"
	}
	for _, c := range []struct {
		name   string
		bearer *mcpauth.Bearer
		token  func(n int) string
		n      int
	}{
		{"oversized token", def, func(n int) string { return strings.Repeat("A", n) }, 1 << 20},
		{"dots", large, func(n int) string { return strings.Repeat(".", n) }, 100_000},
		{"dots after three parts", large, func(n int) string { return "e30.e30.c2ln" + strings.Repeat(".", n) }, 100_000},
		{"dot-separated parts", large, func(n int) string { return strings.Repeat("e30.", n) }, 100_000},
		{"huge JOSE header", large, hugeHeader, 16 << 10},
		{"huge JOSE header, default limit", def, hugeHeader, 16 << 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			cost := func(n int) (allocs, bytes uint64) {
				header := "Bearer " + c.token(n)
				ctx := context.Background()
				if _, err := c.bearer.Authenticate(ctx, header); !errors.Is(err, mcpauth.CodeInvalidToken) {
					t.Fatalf("size %d: %v", n, err)
				}
				return allocsPerRun(20, func() { _, _ = c.bearer.Authenticate(ctx, header) })
			}
			a1, b1 := cost(c.n)
			a4, b4 := cost(4 * c.n)
			t.Logf("size %d: %d allocations, %d bytes; size %d: %d allocations, %d bytes", c.n, a1, b1, 4*c.n, a4, b4)
			// The slack absorbs sync.Pool misses (fmt's printer pool), which
			// the race detector provokes at random.
			if a1 > 16 || a4 > 16 || b1 > 4096 || b4 > 4096 || b4 > b1+1024 {
				t.Fatalf("the cost grows with the input: %d allocations and %d bytes for size %d, %d and %d for size %d", a1, b1, c.n, a4, b4, 4*c.n)
			}
		})
	}
}

// allocsPerRun is testing.AllocsPerRun that also reports bytes.
func allocsPerRun(runs uint64, f func()) (allocs, bytes uint64) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.Mallocs - before.Mallocs) / runs, (after.TotalAlloc - before.TotalAlloc) / runs
}

// BenchmarkRejectHostile shows the cost of refusing hostile tokens as their
// size grows: linear (the b64token scan, the dot search) with constant
// allocations.
func BenchmarkRejectHostile(b *testing.B) {
	iss := mcpauthtest.MustNewIssuer(b, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	auth := resourceAuth(b, advResource, iss)
	def := jwtBearer(b, auth, mcpauth.BearerOptions{Resource: advResource})
	big := jwtBearer(b, auth, mcpauth.BearerOptions{Resource: advResource}, mcpauth.WithMaxTokenSize(64<<20))
	for _, size := range []int{16 << 10, 1 << 20, 4 << 20} {
		for _, c := range []struct {
			name   string
			bearer *mcpauth.Bearer
			token  string
		}{
			{"oversized", def, strings.Repeat("A", size)},
			{"dots", big, strings.Repeat(".", size)},
			{"header", big, b64url(`{"alg":"ES256","x":"`+strings.Repeat("x", size)+`"}`) + ".e30.c2ln"},
		} {
			header := "Bearer " + c.token
			b.Run(fmt.Sprintf("%s/%d", c.name, size), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(header)))
				ctx := context.Background()
				for b.Loop() {
					_, _ = c.bearer.Authenticate(ctx, header)
				}
			})
		}
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}
