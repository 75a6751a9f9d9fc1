package bench

import (
	"context"
	"crypto"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// resource is the protected resource every token is issued for: its "aud".
const resource = "https://api.example.com/mcp"

// requiredScope is the scope every bearer check (ours and the peers') demands.
const requiredScope = "read"

// poolSize is the number of distinct tokens minted per algorithm for the cold
// benchmarks. Signing RSA is slow, so they are minted once per process.
const poolSize = 512

// algorithms are the algorithms benchmarked, each with its own issuer and key.
var algorithms = []string{mcpauthtest.RS256, mcpauthtest.ES256, mcpauthtest.EdDSA}

// fixture is the issuer, key and token pool of one algorithm, shared by every
// benchmark of the process so that all of them verify the same tokens with
// the same key.
type fixture struct {
	alg     string
	iss     *mcpauthtest.Issuer
	key     crypto.PublicKey
	tokens  []string   // poolSize distinct tokens; tokens[0] is the hot one
	headers []string   // "Bearer " + tokens[i]
	values  [][]string // []string{headers[i]}, to set a request's header without allocating
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[string]*fixture{}
)

// TestMain closes the issuers the benchmarks started.
func TestMain(m *testing.M) {
	code := m.Run()
	fixturesMu.Lock()
	for _, f := range fixtures {
		f.iss.Close()
	}
	fixturesMu.Unlock()
	os.Exit(code)
}

// getFixture returns the fixture of alg, creating it on first use: an issuer
// with one key of alg and a pool of tokens carrying the same claims (iss,
// sub, aud, scope, client_id, iat, exp = now + 1 h, jti), distinct by sub and jti.
func getFixture(b *testing.B, alg string) *fixture {
	b.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f, ok := fixtures[alg]; ok {
		return f
	}
	iss, err := mcpauthtest.NewIssuer(mcpauthtest.WithAlgorithms(alg))
	if err != nil {
		b.Fatal(err)
	}
	// Keep every client's key set fresh for the whole run, so that no
	// background refresh happens while a benchmark is timed.
	iss.SetJWKSCacheControl("max-age=3600")
	f := &fixture{alg: alg, iss: iss, key: iss.PublicKey(iss.DefaultKeyID())}
	for i := range poolSize {
		t, err := iss.Token(map[string]any{
			"sub":       fmt.Sprintf("user-%d", i),
			"aud":       resource,
			"scope":     "read write",
			"client_id": "bench-client",
		})
		if err != nil {
			iss.Close()
			b.Fatal(err)
		}
		f.tokens = append(f.tokens, t)
		f.headers = append(f.headers, "Bearer "+t)
		f.values = append(f.values, []string{"Bearer " + t})
	}
	fixtures[alg] = f
	return f
}

// newAuth builds our Auth for the fixture's issuer, discovered over OIDC.
func newAuth(b *testing.B, f *fixture) *mcpauth.Auth {
	b.Helper()
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{
			Resource:             resource,
			AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(f.iss.URL(), mcpauth.OIDC)},
			ScopesSupported:      []string{"read", "write"},
		}},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	return auth
}

// newBearer builds our bearer check for the fixture; cacheSize is
// BearerOptions.TokenCacheSize (0: default cache, -1: no cache). It
// authenticates one token so that discovery and the key set are cached
// before any timer starts.
func newBearer(b *testing.B, f *fixture, cacheSize int) *mcpauth.Bearer {
	b.Helper()
	bearer, err := newAuth(b, f).BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource:       resource,
		RequiredScopes: []string{requiredScope},
		TokenCacheSize: cacheSize,
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := bearer.Authenticate(context.Background(), f.headers[0]); err != nil {
		b.Fatal(err)
	}
	return bearer
}

// statusWriter is a reusable http.ResponseWriter that keeps the status and
// discards the body, so that net/http benchmarks measure the middleware
// rather than a recorder. reset prepares it for the next request.
type statusWriter struct {
	header http.Header
	status int
}

func newStatusWriter() *statusWriter { return &statusWriter{header: make(http.Header)} }

func (w *statusWriter) Header() http.Header { return w.header }

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

func (w *statusWriter) reset() {
	clear(w.header)
	w.status = 0
}

// okHandler is the no-op protected handler of the net/http benchmarks.
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

// newRequest returns a GET request for path on the resource's host.
func newRequest(b *testing.B, path string) *http.Request {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://api.example.com"+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// serveLoop drives h with req, the Authorization header taken in turn from
// values (one value: the hot path; the pool: the cold path), and fails the
// benchmark on any status but 200.
func serveLoop(b *testing.B, h http.Handler, req *http.Request, values [][]string) {
	b.Helper()
	w := newStatusWriter()
	serve := func(v []string) {
		w.reset()
		req.Header["Authorization"] = v
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d, headers %v", w.status, w.header)
		}
	}
	serve(values[0]) // warm up: discovery and key set fetched outside the timer
	b.ReportAllocs()
	cpu := startCPU()
	for i := 0; b.Loop(); i++ {
		serve(values[i%len(values)])
	}
	cpu.report(b)
}

// cpuMeter reports the process CPU time per operation as the extra metric
// "cpu-ns/op": on a shared machine, wall time (ns/op) grows when other
// processes take the cores, CPU time much less. It counts every thread of the
// process (the garbage collector's too, which is part of the cost). For a
// RunParallel benchmark it is the CPU time of all goroutines per operation:
// equal to the serial figure when the parallel path has no contention.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

// startCPU starts measuring; call it right before the timed loop.
func startCPU() cpuMeter {
	d, ok := processCPU()
	return cpuMeter{start: d, ok: ok}
}

// report adds the metric, b.N being the iterations of the finished loop.
func (m cpuMeter) report(b *testing.B) {
	end, ok := processCPU()
	if !m.ok || !ok || b.N == 0 {
		return
	}
	b.ReportMetric(float64(end-m.start)/float64(b.N), "cpu-ns/op")
}
