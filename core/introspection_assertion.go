package mcpauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// PrivateKeyJWT authenticates the resource server with a JWT it signs with
// its private key (RFC 7523 §2.2, "private_key_jwt" in RFC 7591 terms):
// set IntrospectionOptions.PrivateKey (and PrivateKeyID when the
// authorization server knows the key by its kid).
const PrivateKeyJWT = "private_key_jwt"

// clientAssertionType is RFC 7523 §2.2's client_assertion_type.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// clientAssertionLifetime bounds the validity of a client assertion; a new
// one is signed for every introspection request.
const clientAssertionLifetime = time.Minute

// assertionSigner signs client assertions with the resource server's key.
type assertionSigner struct {
	clientID string
	kid      string
	key      crypto.Signer
	method   jwt.SigningMethod
}

// newAssertionSigner picks the signature algorithm of key: RS256 for RSA
// (2048 bits or more), ES256/ES384/ES512 for the P-256/384/521 curves,
// EdDSA for Ed25519.
func newAssertionSigner(clientID, kid string, key crypto.Signer) (*assertionSigner, error) {
	s := &assertionSigner{clientID: clientID, kid: kid, key: key}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, configError("IntrospectionOptions.PrivateKey is a %d-bit RSA key: at least 2048 bits are required", k.N.BitLen())
		}
		s.method = jwt.SigningMethodRS256
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			s.method = jwt.SigningMethodES256
		case elliptic.P384():
			s.method = jwt.SigningMethodES384
		case elliptic.P521():
			s.method = jwt.SigningMethodES512
		default:
			return nil, configError("IntrospectionOptions.PrivateKey is an ECDSA key on an unsupported curve: expected P-256, P-384 or P-521")
		}
	case ed25519.PrivateKey:
		s.method = jwt.SigningMethodEdDSA
	default:
		return nil, configError("IntrospectionOptions.PrivateKey is a %T: expected an *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey", k)
	}
	return s, nil
}

// sign returns a new client assertion for audience (the issuer identifier
// of the authorization server asked, RFC 7523 §3): iss and sub the client
// ID, a unique jti, iat now and exp a minute later.
func (s *assertionSigner) sign(audience string, now time.Time) (string, error) {
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	t := jwt.NewWithClaims(s.method, jwt.MapClaims{
		"iss": s.clientID,
		"sub": s.clientID,
		"aud": audience,
		"jti": hex.EncodeToString(jti[:]),
		"iat": now.Unix(),
		"exp": now.Add(clientAssertionLifetime).Unix(),
	})
	if s.kid != "" {
		t.Header["kid"] = s.kid
	}
	return t.SignedString(s.key)
}
