package mcpauth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// newParser returns the golang-jwt Parser of a bearer: the algorithm
// allow-list, strict base64url, and the time checks of RFC 7519 §4.1.4-4.1.6
// with leeway on the bearer's clock ("exp" required unless the verifier
// allows tokens without it). Claims are decoded as golang-jwt does (numbers
// as float64: the NumericDate range check and AuthInfo.Claims need no more).
func newParser(v *jwtVerifier, leeway time.Duration, now func() time.Time) *jwt.Parser {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.algorithms),
		jwt.WithStrictDecoding(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(now),
		jwt.WithIssuedAt(),
	}
	if v.requireExp {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	return jwt.NewParser(opts...)
}

// verifyJWT verifies a JWT access token for b's resource with golang-jwt's
// Parser. Its Keyfunc (verification.keyfunc) applies this package's policy
// before any key lookup or network request: the pre-checks golang-jwt lacks,
// the issuer against the resource's trusted servers, the token type, the
// claim types; only then the issuer's keys. The Parser then verifies the
// signature and the times.
func (b *Bearer) verifyJWT(ctx context.Context, token string) (*AuthInfo, error) {
	if len(token) > b.jwt.maxTokenSize {
		return nil, tokenError("the token is %d bytes long, over the %d-byte limit", len(token), b.jwt.maxTokenSize)
	}
	var d tokenDigest
	if b.cache != nil {
		d = digest(token)
		if info := b.fromCache(ctx, d, token); info != nil {
			return info, nil
		}
	}
	if err := checkB64Token(token); err != nil {
		return nil, err
	}
	// The JOSE header is checked before golang-jwt decodes anything: a
	// hostile header costs one bounded scan, never a decode of its size.
	if hSeg, _, found := strings.Cut(token, "."); found {
		if err := checkHeaderMembers(hSeg); err != nil {
			return nil, err
		}
	}
	v := &verification{b: b, ctx: ctx}
	t, err := b.parser.Parse(token, v.keyfunc)
	if err != nil && v.mayHaveRotated(err) {
		// No key of the snapshot verified the signature: the issuer may have
		// rotated its keys. Parse again with newer keys, if a fetch running
		// or ended since, or allowed now by the limiter, gives some.
		if fresh, ferr := v.ks.refreshForToken(ctx, refreshBadKey, v.snap); ferr == nil && fresh != nil && fresh != v.snap {
			v.reset(fresh)
			t, err = b.parser.Parse(token, v.keyfunc)
		}
	}
	if err != nil {
		return nil, b.parseError(t, v, err)
	}
	// The grants (ScopeClaims) are read from the claims here, before the
	// cache keeps the result: a handler that edits the (shared, read-only
	// by contract) Claims map of its AuthInfo cannot change what a later
	// request with the same token is granted.
	info, err := b.grants.apply(v.info)
	if err != nil {
		return nil, err
	}
	if b.cache != nil {
		// The cache keeps its own copy: the AuthInfo returned now is the
		// request's, and its handler may edit it.
		b.cache.put(d, &cachedToken{info: info.forRequest(""), keys: v.ks, keyIDs: v.keyIDs}, info.ExpiresAt, b.now())
	}
	return info, nil
}

// verification is the state of one token's verification, shared by the
// Keyfunc and verifyJWT.
type verification struct {
	b   *Bearer
	ctx context.Context

	fixed  *keySnapshot // when set, the only keys to try (the retry after a rotation)
	info   *AuthInfo    // built by the Keyfunc, once the claims are checked
	ks     *keySet      // the issuer's key set
	snap   *keySnapshot // the snapshot whose keys were offered to the Parser
	keyIDs candidateKeys
	set    [maxKeyCandidates]jwt.VerificationKey
}

// reset prepares v for a second Parse with the keys of snap only.
func (v *verification) reset(snap *keySnapshot) {
	v.fixed, v.info, v.snap, v.keyIDs = snap, nil, nil, candidateKeys{}
}

// mayHaveRotated reports whether err is a signature that no offered key
// verified (and not, for instance, an algorithm outside the allow-list,
// which golang-jwt also reports as an invalid signature, before any key).
func (v *verification) mayHaveRotated(err error) bool {
	return v.fixed == nil && v.snap != nil && errors.Is(err, jwt.ErrTokenSignatureInvalid)
}

// keyfunc is the Keyfunc of the Parser: it runs after golang-jwt has
// decoded the header (checked by checkHeaderMembers before Parse) and the
// claims and checked the algorithm against the allow-list, and before the
// signature. The order makes a bad token cheap: the header parameter types,
// duplicate claim names, the issuer (one of the resource's trusted servers,
// before any network request), typ, the claim types and NumericDate ranges,
// and only then the issuer's key set (discovered and fetched on first use)
// and the keys that fit the token's kid, algorithm, key type and curve.
func (v *verification) keyfunc(t *jwt.Token) (any, error) {
	b := v.b
	_, pSeg := segments(t.Raw)
	alg := t.Method.Alg()
	kid, err := headerString(t.Header, "kid")
	if err != nil {
		return nil, err
	}
	if _, present := t.Header["kid"]; present && (kid == "" || len(kid) > maxKIDBytes) {
		return nil, tokenError(`the "kid" header must be a non-empty string of at most %d bytes`, maxKIDBytes)
	}
	typ, err := headerString(t.Header, "typ")
	if err != nil {
		return nil, err
	}
	claims, _ := t.Claims.(jwt.MapClaims) // a payload of null leaves it empty
	if err := checkClaimNames(pSeg, claims); err != nil {
		return nil, err
	}
	iss, ok := claims["iss"].(string)
	if !ok || iss == "" {
		return nil, tokenError(`the "iss" claim is missing or not a non-empty string`)
	}
	srv, trusted := b.servers[iss]
	if !trusted {
		return nil, &Error{Code: CodeInvalidIssuer, Expected: strings.Join(b.issuers, ", "), Actual: iss,
			Detail: fmt.Sprintf("expected one of %s, found %s", strings.Join(b.issuers, ", "), quoteShort(iss))}
	}
	if !b.jwt.typeMatches(typ) {
		return nil, tokenError("the token type (typ header) is %s, expected %q", quoteShort(typ), b.jwt.tokenType)
	}
	if v.info == nil {
		exp, err := checkTimeClaims(claims)
		if err != nil {
			return nil, err
		}
		if v.info, err = authInfoFromClaims(claims, t.Raw, iss, exp); err != nil {
			return nil, err
		}
	}

	if v.ks, err = srv.keySet(v.ctx); err != nil {
		return nil, err
	}
	snap := v.fixed
	if snap == nil {
		if snap, err = v.ks.current(v.ctx); err != nil {
			return nil, err
		}
	}
	return v.keysFor(kid, alg, snap, v.fixed == nil)
}

