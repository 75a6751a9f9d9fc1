package mcpauthtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// Algorithms supported for signing keys (JWS "alg" values, RFC 7518 and
// RFC 8037).
const (
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256
	RS384 = "RS384" // RSASSA-PKCS1-v1_5 with SHA-384
	RS512 = "RS512" // RSASSA-PKCS1-v1_5 with SHA-512
	PS256 = "PS256" // RSASSA-PSS with SHA-256
	PS384 = "PS384" // RSASSA-PSS with SHA-384
	PS512 = "PS512" // RSASSA-PSS with SHA-512
	ES256 = "ES256" // ECDSA with P-256 and SHA-256
	ES384 = "ES384" // ECDSA with P-384 and SHA-384
	ES512 = "ES512" // ECDSA with P-521 and SHA-512
	EdDSA = "EdDSA" // EdDSA with Ed25519
)

var algorithms = []string{RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA}

// Algorithms returns all supported signing algorithms.
func Algorithms() []string {
	return slices.Clone(algorithms)
}

func supportedAlgorithm(alg string) bool {
	return slices.Contains(algorithms, alg)
}

// signingKey is one generated key pair. It is immutable: ReplaceKey installs a
// new signingKey under the same kid.
type signingKey struct {
	kid  string
	alg  string
	priv crypto.Signer
	jwk  jwkset.JWKMarshal // public JWK
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return hex.EncodeToString(b)
}

// newKeyID returns a random key ID of 16 hex digits.
func newKeyID() string {
	return randomHex(8)
}

