package mcpauth

import (
	"context"
	"fmt"
	"strings"
)

// verifyJWT verifies a JWT access token for b's resource. Cheap checks run
// first so that a bad token costs no key lookup, no network request and no
// signature verification: structure and algorithm, then the issuer against
// the resource's trusted servers, then times and claim types; only then the
// issuer's keys and the signature.
func (b *Bearer) verifyJWT(ctx context.Context, token string) (*AuthInfo, error) {
	if len(token) > b.jwt.maxTokenSize {
		return nil, tokenError("the token is %d bytes long, over the %d-byte limit", len(token), b.jwt.maxTokenSize)
	}
	var d tokenDigest
	if b.cache != nil {
		d = digest(token)
		if info := b.fromCache(ctx, d, token); info != nil {
			return info, nil
		}
	}
	if err := checkB64Token(token); err != nil {
		return nil, err
	}
	p, err := parseToken(token, b.jwt.maxTokenSize, b.jwt.allows)
	if err != nil {
		return nil, err
	}
	defer p.release()

	srv, trusted := b.servers[p.iss]
	if !trusted {
		return nil, &Error{Code: CodeInvalidIssuer, Expected: strings.Join(b.issuers, ", "), Actual: p.iss,
			Detail: fmt.Sprintf("expected one of %s, found %s", strings.Join(b.issuers, ", "), quoteShort(p.iss))}
	}
	if !b.jwt.typeMatches(p.typ) {
		return nil, tokenError("the token type (typ header) is %s, expected %q", quoteShort(p.typ), b.jwt.tokenType)
	}
	exp, err := b.times.check(p.claims, b.now())
	if err != nil {
		return nil, err
	}
	info, err := authInfoFromClaims(p.claims, token, p.iss, exp)
	if err != nil {
		return nil, err
	}

	ks, err := srv.keySet(ctx)
	if err != nil {
		return nil, err
	}
	snap, err := ks.current(ctx)
	if err != nil {
		return nil, err
	}
	keyID, err := b.checkSignature(ctx, ks, snap, p)
	if err != nil {
		return nil, err
	}
	if b.cache != nil {
		// The cache keeps its own copy: the AuthInfo returned now is the
		// request's, and its handler may edit it.
		b.cache.put(d, &cachedToken{info: info.forRequest(""), keys: ks, keyID: keyID}, exp, b.now())
	}
	return info, nil
}

// fromCache returns the AuthInfo of an earlier verification of token, or nil.
// A hit still requires the key that verified it to be in the issuer's
// current key set (which this call keeps refreshed as a full verification
// would); the caller then applies the audience and scope requirements.
func (b *Bearer) fromCache(ctx context.Context, d tokenDigest, token string) *AuthInfo {
	now := b.now()
	e := b.cache.get(d, now)
	if e != nil {
		if snap, err := e.keys.currentAt(ctx, now); err == nil && snap.hasKeyID(e.keyID) {
			b.obs.TokenCacheLookup(true)
			return e.info.forRequest(token)
		}
		b.cache.drop(d)
	}
	b.obs.TokenCacheLookup(false)
	return nil
}

// checkSignature verifies p's signature with the matching keys of snap. When
// none matches the kid, or the signature fails with a cached key, the key
// set may have rotated: the check is repeated with newer keys, those of a
// fetch that ended or is running since snap was loaded, or of a new fetch if
// the limiter allows one now (never waiting for it).
func (b *Bearer) checkSignature(ctx context.Context, ks *keySet, snap *keySnapshot, p *parsedToken) (uint64, error) {
	id, err := verifyWith(snap, p)
	if err == nil {
		return id, nil
	}
	reason := RefreshBadKey
	if p.kid != "" && !snap.hasKID(p.kid) {
		reason = RefreshUnknownKID
	}
	fresh, ferr := ks.refreshForToken(ctx, reason, snap)
	if ferr != nil || fresh == nil || fresh == snap {
		return 0, err
	}
	return verifyWith(fresh, p)
}

// verifyWith tries the keys of snap that fit p's kid and algorithm and
// returns the identity of the key that verified the signature.
func verifyWith(snap *keySnapshot, p *parsedToken) (uint64, error) {
	var buf [maxKeyCandidates]publicKey
	keys := snap.match(p.kid, p.alg, buf[:])
	if len(keys) == 0 {
		if p.kid != "" {
			return 0, tokenError("no key with kid %s for algorithm %s in the issuer's JWKS", quoteShort(p.kid), p.alg)
		}
		return 0, tokenError("the token has no kid and no key for algorithm %s is in the issuer's JWKS", p.alg)
	}
	method := signingMethods[p.alg]
	var last error
	for _, k := range keys {
		if last = method.Verify(p.signingInput, p.signature, k.key); last == nil {
			return k.id, nil
		}
	}
	return 0, &Error{Code: CodeInvalidToken, Detail: "the signature does not verify with the issuer's keys", Err: last}
}
