package mcpfiber_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/adaptor"
	"github.com/valyala/fasthttp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"

	mcpfiber "github.com/go-mcpauth/mcpauth/adapters/fiberv3"
)

// whoami answers "sub=<subject>" when the fiber accessor, c.Locals and the
// standard context (c.UserContext) all hold the same AuthInfo, "anonymous"
// when none does, and 500 "mismatch" otherwise.
func whoami(c fiber.Ctx) error {
	info, ok := mcpfiber.AuthInfo(c)
	local, _ := c.Locals(mcpfiber.ContextKey).(*mcpauth.AuthInfo)
	fromCtx, ctxOK := mcpauth.AuthInfoFromContext(c.Context())
	switch {
	case ok != ctxOK || info != fromCtx || (ok && info != local):
		return c.Status(http.StatusInternalServerError).SendString("mismatch")
	case !ok:
		return c.SendString("anonymous")
	}
	return c.SendString("sub=" + info.Subject)
}

// stdWhoami is whoami for net/http handlers: the AuthInfo of the request's
// context, which must equal the Locals value visible through that context.
func stdWhoami(w http.ResponseWriter, r *http.Request) {
	info, ok := mcpauth.AuthInfoFromContext(r.Context())
	local, _ := r.Context().Value(mcpfiber.ContextKey).(*mcpauth.AuthInfo)
	switch {
	case ok && info != local:
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "mismatch")
	case !ok:
		fmt.Fprint(w, "anonymous")
	default:
		fmt.Fprint(w, "sub="+info.Subject)
	}
}

func TestAuthInfoIsVisibleBelowTheMiddleware(t *testing.T) {
	f := newFixture(t)
	app := newApp()
	app.Get("/fiber", mcpfiber.BearerAuth(f.bearer), whoami)
	app.Get("/middleware", mcpfiber.BearerAuth(f.bearer), func(c fiber.Ctx) error {
		if _, ok := mcpfiber.AuthInfo(c); !ok {
			return c.Status(http.StatusInternalServerError).SendString("middleware saw no AuthInfo")
		}
		return c.Next()
	}, whoami)
	app.Group("/group", mcpfiber.BearerAuth(f.bearer)).Get("/x", whoami)
	app.Get("/bridge", mcpfiber.BearerAuth(f.bearer), mcpfiber.HTTPHandler(http.HandlerFunc(stdWhoami)))
	// fiber's own adaptor gives the handler the fasthttp.RequestCtx as its
	// context: the Locals are there, c.Context() is not.
	app.Get("/plain-adaptor", mcpfiber.BearerAuth(f.bearer), adaptor.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := mcpauth.AuthInfoFromContext(r.Context())
		local, _ := r.Context().Value(mcpfiber.ContextKey).(*mcpauth.AuthInfo)
		fmt.Fprintf(w, "context=%v locals=%v", ok, local != nil)
	})))
	base := serve(t, app)
	tok := bearerHeader(f.token(t, "alice", "read"))

	for _, tc := range []struct{ name, path, want string }{
		{"fiber handler: accessor, Locals and UserContext", "/fiber", "sub=alice"},
		{"middleware and handler below", "/middleware", "sub=alice"},
		{"route group", "/group/x", "sub=alice"},
		{"net/http handler through HTTPHandler", "/bridge", "sub=alice"},
		{"net/http handler through adaptor.HTTPHandler misses the standard context", "/plain-adaptor", "context=false locals=true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := mcpauthtest.Send(t, http.MethodGet, base+tc.path, tok...)
			if resp.Status != http.StatusOK || string(resp.Body) != tc.want {
				t.Errorf("GET %s: %d %q, want 200 %q", tc.path, resp.Status, resp.Body, tc.want)
			}
		})
	}
}

