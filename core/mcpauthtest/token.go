package mcpauthtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// defaultTokenLifetime is the lifetime of minted tokens whose claims do not
// set "exp".
const defaultTokenLifetime = time.Hour

// TokenOption configures a single call of Issuer.Token, Issuer.MustToken or
// Issuer.UnsignedToken.
type TokenOption func(*tokenConfig)

type tokenConfig struct {
	kid     string         // WithKeyID
	alg     string         // WithAlgorithm
	noKeyID bool           // WithoutKeyID
	header  map[string]any // WithHeader; nil value removes
}

// WithKeyID signs the token with the key with that ID, published or not. The
// key must exist (Token fails otherwise).
func WithKeyID(kid string) TokenOption {
	return func(c *tokenConfig) { c.kid = kid }
}

// WithAlgorithm signs the token with the first key of that algorithm:
// published keys in JWKS order first, then unpublished keys in creation order.
// Token fails if there is no such key. Combined with WithKeyID, the key named
// by WithKeyID signs with that algorithm instead of its own, which must suit
// the key type (for example an RS256 key can sign PS256), for
// algorithm-mismatch tests.
func WithAlgorithm(alg string) TokenOption {
	return func(c *tokenConfig) { c.alg = alg }
}

// WithoutKeyID omits the "kid" header.
func WithoutKeyID() TokenOption {
	return func(c *tokenConfig) { c.noKeyID = true }
}

// WithHeader sets the JOSE header field name to value (any JSON value),
// overriding the generated "alg", "typ" or "kid" if name is one of them; a nil
// value removes the field. Examples: WithHeader("typ", "at+jwt"),
// WithHeader("jku", "https://evil.example/jwks"), WithHeader("crit",
// []string{"exp"}). Overriding "alg" does not change how the token is signed.
func WithHeader(name string, value any) TokenOption {
	return func(c *tokenConfig) {
		if c.header == nil {
			c.header = map[string]any{}
		}
		c.header[name] = value
	}
}

// Token mints a JWT signed with the default signing key, or with the key
// chosen by WithKeyID or WithAlgorithm.
//
// The claims are copied verbatim, whatever their JSON type, so a test can
// pass invalid values such as "exp": "soon". These claims are added unless
// claims has the name: "iss" = URL(), "iat" = now, "exp" = now + 1 hour (both
// in seconds since the epoch) and "jti" = a random string. A nil value for one
// of these four names removes the claim instead; a nil value for any other
// name is kept as JSON null. The header has "alg", "typ": "JWT" and the "kid"
// of the signing key unless changed by WithoutKeyID or WithHeader.
func (i *Issuer) Token(claims map[string]any, opts ...TokenOption) (string, error) {
	var tc tokenConfig
	for _, opt := range opts {
		if opt != nil {
			opt(&tc)
		}
	}
	k, alg, err := i.signingKeyFor(tc)
	if err != nil {
		return "", err
	}
	method, err := signingMethod(alg)
	if err != nil {
		return "", err
	}
	t := jwt.NewWithClaims(method, i.claims(claims))
	setHeaders(t, k.kid, tc)
	s, err := t.SignedString(k.priv)
	if err != nil {
		return "", fmt.Errorf("mcpauthtest: signing token with key %q as %s: %w", k.kid, alg, err)
	}
	return s, nil
}

// MustToken is Token for tests: it calls tb.Fatal if Token fails.
func (i *Issuer) MustToken(tb testing.TB, claims map[string]any, opts ...TokenOption) string {
	tb.Helper()
	s, err := i.Token(claims, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// UnsignedToken mints an unsecured JWT ("alg": "none", empty signature) with
// the same claims and header rules as Token, to check that a resource server
// rejects it. The "kid" header is that of the default signing key (or of
// WithKeyID's key) unless WithoutKeyID or WithHeader says otherwise;
// WithAlgorithm is ignored.
func (i *Issuer) UnsignedToken(claims map[string]any, opts ...TokenOption) (string, error) {
	var tc tokenConfig
	for _, opt := range opts {
		if opt != nil {
			opt(&tc)
		}
	}
	tc.alg = ""
	k, _, err := i.signingKeyFor(tc)
	if err != nil {
		return "", err
	}
	t := jwt.NewWithClaims(jwt.SigningMethodNone, i.claims(claims))
	setHeaders(t, k.kid, tc)
	s, err := t.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		return "", fmt.Errorf("mcpauthtest: encoding unsigned token: %w", err)
	}
	return s, nil
}

// signingKeyFor picks the key and algorithm for a token.
func (i *Issuer) signingKeyFor(tc tokenConfig) (*signingKey, string, error) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	var k *signingKey
	switch {
	case tc.kid != "":
		k = i.keys[tc.kid]
		if k == nil {
			return nil, "", fmt.Errorf("mcpauthtest: unknown key ID %q", tc.kid)
		}
	case tc.alg != "":
		k = i.firstKeyLocked(tc.alg)
		if k == nil {
			return nil, "", fmt.Errorf("mcpauthtest: no key for algorithm %q", tc.alg)
		}
	default:
		k = i.keys[i.defaultKID]
	}
	alg := k.alg
	if tc.alg != "" {
		alg = tc.alg
	}
	return k, alg, nil
}

// firstKeyLocked returns the first key for alg, published keys first.
func (i *Issuer) firstKeyLocked(alg string) *signingKey {
	for _, kids := range [][]string{i.published, i.order} {
		for _, kid := range kids {
			if k := i.keys[kid]; k.alg == alg {
				return k
			}
		}
	}
	return nil
}

// claims copies the given claims and adds the defaults.
func (i *Issuer) claims(given map[string]any) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"iss": i.url,
		"iat": now.Unix(),
		"exp": now.Add(defaultTokenLifetime).Unix(),
		"jti": randomHex(16),
	}
	for name, v := range given {
		if _, isDefault := c[name]; isDefault && v == nil {
			delete(c, name)
			continue
		}
		c[name] = v
	}
	return c
}

func setHeaders(t *jwt.Token, kid string, tc tokenConfig) {
	if !tc.noKeyID {
		t.Header["kid"] = kid
	}
	for name, v := range tc.header {
		if v == nil {
			delete(t.Header, name)
		} else {
			t.Header[name] = v
		}
	}
}
