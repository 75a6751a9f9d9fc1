package mcpfiber_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiberv3"
)

func TestRegisterMetadata(t *testing.T) {
	f := newFixture(t)
	app := newApp()
	mcpfiber.RegisterMetadata(app, f.auth)
	// Registered after the metadata routes: it must not reach them.
	app.Use(mcpfiber.BearerAuth(f.bearer))
	app.Get("/mcp", whoami)
	base := serve(t, app)
	core := f.auth.MetadataHandler()
	const path = "/.well-known/oauth-protected-resource/mcp"
	preflight := map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "mcp-protocol-version"}

	for _, tc := range []struct {
		name   string
		method string
		path   string
		header map[string]string
	}{
		{"GET", http.MethodGet, path, nil},
		{"GET with trailing slash", http.MethodGet, path + "/", nil},
		{"HEAD", http.MethodHead, path, nil},
		{"CORS preflight", http.MethodOptions, path, preflight},
		{"OPTIONS without requested headers", http.MethodOptions, path + "/", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// core's own net/http answer to the same request
			req := httptest.NewRequest(tc.method, tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			core.ServeHTTP(rec, req)
			want := rec.Result()

			sent, err := http.NewRequest(tc.method, base+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				sent.Header.Set(k, v)
			}
			resp := mcpauthtest.Do(t, sent)
			if resp.Status != want.StatusCode {
				t.Errorf("status %d, want %d", resp.Status, want.StatusCode)
			}
			if string(resp.Body) != rec.Body.String() {
				t.Errorf("body\n got %s\nwant %s", resp.Body, rec.Body.String())
			}
			for k := range want.Header {
				if got, w := resp.Header.Values(k), want.Header.Values(k); !slices.Equal(got, w) {
					t.Errorf("%s %q, want %q", k, got, w)
				}
			}
			// The headers fiber may add on its own are Date and, for a
			// response with a body, Content-Length: nothing else.
			for k := range resp.Header {
				if _, ok := want.Header[k]; !ok && k != "Date" && (k != "Content-Length" || len(resp.Body) == 0) {
					t.Errorf("extra header %s: %q", k, resp.Header.Values(k))
				}
			}
			if resp.Header.Get("WWW-Authenticate") != "" {
				t.Error("the metadata route went through BearerAuth")
			}
		})
	}

	t.Run("other methods are not served", func(t *testing.T) {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			resp := mcpauthtest.Send(t, m, base+path)
			if resp.Status != http.StatusMethodNotAllowed && resp.Status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 405 or BearerAuth's 401", m, resp.Status)
			}
		}
	})
	t.Run("other paths are not served by the metadata routes", func(t *testing.T) {
		resp := mcpauthtest.Send(t, http.MethodGet, base+"/.well-known/oauth-protected-resource/other")
		if resp.Status == http.StatusOK {
			t.Errorf("status 200 for another path")
		}
	})
}

func TestRegisterMetadataMatchesLiterally(t *testing.T) {
	iss := newFixture(t).iss
	const res = "https://mcp.example.com/v1:mcp+x*"
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             res,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	app := newApp()
	mcpfiber.RegisterMetadata(app.Group(""), auth) // a fiber.Router other than the app
	base := serve(t, app)
	const p = "/.well-known/oauth-protected-resource/v1:mcp+x*"
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{p, true},
		{p + "/", true},
		{"/.well-known/oauth-protected-resource/v1", false},
		{"/.well-known/oauth-protected-resource/v1anything", false},
		{"/.well-known/oauth-protected-resource/v1:mcp+xyz", false},
	} {
		resp := mcpauthtest.Send(t, http.MethodGet, base+tc.path)
		if got := resp.Status == http.StatusOK; got != tc.ok {
			t.Errorf("GET %s: status %d, want served = %v", tc.path, resp.Status, tc.ok)
		}
		if tc.ok && !strings.Contains(string(resp.Body), `"resource":"`+res+`"`) {
			t.Errorf("GET %s: body %s", tc.path, resp.Body)
		}
	}
}

func TestNilArgumentsPanicAtWiring(t *testing.T) {
	f := newFixture(t)
	for name, fn := range map[string]func(){
		"BearerAuth(nil)":              func() { mcpfiber.BearerAuth(nil) },
		"HTTPHandler(nil)":             func() { mcpfiber.HTTPHandler(nil) },
		"RegisterMetadata(nil, auth)":  func() { mcpfiber.RegisterMetadata(nil, f.auth) },
		"RegisterMetadata(app, nil)":   func() { mcpfiber.RegisterMetadata(fiber.New(), nil) },
		"RegisterMetadata(nil router)": func() { var r fiber.Router; mcpfiber.RegisterMetadata(r, f.auth) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "mcpfiber: ") && !strings.Contains(r.(string), "nil *mcpauth.Bearer") {
					t.Errorf("recovered %v, want a wiring panic", r)
				}
			}()
			fn()
		})
	}
}
