package mcpauth_test

// Regression tests for the findings of the adversarial review of issue 11,
// each reproduced end to end: a real issuer on a loopback listener, a real
// JWKS, the whole bearer check.

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/inspect"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// skipRecorder records the skipped keys (its observer is Config.Observer).
type skipRecorder struct {
	mu      sync.Mutex
	skipped []mcpauth.KeySkippedEvent
}

func (r *skipRecorder) KeySkipped(e mcpauth.KeySkippedEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.skipped = append(r.skipped, e)
}

func (r *skipRecorder) observer() *mcpauth.Observer {
	return &mcpauth.Observer{KeySkipped: r.KeySkipped}
}

func (r *skipRecorder) kids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.skipped {
		out = append(out, e.KeyID)
	}
	return out
}

// ed25519SmallOrderKeys are encodings of Ed25519 points of small order, in
// canonical form with either sign of x, and in non-canonical form (y ≥ p).
// TestEd25519SmallOrderKeysForge shows that crypto/ed25519 accepts a forged
// signature under each of them, so that a JWKS entry holding one is a
// universal forgery.
var ed25519SmallOrderKeys = map[string]string{
	"identity (y=1)":            "0100000000000000000000000000000000000000000000000000000000000000",
	"identity, x sign set":      "0100000000000000000000000000000000000000000000000000000000000080",
	"order 4 (y=0)":             "0000000000000000000000000000000000000000000000000000000000000000",
	"order 4 (y=0), x sign set": "0000000000000000000000000000000000000000000000000000000000000080",
	"order 8 (y=c)":             "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"order 8 (y=c), x sign set": "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"order 8 (y=p-c)":           "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"order 2 (y=p-1)":           "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"non-canonical y=p (≡ 0)":   "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"non-canonical y=p+1 (≡ 1)": "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
}

// ed25519NonCanonicalKey encodes y = 2^255-1 ≥ p: not a small-order point,
// but a second spelling of y = 18 that RFC 8032 §5.1.3 says to reject.
const ed25519NonCanonicalKey = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"

// forgeEdDSA returns a token for claims "signed" under a small-order key
// without any private key: R = the identity point, S = 0. For a key of
// order n it verifies when the challenge hash is a multiple of n, which one
// payload in n is: the jti is varied until crypto/ed25519 accepts it.
func forgeEdDSA(t *testing.T, pub ed25519.PublicKey, kid string, claims map[string]any) (string, bool) {
	t.Helper()
	header := `{"alg":"EdDSA","typ":"JWT"`
	if kid != "" {
		header += `,"kid":"` + kid + `"`
	}
	header += "}"
	sig := make([]byte, ed25519.SignatureSize)
	sig[0] = 1 // the encoding of the identity point
	for i := range 256 {
		claims["jti"] = fmt.Sprint("forged-", i)
		payload, err := json.Marshal(claims)
		if err != nil {
			t.Fatal(err)
		}
		in := b64url(header) + "." + b64url(string(payload))
		if ed25519.Verify(pub, []byte(in), sig) {
			return in + "." + base64.RawURLEncoding.EncodeToString(sig), true
		}
	}
	return "", false
}

// TestEd25519SmallOrderKeysForge: the keys refused below are dangerous, not
// merely unusual: crypto/ed25519 accepts a signature made without any
// private key under every one of them.
func TestEd25519SmallOrderKeysForge(t *testing.T) {
	for name, h := range ed25519SmallOrderKeys {
		pub, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := forgeEdDSA(t, pub, "", map[string]any{"sub": "x"}); !ok {
			t.Errorf("%s: no forgery found: not a small-order key?", name)
		}
	}
}

