package check_test

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/tools/internal/check"
)

// mcpServer starts a protected MCP endpoint at /mcp the way a user wires
// core's net/http middleware: the protected resource metadata served
// unauthenticated, /mcp behind the bearer check. It trusts the issuers and
// returns the MCP server URL.
func mcpServer(t *testing.T, issuers ...*mcpauthtest.Issuer) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resource := "http://" + ln.Addr().String() + "/mcp"
	var servers []mcpauth.AuthServer
	for _, iss := range issuers {
		servers = append(servers, mcpauth.Discover(iss.URL(), mcpauth.OIDC))
	}
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{Resource: resource, AuthorizationServers: servers, ScopesSupported: []string{"read"}}},
		Logger:             quiet(),
	})
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: resource})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/.well-known/", auth.MetadataHandler())
	mux.Handle("/mcp", bearer.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{}}`))
	})))
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	return resource
}

// plainServer serves h at 127.0.0.1 and returns its base URL.
func plainServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	return mcpauthtest.Serve(t, h)
}

func TestFromMCPServerURL(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, ready)
	mcpURL := mcpServer(t, iss)

	code, r := runJSON(t, mcpURL)
	if code != check.ExitOK || !r.OK || r.Target != mcpURL {
		t.Fatalf("exit status %d, report %+v", code, r)
	}
	rr := r.Resource
	if rr == nil || rr.FoundVia != "challenge" || rr.Resource != mcpURL || len(rr.AuthorizationServers) != 1 || rr.AuthorizationServers[0] != iss.URL() {
		t.Fatalf("resource %+v", rr)
	}
	if !strings.HasSuffix(rr.MetadataURL, "/.well-known/oauth-protected-resource/mcp") {
		t.Errorf("metadata URL %q", rr.MetadataURL)
	}
	for _, id := range []string{check.IDChallenge, check.IDResourceMetadata, check.IDResourceMatch, check.IDAuthorizationServers} {
		if got, _ := rr.Result(id); got.Status != check.Pass {
			t.Errorf("%s: %s (%s)", id, got.Status, got.Detail)
		}
	}
	s, ok := r.Server(iss.URL())
	if !ok || !s.OK {
		t.Fatalf("server report %+v", s)
	}
	if r.Token != nil {
		t.Errorf("token checked without -token: %+v", r.Token)
	}
}

func TestTokenVerification(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, ready)
	other := mcpauthtest.MustNewIssuer(t, ready)
	mcpURL := mcpServer(t, iss)
	cases := []struct {
		name   string
		token  string
		flags  []string
		status check.Status
		detail string
	}{
		{"valid", iss.MustToken(t, map[string]any{"sub": "alice", "aud": mcpURL, "scope": "read"}), nil, check.Pass, `subject "alice"`},
		{"valid, with the Bearer prefix pasted", "Bearer " + iss.MustToken(t, map[string]any{"sub": "alice", "aud": mcpURL}), nil, check.Pass, `subject "alice"`},
		{"wrong audience", iss.MustToken(t, map[string]any{"sub": "alice", "aud": "api://other"}), nil, check.Fail, "resource=" + mcpURL},
		{"audience given", iss.MustToken(t, map[string]any{"sub": "alice", "aud": "api://other"}), []string{"-audience", "api://other"}, check.Pass, `audience ["api://other"]`},
		{"no audience (Cognito)", iss.MustToken(t, map[string]any{"sub": "alice", "client_id": "c"}), nil, check.Fail, "AcceptedClientIDs"},
		{"another issuer", other.MustToken(t, map[string]any{"sub": "alice", "aud": mcpURL}), nil, check.Fail, "sts.windows.net"},
		{"expired", iss.MustToken(t, map[string]any{"sub": "alice", "aud": mcpURL, "exp": 1000}), nil, check.Fail, "expired"},
		{"opaque (Google)", "ya29.a0AfH6SMBopaque-token-value", nil, check.Fail, "opaque access token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, r := runJSON(t, append(c.flags, "-token", c.token, mcpURL)...)
			if r.Token == nil {
				t.Fatalf("no token report")
			}
			if r.Token.Status != c.status || !strings.Contains(r.Token.Detail, c.detail) {
				t.Errorf("token: %s %q; want %s with %q", r.Token.Status, r.Token.Detail, c.status, c.detail)
			}
			if want := map[check.Status]int{check.Pass: check.ExitOK, check.Fail: check.ExitFailed}[c.status]; code != want {
				t.Errorf("exit status %d, want %d", code, want)
			}
			_, stdout, _ := run(t, "-token", c.token, mcpURL)
			if strings.Contains(stdout, strings.TrimPrefix(c.token, "Bearer ")) {
				t.Errorf("the token is printed:\n%s", stdout)
			}
		})
	}
}

func TestTokenFromEnvironmentAndIssuerMode(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t, ready)
	t.Setenv(check.EnvToken, iss.MustToken(t, map[string]any{"sub": "bob", "aud": "anything"}))
	code, r, _ := runIssuer(t, iss.URL())
	if code != check.ExitOK || r.Token == nil || r.Token.Status != check.Pass || !strings.Contains(r.Token.Detail, "audience not checked") {
		t.Fatalf("exit status %d, token %+v", code, r.Token)
	}
}

func TestResourceDiscoveryFailures(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t, ready)
	prm := func(base string) string {
		return `{"resource":"` + base + `/mcp","authorization_servers":["` + iss.URL() + `"]}`
	}
	cases := []struct {
		name    string
		handler func(base *string) http.HandlerFunc
		code    int
		want    map[string]check.Status
		detail  map[string]string
	}{
		{
			name: "401 without resource_metadata: the well-known URL is used",
			handler: func(base *string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/.well-known/oauth-protected-resource/mcp" {
						_, _ = w.Write([]byte(prm(*base)))
						return
					}
					w.Header().Set("WWW-Authenticate", `Bearer realm="x"`)
					w.WriteHeader(401)
				}
			},
			code: check.ExitOK,
			want: map[string]check.Status{check.IDChallenge: check.Warn, check.IDResourceMetadata: check.Pass, check.IDResourceMatch: check.Pass, check.IDAuthorizationServers: check.Pass},
		},
		{
			name: "not protected",
			handler: func(base *string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/.well-known/oauth-protected-resource/mcp" {
						_, _ = w.Write([]byte(prm(*base)))
						return
					}
					_, _ = w.Write([]byte(`{}`))
				}
			},
			code:   check.ExitFailed,
			want:   map[string]check.Status{check.IDChallenge: check.Fail, check.IDResourceMetadata: check.Pass},
			detail: map[string]string{check.IDChallenge: "not protected"},
		},
		{
			name:    "no metadata anywhere",
			handler: func(*string) http.HandlerFunc { return http.NotFound },
			code:    check.ExitFailed,
			want:    map[string]check.Status{check.IDChallenge: check.Warn, check.IDResourceMetadata: check.Fail, check.IDAuthorizationServers: check.Skip},
			detail:  map[string]string{check.IDResourceMetadata: "-issuer"},
		},
		{
			name: "metadata naming another resource, and no server",
			handler: func(base *string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/prm" {
						_, _ = w.Write([]byte(`{"resource":"https://elsewhere.example/mcp"}`))
						return
					}
					w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request", resource_metadata="`+*base+`/prm"`)
					w.WriteHeader(401)
				}
			},
			code: check.ExitFailed,
			want: map[string]check.Status{check.IDChallenge: check.Pass, check.IDResourceMetadata: check.Pass, check.IDResourceMatch: check.Warn, check.IDAuthorizationServers: check.Fail},
		},
		{
			name: "metadata that is not JSON",
			handler: func(base *string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/prm" {
						_, _ = w.Write([]byte(`<html>`))
						return
					}
					w.Header().Set("WWW-Authenticate", `Bearer resource_metadata=`+*base+`/prm`)
					w.WriteHeader(401)
				}
			},
			code:   check.ExitFailed,
			want:   map[string]check.Status{check.IDChallenge: check.Pass, check.IDResourceMetadata: check.Fail},
			detail: map[string]string{check.IDResourceMetadata: "not a JSON object"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var base string
			base = plainServer(t, c.handler(&base))
			code, r := runJSON(t, base+"/mcp")
			if code != c.code {
				t.Errorf("exit status %d, want %d", code, c.code)
			}
			for id, want := range c.want {
				if got, _ := r.Resource.Result(id); got.Status != want {
					t.Errorf("%s: %s (%s), want %s", id, got.Status, got.Detail, want)
				}
			}
			for id, sub := range c.detail {
				if got, _ := r.Resource.Result(id); !strings.Contains(got.Detail, sub) {
					t.Errorf("%s: %q lacks %q", id, got.Detail, sub)
				}
			}
		})
	}
}

func TestMCPServerTable(t *testing.T) {
	t.Parallel()
	iss := mcpauthtest.MustNewIssuer(t)
	mcpURL := mcpServer(t, iss)
	code, stdout, _ := run(t, "-token", iss.MustToken(t, map[string]any{"sub": "alice", "aud": mcpURL}), mcpURL)
	if code != check.ExitOK {
		t.Errorf("exit status %d", code)
	}
	for _, want := range []string{
		"MCP server " + mcpURL,
		"Protected resource metadata (challenge): ",
		"Authorization server " + iss.URL(),
		// The development issuer advertises no registration: reported as such.
		"WARN    Dynamic client registration (RFC 7591)",
		"PASS    Token verified by mcpauth",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }
