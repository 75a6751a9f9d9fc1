package mcpauthtest_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestAddKey(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	oldKID := iss.DefaultKeyID()
	oldTok := iss.MustToken(t, nil)

	newKID, err := iss.AddKey(mcpauthtest.ES384)
	if err != nil {
		t.Fatal(err)
	}
	if newKID == oldKID || len(newKID) != 16 {
		t.Fatalf("new kid %q", newKID)
	}
	if got := iss.KeyIDs(); !slices.Equal(got, []string{oldKID, newKID}) {
		t.Errorf("KeyIDs() = %v", got)
	}
	if kids, _ := servedKeys(t, iss); !slices.Equal(kids, []string{oldKID, newKID}) {
		t.Errorf("served kids %v", kids)
	}
	if iss.DefaultKeyID() != newKID || iss.KeyAlgorithm(newKID) != "ES384" {
		t.Errorf("default %q, alg %q", iss.DefaultKeyID(), iss.KeyAlgorithm(newKID))
	}
	newTok := iss.MustToken(t, nil)
	if p := mustVerify(t, iss, newTok); p.Header["kid"] != newKID {
		t.Errorf("new token kid %v", p.Header["kid"])
	}
	mustVerify(t, iss, oldTok) // the old key is still published
	if got := getJSON(t, iss.OpenIDConfigurationURL())["id_token_signing_alg_values_supported"]; !reflect.DeepEqual(got, []any{"ES256", "ES384"}) {
		t.Errorf("id_token_signing_alg_values_supported %v", got)
	}
	if _, err := iss.AddKey("HS256"); err == nil {
		t.Error("AddKey(HS256) succeeded")
	}
}

func TestAddUnpublishedKey(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	def := iss.DefaultKeyID()
	jwks := iss.JWKSJSON()
	kid, err := iss.AddUnpublishedKey(mcpauthtest.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	if iss.DefaultKeyID() != def {
		t.Error("AddUnpublishedKey changed the default key")
	}
	if !slices.Equal(iss.KeyIDs(), []string{def}) || string(iss.JWKSJSON()) != string(jwks) {
		t.Errorf("unpublished key published: %v", iss.KeyIDs())
	}
	if iss.PublicKey(kid) == nil {
		t.Error("PublicKey(unpublished) = nil")
	}
	tok := iss.MustToken(t, nil, mcpauthtest.WithKeyID(kid))
	if _, err := verify(t, iss, tok); err == nil {
		t.Error("token of unpublished key verified")
	}
	// Publishing it by hand is not possible, but making it the default is.
	if err := iss.SetDefaultKey(kid); err != nil {
		t.Fatal(err)
	}
	if h, _ := decodeSegments(t, iss.MustToken(t, nil)); h["kid"] != kid {
		t.Errorf("kid %v", h["kid"])
	}
}

func TestRemoveKey(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256, mcpauthtest.EdDSA, mcpauthtest.ES384))
	kids := iss.KeyIDs()
	tok := iss.MustToken(t, nil, mcpauthtest.WithKeyID(kids[1]))
	mustVerify(t, iss, tok)

	iss.RemoveKey(kids[1])
	want := []string{kids[0], kids[2]}
	if got := iss.KeyIDs(); !slices.Equal(got, want) {
		t.Errorf("KeyIDs() = %v, want %v", got, want)
	}
	if served, _ := servedKeys(t, iss); !slices.Equal(served, want) {
		t.Errorf("served %v, want %v", served, want)
	}
	if _, err := verify(t, iss, tok); err == nil {
		t.Error("token of removed key still verifies")
	}
	// Still usable for minting.
	if h, _ := decodeSegments(t, iss.MustToken(t, nil, mcpauthtest.WithKeyID(kids[1]))); h["kid"] != kids[1] {
		t.Errorf("kid %v", h["kid"])
	}
	if got := iss.Metadata()["id_token_signing_alg_values_supported"]; !reflect.DeepEqual(got, []string{"ES256", "ES384"}) {
		t.Errorf("id_token_signing_alg_values_supported %v", got)
	}

	// Removing the default key keeps it the default.
	iss.RemoveKey(kids[0])
	iss.RemoveKey(kids[0]) // no-op
	iss.RemoveKey("nope")  // no-op
	if iss.DefaultKeyID() != kids[0] {
		t.Errorf("default %q", iss.DefaultKeyID())
	}
	if _, err := verify(t, iss, iss.MustToken(t, nil)); err == nil {
		t.Error("token of removed default key verifies")
	}

	// All keys removed: an empty but valid JWKS.
	iss.RemoveKey(kids[2])
	if doc := getJSON(t, iss.JWKSURL()); !reflect.DeepEqual(doc, map[string]any{"keys": []any{}}) {
		t.Errorf("JWKS %v", doc)
	}
	if got := iss.Metadata()["id_token_signing_alg_values_supported"]; !reflect.DeepEqual(got, []string{}) {
		t.Errorf("id_token_signing_alg_values_supported %v", got)
	}
}

