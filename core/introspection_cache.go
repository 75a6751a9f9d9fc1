package mcpauth

import "time"

// introspectionEntry is one cached introspection answer: an AuthInfo
// (without its Token) for an active token, or the refusal of the token.
type introspectionEntry struct {
	info    *AuthInfo
	err     error
	expires time.Time
}

// introspectionCache holds recent introspection answers, keyed by token
// digest (the token itself is never stored), bounded like the
// verified-token cache (digestCache).
type introspectionCache = digestCache[*introspectionEntry]

// newIntrospectionCache returns a cache for about size entries, or nil when
// size <= 0.
func newIntrospectionCache(size int) *introspectionCache {
	if size <= 0 {
		return nil
	}
	return newDigestCache[*introspectionEntry](size)
}

func (e *introspectionEntry) expiry() time.Time { return e.expires }
