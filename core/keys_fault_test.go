package mcpauth

// Fault injection: real authorization servers (mcpauthtest issuers on
// loopback) that misbehave on purpose, against the key cache, the discovery
// and the bearer check. Time is a fake clock (auth.policy.now) so that
// lifetimes, backoffs and the unknown-kid rate limit are exact and no test
// sleeps; only fetch timeouts use real time, set small.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	"github.com/go-mcpauth/mcpauth/core/internal/jwkparse"
)

const faultResource = "https://api.example.com/mcp"

// countingObserver records every event, for assertions.
type countingObserver struct {
	mu          sync.Mutex
	refreshes   []KeysRefreshEvent
	skipped     []KeySkippedEvent
	discoveries []DiscoveryEvent
	hits        int
	misses      int
}

// observer is o as a Config.Observer, every event set.
func (o *countingObserver) observer() *Observer {
	return &Observer{KeysRefreshed: o.KeysRefreshed, KeySkipped: o.KeySkipped, DiscoveryFetched: o.DiscoveryFetched, TokenCacheLookup: o.TokenCacheLookup}
}

func (o *countingObserver) KeysRefreshed(e KeysRefreshEvent) {
	o.mu.Lock()
	o.refreshes = append(o.refreshes, e)
	o.mu.Unlock()
}

func (o *countingObserver) KeySkipped(e KeySkippedEvent) {
	o.mu.Lock()
	o.skipped = append(o.skipped, e)
	o.mu.Unlock()
}

func (o *countingObserver) DiscoveryFetched(e DiscoveryEvent) {
	o.mu.Lock()
	o.discoveries = append(o.discoveries, e)
	o.mu.Unlock()
}

func (o *countingObserver) TokenCacheLookup(hit bool) {
	o.mu.Lock()
	if hit {
		o.hits++
	} else {
		o.misses++
	}
	o.mu.Unlock()
}

// refreshEvents returns a copy of the KeysRefreshed events so far.
func (o *countingObserver) refreshEvents() []KeysRefreshEvent {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]KeysRefreshEvent(nil), o.refreshes...)
}

func (o *countingObserver) refreshCount() int { return len(o.refreshEvents()) }

func (o *countingObserver) discoveryCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.discoveries)
}

// skippedEvents returns a copy of the KeySkipped events so far.
func (o *countingObserver) skippedEvents() []KeySkippedEvent {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]KeySkippedEvent(nil), o.skipped...)
}

// lastRefresh waits until there are at least n refresh events and returns
// the n-th. Background refreshes run on their own goroutine: this is how a
// test knows one has finished, without sleeping for a guessed time.
func (o *countingObserver) waitRefresh(t *testing.T, n int) KeysRefreshEvent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ev := o.refreshEvents(); len(ev) >= n {
			return ev[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for refresh event %d; have %d", n, len(o.refreshEvents()))
		}
		time.Sleep(time.Millisecond)
	}
}

// faultEnv is a bearer over one issuer with a fake clock and an observer.
type faultEnv struct {
	iss   *mcpauthtest.Issuer
	auth  *Auth
	b     *Bearer
	clock *fakeClock
	obs   *countingObserver
}

