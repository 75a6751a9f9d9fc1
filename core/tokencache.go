package mcpauth

import (
	"crypto/sha256"
	"hash"
	"sync"
	"time"
)

// Verified-token cache defaults: [BearerOptions.TokenCacheSize] and
// [BearerOptions.TokenCacheMaxAge].
const (
	// defaultTokenCacheSize bounds the verified-token cache of a Bearer.
	defaultTokenCacheSize = 10_000
	// defaultTokenCacheMaxAge bounds how long a verification is reused.
	defaultTokenCacheMaxAge = 5 * time.Minute
)

// tokenDigest identifies a token in the cache: its SHA-256. The token itself
// is never stored, and finding another token with the same digest is as hard
// as breaking SHA-256, so a hit proves the request carries the very token
// that was verified.
type tokenDigest [sha256.Size]byte

// cachedToken is one successful verification.
type cachedToken struct {
	info    *AuthInfo     // Token left empty: the request's token is set on a copy
	expires time.Time     // min(exp, verification time + max age)
	keys    *keySet       // the key set whose key verified it
	keyIDs  candidateKeys // the keys it was checked against: the entry dies with any of them
}

// tokenCache holds the AuthInfo of recently verified JWTs. It only skips the
// parse and the signature verification: times, the key's presence in the
// JWKS, and the issuer, audience and scope requirements are checked on every
// request. Only successful verifications are stored.
type tokenCache struct {
	*digestCache[*cachedToken]
	maxAge time.Duration
}

// newTokenCache returns a cache for size entries, or nil when size <= 0.
func newTokenCache(size int, maxAge time.Duration) *tokenCache {
	if size <= 0 {
		return nil
	}
	return &tokenCache{digestCache: newDigestCache[*cachedToken](size), maxAge: maxAge}
}

func (e *cachedToken) expiry() time.Time { return e.expires }

// hasher is a SHA-256 state with scratch space, pooled so that hashing a
// token allocates nothing: sha256.Sum256([]byte(token)) would copy the
// token to the heap, and this package uses no unsafe string view.
type hasher struct {
	h     hash.Hash
	chunk [512]byte
	sum   [sha256.Size]byte
}

var hashers = sync.Pool{New: func() any { return &hasher{h: sha256.New()} }}

// digest hashes a token, copying it through a fixed scratch buffer.
func digest(token string) tokenDigest {
	hs := hashers.Get().(*hasher)
	hs.h.Reset()
	for len(token) > 0 {
		n := copy(hs.chunk[:], token)
		hs.h.Write(hs.chunk[:n])
		token = token[n:]
	}
	d := tokenDigest(hs.h.Sum(hs.sum[:0]))
	hashers.Put(hs)
	return d
}

// put stores a verification until the earlier of exp and now + maxAge.
func (c *tokenCache) put(d tokenDigest, e *cachedToken, exp, now time.Time) {
	e.expires = now.Add(c.maxAge)
	if !exp.IsZero() && exp.Before(e.expires) {
		e.expires = exp
	}
	c.digestCache.put(d, e, now)
}
