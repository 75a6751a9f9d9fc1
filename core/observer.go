package mcpauth

import "time"

// Observer receives the events worth monitoring: key-set refreshes, skipped
// keys, discovery fetches and verified-token cache lookups. Set the fields of
// the events you want (as with net/http/httptrace.ClientTrace); a nil field
// is skipped at the cost of one comparison. The functions are called
// synchronously, TokenCacheLookup on every request of JWT mode: they must be
// fast and safe for concurrent use. [New] copies the Observer: changing it
// afterwards has no effect. Events are also logged through [Config.Logger];
// no event ever carries a token.
type Observer struct {
	// KeysRefreshed is called after every JWKS fetch attempt.
	KeysRefreshed func(KeysRefreshEvent)
	// KeySkipped is called for every JWK left out of a key set; the JWKs
	// after the first 100 of a set are left out together, in one event
	// whose Index is 100.
	KeySkipped func(KeySkippedEvent)
	// DiscoveryFetched is called after every metadata discovery attempt.
	DiscoveryFetched func(DiscoveryEvent)
	// TokenCacheLookup is called for every lookup in the verified-token
	// cache, with whether it found a usable entry.
	TokenCacheLookup func(hit bool)
}

func (o *Observer) keysRefreshed(e KeysRefreshEvent) {
	if o.KeysRefreshed != nil {
		o.KeysRefreshed(e)
	}
}

func (o *Observer) keySkipped(e KeySkippedEvent) {
	if o.KeySkipped != nil {
		o.KeySkipped(e)
	}
}

func (o *Observer) discoveryFetched(e DiscoveryEvent) {
	if o.DiscoveryFetched != nil {
		o.DiscoveryFetched(e)
	}
}

// tokenCacheLookup is on the hot path: a nil check, no allocation.
func (o *Observer) tokenCacheLookup(hit bool) {
	if o.TokenCacheLookup != nil {
		o.TokenCacheLookup(hit)
	}
}

// refreshReason says what started a JWKS fetch: the Reason of a
// [KeysRefreshEvent].
type refreshReason string

// The reasons a JWKS is fetched.
const (
	refreshInitial    refreshReason = "initial"       // no keys cached yet
	refreshScheduled  refreshReason = "scheduled"     // the cached set is near the end of its lifetime
	refreshExpired    refreshReason = "expired"       // the cached set outlived its lifetime
	refreshUnknownKID refreshReason = "unknown_kid"   // a token named a kid the cached set lacks
	refreshBadKey     refreshReason = "bad_signature" // a token's signature failed with a cached key
)

// KeysRefreshEvent describes one JWKS fetch attempt.
type KeysRefreshEvent struct {
	Issuer  string
	JWKSURI string
	// Reason says what started the fetch: "initial" (no keys cached yet),
	// "scheduled" (the cached set is near the end of its lifetime),
	// "expired" (the cached set outlived its lifetime), "unknown_kid" (a
	// token named a kid the cached set lacks) or "bad_signature" (a token's
	// signature failed with a cached key: the keys may have rotated).
	Reason   string
	Keys     int           // usable keys now cached (after a failure: still cached)
	Skipped  int           // JWKs of the response left out
	Duration time.Duration // time the fetch took
	Err      error         // nil on success
}

// KeySkippedEvent describes a JWK that could not be used.
type KeySkippedEvent struct {
	Issuer  string
	JWKSURI string
	Index   int    // position in the "keys" array
	KeyID   string // its "kid", if any
	Err     error
}

// DiscoveryEvent describes one metadata discovery attempt.
type DiscoveryEvent struct {
	Issuer   string
	URL      string
	Duration time.Duration
	Err      error
	// Warnings are the codes of what the metadata lacks for MCP clients
	// (e.g. "pkce_not_supported"), set on the first successful discovery of
	// an issuer only, like the log line that describes them.
	Warnings []string
}
