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

// tokenCacheShards splits the cache so that concurrent requests rarely
// contend for the same lock; a power of two.
const tokenCacheShards = 32

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
	maxAge  time.Duration
	perPart int
	shards  [tokenCacheShards]tokenCacheShard
}

type tokenCacheShard struct {
	mu      sync.RWMutex
	entries map[tokenDigest]*cachedToken
}

// newTokenCache returns a cache for size entries, or nil when size <= 0.
func newTokenCache(size int, maxAge time.Duration) *tokenCache {
	if size <= 0 {
		return nil
	}
	c := &tokenCache{maxAge: maxAge, perPart: max(1, (size+tokenCacheShards-1)/tokenCacheShards)}
	for i := range c.shards {
		c.shards[i].entries = make(map[tokenDigest]*cachedToken)
	}
	return c
}

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

// get returns the live entry of d, dropping it if it has expired.
func (c *tokenCache) get(d tokenDigest, now time.Time) *cachedToken {
	s := &c.shards[d[0]%tokenCacheShards]
	s.mu.RLock()
	e := s.entries[d]
	s.mu.RUnlock()
	if e == nil {
		return nil
	}
	if !now.Before(e.expires) {
		c.drop(d)
		return nil
	}
	return e
}

// put stores a verification; when the shard is full, an arbitrary entry
// (Go's map iteration order is random) makes room.
func (c *tokenCache) put(d tokenDigest, e *cachedToken, exp, now time.Time) {
	e.expires = now.Add(c.maxAge)
	if !exp.IsZero() && exp.Before(e.expires) {
		e.expires = exp
	}
	if !now.Before(e.expires) {
		return
	}
	s := &c.shards[d[0]%tokenCacheShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[d]; !ok && len(s.entries) >= c.perPart {
		for k, old := range s.entries {
			if !now.Before(old.expires) || len(s.entries) >= c.perPart {
				delete(s.entries, k)
			}
			if len(s.entries) < c.perPart {
				break
			}
		}
	}
	s.entries[d] = e
}

// drop removes d.
func (c *tokenCache) drop(d tokenDigest) {
	s := &c.shards[d[0]%tokenCacheShards]
	s.mu.Lock()
	delete(s.entries, d)
	s.mu.Unlock()
}

// len returns the number of entries (for tests).
func (c *tokenCache) len() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.RLock()
		n += len(c.shards[i].entries)
		c.shards[i].mu.RUnlock()
	}
	return n
}
