package check

import (
	"context"
	"fmt"
	"strings"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/inspect"
)

// checkKeys checks jwks_uri, fetches the JWKS and inspects it with
// inspect.FetchJWKS (the rules of the key cache).
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
	// The transport sends the checker's User-Agent instead of the core's.
	client := *o.HTTPClient
	client.Transport = &captureTransport{base: o.HTTPClient.Transport, userAgent: o.UserAgent}
	usable, skipped, err := inspect.FetchJWKS(ctx, jwksURI, mcpauth.FetchOptions{
		HTTPClient:       &client,
		Timeout:          o.Timeout,
		MaxResponseBytes: o.MaxResponseBytes,
	})
	if err != nil {
		r.set(IDJWKS, Fail, "%s", describe(err))
		return
	}
	r.set(IDJWKS, Pass, "%d keys", len(usable)+len(skipped))
	r.Keys, r.SkippedKeys = usable, skipped

	if len(usable) == 0 {
		r.set(IDSigningKeys, Fail, "no key mcpauth can verify tokens with (it uses RSA keys of 2048 to 8192 bits for RS* and PS*, EC P-256/P-384/P-521 keys for ES256/384/512 and Ed25519 keys for EdDSA)")
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
func describeKey(k inspect.JWKInfo) string {
	s := k.Detail
	if k.KeyID != "" {
		s = fmt.Sprintf("kid %q %s", k.KeyID, k.Detail)
	}
	return s + " → " + strings.Join(k.Algorithms, ", ")
}