// Finding 1: a JWKS entry whose "x" is an Ed25519 point of small order (or
// not canonically encoded) is skipped and reported through the Observer; a
// forged token naming it (by kid, or without kid) is refused; a genuine
// EdDSA key of the same set keeps working.
func TestFindingEd25519SmallOrderKeysRefused(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(iss.JWKSJSON(), &set); err != nil {
		t.Fatal(err)
	}
	var bad []string
	for name, h := range ed25519SmallOrderKeys {
		raw, _ := hex.DecodeString(h)
		kid := "bad-" + strings.NewReplacer(" ", "-", "(", "", ")", "", "=", "", ",", "").Replace(name)
		bad = append(bad, kid)
		set.Keys = append(set.Keys, map[string]any{"kty": "OKP", "crv": "Ed25519", "kid": kid, "alg": "EdDSA", "use": "sig", "x": base64.RawURLEncoding.EncodeToString(raw)})
	}
	set.Keys = append(set.Keys, map[string]any{"kty": "OKP", "crv": "Ed25519", "kid": "non-canonical", "x": base64.RawURLEncoding.EncodeToString(mustHex(t, ed25519NonCanonicalKey))})
	bad = append(bad, "non-canonical")
	body, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	iss.SetJWKSBody(body)

	// What inspect.JWKS (and mcpauth-check) says of the set.
	usable, skipped, err := inspect.JWKS(body)
	if err != nil || len(usable) != 1 || len(skipped) != len(bad) {
		t.Fatalf("inspect.JWKS: %d usable, %d skipped, %v; want 1 and %d", len(usable), len(skipped), err, len(bad))
	}
	for _, s := range skipped {
		if !strings.Contains(s.Error, "small order") && !strings.Contains(s.Error, "not canonically encoded") {
			t.Errorf("%s skipped for %q", s.KeyID, s.Error)
		}
	}

	obs := &skipRecorder{}
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{Resource: advResource, AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}}},
		Logger:             quietLogger(),
		Observer:           obs.observer(),
	})
	if err != nil {
		t.Fatal(err)
	}
	b := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource})
	claims := func() map[string]any {
		return map[string]any{"iss": iss.URL(), "sub": "admin", "aud": advResource, "exp": time.Now().Add(time.Hour).Unix()}
	}
	if _, err := authenticate(b, "Bearer "+iss.MustToken(t, claims())); err != nil {
		t.Fatalf("the genuine EdDSA key stopped working: %v", err)
	}
	if got := obs.kids(); len(got) != len(bad) {
		t.Errorf("observer saw %d skipped keys (%v), want %d", len(got), got, len(bad))
	}
	for name, h := range ed25519SmallOrderKeys {
		pub, _ := hex.DecodeString(h)
		kid := bad[0]
		for _, k := range bad {
			if strings.HasSuffix(k, strings.NewReplacer(" ", "-", "(", "", ")", "", "=", "", ",", "").Replace(name)) {
				kid = k
			}
		}
		for _, withKID := range []bool{true, false} {
			k := ""
			if withKID {
				k = kid
			}
			forged, ok := forgeEdDSA(t, pub, k, claims())
			if !ok {
				t.Fatalf("%s: no forgery", name)
			}
			if info, err := authenticate(b, "Bearer "+forged); !errors.Is(err, mcpauth.CodeInvalidToken) {
				t.Errorf("%s (kid %q): forged token got %+v, %v; want invalid_token", name, k, info, err)
			}
		}
	}
}