// newFaultEnv builds the bearer; edit may change the configuration. The
// verified-token cache is off unless edit turns it on, so that every request
// goes through the key cache.
func newFaultEnv(t *testing.T, iss *mcpauthtest.Issuer, edit ...func(*Config, *BearerOptions)) *faultEnv {
	t.Helper()
	obs := &countingObserver{}
	cfg := Config{
		ProtectedResources: []ProtectedResource{{Resource: faultResource, AuthorizationServers: []AuthServer{Discover(iss.URL(), OIDC)}}},
		Logger:             slog.New(slog.DiscardHandler),
		Observer:           obs.observer(),
	}
	opts := BearerOptions{Resource: faultResource, TokenCacheSize: -1}
	for _, e := range edit {
		e(&cfg, &opts)
	}
	auth, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: time.Now()}
	auth.policy.now = clock.Now
	b, err := auth.BearerAuth(JWT(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return &faultEnv{iss: iss, auth: auth, b: b, clock: clock, obs: obs}
}

// token mints a token for the resource that outlives any fake-clock jump of
// a test.
func (e *faultEnv) token(t *testing.T, opts ...mcpauthtest.TokenOption) string {
	t.Helper()
	return e.iss.MustToken(t, map[string]any{"sub": "alice", "aud": faultResource, "exp": time.Now().Add(48 * time.Hour).Unix()}, opts...)
}

// try authenticates token and returns the HTTP answer's status (200 when
// accepted), its Retry-After header and the error.
func (e *faultEnv) try(ctx context.Context, token string) (int, string, error) {
	_, err := e.b.Authenticate(ctx, "Bearer "+token)
	if err == nil {
		return http.StatusOK, "", nil
	}
	resp := e.b.ErrorResponse(err)
	return resp.Status, resp.Header.Get("Retry-After"), err
}

// expect fails the test unless token gets status (and, for 503, a
// Retry-After of retryAfter when not empty).
func (e *faultEnv) expect(t *testing.T, token string, status int, retryAfter string) {
	t.Helper()
	_ = e.expectErr(t, token, status, retryAfter)
}

// expectErr is expect that returns the error, for more checks.
func (e *faultEnv) expectErr(t *testing.T, token string, status int, retryAfter string) error {
	t.Helper()
	got, ra, err := e.try(context.Background(), token)
	if got != status {
		t.Fatalf("status %d (%v), want %d", got, err, status)
	}
	if status == http.StatusServiceUnavailable && ra == "" {
		t.Fatalf("503 without Retry-After: %v", err)
	}
	if retryAfter != "" && ra != retryAfter {
		t.Fatalf("Retry-After %q, want %q", ra, retryAfter)
	}
	return err
}

// jwksPath is the JWKS path of an issuer without path.
const jwksPath = "/jwks"

// abort closes the connection without an answer: what a client sees of a
// server that died or a proxy that dropped it.
func abort(w http.ResponseWriter, r *http.Request) bool { panic(http.ErrAbortHandler) }

// only restricts a fault to one path.
func only(path string, f func(http.ResponseWriter, *http.Request) bool) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != path {
			return false
		}
		return f(w, r)
	}
}

// esIssuer is an issuer with one ES256 key: instant to create.
func esIssuer(t *testing.T, opts ...mcpauthtest.Option) *mcpauthtest.Issuer {
	return mcpauthtest.MustNewIssuer(t, append([]mcpauthtest.Option{mcpauthtest.WithAlgorithms(mcpauthtest.ES256)}, opts...)...)
}

// TestFaultServerDownAtStart: New and BearerAuth make no request, so the
// resource server starts while its authorization server is down; requests
// get 503 with Retry-After (the backoff, doubling) without each one hitting
// the dead server, and recovery is automatic once it is back.
func TestFaultServerDownAtStart(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault func(http.ResponseWriter, *http.Request) bool
		count func(*countingObserver) int // fetch attempts (the server may see two per attempt: net/http retries a GET once on a dropped reused connection)
	}{
		{"discovery connection dropped", abort, (*countingObserver).discoveryCount},
		{"discovery 503", func(w http.ResponseWriter, r *http.Request) bool {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return true
		}, (*countingObserver).discoveryCount},
		{"JWKS connection dropped", only(jwksPath, abort), (*countingObserver).refreshCount},
		{"JWKS 429", only(jwksPath, func(w http.ResponseWriter, r *http.Request) bool {
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return true
		}), (*countingObserver).refreshCount},
	} {
		t.Run(c.name, func(t *testing.T) {
			iss := esIssuer(t)
			iss.SetFault(c.fault)
			e := newFaultEnv(t, iss)
			if err := e.auth.Prefetch(context.Background()); !errors.Is(err, CodeServerUnavailable) {
				t.Fatalf("Prefetch: %v", err)
			}
			tok := e.token(t)
			if n := c.count(e.obs); n != 1 {
				t.Fatalf("%d attempts after Prefetch; want 1", n)
			}
			seen := iss.JWKSRequests() + iss.DiscoveryRequests()
			// Within the first backoff (1 s): answered at once, no request.
			for range 5 {
				e.expect(t, tok, http.StatusServiceUnavailable, "1")
			}
			if n := c.count(e.obs); n != 1 || iss.JWKSRequests()+iss.DiscoveryRequests() != seen {
				t.Fatalf("%d attempts during the backoff; want 1 and no request", n)
			}
			// The backoff elapsed: one new attempt, which fails; the next
			// pause is twice as long.
			e.clock.Add(time.Second)
			e.expect(t, tok, http.StatusServiceUnavailable, "2")
			if n := c.count(e.obs); n != 2 {
				t.Fatalf("%d attempts; want 2", n)
			}
			// The server is back: the first request after the pause succeeds.
			iss.SetFault(nil)
			e.clock.Add(2 * time.Second)
			e.expect(t, tok, http.StatusOK, "")
			e.expect(t, tok, http.StatusOK, "")
			if n := c.count(e.obs); n != 3 {
				t.Fatalf("%d attempts; want 3", n)
			}
		})
	}
}

