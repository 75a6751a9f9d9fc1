package mcpauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/go-mcpauth/mcpauth/core/internal/jwkparse"
)

// Key-cache defaults: [Config.KeyRefreshInterval] and
// [Config.UnknownKeyRefreshInterval].
const (
	// defaultKeyRefreshInterval is the lifetime of a fetched JWKS when its
	// response has no Cache-Control max-age.
	defaultKeyRefreshInterval = 10 * time.Minute
	// minKeyRefreshInterval and maxKeyRefreshInterval bound the lifetime taken
	// from Cache-Control max-age (no-store and no-cache count as zero).
	minKeyRefreshInterval = time.Minute
	maxKeyRefreshInterval = 24 * time.Hour
	// defaultUnknownKeyRefreshInterval is the smallest gap between two JWKS
	// fetches caused by tokens whose kid is not cached (or whose signature
	// fails with a cached key).
	defaultUnknownKeyRefreshInterval = 30 * time.Second
)

// maxKeyCandidates bounds how many keys one token is tried against when it
// has no kid: a JWKS with many keys must not multiply the cost of a token.
const maxKeyCandidates = 4

// keySnapshot is an immutable view of an issuer's JWKS. Readers load it
// through an atomic pointer: the hot path takes no lock.
type keySnapshot struct {
	keys      []publicKey
	fetched   time.Time
	refreshAt time.Time // when a background refresh starts (80 % of the lifetime)
	expires   time.Time // after this, a request waits for a refresh
}

// match returns the keys that may verify a token with this kid and alg: the
// keys with that kid, or, for a token without kid, every key. Keys whose type
// or "alg" does not fit alg are left out (RFC 7517 §4.4). The result is
// written into buf to avoid an allocation.
func (s *keySnapshot) match(kid, alg string, buf []publicKey) []publicKey {
	out := buf[:0]
	for _, k := range s.keys {
		if kid != "" && k.kid != kid {
			continue
		}
		if k.alg != "" && k.alg != alg {
			continue
		}
		if !jwkparse.KeyFitsAlgorithm(k.key, alg) {
			continue
		}
		out = append(out, k)
		if len(out) == maxKeyCandidates {
			break
		}
	}
	return out
}

