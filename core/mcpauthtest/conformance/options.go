package conformance

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// Option names one option of an adapter's BearerAuth, with the behaviour the
// adapter's test must give it. Every adapter has the same options with the
// same names; [Mount] gives them in order, so "last one wins" is tested too.
type Option string

const (
	// Optional is the adapter's Optional().
	Optional Option = "Optional"
	// AuthenticatePreflight is the adapter's AuthenticatePreflight().
	AuthenticatePreflight Option = "AuthenticatePreflight"
	// Skipper is the adapter's Skipper with a function that skips the
	// requests whose header X-Skip is "yes".
	Skipper Option = "Skipper"
	// NilSkipper is the adapter's Skipper(nil).
	NilSkipper Option = "Skipper(nil)"
	// ErrorHandler is the adapter's ErrorHandler with a handler that answers
	// [HandledStatus], the header X-Error-Code set to the refusal's
	// mcpauth.Code (errors.As with *mcpauth.Error) and the body
	// [HandledBody], and returns nil where the framework's handler returns an
	// error.
	ErrorHandler Option = "ErrorHandler"
	// NilErrorHandler is the adapter's ErrorHandler(nil).
	NilErrorHandler Option = "ErrorHandler(nil)"
	// PassErrors is the adapter's PassErrors(). The adapter's server must
	// then render a handed-over refusal with the framework's error idiom
	// (gin: a middleware reading c.Errors; echo: e.HTTPErrorHandler; fiber:
	// fiber.Config.ErrorHandler) by writing the body [PassedBody] of the
	// refusal's code and nothing else: the status and the headers must be
	// those the adapter handed over. An adapter whose framework has no such
	// idiom (chi, net/http) reports it with [Mount.NoPassErrors].
	PassErrors Option = "PassErrors"
)

// HandledStatus and HandledBody are the answer of the [ErrorHandler] option.
const (
	HandledStatus = http.StatusTeapot
	HandledBody   = "handled"
)

// PassedBody is the body the framework's error renderer writes for a refusal
// handed over by [PassErrors].
func PassedBody(code mcpauth.Code) string { return `{"passed":"` + string(code) + `"}` }

// Order is where RegisterMetadata is called relative to installing
// BearerAuth for the whole server (X.Use).
type Order string

const (
	// MetadataBefore calls RegisterMetadata, then X.Use(BearerAuth(...)).
	MetadataBefore Order = "RegisterMetadata then Use"
	// MetadataAfter calls X.Use(BearerAuth(...)), then RegisterMetadata.
	MetadataAfter Order = "Use then RegisterMetadata"
	// NoMetadata calls only X.Use(BearerAuth(...)).
	NoMetadata Order = "Use without RegisterMetadata"
)

// Setup is one server for an adapter's [Mount] function to build.
type Setup struct {
	Auth   *mcpauth.Auth
	Bearer *mcpauth.Bearer
	// Options are given to BearerAuth in this order.
	Options []Option
	// Order says where RegisterMetadata goes (see [Order]).
	Order Order
}

// Mount describes how an adapter builds a server for a [Setup]: on a new
// server, in the framework's production shape,
//
//   - install BearerAuth(Setup.Bearer, options...) for the whole server (the
//     framework's Use), and call RegisterMetadata(server, Setup.Auth) before
//     or after it as Setup.Order says (or not at all);
//   - route /mcp (every method) to a handler answering [Reply] with the
//     framework accessor's result and the handler's standard context;
//   - send every request no route matches to the same handler (the
//     framework's catch-all: gin NoRoute, echo and fiber "/*", chi NotFound),
//     the shape of an application that would answer anything;
//   - with PassErrors, render handed-over refusals as [PassErrors] says.
//
// It returns the server's base URL, or "" when the framework forbids this
// Order (chi: r.Use must come before the routes), which the suite reports as
// a skipped case with the reason.
type Mount struct {
	Serve func(t *testing.T, s Setup) (baseURL string)
	// NoPassErrors says the framework has no error-rendering idiom, so the
	// adapter has no PassErrors option; the rows using it are skipped.
	NoPassErrors bool
}

