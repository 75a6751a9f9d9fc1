package mcpauthtest_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// A resource server under test discovers the issuer, fetches its JWKS and
// verifies an access token minted by the issuer. In a real test, use
// MustNewIssuer and MustToken instead of handling the errors.
func ExampleNewIssuer() {
	iss, err := mcpauthtest.NewIssuer(mcpauthtest.WithPath("/tenant-a"))
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()

	token, err := iss.Token(map[string]any{
		"sub":   "alice",
		"aud":   "https://mcp.example.com",
		"scope": "read write",
	})
	if err != nil {
		log.Fatal(err)
	}

	// What the resource server does: discovery, then the JWKS...
	var metadata struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	fetchJSON(iss.OAuthMetadataURL(), &metadata)
	var set jwkset.JWKSMarshal
	fetchJSON(metadata.JWKSURI, &set)
	keys, err := set.JWKSlice()
	if err != nil {
		log.Fatal(err)
	}

	// ...then signature and claims verification.
	parsed, err := jwt.Parse(token, func(t *jwt.Token) (any, error) {
		for _, k := range keys {
			if k.Marshal().KID == t.Header["kid"] {
				return k.Key(), nil
			}
		}
		return nil, fmt.Errorf("unknown kid %v", t.Header["kid"])
	}, jwt.WithIssuer(metadata.Issuer), jwt.WithAudience("https://mcp.example.com"))
	if err != nil {
		log.Fatal(err)
	}
	sub, _ := parsed.Claims.GetSubject()

	fmt.Println("local issuer:", strings.HasPrefix(iss.URL(), "http://127.0.0.1:"))
	fmt.Println("issuer matches:", metadata.Issuer == iss.URL())
	fmt.Println("published keys:", len(keys))
	fmt.Println("valid:", parsed.Valid, "alg:", parsed.Method.Alg(), "sub:", sub)
	// Output:
	// local issuer: true
	// issuer matches: true
	// published keys: 3
	// valid: true alg: RS256 sub: alice
}

// Key rotation: a new key becomes the default signing key while the old one
// stays published until it is removed.
func ExampleIssuer_AddKey() {
	iss, err := mcpauthtest.NewIssuer(mcpauthtest.WithAlgorithms(mcpauthtest.ES256))
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()

	oldKID := iss.DefaultKeyID()
	newKID, err := iss.AddKey(mcpauthtest.EdDSA)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("published:", len(iss.KeyIDs()), "default is new:", iss.DefaultKeyID() == newKID)

	iss.RemoveKey(oldKID)
	fmt.Println("published:", len(iss.KeyIDs()), "old key published:", iss.KeyIDs()[0] == oldKID)
	// Output:
	// published: 2 default is new: true
	// published: 1 old key published: false
}

// Fault injection: make the JWKS endpoint fail, then recover.
func ExampleIssuer_SetFault() {
	iss, err := mcpauthtest.NewIssuer(mcpauthtest.WithAlgorithms(mcpauthtest.EdDSA))
	if err != nil {
		log.Fatal(err)
	}
	defer iss.Close()

	iss.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/jwks") {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return true
		}
		return false // everything else behaves normally
	})
	fmt.Println(httpStatus(iss.JWKSURL()), httpStatus(iss.OpenIDConfigurationURL()))

	iss.SetFault(nil)
	fmt.Println(httpStatus(iss.JWKSURL()), "JWKS requests:", iss.JWKSRequests())
	// Output:
	// 503 200
	// 200 JWKS requests: 2
}

func fetchJSON(url string, v any) {
	resp, err := http.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		log.Fatal(err)
	}
}

func httpStatus(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