func TestReplaceKey(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.ES256, mcpauthtest.RS256, mcpauthtest.EdDSA))
	kids := iss.KeyIDs()
	_, before := servedKeys(t, iss)
	oldTok := iss.MustToken(t, nil, mcpauthtest.WithKeyID(kids[1]))
	oldPub := iss.PublicKey(kids[1])
	mustVerify(t, iss, oldTok)

	if err := iss.ReplaceKey(kids[1]); err != nil {
		t.Fatal(err)
	}
	if got := iss.KeyIDs(); !slices.Equal(got, kids) {
		t.Errorf("KeyIDs() = %v, want %v", got, kids)
	}
	served, after := servedKeys(t, iss)
	if !slices.Equal(served, kids) {
		t.Errorf("served %v, want %v", served, kids)
	}
	if reflect.DeepEqual(before[kids[1]].Marshal(), after[kids[1]].Marshal()) {
		t.Error("replaced key has the same material")
	}
	if after[kids[1]].Marshal().ALG != "RS256" {
		t.Errorf("alg %q", after[kids[1]].Marshal().ALG)
	}
	for _, kid := range []string{kids[0], kids[2]} {
		if !reflect.DeepEqual(before[kid].Marshal(), after[kid].Marshal()) {
			t.Errorf("key %s changed", kid)
		}
	}
	if reflect.DeepEqual(oldPub, iss.PublicKey(kids[1])) {
		t.Error("PublicKey unchanged")
	}
	if _, err := verify(t, iss, oldTok); err == nil {
		t.Error("token of old key material verifies")
	}
	newTok := iss.MustToken(t, nil, mcpauthtest.WithKeyID(kids[1]))
	mustVerify(t, iss, newTok)
	if n := len(after[kids[1]].Marshal().N); n != len(before[kids[1]].Marshal().N) {
		t.Errorf("RSA modulus size changed")
	}

	if err := iss.ReplaceKey("nope"); err == nil {
		t.Error("ReplaceKey(unknown) succeeded")
	}

	// An unpublished key stays unpublished.
	hidden, err := iss.AddUnpublishedKey(mcpauthtest.ES256)
	if err != nil {
		t.Fatal(err)
	}
	jwks := iss.JWKSJSON()
	if err := iss.ReplaceKey(hidden); err != nil {
		t.Fatal(err)
	}
	if string(iss.JWKSJSON()) != string(jwks) {
		t.Error("replacing an unpublished key changed the JWKS")
	}
}

func TestSetDefaultKey(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA, mcpauthtest.ES512))
	kids := iss.KeyIDs()
	if err := iss.SetDefaultKey(kids[1]); err != nil {
		t.Fatal(err)
	}
	p := mustVerify(t, iss, iss.MustToken(t, nil))
	if p.Header["kid"] != kids[1] || p.Method.Alg() != "ES512" {
		t.Errorf("header %v", p.Header)
	}
	if err := iss.SetDefaultKey("nope"); err == nil {
		t.Error("SetDefaultKey(unknown) succeeded")
	}
	if iss.DefaultKeyID() != kids[1] {
		t.Error("failed SetDefaultKey changed the default")
	}
	if iss.PublicKey("nope") != nil || iss.KeyAlgorithm("nope") != "" {
		t.Error("unknown key has a public key or algorithm")
	}
}