// request is one request of the options table.
type request struct {
	name   string
	method string
	path   string
	auth   string // "" sends none; "valid", "noscope" and others are replaced
	header map[string]string
}

// Requests of the table.
var (
	reqNoToken   = request{name: "no token", method: http.MethodGet, path: "/mcp"}
	reqValid     = request{name: "valid token", method: http.MethodGet, path: "/mcp", auth: "valid"}
	reqBad       = request{name: "bad token", method: http.MethodGet, path: "/mcp", auth: "Bearer abc.def"}
	reqNoScope   = request{name: "token without the scope", method: http.MethodGet, path: "/mcp", auth: "noscope"}
	reqPreflight = request{name: "CORS preflight", method: http.MethodOptions, path: "/mcp",
		header: map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}}
	reqOptions  = request{name: "OPTIONS that is not a preflight", method: http.MethodOptions, path: "/mcp"}
	reqSkipped  = request{name: "X-Skip with a bad token", method: http.MethodGet, path: "/mcp", auth: "Bearer abc.def", header: map[string]string{"X-Skip": "yes"}}
	reqMetadata = request{name: "metadata", method: http.MethodGet, path: MetadataPath}
	reqMetaHEAD = request{name: "metadata HEAD", method: http.MethodHead, path: MetadataPath}
	reqMetaCORS = request{name: "metadata preflight", method: http.MethodOptions, path: MetadataPath,
		header: map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "mcp-protocol-version"}}
	reqMetaSkip  = request{name: "metadata with X-Skip", method: http.MethodGet, path: MetadataPath + "/", header: map[string]string{"X-Skip": "yes"}}
	reqOther     = request{name: "catch-all route without token", method: http.MethodGet, path: "/other"}
	reqOtherGood = request{name: "catch-all route with a valid token", method: http.MethodGet, path: "/other", auth: "valid"}
)

// allRequests is every request of the table, in the order they are sent.
var allRequests = []request{reqNoToken, reqValid, reqBad, reqNoScope, reqPreflight, reqOptions, reqSkipped,
	reqMetadata, reqMetaHEAD, reqMetaCORS, reqMetaSkip, reqOther, reqOtherGood}

// outcome is what a request of the table must get.
type outcome int

const (
	anonymous     outcome = iota + 1 // the handler ran, without an AuthInfo
	authenticated                    // the handler ran, with alice's AuthInfo
	refused                          // the refusal, answered as the options say
	document                         // the metadata route's answer
)

// optionRow is one option set of the table and what differs from the
// default outcomes for it.
type optionRow struct {
	options []Option
	// differs maps a request name to its outcome under these options, for
	// the requests whose outcome is not the default one.
	differs map[string]outcome
}

// defaultOutcomes is what every request gets without options.
var defaultOutcomes = map[string]outcome{
	reqNoToken.name: refused, reqValid.name: authenticated, reqBad.name: refused, reqNoScope.name: refused,
	reqPreflight.name: anonymous, reqOptions.name: refused, reqSkipped.name: refused,
	reqMetadata.name: document, reqMetaHEAD.name: document, reqMetaCORS.name: document, reqMetaSkip.name: document,
	reqOther.name: refused, reqOtherGood.name: authenticated,
}

// optionRows is the cross-adapter options table.
var optionRows = []optionRow{
	{options: nil},
	{options: []Option{Optional}, differs: map[string]outcome{reqNoToken.name: anonymous, reqOptions.name: anonymous, reqOther.name: anonymous}},
	{options: []Option{AuthenticatePreflight}, differs: map[string]outcome{reqPreflight.name: refused}},
	{options: []Option{AuthenticatePreflight, Optional}, differs: map[string]outcome{reqNoToken.name: anonymous, reqOptions.name: anonymous, reqOther.name: anonymous, reqPreflight.name: anonymous}},
	{options: []Option{Skipper}, differs: map[string]outcome{reqSkipped.name: anonymous}},
	{options: []Option{Skipper, NilSkipper}},
	{options: []Option{ErrorHandler}},
	{options: []Option{ErrorHandler, NilErrorHandler}},
	{options: []Option{ErrorHandler, Optional}, differs: map[string]outcome{reqNoToken.name: anonymous, reqOptions.name: anonymous, reqOther.name: anonymous}},
	{options: []Option{PassErrors}},
	{options: []Option{PassErrors, ErrorHandler}},
	{options: []Option{ErrorHandler, PassErrors}},
	{options: []Option{PassErrors, NilErrorHandler}},
}

