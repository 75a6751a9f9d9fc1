package mcpgin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// The AuthInfo reaches the handlers below through the accessor, the request's
// standard context and the net/http bridge, with or without gin's
// ContextWithFallback; the gin.Context itself resolves it as a
// context.Context only with ContextWithFallback (gin's rule).
func TestAuthInfoVisibleBelowTheMiddleware(t *testing.T) {
	f := newFixture(t)
	bridge := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, ok := mcpauth.AuthInfoFromContext(r.Context())
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(seen{RequestCtx: subject(info, ok)})
	})
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprintf("ContextWithFallback=%v", fallback), func(t *testing.T) {
			r := gin.New()
			r.ContextWithFallback = fallback
			r.Use(gin.Recovery())
			r.GET("/observe", mcpgin.BearerAuth(f.bearer), observe)
			r.GET("/group/observe", mcpgin.BearerAuth(f.bearer), func(c *gin.Context) { c.Next() }, observe)
			r.GET("/bridge", mcpgin.BearerAuth(f.bearer), gin.WrapH(bridge))
			r.GET("/key", mcpgin.BearerAuth(f.bearer), func(c *gin.Context) {
				v, _ := c.Get(mcpgin.ContextKey)
				info, _ := v.(*mcpauth.AuthInfo)
				byValue, _ := c.Value(mcpgin.ContextKey).(*mcpauth.AuthInfo)
				c.String(http.StatusOK, "%v %v", info != nil && info.Subject == "alice", byValue == info)
			})
			base := mcpauthtest.Serve(t, r)
			auth := bearerAuth(f.token(t, "alice"))

			wantGin := ""
			if fallback {
				wantGin = "alice"
			}
			for _, path := range []string{"/observe", "/group/observe"} {
				s := decodeSeen(t, mcpauthtest.Send(t, http.MethodGet, base+path, auth...))
				if s.Accessor != "alice" || s.RequestCtx != "alice" || !s.Same || s.GinCtx != wantGin {
					t.Errorf("%s: %+v, want accessor and request context alice (same pointer), gin context %q", path, s, wantGin)
				}
			}
			if s := decodeSeen(t, mcpauthtest.Send(t, http.MethodGet, base+"/bridge", auth...)); s.RequestCtx != "alice" {
				t.Errorf("bridge: %+v, want alice", s)
			}
			if r := mcpauthtest.Send(t, http.MethodGet, base+"/key", auth...); string(r.Body) != "true true" {
				t.Errorf("c.Get / c.Value(ContextKey): %q, want \"true true\"", r.Body)
			}
		})
	}
}

func TestAuthInfoAccessor(t *testing.T) {
	info := &mcpauth.AuthInfo{Subject: "alice"}
	newCtx := func() *gin.Context {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		return c
	}
	tests := []struct {
		name  string
		setup func(c *gin.Context)
		want  *mcpauth.AuthInfo
	}{
		{"nothing stored", func(*gin.Context) {}, nil},
		{"gin key", func(c *gin.Context) { c.Set(mcpgin.ContextKey, info) }, info},
		{"request context only", func(c *gin.Context) {
			c.Request = c.Request.WithContext(mcpauth.WithAuthInfo(c.Request.Context(), info))
		}, info},
		{"foreign value under the key", func(c *gin.Context) { c.Set(mcpgin.ContextKey, "alice") }, nil},
		{"nil AuthInfo under the key", func(c *gin.Context) { c.Set(mcpgin.ContextKey, (*mcpauth.AuthInfo)(nil)) }, nil},
		{"no request", func(c *gin.Context) { c.Request = nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCtx()
			tt.setup(c)
			got, ok := mcpgin.AuthInfo(c)
			if got != tt.want || ok != (tt.want != nil) {
				t.Errorf("AuthInfo = %v, %v; want %v, %v", got, ok, tt.want, tt.want != nil)
			}
		})
	}
	if got, ok := mcpgin.AuthInfo(nil); got != nil || ok {
		t.Errorf("AuthInfo(nil) = %v, %v", got, ok)
	}
}