// TestFaultServerDiesMidRun: once keys are cached, an authorization server
// that goes away costs nothing: the cached keys keep verifying through the
// background refresh, past the set's lifetime, and a token with an unknown
// kid is refused with 401 (not 503: the keys are there, this token's is not).
func TestFaultServerDiesMidRun(t *testing.T) {
	iss := esIssuer(t)
	e := newFaultEnv(t, iss)
	tok := e.token(t)
	e.expect(t, tok, http.StatusOK, "")
	newKID, err := iss.AddUnpublishedKey(mcpauthtest.ES256)
	if err != nil {
		t.Fatal(err)
	}
	unknown := e.token(t, mcpauthtest.WithKeyID(newKID))
	iss.Close()

	e.clock.Add(4*time.Minute + time.Second) // past 80 % of max-age=300
	e.expect(t, tok, http.StatusOK, "")
	if ev := e.obs.waitRefresh(t, 2); ev.Reason != "scheduled" || ev.Err == nil || ev.Keys != 1 {
		t.Fatalf("background refresh event %+v", ev)
	}
	e.clock.Add(2 * time.Minute) // past the lifetime
	for range 3 {
		e.expect(t, tok, http.StatusOK, "")
	}
	if err := e.expectErr(t, unknown, http.StatusUnauthorized, ""); !errors.Is(err, CodeInvalidToken) {
		t.Fatalf("unknown kid: %v", err)
	}
}

// TestFaultBadJWKSResponses: a JWKS endpoint that answers 500, HTML, a cut
// JSON document, 10 MiB, or nothing at all. At start-up the request is
// refused (503 with Retry-After when a retry may help, 500 when the server
// is misconfigured); mid-run the cached keys keep serving; once the server
// is fixed the next attempt after the backoff recovers.
func TestFaultBadJWKSResponses(t *testing.T) {
	const hangTimeout = 100 * time.Millisecond // real time: how long a hanging server is waited for
	cases := []struct {
		name    string
		fault   func(iss *mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool
		status  int // at start-up
		detail  string
		timeout time.Duration // Config.FetchTimeout; 0: the default
	}{
		{"500", func(*mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return true
			}
		}, http.StatusServiceUnavailable, "expected status 200, got 500", 0},
		{"404", func(*mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool { http.NotFound(w, r); return true }
		}, http.StatusInternalServerError, "expected status 200, got 404", 0},
		{"HTML login page", func(*mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "text/html")
				_, _ = io.WriteString(w, "<!doctype html><html><body><form>Sign in</form></body></html>")
				return true
			}
		}, http.StatusInternalServerError, "not a JWK Set", 0},
		{"truncated JSON", func(iss *mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool {
			body := iss.JWKSJSON()
			body = body[:len(body)/2]
			return func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(body)
				return true
			}
		}, http.StatusInternalServerError, "not a JWK Set", 0},
		{"JSON that is not a JWK Set", func(*mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				_, _ = io.WriteString(w, `{"error":"unauthorized"}`)
				return true
			}
		}, http.StatusInternalServerError, "not a JWK Set", 0},
		{"10 MiB body", func(*mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"keys":[`)
				chunk := []byte(strings.Repeat(" ", 64<<10))
				for range 160 {
					if _, err := w.Write(chunk); err != nil {
						break // the client stopped reading at the limit
					}
				}
				return true
			}
		}, http.StatusInternalServerError, "larger than the 1048576-byte limit", 0},
		{"hangs", func(*mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				<-r.Context().Done()
				return true
			}
		}, http.StatusServiceUnavailable, "deadline exceeded", hangTimeout},
		{"hangs after the headers", func(*mcpauthtest.Issuer) func(http.ResponseWriter, *http.Request) bool {
			return func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"keys":[`)
				w.(http.Flusher).Flush()
				<-r.Context().Done()
				return true
			}
		}, http.StatusServiceUnavailable, "reading the body", hangTimeout},
	}
	for _, c := range cases {
		withTimeout := func(cfg *Config, _ *BearerOptions) { cfg.FetchTimeout = c.timeout }
		t.Run(c.name+"/at start-up", func(t *testing.T) {
			iss := esIssuer(t)
			iss.SetFault(only(jwksPath, c.fault(iss)))
			e := newFaultEnv(t, iss, withTimeout)
			tok := e.token(t)
			err := e.expectErr(t, tok, c.status, "")
			if !strings.Contains(err.Error(), c.detail) {
				t.Fatalf("error %q does not say %q", err, c.detail)
			}
			if ev := e.obs.refreshEvents(); len(ev) != 1 || ev[0].Err == nil || ev[0].Reason != "initial" {
				t.Fatalf("refresh events %+v", ev)
			}
			// The failure is remembered for the backoff: no new request.
			e.expect(t, tok, c.status, "")
			if n := iss.JWKSRequests(); n != 1 {
				t.Fatalf("%d JWKS requests during the backoff; want 1", n)
			}
			iss.SetFault(nil)
			e.clock.Add(time.Second)
			e.expect(t, tok, http.StatusOK, "")
		})
		t.Run(c.name+"/mid-run", func(t *testing.T) {
			iss := esIssuer(t)
			e := newFaultEnv(t, iss, withTimeout)
			tok := e.token(t)
			e.expect(t, tok, http.StatusOK, "")
			iss.SetFault(only(jwksPath, c.fault(iss)))
			e.clock.Add(5*time.Minute + time.Second) // the set expired: a request refreshes it, the refresh fails
			e.expect(t, tok, http.StatusOK, "")
			if ev := e.obs.waitRefresh(t, 2); ev.Err == nil || ev.Keys != 1 {
				t.Fatalf("refresh event %+v", ev)
			}
			e.expect(t, tok, http.StatusOK, "")
			iss.SetFault(nil)
			e.clock.Add(time.Second) // the backoff elapsed
			e.expect(t, tok, http.StatusOK, "")
			if ev := e.obs.waitRefresh(t, 3); ev.Err != nil {
				t.Fatalf("refresh after recovery %+v", ev)
			}
		})
	}
}

// TestFaultHangingServerDoesNotStallRequests: once a refresh has failed, a
// request that finds the key set expired is answered with the cached keys at
// once and the refresh goes on in the background: an authorization server
// that accepts connections and never answers must not add its fetch timeout
// to the latency of every request after each backoff.
func TestFaultHangingServerDoesNotStallRequests(t *testing.T) {
	iss := esIssuer(t)
	e := newFaultEnv(t, iss, func(c *Config, _ *BearerOptions) { c.FetchTimeout = time.Minute })
	tok := e.token(t)
	e.expect(t, tok, http.StatusOK, "")

	// A first refresh fails fast (503): the server is known to be failing.
	iss.SetFault(only(jwksPath, func(w http.ResponseWriter, r *http.Request) bool {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return true
	}))
	e.clock.Add(4*time.Minute + time.Second)
	e.expect(t, tok, http.StatusOK, "")
	if ev := e.obs.waitRefresh(t, 2); ev.Err == nil {
		t.Fatalf("refresh event %+v", ev)
	}

	// Then it hangs (until the end of the test). The set expires and the
	// backoff has elapsed: the next request may start a refresh, but must not
	// wait for it.
	release := make(chan struct{})
	iss.SetFault(only(jwksPath, func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return true
	}))
	defer close(release)
	e.clock.Add(2 * time.Minute)
	done := make(chan error, 3)
	go func() {
		for range 3 {
			_, err := e.b.Authenticate(context.Background(), "Bearer "+tok)
			done <- err
		}
	}()
	for range 3 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second): // the fetch would hang for a minute
			t.Fatal("a request waited for the hanging JWKS fetch")
		}
	}
}

