package mcpauth_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// BenchmarkIntrospection measures the introspection verifier:
//
//   - hot: the same opaque token every iteration, answered from the
//     introspection cache; jwt-hot is BenchmarkBearer's hot path (ES256)
//     in the same run, the target being within 2x of it;
//   - coalesce-1000: each iteration is 1,000 concurrent requests carrying
//     one new token; introspections/op counts the requests the
//     authorization server received (target 1);
//   - bad-1000: each iteration is 1,000 concurrent requests carrying 1,000
//     distinct unknown tokens; introspections/op is 1,000 (an opaque token
//     can only be judged by its server) and max-in-flight the most
//     introspection requests the server saw at once, bounded by
//     IntrospectionOptions.MaxConcurrent (default 32).
func BenchmarkIntrospection(b *testing.B) {
	iss := mcpauthtest.MustNewIssuer(b, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	auth := introAuth(b, mcpauth.Config{}, iss)
	opts := mcpauth.BearerOptions{Resource: introResource, RequiredScopes: []string{"read"}}
	ctx := context.Background()

	b.Run("hot", func(b *testing.B) {
		bearer := introBearer(b, auth, mcpauth.IntrospectionOptions{}, opts)
		header := "Bearer " + iss.MustOpaqueToken(b, goodClaims())
		if _, err := bearer.Authenticate(ctx, header); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bearer.Authenticate(ctx, header); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jwt-hot", func(b *testing.B) {
		bearer := jwtBearer(b, auth, opts)
		header := "Bearer " + iss.MustToken(b, map[string]any{"sub": "alice", "aud": introResource, "scope": "read write", "client_id": "mcp-client"})
		if _, err := bearer.Authenticate(ctx, header); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bearer.Authenticate(ctx, header); err != nil {
				b.Fatal(err)
			}
		}
	})

	var inFlight, maxInFlight atomic.Int64
	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/introspect") {
			n := inFlight.Add(1)
			for {
				m := maxInFlight.Load()
				if n <= m || maxInFlight.CompareAndSwap(m, n) {
					break
				}
			}
			// A server that takes 2 ms per answer, so that requests overlap.
			time.Sleep(2 * time.Millisecond)
			inFlight.Add(-1)
		}
		return false
	})
	defer iss.SetFault(nil)

	concurrently := func(b *testing.B, bearer *mcpauth.Bearer, headers func(i int) string, wantOK bool) {
		var wg sync.WaitGroup
		var failed atomic.Int64
		for i := range 1000 {
			wg.Go(func() {
				_, err := bearer.Authenticate(ctx, headers(i))
				if (err == nil) != wantOK {
					failed.Add(1)
				}
			})
		}
		wg.Wait()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of 1,000 requests did not get the expected answer", n)
		}
	}

	b.Run("coalesce-1000", func(b *testing.B) {
		bearer := introBearer(b, auth, mcpauth.IntrospectionOptions{}, opts)
		iss.ResetCounters()
		for b.Loop() {
			b.StopTimer()
			header := "Bearer " + iss.MustOpaqueToken(b, goodClaims())
			b.StartTimer()
			concurrently(b, bearer, func(int) string { return header }, true)
		}
		b.ReportMetric(float64(iss.IntrospectionRequests())/float64(b.N), "introspections/op")
	})
	b.Run("bad-1000", func(b *testing.B) {
		bearer := introBearer(b, auth, mcpauth.IntrospectionOptions{}, opts)
		iss.ResetCounters()
		maxInFlight.Store(0)
		round := 0
		for b.Loop() {
			round++
			concurrently(b, bearer, func(i int) string { return fmt.Sprintf("Bearer bad-%d-%d", round, i) }, false)
		}
		b.ReportMetric(float64(iss.IntrospectionRequests())/float64(b.N), "introspections/op")
		b.ReportMetric(float64(maxInFlight.Load()), "max-in-flight")
	})
}