func TestAuthInfoAccessor(t *testing.T) {
	info := &mcpauth.AuthInfo{Subject: "from-context"}
	app := newApp()
	app.Get("/user-context", func(c fiber.Ctx) error {
		c.SetContext(mcpauth.WithAuthInfo(c.Context(), info))
		return c.Next()
	}, whoamiAccessor)
	app.Get("/wrong-type", func(c fiber.Ctx) error {
		c.Locals(mcpfiber.ContextKey, "not an AuthInfo")
		return c.Next()
	}, whoamiAccessor)
	app.Get("/string-key", func(c fiber.Ctx) error {
		c.Locals("mcpauth.authinfo", info) // a plain string key is another key
		return c.Next()
	}, whoamiAccessor)
	app.Get("/none", whoamiAccessor)
	base := serve(t, app)
	for _, tc := range []struct{ path, want string }{
		{"/user-context", "sub=from-context"},
		{"/wrong-type", "anonymous"},
		{"/string-key", "anonymous"},
		{"/none", "anonymous"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			if body := mcpauthtest.Send(t, http.MethodGet, base+tc.path).Body; string(body) != tc.want {
				t.Errorf("GET %s: %q, want %q", tc.path, body, tc.want)
			}
		})
	}
}

// whoamiAccessor answers from mcpfiber.AuthInfo alone.
func whoamiAccessor(c fiber.Ctx) error {
	if info, ok := mcpfiber.AuthInfo(c); ok {
		return c.SendString("sub=" + info.Subject)
	}
	return c.SendString("anonymous")
}

func TestOptional(t *testing.T) {
	f := newFixture(t)
	app := newApp()
	app.All("/optional", mcpfiber.BearerAuth(f.bearer, mcpfiber.Optional()), whoami)
	base := serve(t, app)
	valid := f.token(t, "alice", "read")

	for _, tc := range []struct {
		name   string
		auth   []string
		status int
		body   string
	}{
		{"no Authorization header passes anonymously", nil, 200, "anonymous"},
		{"empty Authorization header passes anonymously", []string{""}, 200, "anonymous"},
		{"valid token is authenticated", bearerHeader(valid), 200, "sub=alice"},
		{"bad token is refused", bearerHeader("abc.def"), 401, ""},
		{"scheme without token is refused", []string{"Bearer"}, 401, ""},
		{"Basic credentials are refused", []string{"Basic YWxpY2U6c2VjcmV0"}, 401, ""},
		{"two headers are refused", []string{"Bearer " + valid, "Bearer " + valid}, 401, ""},
		{"token without the scope is refused", bearerHeader(f.token(t, "bob", "write")), 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := mcpauthtest.Send(t, http.MethodPost, base+"/optional", tc.auth...)
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d (body %s)", resp.Status, tc.status, resp.Body)
			}
			if tc.status == 200 {
				if string(resp.Body) != tc.body {
					t.Errorf("body %q, want %q", resp.Body, tc.body)
				}
			} else if resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("refusal without WWW-Authenticate")
			}
		})
	}
}

func TestSkipper(t *testing.T) {
	f := newFixture(t)
	var skipperCalls atomic.Int32
	skipHealth := func(c fiber.Ctx) bool {
		skipperCalls.Add(1)
		return c.Path() == "/health"
	}
	app := newApp()
	mw := mcpfiber.BearerAuth(f.bearer, mcpfiber.Skipper(skipHealth))
	app.Get("/health", mw, whoami)
	app.Get("/mcp", mw, whoami)
	app.Get("/reset", mcpfiber.BearerAuth(f.bearer, mcpfiber.Skipper(skipHealth), mcpfiber.Skipper(nil)), whoami)
	base := serve(t, app)
	valid := bearerHeader(f.token(t, "alice", "read"))

	for _, tc := range []struct {
		name   string
		path   string
		auth   []string
		status int
		body   string
	}{
		{"skipped without credentials", "/health", nil, 200, "anonymous"},
		{"skipped with a bad token", "/health", bearerHeader("abc.def"), 200, "anonymous"},
		{"skipped with a valid token: not checked, no AuthInfo", "/health", valid, 200, "anonymous"},
		{"not skipped: checked", "/mcp", nil, 401, ""},
		{"not skipped: authenticated", "/mcp", valid, 200, "sub=alice"},
		{"Skipper(nil) removes the skipper", "/reset", nil, 401, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := mcpauthtest.Send(t, http.MethodGet, base+tc.path, tc.auth...)
			if resp.Status != tc.status || (tc.status == 200 && string(resp.Body) != tc.body) {
				t.Errorf("GET %s: %d %q, want %d %q", tc.path, resp.Status, resp.Body, tc.status, tc.body)
			}
		})
	}
	if skipperCalls.Load() == 0 {
		t.Error("the skipper was never called")
	}
}

