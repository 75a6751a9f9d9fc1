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
		if !errors.As(err, &e) || e.Code != mcpauth.CodeInvalidToken || !errors.Is(err, mcpauth.CodeInvalidToken) || !errors.Is(err, cause) || errors.Is(err, mcpauth.CodeInvalidIssuer) {
			t.Fatalf("errors.Is/As do not see the code and cause of %v", err)
		}
		if e.Error() != "mcpauth: invalid_token: Test message: Test exception" {
			t.Fatalf("%q", e.Error())
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
		if _, err := mcpauth.ResourceMetadataURL(bad); !errors.Is(err, mcpauth.CodeInvalidServerConfig) {
			t.Errorf("PY-074 JS-088 %q: got %v", bad, err)
		}
	}
}
