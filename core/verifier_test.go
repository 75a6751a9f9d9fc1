package mcpauth_test

import (
	"slices"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// Nothing a caller holds can change what a JWT verifier accepts:
// DefaultAlgorithms returns a copy, and WithAlgorithms copies its argument.
func TestAlgorithmsCannotBeChangedAfterwards(t *testing.T) {
	algs := mcpauth.DefaultAlgorithms()
	if !slices.Equal(algs, []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}) {
		t.Fatalf("DefaultAlgorithms() = %v", algs)
	}
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256, mcpauthtest.RS256))
	auth := resourceAuth(t, advResource, iss)
	def := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource})
	mine := []string{"RS256"}
	rsOnly := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource}, mcpauth.WithAlgorithms(mine...))
	opt := mcpauth.WithAlgorithms(mine...)
	mine[0] = "ES256"
	algs[6] = "HS256"
	for i := range algs {
		algs[i] = "none"
	}
	if slices.Contains(mcpauth.DefaultAlgorithms(), "none") {
		t.Fatal("editing the returned slice changed DefaultAlgorithms")
	}
	es := iss.MustToken(t, map[string]any{"sub": "alice", "aud": advResource}, mcpauthtest.WithAlgorithm(mcpauthtest.ES256))
	if _, err := authenticate(def, "Bearer "+es); err != nil {
		t.Fatalf("the default verifier changed: %v", err)
	}
	if _, err := authenticate(rsOnly, "Bearer "+es); err == nil {
		t.Fatal("editing the slice given to WithAlgorithms changed the verifier")
	}
	later := jwtBearer(t, auth, mcpauth.BearerOptions{Resource: advResource}, opt)
	if _, err := authenticate(later, "Bearer "+es); err == nil {
		t.Fatal("editing the slice given to WithAlgorithms changed the option")
	}
	var zero mcpauth.JWTOption
	if _, err := auth.BearerAuth(mcpauth.JWT(zero), mcpauth.BearerOptions{Resource: advResource}); err != nil {
		t.Fatalf("the zero JWTOption is not a no-op: %v", err)
	}
}
