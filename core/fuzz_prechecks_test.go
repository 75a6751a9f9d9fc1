package mcpauth

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// topLevelNames lists the member names of the JSON object b, decoded, with
// encoding/json's token stream: an implementation independent of
// memberNames, to check the pre-checks against. ok is false when b is
// not a JSON object.
func topLevelNames(b []byte) (names []string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name, _ := t.(string)
		names = append(names, name)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, false
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	return names, true
}

func hasDuplicate(names []string) bool {
	s := slices.Clone(names)
	slices.Sort(s)
	return len(slices.Compact(s)) != len(names)
}

func isInvalidToken(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodeInvalidToken
}

// FuzzHeaderMembers: checkHeaderMembers refuses with invalid_token or
// accepts; a header it accepts that is a JSON object has at most 16
// members, no name twice, no "crit", only printable-ASCII names, none a
// case variant of alg, kid, typ or crit: what every JOSE parser reads the
// same way.
func FuzzHeaderMembers(f *testing.F) {
	for _, seed := range []string{
		`{"alg":"ES256","kid":"k"}`, `{"alg":"ES256","alg":"none"}`, `{"\u0061lg":"ES256"}`, `{"ALG":"x"}`,
		"{\"alg\":\"ES256\",\"\u212Aid\":\"k\"}", `{"alg":"ES256","\u212Aid":"k"}`, `{"crit":["b64"],"b64":false}`,
		`{"alg":"ES256","x":{"kid":1,"kid":2}}`, `{"a":"\"kid\":","kid":"k"}`, `[]`, `null`, `{}`, `{"a":1}{"b":2}`,
		`{"p0":1,"p1":1,"p2":1,"p3":1,"p4":1,"p5":1,"p6":1,"p7":1,"p8":1,"p9":1,"pa":1,"pb":1,"pc":1,"pd":1,"pe":1,"pf":1,"pg":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, header []byte) {
		err := checkHeaderMembers(base64.RawURLEncoding.EncodeToString(header))
		if err != nil {
			if !isInvalidToken(err) {
				t.Fatalf("%q: %v", header, err)
			}
			return
		}
		names, ok := topLevelNames(header)
		if !ok {
			return // golang-jwt refuses what is not a JSON object
		}
		if len(names) > maxHeaderParams || hasDuplicate(names) {
			t.Fatalf("%q accepted with names %q", header, names)
		}
		for _, n := range names {
			if n == "crit" || caseVariantOf([]byte(n)) != "" {
				t.Fatalf("%q accepted with the name %q", header, n)
			}
			for _, r := range n {
				if r < 0x20 || r > 0x7e {
					t.Fatalf("%q accepted with the name %q", header, n)
				}
			}
		}
	})
}

// FuzzClaimNames: a payload that is a JSON object passes checkClaimNames
// exactly when no member name (decoded, so whatever its spelling) appears
// twice.
func FuzzClaimNames(f *testing.F) {
	for _, seed := range []string{
		`{"iss":"a","sub":"b"}`, `{"iss":"a","iss":"b"}`, `{"iss":"a","\u0069ss":"b"}`, `{"a":{"b":1,"b":2}}`,
		`{"a":"}{\"a\":","a":1}`, `{"a":[{"x":1},{"x":1}]}`, `{}`, `{"":1,"":2}`, `{"\ud800":1,"\udbff":2}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var claims map[string]any
		if json.Unmarshal(payload, &claims) != nil || claims == nil {
			return // golang-jwt refuses it
		}
		names, ok := topLevelNames(payload)
		if !ok {
			t.Fatalf("encoding/json decodes %q but its token stream does not", payload)
		}
		err := checkClaimNames(base64.RawURLEncoding.EncodeToString(payload), claims)
		if (err == nil) == hasDuplicate(names) {
			t.Fatalf("%q (names %q): %v", payload, names, err)
		}
		if err != nil && !isInvalidToken(err) {
			t.Fatal(err)
		}
	})
}