func TestOptional(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	r.GET("/optional", mcpgin.BearerAuth(f.bearer, mcpgin.Optional()), observe)
	base := mcpauthtest.Serve(t, r)
	alice := f.token(t, "alice")
	tests := []struct {
		name    string
		auth    []string
		status  int
		subject string
		code    string // the "error" of a refusal
	}{
		{"no header passes anonymous", nil, 200, "", ""},
		{"one empty header passes anonymous", []string{""}, 200, "", ""},
		{"valid token is authenticated", bearerAuth(alice), 200, "alice", ""},
		{"bad token is refused", bearerAuth("abc.def"), 401, "", "invalid_token"},
		{"scheme without token is refused", []string{"Bearer"}, 401, "", "missing_bearer_token"},
		{"Basic credentials are refused", []string{"Basic YWxpY2U6c2VjcmV0"}, 401, "", "invalid_auth_header_format"},
		{"two headers are refused", []string{"Bearer " + alice, "Bearer " + alice}, 401, "", "invalid_auth_header_format"},
		{"missing scope is refused", bearerAuth(f.iss.MustToken(t, map[string]any{"sub": "bob", "aud": resource, "scope": "write"})), 403, "", "missing_required_scopes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := mcpauthtest.Send(t, http.MethodGet, base+"/optional", tt.auth...)
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d (body %s)", resp.Status, tt.status, resp.Body)
			}
			if tt.status != 200 {
				if !strings.Contains(string(resp.Body), `"error":"`+tt.code+`"`) || resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("refusal %s / %q, want error %s with a challenge", resp.Body, resp.Header.Get("WWW-Authenticate"), tt.code)
				}
				return
			}
			if s := decodeSeen(t, resp); s.Accessor != tt.subject || s.RequestCtx != tt.subject || !s.Same {
				t.Errorf("seen %+v, want subject %q", s, tt.subject)
			}
		})
	}
}

func TestSkipper(t *testing.T) {
	f := newFixture(t)
	var skipperCalls atomic.Int32
	skip := mcpgin.Skipper(func(c *gin.Context) bool {
		skipperCalls.Add(1)
		return c.FullPath() == "/api/health"
	})
	r := gin.New()
	api := r.Group("/api", mcpgin.BearerAuth(f.bearer, skip))
	api.GET("/health", observe)
	api.GET("/data", observe)
	base := mcpauthtest.Serve(t, r)
	alice := f.token(t, "alice")
	tests := []struct {
		name    string
		path    string
		auth    []string
		status  int
		subject string
	}{
		{"skipped without credentials", "/api/health", nil, 200, ""},
		{"skipped ignores a bad token", "/api/health", bearerAuth("abc.def"), 200, ""},
		{"skipped ignores a valid token (no AuthInfo)", "/api/health", bearerAuth(alice), 200, ""},
		{"not skipped without credentials", "/api/data", nil, 401, ""},
		{"not skipped with a bad token", "/api/data", bearerAuth("abc.def"), 401, ""},
		{"not skipped with a valid token", "/api/data", bearerAuth(alice), 200, "alice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := skipperCalls.Load()
			resp := mcpauthtest.Send(t, http.MethodGet, base+tt.path, tt.auth...)
			if skipperCalls.Load() != before+1 {
				t.Errorf("skipper called %d times, want once", skipperCalls.Load()-before)
			}
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d (body %s)", resp.Status, tt.status, resp.Body)
			}
			if tt.status == 200 {
				if s := decodeSeen(t, resp); s.Accessor != tt.subject || s.RequestCtx != tt.subject {
					t.Errorf("seen %+v, want subject %q", s, tt.subject)
				}
			}
		})
	}
}

// Nil options and a nil Skipper or ErrorHandler keep the defaults.
func TestNilOptionsKeepDefaults(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	r.GET("/mcp", mcpgin.BearerAuth(f.bearer, nil, mcpgin.Skipper(nil), mcpgin.ErrorHandler(nil)), observe)
	base := mcpauthtest.Serve(t, r)
	if resp := mcpauthtest.Send(t, http.MethodGet, base+"/mcp"); resp.Status != 401 || !strings.Contains(string(resp.Body), "missing_auth_header") {
		t.Errorf("no credentials: %d %s, want core's 401", resp.Status, resp.Body)
	}
	if s := decodeSeen(t, mcpauthtest.Send(t, http.MethodGet, base+"/mcp", bearerAuth(f.token(t, "alice"))...)); s.Accessor != "alice" {
		t.Errorf("valid token: %+v", s)
	}
}

func TestBearerAuthNilBearerPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "nil *mcpauth.Bearer") {
			t.Errorf("recovered %v, want a panic naming the nil bearer", r)
		}
	}()
	mcpgin.BearerAuth(nil)
}

func TestErrorHandler(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name    string
		handler func(c *gin.Context, err error)
		auth    []string
		status  int
		body    string // exact, or "core" for core's answer
		reached bool   // the handler below ran
	}{
		{
			name: "custom answer, chain aborted without calling Abort",
			handler: func(c *gin.Context, err error) {
				c.String(http.StatusTeapot, "refused: %v", errors.Is(err, mcpauth.CodeMissingAuthHeader))
			},
			status: http.StatusTeapot, body: "refused: true",
		},
		{
			name: "handler aborts itself",
			handler: func(c *gin.Context, err error) {
				c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"nope": true})
			},
			status: 401, body: `{"nope":true}`,
		},
		{
			name: "log then the standard answer",
			handler: func(c *gin.Context, err error) {
				var e *mcpauth.Error
				if !errors.As(err, &e) || e.Code != mcpauth.CodeInvalidToken {
					c.String(http.StatusInternalServerError, "got %v", err)
					return
				}
				mcpgin.WriteError(c, f.bearer.ErrorResponse(err))
			},
			auth: bearerAuth("abc.def"), status: 401, body: "core",
		},
		{
			name: "handler lets the request through as anonymous",
			handler: func(c *gin.Context, err error) {
				c.Next()
			},
			status: 200, body: `{"accessor":"","request_ctx":"","gin_ctx":"","same":true}`, reached: true,
		},
		{
			name:    "handler writes nothing: the status is gin's default, nothing below runs",
			handler: func(c *gin.Context, err error) {},
			status:  200, body: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reached atomic.Int32
			r := gin.New()
			r.GET("/mcp", mcpgin.BearerAuth(f.bearer, mcpgin.ErrorHandler(tt.handler)), func(c *gin.Context) {
				reached.Add(1)
				observe(c)
			})
			base := mcpauthtest.Serve(t, r)
			resp := mcpauthtest.Send(t, http.MethodGet, base+"/mcp", tt.auth...)
			if resp.Status != tt.status {
				t.Errorf("status %d, want %d", resp.Status, tt.status)
			}
			want := tt.body
			if want == "core" {
				err := authenticateErr(t, f.bearer, tt.auth)
				want = string(f.bearer.ErrorResponse(err).Body)
			}
			if string(resp.Body) != want {
				t.Errorf("body %q, want %q", resp.Body, want)
			}
			if n := reached.Load(); (n == 1) != tt.reached || n > 1 {
				t.Errorf("handler below ran %d times, want reached=%v", n, tt.reached)
			}
		})
	}
}

// authenticateErr is core's verdict on a request with these Authorization
// values; it must be a refusal.
func authenticateErr(t testing.TB, b *mcpauth.Bearer, auth []string) error {
	t.Helper()
	_, err := b.Authenticate(context.Background(), auth...)
	if err == nil {
		t.Fatalf("Authenticate(%q) accepted the request", auth)
	}
	return err
}

