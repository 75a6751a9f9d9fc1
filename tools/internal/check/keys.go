package check

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// checkKeys checks jwks_uri, fetches the JWKS and inspects it with
// mcpauth.InspectJWKS.
func (r *report) checkKeys(ctx context.Context, o Options, jwksURI string) {
	r.JWKSURI = jwksURI
	if jwksURI == "" {
		r.set(IDJWKSURI, Fail, "the document has no jwks_uri: mcpauth.JWT cannot verify tokens of this server (a VerifyFunc, e.g. token introspection, still can)")
		return
	}
	s, detail := checkEndpointURL(jwksURI)
	r.set(IDJWKSURI, s, "%s", detail)
	if s == Fail {
		return
	}
	body, err := fetch(ctx, o, jwksURI)
	if err != nil {
		r.set(IDJWKS, Fail, "%s", err)
		return
	}
	usable, skipped, err := mcpauth.InspectJWKS(body)
	if err != nil {
		r.set(IDJWKS, Fail, "not a JWK Set: %s", err)
		return
	}
	r.set(IDJWKS, Pass, "%d keys", len(usable)+len(skipped))
	r.Keys, r.SkippedKeys = usable, skipped

	if len(usable) == 0 {
		r.set(IDSigningKeys, Fail, "no key mcpauth can verify tokens with (it uses RSA keys of at least 2048 bits, EC P-256/P-384/P-521 and Ed25519 keys for %s)", strings.Join(mcpauth.DefaultAlgorithms, ", "))
	} else {
		descs := make([]string, len(usable))
		for i, k := range usable {
			descs[i] = describeKey(k)
		}
		r.set(IDSigningKeys, Pass, "%d: %s", len(usable), strings.Join(descs, "; "))
	}

	if len(skipped) == 0 {
		r.set(IDSkippedKeys, Pass, "none")
		return
	}
	descs := make([]string, len(skipped))
	for i, p := range skipped {
		descs[i] = fmt.Sprintf("key #%d", p.Index)
		if p.KeyID != "" {
			descs[i] += fmt.Sprintf(" (kid %q)", p.KeyID)
		}
		descs[i] += ": " + p.Error
	}
	r.set(IDSkippedKeys, Warn, "%d left out, tokens signed with them will be refused: %s", len(skipped), strings.Join(descs, "; "))
}

// describeKey names a usable key and the algorithms it verifies.
func describeKey(k mcpauth.JWKInfo) string {
	s := k.Detail
	if k.KeyID != "" {
		s = fmt.Sprintf("kid %q %s", k.KeyID, k.Detail)
	}
	return s + " → " + keyAlgorithms(k)
}

// keyAlgorithms returns the algorithms of mcpauth.DefaultAlgorithms a usable
// key verifies: its "alg" when it has one (mcpauth checks that it fits the
// key), else every algorithm of its type (RFC 7518 §3, RFC 8037 §3.1).
func keyAlgorithms(k mcpauth.JWKInfo) string {
	if k.Algorithm != "" {
		return k.Algorithm
	}
	switch k.KeyType {
	case "RSA":
		return "RS256/384/512, PS256/384/512"
	case "EC":
		switch {
		case strings.HasSuffix(k.Detail, "P-256"):
			return "ES256"
		case strings.HasSuffix(k.Detail, "P-384"):
			return "ES384"
		case strings.HasSuffix(k.Detail, "P-521"):
			return "ES512"
		}
		return "ES*"
	case "OKP":
		return "EdDSA"
	}
	return "?"
}

// fetch GETs url with the request timeout and size limit of mcpauth's own
// key fetches.
func fetch(ctx context.Context, o Options, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", o.UserAgent)
	resp, err := o.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("GET %s: expected status 200, got %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading the body: %w", url, err)
	}
	if int64(len(body)) > o.MaxResponseBytes {
		return nil, fmt.Errorf("GET %s: the response is larger than the %d-byte limit mcpauth applies", url, o.MaxResponseBytes)
	}
	return body, nil
}
