package mcpauth

import (
	"sync"
	"time"
)

// Bounds of the pause after a failed fetch, during which requests are
// answered at once from the remembered failure instead of each one hitting an
// authorization server that is down. The pause doubles after each
// consecutive failure and resets after a success.
const (
	minRetryBackoff = time.Second
	maxRetryBackoff = 30 * time.Second
)

// backoff remembers the last failure of a fetch.
type backoff struct {
	mu       sync.Mutex
	err      error
	until    time.Time
	failures int
}

// blocked returns how long until the next attempt is allowed and the
// remembered error, or a nil error when an attempt may be made now.
func (b *backoff) blocked(now time.Time) (time.Duration, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil || !now.Before(b.until) {
		return 0, nil
	}
	return b.until.Sub(now), b.err
}

// failing reports whether the last attempt failed (whether or not the pause
// after it has elapsed).
func (b *backoff) failing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err != nil
}

// fail records a failure at now and returns the pause before the next attempt.
func (b *backoff) fail(now time.Time, err error) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := minRetryBackoff << min(b.failures, 5)
	d = min(d, maxRetryBackoff)
	b.failures++
	b.err = err
	b.until = now.Add(d)
	return d
}

// succeed clears the failure state.
func (b *backoff) succeed() {
	b.mu.Lock()
	b.err, b.failures, b.until = nil, 0, time.Time{}
	b.mu.Unlock()
}
