package mcpauthtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestSetFault(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/jwks" {
			return false // normal behaviour
		}
		http.Error(w, "boom", http.StatusServiceUnavailable)
		return true
	})
	resp, body := get(t, iss.JWKSURL())
	if resp.StatusCode != http.StatusServiceUnavailable || strings.TrimSpace(string(body)) != "boom" {
		t.Errorf("faulted JWKS: %d %q", resp.StatusCode, body)
	}
	getJSON(t, iss.OpenIDConfigurationURL()) // not intercepted
	if resp, _ := get(t, iss.URL()+"/nothing"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("not intercepted 404: %d", resp.StatusCode)
	}
	if iss.JWKSRequests() != 1 || iss.DiscoveryRequests() != 1 {
		t.Errorf("counters: JWKS %d, discovery %d", iss.JWKSRequests(), iss.DiscoveryRequests())
	}

	// The hook can serve paths that normally are 404.
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
			return true
		}
		return false
	})
	if resp, body := get(t, iss.URL()+"/token"); resp.StatusCode != http.StatusOK || string(body) != `{"error":"invalid_client"}` {
		t.Errorf("/token: %d %q", resp.StatusCode, body)
	}
	getJSON(t, iss.JWKSURL())

	iss.SetFault(nil)
	getJSON(t, iss.JWKSURL())
	if resp, _ := get(t, iss.URL()+"/token"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/token after SetFault(nil): %d", resp.StatusCode)
	}
}

func TestSetFaultHangingHookAndClose(t *testing.T) {
	t.Parallel()
	iss, err := mcpauthtest.NewIssuer(mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		close(started)
		<-r.Context().Done() // hang until the client or Close gives up
		return true
	})
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(iss.JWKSURL())
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-started
	closed := make(chan struct{})
	go func() { iss.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	if err := <-done; err == nil {
		t.Error("hanging request succeeded")
	}
}

func TestSetJWKSBody(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256, mcpauthtest.EdDSA))
	generated := iss.JWKSJSON()

	// Append a poisoned key to the generated JWKS.
	var set map[string][]json.RawMessage
	if err := json.Unmarshal(generated, &set); err != nil {
		t.Fatal(err)
	}
	set["keys"] = append(set["keys"], json.RawMessage(`{"kty":"EC","kid":"poison","alg":"ES256","use":"sig","crv":"P-256","x":"AAAA","y":"AAAA"}`))
	poisoned, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	iss.SetJWKSBody(poisoned)
	poisoned[0] = 'X' // SetJWKSBody copies

	resp, body := get(t, iss.JWKSURL())
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if body[0] != '{' || !strings.Contains(string(body), `"kid":"poison"`) {
		t.Errorf("served %q", body)
	}
	if string(iss.JWKSJSON()) != string(generated) {
		t.Error("JWKSJSON changed by SetJWKSBody")
	}
	// The good keys still parse one by one; the poisoned one does not.
	var served jwkset.JWKSMarshal
	if err := json.Unmarshal(body, &served); err != nil {
		t.Fatal(err)
	}
	if len(served.Keys) != 3 {
		t.Fatalf("%d keys", len(served.Keys))
	}
	for n, k := range served.Keys {
		_, err := jwkset.NewJWKFromMarshal(k, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
		if (err == nil) != (n < 2) {
			t.Errorf("key %d (%s): error %v", n, k.KID, err)
		}
	}

	iss.SetJWKSBody([]byte("not json"))
	if _, body := get(t, iss.JWKSURL()); string(body) != "not json" {
		t.Errorf("served %q", body)
	}
	iss.SetJWKSBody([]byte{})
	if _, body := get(t, iss.JWKSURL()); len(body) != 0 {
		t.Errorf("served %q, want empty", body)
	}
	iss.SetJWKSBody(nil)
	if _, body := get(t, iss.JWKSURL()); string(body) != string(generated) {
		t.Errorf("served %q after SetJWKSBody(nil)", body)
	}
	mustVerify(t, iss, iss.MustToken(t, nil))
}

func TestCounters(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithPath("/t"), mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	for range 3 {
		getJSON(t, iss.JWKSURL())
	}
	for range 2 {
		getJSON(t, iss.OpenIDConfigurationURL())
	}
	getJSON(t, iss.OAuthMetadataURL())
	get(t, iss.URL()+"/other")
	if iss.JWKSRequests() != 3 || iss.DiscoveryRequests() != 3 {
		t.Errorf("JWKS %d (want 3), discovery %d (want 3)", iss.JWKSRequests(), iss.DiscoveryRequests())
	}
	iss.ResetCounters()
	if iss.JWKSRequests() != 0 || iss.DiscoveryRequests() != 0 {
		t.Errorf("after reset: JWKS %d, discovery %d", iss.JWKSRequests(), iss.DiscoveryRequests())
	}
}