// PassErrors commits core's status and headers, hands the *mcpauth.Error to
// the error-rendering middleware through c.Errors and lets it write the body.
func TestPassErrors(t *testing.T) {
	f := newFixture(t)
	type caught struct {
		code    mcpauth.Code
		private bool
		n       int
	}
	tests := []struct {
		name     string
		renderer func(c *gin.Context, e *mcpauth.Error) // nil: no renderer
		auth     []string
		status   int
		body     string
		code     mcpauth.Code
	}{
		{
			name: "gin docs renderer with a fixed 500 keeps core's status",
			renderer: func(c *gin.Context, e *mcpauth.Error) {
				c.JSON(http.StatusInternalServerError, gin.H{"success": false, "code": e.Code})
			},
			status: 401, body: `{"code":"missing_auth_header","success":false}`, code: mcpauth.CodeMissingAuthHeader,
		},
		{
			name: "renderer keeping the status, invalid token",
			renderer: func(c *gin.Context, e *mcpauth.Error) {
				c.JSON(-1, gin.H{"status": c.Writer.Status(), "message": e.Code.Description()})
			},
			auth: bearerAuth("abc.def"), status: 401,
			body: `{"message":"The provided token is invalid or malformed.","status":401}`, code: mcpauth.CodeInvalidToken,
		},
		{
			name: "missing scope is 403",
			renderer: func(c *gin.Context, e *mcpauth.Error) {
				c.JSON(c.Writer.Status(), gin.H{"missing": e.MissingScopes})
			},
			auth:   bearerAuth(f.iss.MustToken(t, map[string]any{"sub": "bob", "aud": resource, "scope": "write"})),
			status: 403, body: `{"missing":["read"]}`, code: mcpauth.CodeMissingRequiredScopes,
		},
		{
			name:   "no renderer: core's status and headers, empty body",
			status: 401, body: "", code: mcpauth.CodeInvalidAuthHeaderFormat,
			auth: []string{"Basic YWxpY2U6c2VjcmV0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got caught
			var reached atomic.Int32
			r := gin.New()
			r.Use(gin.Recovery(), func(c *gin.Context) {
				c.Next()
				for _, ge := range c.Errors {
					var e *mcpauth.Error
					if errors.As(ge.Err, &e) {
						got = caught{code: e.Code, private: ge.IsType(gin.ErrorTypePrivate) && !ge.IsType(gin.ErrorTypePublic), n: got.n + 1}
						if tt.renderer != nil {
							tt.renderer(c, e)
						}
					}
				}
			})
			r.GET("/mcp", mcpgin.BearerAuth(f.bearer, mcpgin.PassErrors()), func(c *gin.Context) {
				reached.Add(1)
				c.String(http.StatusOK, "reached")
			})
			base := mcpauthtest.Serve(t, r)
			resp := mcpauthtest.Send(t, http.MethodGet, base+"/mcp", tt.auth...)
			if resp.Status != tt.status || string(resp.Body) != tt.body {
				t.Errorf("answer %d %q, want %d %q", resp.Status, resp.Body, tt.status, tt.body)
			}
			core := f.bearer.ErrorResponse(authenticateErr(t, f.bearer, tt.auth))
			for k := range core.Header {
				if g, w := resp.Header.Values(k), core.Header.Values(k); !slices.Equal(g, w) {
					t.Errorf("header %s = %q, want core's %q", k, g, w)
				}
			}
			if got.n != 1 || got.code != tt.code || !got.private {
				t.Errorf("c.Errors: %+v, want one private *mcpauth.Error with code %s", got, tt.code)
			}
			if reached.Load() != 0 {
				t.Error("the handler below BearerAuth ran")
			}
		})
	}
	t.Run("custom verifier failures keep their status", func(t *testing.T) {
		var kinds []string
		var mu sync.Mutex
		r := gin.New()
		r.Use(func(c *gin.Context) {
			c.Next()
			mu.Lock()
			defer mu.Unlock()
			for _, ge := range c.Errors {
				var e *mcpauth.Error
				kinds = append(kinds, fmt.Sprintf("%v/%v", errors.As(ge.Err, &e) && e.Code == mcpauth.CodeServerUnavailable, ge.IsType(gin.ErrorTypePrivate)))
			}
		})
		r.GET("/custom", mcpgin.BearerAuth(f.custom, mcpgin.PassErrors()), observe)
		base := mcpauthtest.Serve(t, r)
		broken := mcpauthtest.Send(t, http.MethodGet, base+"/custom", bearerAuth("broken")...)
		down := mcpauthtest.Send(t, http.MethodGet, base+"/custom", bearerAuth("down")...)
		if broken.Status != 500 || broken.Header.Get("WWW-Authenticate") != "" || broken.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("verifier failure: %d %q", broken.Status, broken.Header)
		}
		if down.Status != 503 || down.Header.Get("Retry-After") != "7" || len(down.Body) != 0 {
			t.Errorf("unavailable: %d %q %q", down.Status, down.Header, down.Body)
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(kinds, []string{"false/true", "true/true"}) {
			t.Errorf("c.Errors seen: %q", kinds)
		}
	})
	t.Run("accepted request adds no error", func(t *testing.T) {
		var n atomic.Int32
		r := gin.New()
		r.Use(func(c *gin.Context) { c.Next(); n.Add(int32(len(c.Errors))) })
		r.GET("/mcp", mcpgin.BearerAuth(f.bearer, mcpgin.PassErrors()), observe)
		base := mcpauthtest.Serve(t, r)
		if s := decodeSeen(t, mcpauthtest.Send(t, http.MethodGet, base+"/mcp", bearerAuth(f.token(t, "alice"))...)); s.Accessor != "alice" || n.Load() != 0 {
			t.Errorf("seen %+v, %d errors", s, n.Load())
		}
	})
}