// TestFaultKeyRotation: a new kid works at once (one coalesced refresh); a
// removed key stops verifying once the set is refreshed; a key replaced
// under the same kid works after the refresh its bad signature causes.
func TestFaultKeyRotation(t *testing.T) {
	t.Run("new kid", func(t *testing.T) {
		iss := esIssuer(t)
		e := newFaultEnv(t, iss)
		e.expect(t, e.token(t), http.StatusOK, "")
		kid, err := iss.AddKey(mcpauthtest.ES256)
		if err != nil {
			t.Fatal(err)
		}
		e.expect(t, e.token(t, mcpauthtest.WithKeyID(kid)), http.StatusOK, "")
		if ev := e.obs.refreshEvents(); len(ev) != 2 || ev[1].Reason != "unknown_kid" || ev[1].Keys != 2 {
			t.Fatalf("refresh events %+v", ev)
		}
		if iss.JWKSRequests() != 2 {
			t.Fatalf("%d JWKS requests; want 2", iss.JWKSRequests())
		}
	})

	t.Run("removed key", func(t *testing.T) {
		iss := esIssuer(t)
		e := newFaultEnv(t, iss)
		old := iss.DefaultKeyID()
		tok := e.token(t)
		e.expect(t, tok, http.StatusOK, "")
		if _, err := iss.AddKey(mcpauthtest.ES256); err != nil {
			t.Fatal(err)
		}
		iss.RemoveKey(old)
		// Until the set is refreshed the cached key still verifies: that is
		// the documented price of caching (at most the set's lifetime).
		e.expect(t, tok, http.StatusOK, "")
		e.clock.Add(4*time.Minute + time.Second)
		e.expect(t, tok, http.StatusOK, "") // starts the background refresh
		if ev := e.obs.waitRefresh(t, 2); ev.Err != nil || ev.Keys != 1 {
			t.Fatalf("refresh event %+v", ev)
		}
		if err := e.expectErr(t, tok, http.StatusUnauthorized, ""); !strings.Contains(err.Error(), "no key with kid") {
			t.Fatalf("got %v", err)
		}
		e.expect(t, e.token(t), http.StatusOK, "") // the new default key
	})

	t.Run("replaced under the same kid", func(t *testing.T) {
		iss := esIssuer(t)
		e := newFaultEnv(t, iss)
		kid := iss.DefaultKeyID()
		before := e.token(t)
		e.expect(t, before, http.StatusOK, "")
		if err := iss.ReplaceKey(kid); err != nil {
			t.Fatal(err)
		}
		after := e.token(t)
		e.expect(t, after, http.StatusOK, "")
		if ev := e.obs.refreshEvents(); len(ev) != 2 || ev[1].Reason != "bad_signature" {
			t.Fatalf("refresh events %+v", ev)
		}
		if err := e.expectErr(t, before, http.StatusUnauthorized, ""); !strings.Contains(err.Error(), "signature") {
			t.Fatalf("old key material: %v", err)
		}
		if iss.JWKSRequests() != 2 {
			t.Fatalf("%d JWKS requests; want 2", iss.JWKSRequests())
		}
	})

	t.Run("rotation while the limiter is spent waits for the next slot", func(t *testing.T) {
		iss := esIssuer(t)
		e := newFaultEnv(t, iss)
		e.expect(t, e.token(t), http.StatusOK, "")
		stray, err := iss.AddUnpublishedKey(mcpauthtest.ES256)
		if err != nil {
			t.Fatal(err)
		}
		e.expect(t, e.token(t, mcpauthtest.WithKeyID(stray)), http.StatusUnauthorized, "") // spends the refresh
		kid, err := iss.AddKey(mcpauthtest.ES256)
		if err != nil {
			t.Fatal(err)
		}
		fresh := e.token(t, mcpauthtest.WithKeyID(kid))
		e.expect(t, fresh, http.StatusUnauthorized, "")
		e.clock.Add(defaultUnknownKeyRefreshInterval)
		e.expect(t, fresh, http.StatusOK, "")
		if iss.JWKSRequests() != 3 {
			t.Fatalf("%d JWKS requests; want 3", iss.JWKSRequests())
		}
	})
}

// poisonedKeys returns JWKs that must each be skipped, by kid.
func poisonedKeys(t *testing.T) map[string]map[string]any {
	t.Helper()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallJWK, err := jwkset.NewJWKFromKey(&small.PublicKey, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: "rsa-1024", ALG: jwkset.AlgRS256, USE: jwkset.UseSig}})
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecJWK, err := jwkset.NewJWKFromKey(&ec.PublicKey, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: "ec", ALG: jwkset.AlgES256}})
	if err != nil {
		t.Fatal(err)
	}
	// A certificate for ec, and one for another key: the JWK's x5c must
	// hold its own key and x5t must be the SHA-1 of its first certificate.
	cert := func(key *ecdsa.PrivateKey) string {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "poison"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(der)
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ownCert, otherCert := cert(ec), cert(other)
	wrongX5T := sha1.Sum([]byte("not the certificate"))
	toMap := func(v any) map[string]any {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	ecWith := func(kid string, edit func(m map[string]any)) map[string]any {
		m := toMap(ecJWK.Marshal())
		m["kid"] = kid
		edit(m)
		return m
	}
	sz := toMap(smallJWK.Marshal())
	// A modulus over 8192 bits: each verification would cost tens of ms.
	hugeN, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 16384))
	if err != nil {
		t.Fatal(err)
	}
	hugeN.SetBit(hugeN, 16383, 1)
	hugeN.SetBit(hugeN, 0, 1)
	return map[string]map[string]any{
		"unknown-kty": {"kty": "PQC", "kid": "unknown-kty", "pub": "AAAA"},
		"no-kty":      {"kid": "no-kty", "n": "AQAB", "e": "AQAB"},
		"ed448":       {"kty": "OKP", "crv": "Ed448", "kid": "ed448", "x": strings.Repeat("A", 76)},
		"x25519":      {"kty": "OKP", "crv": "X25519", "kid": "x25519", "x": strings.Repeat("A", 43)},
		"bad-x5t": ecWith("bad-x5t", func(m map[string]any) {
			m["x5c"] = []string{ownCert}
			m["x5t"] = base64.RawURLEncoding.EncodeToString(wrongX5T[:])
		}),
		"x5c-not-a-certificate": ecWith("x5c-not-a-certificate", func(m map[string]any) { m["x5c"] = []string{"bm90IGEgY2VydGlmaWNhdGU="} }),
		"x5c-of-another-key":    ecWith("x5c-of-another-key", func(m map[string]any) { m["x5c"] = []string{otherCert} }),
		"missing-y":             ecWith("missing-y", func(m map[string]any) { delete(m, "y") }),
		"missing-n":             {"kty": "RSA", "kid": "missing-n", "e": "AQAB"},
		"off-curve":             ecWith("off-curve", func(m map[string]any) { m["y"] = m["x"] }),
		"rsa-1024":              sz,
		"rsa-16384":             {"kty": "RSA", "kid": "rsa-16384", "alg": "RS256", "e": "AQAB", "n": base64.RawURLEncoding.EncodeToString(hugeN.Bytes())},
		"oct":                   {"kty": "oct", "kid": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0", "alg": "HS256"},
		"use-enc":               ecWith("use-enc", func(m map[string]any) { m["use"] = "enc" }),
		"alg-mismatch":          ecWith("alg-mismatch", func(m map[string]any) { m["alg"] = "RS256" }),
		"alg-HS256":             ecWith("alg-HS256", func(m map[string]any) { m["alg"] = "HS256" }),
		"kid-number":            ecWith("", func(m map[string]any) { m["kid"] = 7 }),
	}
}

