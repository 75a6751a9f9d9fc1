package mcpauth_test

// Replays the unit cases of the reference suites: errors (PY-015..023,
// JS-013..025), the WWW-Authenticate builder (PY-070..073, JS-084..087), the
// metadata URL (PY-074..080, JS-088..093) and header extraction (reference §3).

import (
	"errors"
	"fmt"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

func TestReferenceErrors(t *testing.T) {
	cases := []struct {
		name string
		code mcpauth.Code
		want string
	}{
		{"PY-017 JS-017", mcpauth.CodeInvalidServerMetadata, "The server metadata is invalid or malformed."},
		{"PY-019 JS-020", mcpauth.CodeMissingAuthHeader, "Missing `Authorization` header. Please provide a valid bearer token."},
		{"PY-022 JS-024", mcpauth.CodeInvalidToken, "The provided token is invalid or malformed."},
		{"JS token_verification_failed", mcpauth.CodeTokenVerificationFailed, "Token verification failed due to an error."},
		{"PY-018 PY-020 PY-023 JS-018 JS-021 JS-025 unknown code", "unknown_code", "An error occurred with the Bearer auth."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.code.Description(); got != c.want {
				t.Fatalf("%q", got)
			}
			e := &mcpauth.Error{Code: c.code}
			if want := "mcpauth: " + string(c.code) + ": " + c.want; e.Error() != want {
				t.Fatalf("Error() = %q, want %q", e.Error(), want)
			}
		})
	}
	t.Run("PY-015 PY-016 JS-013 JS-014 code, cause and errors.Is/As", func(t *testing.T) {
		cause := errors.New("Test exception")
		err := fmt.Errorf("wrapped: %w", &mcpauth.Error{Code: mcpauth.CodeInvalidToken, Description: "Test message", Err: cause})
		var e *mcpauth.Error
		if !errors.As(err, &e) || e.Code != mcpauth.CodeInvalidToken || !errors.Is(err, mcpauth.ErrInvalidToken) || !errors.Is(err, cause) || errors.Is(err, mcpauth.ErrInvalidIssuer) {
			t.Fatalf("errors.Is/As do not see the code and cause of %v", err)
		}
		if e.Error() != "mcpauth: invalid_token: Test message: Test exception" {
			t.Fatalf("%q", e.Error())
		}
	})
	t.Run("RFC 6750 codes", func(t *testing.T) {
		for code, want := range map[mcpauth.Code]string{
			mcpauth.CodeMissingAuthHeader: "", mcpauth.CodeInvalidAuthHeaderFormat: "invalid_request", mcpauth.CodeMissingBearerToken: "invalid_request",
			mcpauth.CodeInvalidIssuer: "invalid_token", mcpauth.CodeInvalidAudience: "invalid_token", mcpauth.CodeInvalidToken: "invalid_token",
			mcpauth.CodeTokenVerificationFailed: "invalid_token", mcpauth.CodeMissingRequiredScopes: "insufficient_scope", mcpauth.CodeInvalidServerConfig: "",
		} {
			if got := code.RFC6750(); got != want {
				t.Errorf("%s: %q, want %q", code, got, want)
			}
		}
	})
}

