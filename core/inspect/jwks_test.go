package inspect_test

import (
	"errors"
	"slices"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/inspect"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// FetchJWKS reports the keys of a live JWKS and the algorithms each
// verifies; a missing JWKS is a fetch error.
func TestFetchJWKS(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	usable, skipped, err := inspect.FetchJWKS(t.Context(), iss.JWKSURL())
	if err != nil || len(usable) != 3 || len(skipped) != 0 {
		t.Fatalf("%v %+v %+v", err, usable, skipped)
	}
	byType := map[string][]string{}
	for _, k := range usable {
		byType[k.KeyType] = k.Algorithms
	}
	if !slices.Equal(byType["EC"], []string{"ES256"}) || !slices.Equal(byType["OKP"], []string{"EdDSA"}) || len(byType["RSA"]) != 1 {
		t.Fatalf("algorithms: %v", byType)
	}
	if _, _, err := inspect.FetchJWKS(t.Context(), iss.URL()+"/nowhere"); !isFetchError(err) {
		t.Fatalf("missing JWKS: %v", err)
	}
	iss.SetJWKSBody([]byte(`<html>`))
	if _, _, err := inspect.FetchJWKS(t.Context(), iss.JWKSURL()); !isFetchError(err) {
		t.Fatalf("not a JWKS: %v", err)
	}
}

func TestJWKS(t *testing.T) {
	body := []byte(`{"keys":[
		{"kty":"oct","kid":"hmac","k":"c2VjcmV0"},
		{"kty":"EC","crv":"P-256","kid":"ec","alg":"ES256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
		{"kty":"EC","crv":"P-256","kid":"ec-enc","use":"enc","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
	]}`)
	usable, skipped, err := inspect.JWKS(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(usable) != 1 || usable[0].KeyID != "ec" || usable[0].Detail != "EC P-256" || !slices.Equal(usable[0].Algorithms, []string{"ES256"}) {
		t.Errorf("usable %+v", usable)
	}
	if len(skipped) != 2 || skipped[0].Index != 0 || skipped[0].KeyID != "hmac" || skipped[1].Index != 2 {
		t.Errorf("skipped %+v", skipped)
	}
	if _, _, err := inspect.JWKS([]byte(`[]`)); err == nil {
		t.Error("a JSON array was taken for a JWK Set")
	}
}

// FuzzJWKS: inspect.JWKS never panics and reports every JWK it examines as
// usable or skipped, with the algorithms each usable key verifies.
func FuzzJWKS(f *testing.F) {
	for _, seed := range []string{
		`{"keys":[]}`, `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`, `{}`, `[]`, ``, `{"keys":null}`,
		`{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},1,null]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		usable, skipped, err := inspect.JWKS(body)
		if err != nil {
			if usable != nil || skipped != nil {
				t.Fatal("keys returned with an error")
			}
			return
		}
		for _, k := range usable {
			if len(k.Algorithms) == 0 || k.KeyType == "" {
				t.Fatalf("usable key without algorithms or type: %+v", k)
			}
		}
		for _, s := range skipped {
			if s.Error == "" {
				t.Fatalf("skipped without a reason: %+v", s)
			}
		}
	})
}

// isFetchError reports whether err is an *mcpauth.Error of a failed fetch.
func isFetchError(err error) bool {
	var e *mcpauth.Error
	return errors.As(err, &e) && e.Code == mcpauth.CodeFetchServerConfigError
}