// In the default mode nothing is added to c.Errors, so an error-rendering
// middleware cannot append a second body to core's answer.
func TestDefaultModeLeavesErrorRenderersAlone(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	r.Use(func(c *gin.Context) {
		c.Next()
		if len(c.Errors) > 0 {
			c.JSON(http.StatusInternalServerError, gin.H{"success": false})
		}
	})
	r.GET("/mcp", mcpgin.BearerAuth(f.bearer), observe)
	base := mcpauthtest.Serve(t, r)
	resp := mcpauthtest.Send(t, http.MethodGet, base+"/mcp")
	want := f.bearer.ErrorResponse(mcpauth.CodeMissingAuthHeader)
	if resp.Status != want.Status || string(resp.Body) != string(want.Body) {
		t.Errorf("answer %d %s, want core's %d %s", resp.Status, resp.Body, want.Status, want.Body)
	}
}

// Every refusal is core's ErrorResponse byte for byte: status, exactly its
// headers (plus Content-Length and Date, which net/http adds) and its body,
// and the same answer as core's own net/http middleware.
func TestRefusalIsCoreAnswerByteForByte(t *testing.T) {
	f := newFixture(t)
	down := mcpauthtest.MustNewIssuer(t)
	downAuth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(down.URL(), mcpauth.OIDC)},
	}}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	downBearer, err := downAuth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: resource, ShowErrorDetails: true})
	if err != nil {
		t.Fatal(err)
	}
	downToken := down.MustToken(t, map[string]any{"sub": "alice", "aud": resource})
	down.SetFault(func(w http.ResponseWriter, r *http.Request) bool {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return true
	})
	detailed, err := f.auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{
		Resource: resource, RequiredScopes: []string{"read", "admin"}, ShowErrorDetails: true, Realm: `mcp "prod"`,
	})
	if err != nil {
		t.Fatal(err)
	}

	r := gin.New()
	r.Use(gin.Recovery())
	r.Any("/jwt", mcpgin.BearerAuth(f.bearer), observe)
	r.Any("/custom", mcpgin.BearerAuth(f.custom), observe)
	r.Any("/detailed", mcpgin.BearerAuth(detailed), observe)
	r.Any("/down", mcpgin.BearerAuth(downBearer), observe)
	base := mcpauthtest.Serve(t, r)
	mux := http.NewServeMux()
	okHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	mux.Handle("/jwt", f.bearer.Middleware()(okHandler))
	mux.Handle("/custom", f.custom.Middleware()(okHandler))
	mux.Handle("/detailed", detailed.Middleware()(okHandler))
	coreBase := mcpauthtest.Serve(t, mux)

	alice := f.token(t, "alice")
	tests := []struct {
		name   string
		method string
		path   string
		bearer *mcpauth.Bearer
		auth   []string
		status int
	}{
		{"no header", "GET", "/jwt", f.bearer, nil, 401},
		{"empty header", "GET", "/jwt", f.bearer, []string{""}, 401},
		{"scheme only", "POST", "/jwt", f.bearer, []string{"Bearer"}, 401},
		{"Basic", "GET", "/jwt", f.bearer, []string{"Basic YWxpY2U6c2VjcmV0"}, 401},
		{"two headers", "GET", "/jwt", f.bearer, []string{"Bearer " + alice, "Bearer " + alice}, 401},
		{"not a JWT", "GET", "/jwt", f.bearer, bearerAuth("abc.def"), 401},
		{"wrong audience", "GET", "/jwt", f.bearer, bearerAuth(f.iss.MustToken(t, map[string]any{"sub": "a", "aud": "https://x.example.com", "scope": "read"})), 401},
		{"missing scope", "GET", "/jwt", f.bearer, bearerAuth(f.iss.MustToken(t, map[string]any{"sub": "a", "aud": resource, "scope": "write"})), 403},
		{"HEAD missing scope", "HEAD", "/jwt", f.bearer, bearerAuth(f.iss.MustToken(t, map[string]any{"sub": "a", "aud": resource, "scope": "write"})), 403},
		{"details, realm with quotes, wrong audience", "GET", "/detailed", detailed, bearerAuth(f.iss.MustToken(t, map[string]any{"sub": "a", "aud": "https://x.example.com", "scope": "read"})), 401},
		{"details, missing scopes", "GET", "/detailed", detailed, bearerAuth(alice), 403},
		{"custom refusal", "GET", "/custom", f.custom, bearerAuth("bad"), 401},
		{"custom verifier failure", "GET", "/custom", f.custom, bearerAuth("broken"), 500},
		{"custom unavailable", "GET", "/custom", f.custom, bearerAuth("down"), 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.bearer.ErrorResponse(authenticateErr(t, tt.bearer, tt.auth))
			if want.Status != tt.status {
				t.Fatalf("core answers %d, the case expects %d", want.Status, tt.status)
			}
			resp := mcpauthtest.Send(t, tt.method, base+tt.path, tt.auth...)
			checkCoreAnswer(t, resp, want, tt.method)
			if coreResp := mcpauthtest.Send(t, tt.method, coreBase+tt.path, tt.auth...); !sameAnswer(resp, coreResp) {
				t.Errorf("gin and core's net/http middleware differ:\n gin %d %q %s\ncore %d %q %s",
					resp.Status, resp.Header, resp.Body, coreResp.Status, coreResp.Header, coreResp.Body)
			}
		})
	}
	t.Run("authorization server unreachable", func(t *testing.T) {
		resp := mcpauthtest.Send(t, http.MethodGet, base+"/down", bearerAuth(downToken)...)
		if resp.Status != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("answer %d %q %s, want 503 with Retry-After", resp.Status, resp.Header, resp.Body)
		}
		var body map[string]any
		if err := json.Unmarshal(resp.Body, &body); err != nil || body["error"] != "temporarily_unavailable" {
			t.Errorf("body %s, want temporarily_unavailable", resp.Body)
		}
		if ct := resp.Header.Values("Content-Type"); !slices.Equal(ct, []string{"application/json"}) {
			t.Errorf("Content-Type %q", ct)
		}
	})
}

