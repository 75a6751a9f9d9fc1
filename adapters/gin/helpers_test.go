package mcpgin_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	mcpgin "github.com/go-mcpauth/mcpauth/adapters/gin"
	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(m.Run())
}

// resource is the protected resource of the adapter's own tests.
const resource = "https://mcp.example.com/mcp"

// fixture is an issuer, the Auth trusting it and bearers for resource.
type fixture struct {
	iss    *mcpauthtest.Issuer
	auth   *mcpauth.Auth
	bearer *mcpauth.Bearer // JWT, requires "read"
	// custom accepts "good" (subject "custom-user"), refuses "bad" with
	// invalid_token, answers "broken" with a verifier failure (500) and
	// "down" with temporarily_unavailable (503, Retry-After 7).
	custom *mcpauth.Bearer
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	iss := mcpauthtest.MustNewIssuer(t)
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: []mcpauth.ProtectedResource{{
		Resource:             resource,
		AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)},
		ScopesSupported:      []string{"read", "write"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	issuer := iss.URL()
	custom, err := auth.BearerAuth(mcpauth.VerifyFunc(func(_ context.Context, token string) (*mcpauth.AuthInfo, error) {
		switch token {
		case "good":
			return &mcpauth.AuthInfo{Issuer: issuer, Subject: "custom-user", Scopes: []string{"read"}, Audience: []string{resource}}, nil
		case "broken":
			return nil, errors.New("introspection endpoint said no")
		case "down":
			return nil, &mcpauth.Error{Code: mcpauth.CodeServerUnavailable, RetryAfter: 7 * time.Second}
		}
		return nil, errors.Join(errors.New("unknown token"), mcpauth.CodeInvalidToken)
	}), mcpauth.BearerOptions{Resource: resource, RequiredScopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{iss: iss, auth: auth, bearer: bearer, custom: custom}
}

// token mints a token for resource with scope "read write" and subject sub.
func (f *fixture) token(t testing.TB, sub string) string {
	t.Helper()
	return f.iss.MustToken(t, map[string]any{"sub": sub, "aud": resource, "scope": "read write"})
}

// bearerAuth is the Authorization value for token.
func bearerAuth(token string) []string { return []string{"Bearer " + token} }

// seen is what a handler below BearerAuth observed.
type seen struct {
	Accessor   string `json:"accessor"`    // subject from mcpgin.AuthInfo(c), "" if !ok
	RequestCtx string `json:"request_ctx"` // subject from AuthInfoFromContext(c.Request.Context())
	GinCtx     string `json:"gin_ctx"`     // subject from AuthInfoFromContext(c) (gin.Context as context.Context)
	Same       bool   `json:"same"`        // accessor and request context hold the same pointer
}

// subject is info's subject, or "" when !ok.
func subject(info *mcpauth.AuthInfo, ok bool) string {
	if !ok {
		return ""
	}
	return info.Subject
}

// observe answers 200 with what the handler sees.
func observe(c *gin.Context) {
	info, ok := mcpgin.AuthInfo(c)
	reqInfo, reqOK := mcpauth.AuthInfoFromContext(c.Request.Context())
	ginInfo, ginOK := mcpauth.AuthInfoFromContext(c)
	c.JSON(http.StatusOK, seen{
		Accessor:   subject(info, ok),
		RequestCtx: subject(reqInfo, reqOK),
		GinCtx:     subject(ginInfo, ginOK),
		Same:       ok == reqOK && info == reqInfo,
	})
}

// decodeSeen decodes an observe answer.
func decodeSeen(t testing.TB, r mcpauthtest.Response) seen {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, body %s", r.Status, r.Body)
	}
	var s seen
	if err := json.Unmarshal(r.Body, &s); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
	return s
}