// keysFor returns the keys of snap that may verify a token with this kid
// and alg (one key, or golang-jwt's VerificationKeySet of up to
// maxKeyCandidates when the token has no kid), and records them. When none
// fits and mayRefresh is set, the key set may have rotated: it joins the
// fetch in progress, uses keys fetched since snap, or fetches if the
// limiter allows it now; it never waits for the limiter.
func (v *verification) keysFor(kid, alg string, snap *keySnapshot, mayRefresh bool) (any, error) {
	var buf [maxKeyCandidates]publicKey
	keys := snap.match(kid, alg, buf[:])
	if len(keys) == 0 && mayRefresh {
		reason := refreshBadKey
		if kid != "" && !snap.hasKID(kid) {
			reason = refreshUnknownKID
		}
		if fresh, ferr := v.ks.refreshForToken(v.ctx, reason, snap); ferr == nil && fresh != nil && fresh != snap {
			snap = fresh
			keys = snap.match(kid, alg, buf[:])
		}
	}
	if len(keys) == 0 {
		if kid != "" {
			return nil, tokenError("no key with kid %s for algorithm %s in the issuer's JWKS", quoteShort(kid), alg)
		}
		return nil, tokenError("the token has no kid and no key for algorithm %s is in the issuer's JWKS", alg)
	}
	v.snap = snap
	v.keyIDs = candidateKeys{n: len(keys)}
	for i, k := range keys {
		v.keyIDs.ids[i] = k.id
		v.set[i] = k.key
	}
	if len(keys) == 1 {
		return keys[0].key, nil
	}
	return jwt.VerificationKeySet{Keys: v.set[:len(keys)]}, nil
}

// headerString reads an optional string header parameter.
func headerString(h map[string]any, name string) (string, error) {
	v, present := h[name]
	if !present {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", tokenError("the %q header must be a string, found %s", name, jsonKind(v))
	}
	return s, nil
}

// parseError turns an error of the Parser into the error of the request:
// this package's own (from the Keyfunc) as is, and golang-jwt's reworded
// (algorithm, times, signature) or wrapped as invalid_token.
func (b *Bearer) parseError(t *jwt.Token, v *verification, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if t != nil && t.Header != nil {
		alg, present := t.Header["alg"]
		a, isString := alg.(string)
		switch {
		case !present:
			return &Error{Code: CodeInvalidToken, Detail: `the JOSE header has no "alg"`, Err: err}
		case !isString:
			return &Error{Code: CodeInvalidToken, Detail: fmt.Sprintf(`the "alg" header must be a string, found %s`, jsonKind(alg)), Err: err}
		case !b.jwt.allows(a):
			return &Error{Code: CodeInvalidToken, Detail: fmt.Sprintf("the algorithm %s is not allowed", quoteShort(a)), Err: err}
		}
	}
	if t != nil {
		if claims, ok := t.Claims.(jwt.MapClaims); ok {
			if te := timeError(err, claims, b.parserLeeway); te != nil {
				return te
			}
		}
	}
	if errors.Is(err, jwt.ErrTokenSignatureInvalid) && v.snap != nil {
		return &Error{Code: CodeInvalidToken, Detail: "the signature does not verify with the issuer's keys", Err: err}
	}
	return &Error{Code: CodeInvalidToken, Detail: err.Error()}
}

// candidateKeys are the identities of the keys a token's signature was
// checked against (one when the token names its kid): its verified-token
// cache entry lives only while all of them are in the issuer's key set.
type candidateKeys struct {
	ids [maxKeyCandidates]uint64
	n   int
}

// fromCache returns the AuthInfo of an earlier verification of token, or nil.
// A hit still requires the keys that verified it to be in the issuer's
// current key set (which this call keeps refreshed as a full verification
// would); the caller then applies the audience and scope requirements. The
// AuthInfo is the request's own copy.
func (b *Bearer) fromCache(ctx context.Context, d tokenDigest, token string) *AuthInfo {
	now := b.now()
	e := b.cache.get(d, now)
	if e != nil {
		if snap, err := e.keys.currentAt(ctx, now); err == nil && snap.hasKeys(e.keyIDs) {
			b.obs.tokenCacheLookup(true)
			return e.info.forRequest(token)
		}
		b.cache.drop(d)
	}
	b.obs.tokenCacheLookup(false)
	return nil
}
