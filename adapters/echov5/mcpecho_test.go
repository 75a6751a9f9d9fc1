package mcpecho_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpecho "github.com/go-mcpauth/mcpauth/adapters/echov5"
)

// whoami answers the subject seen through the accessor, "anonymous" when
// there is none, and 500 when the accessor and the standard context disagree.
func whoami(c *echo.Context) error {
	info, ok := mcpecho.AuthInfo(c)
	fromCtx, ctxOK := mcpauth.AuthInfoFromContext(c.Request().Context())
	if ok != ctxOK || info != fromCtx {
		return c.String(http.StatusInternalServerError, "accessor and context disagree")
	}
	if !ok {
		return c.String(http.StatusOK, "anonymous")
	}
	return c.String(http.StatusOK, info.Subject)
}

// subjectOrAnonymous renders an AuthInfo lookup.
func subjectOrAnonymous(info *mcpauth.AuthInfo, ok bool) string {
	if !ok {
		return "anonymous"
	}
	return info.Subject
}

func TestAuthInfoVisible(t *testing.T) {
	env := newEnv(t)
	token := env.token(t, "alice")
	cases := []struct {
		name  string
		mount func(e *echo.Echo, mw echo.MiddlewareFunc)
		path  string
	}{
		{"echo accessor", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			e.GET("/x", func(c *echo.Context) error {
				return c.String(http.StatusOK, subjectOrAnonymous(mcpecho.AuthInfo(c)))
			}, mw)
		}, "/x"},
		{"c.Get(ContextKey)", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			e.GET("/x", func(c *echo.Context) error {
				info, ok := c.Get(mcpecho.ContextKey).(*mcpauth.AuthInfo)
				return c.String(http.StatusOK, subjectOrAnonymous(info, ok))
			}, mw)
		}, "/x"},
		{"standard context of c.Request()", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			e.GET("/x", func(c *echo.Context) error {
				return c.String(http.StatusOK, subjectOrAnonymous(mcpauth.AuthInfoFromContext(c.Request().Context())))
			}, mw)
		}, "/x"},
		{"net/http handler through echo.WrapHandler", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			e.GET("/x", echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, subjectOrAnonymous(mcpauth.AuthInfoFromContext(r.Context())))
			})), mw)
		}, "/x"},
		{"echo middleware after BearerAuth", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			after := func(next echo.HandlerFunc) echo.HandlerFunc {
				return func(c *echo.Context) error {
					c.Response().Header().Set("X-Subject", subjectOrAnonymous(mcpecho.AuthInfo(c)))
					return next(c)
				}
			}
			e.GET("/x", func(c *echo.Context) error {
				return c.String(http.StatusOK, c.Response().Header().Get("X-Subject"))
			}, mw, after)
		}, "/x"},
		{"group middleware", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			g := e.Group("/g", mw)
			g.GET("/x", whoami)
		}, "/g/x"},
		{"e.Use", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			e.Use(mw)
			e.GET("/x", whoami)
		}, "/x"},
		{"accessor and context agree", func(e *echo.Echo, mw echo.MiddlewareFunc) {
			e.Any("/x", whoami, mw)
		}, "/x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEcho()
			tc.mount(e, mcpecho.BearerAuth(env.bearer))
			base := start(t, e)
			resp := mcpauthtest.Send(t, http.MethodGet, base+tc.path, "Bearer "+token)
			if resp.Status != http.StatusOK || string(resp.Body) != "alice" {
				t.Errorf("with a token: %d %q, want 200 \"alice\"", resp.Status, resp.Body)
			}
			resp = mcpauthtest.Send(t, http.MethodGet, base+tc.path)
			if resp.Status != http.StatusUnauthorized {
				t.Errorf("without a token: %d, want 401", resp.Status)
			}
		})
	}
}

// TestAuthInfoFallsBackToRequestContext: the accessor also finds an AuthInfo
// put in the request context by net/http middleware (core's own, wrapped).
func TestAuthInfoFallsBackToRequestContext(t *testing.T) {
	env := newEnv(t)
	e := newEcho()
	e.GET("/x", whoami, echo.WrapMiddleware(env.bearer.Middleware()))
	base := start(t, e)
	resp := mcpauthtest.Send(t, http.MethodGet, base+"/x", "Bearer "+env.token(t, "carol"))
	if resp.Status != http.StatusOK || string(resp.Body) != "carol" {
		t.Errorf("got %d %q, want 200 \"carol\"", resp.Status, resp.Body)
	}
}

func TestOptional(t *testing.T) {
	env := newEnv(t)
	e := newEcho()
	e.Any("/opt", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.Optional()))
	base := start(t, e)
	readOnly := env.iss.MustToken(t, map[string]any{"sub": "bob", "aud": testResource, "scope": "write"})
	cases := []struct {
		name   string
		auth   []string
		status int
		body   string // exact for 200, the "error" member otherwise
	}{
		{"no Authorization header passes anonymous", nil, 200, "anonymous"},
		{"empty Authorization header passes anonymous", []string{""}, 200, "anonymous"},
		{"valid token passes with its AuthInfo", []string{"Bearer " + env.token(t, "alice")}, 200, "alice"},
		{"scheme without token is refused", []string{"Bearer"}, 401, "missing_bearer_token"},
		{"other scheme is refused", []string{"Basic YWxpY2U6c2VjcmV0"}, 401, "invalid_auth_header_format"},
		{"two headers are refused", []string{"Bearer a", "Bearer b"}, 401, "invalid_auth_header_format"},
		{"bad token is refused", []string{"Bearer abc.def"}, 401, "invalid_token"},
		{"missing scope is refused", []string{"Bearer " + readOnly}, 403, "missing_required_scopes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := mcpauthtest.Send(t, http.MethodGet, base+"/opt", tc.auth...)
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d (%s)", resp.Status, tc.status, resp.Body)
			}
			if tc.status == 200 {
				if string(resp.Body) != tc.body {
					t.Errorf("body %q, want %q", resp.Body, tc.body)
				}
				if v := resp.Header.Get("WWW-Authenticate"); v != "" {
					t.Errorf("unexpected challenge %q", v)
				}
				return
			}
			if got := errorCode(t, resp.Body); got != tc.body {
				t.Errorf("error %q, want %q", got, tc.body)
			}
		})
	}
}

// errorCode returns the "error" member of a JSON error body.
func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var b struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	return b.Error
}

func TestSkipper(t *testing.T) {
	env := newEnv(t)
	e := newEcho()
	skipHealth := mcpecho.Skipper(func(c *echo.Context) bool { return c.Path() == "/health" })
	skipHeader := mcpecho.Skipper(func(c *echo.Context) bool { return c.Request().Header.Get("X-Internal") == "yes" })
	e.GET("/health", whoami, mcpecho.BearerAuth(env.bearer, skipHealth))
	e.GET("/mcp", whoami, mcpecho.BearerAuth(env.bearer, skipHealth))
	e.GET("/internal", whoami, mcpecho.BearerAuth(env.bearer, skipHeader))
	e.GET("/nil", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.Skipper(nil), nil))
	base := start(t, e)
	token := env.token(t, "alice")
	cases := []struct {
		name   string
		path   string
		header map[string]string
		auth   []string
		status int
		body   string
	}{
		{"skipped route without credentials", "/health", nil, nil, 200, "anonymous"},
		{"skipped route ignores a bad token", "/health", nil, []string{"Bearer abc.def"}, 200, "anonymous"},
		{"skipped route does not verify a good token (no AuthInfo)", "/health", nil, []string{"Bearer " + token}, 200, "anonymous"},
		{"same skipper, other route is checked", "/mcp", nil, nil, 401, ""},
		{"same skipper, other route authenticates", "/mcp", nil, []string{"Bearer " + token}, 200, "alice"},
		{"skipper on a header, header present", "/internal", map[string]string{"X-Internal": "yes"}, nil, 200, "anonymous"},
		{"skipper on a header, header absent", "/internal", nil, nil, 401, ""},
		{"nil skipper and nil option skip nothing", "/nil", nil, nil, 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, base+tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			if tc.auth != nil {
				req.Header["Authorization"] = tc.auth
			}
			resp := mcpauthtest.Do(t, req)
			if resp.Status != tc.status || (tc.body != "" && string(resp.Body) != tc.body) {
				t.Errorf("got %d %q, want %d %q", resp.Status, resp.Body, tc.status, tc.body)
			}
		})
	}
}