// checkCoreAnswer compares resp with core's ErrorResponse.
func checkCoreAnswer(t *testing.T, resp mcpauthtest.Response, want mcpauth.Response, method string) {
	t.Helper()
	if resp.Status != want.Status {
		t.Errorf("status %d, want %d", resp.Status, want.Status)
	}
	wantBody := string(want.Body)
	if method == http.MethodHead {
		wantBody = ""
	}
	if string(resp.Body) != wantBody {
		t.Errorf("body\n got %s\nwant %s", resp.Body, wantBody)
	}
	for k, v := range want.Header {
		if g := resp.Header.Values(k); !slices.Equal(g, v) {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	if g := resp.Header.Get("Content-Length"); g != strconv.Itoa(len(want.Body)) {
		t.Errorf("Content-Length %q, want %d", g, len(want.Body))
	}
	for k := range resp.Header {
		if _, ok := want.Header[k]; !ok && k != "Content-Length" && k != "Date" {
			t.Errorf("extra header %s: %q", k, resp.Header.Values(k))
		}
	}
}

// sameAnswer compares two answers, ignoring Date.
func sameAnswer(a, b mcpauthtest.Response) bool {
	if a.Status != b.Status || string(a.Body) != string(b.Body) || len(a.Header) != len(b.Header) {
		return false
	}
	for k, v := range a.Header {
		if k != "Date" && !slices.Equal(v, b.Header[k]) {
			return false
		}
	}
	return true
}

// Many concurrent requests, each with a token of its own subject, each see
// only their own identity, through every read path.
func TestConcurrentRequestsKeepTheirIdentity(t *testing.T) {
	f := newFixture(t)
	bridge := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, ok := mcpauth.AuthInfoFromContext(r.Context())
		_ = json.NewEncoder(w).Encode(seen{Accessor: subject(info, ok), RequestCtx: subject(info, ok), GinCtx: subject(info, ok), Same: true})
	})
	r := gin.New()
	r.ContextWithFallback = true
	r.Use(gin.Recovery())
	r.GET("/mcp", mcpgin.BearerAuth(f.bearer), observe)
	r.GET("/optional", mcpgin.BearerAuth(f.bearer, mcpgin.Optional()), observe)
	r.GET("/bridge", mcpgin.BearerAuth(f.bearer), gin.WrapH(bridge))
	base := mcpauthtest.Serve(t, r)

	const workers, each = 32, 12
	tokens := make([]string, workers)
	for i := range tokens {
		tokens[i] = f.token(t, fmt.Sprintf("user-%d", i))
	}
	mcpauthtest.Concurrently(t, workers, each, func(i, j int) error {
		path := []string{"/mcp", "/optional", "/bridge"}[j%3]
		auth := bearerAuth(tokens[i])
		want := fmt.Sprintf("user-%d", i)
		if path == "/optional" && j%2 == 1 {
			auth, want = nil, "" // anonymous requests mixed in
		}
		resp, err := doRequest(base+path, auth)
		if err != nil {
			return err
		}
		var s seen
		if resp.Status != 200 || json.Unmarshal(resp.Body, &s) != nil ||
			s.Accessor != want || s.RequestCtx != want || s.GinCtx != want || !s.Same {
			return fmt.Errorf("%s as %q: %d %s", path, want, resp.Status, resp.Body)
		}
		return nil
	})
}

