package mcpauth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"github.com/go-mcpauth/mcpauth/core/internal/jwkparse"
)

// FuzzExtractBearerToken: any header values give a token that is an RFC 6750
// b64token, or an *Error with a bearer code; never a panic.
func FuzzExtractBearerToken(f *testing.F) {
	for _, seed := range [][2]string{
		{"Bearer abc", ""}, {"bearer eyJ.eyJ.sig", ""}, {"Bearer", ""}, {"Bearer ", ""}, {"", ""},
		{"Bearer  a", ""}, {"Basic abc", ""}, {"Bearer a b", ""}, {"Bearer\ta", ""}, {"Bearer a", "Bearer b"},
		{"  Bearer a==  ", ""}, {"Bearer ===", ""}, {"Bearer tök", ""},
	} {
		f.Add(seed[0], seed[1], seed[1] != "")
	}
	f.Fuzz(func(t *testing.T, first, second string, two bool) {
		values := []string{first}
		if two {
			values = append(values, second)
		}
		token, err := extractBearerToken(values...)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !e.Code.isBearerCode() || token != "" {
				t.Fatalf("%q: %v", values, err)
			}
			return
		}
		if two || !isB64Token(token) || !strings.Contains(first, token) {
			t.Fatalf("%q gave token %q", values, token)
		}
	})
}

// fuzzJWKSSeeds are JWK Sets for FuzzParseJWKS: valid keys of every type,
// and the unusable kinds the key cache must skip.
var fuzzJWKSSeeds = []string{
	`{"keys":[]}`,
	`{"keys":[{"kty":"EC","crv":"P-256","kid":"ec","alg":"ES256","use":"sig","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`,
	`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"ed","alg":"EdDSA","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`,
	`{"keys":[{"kty":"RSA","kid":"rsa","alg":"RS256","e":"AQAB","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}]}`,
	`{"keys":[{"kty":"OKP","crv":"Ed448","kid":"ed448","x":"AAAA"},{"kty":"oct","kid":"oct","k":"c2VjcmV0"},{"kty":"PQC"},{"kty":"EC","crv":"P-256","x":"AAAA"},1,null,"x",[]]}`,
	`{"keys":[{"kty":"EC","crv":"P-256","kid":"ec","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","x5t":"AAAA","x5c":["AAAA"]}]}`,
	`{"keys":[{"kty":"RSA","kid":"rsa","e":"AQAB","n":"AQAB","use":"enc","key_ops":["encrypt"]}]}`,
	`{"keys":null}`, `{}`, `[]`, ``, `{"keys":{}}`, `{"keys":[{"kid":"\u0000","kty":"EC"}]}`,
}

// FuzzParseJWKS: any body is either refused as a whole, or split into
// usable keys and skipped JWKs that account for every examined JWK, each
// usable key fitting its type and algorithm (inspect.JWKS agrees: its own
// fuzz target); never a panic, never a network request (x5u is not fetched).
func FuzzParseJWKS(f *testing.F) {
	for _, seed := range fuzzJWKSSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		keys, skipped, err := parseJWKS(body)
		if err != nil {
			if keys != nil || skipped != nil {
				t.Fatal("keys returned with an error")
			}
			return
		}
		var set struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if err := json.Unmarshal(bytes.TrimSpace(body), &set); err != nil {
			t.Fatalf("accepted a body encoding/json refuses: %v", err)
		}
		if examined := min(len(set.Keys), jwkparse.MaxKeys+1); len(keys)+len(skipped) != examined {
			t.Fatalf("%d JWKs: %d usable + %d skipped", len(set.Keys), len(keys), len(skipped))
		}
		last := -1
		for _, s := range skipped {
			if s.err == nil || s.index <= last || s.index > jwkparse.MaxKeys {
				t.Fatalf("skipped %+v after index %d", s, last)
			}
			last = s.index
		}
		for _, k := range keys {
			switch pub := k.key.(type) {
			case *rsa.PublicKey:
				if bits := pub.N.BitLen(); bits < jwkparse.MinRSABits || bits > jwkparse.MaxRSABits {
					t.Fatalf("RSA key of %d bits kept", bits)
				}
			case *ecdsa.PublicKey, ed25519.PublicKey:
			default:
				t.Fatalf("key of type %T kept", k.key)
			}
			if k.alg != "" && !jwkparse.KeyFitsAlgorithm(k.key, k.alg) {
				t.Fatalf("key kept with alg %q that does not fit %T", k.alg, k.key)
			}
			if !k.sameKey(k) {
				t.Fatal("a key is not the same as itself")
			}
		}
	})
}

