package mcpchi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	mcpchi "github.com/go-mcpauth/mcpauth/adapters/chi"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// TestAuthInfoVisibleBelow checks that a handler below BearerAuth sees the
// same AuthInfo through mcpchi.AuthInfo, mcpchi.AuthInfoFromContext and
// mcpauth.AuthInfoFromContext, whatever chi idiom mounts it, and that chi's
// own routing context (URL parameters) survives the middleware.
func TestAuthInfoVisibleBelow(t *testing.T) {
	f := newFixture(t)
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	mcpchi.RegisterMetadata(r, f.auth)
	r.With(mcpchi.BearerAuth(f.bearer)).Handle("/with", seenHandler())
	r.Group(func(r chi.Router) {
		r.Use(mcpchi.BearerAuth(f.bearer))
		r.Handle("/group", seenHandler())
		r.Method(http.MethodGet, "/items/{id}", seenHandler())
	})
	r.Route("/route", func(r chi.Router) {
		r.Use(mcpchi.BearerAuth(f.bearer))
		r.Handle("/", seenHandler())
	})
	sub := chi.NewRouter()
	sub.Use(mcpchi.BearerAuth(f.bearer))
	sub.Handle("/", seenHandler())
	r.Mount("/mounted", sub)
	// The net/http bridge: chi is net/http, the handler is mounted as it is
	// and reads the standard context.
	r.With(mcpchi.BearerAuth(f.bearer)).Handle("/bridge", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, ok := mcpauth.AuthInfoFromContext(r.Context())
		if !ok {
			http.Error(w, "no AuthInfo", http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(seen{Accessor: info.Subject, Context: info.Subject, Same: true})
	}))
	// A context derived from the request's (as an MCP SDK hands to tools).
	r.With(mcpchi.BearerAuth(f.bearer)).Handle("/derived", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(context.WithValue(r.Context(), derivedKey{}, 1))
		defer cancel()
		info, ok := mcpchi.AuthInfoFromContext(ctx)
		s := seen{Same: ok}
		if ok {
			s.Accessor, s.Context = info.Subject, info.Subject
		}
		_ = json.NewEncoder(w).Encode(s)
	}))
	base := mcpauthtest.Serve(t, r)
	tok := f.token(t, "alice", "read")

	for _, c := range []struct {
		name, path, param string
	}{
		{"r.With", "/with", ""},
		{"r.Group with r.Use", "/group", ""},
		{"URL parameter kept", "/items/42", "42"},
		{"r.Route", "/route/", ""},
		{"r.Mount of a sub-router", "/mounted/", ""},
		{"net/http bridge", "/bridge", ""},
		{"derived context", "/derived", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
				if c.param != "" && m != http.MethodGet {
					continue
				}
				s := decodeSeen(t, mcpauthtest.Send(t, m, base+c.path, "Bearer "+tok))
				if s.Accessor != "alice" || s.Context != "alice" || !s.Same || s.Param != c.param {
					t.Errorf("%s %s: handler saw %+v, want alice everywhere, the same pointer and param %q", m, c.path, s, c.param)
				}
				if a := mcpauthtest.Send(t, m, base+c.path); a.Status != http.StatusUnauthorized {
					t.Errorf("%s %s without credentials: status %d, want 401", m, c.path, a.Status)
				}
			}
		})
	}
	t.Run("metadata stays public", func(t *testing.T) {
		if a := mcpauthtest.Send(t, http.MethodGet, base+metadataPath); a.Status != http.StatusOK {
			t.Errorf("metadata: status %d, want 200", a.Status)
		}
	})
}

// TestAuthInfoWithoutMiddleware checks the accessors on a request that did
// not go through BearerAuth.
func TestAuthInfoWithoutMiddleware(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	if info, ok := mcpchi.AuthInfo(req); ok || info != nil {
		t.Errorf("AuthInfo = %v, %v; want nil, false", info, ok)
	}
	if info, ok := mcpchi.AuthInfo(nil); ok || info != nil {
		t.Errorf("AuthInfo(nil) = %v, %v; want nil, false", info, ok)
	}
	if info, ok := mcpchi.AuthInfoFromContext(context.Background()); ok || info != nil {
		t.Errorf("AuthInfoFromContext = %v, %v; want nil, false", info, ok)
	}
	want := &mcpauth.AuthInfo{Subject: "bob"}
	req = req.WithContext(mcpauth.WithAuthInfo(req.Context(), want))
	if info, ok := mcpchi.AuthInfo(req); !ok || info != want {
		t.Errorf("AuthInfo after WithAuthInfo = %v, %v; want %v, true", info, ok, want)
	}
}

// TestOptional: no Authorization header passes anonymously; any credentials
// sent must be valid.
func TestOptional(t *testing.T) {
	f := newFixture(t)
	r := chi.NewRouter()
	r.With(mcpchi.BearerAuth(f.bearer, mcpchi.Optional())).Handle("/optional", seenHandler())
	r.With(mcpchi.BearerAuth(f.bearer)).Handle("/required", seenHandler())
	base := mcpauthtest.Serve(t, r)
	valid := f.token(t, "alice", "read")

	for _, c := range []struct {
		name    string
		path    string
		auth    []string
		status  int
		subject string
	}{
		{"no header passes anonymously", "/optional", nil, 200, ""},
		{"an empty header counts as none", "/optional", []string{""}, 200, ""},
		{"valid token is authenticated", "/optional", []string{"Bearer " + valid}, 200, "alice"},
		{"bad token is refused", "/optional", []string{"Bearer abc.def"}, 401, ""},
		{"scheme without token is refused", "/optional", []string{"Bearer"}, 401, ""},
		{"other scheme is refused", "/optional", []string{"Basic YWxpY2U6c2VjcmV0"}, 401, ""},
		{"two headers are refused", "/optional", []string{"Bearer " + valid, "Bearer " + valid}, 401, ""},
		{"missing scope is refused", "/optional", []string{"Bearer " + f.token(t, "alice", "write")}, 403, ""},
		{"without Optional no header is refused", "/required", nil, 401, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := mcpauthtest.Send(t, http.MethodGet, base+c.path, c.auth...)
			if a.Status != c.status {
				t.Fatalf("status %d, want %d (body %s)", a.Status, c.status, a.Body)
			}
			if c.status != http.StatusOK {
				checkRefusal(t, a, expectedRefusal(t, f.bearer, c.auth...))
				return
			}
			if s := decodeSeen(t, a); s.Accessor != c.subject || s.Context != c.subject || !s.Same {
				t.Errorf("handler saw %+v, want subject %q", s, c.subject)
			}
		})
	}
}