// RunOptions runs the cross-adapter options table against one adapter: for
// every option set, a server built by m with BearerAuth installed for the
// whole server (Use, RegisterMetadata after it) gets every request of the
// table, and each answer is compared with what every integration must give:
// status, the headers that matter (WWW-Authenticate, Content-Type,
// Cache-Control, X-Error-Code, CORS), the exact body, whether the handler ran
// and the AuthInfo it saw. Then, for each [Order], a server without options
// must give: metadata 200, preflight not 401, no token 401 with
// resource_metadata, valid token 200.
func RunOptions(t *testing.T, framework string, m Mount) {
	t.Helper()
	e := newEnv(t, framework)
	for _, row := range optionRows {
		name := "no options"
		if len(row.options) > 0 {
			name = fmt.Sprint(row.options)
		}
		t.Run(name, func(t *testing.T) {
			if m.NoPassErrors && containsOption(row.options, PassErrors) {
				t.Skipf("%s has no error-rendering idiom, so no PassErrors option", framework)
			}
			base := m.Serve(t, Setup{Auth: e.auth, Bearer: e.bearer, Options: row.options, Order: MetadataAfter})
			if base == "" {
				t.Fatalf("%s: Mount.Serve refused the Use-then-RegisterMetadata order", framework)
			}
			for _, req := range allRequests {
				want, ok := row.differs[req.name]
				if !ok {
					want = defaultOutcomes[req.name]
				}
				e.check(t, framework, base, req, want, row.options)
			}
		})
	}
	for _, order := range []Order{MetadataBefore, MetadataAfter, NoMetadata} {
		t.Run(string(order), func(t *testing.T) {
			base := m.Serve(t, Setup{Auth: e.auth, Bearer: e.bearer, Order: order})
			if base == "" {
				t.Skipf("%s forbids this order of registration", framework)
			}
			for _, req := range []request{reqMetadata, reqMetaCORS, reqPreflight, reqNoToken, reqValid, reqOther} {
				e.check(t, framework, base, req, defaultOutcomes[req.name], nil)
			}
		})
	}
}

// env is the Auth, Bearer and tokens of the options table.
type env struct {
	auth   *mcpauth.Auth
	bearer *mcpauth.Bearer
	tokens map[string]string // "valid", "noscope" -> Authorization value
	alice  string            // the reply body of alice
	doc    string            // the metadata document
}

func newEnv(t *testing.T, framework string) *env {
	t.Helper()
	iss := mcpauthtest.MustNewIssuer(t)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             Resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
		ScopesSupported:      []string{"read", "write"},
		ResourceName:         "Conformance MCP server",
	}}})
	if err != nil {
		t.Fatalf("%s: building the Auth: %v", framework, err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: Resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatalf("%s: building the Bearer: %v", framework, err)
	}
	alice := map[string]any{"sub": "alice", "aud": Resource, "scope": "read write", "client_id": "client-1"}
	e := &env{
		auth:   auth,
		bearer: bearer,
		tokens: map[string]string{
			"valid":   "Bearer " + iss.MustToken(t, alice),
			"noscope": "Bearer " + iss.MustToken(t, withClaims(alice, "scope", "write")),
		},
		alice: mustJSON(reply{Authenticated: true, Subject: "alice", Issuer: iss.URL(), ClientID: "client-1", Scopes: []string{"read", "write"}, Audience: []string{Resource}}),
		doc:   fmt.Sprintf(`{"resource":%q,"scopes_supported":["read","write"],"resource_name":"Conformance MCP server","authorization_servers":[%q]}`, Resource, iss.URL()),
	}
	return e
}

// authorization is the Authorization value req sends ("" for none).
func (e *env) authorization(req request) string {
	if v, ok := e.tokens[req.auth]; ok {
		return v
	}
	return req.auth
}