// refIsScopeToken is RFC 6749 §3.3's scope-token, written independently of
// checkScopeToken.
func refIsScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range []byte(s) {
		if r != 0x21 && (r < 0x23 || r > 0x5b) && (r < 0x5d || r > 0x7e) {
			return false
		}
	}
	return true
}

// FuzzScopeList: a scope string is accepted exactly when the pieces between
// its spaces (%x20) that are not empty are all scope-tokens, and then the
// scopes are those pieces; an array is accepted exactly when every element
// is a scope-token.
func FuzzScopeList(f *testing.F) {
	for _, seed := range []string{"read write", "a\tb", "a\u00a0b", "a\u2003b", " a  b ", "", " ", `a"b`, `a\b`, "é"} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, s string, array bool) {
		if array {
			elems := strings.Split(s, ",")
			arr := make([]any, len(elems))
			for i, e := range elems {
				arr[i] = e
			}
			got, err := scopeList("scope", arr)
			want := true
			for _, e := range elems {
				want = want && refIsScopeToken(e)
			}
			if (err == nil) != want || (err == nil && !slices.Equal(got, elems)) {
				t.Fatalf("%q: %q, %v", elems, got, err)
			}
			return
		}
		got, err := scopeList("scope", s)
		var want []string
		valid := true
		for _, p := range strings.Split(s, " ") {
			if p == "" {
				continue
			}
			valid = valid && refIsScopeToken(p)
			want = append(want, p)
		}
		if (err == nil) != valid {
			t.Fatalf("%q: %q, %v", s, got, err)
		}
		if err != nil {
			if !isInvalidToken(err) {
				t.Fatal(err)
			}
			return
		}
		if got == nil || !slices.Equal(got, want) {
			t.Fatalf("%q: %q, want %q", s, got, want)
		}
	})
}

// fuzzSign signs header.payload, given verbatim, with the fuzz issuer's
// Ed25519 key, as a JWS compact serialization.
func fuzzSign(tb testing.TB, header, payload []byte) string {
	ed, _ := fuzzKeys(tb)
	in := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	return in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(ed, []byte(in)))
}

// fuzzPayload is a valid payload for fuzzBearer.
const fuzzPayload = `{"iss":"https://issuer.fuzz.example","sub":"alice","aud":"https://api.fuzz.example/mcp","scope":"read write","exp":4102444800,"iat":1700000000}`

// FuzzJWTHeader runs the whole bearer check (golang-jwt's Parser and the
// Keyfunc) on genuinely signed tokens whose JOSE header is the input: a
// token is accepted only when the header is a JSON object that every JOSE
// parser reads the same way and says EdDSA, with the issuer's kid or none,
// no crit and a string typ if any; every refusal has a bearer code.
func FuzzJWTHeader(f *testing.F) {
	for _, seed := range []string{
		`{"alg":"EdDSA","kid":"ed"}`, `{"alg":"EdDSA"}`, `{"alg":"EdDSA","kid":"ed","typ":"at+jwt"}`,
		`{"alg":"EdDSA","alg":"none","kid":"ed"}`, `{"alg":"none","alg":"EdDSA","kid":"ed"}`, `{"alg":"EdDSA","\u212Aid":"ed"}`,
		`{"alg":"EdDSA","kid":"ed","crit":["exp"]}`, `{"alg":"EdDSA","kid":"ec"}`, `{"alg":"ES256","kid":"ed"}`, `{"alg":"EdDSA","kid":1}`,
		`{"alg":"EdDSA","typ":7}`, `{"alg":"HS256","kid":"ed"}`, `{"alg":"EdDSA","kid":""}`, `{"alg":"EdDSA","jku":"https://evil"}`,
	} {
		f.Add([]byte(seed))
	}
	b := fuzzBearer(f)
	f.Fuzz(func(t *testing.T, header []byte) {
		token := fuzzSign(t, header, []byte(fuzzPayload))
		_, err := b.Authenticate(context.Background(), "Bearer "+token)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !e.Code.isBearerCode() {
				t.Fatalf("%q: %v", header, err)
			}
			return
		}
		names, ok := topLevelNames(header)
		if !ok || hasDuplicate(names) || len(names) > maxHeaderParams {
			t.Fatalf("accepted the header %q", header)
		}
		var h map[string]any
		if err := json.Unmarshal(header, &h); err != nil {
			t.Fatalf("accepted the header %q: %v", header, err)
		}
		if h["alg"] != "EdDSA" || (h["kid"] != nil && h["kid"] != "ed") || h["crit"] != nil {
			t.Fatalf("accepted the header %q", header)
		}
		if typ, present := h["typ"]; present {
			if _, ok := typ.(string); !ok {
				t.Fatalf("accepted the header %q", header)
			}
		}
	})
}

