package mcpauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// cacheObserver counts cache lookups and JWKS fetches.
type cacheObserver struct {
	hits, misses, refreshes atomic.Int32
}

func (o *cacheObserver) TokenCacheLookup(hit bool) {
	if hit {
		o.hits.Add(1)
	} else {
		o.misses.Add(1)
	}
}

func (o *cacheObserver) KeysRefreshed(KeysRefreshEvent) { o.refreshes.Add(1) }

// observer is o as a Config.Observer.
func (o *cacheObserver) observer() *Observer {
	return &Observer{TokenCacheLookup: o.TokenCacheLookup, KeysRefreshed: o.KeysRefreshed}
}

// fakeClock is a settable clock for the key cache and the token cache.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const cacheResource = "https://api.example.com/mcp"

// cacheSetup builds a bearer over iss with a fake clock and an observer.
func cacheSetup(t *testing.T, iss *mcpauthtest.Issuer, opts BearerOptions) (*Bearer, *fakeClock, *cacheObserver) {
	t.Helper()
	obs := &cacheObserver{}
	auth, err := New(Config{
		ProtectedResources: []ProtectedResource{{Resource: cacheResource, AuthorizationServers: []AuthServer{Discover(iss.URL(), OIDC)}}},
		Logger:             slog.New(slog.DiscardHandler),
		Observer:           obs.observer(),
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: time.Now()}
	auth.policy.now = clock.Now
	opts.Resource = cacheResource
	b, err := auth.BearerAuth(JWT(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return b, clock, obs
}

func TestTokenCache(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	claims := func(sub string, ttl time.Duration, scope string) map[string]any {
		return map[string]any{"sub": sub, "aud": cacheResource, "scope": scope, "exp": time.Now().Add(ttl).Unix()}
	}

	t.Run("a token seen again is not verified again, and its copy carries the token", func(t *testing.T) {
		b, _, obs := cacheSetup(t, iss, BearerOptions{})
		tok := iss.MustToken(t, claims("alice", time.Hour, "read"))
		first, err := b.Authenticate(context.Background(), "Bearer "+tok)
		if err != nil {
			t.Fatal(err)
		}
		second, err := b.Authenticate(context.Background(), "Bearer "+tok)
		if err != nil {
			t.Fatal(err)
		}
		if obs.hits.Load() != 1 || obs.misses.Load() != 1 {
			t.Fatalf("%d hits, %d misses; want 1, 1", obs.hits.Load(), obs.misses.Load())
		}
		if second == first || second.Token != tok || second.Subject != "alice" {
			t.Fatalf("hit returned %+v", second)
		}
		e := b.cache.get(digest(tok), b.now())
		if e == nil || e.info.Token != "" {
			t.Fatal("the cache entry keeps the token")
		}
	})

	t.Run("scope and audience requirements run on every hit", func(t *testing.T) {
		b, _, obs := cacheSetup(t, iss, BearerOptions{RequiredScopes: []string{"admin"}})
		tok := iss.MustToken(t, claims("bob", time.Hour, "read"))
		for range 2 {
			if _, err := b.Authenticate(context.Background(), "Bearer "+tok); !errors.Is(err, CodeMissingRequiredScopes) {
				t.Fatalf("got %v", err)
			}
		}
		if obs.hits.Load() != 1 {
			t.Fatalf("%d hits; want 1", obs.hits.Load())
		}
	})

	t.Run("only successful verifications are stored", func(t *testing.T) {
		b, _, _ := cacheSetup(t, iss, BearerOptions{})
		other := mcpauthtest.MustNewIssuer(t)
		forged := other.MustToken(t, map[string]any{"iss": iss.URL(), "sub": "mallory", "aud": cacheResource})
		for range 2 {
			if _, err := b.Authenticate(context.Background(), "Bearer "+forged); !errors.Is(err, CodeInvalidToken) {
				t.Fatalf("got %v", err)
			}
		}
		if b.cache.len() != 0 {
			t.Fatal("a refused token was cached")
		}
	})

	t.Run("an entry never outlives exp", func(t *testing.T) {
		b, clock, obs := cacheSetup(t, iss, BearerOptions{Leeway: -1})
		tok := iss.MustToken(t, claims("carol", 30*time.Second, "read"))
		if _, err := b.Authenticate(context.Background(), "Bearer "+tok); err != nil {
			t.Fatal(err)
		}
		clock.Add(31 * time.Second)
		if _, err := b.Authenticate(context.Background(), "Bearer "+tok); !errors.Is(err, CodeInvalidToken) {
			t.Fatalf("expired token accepted: %v", err)
		}
		if obs.hits.Load() != 0 {
			t.Fatal("the expired entry was used")
		}
	})

	t.Run("an entry never outlives the maximum age", func(t *testing.T) {
		b, clock, obs := cacheSetup(t, iss, BearerOptions{TokenCacheMaxAge: time.Minute})
		tok := iss.MustToken(t, claims("dave", time.Hour, "read"))
		for range 2 {
			if _, err := b.Authenticate(context.Background(), "Bearer "+tok); err != nil {
				t.Fatal(err)
			}
			clock.Add(61 * time.Second)
		}
		if obs.hits.Load() != 0 || obs.misses.Load() != 2 {
			t.Fatalf("%d hits, %d misses; want 0, 2", obs.hits.Load(), obs.misses.Load())
		}
	})

	t.Run("an entry dies when its key leaves the JWKS", func(t *testing.T) {
		rotating := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
		b, clock, obs := cacheSetup(t, rotating, BearerOptions{TokenCacheMaxAge: time.Hour})
		tok := rotating.MustToken(t, claims("erin", time.Hour, "read"))
		if _, err := b.Authenticate(context.Background(), "Bearer "+tok); err != nil {
			t.Fatal(err)
		}
		old := rotating.DefaultKeyID()
		if _, err := rotating.AddKey(mcpauthtest.ES256); err != nil {
			t.Fatal(err)
		}
		rotating.RemoveKey(old)
		clock.Add(defaultKeyRefreshInterval + time.Second) // the key set expires: the next request refreshes it
		if _, err := b.Authenticate(context.Background(), "Bearer "+tok); !errors.Is(err, CodeInvalidToken) {
			t.Fatalf("token of a removed key accepted: %v", err)
		}
		if obs.hits.Load() != 0 || obs.refreshes.Load() < 2 {
			t.Fatalf("%d hits, %d refreshes; want 0 hits after a refresh", obs.hits.Load(), obs.refreshes.Load())
		}
	})

	t.Run("an unchanged key keeps its entries across refreshes", func(t *testing.T) {
		b, clock, obs := cacheSetup(t, iss, BearerOptions{TokenCacheMaxAge: time.Hour})
		tok := iss.MustToken(t, claims("frank", 2*defaultKeyRefreshInterval, "read"))
		if _, err := b.Authenticate(context.Background(), "Bearer "+tok); err != nil {
			t.Fatal(err)
		}
		clock.Add(defaultKeyRefreshInterval + time.Second) // the key set expires and is fetched again
		if _, err := b.Authenticate(context.Background(), "Bearer "+tok); err != nil {
			t.Fatal(err)
		}
		if obs.hits.Load() != 1 || obs.refreshes.Load() != 2 {
			t.Fatalf("%d hits, %d refreshes; want 1, 2", obs.hits.Load(), obs.refreshes.Load())
		}
	})

	t.Run("the cache is bounded", func(t *testing.T) {
		b, _, _ := cacheSetup(t, iss, BearerOptions{TokenCacheSize: 64})
		for i := range 300 {
			if _, err := b.Authenticate(context.Background(), "Bearer "+iss.MustToken(t, claims(fmt.Sprint("u", i), time.Hour, "read"))); err != nil {
				t.Fatal(err)
			}
		}
		if n := b.cache.len(); n > 64 || n == 0 {
			t.Fatalf("%d entries; want 1..64", n)
		}
	})

	t.Run("a negative size disables the cache", func(t *testing.T) {
		b, _, obs := cacheSetup(t, iss, BearerOptions{TokenCacheSize: -1})
		tok := iss.MustToken(t, claims("gina", time.Hour, "read"))
		for range 2 {
			if _, err := b.Authenticate(context.Background(), "Bearer "+tok); err != nil {
				t.Fatal(err)
			}
		}
		if b.cache != nil || obs.hits.Load()+obs.misses.Load() != 0 {
			t.Fatal("the cache was used")
		}
	})
}

// TestTokenCacheConcurrent checks under -race that concurrent requests with
// different tokens each get their own identity from the cache.
func TestTokenCacheConcurrent(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	b, _, _ := cacheSetup(t, iss, BearerOptions{TokenCacheSize: 16})
	tokens := make([]string, 24)
	for i := range tokens {
		tokens[i] = iss.MustToken(t, map[string]any{"sub": fmt.Sprint("user-", i), "aud": cacheResource})
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				i := (w*7 + j) % len(tokens)
				info, err := b.Authenticate(context.Background(), "Bearer "+tokens[i])
				if err != nil || info.Subject != fmt.Sprint("user-", i) || info.Token != tokens[i] {
					t.Errorf("token %d: %v %+v", i, err, info)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkAuthInfoForRequest is the per-request copy a verified-token cache
// hit pays so that no two requests share an AuthInfo or its slices: one
// AuthInfo and one array for Scopes and Audience.
func BenchmarkAuthInfoForRequest(b *testing.B) {
	info := &AuthInfo{Issuer: "https://as.example.com", Subject: "alice", ClientID: "c", Scopes: []string{"read", "write"}, Audience: []string{"https://api.example.com/mcp"}, Claims: map[string]any{"sub": "alice"}}
	b.ReportAllocs()
	for b.Loop() {
		authInfoSink = info.forRequest("token") // escapes, as in a request
	}
}

var authInfoSink *AuthInfo
