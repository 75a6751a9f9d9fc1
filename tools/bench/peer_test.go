package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	jwtmiddleware "github.com/auth0/go-jwt-middleware/v3"
	"github.com/auth0/go-jwt-middleware/v3/jwks"
	"github.com/auth0/go-jwt-middleware/v3/validator"
	jwtware "github.com/gofiber/contrib/jwt"
	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"
	echojwt "github.com/labstack/echo-jwt/v4"
	"github.com/labstack/echo/v4"
	"github.com/modelcontextprotocol/go-sdk/auth"
)

// peers are the bearer middlewares benchmarked, ours first. Each one checks
// the signature with the issuer's JWKS (fetched and cached by the peer's own
// JWKS support), the issuer, the audience, the expiry and the "read" scope,
// in front of a no-op handler answering 200.
var peers = []struct {
	name string
	run  func(b *testing.B, f *fixture, values [][]string, hot bool)
}{
	{"mcpauth", benchOurs},
	{"auth0", benchAuth0},
	{"echo-jwt", benchEchoJWT},
	{"fiber-jwt", benchFiberJWT},
	{"go-sdk", benchGoSDK},
}

// BenchmarkPeer compares our net/http middleware with the Go peers doing the
// same job, in process (ServeHTTP, or fasthttp's handler for fiber, on a
// reused request; no network in the timed loop):
//
//   - hot: the same token every iteration (our verified-token cache on; no
//     peer has one);
//   - cold: a different token every iteration (our cache off).
func BenchmarkPeer(b *testing.B) {
	for _, p := range peers {
		for _, alg := range algorithms {
			for _, mode := range []string{"hot", "cold"} {
				b.Run(p.name+"/"+alg+"/"+mode, func(b *testing.B) {
					f := getFixture(b, alg)
					values := f.values
					if mode == "hot" {
						values = f.values[:1]
					}
					p.run(b, f, values, mode == "hot")
				})
			}
		}
	}
}

// benchOurs: core's Bearer.Middleware around the no-op handler.
func benchOurs(b *testing.B, f *fixture, values [][]string, hot bool) {
	cache := -1
	if hot {
		cache = 0
	}
	h := newBearer(b, f, cache).Middleware()(okHandler)
	serveLoop(b, h, newRequest(b, "/mcp"), values)
}

// auth0Claims are the custom claims of the auth0 validator: it decodes them
// and calls Validate, where the scope is checked.
type auth0Claims struct {
	Scope string `json:"scope"`
}

func (c *auth0Claims) Validate(context.Context) error {
	if !hasScope(c.Scope, requiredScope) {
		return errors.New("insufficient scope")
	}
	return nil
}

