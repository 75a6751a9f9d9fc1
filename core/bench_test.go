package mcpauth_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// benchResource is the resource the benchmark tokens are issued for.
const benchResource = "https://api.example.com/mcp"

// benchAlgorithms are the algorithms benchmarked.
var benchAlgorithms = []string{mcpauthtest.RS256, mcpauthtest.ES256, mcpauthtest.EdDSA}

// benchPool mints n distinct tokens (different jti and sub) of the issuer's
// default key.
func benchPool(b *testing.B, iss *mcpauthtest.Issuer, n int) []string {
	b.Helper()
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = iss.MustToken(b, map[string]any{"sub": fmt.Sprintf("user-%d", i), "aud": benchResource, "scope": "read write", "client_id": "bench"})
	}
	return tokens
}

// BenchmarkBearer measures the full bearer check of Bearer.Authenticate
// (extraction, then either the verified-token cache or parse, issuer, times,
// claims, key lookup and signature; then audience and scopes):
//
//   - cold: a different token every iteration and the verified-token cache
//     off, so every iteration parses and verifies a signature;
//   - hot: the same token every iteration, answered from the cache;
//   - hot-parallel: hot from GOMAXPROCS goroutines, to show it scales.
func BenchmarkBearer(b *testing.B) {
	for _, alg := range benchAlgorithms {
		iss := mcpauthtest.MustNewIssuer(b, mcpauthtest.WithAlgorithms(alg))
		auth := resourceAuth(b, benchResource, iss)
		opts := mcpauth.BearerOptions{Resource: benchResource, RequiredScopes: []string{"read"}}
		cached := jwtBearer(b, auth, opts)
		opts.TokenCacheSize = -1
		bearer := jwtBearer(b, auth, opts)
		tokens := benchPool(b, iss, 256)
		headers := make([]string, len(tokens))
		for i, t := range tokens {
			headers[i] = "Bearer " + t
		}
		if _, err := bearer.Authenticate(context.Background(), headers[0]); err != nil {
			b.Fatal(err)
		}
		b.Run(alg+"/cold", func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				if _, err := bearer.Authenticate(ctx, headers[i%len(headers)]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/hot", func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if _, err := cached.Authenticate(ctx, headers[0]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/hot-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for i := 0; pb.Next(); i++ {
					if _, err := cached.Authenticate(ctx, headers[i%8]); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkBaseline calls golang-jwt directly with the same keys and claims:
// Parse with the algorithm, issuer, audience, expiry and leeway checks, then
// reading sub and scope. It is the floor the bearer check is compared with.
func BenchmarkBaseline(b *testing.B) {
	for _, alg := range benchAlgorithms {
		iss := mcpauthtest.MustNewIssuer(b, mcpauthtest.WithAlgorithms(alg))
		key := iss.PublicKey(iss.DefaultKeyID())
		tokens := benchPool(b, iss, 256)
		parser := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithIssuer(iss.URL()), jwt.WithAudience(benchResource),
			jwt.WithExpirationRequired(), jwt.WithLeeway(time.Minute), jwt.WithIssuedAt())
		keyfunc := func(*jwt.Token) (any, error) { return key, nil }
		b.Run("golang-jwt/"+alg, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				tok, err := parser.Parse(tokens[i%len(tokens)], keyfunc)
				if err != nil {
					b.Fatal(err)
				}
				claims := tok.Claims.(jwt.MapClaims)
				if sub, _ := claims.GetSubject(); sub == "" || claims["scope"] == nil {
					b.Fatal("claims missing")
				}
			}
		})
	}
}

// BenchmarkOperationScopes measures the per-operation scopes' body peek
// (BearerOptions.ToolScopes) on a typical tools/call:
//
//   - flow/off: Edge.Dispatch with a hot token and no per-operation scopes
//     (the body is not looked at), the floor of the next two;
//   - flow/typical and flow/64KiB: Edge.Dispatch with ToolScopes, reading
//     method and params.name from a body already in memory (the fasthttp
//     adapters' case), for a typical call and one whose arguments hold
//     64 KiB;
//   - middleware/off and middleware/on: the net/http middleware with a hot
//     token, without and with ToolScopes (on: the body is read, parsed and
//     put back; the handler reads it again). The difference is the cost of
//     the feature per request.
func BenchmarkOperationScopes(b *testing.B) {
	typical := []byte(`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"create-todo","arguments":{"content":"Write the README"},"_meta":{"progressToken":7}}}`)
	large := []byte(`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"create-todo","arguments":{"content":"` + strings.Repeat("a", 64<<10) + `"}}}`)
	iss := mcpauthtest.MustNewIssuer(b)
	auth := resourceAuth(b, benchResource, iss)
	opts := mcpauth.BearerOptions{Resource: benchResource, RequiredScopes: []string{"read"}}
	off := jwtBearer(b, auth, opts)
	opts.ToolScopes = map[string][]string{"create-todo": {"write"}, "delete-todo": {"admin"}}
	on := jwtBearer(b, auth, opts)
	header := "Bearer " + benchPool(b, iss, 1)[0]
	flow := testEdge(on)
	for _, bc := range []struct {
		name string
		flow *mcpauth.Edge[struct{}]
		body []byte
	}{{"off", testEdge(off), typical}, {"typical", flow, typical}, {"64KiB", flow, large}} {
		b.Run("flow/"+bc.name, func(b *testing.B) {
			req := mcpauth.Request{Method: http.MethodPost, Path: "/mcp", Authorization: []string{header}, Body: func() []byte { return bc.body }}
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			mcpauth.MeasureCPU(b, func() {
				for b.Loop() {
					if err := bc.flow.Dispatch(context.Background(), struct{}{}, req, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
	for _, bc := range []struct {
		name   string
		bearer *mcpauth.Bearer
	}{{"off", off}, {"on", on}} {
		b.Run("middleware/"+bc.name, func(b *testing.B) {
			h := bc.bearer.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
			}))
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
			r.Header.Set("Authorization", header)
			r.ContentLength = int64(len(typical))
			b.SetBytes(int64(len(typical)))
			b.ReportAllocs()
			mcpauth.MeasureCPU(b, func() {
				for b.Loop() {
					r.Body = io.NopCloser(bytes.NewReader(typical))
					h.ServeHTTP(w, r)
				}
			})
			if w.Code != http.StatusOK {
				b.Fatal(w.Code, w.Body)
			}
		})
	}
}