// TestFaultPoisonedJWKS: each unusable JWK next to good ones is skipped and
// reported (Observer and log), and the good keys keep working; an "oct" key
// is never used, even under the kid of a good key.
func TestFaultPoisonedJWKS(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t) // RS256, ES256, EdDSA
	var good struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(iss.JWKSJSON(), &good); err != nil {
		t.Fatal(err)
	}
	poison := poisonedKeys(t)
	serveWith := func(bad ...map[string]any) {
		half := (len(bad) + 1) / 2 // some before the good keys, some after
		keys := append([]map[string]any{}, bad[:half]...)
		keys = append(keys, good.Keys...)
		keys = append(keys, bad[half:]...)
		body, err := json.Marshal(map[string]any{"keys": keys})
		if err != nil {
			t.Fatal(err)
		}
		iss.SetJWKSBody(body)
	}
	checkGood := func(t *testing.T, e *faultEnv) {
		t.Helper()
		for _, alg := range []string{mcpauthtest.RS256, mcpauthtest.ES256, mcpauthtest.EdDSA} {
			if status, _, err := e.try(context.Background(), e.token(t, mcpauthtest.WithAlgorithm(alg))); status != http.StatusOK {
				t.Fatalf("%s token: %d %v", alg, status, err)
			}
		}
	}
	for name, key := range poison {
		t.Run(name, func(t *testing.T) {
			serveWith(key)
			e := newFaultEnv(t, iss)
			checkGood(t, e)
			sk := e.obs.skippedEvents()
			if len(sk) != 1 || sk[0].Err == nil || sk[0].Issuer != iss.URL() || sk[0].JWKSURI != iss.JWKSURL() {
				t.Fatalf("skipped events %+v", sk)
			}
			if kid, _ := key["kid"].(string); sk[0].KeyID != kid || sk[0].Index != 0 {
				t.Fatalf("skipped event %+v for kid %q at index 0", sk[0], kid)
			}
			if ev := e.obs.refreshEvents(); len(ev) != 1 || ev[0].Keys != 3 || ev[0].Skipped != 1 {
				t.Fatalf("refresh events %+v", ev)
			}
		})
	}
	t.Run("all at once, logged", func(t *testing.T) {
		var bad []map[string]any
		for _, k := range poison {
			bad = append(bad, k)
		}
		serveWith(bad...)
		var logs mcpauthtest.LogBuffer
		e := newFaultEnv(t, iss, func(c *Config, _ *BearerOptions) { c.Logger = logs.Logger() })
		checkGood(t, e)
		if sk := e.obs.skippedEvents(); len(sk) != len(poison) {
			t.Fatalf("%d skipped events; want %d", len(sk), len(poison))
		}
		if n := strings.Count(logs.String(), "skipping unusable JWK"); n != len(poison) {
			t.Fatalf("%d log lines for skipped keys; want %d:\n%s", n, len(poison), logs.String())
		}
	})
	t.Run("oct key under the kid of a good key", func(t *testing.T) {
		kid := iss.KeyIDs()[0]
		oct := map[string]any{"kty": "oct", "kid": kid, "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"}
		serveWith(oct)
		e := newFaultEnv(t, iss)
		checkGood(t, e)
		if sk := e.obs.skippedEvents(); len(sk) != 1 || sk[0].KeyID != kid {
			t.Fatalf("skipped events %+v", sk)
		}
	})
	t.Run("thousands of JWKs are not all parsed and reported", func(t *testing.T) {
		keys := append([]map[string]any{}, good.Keys...)
		for i := range 5000 {
			keys = append(keys, map[string]any{"kty": "oct", "kid": fmt.Sprint("junk-", i), "k": "c2VjcmV0"})
		}
		body, err := json.Marshal(map[string]any{"keys": keys})
		if err != nil {
			t.Fatal(err)
		}
		iss.SetJWKSBody(body)
		var logs mcpauthtest.LogBuffer
		e := newFaultEnv(t, iss, func(c *Config, _ *BearerOptions) { c.Logger = logs.Logger() })
		checkGood(t, e)
		sk := e.obs.skippedEvents()
		if len(sk) != jwkparse.MaxKeys-len(good.Keys)+1 || sk[len(sk)-1].Index != jwkparse.MaxKeys || !strings.Contains(sk[len(sk)-1].Err.Error(), "ignored") {
			t.Fatalf("%d skipped events, last %+v", len(sk), sk[len(sk)-1])
		}
		if n := strings.Count(logs.String(), "skipping unusable JWK"); n != len(sk) {
			t.Fatalf("%d log lines for %d skipped events", n, len(sk))
		}
	})
	t.Run("only unusable keys", func(t *testing.T) {
		iss.SetJWKSBody([]byte(`{"keys":[{"kty":"oct","kid":"a","k":"c2VjcmV0"}]}`))
		e := newFaultEnv(t, iss)
		if err := e.expectErr(t, e.token(t), http.StatusUnauthorized, ""); !errors.Is(err, CodeInvalidToken) {
			t.Fatalf("got %v", err)
		}
	})
	iss.SetJWKSBody(nil)
}

