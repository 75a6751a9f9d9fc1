package mcpauth

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Introspection defaults, stated on the fields of [IntrospectionOptions].
const (
	// defaultIntrospectionMaxAge is how long an "active" answer is reused:
	// the longest a token revoked at the authorization server keeps working
	// here (the revocation delay).
	defaultIntrospectionMaxAge = 60 * time.Second
	// defaultIntrospectionNegativeMaxAge is how long an "inactive" answer
	// (or any other refusal of the token) is reused.
	defaultIntrospectionNegativeMaxAge = 5 * time.Second
	// defaultIntrospectionCacheSize bounds the introspection cache of a Bearer.
	defaultIntrospectionCacheSize = 10_000
	// defaultIntrospectionConcurrency bounds the introspection requests one
	// Bearer has in flight to one authorization server.
	defaultIntrospectionConcurrency = 32
)

// Client authentication methods for the introspection endpoint (RFC 7591 §2
// names, as in introspection_endpoint_auth_methods_supported).
const (
	// ClientSecretBasic sends the client credentials in an HTTP Basic
	// Authorization header, each form-urlencoded first (RFC 6749 §2.3.1).
	ClientSecretBasic = "client_secret_basic"
	// ClientSecretPost sends them as client_id and client_secret form
	// parameters (RFC 6749 §2.3.1).
	ClientSecretPost = "client_secret_post"
)

// CodeIntrospectionFailed means the introspection endpoint could not be
// used for a reason a retry will not cure: the endpoint is unknown, the
// authorization server refused the resource server's own client
// credentials, answered with an unexpected status, or sent something that is
// not an RFC 7662 response. It is answered with 500. Failures a retry may
// cure (network error, timeout, 429, 5xx) are [CodeServerUnavailable]
// (503 with Retry-After) instead.
const CodeIntrospectionFailed Code = "introspection_failed"

// introspectionFailedDescription is the description of CodeIntrospectionFailed
// (set on each error: Code.Description does not know this code).
const introspectionFailedDescription = "Token introspection at the authorization server failed."

// IntrospectionOptions configures [Introspection]. ClientID and either
// ClientSecret or PrivateKey are required: RFC 7662 §2.1 asks the resource
// server to authenticate, and most authorization servers require it.
type IntrospectionOptions struct {
	// ClientID and ClientSecret are the resource server's own client
	// credentials at the authorization server(s).
	ClientID     string
	ClientSecret string
	// ClientAuthMethod is ClientSecretBasic (default), ClientSecretPost or
	// PrivateKeyJWT (default when PrivateKey is set).
	ClientAuthMethod string
	// PrivateKey signs the client assertions of PrivateKeyJWT (RFC 7523
	// §2.2): an *rsa.PrivateKey (RS256), *ecdsa.PrivateKey (ES256, ES384,
	// ES512 by curve) or ed25519.PrivateKey (EdDSA). Each introspection
	// request carries a new assertion: iss and sub ClientID, aud the
	// issuer identifier of the server asked, a random jti, exp one minute.
	PrivateKey crypto.Signer
	// PrivateKeyID is the "kid" header of the assertions (optional).
	PrivateKeyID string
	// Endpoints maps an issuer to its introspection endpoint, for servers
	// whose metadata does not publish introspection_endpoint (or to
	// override it). Every key must be a server the resource trusts.
	Endpoints map[string]string
	// Issuers are the authorization servers asked, in this order. Default:
	// every server the resource trusts, in the order of its
	// AuthorizationServers, leaving out those whose metadata has no
	// introspection_endpoint and that have no entry in Endpoints. A token is
	// only ever sent to a server in this list, and each must be trusted by
	// the resource. The servers are asked one after the other until one
	// says the token is active; one that cannot be reached does not stop
	// the others, but if none says "active" the answer is then 503, not 401.
	Issuers []string
	// MaxAge bounds how long an "active" answer is reused (never past the
	// token's "exp"): the revocation delay. Zero means
	// 60 s; a negative value disables the reuse.
	MaxAge time.Duration
	// NegativeMaxAge bounds how long a refusal (inactive token, wrong
	// issuer, malformed answer about the token) is reused. Zero means
	// 5 s; a negative value disables it.
	NegativeMaxAge time.Duration
	// CacheSize bounds the number of answers kept (keyed by the token's
	// SHA-256: the token itself is never stored). Zero means
	// 10,000 answers; a negative value disables the cache.
	CacheSize int
	// MaxConcurrent bounds the introspection requests in flight to each
	// server; more wait (at most the fetch timeout) for a free slot, then
	// get 503. Zero means 32.
	MaxConcurrent int
	// MaxTokenSize bounds the length of a token sent to introspection;
	// longer ones are refused without a request. Zero means
	// DefaultMaxTokenBytes.
	MaxTokenSize int
}

// introspectionVerifier is the Verifier returned by Introspection.
type introspectionVerifier struct {
	opts IntrospectionOptions
}

func (*introspectionVerifier) verifierKind() string { return "introspection" }

