package mcpauthtest

import (
	"fmt"
	"strings"
	"testing"
)

// PadClaim is the claim [Issuer.TokenOfSize] pads a token with.
const PadClaim = "pad"

// TokenOfSize mints a token as [Issuer.Token] does, with one more claim,
// [PadClaim], a string of "x" long enough for the token to be size bytes
// long (size+1 when base64url cannot encode a payload to exactly that
// length), to test what a server does with a big token: an Entra ID token
// with group claims, say. It fails when the token without padding is already
// longer than size.
func (i *Issuer) TokenOfSize(claims map[string]any, size int, opts ...TokenOption) (string, error) {
	with := func(pad int) (string, error) {
		c := make(map[string]any, len(claims)+1)
		for k, v := range claims {
			c[k] = v
		}
		c[PadClaim] = strings.Repeat("x", pad)
		return i.Token(c, opts...)
	}
	base, err := with(0)
	if err != nil {
		return "", err
	}
	if len(base) > size {
		return "", fmt.Errorf("mcpauthtest: a token of these claims is %d bytes long, over the %d asked for", len(base), size)
	}
	// The payload segment is the unpadded base64url of the JSON claims: n
	// bytes of JSON take ceil(4n/3) characters, and each byte of padding
	// adds one byte of JSON.
	_, payload, _ := strings.Cut(base, ".")
	payload, _, _ = strings.Cut(payload, ".")
	jsonLen := len(payload) * 3 / 4
	wantPayload := len(payload) + size - len(base)
	if wantPayload%4 == 1 {
		wantPayload++ // no JSON length encodes to 4k+1 characters
	}
	return with(wantPayload*3/4 - jsonLen)
}

// MustTokenOfSize is TokenOfSize for tests: it calls tb.Fatal if
// TokenOfSize fails.
func (i *Issuer) MustTokenOfSize(tb testing.TB, claims map[string]any, size int, opts ...TokenOption) string {
	tb.Helper()
	s, err := i.TokenOfSize(claims, size, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
