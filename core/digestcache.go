package mcpauth

import (
	"sync"
	"time"
)

// tokenCacheShards splits a digest cache so that concurrent requests rarely
// contend for the same lock; a power of two.
const tokenCacheShards = 32

// expiring is an entry of a digestCache: a pointer (nil means absent) that
// knows when it stops being valid.
type expiring interface {
	comparable
	expiry() time.Time
}

// digestCache is a bounded map from token digests to expiring entries, the
// storage of the verified-token cache and of the introspection cache. It is
// sharded by the digest's first byte; a full shard drops its expired
// entries first, then arbitrary ones (Go's map order is random), so it never
// grows past its size. Expired entries are never returned.
type digestCache[E expiring] struct {
	perPart int
	shards  [tokenCacheShards]digestShard[E]
}

type digestShard[E expiring] struct {
	mu      sync.RWMutex
	entries map[tokenDigest]E
}

// newDigestCache returns a cache for about size entries (size > 0).
func newDigestCache[E expiring](size int) *digestCache[E] {
	c := &digestCache[E]{perPart: max(1, (size+tokenCacheShards-1)/tokenCacheShards)}
	for i := range c.shards {
		c.shards[i].entries = make(map[tokenDigest]E)
	}
	return c
}

// get returns the live entry of d, or the zero E; an expired entry is
// dropped.
func (c *digestCache[E]) get(d tokenDigest, now time.Time) E {
	var zero E
	s := &c.shards[d[0]%tokenCacheShards]
	s.mu.RLock()
	e, ok := s.entries[d]
	s.mu.RUnlock()
	if !ok {
		return zero
	}
	if !now.Before(e.expiry()) {
		s.mu.Lock()
		if s.entries[d] == e {
			delete(s.entries, d)
		}
		s.mu.Unlock()
		return zero
	}
	return e
}

// put stores e unless it is already expired at now.
func (c *digestCache[E]) put(d tokenDigest, e E, now time.Time) {
	if !now.Before(e.expiry()) {
		return
	}
	s := &c.shards[d[0]%tokenCacheShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[d]; !ok && len(s.entries) >= c.perPart {
		for k, old := range s.entries {
			if !now.Before(old.expiry()) {
				delete(s.entries, k)
			}
		}
		for k := range s.entries {
			if len(s.entries) < c.perPart {
				break
			}
			delete(s.entries, k)
		}
	}
	s.entries[d] = e
}

// drop removes d.
func (c *digestCache[E]) drop(d tokenDigest) {
	s := &c.shards[d[0]%tokenCacheShards]
	s.mu.Lock()
	delete(s.entries, d)
	s.mu.Unlock()
}

// len returns the number of entries (for tests).
func (c *digestCache[E]) len() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.RLock()
		n += len(c.shards[i].entries)
		c.shards[i].mu.RUnlock()
	}
	return n
}
