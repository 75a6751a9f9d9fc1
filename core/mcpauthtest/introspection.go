package mcpauthtest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The confidential client every Issuer knows: a resource server introspects
// tokens with these credentials unless WithClient registers others.
const (
	ClientID     = "mcp-resource-server"
	ClientSecret = "mcpauthtest-resource-server-secret"
)

// maxIntrospectionForm bounds the body the introspection endpoint reads.
const maxIntrospectionForm = 64 << 10

// opaqueToken is an issued opaque token: the members of its introspection
// answer, and whether it was revoked.
type opaqueToken struct {
	claims  map[string]any
	revoked bool
}

// IntrospectionURL returns the URL of the RFC 7662 introspection endpoint,
// URL() + "/introspect", published as introspection_endpoint in the
// discovery document.
func (i *Issuer) IntrospectionURL() string {
	return i.url + introSuffix
}

// IntrospectionRequests returns how many requests the introspection endpoint
// has received, including refused ones and ones taken over by the fault hook.
func (i *Issuer) IntrospectionRequests() int {
	return int(i.introRequests.Load())
}

// OpaqueToken issues an opaque access token (a random string of 43
// base64url characters, not a JWT) whose introspection answer is claims plus
// "active": true. As for Token, the claims are kept verbatim and these are
// added unless claims has the name: "iss" = URL(), "iat" = now, "exp" = now
// + 1 hour, "jti" = a random string; a nil value for one of these names removes it. The token is
// active until its "exp" (if it is a number) or until RevokeToken.
func (i *Issuer) OpaqueToken(claims map[string]any) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("mcpauthtest: generating an opaque token: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	c := map[string]any(i.claims(claims))
	i.opaqueMu.Lock()
	i.opaque[tok] = &opaqueToken{claims: c}
	i.opaqueMu.Unlock()
	return tok, nil
}

// MustOpaqueToken is OpaqueToken for tests: it calls tb.Fatal if it fails.
func (i *Issuer) MustOpaqueToken(tb testing.TB, claims map[string]any) string {
	tb.Helper()
	s, err := i.OpaqueToken(claims)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// RevokeToken makes an opaque token inactive: its introspection answer
// becomes {"active": false}. It reports whether the token was issued here.
func (i *Issuer) RevokeToken(token string) bool {
	i.opaqueMu.Lock()
	defer i.opaqueMu.Unlock()
	t, ok := i.opaque[token]
	if ok {
		t.revoked = true
	}
	return ok
}

// serveIntrospection is the RFC 7662 endpoint: POST, client authentication
// by client_secret_basic or client_secret_post (a failure is 401
// invalid_client, RFC 6749 §5.2), then the answer for the form's "token".
func (i *Issuer) serveIntrospection(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxIntrospectionForm)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	if !i.authenticateClient(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="mcpauthtest"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the token parameter is missing")
		return
	}
	answer := map[string]any{"active": false}
	i.opaqueMu.Lock()
	t := i.opaque[token]
	if t != nil && !t.revoked && !expired(t.claims) {
		answer = maps.Clone(t.claims)
		answer["active"] = true
	}
	i.opaqueMu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(answer)
}

// authenticateClient checks the credentials of r: one method only, a known
// client, the right secret.
func (i *Issuer) authenticateClient(r *http.Request) bool {
	id, secret, basic := r.BasicAuth()
	_, posted := r.PostForm["client_secret"]
	_, asserted := r.PostForm["client_assertion"]
	switch {
	case asserted:
		return !basic && !posted && i.checkClientAssertion(r.PostForm)
	case basic && posted:
		return false
	case basic:
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return false
		}
	case posted:
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	default:
		return false
	}
	want, ok := i.clientSecret(id)
	return ok && subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1
}

// clientSecret returns the secret of a registered client.
func (i *Issuer) clientSecret(id string) (string, bool) {
	i.opaqueMu.Lock()
	defer i.opaqueMu.Unlock()
	s, ok := i.clients[id]
	return s, ok
}

// expired reports whether claims has a numeric "exp" in the past.
func expired(claims map[string]any) bool {
	var exp float64
	switch v := claims["exp"].(type) {
	case int64:
		exp = float64(v)
	case int:
		exp = float64(v)
	case float64:
		exp = v
	default:
		return false
	}
	return float64(time.Now().Unix()) >= exp
}

// oauthError writes an RFC 6749 §5.2 error.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": strings.TrimSpace(description)})
}

// checkClientAssertion verifies an RFC 7523 §2.2 client assertion
// (private_key_jwt) with the key registered by WithClientKey: signed by
// that key, iss and sub the client ID, aud the issuer identifier, exp
// required.
func (i *Issuer) checkClientAssertion(form url.Values) bool {
	if form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return false
	}
	id := form.Get("client_id")
	i.opaqueMu.Lock()
	key, ok := i.clientKeys[id]
	i.opaqueMu.Unlock()
	if !ok {
		return false
	}
	_, err := jwt.Parse(form.Get("client_assertion"), func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{RS256, ES256, ES384, ES512, EdDSA}),
		jwt.WithIssuer(id), jwt.WithSubject(id), jwt.WithAudience(i.url), jwt.WithExpirationRequired())
	return err == nil
}