// fuzzIssuer is the fixed authorization server of FuzzAuthenticate: its
// keys derive from constant seeds, so that a token minted by the fuzzing
// coordinator verifies in every worker process, and its JWKS is served in
// process (no listener).
const (
	fuzzIssuer   = "https://issuer.fuzz.example"
	fuzzResource = "https://api.fuzz.example/mcp"
)

// fuzzKeys returns the Ed25519 and P-256 keys of fuzzIssuer.
func fuzzKeys(tb testing.TB) (ed25519.PrivateKey, *ecdsa.PrivateKey) {
	edSeed := sha256.Sum256([]byte("mcpauth fuzz Ed25519"))
	ecScalar := sha256.Sum256([]byte("mcpauth fuzz P-256"))
	ec, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), ecScalar[:])
	if err != nil {
		tb.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(edSeed[:]), ec
}

// fuzzBearer builds a bearer trusting fuzzIssuer, whose JWKS holds the keys
// of fuzzKeys under kids "ed" and "ec".
func fuzzBearer(tb testing.TB) *Bearer {
	ed, ec := fuzzKeys(tb)
	var set jwkset.JWKSMarshal
	for _, k := range []struct {
		kid, alg string
		pub      any
	}{{"ed", "EdDSA", ed.Public()}, {"ec", "ES256", &ec.PublicKey}} {
		jwk, err := jwkset.NewJWKFromKey(k.pub, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: k.kid, ALG: jwkset.ALG(k.alg)}})
		if err != nil {
			tb.Fatal(err)
		}
		set.Keys = append(set.Keys, jwk.Marshal())
	}
	jwks, err := json.Marshal(set)
	if err != nil {
		tb.Fatal(err)
	}
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(jwks)), Request: r}, nil
	})}
	auth, err := New(Config{
		ProtectedResources: []ProtectedResource{{Resource: fuzzResource, AuthorizationServers: []AuthServer{Resolved(AuthServerMetadata{
			Issuer: fuzzIssuer, AuthorizationEndpoint: fuzzIssuer + "/authorize", TokenEndpoint: fuzzIssuer + "/token",
			JWKSURI: fuzzIssuer + "/jwks", ResponseTypesSupported: []string{"code"}, GrantTypesSupported: []string{"authorization_code"},
			CodeChallengeMethodsSupported: []string{"S256"},
		}, OAuth)}}},
		HTTPClient: client,
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		tb.Fatal(err)
	}
	b, err := auth.BearerAuth(JWT(), BearerOptions{Resource: fuzzResource, RequiredScopes: []string{"read"}})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzAuthenticate runs the whole bearer check, with real keys, on mutated
// tokens: every answer is an accepted AuthInfo for a token whose signed part
// is one the issuer signed (no forgery), or a refusal with a bearer code
// whose text does not repeat the token; never a panic.
func FuzzAuthenticate(f *testing.F) {
	ed, ec := fuzzKeys(f)
	sign := func(method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims, header map[string]any) string {
		tok := jwt.NewWithClaims(method, claims)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		for k, v := range header {
			tok.Header[k] = v
		}
		s, err := tok.SignedString(key)
		if err != nil {
			f.Fatal(err)
		}
		return s
	}
	claims := func(extra ...any) jwt.MapClaims {
		c := jwt.MapClaims{"iss": fuzzIssuer, "sub": "alice", "aud": fuzzResource, "scope": "read write", "exp": 4102444800, "iat": 1700000000, "client_id": "c"}
		for i := 0; i < len(extra); i += 2 {
			if extra[i+1] == nil {
				delete(c, extra[i].(string))
			} else {
				c[extra[i].(string)] = extra[i+1]
			}
		}
		return c
	}
	seeds := []string{
		sign(jwt.SigningMethodEdDSA, ed, "ed", claims(), nil),
		sign(jwt.SigningMethodES256, ec, "ec", claims(), nil),
		sign(jwt.SigningMethodEdDSA, ed, "", claims(), nil),
		sign(jwt.SigningMethodEdDSA, ed, "ed", claims("aud", []string{"x", fuzzResource}, "scope", []string{"read"}), nil),
		sign(jwt.SigningMethodEdDSA, ed, "ed", claims("exp", 1.5e9), nil),
		sign(jwt.SigningMethodEdDSA, ed, "ed", claims("nbf", 4.1e9), nil),
		sign(jwt.SigningMethodEdDSA, ed, "ed", claims("sub", nil), nil),
		sign(jwt.SigningMethodEdDSA, ed, "ed", claims("scope", "write"), nil),
		sign(jwt.SigningMethodEdDSA, ed, "other", claims(), nil),
		sign(jwt.SigningMethodES256, ec, "ec", claims(), map[string]any{"crit": []string{"exp"}, "typ": "at+jwt"}),
		sign(jwt.SigningMethodHS256, []byte("secret"), "ed", claims(), nil),
		"eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5mdXp6LmV4YW1wbGUifQ.",
	}
	signed := map[string]bool{}
	for _, s := range seeds {
		signed[s[:strings.LastIndexByte(s, '.')]] = true
		f.Add(s)
	}
	b := fuzzBearer(f)
	f.Fuzz(func(t *testing.T, token string) {
		info, err := b.Authenticate(context.Background(), "Bearer "+token)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !e.Code.isBearerCode() {
				t.Fatalf("%q: %v", token, err)
			}
			if len(token) >= 32 && strings.Contains(err.Error(), token) {
				t.Fatalf("the error repeats the token: %v", err)
			}
			return
		}
		dot := strings.LastIndexByte(token, '.')
		if dot < 0 || !signed[token[:dot]] {
			t.Fatalf("accepted a token the issuer never signed: %q", token)
		}
		if info.Issuer != fuzzIssuer || info.Subject == "" || info.Token != token || !slices.Contains(info.Scopes, "read") {
			t.Fatalf("%q: AuthInfo %+v", token, info)
		}
	})
}

