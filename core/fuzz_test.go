package mcpauth

import (
	"strings"
	"testing"
	"time"
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
		token, err := ExtractBearerToken(values...)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || !e.Code.isBearerCode() || token != "" {
				t.Fatalf("%q: %v", values, err)
			}
			return
		}
		if two || !isB64Token(token) || !strings.Contains(first, token) {
			t.Fatalf("%q gave token %q", values, token)
		}
	})
}

// FuzzParseToken: any string is either refused with an invalid_token error
// or parsed into a token whose algorithm is allowed and whose claims hold a
// non-empty iss; the claim checks never panic either.
func FuzzParseToken(f *testing.F) {
	for _, seed := range []string{
		"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lkcCIsInN1YiI6ImFsaWNlIiwiZXhwIjoxOTAwMDAwMDAwfQ.c2ln",
		"eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.",
		"eyJhbGciOiJSUzI1NiIsImFsZyI6Im5vbmUifQ.eyJpc3MiOiJ4In0.c2ln",
		"eyJhbGciOiJFUzI1NiIsImNyaXQiOlsiYjY0Il19.eyJpc3MiOiJ4In0.c2ln",
		"eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4IiwiaXNzIjoieSJ9.c2ln",
		"eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4IiwiZXhwIjoiMTAifQ.c2ln",
		"a.b.c.d.e", "...", "a.b", "", strings.Repeat(".", 1000),
	} {
		f.Add(seed)
	}
	allowed := (&jwtVerifier{algorithms: DefaultAlgorithms}).allows
	rules := timeRules{leeway: time.Minute, requireExp: true}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := parseToken(raw, DefaultMaxTokenBytes, allowed)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code != CodeInvalidToken {
				t.Fatalf("%q: %v", raw, err)
			}
			return
		}
		defer p.release()
		if !allowed(p.alg) || p.iss == "" {
			t.Fatalf("%q parsed with alg %q iss %q", raw, p.alg, p.iss)
		}
		if strings.Count(raw, ".") != 2 {
			t.Fatalf("%q parsed with %d dots", raw, strings.Count(raw, "."))
		}
		exp, err := rules.check(p.claims, time.Unix(1_800_000_000, 0))
		if err == nil {
			_, _ = authInfoFromClaims(p.claims, raw, p.iss, exp)
		}
	})
}