func TestErrorHandler(t *testing.T) {
	f := newFixture(t)
	var appErrors []error
	var mu sync.Mutex
	app := newApp(fiber.Config{ErrorHandler: func(c fiber.Ctx, err error) error {
		mu.Lock()
		appErrors = append(appErrors, err)
		mu.Unlock()
		return fiber.DefaultErrorHandler(c, err)
	}})
	var seen []error
	record := func(c fiber.Ctx, err error) {
		mu.Lock()
		seen = append(seen, err)
		mu.Unlock()
	}
	teapot := func(c fiber.Ctx, err error) error {
		record(c, err)
		return c.Status(http.StatusTeapot).SendString("custom answer")
	}
	app.Get("/default", mcpfiber.BearerAuth(f.bearer), whoami)
	app.Get("/custom", mcpfiber.BearerAuth(f.bearer, mcpfiber.ErrorHandler(teapot)), whoami)
	app.Get("/log-then-default", mcpfiber.BearerAuth(f.bearer, mcpfiber.ErrorHandler(func(c fiber.Ctx, err error) error {
		record(c, err)
		return mcpfiber.WriteError(c, f.bearer.ErrorResponse(err))
	})), whoami)
	app.Get("/return-error", mcpfiber.BearerAuth(f.bearer, mcpfiber.ErrorHandler(func(c fiber.Ctx, err error) error {
		return fiber.NewError(http.StatusTeapot, "from the error handler")
	})), whoami)
	app.Get("/let-through", mcpfiber.BearerAuth(f.bearer, mcpfiber.ErrorHandler(func(c fiber.Ctx, err error) error {
		return c.Next()
	})), whoami)
	app.Get("/precedence-1", mcpfiber.BearerAuth(f.bearer, mcpfiber.PassErrors(), mcpfiber.ErrorHandler(teapot)), whoami)
	app.Get("/precedence-2", mcpfiber.BearerAuth(f.bearer, mcpfiber.ErrorHandler(teapot), mcpfiber.PassErrors()), whoami)
	app.Get("/nil-restores", mcpfiber.BearerAuth(f.bearer, mcpfiber.ErrorHandler(teapot), mcpfiber.ErrorHandler(nil), nil), whoami)
	base := serve(t, app)

	wantDefault := mcpauthtest.Send(t, http.MethodGet, base+"/default", bearerHeader("abc.def")...).Body

	for _, tc := range []struct {
		name      string
		path      string
		status    int
		body      string
		challenge bool
		appError  bool
	}{
		{"custom answer", "/custom", http.StatusTeapot, "custom answer", false, false},
		{"log, then the default answer", "/log-then-default", 401, string(wantDefault), true, false},
		{"a returned error goes to fiber's ErrorHandler", "/return-error", http.StatusTeapot, "from the error handler", false, true},
		{"c.Next lets the request through anonymously", "/let-through", 200, "anonymous", false, false},
		{"ErrorHandler takes precedence over PassErrors (given after)", "/precedence-1", http.StatusTeapot, "custom answer", false, false},
		{"ErrorHandler takes precedence over PassErrors (given before)", "/precedence-2", http.StatusTeapot, "custom answer", false, false},
		{"ErrorHandler(nil) restores the default", "/nil-restores", 401, string(wantDefault), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			seen, appErrors = nil, nil
			mu.Unlock()
			resp := mcpauthtest.Send(t, http.MethodGet, base+tc.path, bearerHeader("abc.def")...)
			if resp.Status != tc.status || string(resp.Body) != tc.body {
				t.Errorf("GET %s: %d %q, want %d %q", tc.path, resp.Status, resp.Body, tc.status, tc.body)
			}
			if got := resp.Header.Get("WWW-Authenticate") != ""; got != tc.challenge {
				t.Errorf("WWW-Authenticate present = %v, want %v", got, tc.challenge)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, err := range seen {
				var e *mcpauth.Error
				if !errors.As(err, &e) || !errors.Is(err, mcpauth.CodeInvalidToken) {
					t.Errorf("the ErrorHandler got %v, want an *mcpauth.Error invalid_token", err)
				}
			}
			if got := len(appErrors) > 0; got != tc.appError {
				t.Errorf("fiber's ErrorHandler called = %v, want %v", got, tc.appError)
			}
		})
	}
}

