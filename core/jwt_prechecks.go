package mcpauth

import (
	"encoding/base64"
	"strconv"
	"strings"
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
	var src [maxHeaderBytes]byte
	var dst [maxHeaderBytes * 3 / 4]byte
	n, err := b64.Decode(dst[:], src[:copy(src[:], seg)])
	if err != nil {
		return tokenError("the JOSE header is not base64url: %v", err)
	}
	header := dst[:n]
	if n == 0 || header[0] != '{' {
		return tokenError("the JOSE header is not a JSON object")
	}
	var names [maxHeaderParams][]byte
	count := 0
	var problem error
	forEachMemberName(header, func(name []byte) bool {
		if count == maxHeaderParams {
			problem = tokenError("the JOSE header has more than %d parameters", maxHeaderParams)
			return false
		}
		for _, c := range name {
			if c == '\\' {
				problem = tokenError("a JOSE header parameter name contains an escape sequence")
				return false
			}
			if c < 0x20 || c > 0x7e {
				problem = tokenError("a JOSE header parameter name has a character outside printable ASCII")
				return false
			}
		}
		if string(name) == "crit" {
			problem = tokenError(`the JOSE header has "crit" extensions, none of which are supported`)
			return false
		}
		if readAs := caseVariantOf(name); readAs != "" {
			problem = tokenError("the JOSE header parameter %s differs from %q only by case (names are case-sensitive)", quoteShort(string(name)), readAs)
			return false
		}
		for _, seen := range names[:count] {
			if string(seen) == string(name) {
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
	payload, err := b64.DecodeString(seg)
	if err != nil {
		return tokenError("the JWT payload is not base64url: %v", err)
	}
	if forEachMemberName(payload, nil) != len(claims) {
		return tokenError("the JWT payload has a claim name twice")
	}
	return nil
}

// forEachMemberName calls fn (when not nil) with each member name, still
// JSON-escaped, of the object b, until fn returns false. It returns the
// number of names seen. One linear pass, no allocation; b should be valid
// JSON (golang-jwt has decoded it), and on anything else the pass still ends.
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