// hasKeys reports whether every key of c is still in the set.
func (s *keySnapshot) hasKeys(c candidateKeys) bool {
	for _, id := range c.ids[:c.n] {
		found := false
		for _, k := range s.keys {
			if k.id == id {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return c.n > 0
}

// keyIDs numbers key material: a key keeps its number across refreshes while
// the JWKS keeps publishing it, and a new or replaced key gets a new one, so
// that a verified-token cache entry can tell whether its key is still there.
var keyIDs atomic.Uint64

// assignKeyIDs gives each new key the identity of the same key in old, or a
// fresh one.
func assignKeyIDs(keys []publicKey, old *keySnapshot) {
	for i := range keys {
		if old != nil {
			for _, o := range old.keys {
				if keys[i].sameKey(o) {
					keys[i].id = o.id
					break
				}
			}
		}
		if keys[i].id == 0 {
			keys[i].id = keyIDs.Add(1)
		}
	}
}

// hasKID reports whether a key with this kid is cached, whatever its type.
func (s *keySnapshot) hasKID(kid string) bool {
	for _, k := range s.keys {
		if k.kid == kid {
			return true
		}
	}
	return false
}

// keyPolicy holds the tunables of every key set.
type keyPolicy struct {
	refreshInterval time.Duration // default lifetime
	unknownInterval time.Duration // limiter for unknown-kid refreshes
	now             func() time.Time
	log             *slog.Logger
	obs             Observer
}

// keySet caches the JWKS of one issuer. Its keys verify only that issuer's
// tokens: the issuer is checked before the key set is consulted.
type keySet struct {
	issuer string
	uri    string
	fetch  *fetcher
	policy *keyPolicy

	snap     atomic.Pointer[keySnapshot]
	mu       sync.Mutex // guards flight, and orders the decision to fetch
	flight   *keyFetch  // the fetch in progress, if any
	limiter  *rate.Limiter
	failures backoff
}

// keyFetch is one JWKS fetch, shared by every caller that needs it.
type keyFetch struct {
	done chan struct{} // closed when snap and err are set
	snap *keySnapshot
	err  error
}

func newKeySet(issuer, uri string, f *fetcher, p *keyPolicy) *keySet {
	return &keySet{
		issuer:  issuer,
		uri:     uri,
		fetch:   f,
		policy:  p,
		limiter: rate.NewLimiter(rate.Every(p.unknownInterval), 1),
	}
}

// current returns a usable snapshot: the cached one, refreshed first if it
// has expired (keeping it if the refresh fails: an authorization server that
// is down later must not take the resource server down), or fetched now if
// there is none. A stale-soon snapshot starts a background refresh.
func (s *keySet) current(ctx context.Context) (*keySnapshot, error) {
	return s.currentAt(ctx, s.policy.now())
}

// currentAt is current for a caller that already read the clock.
//
// A request that finds the set expired waits for the refresh, so that a key
// removed from the JWKS stops verifying as soon as the set's lifetime ends,
// unless the last fetch failed: then the server is known to be failing, the
// old keys are used at once and the refresh goes on in the background, so
// that a server that hangs does not add its fetch timeout to every request.
func (s *keySet) currentAt(ctx context.Context, now time.Time) (*keySnapshot, error) {
	snap := s.snap.Load()
	switch {
	case snap == nil:
		return s.refresh(ctx, refreshInitial, nil)
	case now.After(snap.expires):
		if s.failures.failing() {
			s.refreshInBackground(ctx, refreshExpired, snap)
			return snap, nil
		}
		if fresh, err := s.refresh(ctx, refreshExpired, snap); err == nil {
			return fresh, nil
		}
		return snap, nil
	case now.After(snap.refreshAt):
		s.refreshInBackground(ctx, refreshScheduled, snap)
	}
	return snap, nil
}

// start decides, under one lock, what a caller that has seen the snapshot
// seen and wants newer keys gets:
//
//   - the fetch in progress, to wait for (whatever the backoff and limiter);
//   - else the current snapshot, if it is no longer seen: a fetch ended
//     since the caller looked, and its keys are as new as a fetch would get;
//   - else the remembered failure, during the backoff after a failed fetch;
//   - else nothing (ok false) if limited and the unknown-kid limiter has no
//     token now: the caller is refused at once, never queued;
//   - else a new fetch.
//
// Taking all of these decisions under s.mu is what makes the fetch count
// exact: a caller can never start a second fetch because the first one
// ended between its check and its start.
func (s *keySet) start(ctx context.Context, reason refreshReason, seen *keySnapshot, limited bool) (f *keyFetch, cur *keySnapshot, ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flight != nil {
		return s.flight, nil, true, nil
	}
	if latest := s.snap.Load(); latest != seen {
		return nil, latest, true, nil
	}
	now := s.policy.now()
	if wait, ferr := s.failures.blocked(now); ferr != nil {
		return nil, nil, true, unavailable(ferr, wait)
	}
	if limited && !s.limiter.AllowN(now, 1) {
		return nil, nil, false, nil
	}
	f = &keyFetch{done: make(chan struct{})}
	s.flight = f
	// The fetch outlives a caller that gives up: others may be waiting.
	go s.run(context.WithoutCancel(ctx), reason, f)
	return f, nil, true, nil
}

// run performs the fetch f and ends it. The new snapshot (or the failure) is
// installed by load before the flight is cleared, so that start sees it.
func (s *keySet) run(ctx context.Context, reason refreshReason, f *keyFetch) {
	f.snap, f.err = s.load(ctx, reason)
	s.mu.Lock()
	s.flight = nil
	s.mu.Unlock()
	close(f.done)
}

// await waits for f, or for the caller's context.
func (s *keySet) await(ctx context.Context, f *keyFetch) (*keySnapshot, error) {
	select {
	case <-f.done:
		return f.snap, f.err
	case <-ctx.Done():
		return nil, &Error{Code: CodeServerUnavailable, Detail: "the request ended while waiting for the JWKS of " + s.issuer, Err: ctx.Err(), RetryAfter: minRetryBackoff}
	}
}

// refresh returns keys newer than seen, fetching them (one fetch at a time:
// concurrent callers share it) unless a fetch failed within the backoff, in
// which case the remembered failure is returned without a request.
func (s *keySet) refresh(ctx context.Context, reason refreshReason, seen *keySnapshot) (*keySnapshot, error) {
	f, cur, _, err := s.start(ctx, reason, seen, false)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		return cur, nil
	}
	return s.await(ctx, f)
}

// refreshForToken is the refresh a token that no key of seen verifies may
// cause (an unknown kid, or a failed signature: the key set may have
// rotated). It joins the fetch in progress or uses keys fetched since seen;
// otherwise it fetches only if the unknown-kid limiter allows it now. It
// never waits for the limiter: it returns nil, nil when no fetch is allowed.
func (s *keySet) refreshForToken(ctx context.Context, reason refreshReason, seen *keySnapshot) (*keySnapshot, error) {
	f, cur, ok, err := s.start(ctx, reason, seen, true)
	switch {
	case err != nil || !ok:
		return nil, err
	case f == nil:
		return cur, nil
	}
	return s.await(ctx, f)
}

// refreshInBackground starts a refresh unless one is running, the set has
// changed since seen, or the backoff forbids it; it does not wait.
func (s *keySet) refreshInBackground(ctx context.Context, reason refreshReason, seen *keySnapshot) {
	_, _, _, _ = s.start(ctx, reason, seen, false)
}

// load performs one fetch and installs the new snapshot.
func (s *keySet) load(ctx context.Context, reason refreshReason) (*keySnapshot, error) {
	start := s.policy.now()
	keys, skipped, ttl, err := s.fetchKeys(ctx)
	ev := KeysRefreshEvent{Issuer: s.issuer, JWKSURI: s.uri, Reason: string(reason), Skipped: len(skipped), Duration: s.policy.now().Sub(start), Err: err}
	for _, sk := range skipped {
		s.policy.log.Warn("mcpauth: skipping unusable JWK", "issuer", s.issuer, "jwks_uri", s.uri, "index", sk.index, "kid", sk.kid, "error", sk.err)
		s.policy.obs.keySkipped(KeySkippedEvent{Issuer: s.issuer, JWKSURI: s.uri, Index: sk.index, KeyID: sk.kid, Err: sk.err})
	}
	if err != nil {
		wait := s.failures.fail(s.policy.now(), err)
		if old := s.snap.Load(); old != nil {
			ev.Keys = len(old.keys)
		}
		s.policy.log.Warn("mcpauth: JWKS refresh failed", "issuer", s.issuer, "jwks_uri", s.uri, "reason", reason, "retry_in", wait, "error", err)
		s.policy.obs.keysRefreshed(ev)
		return nil, unavailable(err, wait)
	}
	s.failures.succeed()
	assignKeyIDs(keys, s.snap.Load())
	now := s.policy.now()
	snap := &keySnapshot{
		keys:      keys,
		fetched:   now,
		refreshAt: now.Add(ttl * 4 / 5),
		expires:   now.Add(ttl),
	}
	s.snap.Store(snap)
	ev.Keys = len(keys)
	s.policy.log.Debug("mcpauth: JWKS refreshed", "issuer", s.issuer, "jwks_uri", s.uri, "reason", reason, "keys", len(keys), "skipped", len(skipped), "ttl", ttl)
	s.policy.obs.keysRefreshed(ev)
	return snap, nil
}

// fetchKeys downloads and parses the JWKS and works out its lifetime.
func (s *keySet) fetchKeys(ctx context.Context) ([]publicKey, []skippedKey, time.Duration, error) {
	res, err := s.fetch.get(ctx, s.uri)
	if err != nil {
		return nil, nil, 0, err
	}
	keys, skipped, err := parseJWKS(res.body)
	if err != nil {
		return nil, nil, 0, &Error{Code: CodeFetchServerConfigError, Detail: fmt.Sprintf("GET %s: not a JWK Set", s.uri), Err: err}
	}
	ttl := s.policy.refreshInterval
	if age, ok := maxAge(res.header); ok {
		ttl = min(max(age, minKeyRefreshInterval), maxKeyRefreshInterval)
	}
	return keys, skipped, ttl, nil
}

// unavailable turns a fetch failure into the error a request gets when no
// key can be used. A failure that a retry may cure (network error, timeout,
// 429, 5xx) becomes CodeServerUnavailable, answered 503 with Retry-After; any
// other (404, a body that is not a JWK Set or not valid metadata) is a
// server misconfiguration and keeps its own code, answered 500.
func unavailable(err error, wait time.Duration) error {
	var e *Error
	if errors.As(err, &e) && !e.retryable && e.Code != CodeServerUnavailable {
		return err
	}
	if wait < time.Second {
		wait = time.Second
	}
	return &Error{Code: CodeServerUnavailable, Err: err, RetryAfter: wait}
}