func TestPassErrors(t *testing.T) {
	f := newFixture(t)

	cases := []struct {
		name   string
		bearer *mcpauth.Bearer
		auth   []string
		target error // a sentinel the error must match
	}{
		{"no credentials: 401", f.bearer, nil, mcpauth.CodeMissingAuthHeader},
		{"malformed header: 401", f.bearer, []string{"Basic YWxpY2U6c2VjcmV0"}, mcpauth.CodeInvalidAuthHeaderFormat},
		{"invalid token: 401", f.bearer, bearerHeader("abc.def"), mcpauth.CodeInvalidToken},
		{"missing scope: 403", f.custom, bearerHeader(customNoScope), mcpauth.CodeMissingRequiredScopes},
		{"authorization server unavailable: 503", f.custom, bearerHeader(customUnavailable), mcpauth.CodeServerUnavailable},
		{"verifier failure: 500", f.custom, bearerHeader(customBroken), nil},
	}

	t.Run("fiber's DefaultErrorHandler", func(t *testing.T) {
		app := newApp()
		app.Get("/jwt", mcpfiber.BearerAuth(f.bearer, mcpfiber.PassErrors()), whoami)
		app.Get("/custom", mcpfiber.BearerAuth(f.custom, mcpfiber.PassErrors()), whoami)
		base := serve(t, app)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				want := coreAnswer(t, tc.bearer, tc.auth)
				path := "/jwt"
				if tc.bearer == f.custom {
					path = "/custom"
				}
				resp := mcpauthtest.Send(t, http.MethodGet, base+path, tc.auth...)
				if resp.Status != want.Status {
					t.Errorf("status %d, want %d", resp.Status, want.Status)
				}
				if got := resp.Header.Values("Content-Type"); !slices.Equal(got, []string{fiber.MIMETextPlainCharsetUTF8}) {
					t.Errorf("Content-Type %q, want fiber's %q", got, fiber.MIMETextPlainCharsetUTF8)
				}
				if d := description(t, want.Body); string(resp.Body) != d {
					t.Errorf("body %q, want the error_description %q", resp.Body, d)
				}
				for _, k := range []string{"WWW-Authenticate", "Retry-After", "Cache-Control"} {
					if got, w := resp.Header.Values(k), want.Header.Values(k); !slices.Equal(got, w) {
						t.Errorf("%s %q, want core's %q", k, got, w)
					}
				}
			})
		}
	})

	t.Run("application ErrorHandler", func(t *testing.T) {
		type seen struct {
			fiberCode int
			fiberMsg  string
			code      mcpauth.Code
			err       error
		}
		var mu sync.Mutex
		var last seen
		app := newApp(fiber.Config{ErrorHandler: func(c fiber.Ctx, err error) error {
			var s seen
			s.err = err
			var fe *fiber.Error
			if errors.As(err, &fe) {
				s.fiberCode, s.fiberMsg = fe.Code, fe.Message
			}
			var me *mcpauth.Error
			if errors.As(err, &me) {
				s.code = me.Code
			}
			mu.Lock()
			last = s
			mu.Unlock()
			var ae *mcpfiber.AuthError
			if errors.As(err, &ae) {
				return mcpfiber.WriteError(c, ae.Response)
			}
			return fiber.DefaultErrorHandler(c, err)
		}})
		app.Get("/jwt", mcpfiber.BearerAuth(f.bearer, mcpfiber.PassErrors()), whoami)
		app.Get("/custom", mcpfiber.BearerAuth(f.custom, mcpfiber.PassErrors()), whoami)
		base := serve(t, app)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				want := coreAnswer(t, tc.bearer, tc.auth)
				path := "/jwt"
				if tc.bearer == f.custom {
					path = "/custom"
				}
				resp := mcpauthtest.Send(t, http.MethodGet, base+path, tc.auth...)
				checkCoreAnswer(t, resp, want)
				mu.Lock()
				s := last
				mu.Unlock()
				if s.fiberCode != want.Status || s.fiberMsg != description(t, want.Body) {
					t.Errorf("as *fiber.Error: %d %q, want %d %q", s.fiberCode, s.fiberMsg, want.Status, description(t, want.Body))
				}
				if s.err.Error() != s.fiberMsg {
					t.Errorf("Error() = %q, want the description %q", s.err.Error(), s.fiberMsg)
				}
				var ae *mcpfiber.AuthError
				if !errors.As(s.err, &ae) || ae.Status() != want.Status || ae.Err == nil {
					t.Fatalf("not an *AuthError with status %d: %#v", want.Status, s.err)
				}
				if tc.target != nil {
					if !errors.Is(s.err, tc.target) {
						t.Errorf("errors.Is(err, %v) is false", tc.target)
					}
					if wantCode := tc.target.(mcpauth.Code); s.code != wantCode { //nolint:errorlint // tc.target is one of the codes, never wrapped
						t.Errorf("as *mcpauth.Error: code %q, want %q", s.code, wantCode)
					}
				}
			})
		}
	})
}