func TestJWKSCacheControl(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	for _, tt := range []struct{ set, want string }{
		{"", "max-age=300"}, // default, not set
		{"no-store", "no-store"},
		{"max-age=0, must-revalidate", "max-age=0, must-revalidate"},
	} {
		if tt.set != "" {
			iss.SetJWKSCacheControl(tt.set)
		}
		if resp, _ := get(t, iss.JWKSURL()); resp.Header.Get("Cache-Control") != tt.want {
			t.Errorf("Cache-Control %q, want %q", resp.Header.Get("Cache-Control"), tt.want)
		}
	}
	iss.SetJWKSCacheControl("")
	if resp, _ := get(t, iss.JWKSURL()); resp.Header.Values("Cache-Control") != nil {
		t.Errorf("Cache-Control %q, want none", resp.Header.Values("Cache-Control"))
	}
}

func TestWithLatency(t *testing.T) {
	t.Parallel()
	const latency = 300 * time.Millisecond
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA), mcpauthtest.WithLatency(latency))

	start := time.Now()
	getJSON(t, iss.JWKSURL())
	if d := time.Since(start); d < latency {
		t.Errorf("response after %v, want at least %v", d, latency)
	}

	// A client with a shorter timeout gives up, and the request was counted.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, iss.OpenIDConfigurationURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("request did not time out")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want deadline exceeded", err)
	}
	if iss.DiscoveryRequests() != 1 {
		t.Errorf("discovery requests %d", iss.DiscoveryRequests())
	}

	// The fault hook is delayed too.
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusTeapot)
		return true
	})
	start = time.Now()
	if resp, _ := get(t, iss.JWKSURL()); resp.StatusCode != http.StatusTeapot {
		t.Errorf("status %d", resp.StatusCode)
	}
	if d := time.Since(start); d < latency {
		t.Errorf("faulted response after %v, want at least %v", d, latency)
	}
}

func TestCloseAbortsLatency(t *testing.T) {
	t.Parallel()
	iss, err := mcpauthtest.NewIssuer(mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA), mcpauthtest.WithLatency(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.Get(iss.JWKSURL()); err == nil {
			resp.Body.Close()
		}
	}()
	for iss.JWKSRequests() == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	iss.Close()
	<-done
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v", d)
	}
}

// TestConcurrentUse exercises every mutating method while requests are served;
// run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256, mcpauthtest.EdDSA))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	loop := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					f()
				}
			}
		}()
	}
	client := &http.Client{Timeout: 5 * time.Second}
	fetch := func(u string) func() {
		return func() {
			if resp, err := client.Get(u); err == nil {
				resp.Body.Close()
			}
		}
	}
	loop(fetch(iss.JWKSURL()))
	loop(fetch(iss.OpenIDConfigurationURL()))
	loop(fetch(iss.OAuthMetadataURL()))
	loop(func() {
		if _, err := iss.Token(map[string]any{"sub": "x"}); err != nil {
			t.Error(err)
		}
		_ = iss.Metadata()
		_ = iss.KeyIDs()
		_ = iss.JWKSJSON()
		_ = iss.PublicKey(iss.DefaultKeyID())
		_ = iss.JWKSRequests() + iss.DiscoveryRequests()
	})
	loop(func() {
		kid, err := iss.AddKey(mcpauthtest.EdDSA)
		if err != nil {
			t.Error(err)
			return
		}
		if err := iss.ReplaceKey(kid); err != nil {
			t.Error(err)
		}
		iss.RemoveKey(kid)
		hidden, err := iss.AddUnpublishedKey(mcpauthtest.ES256)
		if err != nil {
			t.Error(err)
			return
		}
		if err := iss.SetDefaultKey(hidden); err != nil {
			t.Error(err)
		}
	})
	loop(func() {
		iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool { return false })
		iss.SetJWKSBody([]byte(`{"keys":[]}`))
		iss.SetJWKSCacheControl("no-store")
		iss.SetFault(nil)
		iss.SetJWKSBody(nil)
		iss.SetJWKSCacheControl("max-age=300")
	})
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if iss.JWKSRequests() == 0 || iss.DiscoveryRequests() == 0 {
		t.Errorf("no requests served: JWKS %d, discovery %d", iss.JWKSRequests(), iss.DiscoveryRequests())
	}
}
