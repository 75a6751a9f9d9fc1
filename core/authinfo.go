package mcpauth

import (
	"context"
	"slices"
	"time"
)

// AuthInfo is what a verified bearer token says about the caller. The bearer
// middleware stores it in the request context ([AuthInfoFromContext]) and
// every adapter exposes it the framework's way.
//
// Each request gets its own AuthInfo, with its own Scopes and Audience
// slices: a handler that edits them changes nothing another request sees,
// and the bearer's audience and scope checks never read an AuthInfo a
// handler was given. The Claims map (and the values in it) is shared by the
// requests that carry the same token, for the lifetime of the
// verified-token cache entry: treat it as read-only (copying it on every
// request would cost several allocations and most of a cache hit).
//
// It marshals to JSON with every field but the raw token (expires_at is
// left out when the token has no expiry).
type AuthInfo struct {
	// Token is the raw bearer token, for handlers that must forward it.
	// It is never marshalled to JSON and never logged by this package.
	Token string `json:"-"`
	// Issuer is the "iss" claim: the authorization server that issued the token.
	Issuer string `json:"issuer"`
	// ClientID is the OAuth client the token was issued to: the "client_id"
	// claim (RFC 9068 §2.2), else "azp" (OpenID Connect), else empty.
	ClientID string `json:"client_id"`
	// Scopes are the granted scopes: the "scope" claim split on spaces
	// (%x20 only, RFC 6749 §3.3; a claim with any other whitespace or a
	// character outside the scope-token grammar makes the token invalid) or
	// given as a JSON array, else the "scopes" claim, else "scp" (Okta, Ory
	// Hydra, Microsoft Entra ID).
	Scopes []string `json:"scopes"`
	// Subject is the "sub" claim: the user (or client) the token speaks for.
	Subject string `json:"subject"`
	// Audience is the "aud" claim, a single string normalised to a one-item list.
	Audience []string `json:"audience"`
	// ExpiresAt is the "exp" claim; zero when the token has none.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Claims holds every claim of the token payload as decoded JSON
	// (numbers are float64).
	Claims map[string]any `json:"claims"`
}

// forRequest returns a copy of a for one request carrying token: a new
// AuthInfo whose Scopes and Audience are copies, each capped so that an
// append to one cannot write into the other. For the usual handful of
// scopes and audiences the copies live in the same allocation as the
// AuthInfo: a cache hit costs one allocation.
func (a *AuthInfo) forRequest(token string) *AuthInfo {
	ns, na := len(a.Scopes), len(a.Audience)
	var c *AuthInfo
	var buf []string
	if ns+na <= inlineStrings {
		block := new(authInfoBlock)
		c, buf = &block.info, block.strings[:ns+na]
	} else {
		c, buf = new(AuthInfo), make([]string, ns+na)
	}
	*c = *a
	c.Token = token
	copy(buf, a.Scopes)
	copy(buf[ns:], a.Audience)
	if ns > 0 {
		c.Scopes = buf[:ns:ns]
	}
	if na > 0 {
		c.Audience = buf[ns : ns+na : ns+na]
	}
	return c
}

// inlineStrings is how many scopes and audiences together forRequest copies
// into the allocation of the AuthInfo itself.
const inlineStrings = 6

// authInfoBlock is an AuthInfo and room for its Scopes and Audience, in one
// allocation.
type authInfoBlock struct {
	info    AuthInfo
	strings [inlineStrings]string
}

// HasScope reports whether the token grants scope (exact, case-sensitive).
func (a *AuthInfo) HasScope(scope string) bool {
	return a != nil && slices.Contains(a.Scopes, scope)
}

// authInfoKey is the context key of the AuthInfo; an unexported type so that
// no other package can collide with or overwrite it.
type authInfoKey struct{}

// WithAuthInfo returns a copy of ctx carrying info.
func WithAuthInfo(ctx context.Context, info *AuthInfo) context.Context {
	return context.WithValue(ctx, authInfoKey{}, info)
}

// AuthInfoFromContext returns the AuthInfo stored by the bearer middleware
// (or [WithAuthInfo]); ok is false when the request was not authenticated.
func AuthInfoFromContext(ctx context.Context) (info *AuthInfo, ok bool) {
	info, ok = ctx.Value(authInfoKey{}).(*AuthInfo)
	return info, ok && info != nil
}