// coreAnswer is what core answers to a request with these Authorization
// values: bearer.ErrorResponse of bearer.Authenticate's error.
func coreAnswer(t *testing.T, bearer *mcpauth.Bearer, auth []string) mcpauth.Response {
	t.Helper()
	_, err := bearer.Authenticate(context.Background(), auth...)
	if err == nil {
		t.Fatalf("core accepts %q", auth)
	}
	return bearer.ErrorResponse(err)
}

// description is the error_description of a core error body.
func description(t *testing.T, body []byte) string {
	t.Helper()
	var b struct {
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("core body %s: %v", body, err)
	}
	return b.Description
}

// checkCoreAnswer checks that resp is exactly want: status, every header of
// want with exactly its values, no challenge or Retry-After that want does
// not have, and the body bytes.
func checkCoreAnswer(t *testing.T, resp mcpauthtest.Response, want mcpauth.Response) {
	t.Helper()
	if resp.Status != want.Status {
		t.Errorf("status %d, want %d", resp.Status, want.Status)
	}
	for k := range want.Header {
		if got, w := resp.Header.Values(k), want.Header.Values(k); !slices.Equal(got, w) {
			t.Errorf("%s %q, want %q", k, got, w)
		}
	}
	for _, k := range []string{"WWW-Authenticate", "Retry-After"} {
		if len(want.Header.Values(k)) == 0 && len(resp.Header.Values(k)) > 0 {
			t.Errorf("unexpected %s %q", k, resp.Header.Values(k))
		}
	}
	if got := resp.Header.Values("Content-Type"); !slices.Equal(got, []string{"application/json"}) {
		t.Errorf("Content-Type %q, want exactly application/json", got)
	}
	if string(resp.Body) != string(want.Body) {
		t.Errorf("body\n got %s\nwant %s", resp.Body, want.Body)
	}
}

func TestRefusalIsExactlyTheCoreAnswer(t *testing.T) {
	f := newFixture(t)
	app := newApp()
	app.All("/jwt", mcpfiber.BearerAuth(f.bearer), whoami)
	app.All("/custom", mcpfiber.BearerAuth(f.custom), whoami)
	base := serve(t, app)
	valid := f.token(t, "alice", "read")
	expired := f.iss.MustToken(t, map[string]any{"sub": "alice", "aud": resource, "scope": "read", "exp": time.Now().Add(-time.Hour).Unix()})

	for _, tc := range []struct {
		name   string
		bearer *mcpauth.Bearer
		auth   []string
	}{
		{"no Authorization header", f.bearer, nil},
		{"empty Authorization header", f.bearer, []string{""}},
		{"scheme without token", f.bearer, []string{"Bearer"}},
		{"Basic scheme", f.bearer, []string{"Basic YWxpY2U6c2VjcmV0"}},
		{"two Authorization headers", f.bearer, []string{"Bearer " + valid, "Bearer " + valid}},
		{"not a JWT", f.bearer, bearerHeader("abc.def")},
		{"expired token", f.bearer, bearerHeader(expired)},
		{"wrong audience", f.bearer, bearerHeader(f.iss.MustToken(t, map[string]any{"sub": "alice", "aud": "https://other.example.com", "scope": "read"}))},
		{"missing scope (403)", f.bearer, bearerHeader(f.token(t, "alice", "write"))},
		{"custom verifier refuses (401)", f.custom, bearerHeader(customRefused)},
		{"custom verifier: missing scope (403)", f.custom, bearerHeader(customNoScope)},
		{"custom verifier: server unavailable (503, Retry-After)", f.custom, bearerHeader(customUnavailable)},
		{"custom verifier fails (500, no challenge)", f.custom, bearerHeader(customBroken)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := "/jwt"
			if tc.bearer == f.custom {
				path = "/custom"
			}
			want := coreAnswer(t, tc.bearer, tc.auth)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				resp := mcpauthtest.Send(t, method, base+path, tc.auth...)
				checkCoreAnswer(t, resp, want)
			}
			resp := mcpauthtest.Send(t, http.MethodHead, base+path, tc.auth...)
			checkCoreAnswer(t, resp, mcpauth.Response{Status: want.Status, Header: want.Header})
		})
	}
}