func mustHex(t *testing.T, h string) []byte {
	t.Helper()
	b, err := hex.DecodeString(h)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Finding 2: scope strings are split on %x20 only and every scope-token
// must follow RFC 6749 §3.3; any other whitespace or character makes the
// token invalid instead of granting scopes the issuer never spelled.
func TestFindingScopeGrammar(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	auth := resourceAuth(t, advResource, iss)
	b := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource})
	for _, c := range []struct {
		name  string
		claim string
		value any
		want  []string // nil: refused as invalid_token
	}{
		{"space separated", "scope", "a b", []string{"a", "b"}},
		{"one scope", "scope", "a", []string{"a"}},
		{"every allowed character", "scope", "!#$%&'()*+,-./0123456789:;<=>?@AZ[]^_`az{|}~", []string{"!#$%&'()*+,-./0123456789:;<=>?@AZ[]^_`az{|}~"}},
		{"empty string: no scope", "scope", "", []string{}},
		{"array", "scope", []string{"a", "b"}, []string{"a", "b"}},
		{"empty array: no scope", "scope", []string{}, []string{}},
		{"scp array", "scp", []string{"a", "b"}, []string{"a", "b"}},
		{"scp string", "scp", "a b", []string{"a", "b"}},
		{"tab", "scope", "a\tb", nil},
		{"newline", "scope", "a\nb", nil},
		{"carriage return", "scope", "a\rb", nil},
		{"vertical tab", "scope", "a\vb", nil},
		{"form feed", "scope", "a\fb", nil},
		{"no-break space U+00A0", "scope", "a\u00a0b", nil},
		{"em space U+2003", "scope", "a\u2003b", nil},
		{"ideographic space U+3000", "scope", "a\u3000b", nil},
		{"NEL U+0085", "scope", "a\u0085b", nil},
		{"extra spaces separate nothing", "scope", " a  b ", []string{"a", "b"}},
		{"only a space: no scope", "scope", " ", []string{}},
		{"double quote", "scope", `a"b`, nil},
		{"backslash", "scope", `a\b`, nil},
		{"NUL", "scope", "a\x00b", nil},
		{"DEL", "scope", "a\x7fb", nil},
		{"non-ASCII letter", "scope", "é", nil},
		{"array element with a space", "scope", []string{"a b"}, nil},
		{"array element with a tab", "scope", []string{"a\tb"}, nil},
		{"array element empty", "scope", []string{"a", ""}, nil},
		{"array element non-ASCII", "scopes", []string{"a\u2003b"}, nil},
		{"scp string with a tab", "scp", "a\tb", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			claims := map[string]any{"sub": "alice", "aud": advResource, c.claim: c.value}
			info, err := authenticate(b, "Bearer "+iss.MustToken(t, claims))
			if c.want == nil {
				if !errors.Is(err, mcpauth.CodeInvalidToken) {
					t.Fatalf("got %+v, %v; want invalid_token", info, err)
				}
				if !strings.Contains(err.Error(), "scope") {
					t.Fatalf("the refusal does not say why: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%q", info.Scopes) != fmt.Sprintf("%q", c.want) {
				t.Fatalf("scopes %q, want %q", info.Scopes, c.want)
			}
		})
	}
}

// Finding 4: a redirect of a discovery or JWKS request must pass the same
// URL policy as the first URL. The victim issuer is on loopback http (as in
// development); it redirects to an attacker's host over plain http, which
// the resource's own HTTP client can reach (its transport sends that host
// to the attacker's loopback server). Before the fix the redirect was
// followed and the attacker's keys verified the attacker's tokens.
func TestFindingRedirectsFollowTheURLPolicy(t *testing.T) {
	victim := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	attacker := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	attackerAddr := strings.TrimPrefix(attacker.URL(), "http://")
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if strings.HasPrefix(addr, "attacker.example:") {
				addr = attackerAddr
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	attackerJWKS := "http://attacker.example:80" + strings.TrimPrefix(attacker.JWKSURL(), attacker.URL())
	for _, c := range []struct {
		name     string
		endpoint string // the victim endpoint that redirects
		to       string
		insecure bool
	}{
		{"JWKS to a non-loopback http host", "jwks", attackerJWKS, false},
		{"JWKS to the link-local metadata address", "jwks", "http://169.254.169.254/latest/meta-data/", false},
		{"discovery to a non-loopback http host", "discovery", "http://attacker.example:80/.well-known/openid-configuration", false},
		{"discovery to the link-local metadata address", "discovery", "http://169.254.169.254/latest/meta-data/", false},
		{"control: JWKS to a non-loopback http host with AllowInsecureHTTP", "jwks", attackerJWKS, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			victim.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
				isJWKS := r.URL.Path == strings.TrimPrefix(victim.JWKSURL(), victim.URL())
				if (c.endpoint == "jwks") == isJWKS && (isJWKS || strings.Contains(r.URL.Path, "/.well-known/")) {
					http.Redirect(w, r, c.to, http.StatusFound)
					return true
				}
				return false
			})
			defer victim.SetFault(nil)
			attacker.ResetCounters()
			auth, err := mcpauth.New(mcpauth.Config{
				ProtectedResources: []mcpauth.ProtectedResource{{Resource: advResource, AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(victim.URL(), mcpauth.OIDC)}}},
				HTTPClient:         client,
				AllowInsecureHTTP:  c.insecure,
				Logger:             quietLogger(),
			})
			if err != nil {
				t.Fatal(err)
			}
			b := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource})
			forged := attacker.MustToken(t, map[string]any{"iss": victim.URL(), "sub": "admin", "aud": advResource})
			info, err := authenticate(b, "Bearer "+forged)
			if c.insecure {
				if err != nil || attacker.JWKSRequests() != 1 {
					t.Fatalf("with AllowInsecureHTTP the redirect is followed: got %v, %d attacker requests", err, attacker.JWKSRequests())
				}
				return
			}
			if err == nil {
				t.Fatalf("the attacker's token was accepted: %+v", info)
			}
			if n := attacker.JWKSRequests() + attacker.DiscoveryRequests(); n != 0 {
				t.Fatalf("the attacker's server got %d requests", n)
			}
			if !strings.Contains(err.Error(), "refused") {
				t.Fatalf("the error does not say the redirect was refused: %v", err)
			}
			if status := b.ErrorResponse(err).Status; status != http.StatusInternalServerError {
				t.Fatalf("status %d: a refused redirect is a misconfigured server (500), not an outage (503)", status)
			}
		})
	}
}

