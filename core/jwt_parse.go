package mcpauth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// The token parser is written here rather than taken from golang-jwt's
// Parser because the policy of this package needs what that parser does not
// offer: one decode of each segment whose result (the claims map) becomes the
// AuthInfo without a second pass; the algorithm allow-list and the issuer
// checked before any key lookup or network request; rejection of "crit",
// duplicate JSON member names and oversized or non-canonical segments; and
// an allocation budget below golang-jwt's own Parse. The cryptography is
// golang-jwt's: signatures are checked with its SigningMethod.Verify.

const (
	// DefaultMaxTokenBytes bounds the length of a bearer token.
	DefaultMaxTokenBytes = 16 << 10
	// maxHeaderBytes bounds the encoded JOSE header.
	maxHeaderBytes = 2 << 10
	// maxHeaderParams bounds the number of JOSE header parameters.
	maxHeaderParams = 16
	// maxKIDBytes bounds the "kid" header.
	maxKIDBytes = 256
)

// b64 decodes JWS segments: base64url without padding (RFC 7515 §2), strict
// about the unused bits of the last character so that each token has one
// encoding.
var b64 = base64.RawURLEncoding.Strict()

// parsedToken is a JWS compact serialization split and decoded, not yet
// verified.
type parsedToken struct {
	signingInput string // header.payload, the bytes that were signed
	signature    []byte
	alg, kid     string
	typ          string
	claims       map[string]any
	iss          string
	buf          *[]byte // pooled decode buffer, returned by release
}

// decodeBuffers pools the scratch space segments are decoded into.
var decodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// release returns the scratch buffer; the parsed token's signature must not
// be used afterwards.
func (p *parsedToken) release() {
	if p.buf != nil && cap(*p.buf) <= 64<<10 {
		decodeBuffers.Put(p.buf)
	}
	p.buf, p.signature = nil, nil
}

// parseToken splits and decodes a JWS compact serialization (RFC 7515 §7.1)
// whose algorithm must satisfy allowed. It checks the structure only: the
// signature, the times and the claims are checked by the caller.
func parseToken(raw string, maxBytes int, allowed func(string) bool) (*parsedToken, error) {
	if len(raw) > maxBytes {
		return nil, tokenError("the token is %d bytes long, over the %d-byte limit", len(raw), maxBytes)
	}
	// Exactly two dots, found in one linear pass: no split of an attacker's
	// string into an unbounded number of parts.
	dot1 := strings.IndexByte(raw, '.')
	if dot1 < 0 {
		return nil, tokenError("expected a JWT of three dot-separated parts, found one")
	}
	dot2 := strings.IndexByte(raw[dot1+1:], '.')
	if dot2 < 0 {
		return nil, tokenError("expected a JWT of three dot-separated parts, found two")
	}
	dot2 += dot1 + 1
	if strings.IndexByte(raw[dot2+1:], '.') >= 0 {
		return nil, tokenError("expected a JWT of three dot-separated parts, found more (encrypted JWE tokens are not accepted)")
	}
	hSeg, pSeg, sSeg := raw[:dot1], raw[dot1+1:dot2], raw[dot2+1:]
	if len(hSeg) == 0 || len(pSeg) == 0 || len(sSeg) == 0 {
		return nil, tokenError("a part of the JWT is empty")
	}
	if len(hSeg) > maxHeaderBytes {
		return nil, tokenError("the JOSE header is over the %d-byte limit", maxHeaderBytes)
	}

	bufp := decodeBuffers.Get().(*[]byte)
	need := b64.DecodedLen(len(hSeg)) + b64.DecodedLen(len(pSeg)) + b64.DecodedLen(len(sSeg))
	if cap(*bufp) < need {
		*bufp = make([]byte, 0, need)
	}
	buf := (*bufp)[:need]
	p := &parsedToken{signingInput: raw[:dot2], buf: bufp}

	n, err := b64.Decode(buf, stringBytes(hSeg))
	if err != nil {
		p.release()
		return nil, tokenError("the JOSE header is not base64url: %v", err)
	}
	header := buf[:n:n]
	buf = buf[n:]
	if err := p.decodeHeader(header, allowed); err != nil {
		p.release()
		return nil, err
	}

	n, err = b64.Decode(buf, stringBytes(pSeg))
	if err != nil {
		p.release()
		return nil, tokenError("the JWT payload is not base64url: %v", err)
	}
	payload := buf[:n:n]
	buf = buf[n:]
	if err := p.decodePayload(payload); err != nil {
		p.release()
		return nil, err
	}

	n, err = b64.Decode(buf, stringBytes(sSeg))
	if err != nil {
		p.release()
		return nil, tokenError("the JWT signature is not base64url: %v", err)
	}
	p.signature = buf[:n:n]
	return p, nil
}

// joseHeader holds the header parameters this package reads.
type joseHeader struct {
	Alg  *string         `json:"alg"`
	Kid  *string         `json:"kid"`
	Typ  *string         `json:"typ"`
	Crit json.RawMessage `json:"crit"`
}

