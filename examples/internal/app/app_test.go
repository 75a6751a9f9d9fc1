package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// TestRunExitCodes: a bad configuration exits with status 2 and a message
// naming the problem, before anything is served.
func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		code    int
		message string
	}{
		{"bad issuer type", map[string]string{EnvIssuerType: "saml"}, 2, `MCP_AUTH_ISSUER_TYPE: want "oidc" or "oauth", got "saml"`},
		{"bad port", map[string]string{EnvPort: "eighty"}, 2, `PORT: "eighty" is not a port number`},
		{"http issuer off loopback", map[string]string{EnvIssuer: "http://as.example.com", EnvAddr: "127.0.0.1:0"}, 2, "https is required"},
		{"cannot listen", map[string]string{EnvAddr: "256.0.0.1:1"}, 1, "listen on 256.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			served := false
			serve := func(context.Context, *App) error { served = true; return nil }
			code := run(Options{Name: "test"}, serve, func(k string) string { return tc.env[k] }, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.message) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.message)
			}
			if served || stdout.Len() > 0 {
				t.Errorf("served %v, stdout %q", served, stdout.String())
			}
		})
	}
}

// TestRunServes: with a good configuration run prints the banner, serves,
// and exits 0 when serve returns nil, 1 when it fails.
func TestRunServes(t *testing.T) {
	for _, serveErr := range []error{nil, errors.New("boom")} {
		var stdout, stderr bytes.Buffer
		env := map[string]string{EnvAddr: "127.0.0.1:0", EnvRequiredScopes: "mcp:tools"}
		var got *App
		serve := func(_ context.Context, a *App) error { got = a; return serveErr }
		code := run(Options{Name: "test"}, serve, func(k string) string { return env[k] }, &stdout, &stderr)
		want := 0
		if serveErr != nil {
			want = 1
		}
		if code != want {
			t.Errorf("serve error %v: exit code %d, want %d; stderr: %s", serveErr, code, want, stderr.String())
		}
		if got == nil || got.DevToken == "" || !strings.Contains(stdout.String(), got.DevToken) {
			t.Fatalf("banner without the development token:\n%s", stdout.String())
		}
		for _, s := range []string{"required scopes:   mcp:tools", "Call whoami:", "curl -sS " + got.LocalURL(), `"method":"tools/call"`,
			"Connect an MCP client", "Bearer Token", "has no sign-in", "mcpauth-check -token <token> " + got.LocalURL()} {
			if !strings.Contains(stdout.String(), s) {
				t.Errorf("banner lacks %q:\n%s", s, stdout.String())
			}
		}
	}
}

func TestCurlCommand(t *testing.T) {
	got := CurlCommand("http://localhost:3001/mcp", "TOKEN", ToolCall{Name: "create-todo", Arguments: `{"content":"x"}`})
	want := `curl -sS http://localhost:3001/mcp \
  -H 'Authorization: Bearer TOKEN' \
  -H 'Accept: application/json, text/event-stream' \
  -H 'Content-Type: application/json' \
  -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create-todo","arguments":{"content":"x"}}}'`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestUnion(t *testing.T) {
	tests := []struct {
		a, b, want []string
	}{
		{nil, nil, nil},
		{[]string{"a"}, nil, []string{"a"}},
		{nil, []string{"b"}, []string{"b"}},
		{[]string{"a", "b"}, []string{"b", "c", "a"}, []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		if got := union(tc.a, tc.b); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("union(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestDevIssuerOpaque: with MCP_AUTH_TOKEN_FORMAT=opaque and no issuer, the
// development issuer prints an opaque token that the server verifies by
// introspection with the issuer's built-in client.
func TestDevIssuerOpaque(t *testing.T) {
	for _, format := range []string{FormatOpaque, FormatAuto} {
		t.Run(format, func(t *testing.T) {
			a, err := Start(context.Background(), Config{Addr: "127.0.0.1:0", TokenFormat: format}, Options{Name: "test", Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			isJWT := strings.Count(a.DevToken, ".") == 2
			if isJWT != (format == FormatAuto) {
				t.Errorf("format %s: development token is a JWT: %v", format, isJWT)
			}
			opaque := a.Dev.MustOpaqueToken(t, map[string]any{"sub": "someone", "aud": a.Audience})
			for _, tok := range []string{a.DevToken, opaque} {
				info, err := a.Bearer.Authenticate(context.Background(), "Bearer "+tok)
				if err != nil {
					t.Fatal(err)
				}
				if info.Issuer != a.Dev.URL() {
					t.Errorf("issuer %q", info.Issuer)
				}
			}
			if n := a.Dev.IntrospectionRequests(); n == 0 {
				t.Error("no introspection request")
			}
		})
	}
}

// TestDevIssuerAdvertisesOnlyWhatItServes: every URL in the development
// issuer's discovery documents answers (no 404): it lists its keys and no
// authorization, token or registration endpoint it would not serve.
func TestDevIssuerAdvertisesOnlyWhatItServes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Start(t.Context(), Config{Addr: "127.0.0.1:0", IssuerType: mcpauth.OIDC}, Options{Name: "test", Listener: ln, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, doc := range []string{a.Dev.OpenIDConfigurationURL(), a.Dev.OAuthMetadataURL()} {
		var m map[string]any
		if status := getJSON(t, doc, &m); status != http.StatusOK {
			t.Fatalf("%s: %d", doc, status)
		}
		for _, name := range []string{"authorization_endpoint", "token_endpoint", "registration_endpoint"} {
			if _, ok := m[name]; ok {
				t.Errorf("%s lists %s, which the development issuer does not serve", doc, name)
			}
		}
		n := 0
		for name, v := range m {
			u, ok := v.(string)
			if !ok || name == "issuer" || !strings.HasPrefix(u, "http") {
				continue
			}
			n++
			if status := getJSON(t, u, nil); status == http.StatusNotFound || status >= 500 {
				t.Errorf("%s: %s %s answers %d", doc, name, u, status)
			}
		}
		if n == 0 {
			t.Errorf("%s lists no endpoint at all", doc)
		}
	}
}

// getJSON GETs u, decodes a JSON body into v when v is not nil, and returns
// the status.
func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	return resp.StatusCode
}