// TestSkipper: a skipped request passes unchecked, with no AuthInfo even
// when it carries a valid token; other requests are checked.
func TestSkipper(t *testing.T) {
	f := newFixture(t)
	var calls atomic.Int32
	skipHealth := mcpchi.Skipper(func(r *http.Request) bool {
		calls.Add(1)
		return r.URL.Path == "/health" || r.Method == http.MethodOptions
	})
	r := chi.NewRouter()
	r.Group(func(r chi.Router) {
		r.Use(mcpchi.BearerAuth(f.bearer, skipHealth))
		r.Handle("/health", seenHandler())
		r.Handle("/mcp", seenHandler())
	})
	r.With(mcpchi.BearerAuth(f.bearer, skipHealth, mcpchi.Skipper(nil))).Handle("/reset", seenHandler())
	r.With(mcpchi.BearerAuth(f.bearer, mcpchi.Skipper(func(*http.Request) bool { return false }), skipHealth)).Handle("/last", seenHandler())
	base := mcpauthtest.Serve(t, r)
	valid := f.token(t, "alice", "read")

	for _, c := range []struct {
		name    string
		method  string
		path    string
		auth    []string
		status  int
		subject string
	}{
		{"skipped without credentials", http.MethodGet, "/health", nil, 200, ""},
		{"skipped with a bad token", http.MethodGet, "/health", []string{"Bearer abc.def"}, 200, ""},
		{"skipped with a valid token has no AuthInfo", http.MethodGet, "/health", []string{"Bearer " + valid}, 200, ""},
		{"skipped preflight", http.MethodOptions, "/mcp", nil, 200, ""},
		{"not skipped without credentials", http.MethodGet, "/mcp", nil, 401, ""},
		{"not skipped with a valid token", http.MethodPost, "/mcp", []string{"Bearer " + valid}, 200, "alice"},
		{"Skipper(nil) removes the skipper", http.MethodOptions, "/reset", nil, 401, ""},
		{"the last Skipper wins", http.MethodOptions, "/last", nil, 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := mcpauthtest.Send(t, c.method, base+c.path, c.auth...)
			if a.Status != c.status {
				t.Fatalf("status %d, want %d (body %s)", a.Status, c.status, a.Body)
			}
			if c.status != http.StatusOK {
				checkRefusal(t, a, expectedRefusal(t, f.bearer, c.auth...))
				return
			}
			if s := decodeSeen(t, a); s.Accessor != c.subject || s.Context != c.subject || !s.Same {
				t.Errorf("handler saw %+v, want subject %q", s, c.subject)
			}
		})
	}
	if calls.Load() == 0 {
		t.Error("the skipper was never called")
	}
}

// TestErrorHandler: the hook replaces the answer to a refusal, is given the
// request's *mcpauth.Error, stops the chain, and is not called for requests
// that pass. Handing over to bearer.WriteError gives the default answer.
func TestErrorHandler(t *testing.T) {
	f := newFixture(t)
	var (
		mu     sync.Mutex
		errs   []error
		called atomic.Int32
	)
	record := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	lastErr := func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(errs) == 0 {
			return nil
		}
		return errs[len(errs)-1]
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called.Add(1)
		seenHandler().ServeHTTP(w, r)
	})
	// Own answer: the hook writes something else entirely.
	teapot := mcpchi.ErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
		record(err)
		var e *mcpauth.Error
		code := "?"
		if errors.As(err, &e) {
			code = string(e.Code)
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		_, _ = fmt.Fprintf(w, "refused: %s on %s", code, r.URL.Path)
	})
	// Hand-over: log, then the standard answer.
	handOver := mcpchi.ErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
		record(err)
		f.bearer.WriteError(w, err)
	})
	r := chi.NewRouter()
	r.With(mcpchi.BearerAuth(f.bearer, teapot)).Handle("/teapot", next)
	r.With(mcpchi.BearerAuth(f.bearer, handOver)).Handle("/handover", next)
	r.With(mcpchi.BearerAuth(f.bearer, handOver, mcpchi.Optional())).Handle("/optional", next)
	r.With(mcpchi.BearerAuth(f.bearer, handOver, mcpchi.Skipper(func(*http.Request) bool { return true }))).Handle("/skipped", next)
	r.With(mcpchi.BearerAuth(f.bearer, teapot, mcpchi.ErrorHandler(nil))).Handle("/reset", next)
	r.With(mcpchi.BearerAuth(f.bearer, handOver, teapot)).Handle("/last", next)
	base := mcpauthtest.Serve(t, r)
	valid := f.token(t, "alice", "read")
	noScope := f.token(t, "alice", "write")

	for _, c := range []struct {
		name      string
		path      string
		auth      []string
		status    int
		wantErr   error // nil: the hook must not be called
		body      string
		exactCore bool // the answer must be core's ErrorResponse
	}{
		{"own answer, no credentials", "/teapot", nil, 418, mcpauth.CodeMissingAuthHeader, "refused: missing_auth_header on /teapot", false},
		{"own answer, bad token", "/teapot", []string{"Bearer abc.def"}, 418, mcpauth.CodeInvalidToken, "refused: invalid_token on /teapot", false},
		{"own answer, missing scope", "/teapot", []string{"Bearer " + noScope}, 418, mcpauth.CodeMissingRequiredScopes, "refused: missing_required_scopes on /teapot", false},
		{"own answer not used on success", "/teapot", []string{"Bearer " + valid}, 200, nil, "", false},
		{"hand-over, no credentials", "/handover", nil, 401, mcpauth.CodeMissingAuthHeader, "", true},
		{"hand-over, bad format", "/handover", []string{"Token x"}, 401, mcpauth.CodeInvalidAuthHeaderFormat, "", true},
		{"hand-over, missing scope", "/handover", []string{"Bearer " + noScope}, 403, mcpauth.CodeMissingRequiredScopes, "", true},
		{"hand-over not used on success", "/handover", []string{"Bearer " + valid}, 200, nil, "", false},
		{"not called when Optional lets an anonymous request through", "/optional", nil, 200, nil, "", false},
		{"called when Optional refuses a bad token", "/optional", []string{"Bearer abc.def"}, 401, mcpauth.CodeInvalidToken, "", true},
		{"not called for a skipped request", "/skipped", []string{"Bearer abc.def"}, 200, nil, "", false},
		{"ErrorHandler(nil) restores the default", "/reset", nil, 401, nil, "", true},
		{"the last ErrorHandler wins", "/last", nil, 418, mcpauth.CodeMissingAuthHeader, "refused: missing_auth_header on /last", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			mu.Lock()
			errs = nil
			mu.Unlock()
			before := called.Load()
			a := mcpauthtest.Send(t, http.MethodGet, base+c.path, c.auth...)
			if a.Status != c.status {
				t.Fatalf("status %d, want %d (body %s)", a.Status, c.status, a.Body)
			}
			got := lastErr()
			switch {
			case c.wantErr == nil && got != nil:
				t.Errorf("the hook was called with %v", got)
			case c.wantErr != nil && !errors.Is(got, c.wantErr):
				t.Errorf("the hook got %v, want an error matching %v", got, c.wantErr)
			}
			if c.wantErr != nil {
				var e *mcpauth.Error
				if !errors.As(got, &e) {
					t.Errorf("the hook got %T, want a *mcpauth.Error", got)
				}
			}
			passed := called.Load() != before
			if passed != (c.status == http.StatusOK) {
				t.Errorf("next handler called: %v, want %v", passed, c.status == http.StatusOK)
			}
			if c.body != "" && string(a.Body) != c.body {
				t.Errorf("body %q, want %q", a.Body, c.body)
			}
			if c.status == http.StatusTeapot && a.Header.Get("WWW-Authenticate") != "" {
				t.Errorf("own answer has a WWW-Authenticate %q", a.Header.Get("WWW-Authenticate"))
			}
			if c.exactCore {
				checkRefusal(t, a, expectedRefusal(t, f.bearer, c.auth...))
			}
		})
	}
}

// TestRefusalIsCoreAnswer: every refusal is bearer.ErrorResponse written
// verbatim: status, exactly its headers, body bytes (no charset, no
// re-encoding), for each kind of failure core distinguishes.
func TestRefusalIsCoreAnswer(t *testing.T) {
	f := newFixture(t)
	detailed := newFixture(t, func(o *mcpauth.BearerOptions) {
		o.ShowErrorDetails = true
		o.Realm = `mcp "realm"`
		o.LibraryErrorCodes = true
	})
	broken, err := f.auth.BearerAuth(mcpauth.VerifyFunc(func(context.Context, string) (*mcpauth.AuthInfo, error) {
		return nil, errors.New("introspection endpoint down")
	}), mcpauth.BearerOptions{Resource: resource, ShowErrorDetails: true})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.With(mcpchi.BearerAuth(f.bearer)).Handle("/mcp", seenHandler())
	r.With(mcpchi.BearerAuth(detailed.bearer)).Handle("/detailed", seenHandler())
	r.With(mcpchi.BearerAuth(broken)).Handle("/broken", seenHandler())
	base := mcpauthtest.Serve(t, r)
	tok := func(f *fixture, claims map[string]any) string { return "Bearer " + f.iss.MustToken(t, claims) }
	alice := func(k string, v any) map[string]any {
		c := map[string]any{"sub": "alice", "aud": resource, "scope": "read"}
		c[k] = v
		return c
	}

	for _, c := range []struct {
		name   string
		path   string
		bearer *mcpauth.Bearer
		auth   []string
		status int
	}{
		{"no credentials", "/mcp", f.bearer, nil, 401},
		{"malformed header", "/mcp", f.bearer, []string{"Bearer a b"}, 401},
		{"scheme alone", "/mcp", f.bearer, []string{"Bearer"}, 401},
		{"two headers", "/mcp", f.bearer, []string{"Bearer x", "Bearer y"}, 401},
		{"not a JWT", "/mcp", f.bearer, []string{"Bearer abc.def"}, 401},
		{"expired", "/mcp", f.bearer, []string{tok(f, alice("exp", 1))}, 401},
		{"wrong audience", "/mcp", f.bearer, []string{tok(f, alice("aud", "https://other.example.com"))}, 401},
		{"missing scope", "/mcp", f.bearer, []string{tok(f, alice("scope", "write"))}, 403},
		{"details, realm and library codes", "/detailed", detailed.bearer, []string{tok(detailed, alice("aud", "https://other.example.com"))}, 401},
		{"details of missing scope", "/detailed", detailed.bearer, []string{tok(detailed, alice("scope", ""))}, 403},
		{"verifier failure is 500 without challenge", "/broken", broken, []string{"Bearer opaque-token-123"}, 500},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := mcpauthtest.Send(t, http.MethodGet, base+c.path, c.auth...)
			if a.Status != c.status {
				t.Fatalf("status %d, want %d (body %s)", a.Status, c.status, a.Body)
			}
			checkRefusal(t, a, expectedRefusal(t, c.bearer, c.auth...))
		})
	}

	t.Run("authorization server down is 503 with Retry-After", func(t *testing.T) {
		down := newFixture(t)
		down.iss.SetFault(func(w http.ResponseWriter, _ *http.Request) bool {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		})
		r := chi.NewRouter()
		r.With(mcpchi.BearerAuth(down.bearer)).Handle("/mcp", seenHandler())
		base := mcpauthtest.Serve(t, r)
		auth := "Bearer " + down.token(t, "alice", "read")
		a := mcpauthtest.Send(t, http.MethodGet, base+"/mcp", auth)
		if a.Status != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503 (body %s)", a.Status, a.Body)
		}
		want := expectedRefusal(t, down.bearer, auth)
		if want.Status != http.StatusServiceUnavailable {
			t.Fatalf("core answers %d now, want 503", want.Status)
		}
		// Retry-After counts down between the two answers: check its
		// shape, and the rest byte for byte.
		secs, err := strconv.Atoi(a.Header.Get("Retry-After"))
		if err != nil || secs < 1 {
			t.Errorf("Retry-After %q, want a positive number of seconds", a.Header.Get("Retry-After"))
		}
		a.Header.Set("Retry-After", want.Header.Get("Retry-After"))
		checkRefusal(t, a, want)
	})
}

