package mcpmcpgo

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"sync"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// Option tunes [Handler] and [Middleware].
type Option func(*config)

type config struct {
	allowAnonymous bool
	userID         func(*mcpauth.AuthInfo) string
	key            []byte
	logger         *slog.Logger
}

// MinSessionKeyLen is the shortest key [WithSessionKey] accepts, in bytes.
const MinSessionKeyLen = 32

func newConfig(opts []Option) config {
	cfg := config{userID: defaultUserID}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	if cfg.key == nil {
		cfg.key = make([]byte, MinSessionKeyLen)
		_, _ = rand.Read(cfg.key) // never fails (crypto/rand, Go 1.24+)
	}
	return cfg
}

// defaultUserID identifies a user by issuer and subject: a subject is unique
// only within its issuer (OpenID Connect Core §2).
func defaultUserID(i *mcpauth.AuthInfo) string { return i.Issuer + "\x00" + i.Subject }

// AllowAnonymous lets requests that carry no AuthInfo reach the mcp-go
// handler, for routes behind [mcpauth.Optional] or [mcpauth.Skipper]. Their
// sessions are bound to "anonymous": an authenticated caller cannot use
// them, nor an anonymous one an authenticated caller's session.
//
// Without this option a request without an AuthInfo is answered with 500
// Internal Server Error: it means the bearer middleware is not mounted in
// front of the bridge, and serving it would expose the MCP server to
// anonymous callers.
func AllowAnonymous() Option {
	return func(c *config) { c.allowAnonymous = true }
}

// WithUserID replaces how the user a session is bound to is derived from the
// AuthInfo. The default is the issuer and the subject together, so that two
// trusted authorization servers' equal subjects are different users. A
// function that returns the same string for two callers lets each use the
// other's sessions.
func WithUserID(f func(*mcpauth.AuthInfo) string) Option {
	return func(c *config) {
		if f != nil {
			c.userID = f
		}
	}
}

// WithSessionKey sets the secret key that binds session ids to users (HMAC-
// SHA256), at least [MinSessionKeyLen] bytes, kept secret like any signing
// key. The default is a random key per [Handler], which suits one process or
// replicas with sticky sessions; replicas that serve each other's sessions
// (mcp-go's default session id manager needs no stickiness) must share one
// key. Rotating the key ends every session (clients get 404 and initialize
// again). [Handler] panics at wiring time if key is shorter.
func WithSessionKey(key []byte) Option {
	return func(c *config) {
		if len(key) < MinSessionKeyLen {
			panic("mcpmcpgo: WithSessionKey needs at least 32 bytes of secret key")
		}
		c.key = append([]byte(nil), key...)
	}
}

// WithLogger sets the logger of the bridge's reports: a request without an
// AuthInfo (misconfiguration, error level) and a session id refused (info
// level, with the caller's subject, never a token). Default slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// Middleware returns the bridge as middleware; see [Handler].
func Middleware(opts ...Option) func(http.Handler) http.Handler {
	cfg := newConfig(opts)
	return func(next http.Handler) http.Handler {
		return &bridge{cfg: cfg, next: next}
	}
}

// Handler wraps an mcp-go streamable HTTP server (a
// *server.StreamableHTTPServer) mounted behind the mcpauth bearer middleware
// of core or of any framework adapter:
//
//   - Every handler of the server (tools, resources, prompts) runs in the
//     context of the HTTP request it serves, which carries the caller the
//     bearer middleware verified: [mcpauth.AuthInfoFromContext](ctx) is the
//     current request's caller, in stateless and stateful mode (mcp-go
//     derives each message's context from its own HTTP request).
//   - Sessions are bound to the user who created them. mcp-go accepts any
//     request that carries a valid Mcp-Session-Id, whoever sends it; the
//     bridge appends to each session id it hands out a MAC of the id and
//     the user (see [WithUserID], [WithSessionKey]) and checks it on every
//     request before mcp-go sees the id (without the MAC). A request with a
//     session id of another user, or an id the bridge did not hand out, is
//     answered 404 Not Found with no detail: the MCP client starts a new
//     session of its own (MCP streamable HTTP transport, session management)
//     and learns nothing about the other user's session.
//   - A request without an AuthInfo is answered 500 and logged: the bearer
//     middleware is missing. [AllowAnonymous] lets it through. CORS
//     preflights (OPTIONS with Access-Control-Request-Method), which the
//     bearer middleware passes unauthenticated, go to mcp-go as they are.
//
// The token is not verified again: every 401/403/503 a client sees is
// mcpauth's.
//
//	mux.Handle("/mcp", bearer.Middleware()(mcpmcpgo.Handler(server.NewStreamableHTTPServer(mcpServer))))
func Handler(h http.Handler, opts ...Option) http.Handler {
	return Middleware(opts...)(h)
}

// bridge is the http.Handler [Middleware] returns.
type bridge struct {
	cfg  config
	next http.Handler
	macs sync.Pool // of *macState
}

func (b *bridge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isPreflight(r) {
		// The bearer middleware passes CORS preflights unauthenticated
		// (browsers send them without credentials): mcp-go answers them
		// (WithStreamableHTTPCORS) without running any handler or touching
		// a session.
		b.next.ServeHTTP(w, r)
		return
	}
	info, ok := mcpauth.AuthInfoFromContext(r.Context())
	if !ok && !b.cfg.allowAnonymous {
		b.cfg.logger.ErrorContext(r.Context(), "mcpmcpgo: request without mcpauth.AuthInfo; mount the mcpauth bearer middleware in front of the bridge, or use mcpmcpgo.AllowAnonymous",
			"method", r.Method, "path", r.URL.Path)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	user := b.principal(info)

	if ids := r.Header.Values(sessionIDHeader); len(ids) > 0 {
		inner, ok := "", len(ids) == 1
		if ok {
			inner, ok = b.open(ids[0], user)
		}
		if !ok {
			subject := ""
			if info != nil {
				subject = info.Subject
			}
			b.cfg.logger.InfoContext(r.Context(), "mcpmcpgo: refused a session id not handed out to this caller",
				"method", r.Method, "path", r.URL.Path, "subject", subject)
			http.Error(w, "session not found", http.StatusNotFound)
			return
		}
		// mcp-go gets its own id; the caller's request stays as it was.
		r2 := new(http.Request)
		*r2 = *r
		r2.Header = r.Header.Clone()
		r2.Header.Set(sessionIDHeader, inner)
		r = r2
	}
	b.next.ServeHTTP(newSessionWriter(w, func(id string) string { return b.seal(id, user) }), r)
}

// isPreflight reports whether r is a CORS preflight: OPTIONS with an
// Access-Control-Request-Method header (Fetch standard).
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
}

// principal is the string sessions are bound to: "u:" and the user id of an
// authenticated caller, "a" for an anonymous one.
func (b *bridge) principal(info *mcpauth.AuthInfo) string {
	if info == nil {
		return "a"
	}
	return "u:" + b.cfg.userID(info)
}
