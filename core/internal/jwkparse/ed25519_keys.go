package jwkparse

import (
	"bytes"
	"crypto/ed25519"
	"errors"
)

// Ed25519 public keys from a JWKS are checked here because neither jwkset
// (which checks only the length of "x") nor crypto/ed25519 (which verifies
// against any point it can decode) refuses a key no honest signer has: a
// point of small order lets anyone forge signatures (with the identity
// point, R = identity and S = 0 verify every message), and a non-canonical
// encoding is a second spelling of a point that other verifiers decode
// differently or refuse.

// ed25519SmallOrder are the y-coordinates (little-endian, sign bit of x
// cleared) of the eight points of small order of edwards25519 (RFC 8032
// §5.1): the identity (y = 1), the point of order 2 (y = p-1), the two of
// order 4 (y = 0) and the four of order 8 (y = c and y = p-c). Every sign of
// x is refused with them, by comparing with the sign bit cleared.
var ed25519SmallOrder = [...][ed25519.PublicKeySize]byte{
	{0x00}, // y = 0: order 4
	{0x01}, // y = 1: the identity, order 1
	{ // y = c: order 8
		0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
		0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
	},
	{ // y = p-c: order 8
		0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
		0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
	},
	{ // y = p-1: order 2
		0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
	},
}

// checkEd25519PublicKey refuses an Ed25519 public key that is not the
// canonical encoding of a point (y ≥ p = 2^255 - 19; RFC 8032 §5.1.3 says to
// reject it) or that is one of the points of small order.
func checkEd25519PublicKey(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return errors.New("an Ed25519 public key must be 32 bytes")
	}
	var y [ed25519.PublicKeySize]byte
	copy(y[:], pub)
	y[31] &= 0x7f // the sign of x
	if !ed25519CanonicalY(&y) {
		return errors.New("the Ed25519 public key is not canonically encoded (y ≥ 2^255-19)")
	}
	for i := range ed25519SmallOrder {
		if bytes.Equal(y[:], ed25519SmallOrder[i][:]) {
			return errors.New("the Ed25519 public key is a point of small order, which verifies forged signatures")
		}
	}
	return nil
}

// ed25519CanonicalY reports whether the little-endian y (sign bit cleared)
// is below p = 2^255 - 19, whose encoding is ed ff .. ff 7f.
func ed25519CanonicalY(y *[ed25519.PublicKeySize]byte) bool {
	if y[31] != 0x7f {
		return true
	}
	for i := 30; i > 0; i-- {
		if y[i] != 0xff {
			return true
		}
	}
	return y[0] < 0xed
}