// Finding 5: a handler that edits the AuthInfo of its request (its scopes,
// its audience) changes nothing the next request with the same token sees:
// neither the AuthInfo it gets nor the bearer's decision. Before the fix the
// verified-token cache handed every request the same slices.
func TestFindingAuthInfoIsPerRequest(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	auth := resourceAuth(t, advResource, iss)
	b := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource, RequiredScopes: []string{"read"}})
	for _, c := range []struct {
		name     string
		scopes   []string
		audience []string
	}{
		{"few scopes (copied with the AuthInfo)", []string{"read", "write"}, []string{advResource, "other"}},
		{"many scopes (copied apart)", []string{"read", "write", "a", "b", "c", "d", "e", "f"}, []string{advResource, "other", "third"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			token := iss.MustToken(t, map[string]any{"sub": "alice", "aud": c.audience, "scope": strings.Join(c.scopes, " ")})
			tamper := func(info *mcpauth.AuthInfo) {
				for i := range info.Scopes {
					info.Scopes[i] = "tampered"
				}
				for i := range info.Audience {
					info.Audience[i] = "tampered"
				}
				info.Scopes = append(info.Scopes[:0], "appended")
				info.Audience = append(info.Audience[:0], "appended")
				info.Subject = "mallory"
			}
			for i := range 4 { // the first request verifies and fills the cache; the others hit it
				info, err := authenticate(b, "Bearer "+token)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if fmt.Sprint(info.Scopes, info.Audience, info.Subject) != fmt.Sprint(c.scopes, c.audience, "alice") {
					t.Fatalf("request %d sees %v %v %s", i, info.Scopes, info.Audience, info.Subject)
				}
				tamper(info)
			}
			// Two requests in flight at once hold distinct values.
			a1, err1 := authenticate(b, "Bearer "+token)
			a2, err2 := authenticate(b, "Bearer "+token)
			if err1 != nil || err2 != nil || a1 == a2 || &a1.Scopes[0] == &a2.Scopes[0] || &a1.Audience[0] == &a2.Audience[0] {
				t.Fatal("two requests share their AuthInfo or its slices")
			}
			// An append to Scopes or Audience cannot write into the other.
			s := append(a1.Scopes, "x")
			s[0] = "y"
			a := append(a1.Audience, "x")
			a[0] = "y"
			if a1.Audience[0] != advResource || a1.Scopes[0] != "read" {
				t.Fatal("Scopes and Audience overlap")
			}
		})
	}
}
