package mcpauth

import (
	"sync"
	"time"
)

// introspectionEntry is one cached introspection answer: an AuthInfo
// (without its Token) for an active token, or the refusal of the token.
type introspectionEntry struct {
	info    *AuthInfo
	err     error
	expires time.Time
}

// introspectionCache holds recent introspection answers, keyed by token
// digest (the token itself is never stored). It is sharded like the
// verified-token cache so that concurrent requests rarely share a lock, and
// bounded: a full shard drops expired entries first, then arbitrary ones
// (Go's map order is random), so it never grows past its size.
type introspectionCache struct {
	perPart int
	shards  [tokenCacheShards]introspectionShard
}

type introspectionShard struct {
	mu      sync.RWMutex
	entries map[tokenDigest]*introspectionEntry
}

// newIntrospectionCache returns a cache for about size entries, or nil when
// size <= 0.
func newIntrospectionCache(size int) *introspectionCache {
	if size <= 0 {
		return nil
	}
	c := &introspectionCache{perPart: max(1, (size+tokenCacheShards-1)/tokenCacheShards)}
	for i := range c.shards {
		c.shards[i].entries = make(map[tokenDigest]*introspectionEntry)
	}
	return c
}

// get returns the live entry of d, or nil; an expired entry is dropped.
func (c *introspectionCache) get(d tokenDigest, now time.Time) *introspectionEntry {
	s := &c.shards[d[0]%tokenCacheShards]
	s.mu.RLock()
	e := s.entries[d]
	s.mu.RUnlock()
	if e == nil {
		return nil
	}
	if !now.Before(e.expires) {
		s.mu.Lock()
		if s.entries[d] == e {
			delete(s.entries, d)
		}
		s.mu.Unlock()
		return nil
	}
	return e
}

// put stores e unless it is already expired at now.
func (c *introspectionCache) put(d tokenDigest, e *introspectionEntry, now time.Time) {
	if !now.Before(e.expires) {
		return
	}
	s := &c.shards[d[0]%tokenCacheShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[d]; !ok && len(s.entries) >= c.perPart {
		for k, old := range s.entries {
			if !now.Before(old.expires) {
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

// len returns the number of entries (for tests).
func (c *introspectionCache) len() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.RLock()
		n += len(c.shards[i].entries)
		c.shards[i].mu.RUnlock()
	}
	return n
}