// doRequest is send without a testing.TB, for goroutines.
func doRequest(url string, auth []string) (mcpauthtest.Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return mcpauthtest.Response{}, err
	}
	if auth != nil {
		req.Header["Authorization"] = auth
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return mcpauthtest.Response{}, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	return mcpauthtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: buf.Bytes()}, err
}

// A panic below BearerAuth is neither swallowed nor turned into an auth
// error: it reaches gin's Recovery, which answers 500 without a challenge.
func TestPanicReachesRecovery(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		path string
		opts []mcpgin.Option
		auth []string
	}{
		{"authenticated", "/mcp", nil, bearerAuth(f.token(t, "alice"))},
		{"optional anonymous", "/optional", []mcpgin.Option{mcpgin.Optional()}, nil},
		{"skipped", "/skipped", []mcpgin.Option{mcpgin.Skipper(func(*gin.Context) bool { return true })}, bearerAuth("abc.def")},
		{"pass errors mode", "/pass", []mcpgin.Option{mcpgin.PassErrors()}, bearerAuth(f.token(t, "alice"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log mcpauthtest.LogBuffer
			r := gin.New()
			r.Use(gin.RecoveryWithWriter(&log))
			r.GET(tt.path, mcpgin.BearerAuth(f.bearer, tt.opts...), func(c *gin.Context) {
				panic("handler exploded")
			})
			base := mcpauthtest.Serve(t, r)
			resp := mcpauthtest.Send(t, http.MethodGet, base+tt.path, tt.auth...)
			if resp.Status != http.StatusInternalServerError {
				t.Errorf("status %d, want 500 from gin.Recovery", resp.Status)
			}
			if v := resp.Header.Values("WWW-Authenticate"); len(v) > 0 {
				t.Errorf("WWW-Authenticate %q on a panic", v)
			}
			if strings.Contains(string(resp.Body), "error") {
				t.Errorf("body %q looks like an auth error", resp.Body)
			}
			if !strings.Contains(log.String(), "handler exploded") {
				t.Errorf("gin.Recovery did not log the panic: %q", log.String())
			}
		})
	}
}