func TestErrorHandler(t *testing.T) {
	env := newEnv(t)
	token := env.token(t, "alice")

	var mu sync.Mutex
	var seen []error
	record := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, err)
	}
	var appErrors []error
	e := newEcho()
	e.HTTPErrorHandler = func(c *echo.Context, err error) {
		mu.Lock()
		appErrors = append(appErrors, err)
		mu.Unlock()
		_ = c.String(http.StatusTeapot, "app handler: "+err.Error())
	}
	// Writes its own answer.
	e.GET("/custom", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.ErrorHandler(func(c *echo.Context, err error) error {
		record(err)
		var ae *mcpauth.Error
		if !errors.As(err, &ae) {
			return c.String(http.StatusInternalServerError, "not an *mcpauth.Error")
		}
		return c.String(http.StatusUnauthorized, "custom "+string(ae.Code))
	})))
	// Returns an error: echo's HTTPErrorHandler answers.
	e.GET("/return", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.ErrorHandler(func(c *echo.Context, err error) error {
		return fmt.Errorf("wrapped: %w", err)
	})))
	// Logs, then answers as the default does.
	e.GET("/default", whoami, mcpecho.BearerAuth(env.bearer))
	e.GET("/logthenwrite", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.ErrorHandler(func(c *echo.Context, err error) error {
		record(err)
		env.bearer.WriteError(c.Response(), err)
		return nil
	})))
	// ErrorHandler wins over PassErrors, whatever the order.
	e.GET("/both", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.ErrorHandler(func(c *echo.Context, err error) error {
		return c.String(http.StatusUnauthorized, "error handler")
	}), mcpecho.PassErrors()))
	e.GET("/optional", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.Optional(), mcpecho.ErrorHandler(func(c *echo.Context, err error) error {
		record(err)
		return c.String(http.StatusUnauthorized, "error handler")
	})))
	base := start(t, e)

	t.Run("custom answer with the *mcpauth.Error", func(t *testing.T) {
		resp := mcpauthtest.Send(t, http.MethodGet, base+"/custom", "Bearer abc.def")
		if resp.Status != 401 || string(resp.Body) != "custom invalid_token" {
			t.Errorf("got %d %q", resp.Status, resp.Body)
		}
		if resp.Header.Get("WWW-Authenticate") != "" {
			t.Errorf("the custom handler did not set a challenge, got %q", resp.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("not called on success", func(t *testing.T) {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		resp := mcpauthtest.Send(t, http.MethodGet, base+"/custom", "Bearer "+token)
		mu.Lock()
		defer mu.Unlock()
		if resp.Status != 200 || string(resp.Body) != "alice" || len(seen) != n {
			t.Errorf("got %d %q, handler calls %d -> %d", resp.Status, resp.Body, n, len(seen))
		}
	})
	t.Run("returned error reaches e.HTTPErrorHandler", func(t *testing.T) {
		resp := mcpauthtest.Send(t, http.MethodGet, base+"/return")
		if resp.Status != http.StatusTeapot || !strings.HasPrefix(string(resp.Body), "app handler: wrapped: mcpauth: missing_auth_header") {
			t.Errorf("got %d %q", resp.Status, resp.Body)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(appErrors) != 1 || !errors.Is(appErrors[0], mcpauth.CodeMissingAuthHeader) {
			t.Errorf("app handler errors %v", appErrors)
		}
	})
	t.Run("bearer.WriteError answers as the default", func(t *testing.T) {
		for _, auth := range [][]string{nil, {"Bearer abc.def"}, {"Bearer"}} {
			want := mcpauthtest.Send(t, http.MethodGet, base+"/default", auth...)
			got := mcpauthtest.Send(t, http.MethodGet, base+"/logthenwrite", auth...)
			if got.Status != want.Status || !bytes.Equal(got.Body, want.Body) || !equalHeaders(got.Header, want.Header) {
				t.Errorf("%q: got %d %v %s, want %d %v %s", auth, got.Status, got.Header, got.Body, want.Status, want.Header, want.Body)
			}
		}
	})
	t.Run("ErrorHandler takes precedence over PassErrors", func(t *testing.T) {
		resp := mcpauthtest.Send(t, http.MethodGet, base+"/both")
		if resp.Status != 401 || string(resp.Body) != "error handler" {
			t.Errorf("got %d %q", resp.Status, resp.Body)
		}
	})
	t.Run("Optional: not called without credentials, called for a bad token", func(t *testing.T) {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		resp := mcpauthtest.Send(t, http.MethodGet, base+"/optional")
		if resp.Status != 200 || string(resp.Body) != "anonymous" {
			t.Errorf("no credentials: got %d %q", resp.Status, resp.Body)
		}
		resp = mcpauthtest.Send(t, http.MethodGet, base+"/optional", "Bearer abc.def")
		if resp.Status != 401 || string(resp.Body) != "error handler" {
			t.Errorf("bad token: got %d %q", resp.Status, resp.Body)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != n+1 || !errors.Is(seen[n], mcpauth.CodeInvalidToken) {
			t.Errorf("handler calls %d -> %d: %v", n, len(seen), seen[n:])
		}
	})
}

// equalHeaders compares two response headers, ignoring Date.
func equalHeaders(a, b http.Header) bool {
	a, b = a.Clone(), b.Clone()
	a.Del("Date")
	b.Del("Date")
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// failing is a case of refused request: which route and which credentials.
type failing struct {
	name string
	path string
	auth []string
}

// failingCases covers every kind of refusal: 401 of each code, 403, 500 and
// 503, with the default options, with ShowErrorDetails, with the library
// codes and with a realm.
func failingCases(t *testing.T, env *env) []failing {
	stranger := mcpauthtest.MustNewIssuer(t)
	claims := func(kv ...any) map[string]any {
		m := map[string]any{"sub": "alice", "aud": testResource, "scope": "read write"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tok := func(c map[string]any) []string { return []string{"Bearer " + env.iss.MustToken(t, c)} }
	var out []failing
	for _, route := range []string{"/jwt", "/details", "/library"} {
		out = append(out,
			failing{"no header", route, nil},
			failing{"empty header", route, []string{""}},
			failing{"scheme alone", route, []string{"Bearer"}},
			failing{"Basic scheme", route, []string{"Basic YWxpY2U6c2VjcmV0"}},
			failing{"two headers", route, []string{"Bearer a", "Bearer b"}},
			failing{"not a JWT", route, []string{"Bearer abc.def"}},
			failing{"expired", route, tok(claims("exp", time.Now().Add(-time.Hour).Unix()))},
			failing{"other audience", route, tok(claims("aud", "https://other.example.com"))},
			failing{"untrusted issuer", route, []string{"Bearer " + stranger.MustToken(t, claims())}},
			failing{"missing scope (403)", route, tok(claims("scope", "write"))},
		)
	}
	return append(out,
		failing{"custom verifier refuses", "/custom", []string{"Bearer refuse"}},
		failing{"custom verifier fails (500)", "/custom", []string{"Bearer fail"}},
		failing{"custom verifier: server unavailable (503)", "/custom", []string{"Bearer unavailable"}},
		failing{"custom verifier fails, with details", "/custom-details", []string{"Bearer fail"}},
		failing{"custom verifier unavailable, with details", "/custom-details", []string{"Bearer unavailable"}},
	)
}

// bearers builds the bearers of the failing cases, by route.
func bearers(t *testing.T, env *env) map[string]*mcpauth.Bearer {
	mk := func(v mcpauth.Verifier, o mcpauth.BearerOptions) *mcpauth.Bearer {
		o.Resource = testResource
		o.RequiredScopes = []string{"read"}
		b, err := env.auth.BearerAuth(v, o)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	custom := mcpauth.VerifyFunc(func(_ context.Context, token string) (*mcpauth.AuthInfo, error) {
		switch token {
		case "fail":
			return nil, errors.New("database down")
		case "unavailable":
			return nil, &mcpauth.Error{Code: mcpauth.CodeServerUnavailable, RetryAfter: 7 * time.Second, Detail: "introspection endpoint down"}
		}
		return nil, fmt.Errorf("unknown token: %w", mcpauth.CodeInvalidToken)
	})
	return map[string]*mcpauth.Bearer{
		"/jwt":            env.bearer,
		"/details":        mk(mcpauth.JWT(), mcpauth.BearerOptions{ShowErrorDetails: true}),
		"/library":        mk(mcpauth.JWT(), mcpauth.BearerOptions{LibraryErrorCodes: true, Realm: "mcp"}),
		"/custom":         mk(custom, mcpauth.BearerOptions{}),
		"/custom-details": mk(custom, mcpauth.BearerOptions{ShowErrorDetails: true}),
	}
}

// TestErrorResponseExact: a refusal has exactly the status, headers and
// body bytes of bearer.ErrorResponse, and answers byte for byte like core's
// own net/http middleware.
func TestErrorResponseExact(t *testing.T) {
	env := newEnv(t)
	bs := bearers(t, env)
	e := newEcho()
	mux := http.NewServeMux()
	for path, b := range bs {
		e.Any(path, whoami, mcpecho.BearerAuth(b))
		mux.Handle(path, b.Middleware()(http.NotFoundHandler()))
	}
	base := start(t, e)
	plain := mcpauthtest.Serve(t, mux)

	statuses := map[int]bool{}
	for _, tc := range failingCases(t, env) {
		t.Run(tc.path+"/"+tc.name, func(t *testing.T) {
			b := bs[tc.path]
			_, err := b.Authenticate(context.Background(), tc.auth...)
			if err == nil {
				t.Fatal("the case is accepted by core")
			}
			want := b.ErrorResponse(err)
			statuses[want.Status] = true
			resp := mcpauthtest.Send(t, http.MethodGet, base+tc.path, tc.auth...)
			if resp.Status != want.Status {
				t.Errorf("status %d, want %d", resp.Status, want.Status)
			}
			if !bytes.Equal(resp.Body, want.Body) {
				t.Errorf("body\n got %s\nwant %s", resp.Body, want.Body)
			}
			for k, v := range want.Header {
				if !slices.Equal(resp.Header[k], v) {
					t.Errorf("header %s = %q, want %q", k, resp.Header[k], v)
				}
			}
			for k, v := range resp.Header {
				switch {
				case want.Header[k] != nil:
				case k == "Date":
				case k == "Content-Length":
					if len(v) != 1 || v[0] != strconv.Itoa(len(want.Body)) {
						t.Errorf("Content-Length %q, want %d", v, len(want.Body))
					}
				default:
					t.Errorf("extra header %s: %q", k, v)
				}
			}
			// The same request to core's net/http middleware.
			presp := mcpauthtest.Send(t, http.MethodGet, plain+tc.path, tc.auth...)
			if presp.Status != resp.Status || !bytes.Equal(presp.Body, resp.Body) || !equalHeaders(presp.Header, resp.Header) {
				t.Errorf("net/http middleware answers\n%d %v %s\necho answers\n%d %v %s", presp.Status, presp.Header, presp.Body, resp.Status, resp.Header, resp.Body)
			}
		})
	}
	for _, s := range []int{401, 403, 500, 503} {
		if !statuses[s] {
			t.Errorf("no case answered %d", s)
		}
	}
}

// TestPassErrors: refusals are handed to e.HTTPErrorHandler as an
// *echo.HTTPError carrying the *mcpauth.Error.
func TestPassErrors(t *testing.T) {
	env := newEnv(t)
	bs := bearers(t, env)
	cases := failingCases(t, env)

	t.Run("echo's DefaultHTTPErrorHandler", func(t *testing.T) {
		e := newEcho()
		for path, b := range bs {
			e.Any(path, whoami, mcpecho.BearerAuth(b, mcpecho.PassErrors()))
		}
		base := start(t, e)
		for _, tc := range cases {
			t.Run(tc.path+"/"+tc.name, func(t *testing.T) {
				b := bs[tc.path]
				_, err := b.Authenticate(context.Background(), tc.auth...)
				want := b.ErrorResponse(err)
				resp := mcpauthtest.Send(t, http.MethodGet, base+tc.path, tc.auth...)
				if resp.Status != want.Status {
					t.Errorf("status %d, want %d", resp.Status, want.Status)
				}
				// The challenge headers are the core's, Content-Type is echo's
				// (the same value).
				for _, k := range []string{"WWW-Authenticate", "Retry-After", "Cache-Control", "Content-Type"} {
					if !slices.Equal(resp.Header.Values(k), want.Header.Values(k)) {
						t.Errorf("header %s = %q, want %q", k, resp.Header.Values(k), want.Header.Values(k))
					}
				}
				// The body is the core body as AuthError.MarshalJSON gives
				// it, through encoding/json's Encoder: the same bytes with
				// '<', '>' and '&' escaped, plus a newline.
				if wantBody := htmlEscaped(t, want.Body) + "\n"; string(resp.Body) != wantBody {
					t.Errorf("body\n got %q\nwant %q", resp.Body, wantBody)
				}
				if reencode(t, resp.Body) != reencode(t, want.Body) { // the same JSON value
					t.Errorf("body %s is not the JSON value of %s", resp.Body, want.Body)
				}
			})
		}
	})

	t.Run("HEAD gets no body", func(t *testing.T) {
		e := newEcho()
		e.Any("/jwt", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.PassErrors()))
		base := start(t, e)
		resp := mcpauthtest.Send(t, http.MethodHead, base+"/jwt")
		if resp.Status != 401 || len(resp.Body) != 0 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("got %d %v %q", resp.Status, resp.Header, resp.Body)
		}
	})

	t.Run("golden bodies of the default handler", func(t *testing.T) {
		e := newEcho()
		e.Any("/jwt", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.PassErrors()))
		e.Any("/details", whoami, mcpecho.BearerAuth(bs["/details"], mcpecho.PassErrors()))
		base := start(t, e)
		readOnly := env.iss.MustToken(t, map[string]any{"sub": "bob", "aud": testResource, "scope": "write"})
		for _, tc := range []struct {
			name, path, auth, core, echo string
		}{
			{"HTML characters are escaped", "/jwt", "Basic x",
				"{\"error\":\"invalid_auth_header_format\",\"error_description\":\"Invalid `Authorization` header format. Expected 'Bearer <token>'.\"}",
				"{\"error\":\"invalid_auth_header_format\",\"error_description\":\"Invalid `Authorization` header format. Expected 'Bearer \\u003ctoken\\u003e'.\"}\n"},
			{"key order is core's", "/details", "Bearer " + readOnly,
				`{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","cause":{"missing_scopes":["read"]},"missing_scopes":["read"]}`,
				`{"error":"missing_required_scopes","error_description":"The token does not contain the necessary scopes for this request.","cause":{"missing_scopes":["read"]},"missing_scopes":["read"]}` + "\n"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b := bs[tc.path]
				_, err := b.Authenticate(context.Background(), tc.auth)
				if got := string(b.ErrorResponse(err).Body); got != tc.core {
					t.Errorf("core body\n got %s\nwant %s", got, tc.core)
				}
				body := mcpauthtest.Send(t, http.MethodGet, base+tc.path, tc.auth).Body
				if string(body) != tc.echo {
					t.Errorf("echo body\n got %q\nwant %q", body, tc.echo)
				}
			})
		}
	})

	t.Run("an app handler can write the core answer", func(t *testing.T) {
		e := newEcho()
		e.HTTPErrorHandler = func(c *echo.Context, err error) {
			resp := env.bearer.ErrorResponse(err)
			_ = c.Blob(resp.Status, resp.Header.Get("Content-Type"), resp.Body)
		}
		e.Any("/jwt", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.PassErrors()))
		base := start(t, e)
		for _, auth := range [][]string{nil, {"Basic x"}, {"Bearer abc.def"}} {
			_, err := env.bearer.Authenticate(context.Background(), auth...)
			want := env.bearer.ErrorResponse(err)
			resp := mcpauthtest.Send(t, http.MethodGet, base+"/jwt", auth...)
			if resp.Status != want.Status || !bytes.Equal(resp.Body, want.Body) {
				t.Errorf("%q: got %d %s, want %d %s", auth, resp.Status, resp.Body, want.Status, want.Body)
			}
			for k, v := range want.Header {
				if !slices.Equal(resp.Header[k], v) {
					t.Errorf("%q: header %s = %q, want %q", auth, k, resp.Header[k], v)
				}
			}
		}
	})

	t.Run("the app's handler gets the *mcpauth.Error", func(t *testing.T) {
		type seen struct {
			ae        *mcpecho.AuthError
			viaErr    *mcpauth.Error
			status    int
			isMissing bool
		}
		got := make(chan seen, 1)
		e := newEcho()
		e.HTTPErrorHandler = func(c *echo.Context, err error) {
			var s seen
			errors.As(err, &s.ae)
			errors.As(err, &s.viaErr)
			s.status = echo.StatusCode(err)
			s.isMissing = errors.Is(err, mcpauth.CodeMissingAuthHeader)
			got <- s
			_ = c.NoContent(http.StatusTeapot)
		}
		e.Any("/jwt", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.PassErrors()))
		base := start(t, e)
		resp := mcpauthtest.Send(t, http.MethodGet, base+"/jwt")
		if resp.Status != http.StatusTeapot {
			t.Errorf("status %d, want the app handler's 418", resp.Status)
		}
		if resp.Header.Get("WWW-Authenticate") != `Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="read"` {
			t.Errorf("challenge %q", resp.Header.Get("WWW-Authenticate"))
		}
		s := <-got
		if s.ae == nil || s.status != 401 || s.ae.Response.Status != 401 {
			t.Fatalf("AuthError %+v, echo.StatusCode %d", s.ae, s.status)
		}
		if s.viaErr == nil || s.viaErr.Code != mcpauth.CodeMissingAuthHeader || !s.isMissing {
			t.Errorf("errors.As %v, errors.Is %v", s.viaErr, s.isMissing)
		}
	})
}

// htmlEscaped is body compacted by encoding/json with HTML escaping, as
// echo v5's DefaultHTTPErrorHandler writes a json.Marshaler error.
func htmlEscaped(t *testing.T, body []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, body); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	json.HTMLEscape(&out, b.Bytes())
	return out.String()
}

// reencode decodes a JSON object into a map and encodes it again: two bodies
// with the same reencode hold the same JSON value.
func reencode(t *testing.T, body []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestConcurrentRequests: nothing leaks between concurrent requests, though
// echo recycles its contexts: each request sees its own caller, anonymous
// ones see none.
func TestConcurrentRequests(t *testing.T) {
	env := newEnv(t)
	e := newEcho()
	e.Any("/mcp", whoami, mcpecho.BearerAuth(env.bearer))
	e.Any("/optional", whoami, mcpecho.BearerAuth(env.bearer, mcpecho.Optional()))
	e.Any("/bridge", echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, subjectOrAnonymous(mcpauth.AuthInfoFromContext(r.Context())))
	})), mcpecho.BearerAuth(env.bearer, mcpecho.Optional()))
	base := start(t, e)

	const workers, each = 32, 24
	tokens := make([]string, workers)
	for i := range tokens {
		tokens[i] = env.token(t, fmt.Sprintf("user-%d", i))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	t.Cleanup(client.CloseIdleConnections)
	mcpauthtest.Concurrently(t, workers, each, func(i, j int) error {
		path := []string{"/mcp", "/optional", "/bridge"}[j%3]
		want := fmt.Sprintf("user-%d", i)
		req, _ := http.NewRequest(http.MethodPost, base+path, nil)
		if i%4 == 3 && path != "/mcp" { // some callers are anonymous
			want = "anonymous"
		} else {
			req.Header.Set("Authorization", "Bearer "+tokens[i])
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != want {
			// Reported here: the worker goes on with its next request.
			t.Errorf("%s as %s: %d %q", path, want, resp.StatusCode, body)
		}
		return nil
	})
}

// TestPanicDownstream: a panic below BearerAuth is not caught by it nor
// turned into an auth answer.
func TestPanicDownstream(t *testing.T) {
	env := newEnv(t)
	token := env.token(t, "alice")
	boom := func(*echo.Context) error { panic("boom") }

	for _, mode := range []struct {
		name string
		opts []mcpecho.Option
	}{{"default", nil}, {"PassErrors", []mcpecho.Option{mcpecho.PassErrors()}}, {"Optional", []mcpecho.Option{mcpecho.Optional()}}} {
		opts := mode.opts
		t.Run("with Recover, "+mode.name, func(t *testing.T) {
			e := newEcho()
			e.Logger = slog.New(slog.DiscardHandler) // Recover logs the stack
			e.Use(middleware.Recover())
			e.Any("/panic", boom, mcpecho.BearerAuth(env.bearer, opts...))
			base := start(t, e)
			resp := mcpauthtest.Send(t, http.MethodGet, base+"/panic", "Bearer "+token)
			if resp.Status != http.StatusInternalServerError || string(resp.Body) != "{\"message\":\"Internal Server Error\"}\n" {
				t.Errorf("got %d %q, want Recover's 500", resp.Status, resp.Body)
			}
			if v := resp.Header.Values("WWW-Authenticate"); len(v) != 0 {
				t.Errorf("unexpected challenge %q", v)
			}
			// The refusal still comes from BearerAuth, before the handler.
			if resp := mcpauthtest.Send(t, http.MethodGet, base+"/panic", "Bearer abc.def"); resp.Status != 401 {
				t.Errorf("bad token: %d, want 401", resp.Status)
			}
		})
	}

	t.Run("without Recover the panic reaches net/http", func(t *testing.T) {
		e := newEcho()
		logs := &mcpauthtest.LogBuffer{}
		e.Any("/panic", boom, mcpecho.BearerAuth(env.bearer))
		base := start(t, e, echo.StartConfig{BeforeServeFunc: func(s *http.Server) error {
			s.ErrorLog = log.New(logs, "", 0)
			return nil
		}})
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		req, _ := http.NewRequest(http.MethodGet, base+"/panic", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got a response %d; want net/http to drop the connection", resp.StatusCode)
		}
		t.Logf("client error: %v", err)
		// net/http logs the panic after closing the connection: wait for it.
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(logs.String(), "panic serving") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if l := logs.String(); !strings.Contains(l, "panic serving") || !strings.Contains(l, "boom") {
			t.Errorf("server log %q, want net/http's panic report", l)
		}
	})
}

func TestBearerAuthNilPanicsAtWiring(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "nil *mcpauth.Bearer") {
			t.Errorf("recover() = %v", r)
		}
	}()
	mcpecho.BearerAuth(nil)
}