// FuzzJWTClaims runs the whole bearer check on genuinely signed tokens whose
// payload is the input: a token is accepted only when the payload is a JSON
// object without a repeated name whose iss is the trusted issuer, whose sub
// is a non-empty string, whose aud holds the resource, whose exp is a
// number not past, and whose scopes (valid scope-tokens) include "read".
func FuzzJWTClaims(f *testing.F) {
	for _, seed := range []string{
		fuzzPayload,
		`{"iss":"https://issuer.fuzz.example","sub":"alice","aud":["x","https://api.fuzz.example/mcp"],"scope":["read"],"exp":4102444800}`,
		`{"iss":"https://issuer.fuzz.example","iss":"https://evil","sub":"alice","aud":"https://api.fuzz.example/mcp","scope":"read","exp":4102444800}`,
		`{"iss":"https://issuer.fuzz.example","sub":"alice","aud":"https://api.fuzz.example/mcp","scope":"read\twrite","exp":4102444800}`,
		`{"iss":"https://issuer.fuzz.example","sub":"alice","aud":"https://api.fuzz.example/mcp","scope":"read","exp":1e300}`,
		`{"iss":"https://issuer.fuzz.example","sub":"alice","aud":"https://api.fuzz.example/mcp","scope":"read","exp":0}`,
		`{"iss":"https://issuer.fuzz.example","sub":"alice","aud":"https://api.fuzz.example/mcp","scope":"read","exp":"4102444800"}`,
		`{"iss":"https://issuer.fuzz.example","sub":"alice","aud":"https://api.fuzz.example/mcp","scp":"read","exp":4102444800,"nbf":4102444000}`,
		`null`, `[]`, `{}`,
	} {
		f.Add([]byte(seed))
	}
	b := fuzzBearer(f)
	f.Fuzz(func(t *testing.T, payload []byte) {
		token := fuzzSign(t, []byte(`{"alg":"EdDSA","kid":"ed"}`), payload)
		info, err := b.Authenticate(context.Background(), "Bearer "+token)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !e.Code.isBearerCode() {
				t.Fatalf("%q: %v", payload, err)
			}
			return
		}
		names, ok := topLevelNames(payload)
		if !ok || hasDuplicate(names) {
			t.Fatalf("accepted the payload %q", payload)
		}
		var c map[string]any
		if err := json.Unmarshal(payload, &c); err != nil {
			t.Fatalf("accepted the payload %q: %v", payload, err)
		}
		exp, isNum := c["exp"].(float64)
		if c["iss"] != fuzzIssuer || info.Issuer != fuzzIssuer || info.Subject == "" || c["sub"] != info.Subject ||
			!isNum || time.Unix(int64(exp), 0).Before(time.Now().Add(-2*DefaultLeeway)) || exp > maxNumericDate ||
			!slices.Contains(info.Audience, fuzzResource) || !info.HasScope("read") {
			t.Fatalf("accepted the payload %q as %+v", payload, info)
		}
		for _, s := range info.Scopes {
			if !refIsScopeToken(s) {
				t.Fatalf("accepted the payload %q with the scope %q", payload, s)
			}
		}
	})
}