// Introspection verifies opaque access tokens by asking the authorization
// server (RFC 7662 token introspection): the token is POSTed with
// token_type_hint=access_token to the server's introspection_endpoint (from
// its RFC 8414 / OpenID metadata, or IntrospectionOptions.Endpoints),
// authenticated with the resource server's own client credentials.
//
// An "active": false answer is a 401 invalid_token. An "active": true answer
// becomes the AuthInfo: Subject from "sub" (empty when absent), ClientID
// from "client_id", Scopes from "scope", Audience from "aud", ExpiresAt from
// "exp", Issuer the server asked (an "iss" member that differs is refused),
// Claims every member of the answer. "exp", "nbf" and "iat" are checked with
// BearerOptions.Leeway; a token_type of "refresh_token" is refused. The
// issuer, audience and scope requirements of the Bearer then apply as for
// JWTs.
//
// Answers are cached by token digest (see IntrospectionOptions.MaxAge: a
// revoked token keeps working for up to 60 s by default); concurrent
// requests carrying the same uncached token make one introspection request.
// Requests use [Config.HTTPClient], [Config.FetchTimeout] and
// [Config.MaxResponseBytes]; a redirect from the introspection endpoint is
// never followed (the token would be sent again) and is answered 500.
// Failures map like key-set failures: network errors, timeouts, 429 and 5xx
// give 503 with Retry-After, anything else 500 ([CodeIntrospectionFailed]);
// a server that refuses the resource server's own client credentials gives
// 500 and an error log line saying so (never the token).
//
// The resource server authenticates with client_secret_basic,
// client_secret_post or private_key_jwt (RFC 7523). JWT introspection
// responses (RFC 9701) are not supported.
func Introspection(opts IntrospectionOptions) Verifier {
	o := opts
	o.Issuers = slices.Clone(opts.Issuers)
	if opts.Endpoints != nil {
		o.Endpoints = make(map[string]string, len(opts.Endpoints))
		for k, v := range opts.Endpoints {
			o.Endpoints[k] = v
		}
	}
	return &introspectionVerifier{opts: o}
}

// jwtOrIntrospection is the Verifier returned by JWTOrIntrospection.
type jwtOrIntrospection struct {
	jwt   Verifier
	intro Verifier
}

func (*jwtOrIntrospection) verifierKind() string { return "jwt-or-introspection" }

// JWTOrIntrospection verifies both kinds of tokens, for authorization
// servers that issue JWTs to some clients and opaque tokens to others: a
// token that is a well-formed compact JWS (three base64url parts whose
// first decodes to a JSON object with an "alg" member) is verified by jwt
// (a [JWT] verifier), anything else by introspection (an [Introspection]
// verifier). A JWS that fails verification is refused: it is never retried
// by introspection, so a forged JWT costs no request to the server.
func JWTOrIntrospection(jwt, introspection Verifier) Verifier {
	return &jwtOrIntrospection{jwt: jwt, intro: introspection}
}

// looksLikeJWS reports whether token has the shape of a compact JWS: exactly
// three dot-separated parts, the first the base64url encoding of a JSON
// object with an "alg" member. Only the header is decoded.
func looksLikeJWS(token string) bool {
	if strings.Count(token, ".") != 2 {
		return false
	}
	head := token[:strings.IndexByte(token, '.')]
	if len(head) == 0 || len(head) > 4096 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil || len(raw) == 0 || raw[0] != '{' {
		return false
	}
	var h struct {
		Alg *string `json:"alg"`
	}
	return json.Unmarshal(raw, &h) == nil && h.Alg != nil
}

// check reports the configuration errors that need no knowledge of the
// resource.
func (v *introspectionVerifier) check() error {
	o := v.opts
	if o.ClientID == "" {
		return configError("IntrospectionOptions.ClientID is required: the resource server authenticates to the introspection endpoint (RFC 7662 §2.1)")
	}
	switch o.ClientAuthMethod {
	case "", ClientSecretBasic, ClientSecretPost, PrivateKeyJWT:
	default:
		return configError("IntrospectionOptions.ClientAuthMethod %q is not supported: expected %q, %q or %q", o.ClientAuthMethod, ClientSecretBasic, ClientSecretPost, PrivateKeyJWT)
	}
	if o.ClientAuthMethod == PrivateKeyJWT || o.ClientAuthMethod == "" && o.PrivateKey != nil {
		if o.PrivateKey == nil {
			return configError("IntrospectionOptions.PrivateKey is required with %s", PrivateKeyJWT)
		}
		if o.ClientSecret != "" {
			return configError("IntrospectionOptions has both a ClientSecret and a PrivateKey: give one")
		}
		return nil
	}
	if o.PrivateKey != nil {
		return configError("IntrospectionOptions.PrivateKey is set but ClientAuthMethod is %s", o.ClientAuthMethod)
	}
	if o.ClientSecret == "" {
		return configError("IntrospectionOptions.ClientSecret is required with %s", orString(o.ClientAuthMethod, ClientSecretBasic))
	}
	if o.MaxConcurrent < 0 {
		return configError("IntrospectionOptions.MaxConcurrent must not be negative, got %d", o.MaxConcurrent)
	}
	if o.MaxTokenSize < 0 {
		return configError("IntrospectionOptions.MaxTokenSize must not be negative, got %d", o.MaxTokenSize)
	}
	return nil
}

// orString returns d when s is empty.
func orString(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// describeIssuers lists issuers for an error detail.
func describeIssuers(issuers []string) string {
	q := make([]string, len(issuers))
	for i, s := range issuers {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// split returns the two verifiers of v, ok false when they are not a JWT
// and an Introspection verifier.
func (v *jwtOrIntrospection) split() (Verifier, *introspectionVerifier, bool) {
	j, ok1 := v.jwt.(*jwtVerifier)
	i, ok2 := v.intro.(*introspectionVerifier)
	if !ok1 || !ok2 || j == nil || i == nil {
		return nil, nil, false
	}
	return j, i, true
}