// generateKey creates a key pair for alg. rsaBits is the RSA modulus size.
func generateKey(kid, alg string, rsaBits int) (*signingKey, error) {
	var (
		priv crypto.Signer
		err  error
	)
	switch alg {
	case RS256, RS384, RS512, PS256, PS384, PS512:
		priv, err = rsa.GenerateKey(rand.Reader, rsaBits)
	case ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ES384:
		priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case ES512:
		priv, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case EdDSA:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("mcpauthtest: unsupported algorithm %q (supported: %s)", alg, strings.Join(algorithms, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("mcpauthtest: generating %s key: %w", alg, err)
	}
	jwk, err := jwkset.NewJWKFromKey(priv.Public(), jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{
			ALG: jwkset.ALG(alg),
			KID: kid,
			USE: jwkset.UseSig,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("mcpauthtest: building JWK for %s key: %w", alg, err)
	}
	return &signingKey{kid: kid, alg: alg, priv: priv, jwk: jwk.Marshal()}, nil
}

// generateKeys creates one key per algorithm, concurrently because RSA key
// generation is slow.
func generateKeys(algs []string, rsaBits int) ([]*signingKey, error) {
	keys := make([]*signingKey, len(algs))
	errs := make([]error, len(algs))
	done := make(chan struct{})
	for n, alg := range algs {
		go func() {
			defer func() { done <- struct{}{} }()
			keys[n], errs[n] = generateKey(newKeyID(), alg, rsaBits)
		}()
	}
	for range algs {
		<-done
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// signingMethod returns the golang-jwt method for alg.
func signingMethod(alg string) (jwt.SigningMethod, error) {
	if !supportedAlgorithm(alg) {
		return nil, fmt.Errorf("mcpauthtest: unsupported algorithm %q", alg)
	}
	m := jwt.GetSigningMethod(alg)
	if m == nil {
		return nil, fmt.Errorf("mcpauthtest: no signing method for %q", alg)
	}
	return m, nil
}

// buildJWKSLocked marshals the published keys, in order. The caller holds i.mu.
func (i *Issuer) buildJWKSLocked() {
	set := jwkset.JWKSMarshal{Keys: make([]jwkset.JWKMarshal, 0, len(i.published))}
	for _, kid := range i.published {
		set.Keys = append(set.Keys, i.keys[kid].jwk)
	}
	b, err := json.Marshal(set)
	if err != nil {
		// Cannot happen: JWKMarshal holds only strings.
		panic("mcpauthtest: marshaling JWKS: " + err.Error())
	}
	i.jwksJSON = b
}

// addKey generates a key for alg and registers it; published keys are also
// appended to the JWKS and become the default signing key.
func (i *Issuer) addKey(alg string, publish bool) (string, error) {
	k, err := generateKey(newKeyID(), alg, i.cfg.rsaBits)
	if err != nil {
		return "", err
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.keys[k.kid] = k
	i.order = append(i.order, k.kid)
	if publish {
		i.published = append(i.published, k.kid)
		i.defaultKID = k.kid
		i.buildJWKSLocked()
	}
	return k.kid, nil
}

// AddKey generates a new key for alg, publishes it at the end of the JWKS and
// makes it the default signing key. It returns the new key ID.
func (i *Issuer) AddKey(alg string) (kid string, err error) {
	return i.addKey(alg, true)
}

// AddUnpublishedKey generates a new key for alg that can sign tokens (select
// it with WithKeyID) but is not in the JWKS, for "unknown kid" tests. It does
// not change the default signing key. It returns the new key ID.
func (i *Issuer) AddUnpublishedKey(alg string) (kid string, err error) {
	return i.addKey(alg, false)
}

// RemoveKey removes the key from the JWKS. The private key is kept: tokens can
// still be minted with it through WithKeyID, and if it is the default signing
// key it stays the default (call SetDefaultKey to change that). Unknown or
// already unpublished key IDs are ignored.
func (i *Issuer) RemoveKey(kid string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	n := slices.Index(i.published, kid)
	if n < 0 {
		return
	}
	i.published = slices.Delete(i.published, n, n+1)
	i.buildJWKSLocked()
}

// ReplaceKey generates new key material for an existing key ID, with the same
// algorithm (and, for RSA, the same size). If the key is published, the new
// public key takes the old one's place in the JWKS; an unpublished key stays
// unpublished. The old private key is discarded, so tokens it signed earlier
// no longer verify against the JWKS and no new ones can be minted with it.
func (i *Issuer) ReplaceKey(kid string) error {
	i.mu.RLock()
	old, ok := i.keys[kid]
	i.mu.RUnlock()
	if !ok {
		return fmt.Errorf("mcpauthtest: unknown key ID %q", kid)
	}
	bits := i.cfg.rsaBits
	if k, isRSA := old.priv.(*rsa.PrivateKey); isRSA {
		bits = k.N.BitLen()
	}
	k, err := generateKey(kid, old.alg, bits)
	if err != nil {
		return err
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.keys[kid] = k
	if slices.Contains(i.published, kid) {
		i.buildJWKSLocked()
	}
	return nil
}

// KeyIDs returns the key IDs of the published keys, in JWKS order.
func (i *Issuer) KeyIDs() []string {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return slices.Clone(i.published)
}

// DefaultKeyID returns the key ID of the default signing key.
func (i *Issuer) DefaultKeyID() string {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.defaultKID
}

// SetDefaultKey makes the key (published or not) the default signing key.
func (i *Issuer) SetDefaultKey(kid string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, ok := i.keys[kid]; !ok {
		return fmt.Errorf("mcpauthtest: unknown key ID %q", kid)
	}
	i.defaultKID = kid
	return nil
}

// KeyAlgorithm returns the algorithm of the key (published or not), or "" if
// there is no such key.
func (i *Issuer) KeyAlgorithm(kid string) string {
	i.mu.RLock()
	defer i.mu.RUnlock()
	if k, ok := i.keys[kid]; ok {
		return k.alg
	}
	return ""
}

// PublicKey returns the current public key (*rsa.PublicKey,
// *ecdsa.PublicKey or ed25519.PublicKey) of the key (published or not), or
// nil if there is no such key.
func (i *Issuer) PublicKey(kid string) crypto.PublicKey {
	i.mu.RLock()
	defer i.mu.RUnlock()
	if k, ok := i.keys[kid]; ok {
		return k.priv.Public()
	}
	return nil
}

// JWKSJSON returns the JSON of the generated JWKS (the published keys), even
// while SetJWKSBody overrides what the endpoint serves. A test can decode it,
// add a bad key and pass the result to SetJWKSBody.
func (i *Issuer) JWKSJSON() []byte {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return slices.Clone(i.jwksJSON)
}

// publishedAlgorithms returns the distinct algorithms of the published keys,
// in JWKS order.
func (i *Issuer) publishedAlgorithms() []string {
	i.mu.RLock()
	defer i.mu.RUnlock()
	algs := []string{}
	for _, kid := range i.published {
		if alg := i.keys[kid].alg; !slices.Contains(algs, alg) {
			algs = append(algs, alg)
		}
	}
	return algs
}
