package bench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkBaseline is the floor the bearer check is compared with, on the
// same tokens and key, a different token every iteration:
//
//   - crypto/<alg>: the signature check alone, with the standard library
//     (SHA-256 of the signing input, then rsa.VerifyPKCS1v15, ecdsa.Verify or
//     ed25519.Verify); the signature is decoded (and split into r and s)
//     outside the timer;
//   - golang-jwt/<alg>: golang-jwt v5 Parser.Parse with the algorithm,
//     issuer, audience, expiry (required), iat and 60 s leeway checks, then
//     reading sub and scope: what a careful hand-written middleware does.
func BenchmarkBaseline(b *testing.B) {
	for _, alg := range algorithms {
		b.Run("crypto/"+alg, func(b *testing.B) {
			f := getFixture(b, alg)
			verify := rawVerifier(b, f)
			b.ReportAllocs()
			cpu := startCPU()
			for i := 0; b.Loop(); i++ {
				if !verify(i % len(f.tokens)) {
					b.Fatal("signature does not verify")
				}
			}
			cpu.report(b)
		})
	}
	for _, alg := range algorithms {
		b.Run("golang-jwt/"+alg, func(b *testing.B) {
			f := getFixture(b, alg)
			parser := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithIssuer(f.iss.URL()),
				jwt.WithAudience(resource), jwt.WithExpirationRequired(), jwt.WithLeeway(time.Minute), jwt.WithIssuedAt())
			keyfunc := func(*jwt.Token) (any, error) { return f.key, nil }
			b.ReportAllocs()
			cpu := startCPU()
			for i := 0; b.Loop(); i++ {
				tok, err := parser.Parse(f.tokens[i%len(f.tokens)], keyfunc)
				if err != nil {
					b.Fatal(err)
				}
				claims := tok.Claims.(jwt.MapClaims)
				if sub, _ := claims.GetSubject(); sub == "" || claims["scope"] == nil {
					b.Fatal("claims missing")
				}
			}
			cpu.report(b)
		})
	}
}

// rawVerifier decodes the signatures of the fixture's tokens and returns a
// function verifying token i with the standard library alone.
func rawVerifier(b *testing.B, f *fixture) func(i int) bool {
	b.Helper()
	inputs := make([][]byte, len(f.tokens))
	sigs := make([][]byte, len(f.tokens))
	for i, t := range f.tokens {
		dot := strings.LastIndexByte(t, '.')
		sig, err := base64.RawURLEncoding.DecodeString(t[dot+1:])
		if err != nil {
			b.Fatal(err)
		}
		inputs[i], sigs[i] = []byte(t[:dot]), sig
	}
	switch key := f.key.(type) {
	case *rsa.PublicKey:
		return func(i int) bool {
			sum := sha256.Sum256(inputs[i])
			return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sigs[i]) == nil
		}
	case *ecdsa.PublicKey:
		rs := make([][2]*big.Int, len(sigs))
		for i, sig := range sigs {
			n := len(sig) / 2
			rs[i] = [2]*big.Int{new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])}
		}
		return func(i int) bool {
			sum := sha256.Sum256(inputs[i])
			return ecdsa.Verify(key, sum[:], rs[i][0], rs[i][1])
		}
	case ed25519.PublicKey:
		return func(i int) bool { return ed25519.Verify(key, inputs[i], sigs[i]) }
	default:
		b.Fatalf("unexpected key type %T", f.key)
		return nil
	}
}

// BenchmarkBearer measures our full bearer check, Bearer.Authenticate:
// header extraction, then the verified-token cache or parse, algorithm,
// issuer, times, claims, key lookup and signature, then audience and scope.
//
//   - cold: a different token every iteration, the verified-token cache
//     off (TokenCacheSize -1), so every iteration verifies a signature;
//   - hot: the same token every iteration, the cache on (the default);
//   - cold-parallel, hot-parallel: the same from GOMAXPROCS goroutines
//     (b.RunParallel), to show that the check scales with cores.
func BenchmarkBearer(b *testing.B) {
	for _, alg := range algorithms {
		b.Run(alg+"/cold", func(b *testing.B) {
			f := getFixture(b, alg)
			bearer := newBearer(b, f, -1)
			ctx := context.Background()
			b.ReportAllocs()
			cpu := startCPU()
			for i := 0; b.Loop(); i++ {
				if _, err := bearer.Authenticate(ctx, f.headers[i%len(f.headers)]); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
		b.Run(alg+"/hot", func(b *testing.B) {
			f := getFixture(b, alg)
			bearer := newBearer(b, f, 0)
			ctx := context.Background()
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				if _, err := bearer.Authenticate(ctx, f.headers[0]); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
		b.Run(alg+"/cold-parallel", func(b *testing.B) {
			f := getFixture(b, alg)
			bearer := newBearer(b, f, -1)
			var next atomic.Int64
			b.ReportAllocs()
			cpu := startCPU()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				// Each goroutine starts at its own place in the pool.
				for i := int(next.Add(97)); pb.Next(); i++ {
					if _, err := bearer.Authenticate(ctx, f.headers[i%len(f.headers)]); err != nil {
						b.Error(err)
						return
					}
				}
			})
			cpu.report(b)
		})
		b.Run(alg+"/hot-parallel", func(b *testing.B) {
			f := getFixture(b, alg)
			bearer := newBearer(b, f, 0)
			b.ReportAllocs()
			cpu := startCPU()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					if _, err := bearer.Authenticate(ctx, f.headers[0]); err != nil {
						b.Error(err)
						return
					}
				}
			})
			cpu.report(b)
		})
	}
}