// benchAuth0: auth0/go-jwt-middleware v3 as its README wires it for a JWKS
// issuer: jwks.NewCachingProvider (OIDC discovery, cached key set),
// validator.New with the algorithm, issuer, audience, clock skew and custom
// claims for the scope, and jwtmiddleware.New(...).CheckJWT.
func benchAuth0(b *testing.B, f *fixture, values [][]string, _ bool) {
	issuerURL, err := url.Parse(f.iss.URL())
	if err != nil {
		b.Fatal(err)
	}
	provider, err := jwks.NewCachingProvider(jwks.WithIssuerURL(issuerURL), jwks.WithCacheTTL(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	v, err := validator.New(
		validator.WithKeyFunc(provider.KeyFunc),
		validator.WithAlgorithm(validator.SignatureAlgorithm(f.alg)),
		validator.WithIssuer(f.iss.URL()),
		validator.WithAudience(resource),
		validator.WithAllowedClockSkew(time.Minute),
		validator.WithCustomClaims(func() *auth0Claims { return &auth0Claims{} }),
	)
	if err != nil {
		b.Fatal(err)
	}
	mw, err := jwtmiddleware.New(jwtmiddleware.WithValidator(v))
	if err != nil {
		b.Fatal(err)
	}
	serveLoop(b, mw.CheckJWT(okHandler), newRequest(b, "/mcp"), values)
}

// peerClaims are the typed claims the golang-jwt based peers decode.
type peerClaims struct {
	jwt.RegisteredClaims
	Scope    string `json:"scope"`
	ClientID string `json:"client_id"`
}

// checkedClaims are peerClaims validated by golang-jwt's ClaimsValidator
// hook: echo-jwt and fiber-jwt parse with golang-jwt's default parser (which
// checks exp and nbf when present, with no leeway), so issuer, audience,
// required exp and scope are checked here, the way golang-jwt documents
// custom validation.
type checkedClaims struct {
	peerClaims
	issuer string // the expected issuer; "" when the caller checks it
}

func (c *checkedClaims) Validate() error {
	switch {
	case c.issuer != "" && c.Issuer != c.issuer:
		return errors.New("invalid issuer")
	case !slices.Contains(c.Audience, resource):
		return errors.New("invalid audience")
	case c.ExpiresAt == nil:
		return errors.New("exp required")
	case !hasScope(c.Scope, requiredScope):
		return errors.New("insufficient scope")
	}
	return nil
}

// newKeyfunc returns keyfunc v3 on the issuer's JWKS, as echo-jwt and the
// go-sdk examples suggest for JWKS issuers.
func newKeyfunc(b *testing.B, f *fixture) keyfunc.Keyfunc {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel) // ends the refresh goroutine
	k, err := keyfunc.NewDefaultCtx(ctx, []string{f.iss.JWKSURL()})
	if err != nil {
		b.Fatal(err)
	}
	return k
}

// benchEchoJWT: labstack/echo-jwt v4 on an echo v4 app (route middleware),
// KeyFunc from keyfunc v3, typed claims validated as checkedClaims.
func benchEchoJWT(b *testing.B, f *fixture, values [][]string, _ bool) {
	k := newKeyfunc(b, f)
	iss := f.iss.URL()
	e := echo.New()
	e.GET("/mcp", func(c echo.Context) error { return c.NoContent(http.StatusOK) }, echojwt.WithConfig(echojwt.Config{
		KeyFunc:       k.Keyfunc,
		NewClaimsFunc: func(echo.Context) jwt.Claims { return &checkedClaims{issuer: iss} },
	}))
	serveLoop(b, e, newRequest(b, "/mcp"), values)
}

// benchFiberJWT: gofiber/contrib/jwt (fiber v2) with JWKSetURLs (its own
// keyfunc v2 JWKS cache) and typed claims validated as checkedClaims; fiber-jwt
// builds the claims with reflect.New, so the issuer is checked in its
// SuccessHandler. Driven through app.Handler() on a reused fasthttp.RequestCtx.
func benchFiberJWT(b *testing.B, f *fixture, values [][]string, _ bool) {
	iss := f.iss.URL()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/mcp", jwtware.New(jwtware.Config{
		JWKSetURLs: []string{f.iss.JWKSURL()},
		Claims:     &checkedClaims{},
		SuccessHandler: func(c *fiber.Ctx) error {
			tok, ok := c.Locals("user").(*jwt.Token)
			if !ok {
				return c.SendStatus(fiber.StatusUnauthorized)
			}
			if got, _ := tok.Claims.GetIssuer(); got != iss {
				return c.SendStatus(fiber.StatusUnauthorized)
			}
			return c.Next()
		},
	}), func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusOK) })
	serveFasthttp(b, app.Handler(), "/mcp", values)
}

// benchGoSDK: the MCP go-sdk's auth.RequireBearerToken with the required
// scope, its verifier parsing with golang-jwt (algorithm, issuer, audience,
// required exp, iat, 60 s leeway) and keyfunc v3, returning auth.TokenInfo.
func benchGoSDK(b *testing.B, f *fixture, values [][]string, _ bool) {
	k := newKeyfunc(b, f)
	parser := jwt.NewParser(jwt.WithValidMethods([]string{f.alg}), jwt.WithIssuer(f.iss.URL()),
		jwt.WithAudience(resource), jwt.WithExpirationRequired(), jwt.WithLeeway(time.Minute), jwt.WithIssuedAt())
	verify := func(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		var claims peerClaims
		if _, err := parser.ParseWithClaims(token, &claims, k.Keyfunc); err != nil {
			return nil, fmt.Errorf("%w: %w", auth.ErrInvalidToken, err)
		}
		return &auth.TokenInfo{
			Scopes:     strings.Fields(claims.Scope),
			Expiration: claims.ExpiresAt.Time,
			UserID:     claims.Subject,
		}, nil
	}
	h := auth.RequireBearerToken(verify, &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: "https://api.example.com/.well-known/oauth-protected-resource/mcp",
		Scopes:              []string{requiredScope},
		ClockSkew:           time.Minute,
	})(okHandler)
	serveLoop(b, h, newRequest(b, "/mcp"), values)
}

// hasScope reports whether the space-separated scope list holds want,
// without allocating.
func hasScope(scopes, want string) bool {
	for scopes != "" {
		var s string
		s, scopes, _ = strings.Cut(scopes, " ")
		if s == want {
			return true
		}
	}
	return false
}
