package mcpauthtest_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// get fetches url and returns the response (body already read) and body.
func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp, body
}

// getJSON fetches url, requires 200 with Content-Type application/json, and
// decodes the body as a JSON object.
func getJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %q", url, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET %s: Content-Type %q, want application/json", url, ct)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("GET %s: decoding %q: %v", url, body, err)
	}
	return m
}

// servedKeys fetches the issuer's JWKS and parses it with jwkset.
func servedKeys(t *testing.T, iss *mcpauthtest.Issuer) (kids []string, keys map[string]jwkset.JWK) {
	t.Helper()
	resp, body := get(t, iss.JWKSURL())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("JWKS status %d", resp.StatusCode)
	}
	var set jwkset.JWKSMarshal
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatalf("decoding JWKS %q: %v", body, err)
	}
	jwks, err := set.JWKSlice()
	if err != nil {
		t.Fatalf("parsing JWKS %q: %v", body, err)
	}
	keys = map[string]jwkset.JWK{}
	for _, k := range jwks {
		kid := k.Marshal().KID
		kids = append(kids, kid)
		keys[kid] = k
	}
	return kids, keys
}

// verify checks tok like a resource server would: the key is looked up by kid
// in the JWKS served right now, the token's alg must be the key's alg, the
// signature must verify, and iss/exp/iat must be valid.
func verify(t *testing.T, iss *mcpauthtest.Issuer, tok string) (*jwt.Token, error) {
	t.Helper()
	_, keys := servedKeys(t, iss)
	return jwt.Parse(tok, func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		k, ok := keys[kid]
		if !ok {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		if alg := string(k.Marshal().ALG); alg != tok.Method.Alg() {
			return nil, fmt.Errorf("token alg %q, key alg %q", tok.Method.Alg(), alg)
		}
		return k.Key(), nil
	},
		jwt.WithValidMethods(mcpauthtest.Algorithms()),
		jwt.WithIssuer(iss.URL()),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
}

// mustVerify is verify that fails the test on error.
func mustVerify(t *testing.T, iss *mcpauthtest.Issuer, tok string) *jwt.Token {
	t.Helper()
	parsed, err := verify(t, iss, tok)
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	return parsed
}

// decodeSegments decodes the header and payload of a compact JWS without
// verifying it, keeping JSON numbers exact.
func decodeSegments(t *testing.T, tok string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d segments", len(parts))
	}
	decode := func(s string) map[string]any {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("decoding segment: %v", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("decoding segment %q: %v", b, err)
		}
		return m
	}
	return decode(parts[0]), decode(parts[1])
}

// fakeTB is a testing.TB that records what a helper reports instead of
// failing the test, to test the helpers' failures. Methods it does not
// override panic (the embedded TB is nil).
type fakeTB struct {
	testing.TB

	mu       sync.Mutex
	errors   []string // Error, Errorf, Fatal and Fatalf messages, in order
	fatal    bool     // Fatal or Fatalf was called
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Error(args ...any) { f.report(false, fmt.Sprint(args...)) }

func (f *fakeTB) Errorf(format string, args ...any) { f.report(false, fmt.Sprintf(format, args...)) }

// Fatal records the message and ends the calling goroutine, as
// testing.T.Fatal does.
func (f *fakeTB) Fatal(args ...any) {
	f.report(true, fmt.Sprint(args...))
	runtime.Goexit()
}

// Fatalf is Fatal with a format.
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.report(true, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func (f *fakeTB) report(fatal bool, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, msg)
	f.fatal = f.fatal || fatal
}

// run calls fn(f) on a goroutine of its own, as the testing package runs a
// test, and returns when fn returns or calls Fatal.
func (f *fakeTB) run(fn func(tb testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
}

// cleanup runs the registered cleanups, last first, as the testing package
// does when a test ends.
func (f *fakeTB) cleanup() {
	f.mu.Lock()
	fns := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for _, fn := range slices.Backward(fns) {
		fn()
	}
}
