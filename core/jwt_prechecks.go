package mcpauth

import (
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
)

// Tokens are parsed and their signatures verified by golang-jwt's Parser
// (jwt_verify.go). The checks in this file are the few that golang-jwt does
// not make, written here because no library makes them: golang-jwt decodes
// the header and the claims into maps, where a member name given twice
// silently keeps its last value, and it reads any header it can decode. They
// run in the Keyfunc, before any key lookup or network request, on the raw
// segments of the token.

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

// b64 decodes the segments the pre-checks read: base64url without padding
// (RFC 7515 §2), strict about the unused bits of the last character, as the
// Parser is (jwt.WithStrictDecoding).
var b64 = base64.RawURLEncoding.Strict()

// segments returns the encoded header and payload of a compact JWS that
// golang-jwt has split into exactly three parts.
func segments(raw string) (header, payload string) {
	header, rest, _ := strings.Cut(raw, ".")
	payload, _, _ = strings.Cut(rest, ".")
	return header, payload
}

// checkHeaderMembers applies to the encoded JOSE header what golang-jwt does
// not check: a size limit; a JSON object; at most maxHeaderParams members;
// member names that are plain ASCII without escape sequences (so that every
// JOSE parser reads the same names: encoding/json, which golang-jwt uses
// for struct headers elsewhere, folds "\u212Aid", KELVIN SIGN + "id", into
// "kid"), none of them twice (JSON parsers disagree on which duplicate
// wins; RFC 7515 §4 requires rejection) and none a case variant of alg,
// kid, typ or crit (names are case-sensitive, RFC 7515 §4, but some parsers
// match them without case); and no "crit" (RFC 7515 §4.1.11: a recipient
// must reject a token whose "crit" lists an extension it does not
// implement; this package implements none).
func checkHeaderMembers(seg string) error {
	if len(seg) > maxHeaderBytes {
		return tokenError("the JOSE header is over the %d-byte limit", maxHeaderBytes)
	}
	bp := scratchBuffers.Get().(*[]byte)
	defer putScratch(bp)
	header, err := decodeSegment(seg, bp)
	if err != nil {
		return tokenError("the JOSE header is not base64url: %v", err)
	}
	if len(header) == 0 || header[0] != '{' {
		return tokenError("the JOSE header is not a JSON object")
	}
	var names [maxHeaderParams][]byte
	count := 0
	for scan := (memberNames{b: header}); ; {
		name, ok := scan.next()
		if !ok {
			return nil
		}
		if count == maxHeaderParams {
			return tokenError("the JOSE header has more than %d parameters", maxHeaderParams)
		}
		for _, c := range name {
			if c == '\\' {
				return tokenError("a JOSE header parameter name contains an escape sequence")
			}
			if c < 0x20 || c > 0x7e {
				return tokenError("a JOSE header parameter name has a character outside printable ASCII")
			}
		}
		if string(name) == "crit" {
			return tokenError(`the JOSE header has "crit" extensions, none of which are supported`)
		}
		if readAs := caseVariantOf(name); readAs != "" {
			return tokenError("the JOSE header parameter %s differs from %q only by case (names are case-sensitive)", quoteShort(string(name)), readAs)
		}
		for _, seen := range names[:count] {
			if string(seen) == string(name) {
				return tokenError("the JOSE header has the parameter %s twice", quoteShort(string(name)))
			}
		}
		names[count] = name
		count++
	}
}

// headerParams are the header parameters this package or golang-jwt reads.
var headerParams = [...]string{"alg", "kid", "typ", "crit"}

// caseVariantOf returns the parameter of headerParams that name spells with
// a different (ASCII) case, or "".
func caseVariantOf(name []byte) string {
	for _, p := range headerParams {
		if len(name) == len(p) && string(name) != p && asciiEqualFold(string(name), p) {
			return p
		}
	}
	return ""
}

// checkClaimNames refuses a payload with a claim name given twice, in any
// spelling (golang-jwt decodes the claims into a map, where the last one
// silently wins): the number of member names of the encoded payload must
// be the number of claims decoded.
func checkClaimNames(seg string, claims map[string]any) error {
	bp := scratchBuffers.Get().(*[]byte)
	defer putScratch(bp)
	payload, err := decodeSegment(seg, bp)
	if err != nil {
		return tokenError("the JWT payload is not base64url: %v", err)
	}
	if countMemberNames(payload) != len(claims) {
		return tokenError("the JWT payload has a claim name twice")
	}
	return nil
}

// decodeSegment decodes the base64url segment seg into the scratch buffer
// *bp (grown if needed): the segment is copied into the buffer and decoded
// into the rest of it, so that no allocation is made once the pool is warm.
// The result is valid until the buffer goes back to the pool.
func decodeSegment(seg string, bp *[]byte) ([]byte, error) {
	need := len(seg) + b64.DecodedLen(len(seg))
	if cap(*bp) < need {
		*bp = make([]byte, need)
	}
	buf := (*bp)[:need]
	src := buf[:copy(buf, seg)]
	n, err := b64.Decode(buf[len(seg):], src)
	return buf[len(seg) : len(seg)+n], err
}

// putScratch returns a scratch buffer to the pool, unless a large token made
// it grow beyond what is worth keeping.
func putScratch(bp *[]byte) {
	if cap(*bp) <= 64<<10 {
		scratchBuffers.Put(bp)
	}
}

// scratchBuffers holds the buffers the pre-checks decode segments into.
var scratchBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// memberNames scans the member names, still JSON-escaped, of the object b:
// one linear pass, no allocation. b should be valid JSON (golang-jwt decodes
// it too); on anything else the pass still ends.
type memberNames struct {
	b          []byte
	i, depth   int
	expectName bool
}

// next returns the next member name of the top-level object, or ok false at
// the end.
func (m *memberNames) next() (name []byte, ok bool) {
	b := m.b
	for ; m.i < len(b); m.i++ {
		switch c := b[m.i]; c {
		case '"':
			j := m.i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			start := m.i + 1
			m.i = j
			if m.depth == 1 && m.expectName {
				m.expectName = false
				m.i++
				return b[start:min(j, len(b))], true
			}
		case '{', '[':
			m.depth++
			m.expectName = m.depth == 1 && c == '{'
		case '}', ']':
			m.depth--
		case ',':
			if m.depth == 1 {
				m.expectName = true
			}
		}
	}
	return nil, false
}

// countMemberNames returns the number of member names of the object b.
func countMemberNames(b []byte) int {
	n := 0
	for scan := (memberNames{b: b}); ; n++ {
		if _, ok := scan.next(); !ok {
			return n
		}
	}
}

// quoteShort quotes s for an error detail, cut to 64 bytes so that an
// attacker's header cannot flood the logs.
func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}
