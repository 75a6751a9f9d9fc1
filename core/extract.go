package mcpauth

// extractBearerToken returns the token of the request's Authorization header
// fields (RFC 6750 §2.1), given every value the request carried for that
// header, in order:
//
//   - no value, or one empty value: [CodeMissingAuthHeader];
//   - more than one value: [CodeInvalidAuthHeaderFormat] (the reference
//     libraries silently use the first one; a request that sends two sets of
//     credentials is ambiguous, so it is refused);
//   - the scheme alone ("Bearer"): [CodeMissingBearerToken];
//   - a scheme other than Bearer (case-insensitive), more than one space
//     after it, anything after the token, or a token that is not an RFC 6750
//     b64token: [CodeInvalidAuthHeaderFormat].
//
// Leading and trailing spaces and tabs are ignored, as HTTP servers strip them
// anyway. The token is never read from the query string or the body: the MCP
// authorization specification forbids it.
func extractBearerToken(values ...string) (string, error) {
	token, err := splitBearer(values)
	if err != nil {
		return "", err
	}
	if err := checkB64Token(token); err != nil {
		return "", err
	}
	return token, nil
}

// checkB64Token refuses a token outside the RFC 6750 grammar (with a new
// *Error each time: a caller may keep or change the one it gets).
func checkB64Token(token string) error {
	if !isB64Token(token) {
		return &Error{Code: CodeInvalidAuthHeaderFormat, Detail: "the token is not an RFC 6750 b64token (one word of letters, digits and -._~+/ with optional trailing =)"}
	}
	return nil
}

// splitBearer applies every rule of extractBearerToken but the token's
// character set, which the bearer checks only when the token is not in its
// verified-token cache (a cached token was checked when it was verified).
func splitBearer(values []string) (string, error) {
	switch len(values) {
	case 0:
		return "", &Error{Code: CodeMissingAuthHeader}
	case 1:
	default:
		return "", &Error{Code: CodeInvalidAuthHeaderFormat, Detail: "the request has more than one Authorization header"}
	}
	v := trimOWS(values[0])
	if v == "" {
		return "", &Error{Code: CodeMissingAuthHeader}
	}
	const scheme = "bearer"
	if len(v) < len(scheme) || !asciiEqualFold(v[:len(scheme)], scheme) {
		return "", &Error{Code: CodeInvalidAuthHeaderFormat, Detail: "the authorization scheme is not Bearer"}
	}
	if len(v) == len(scheme) {
		return "", &Error{Code: CodeMissingBearerToken}
	}
	if v[len(scheme)] != ' ' {
		return "", &Error{Code: CodeInvalidAuthHeaderFormat, Detail: "expected one space after the Bearer scheme"}
	}
	return v[len(scheme)+1:], nil
}

// trimOWS removes optional white space (RFC 9110 §5.6.3: spaces and tabs)
// around s.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// asciiEqualFold compares s with lower, which must be ASCII lower case,
// ignoring ASCII case.
func asciiEqualFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// isB64Token reports whether s matches RFC 6750 §2.1:
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	end := len(s)
	for end > 0 && s[end-1] == '=' {
		end--
	}
	if end == 0 {
		return false
	}
	for i := 0; i < end; i++ {
		if !b64TokenChars[s[i]] {
			return false
		}
	}
	return true
}

// b64TokenChars marks the characters of RFC 6750's b64token (before "=").
var b64TokenChars = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
	}
	return t
}()
