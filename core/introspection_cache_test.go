package mcpauth

import (
	"fmt"
	"testing"
	"time"
)

// TestIntrospectionCacheBounded: however many tokens are seen, the cache
// holds at most about its size; expired entries are dropped first.
func TestIntrospectionCacheBounded(t *testing.T) {
	const size = 64
	c := newIntrospectionCache(size)
	now := time.Now()
	for i := range 10_000 {
		c.put(digest(fmt.Sprint("token-", i)), &introspectionEntry{err: inactive(), expires: now.Add(time.Minute)}, now)
	}
	if n := c.len(); n > size+tokenCacheShards || n < size/2 {
		t.Errorf("%d entries for a size of %d", n, size)
	}
	// An expired entry is never returned, and goes on the next lookup.
	d := digest("short-lived")
	c.put(d, &introspectionEntry{err: inactive(), expires: now.Add(time.Second)}, now)
	if c.get(d, now) == nil {
		t.Fatal("a live entry was not found")
	}
	if c.get(d, now.Add(time.Second)) != nil {
		t.Error("an expired entry was returned")
	}
	// An entry already expired is not stored.
	c.put(digest("dead"), &introspectionEntry{err: inactive(), expires: now}, now)
	if c.get(digest("dead"), now.Add(-time.Second)) != nil {
		t.Error("an expired entry was stored")
	}
	if newIntrospectionCache(0) != nil || newIntrospectionCache(-1) != nil {
		t.Error("a cache of size <= 0 must be nil (off)")
	}
}

// TestLooksLikeJWS: the shape test of JWTOrIntrospection.
func TestLooksLikeJWS(t *testing.T) {
	tests := []struct {
		token string
		want  bool
	}{
		{"eyJhbGciOiJSUzI1NiJ9.e30.c2ln", true},      // {"alg":"RS256"}
		{"eyJhbGciOiJub25lIn0.e30.", true},           // {"alg":"none"}: a JWS, refused by JWT()
		{"eyJ0eXAiOiJKV1QifQ.e30.c2ln", false},       // {"typ":"JWT"}: no alg
		{"abc.def.ghi", false},                       // not base64url JSON
		{"opaque-token", false},                      // no dot
		{"ya29.a0AfH6SMBx", false},                   // Google-style: one dot
		{"eyJhbGciOiJSUzI1NiJ9.e30.c2ln.x.y", false}, // five parts (a JWE)
		{".e30.c2ln", false},                         // empty header
		{"W10.e30.c2ln", false},                      // [] is not an object
		{"eyJhbGciOiJSUzI1NiJ9", false},              // header only
	}
	for _, tt := range tests {
		if got := looksLikeJWS(tt.token); got != tt.want {
			t.Errorf("looksLikeJWS(%q) = %v, want %v", tt.token, got, tt.want)
		}
	}
}