// FuzzOperationScopes: for any body, the hand-written JSON-RPC walker of the
// per-operation scopes finds exactly the methods and params names that a
// reference built on encoding/json's tokenizer finds (same messages, same
// order, duplicates and case variants included), never panics; and the
// net/http body peek gives back every byte, whatever the limit.
func FuzzOperationScopes(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create-todo","arguments":{"content":"x"}}}`,
		`[{"method":"ping"},{"method":"tools/call","params":{"name":"delete"}},1,[2]]`,
		`{"METHOD":"tools/call","paramſ":{"NAME":"a","name":"b"},"method":"x"}`,
		`{"m\u0065thod":"tools\/call","params":{"n\u0061me":"\ud83d\ude00"}}`,
		`{"method":"tools/call"} garbage`, `{} {"method":"a"}`, `{"method":"tools/call","params":{"name":"de`,
		"{\"method\":\"\xff\"}", `{"id":"}\"]","params":{"arguments":{"x":["\"}"]},"name":"n"}}`, ``, `[]`, `"x"`,
	} {
		f.Add([]byte(seed), uint16(32))
	}
	f.Fuzz(func(t *testing.T, body []byte, limit uint16) {
		var got [][2][]string
		visitOperations(body, &operationSink{trace: &got})
		if want := referenceOperations(body); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q:\n walker    %q\n reference %q", body, got, want)
		}

		lim := int64(limit%512) + 1
		r, err := http.NewRequest(http.MethodPost, "http://x/mcp", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		peeked, complete := peekHTTPBody(r, lim)
		if complete != (int64(len(body)) <= lim) || !bytes.Equal(peeked, body[:min(int64(len(body)), lim+1)]) {
			t.Fatalf("peek of %d bytes with limit %d: %d bytes, complete %v", len(body), lim, len(peeked), complete)
		}
		if rest, err := io.ReadAll(r.Body); err != nil || !bytes.Equal(rest, body) {
			t.Fatalf("the body given back is %q (%v), want %q", rest, err, body)
		}
	})
}

// referenceOperations is visitOperations written with encoding/json's
// tokenizer, slowly and plainly: the oracle of FuzzOperationScopes.
func referenceOperations(body []byte) (out [][2][]string) {
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return out
		}
		vd := json.NewDecoder(bytes.NewReader(raw))
		tok, _ := vd.Token()
		switch tok {
		case json.Delim('{'):
			out = append(out, referenceMessage(vd))
		case json.Delim('['):
			for vd.More() {
				tok, _ := vd.Token()
				if tok == json.Delim('{') {
					out = append(out, referenceMessage(vd))
				} else {
					referenceSkip(vd, tok)
				}
			}
		}
	}
}

// referenceMessage reads the members of an object whose '{' was read.
func referenceMessage(dec *json.Decoder) [2][]string {
	methods, names := []string{}, []string{}
	for dec.More() {
		key, _ := dec.Token()
		tok, _ := dec.Token()
		k, _ := key.(string)
		switch s, isString := tok.(string); {
		case strings.EqualFold(k, "method") && isString:
			methods = append(methods, s)
		case strings.EqualFold(k, "params") && tok == json.Delim('{'):
			for dec.More() {
				key, _ := dec.Token()
				tok, _ := dec.Token()
				if s, ok := tok.(string); ok && strings.EqualFold(key.(string), "name") {
					names = append(names, s)
				} else {
					referenceSkip(dec, tok)
				}
			}
			_, _ = dec.Token() // '}'
		default:
			referenceSkip(dec, tok)
		}
	}
	_, _ = dec.Token() // '}'
	return [2][]string{methods, names}
}

// referenceSkip reads the rest of a value whose first token was tok.
func referenceSkip(dec *json.Decoder, tok json.Token) {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return
	}
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}
