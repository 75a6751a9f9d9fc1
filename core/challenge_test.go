package mcpauth

import "testing"

func TestReferenceChallenge(t *testing.T) {
	t.Run("PY-071 JS-085 no parameters (differs: a bare Bearer challenge, never an empty header)", func(t *testing.T) {
		var c challengeBuilder
		if got := c.String(); got != "Bearer" {
			t.Fatalf("%q", got)
		}
	})
	t.Run("PY-072 JS-086 parameters in order", func(t *testing.T) {
		var c challengeBuilder
		c.Set("realm", "example").Set("error", "invalid_token").Set("error_description", "The access token expired").
			Set("resource_metadata", "https://example.com/.well-known/oauth-protected-resource")
		want := `Bearer realm="example", error="invalid_token", error_description="The access token expired", resource_metadata="https://example.com/.well-known/oauth-protected-resource"`
		if got := c.String(); got != want {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
	t.Run("PY-073 JS-087 empty values skipped", func(t *testing.T) {
		var c challengeBuilder
		c.Set("realm", "example").Set("scope", "").Set("error", "invalid_token").Set("error_uri", "").Set("error_description", "")
		if got := c.String(); got != `Bearer realm="example", error="invalid_token"` {
			t.Fatalf("%q", got)
		}
	})
	t.Run("quotes and backslashes are escaped, control characters replaced (the references emit invalid headers)", func(t *testing.T) {
		var c challengeBuilder
		c.Set("error_description", "Expected \"Bearer <token>\" \\ done\r\n")
		if got := c.String(); got != `Bearer error_description="Expected \"Bearer <token>\" \\ done??"` {
			t.Fatalf("%q", got)
		}
	})
}