func TestReferenceChallenge(t *testing.T) {
	t.Run("PY-071 JS-085 no parameters (differs: a bare Bearer challenge, never an empty header)", func(t *testing.T) {
		var c mcpauth.Challenge
		if got := c.String(); got != "Bearer" {
			t.Fatalf("%q", got)
		}
	})
	t.Run("PY-072 JS-086 parameters in order", func(t *testing.T) {
		var c mcpauth.Challenge
		c.Set("realm", "example").Set("error", "invalid_token").Set("error_description", "The access token expired").
			Set("resource_metadata", "https://example.com/.well-known/oauth-protected-resource")
		want := `Bearer realm="example", error="invalid_token", error_description="The access token expired", resource_metadata="https://example.com/.well-known/oauth-protected-resource"`
		if got := c.String(); got != want {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
	t.Run("PY-073 JS-087 empty values skipped", func(t *testing.T) {
		var c mcpauth.Challenge
		c.Set("realm", "example").Set("scope", "").Set("error", "invalid_token").Set("error_uri", "").Set("error_description", "")
		if got := c.String(); got != `Bearer realm="example", error="invalid_token"` {
			t.Fatalf("%q", got)
		}
	})
	t.Run("quotes and backslashes are escaped, control characters replaced (the references emit invalid headers)", func(t *testing.T) {
		var c mcpauth.Challenge
		c.Set("error_description", "Expected \"Bearer <token>\" \\ done\r\n")
		if got := c.String(); got != `Bearer error_description="Expected \"Bearer <token>\" \\ done??"` {
			t.Fatalf("%q", got)
		}
	})
}

func TestReferenceResourceMetadataURL(t *testing.T) {
	cases := []struct{ name, resource, want string }{
		{"PY-075", "https://example.com", "https://example.com/.well-known/oauth-protected-resource"},
		{"PY-076 JS-089", "https://example.com/", "https://example.com/.well-known/oauth-protected-resource"},
		{"PY-077 JS-090", "https://example.com/api/v1", "https://example.com/.well-known/oauth-protected-resource/api/v1"},
		{"PY-078 JS-091", "https://example.com/api/v1/", "https://example.com/.well-known/oauth-protected-resource/api/v1/"},
		{"PY-079 JS-092", "http://localhost:3000/foo", "http://localhost:3000/.well-known/oauth-protected-resource/foo"},
		{"PY-080 JS-093", "https://example.com/api/v1?foo=bar#baz", "https://example.com/.well-known/oauth-protected-resource/api/v1"},
		{"userinfo dropped (as JS)", "https://u:p@example.com/x", "https://example.com/.well-known/oauth-protected-resource/x"},
		{"space percent-encoded (as JS)", "https://example.com/a%20b", "https://example.com/.well-known/oauth-protected-resource/a%20b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, err := mcpauth.ResourceMetadataURL(c.resource); err != nil || got != c.want {
				t.Fatalf("%q, %v; want %q", got, err, c.want)
			}
		})
	}
	for _, bad := range []string{"not a url", "urn:example:x", ""} {
		if _, err := mcpauth.ResourceMetadataURL(bad); !errors.Is(err, mcpauth.ErrInvalidServerConfig) {
			t.Errorf("PY-074 JS-088 %q: got %v", bad, err)
		}
	}
}

// Reference §3 and §12: token extraction, with DESIGN §5's decisions.
func TestExtractBearerToken(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		token  string
		code   mcpauth.Code
	}{
		{"absent", nil, "", mcpauth.CodeMissingAuthHeader},
		{"empty", []string{""}, "", mcpauth.CodeMissingAuthHeader},
		{"white space only", []string{"  \t "}, "", mcpauth.CodeMissingAuthHeader},
		{"scheme alone (Python: invalid format; JS and we: missing token)", []string{"Bearer"}, "", mcpauth.CodeMissingBearerToken},
		{"scheme and space", []string{"Bearer "}, "", mcpauth.CodeMissingBearerToken},
		{"lower case scheme", []string{"bearer tok"}, "tok", ""},
		{"upper case scheme", []string{"BEARER tok"}, "tok", ""},
		{"surrounding white space", []string{"   Bearer tok   "}, "tok", ""},
		{"two spaces", []string{"Bearer  tok"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"extra word", []string{"Bearer tok extra"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"tab separator", []string{"Bearer\ttok"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"Basic", []string{"Basic abc"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"scheme glued to token", []string{"Bearertok"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"short value", []string{"Bea"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"two headers (references: first wins; we refuse)", []string{"Bearer a", "Bearer b"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"b64token with padding", []string{"Bearer abc-._~+/=="}, "abc-._~+/==", ""},
		{"only padding", []string{"Bearer =="}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"character outside b64token", []string{"Bearer a,b"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"non-ASCII", []string{"Bearer tök"}, "", mcpauth.CodeInvalidAuthHeaderFormat},
		{"JWT", []string{"Bearer eyJ.eyJ.sig"}, "eyJ.eyJ.sig", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			token, err := mcpauth.ExtractBearerToken(c.values...)
			if c.code == "" {
				if err != nil || token != c.token {
					t.Fatalf("%q, %v; want %q", token, err, c.token)
				}
				return
			}
			var e *mcpauth.Error
			if !errors.As(err, &e) || e.Code != c.code || token != "" {
				t.Fatalf("%q, %v; want %s", token, err, c.code)
			}
		})
	}
}
