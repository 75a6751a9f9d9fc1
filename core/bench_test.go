package mcpauth_test

import (
	"context"
	"fmt"
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

// BenchmarkBearer measures the full bearer check (extraction, parse,
// issuer, times, claims, key lookup, signature, audience and scopes) of
// Bearer.Authenticate. cold: a different token every iteration, so every
// iteration verifies a signature.
func BenchmarkBearer(b *testing.B) {
	for _, alg := range benchAlgorithms {
		iss := mcpauthtest.MustNewIssuer(b, mcpauthtest.WithAlgorithms(alg))
		auth := resourceAuth(b, benchResource, iss)
		bearer := jwtBearer(b, auth, mcpauth.BearerOptions{Resource: benchResource, RequiredScopes: []string{"read"}})
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
