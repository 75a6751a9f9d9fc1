package mcpgosdk

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// ExtraKey is the key of [auth.TokenInfo].Extra under which the bridge stores
// the caller's *[mcpauth.AuthInfo]. [AuthInfo] and [AuthInfoFromTokenInfo]
// read it back.
const ExtraKey = "mcpauth.AuthInfo"

// Option tunes [Handler], [Middleware] and [TokenVerifier].
type Option func(*config)

type config struct {
	allowAnonymous bool
	userID         func(*mcpauth.AuthInfo) string
	logger         *slog.Logger
}

func newConfig(opts []Option) config {
	cfg := config{userID: func(i *mcpauth.AuthInfo) string { return i.Subject }}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	return cfg
}

// AllowAnonymous lets requests that carry no AuthInfo reach the SDK handler
// without a TokenInfo, for routes behind [mcpauth.Optional] or [mcpauth.Skipper].
// The SDK then binds no user to the sessions such requests create, so any
// later caller may use them.
//
// Without this option a request without an AuthInfo is answered with 500
// Internal Server Error: it means the bearer middleware is not mounted in
// front of the bridge, and serving it would expose the MCP server to
// anonymous callers.
func AllowAnonymous() Option {
	return func(c *config) { c.allowAnonymous = true }
}

// WithUserID replaces how the TokenInfo's UserID, which the SDK binds
// stateful sessions to, is derived from the AuthInfo. The default is the
// subject ("sub"), which identifies a user within one issuer (OpenID Connect
// Core §2). A resource that trusts several authorization servers whose
// subjects may collide should qualify it with the issuer:
//
//	mcpgosdk.WithUserID(func(i *mcpauth.AuthInfo) string { return i.Issuer + "#" + i.Subject })
func WithUserID(f func(*mcpauth.AuthInfo) string) Option {
	return func(c *config) {
		if f != nil {
			c.userID = f
		}
	}
}

// WithLogger sets the logger of the misconfiguration error [Handler] reports
// for a request without an AuthInfo. Default slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// TokenInfo converts a verified AuthInfo to the SDK's TokenInfo: UserID is
// the subject, Scopes the granted scopes, Expiration the "exp" claim (zero
// when the token has none) and Extra holds info under [ExtraKey]. The scopes
// are copied; info itself is shared, and must be treated as read-only. It
// returns nil for a nil info.
func TokenInfo(info *mcpauth.AuthInfo) *auth.TokenInfo {
	return tokenInfo(info, newConfig(nil))
}

func tokenInfo(info *mcpauth.AuthInfo, cfg config) *auth.TokenInfo {
	if info == nil {
		return nil
	}
	return &auth.TokenInfo{
		UserID:     cfg.userID(info),
		Scopes:     slices.Clone(info.Scopes),
		Expiration: info.ExpiresAt,
		Extra:      map[string]any{ExtraKey: info},
	}
}

// TokenVerifier returns an [auth.TokenVerifier] that verifies nothing: it
// converts the AuthInfo that the mcpauth bearer middleware (or any adapter)
// already stored in the request context into a TokenInfo (see [TokenInfo]),
// so the token is checked once, by mcpauth. It refuses, with an error
// wrapping [auth.ErrInvalidToken], a request whose context has no AuthInfo
// or whose token is not the one that AuthInfo was verified from.
//
// Prefer [Handler], which wires this verifier into [auth.RequireBearerToken]
// so that the SDK never answers a request mcpauth accepted. To use the
// verifier directly, give RequireBearerToken options that turn off its own
// checks, or it refuses tokens mcpauth accepted (a token without "exp",
// or one that expired less than the leeway ago) with a second, different 401:
//
//	auth.RequireBearerToken(mcpgosdk.TokenVerifier(), &auth.RequireBearerTokenOptions{
//		AllowMissingExpiration: true,
//		ClockSkew:              mcpauth.DefaultLeeway, // the bearer's Leeway
//	})
func TokenVerifier(opts ...Option) auth.TokenVerifier {
	cfg := newConfig(opts)
	return func(ctx context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		info, ok := mcpauth.AuthInfoFromContext(ctx)
		if !ok {
			return nil, fmt.Errorf("%w: no mcpauth.AuthInfo in the request context (mount the mcpauth bearer middleware first)", auth.ErrInvalidToken)
		}
		if info.Token != "" && info.Token != token {
			return nil, fmt.Errorf("%w: the token is not the one mcpauth verified", auth.ErrInvalidToken)
		}
		return tokenInfo(info, cfg), nil
	}
}

// verifiedPlaceholder is the Authorization header RequireBearerToken parses
// inside Handler: the token was extracted and verified by mcpauth already,
// so the SDK's own, laxer parsing must not get a say.
const verifiedPlaceholder = "Bearer mcpauth-verified"

// noExpiryCheck turns off RequireBearerToken's expiry check: mcpauth checked
// "exp" with the bearer's leeway; the SDK would compare with none.
const noExpiryCheck = time.Duration(math.MaxInt64)

