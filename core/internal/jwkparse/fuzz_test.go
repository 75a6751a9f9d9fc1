package jwkparse

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"testing"
)

// FuzzEd25519Key: a 32-byte key checkEd25519PublicKey accepts never
// verifies the forgery a small-order key allows (R = identity, S = 0), for
// any of 64 messages (a point of order n ≤ 8 verifies it for one message in
// n); the keys it refuses are the small-order ones and the non-canonical
// encodings (y ≥ p).
func FuzzEd25519Key(f *testing.F) {
	for _, y := range ed25519SmallOrder {
		f.Add(y[:])
	}
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Add(append([]byte{0xed}, append(bytes.Repeat([]byte{0xff}, 30), 0x7f)...))
	f.Add(append([]byte{0xec}, append(bytes.Repeat([]byte{0xff}, 30), 0xff)...))
	pub, _, _ := ed25519.GenerateKey(nil)
	f.Add([]byte(pub))
	forged := make([]byte, ed25519.SignatureSize)
	forged[0] = 1
	f.Fuzz(func(t *testing.T, key []byte) {
		if len(key) != ed25519.PublicKeySize {
			if checkEd25519PublicKey(key) == nil {
				t.Fatalf("a %d-byte key accepted", len(key))
			}
			return
		}
		var y [32]byte
		copy(y[:], key)
		y[31] &= 0x7f
		nonCanonical := !ed25519CanonicalY(&y)
		err := checkEd25519PublicKey(key)
		if nonCanonical && err == nil {
			t.Fatalf("non-canonical key %x accepted", key)
		}
		if err != nil {
			return
		}
		for i := range 64 {
			if ed25519.Verify(key, fmt.Appendf(nil, "m%d", i), forged) {
				t.Fatalf("key %x accepted, and the forged signature verifies message %d", key, i)
			}
		}
	})
}