// check sends req to base and compares the answer with want under opts.
func (e *env) check(t *testing.T, framework, base string, req request, want outcome, opts []Option) {
	t.Helper()
	hreq, err := http.NewRequest(req.method, base+req.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := e.authorization(req); a != "" {
		hreq.Header.Set("Authorization", a)
	}
	for k, v := range req.header {
		hreq.Header.Set(k, v)
	}
	got := mcpauthtest.Do(t, hreq)
	where := fmt.Sprintf("%s %v: %s (%s %s)", framework, opts, req.name, req.method, req.path)
	expect := e.expected(t, req, want, opts)
	if got.Status != expect.status {
		t.Errorf("%s: status %d, want %d (body %s)", where, got.Status, expect.status, got.Body)
	}
	if string(got.Body) != expect.body {
		t.Errorf("%s: body\n got %q\nwant %q", where, got.Body, expect.body)
	}
	for k, v := range expect.headers {
		g := strings.Join(got.Header.Values(k), ", ")
		if g != v {
			t.Errorf("%s: header %s = %q, want %q", where, k, g, v)
		}
	}
}

// expectation is the exact answer a request must get.
type expectation struct {
	status  int
	body    string
	headers map[string]string // "" means absent
}

// expected is the answer req must get when its outcome is want under opts.
func (e *env) expected(t *testing.T, req request, want outcome, opts []Option) expectation {
	t.Helper()
	switch want {
	case anonymous:
		return expectation{status: 200, body: bodyAnonymous, headers: map[string]string{"WWW-Authenticate": ""}}
	case authenticated:
		return expectation{status: 200, body: e.alice, headers: map[string]string{"WWW-Authenticate": ""}}
	case document:
		switch req.method {
		case http.MethodOptions:
			return expectation{status: 204, headers: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
				"Access-Control-Allow-Headers": "mcp-protocol-version", "Content-Type": "", "WWW-Authenticate": ""}}
		case http.MethodHead:
			return expectation{status: 200, headers: map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": "*",
				"Cache-Control": "public, max-age=3600", "Content-Length": fmt.Sprint(len(e.doc)), "WWW-Authenticate": ""}}
		}
		return expectation{status: 200, body: e.doc, headers: map[string]string{"Content-Type": "application/json", "Access-Control-Allow-Origin": "*",
			"Cache-Control": "public, max-age=3600", "WWW-Authenticate": ""}}
	}
	var auth []string
	if a := e.authorization(req); a != "" {
		auth = []string{a}
	}
	_, err := e.bearer.Authenticate(t.Context(), auth...)
	if err == nil {
		t.Fatalf("%s: core accepts the credentials of a refused request", req.name)
	}
	resp := e.bearer.ErrorResponse(err)
	switch effectiveHook(opts) {
	case ErrorHandler:
		return expectation{status: HandledStatus, body: HandledBody, headers: map[string]string{"X-Error-Code": string(resp.Code), "WWW-Authenticate": ""}}
	case PassErrors:
		return expectation{status: resp.Status, body: PassedBody(resp.Code), headers: map[string]string{
			"WWW-Authenticate": resp.Header.Get("WWW-Authenticate"), "Content-Type": "application/json", "Cache-Control": "no-store"}}
	}
	return expectation{status: resp.Status, body: string(resp.Body), headers: map[string]string{
		"WWW-Authenticate": resp.Header.Get("WWW-Authenticate"), "Content-Type": "application/json", "Cache-Control": "no-store",
		"Content-Length": fmt.Sprint(len(resp.Body))}}
}

// effectiveHook is what answers a refusal under opts: ErrorHandler (which
// takes precedence over PassErrors), PassErrors, or "" for the default
// answer. ErrorHandler(nil) removes an earlier ErrorHandler.
func effectiveHook(opts []Option) Option {
	handler, pass := false, false
	for _, o := range opts {
		switch o {
		case ErrorHandler:
			handler = true
		case NilErrorHandler:
			handler = false
		case PassErrors:
			pass = true
		}
	}
	switch {
	case handler:
		return ErrorHandler
	case pass:
		return PassErrors
	}
	return ""
}

func containsOption(opts []Option, o Option) bool {
	for _, x := range opts {
		if x == o {
			return true
		}
	}
	return false
}