// TestConcurrentRequestsKeepTheirIdentity: many goroutines, each with a token
// of its own subject (and some refused requests in between), through the
// accessor, the context and the net/http bridge. Run with -race.
func TestConcurrentRequestsKeepTheirIdentity(t *testing.T) {
	f := newFixture(t)
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Group(func(r chi.Router) {
		r.Use(mcpchi.BearerAuth(f.bearer, mcpchi.Optional()))
		r.Handle("/mcp", seenHandler())
		r.Handle("/items/{id}", seenHandler())
	})
	base := mcpauthtest.Serve(t, r)

	const workers, each = 32, 12
	tokens := make([]string, workers)
	for i := range tokens {
		tokens[i] = f.token(t, fmt.Sprintf("user-%02d", i), "read")
	}
	mcpauthtest.Concurrently(t, workers, each, func(i, j int) error {
		sub := fmt.Sprintf("user-%02d", i)
		var (
			req *http.Request
			err error
		)
		switch j % 4 {
		case 0, 1:
			req, err = http.NewRequest(http.MethodPost, base+"/mcp", nil)
		case 2:
			req, err = http.NewRequest(http.MethodGet, fmt.Sprintf("%s/items/%d", base, i), nil)
		case 3: // anonymous (Optional): must not see anyone's identity
			req, err = http.NewRequest(http.MethodGet, base+"/mcp", nil)
		}
		if err != nil {
			return err
		}
		if j%4 != 3 {
			req.Header.Set("Authorization", "Bearer "+tokens[i])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		var s seen
		err = json.NewDecoder(resp.Body).Decode(&s)
		resp.Body.Close()
		want := seen{Accessor: sub, Context: sub, Same: true}
		if j%4 == 2 {
			want.Param = strconv.Itoa(i)
		}
		if j%4 == 3 {
			want = seen{Same: true}
		}
		if err != nil || resp.StatusCode != http.StatusOK || s != want {
			return fmt.Errorf("%s request %d: status %d, saw %+v (%w), want %+v", sub, j, resp.StatusCode, s, err, want)
		}
		return nil
	})
}

// TestPanicReachesRecoverer: a panic below BearerAuth is neither swallowed
// nor turned into an auth error: chi's Recoverer gets the very value and
// answers its 500, with no challenge.
func TestPanicReachesRecoverer(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("boom in the MCP handler")
	panics := make(chan any, 4)
	r := chi.NewRouter()
	r.Use(quietRecoverer(panics)...)
	mcpchi.RegisterMetadata(r, f.auth)
	r.With(mcpchi.BearerAuth(f.bearer)).Handle("/mcp", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(boom)
	}))
	r.With(mcpchi.BearerAuth(f.bearer, mcpchi.ErrorHandler(func(w http.ResponseWriter, _ *http.Request, err error) {
		f.bearer.WriteError(w, err)
	}))).Handle("/hooked", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(boom)
	}))
	base := mcpauthtest.Serve(t, r)
	tok := f.token(t, "alice", "read")

	for _, path := range []string{"/mcp", "/hooked"} {
		t.Run(path, func(t *testing.T) {
			a := mcpauthtest.Send(t, http.MethodPost, base+path, "Bearer "+tok)
			if a.Status != http.StatusInternalServerError {
				t.Errorf("status %d, want Recoverer's 500 (body %s)", a.Status, a.Body)
			}
			if v := a.Header.Values("WWW-Authenticate"); len(v) != 0 {
				t.Errorf("WWW-Authenticate %q on a panic", v)
			}
			if len(a.Body) != 0 {
				t.Errorf("body %q, want Recoverer's empty body", a.Body)
			}
			select {
			case v := <-panics:
				if v != boom { //nolint:errorlint // the very value the handler panicked with
					t.Errorf("Recoverer got %v, want the handler's panic value", v)
				}
			default:
				t.Error("Recoverer did not see the panic")
			}
		})
	}
	t.Run("without credentials the handler does not run", func(t *testing.T) {
		if a := mcpauthtest.Send(t, http.MethodPost, base+"/mcp"); a.Status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", a.Status)
		}
		if len(panics) != 0 {
			t.Error("the handler ran for a refused request")
		}
	})
}

