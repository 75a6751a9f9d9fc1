package mcpauthtest_test

import (
	"testing"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestTokenOfSize(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	for _, size := range []int{1000, 1001, 1002, 1003, 4500, 12 << 10, 16 << 10, 16<<10 + 1} {
		tok := iss.MustTokenOfSize(t, map[string]any{"sub": "alice"}, size)
		if len(tok) != size && len(tok) != size+1 {
			t.Errorf("size %d: got a token of %d bytes", size, len(tok))
		}
		if sub, err := mustVerify(t, iss, tok).Claims.GetSubject(); err != nil || sub != "alice" {
			t.Errorf("size %d: sub %q (%v)", size, sub, err)
		}
	}
	if _, err := iss.TokenOfSize(map[string]any{"sub": "alice"}, 100); err == nil {
		t.Error("a size below the unpadded token: no error")
	}
}
