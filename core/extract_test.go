package mcpauth

import (
	"errors"
	"testing"
)

// Reference §3 and §12: token extraction, with DESIGN §5's decisions.
func TestExtractBearerToken(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		token  string
		code   Code
	}{
		{"absent", nil, "", CodeMissingAuthHeader},
		{"empty", []string{""}, "", CodeMissingAuthHeader},
		{"white space only", []string{"  \t "}, "", CodeMissingAuthHeader},
		{"scheme alone (Python: invalid format; JS and we: missing token)", []string{"Bearer"}, "", CodeMissingBearerToken},
		{"scheme and space", []string{"Bearer "}, "", CodeMissingBearerToken},
		{"lower case scheme", []string{"bearer tok"}, "tok", ""},
		{"upper case scheme", []string{"BEARER tok"}, "tok", ""},
		{"surrounding white space", []string{"   Bearer tok   "}, "tok", ""},
		{"two spaces", []string{"Bearer  tok"}, "", CodeInvalidAuthHeaderFormat},
		{"extra word", []string{"Bearer tok extra"}, "", CodeInvalidAuthHeaderFormat},
		{"tab separator", []string{"Bearer\ttok"}, "", CodeInvalidAuthHeaderFormat},
		{"Basic", []string{"Basic abc"}, "", CodeInvalidAuthHeaderFormat},
		{"scheme glued to token", []string{"Bearertok"}, "", CodeInvalidAuthHeaderFormat},
		{"short value", []string{"Bea"}, "", CodeInvalidAuthHeaderFormat},
		{"two headers (references: first wins; we refuse)", []string{"Bearer a", "Bearer b"}, "", CodeInvalidAuthHeaderFormat},
		{"b64token with padding", []string{"Bearer abc-._~+/=="}, "abc-._~+/==", ""},
		{"only padding", []string{"Bearer =="}, "", CodeInvalidAuthHeaderFormat},
		{"character outside b64token", []string{"Bearer a,b"}, "", CodeInvalidAuthHeaderFormat},
		{"non-ASCII", []string{"Bearer tök"}, "", CodeInvalidAuthHeaderFormat},
		{"JWT", []string{"Bearer eyJ.eyJ.sig"}, "eyJ.eyJ.sig", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			token, err := extractBearerToken(c.values...)
			if c.code == "" {
				if err != nil || token != c.token {
					t.Fatalf("%q, %v; want %q", token, err, c.token)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != c.code || token != "" {
				t.Fatalf("%q, %v; want %s", token, err, c.code)
			}
		})
	}
}

func TestRFC6750Codes(t *testing.T) {
	t.Run("RFC 6750 codes", func(t *testing.T) {
		for code, want := range map[Code]string{
			CodeMissingAuthHeader: "", CodeInvalidAuthHeaderFormat: "invalid_request", CodeMissingBearerToken: "invalid_request",
			CodeInvalidIssuer: "invalid_token", CodeInvalidAudience: "invalid_token", CodeInvalidToken: "invalid_token",
			CodeTokenVerificationFailed: "invalid_token", CodeMissingRequiredScopes: "insufficient_scope", CodeInvalidServerConfig: "",
		} {
			if got := code.rfc6750(); got != want {
				t.Errorf("%s: %q, want %q", code, got, want)
			}
		}
	})
}