func TestConcurrentRequestsKeepTheirOwnIdentity(t *testing.T) {
	f := newFixture(t)
	const workers, each = 32, 16
	tokens := make([]string, workers)
	for i := range tokens {
		// Subjects of different lengths give tokens of different lengths.
		tokens[i] = f.token(t, "user-"+strings.Repeat("x", i%5)+fmt.Sprint(i), "read")
	}
	var mu sync.Mutex
	var kept []*mcpauth.AuthInfo // AuthInfos kept after their request ended
	check := func(c fiber.Ctx) error {
		info, ok := mcpfiber.AuthInfo(c)
		fromCtx, _ := mcpauth.AuthInfoFromContext(c.Context())
		if !ok || info != fromCtx || "Bearer "+info.Token != c.Get(fiber.HeaderAuthorization) {
			return c.Status(http.StatusInternalServerError).SendString("wrong AuthInfo")
		}
		mu.Lock()
		kept = append(kept, info)
		mu.Unlock()
		return c.SendString(info.Subject)
	}
	app := newApp()
	app.Get("/mcp", mcpfiber.BearerAuth(f.bearer), check)
	app.Get("/bridge", mcpfiber.BearerAuth(f.bearer), mcpfiber.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, ok := mcpauth.AuthInfoFromContext(r.Context())
		if !ok || "Bearer "+info.Token != r.Header.Get("Authorization") {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, info.Subject)
	})))
	base := serve(t, app)

	subjects := make(map[string]string, workers)
	for i := range workers {
		subjects["user-"+strings.Repeat("x", i%5)+fmt.Sprint(i)] = tokens[i]
	}
	mcpauthtest.Concurrently(t, workers, each, func(i, j int) error {
		want := "user-" + strings.Repeat("x", i%5) + fmt.Sprint(i)
		path := []string{"/mcp", "/bridge"}[j%2]
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tokens[i])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || string(body) != want {
			return fmt.Errorf("%s as %s: status %d, body %q, error %w", path, want, resp.StatusCode, body, err)
		}
		return nil
	})
	// The kept AuthInfos must still hold their own token: nothing in them
	// aliases fasthttp's request buffers, reused by the later requests.
	mu.Lock()
	defer mu.Unlock()
	if len(kept) != workers*each/2 {
		t.Errorf("%d AuthInfos kept, want %d", len(kept), workers*each/2)
	}
	for _, info := range kept {
		if tok, ok := subjects[info.Subject]; !ok || info.Token != tok {
			t.Errorf("kept AuthInfo of %q holds a token that is not its own", info.Subject)
		}
	}
}

func TestContextKeyIsNotPassedToViews(t *testing.T) {
	// fiber's Config.PassLocalsToViews hands the Locals that
	// fasthttp's VisitUserValues visits (plain string keys) to templates:
	// the AuthInfo, raw token included, must not be one of them.
	var ctx fasthttp.RequestCtx
	ctx.SetUserValue(mcpfiber.ContextKey, &mcpauth.AuthInfo{Token: "secret"})
	ctx.SetUserValue("plain", 1)
	var visited []string
	ctx.VisitUserValues(func(k []byte, _ any) { visited = append(visited, string(k)) })
	if !slices.Equal(visited, []string{"plain"}) {
		t.Errorf("visited Locals %q, want only the plain string key", visited)
	}
}
