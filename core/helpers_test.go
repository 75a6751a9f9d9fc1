package mcpauth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// echoHandler answers 200 with the subject of the request's AuthInfo.
var echoHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	info, ok := mcpauth.AuthInfoFromContext(r.Context())
	if !ok {
		_, _ = io.WriteString(w, "anonymous")
		return
	}
	_, _ = io.WriteString(w, "hello "+info.Subject)
})

// protect serves bearer's middleware around echoHandler and returns the URL.
func protect(t testing.TB, b *mcpauth.Bearer) string {
	t.Helper()
	return mcpauthtest.Serve(t, b.Middleware()(echoHandler))
}

// resourceAuth builds an Auth with one resource trusting the given issuers
// (discovered over OIDC).
func resourceAuth(t testing.TB, resource string, issuers ...*mcpauthtest.Issuer) *mcpauth.Auth {
	t.Helper()
	var servers []mcpauth.AuthServer
	for _, i := range issuers {
		servers = append(servers, mcpauth.Discover(i.URL(), mcpauth.OIDC))
	}
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{Resource: resource, AuthorizationServers: servers}},
		Logger:             quietLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

// jwtBearer builds a JWT bearer for resource with opts.
func jwtBearer(t testing.TB, auth *mcpauth.Auth, opts mcpauth.BearerOptions, jwtOpts ...mcpauth.JWTOption) *mcpauth.Bearer {
	t.Helper()
	b, err := auth.BearerAuth(mcpauth.JWT(jwtOpts...), opts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// quietLogger discards logs.
func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// authenticate runs b on one Authorization value.
func authenticate(b *mcpauth.Bearer, header string) (*mcpauth.AuthInfo, error) {
	return b.Authenticate(context.Background(), header)
}

// hs256Token signs a valid-looking token with an HMAC secret, which no JWKS
// key may verify.
func hs256Token(t testing.TB, issuer string) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": issuer, "sub": "u", "exp": time.Now().Add(time.Hour).Unix()})
	s, err := tok.SignedString([]byte("super-secret-key-for-testing"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// edgeRefusal is the answer an Edge of testEdge wrote, as an error.
type edgeRefusal struct{ resp mcpauth.Response }

func (e *edgeRefusal) Error() string {
	return fmt.Sprintf("answered %d: %s", e.resp.Status, e.resp.Body)
}

// errNoAuthInfo is what an Edge of testEdge returns for a request that went
// on without an AuthInfo.
var errNoAuthInfo = errors.New("went on without an AuthInfo")

// testEdge is an Edge over b that returns nil for an authenticated request,
// errNoAuthInfo for one that went on without an AuthInfo, and an
// *edgeRefusal for an answer.
func testEdge(b *mcpauth.Bearer) *mcpauth.Edge[struct{}] {
	return mcpauth.NewEdge(b, mcpauth.Edge[struct{}]{
		Next: func(_ struct{}, info *mcpauth.AuthInfo) error {
			if info == nil {
				return errNoAuthInfo
			}
			return nil
		},
		Write: func(_ struct{}, resp mcpauth.Response) error { return &edgeRefusal{resp: resp} },
	})
}
