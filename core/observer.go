package mcpauth

import "time"

// Observer receives the events worth monitoring: key-set refreshes, skipped
// keys, discovery fetches and verified-token cache lookups. Implementations
// must be fast and safe for concurrent use; they are called synchronously.
// Embed [NopObserver] to implement only some methods and keep compiling when
// methods are added. Events are also logged through [Config.Logger]; no
// event ever carries a token.
type Observer interface {
	// KeysRefreshed is called after every JWKS fetch attempt.
	KeysRefreshed(KeysRefreshEvent)
	// KeySkipped is called for every JWK left out of a key set; the JWKs
	// after the first 100 of a set are left out together, in one event
	// whose Index is 100.
	KeySkipped(KeySkippedEvent)
	// DiscoveryFetched is called after every metadata discovery attempt.
	DiscoveryFetched(DiscoveryEvent)
	// TokenCacheLookup is called for every lookup in the verified-token cache.
	TokenCacheLookup(hit bool)
}

// RefreshReason says what started a JWKS fetch.
type RefreshReason string

// The reasons a JWKS is fetched.
const (
	RefreshInitial    RefreshReason = "initial"     // no keys cached yet
	RefreshScheduled  RefreshReason = "scheduled"   // the cached set is near the end of its lifetime
	RefreshExpired    RefreshReason = "expired"     // the cached set outlived its lifetime
	RefreshUnknownKID RefreshReason = "unknown_kid" // a token named a kid the cached set lacks
	RefreshBadKey     RefreshReason = "bad_signature"
)

// KeysRefreshEvent describes one JWKS fetch attempt.
type KeysRefreshEvent struct {
	Issuer   string
	JWKSURI  string
	Reason   RefreshReason
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

// NopObserver implements [Observer] and does nothing.
type NopObserver struct{}

// KeysRefreshed does nothing.
func (NopObserver) KeysRefreshed(KeysRefreshEvent) {}

// KeySkipped does nothing.
func (NopObserver) KeySkipped(KeySkippedEvent) {}

// DiscoveryFetched does nothing.
func (NopObserver) DiscoveryFetched(DiscoveryEvent) {}

// TokenCacheLookup does nothing.
func (NopObserver) TokenCacheLookup(bool) {}