// TestRegisterMetadata: every metadata route answers GET, HEAD and OPTIONS
// exactly as core's handler does, other methods get chi's 405, and the
// routes are public.
func TestRegisterMetadata(t *testing.T) {
	iss := mcpauthtest.MustNewIssuer(t)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{
		{Resource: resource, AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}, ScopesSupported: []string{"read"}},
		{Resource: "https://mcp.example.com/", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}, ResourceName: "root"},
		{Resource: "https://mcp.example.com/tenant/a*b", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}},
		{Resource: "https://mcp.example.com/%7Btenant%7D/mcp", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}},
		{Resource: "https://mcp.example.com/my%20mcp", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}},
		{Resource: "https://mcp.example.com/a%2Fb", AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}},
	}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: resource})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	mcpchi.RegisterMetadata(r, auth)
	r.With(mcpchi.BearerAuth(bearer)).Handle("/mcp", seenHandler())
	base := mcpauthtest.Serve(t, r)
	core := mcpauthtest.Serve(t, auth.MetadataHandler())

	routes := auth.MetadataRoutes()
	if len(routes) < 6 {
		t.Fatalf("%d metadata routes, want at least 6", len(routes))
	}
	for _, route := range routes {
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
			t.Run(m+" "+route.Path, func(t *testing.T) {
				got := mcpauthtest.Send(t, m, base+route.Path)
				want := mcpauthtest.Send(t, m, core+route.Path)
				if got.Status != want.Status || want.Status >= 300 {
					t.Fatalf("status %d, core's %d", got.Status, want.Status)
				}
				delete(got.Header, "Date")
				delete(want.Header, "Date")
				if g, w := fmt.Sprint(got.Header), fmt.Sprint(want.Header); g != w {
					t.Errorf("headers\n got %s\nwant %s", g, w)
				}
				if string(got.Body) != string(want.Body) {
					t.Errorf("body\n got %s\nwant %s", got.Body, want.Body)
				}
			})
		}
	}
	for _, c := range []struct {
		name, method, path string
		status             int
	}{
		{"POST is chi's 405", http.MethodPost, metadataPath, 405},
		{"DELETE is chi's 405", http.MethodDelete, metadataPath, 405},
		{"unknown resource", http.MethodGet, "/.well-known/oauth-protected-resource/other", 404},
		{"'*' is not a wildcard", http.MethodGet, "/.well-known/oauth-protected-resource/tenant/aXb", 404},
		{"'*' is not a catch-all", http.MethodGet, "/.well-known/oauth-protected-resource/tenant/a*bc", 404},
		{"'{tenant}' is not a parameter", http.MethodGet, "/.well-known/oauth-protected-resource/acme/mcp", 404},
		{"an encoded slash is not a slash", http.MethodGet, "/.well-known/oauth-protected-resource/a/b", 404},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := mcpauthtest.Send(t, c.method, base+c.path)
			if a.Status != c.status {
				t.Errorf("status %d, want %d", a.Status, c.status)
			}
			if v := a.Header.Values("WWW-Authenticate"); len(v) != 0 {
				t.Errorf("WWW-Authenticate %q on a metadata route", v)
			}
		})
	}
	t.Run("405 lists the metadata methods", func(t *testing.T) {
		a := mcpauthtest.Send(t, http.MethodPost, base+metadataPath)
		got := slices.Sorted(slices.Values(a.Header.Values("Allow"))) // chi's order varies
		if fmt.Sprint(got) != "[GET HEAD OPTIONS]" {
			t.Errorf("Allow %q, want GET, HEAD and OPTIONS", got)
		}
	})
}

// TestWiringMistakesPanicEarly: nil arguments are refused when the routes
// are built, not at the first request.
func TestWiringMistakesPanicEarly(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name string
		fn   func()
	}{
		{"BearerAuth(nil)", func() { mcpchi.BearerAuth(nil) }},
		{"RegisterMetadata(nil router)", func() { mcpchi.RegisterMetadata(nil, f.auth) }},
		{"RegisterMetadata(nil auth)", func() { mcpchi.RegisterMetadata(chi.NewRouter(), nil) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			c.fn()
		})
	}
	t.Run("nil options are ignored", func(t *testing.T) {
		r := chi.NewRouter()
		r.With(mcpchi.BearerAuth(f.bearer, nil, mcpchi.Optional(), nil)).Handle("/", seenHandler())
		if a := mcpauthtest.Send(t, http.MethodGet, mcpauthtest.Serve(t, r)+"/"); a.Status != http.StatusOK {
			t.Errorf("status %d, want 200", a.Status)
		}
	})
}

// derivedKey keys a value a handler adds to the request context.
type derivedKey struct{}