// Middleware returns the bridge as middleware; see [Handler].
func Middleware(opts ...Option) func(http.Handler) http.Handler {
	cfg := newConfig(opts)
	verify := func(ctx context.Context, _ string, _ *http.Request) (*auth.TokenInfo, error) {
		info, ok := mcpauth.AuthInfoFromContext(ctx)
		if !ok { // unreachable: checked before RequireBearerToken runs
			return nil, auth.ErrInvalidToken
		}
		return tokenInfo(info, cfg), nil
	}
	require := auth.RequireBearerToken(verify, &auth.RequireBearerTokenOptions{
		AllowMissingExpiration: true,
		ClockSkew:              noExpiryCheck,
	})
	return func(next http.Handler) http.Handler {
		// RequireBearerToken sees a request whose Authorization header is
		// the placeholder; next gets the original header back.
		// The AuthInfo leaves the context here (it travels on in the
		// TokenInfo), so that no SDK session keeps a stale one.
		bridged := require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if orig, ok := r.Context().Value(origHeaderKey{}).(http.Header); ok {
				r.Header = orig
			}
			next.ServeHTTP(w, r.WithContext(withoutAuthInfo(r.Context())))
		}))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				// A CORS preflight, which the bearer middleware passes
				// unauthenticated (browsers send it without credentials):
				// no MCP handler runs for it.
				next.ServeHTTP(w, r.WithContext(withoutAuthInfo(r.Context())))
				return
			}
			if _, ok := mcpauth.AuthInfoFromContext(r.Context()); !ok {
				if cfg.allowAnonymous {
					next.ServeHTTP(w, r)
					return
				}
				cfg.logger.ErrorContext(r.Context(), "mcpgosdk: request without mcpauth.AuthInfo; mount the mcpauth bearer middleware in front of the bridge, or use mcpgosdk.AllowAnonymous",
					"method", r.Method, "path", r.URL.Path)
				http.Error(w, "internal server error", http.StatusInternalServerError)
				return
			}
			r2 := r.WithContext(context.WithValue(r.Context(), origHeaderKey{}, r.Header))
			r2.Header = r.Header.Clone()
			r2.Header.Set("Authorization", verifiedPlaceholder)
			bridged.ServeHTTP(w, r2)
		})
	}
}

// origHeaderKey carries the original request header past RequireBearerToken.
type origHeaderKey struct{}

// Handler wraps an MCP SDK handler (usually [mcp.NewStreamableHTTPHandler])
// mounted behind the mcpauth bearer middleware, so that the SDK sees the
// caller mcpauth verified: it converts the request's AuthInfo into a
// TokenInfo (see [TokenInfo]) and stores it where the SDK reads it, through
// [auth.RequireBearerToken]. Tool handlers then find it in
// req.Extra.TokenInfo ([AuthInfo] reads the AuthInfo back), and stateful
// sessions are bound to TokenInfo.UserID: a request on a session with
// another user's token is refused by the SDK (403).
//
// The token is not verified again, and the SDK's own checks (header syntax,
// expiry without leeway, missing expiry) are turned off, so every refusal a
// client sees is mcpauth's. A request without an AuthInfo is answered with
// 500 unless [AllowAnonymous] is given; a CORS preflight (OPTIONS with
// Access-Control-Request-Method), which the bearer middleware passes
// unauthenticated, goes to the SDK handler as it is.
//
// The SDK handler gets the request without its [mcpauth.AuthInfo] in the
// context: a stateful SDK handler would keep the session creator's AuthInfo
// in the context of every later handler of the session. Add
// [ContextMiddleware] to the server so that handlers find the current
// request's caller in ctx; without it [mcpauth.AuthInfoFromContext] reports
// no caller in handlers, never a stale one.
//
//	server.AddReceivingMiddleware(mcpgosdk.ContextMiddleware())
//	mux.Handle("/mcp", bearer.Middleware()(mcpgosdk.Handler(mcp.NewStreamableHTTPHandler(getServer, nil))))
func Handler(h http.Handler, opts ...Option) http.Handler {
	return Middleware(opts...)(h)
}

// AuthInfo returns the caller's AuthInfo from a request handled by an MCP
// server behind [Handler], e.g. a *mcp.CallToolRequest in a tool handler.
// ok is false when the request carries no TokenInfo made by the bridge.
func AuthInfo(req mcp.Request) (info *mcpauth.AuthInfo, ok bool) {
	if req == nil {
		return nil, false
	}
	extra := req.GetExtra()
	if extra == nil {
		return nil, false
	}
	return AuthInfoFromTokenInfo(extra.TokenInfo)
}

// AuthInfoFromTokenInfo returns the AuthInfo that [TokenInfo] stored in ti,
// for code that has only the TokenInfo (e.g. from [auth.TokenInfoFromContext]).
func AuthInfoFromTokenInfo(ti *auth.TokenInfo) (info *mcpauth.AuthInfo, ok bool) {
	if ti == nil {
		return nil, false
	}
	info, ok = ti.Extra[ExtraKey].(*mcpauth.AuthInfo)
	return info, ok && info != nil
}