// decodeHeader reads and checks the JOSE header (RFC 7515 §4).
func (p *parsedToken) decodeHeader(header []byte, allowed func(string) bool) error {
	if len(header) == 0 || header[0] != '{' {
		return tokenError("the JOSE header is not a JSON object")
	}
	var h joseHeader
	if err := json.Unmarshal(header, &h); err != nil {
		return tokenError("the JOSE header is not a JSON object: %v", err)
	}
	if err := checkHeaderNames(header); err != nil {
		return err
	}
	if h.Alg == nil {
		return tokenError(`the JOSE header has no "alg"`)
	}
	if !allowed(*h.Alg) {
		return tokenError("the algorithm %s is not allowed", quoteShort(*h.Alg))
	}
	p.alg = *h.Alg
	// RFC 7515 §4.1.11: a recipient must reject a token whose "crit" lists
	// an extension it does not implement; this package implements none.
	if h.Crit != nil {
		return tokenError(`the JOSE header has "crit" extensions, none of which are supported`)
	}
	if h.Kid != nil {
		if *h.Kid == "" || len(*h.Kid) > maxKIDBytes {
			return tokenError(`the "kid" header must be a non-empty string of at most %d bytes`, maxKIDBytes)
		}
		p.kid = *h.Kid
	}
	if h.Typ != nil {
		p.typ = *h.Typ
	}
	return nil
}

// checkHeaderNames rejects a header with too many parameters, a parameter
// name written with escapes, or the same name twice (JSON parsers disagree on
// which duplicate wins; RFC 7515 §4 requires rejection), and a name that
// differs from one this package reads (alg, kid, typ, crit) only by case:
// header names are case-sensitive (RFC 7515 §4), so "ALG" is not "alg", but
// encoding/json matches struct fields without case and would read it as alg.
func checkHeaderNames(header []byte) error {
	var names [maxHeaderParams][]byte
	count := 0
	var problem error
	forEachMemberName(header, func(name []byte) bool {
		if count == maxHeaderParams {
			problem = tokenError("the JOSE header has more than %d parameters", maxHeaderParams)
			return false
		}
		if bytes.IndexByte(name, '\\') >= 0 {
			problem = tokenError("a JOSE header parameter name contains an escape sequence")
			return false
		}
		if readAs := caseVariantOf(name); readAs != "" {
			problem = tokenError("the JOSE header parameter %s differs from %q only by case (names are case-sensitive)", quoteShort(string(name)), readAs)
			return false
		}
		for _, seen := range names[:count] {
			if bytes.Equal(seen, name) {
				problem = tokenError("the JOSE header has the parameter %s twice", quoteShort(string(name)))
				return false
			}
		}
		names[count] = name
		count++
		return true
	})
	return problem
}

// headerParams are the header parameters decoded into joseHeader.
var headerParams = [...]string{"alg", "kid", "typ", "crit"}

// caseVariantOf returns the parameter of headerParams that name spells with
// a different case, or "".
func caseVariantOf(name []byte) string {
	for _, p := range headerParams {
		if len(name) == len(p) && string(name) != p && asciiEqualFold(string(name), p) {
			return p
		}
	}
	return ""
}

// decodePayload decodes the claims set and reads "iss".
func (p *parsedToken) decodePayload(payload []byte) error {
	if len(payload) == 0 || payload[0] != '{' {
		return tokenError("the JWT payload is not a JSON object")
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return tokenError("the JWT payload is not a JSON object: %v", err)
	}
	// A name given twice collapses into one map entry: comparing the member
	// count with the map size finds it, escaped spellings included.
	if members := forEachMemberName(payload, nil); members != len(claims) {
		return tokenError("the JWT payload has a claim name twice")
	}
	iss, ok := claims["iss"].(string)
	if !ok || iss == "" {
		return tokenError(`the "iss" claim is missing or not a non-empty string`)
	}
	p.claims, p.iss = claims, iss
	return nil
}

// forEachMemberName calls fn (when not nil) with each member name, still
// JSON-escaped, of the object b, which must be valid JSON, until fn returns
// false. It returns the number of names seen. One linear pass, no allocation.
func forEachMemberName(b []byte, fn func(name []byte) bool) int {
	depth, count := 0, 0
	expectName := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			if depth == 1 && expectName {
				count++
				if fn != nil && !fn(b[i+1:min(j, len(b))]) {
					return count
				}
				expectName = false
			}
			i = j
		case '{', '[':
			depth++
			expectName = depth == 1 && c == '{'
		case '}', ']':
			depth--
		case ',':
			if depth == 1 {
				expectName = true
			}
		}
	}
	return count
}

// quoteShort quotes s for an error detail, cut to 64 bytes so that an
// attacker's header cannot flood the logs.
func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}

// stringBytes views s as a byte slice without copying. The slice must only be
// read: it is passed to base64 decoding as the source, which never writes it.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