// storm runs fn n times concurrently, released together, and waits.
func storm(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// TestFaultUnknownKIDStorm: 1,000 concurrent requests with the same new kid
// cause exactly one JWKS fetch, and every one of them is accepted: those
// that arrive while the fetch runs join it, those that arrive after it use
// its result.
func TestFaultUnknownKIDStorm(t *testing.T) {
	iss := esIssuer(t)
	e := newFaultEnv(t, iss)
	e.expect(t, e.token(t), http.StatusOK, "")
	kid, err := iss.AddKey(mcpauthtest.ES256)
	if err != nil {
		t.Fatal(err)
	}
	tok := e.token(t, mcpauthtest.WithKeyID(kid))
	var refused atomic.Int32
	var firstErr atomic.Pointer[error]
	storm(1000, func(int) {
		if _, err := e.b.Authenticate(context.Background(), "Bearer "+tok); err != nil {
			refused.Add(1)
			firstErr.CompareAndSwap(nil, &err)
		}
	})
	if n := iss.JWKSRequests(); n != 2 {
		t.Errorf("%d JWKS requests; want 2 (start-up and one refresh)", n)
	}
	if n := refused.Load(); n != 0 {
		t.Errorf("%d of 1000 requests refused, first: %v", n, *firstErr.Load())
	}
}

// TestFaultStaleSnapshotUsesNewerKeys pins down, without relying on timing,
// the window TestFaultUnknownKIDStorm can only hit by chance: a request that
// loaded the key set just before another request's refresh ended must
// verify with the refreshed keys, without a fetch and without the limiter
// (which that refresh has spent).
func TestFaultStaleSnapshotUsesNewerKeys(t *testing.T) {
	iss := esIssuer(t)
	e := newFaultEnv(t, iss)
	e.expect(t, e.token(t), http.StatusOK, "")
	ks := e.b.servers[iss.URL()].keys.Load()
	before := ks.snap.Load()
	kid, err := iss.AddKey(mcpauthtest.ES256)
	if err != nil {
		t.Fatal(err)
	}
	tok := e.token(t, mcpauthtest.WithKeyID(kid))
	e.expect(t, tok, http.StatusOK, "") // refreshes the set: the limiter is spent
	v := &verification{b: e.b, ctx: context.Background(), ks: ks}
	key, err := v.keysFor(kid, "ES256", before, true)
	if err != nil {
		t.Fatalf("a request holding the keys of before the refresh: %v", err)
	}
	if _, err := jwt.NewParser(jwt.WithValidMethods([]string{"ES256"})).Parse(tok, func(*jwt.Token) (any, error) { return key, nil }); err != nil {
		t.Fatalf("the key found does not verify the token: %v", err)
	}
	if n := iss.JWKSRequests(); n != 2 {
		t.Fatalf("%d JWKS requests; want 2", n)
	}
}

// TestFaultRandomKIDStorm: requests with random kids (an attacker's) make
// exactly one JWKS fetch per UnknownKeyRefreshInterval, however many and
// however concurrent they are, and each one is refused at once with 401.
func TestFaultRandomKIDStorm(t *testing.T) {
	for _, interval := range []time.Duration{0, 5 * time.Second} {
		t.Run(fmt.Sprint("interval=", interval), func(t *testing.T) {
			iss := esIssuer(t)
			e := newFaultEnv(t, iss, func(c *Config, _ *BearerOptions) { c.UnknownKeyRefreshInterval = interval })
			if interval == 0 {
				interval = defaultUnknownKeyRefreshInterval
			}
			e.expect(t, e.token(t), http.StatusOK, "")
			signer, err := iss.AddUnpublishedKey(mcpauthtest.ES256)
			if err != nil {
				t.Fatal(err)
			}
			tokens := make([]string, 1000)
			for i := range tokens {
				tokens[i] = e.token(t, mcpauthtest.WithKeyID(signer), mcpauthtest.WithHeader("kid", fmt.Sprintf("random-%d-%d", time.Now().UnixNano(), i)))
			}
			round := func(concurrent bool) {
				var wrong atomic.Int32
				check := func(i int) {
					if _, err := e.b.Authenticate(context.Background(), "Bearer "+tokens[i]); !errors.Is(err, CodeInvalidToken) {
						wrong.Add(1)
					}
				}
				if concurrent {
					storm(len(tokens), check)
				} else {
					for i := range tokens {
						check(i)
					}
				}
				if wrong.Load() != 0 {
					t.Fatalf("%d requests not refused with invalid_token", wrong.Load())
				}
			}
			want := 1                                                                                                                                // start-up
			for step, advance := range []time.Duration{0, interval / 2, interval / 2, interval - time.Millisecond, time.Millisecond, 3 * interval} { // all within the set's lifetime
				e.clock.Add(advance)
				round(step%2 == 0)
				if step != 1 && step != 3 { // a full interval has passed since the last refresh
					want++
				}
				if n := iss.JWKSRequests(); n != want {
					t.Fatalf("step %d: %d JWKS requests; want %d", step, n, want)
				}
			}
		})
	}
}

// TestFaultDiscoveryIssuerMismatch: a discovery document whose issuer is not
// exactly the configured one (RFC 8414 §3.3) is refused, with both values in
// the error, and its jwks_uri is never fetched.
func TestFaultDiscoveryIssuerMismatch(t *testing.T) {
	for _, c := range []struct {
		name   string
		issuer func(configured string) string
	}{
		{"another server", func(string) string { return "https://evil.example.com" }},
		{"trailing slash", func(s string) string { return s + "/" }},
		{"different case", func(s string) string { return strings.ToUpper(s[:4]) + s[4:] }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var configured atomic.Pointer[string]
			iss := esIssuer(t, mcpauthtest.WithMetadata(func(m map[string]any) {
				if p := configured.Load(); p != nil {
					m["issuer"] = c.issuer(*p)
				}
			}))
			u := iss.URL()
			configured.Store(&u)
			e := newFaultEnv(t, iss, func(_ *Config, o *BearerOptions) { o.ShowErrorDetails = true })
			err := e.expectErr(t, e.token(t), http.StatusInternalServerError, "")
			if !errors.Is(err, CodeInvalidServerMetadata) || !strings.Contains(err.Error(), c.issuer(u)) || !strings.Contains(err.Error(), u) {
				t.Fatalf("got %v", err)
			}
			resp := e.b.ErrorResponse(err)
			if !strings.Contains(string(resp.Body), "RFC 8414") || resp.Header.Get("WWW-Authenticate") != "" {
				t.Fatalf("answer %d %s %v", resp.Status, resp.Body, resp.Header)
			}
			if iss.JWKSRequests() != 0 {
				t.Fatal("the JWKS of a mismatched issuer was fetched")
			}
			if _, err := FetchServerConfig(context.Background(), u, OIDC); !errors.Is(err, CodeInvalidServerMetadata) {
				t.Fatalf("FetchServerConfig: %v", err)
			}
		})
	}
}
