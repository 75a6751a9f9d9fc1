package check

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// IDToken is the ID of the token check.
const IDToken = "token"

const tokenTitle = "Token verified by mcpauth"

// tokenCheckResource is the resource identifier of the bearer check built
// to verify a token; the audience is set separately, so its value does not
// matter.
const tokenCheckResource = "https://mcpauth-check.invalid/mcp" //nolint:gosec // a resource identifier, not a credential

// TokenReport is the outcome of verifying a token with this library, as the
// MCP server would: the same discovery, keys, algorithms, time and claim
// rules, audience and issuer checks. The token itself is never reported.
type TokenReport struct {
	Result
	// What the verified token says (empty when it was refused).
	Issuer    string    `json:"issuer,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	ClientID  string    `json:"client_id,omitempty"`
	Scopes    []string  `json:"scopes,omitempty"`
	Audience  []string  `json:"audience,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// checkToken verifies o.Token with a real mcpauth bearer check trusting the
// servers, requiring audience (none when empty).
func checkToken(ctx context.Context, o Options, audience string, servers []*ServerReport) *TokenReport {
	tr := &TokenReport{Result: Result{ID: IDToken, Title: tokenTitle}}
	fail := func(format string, args ...any) *TokenReport {
		tr.Status, tr.Detail = Fail, fmt.Sprintf(format, args...)
		return tr
	}
	if strings.Count(o.Token, ".") != 2 {
		return fail("not a JWT (a JWS has three dot-separated parts): an opaque access token, which mcpauth.JWT cannot verify. Google issues only opaque access tokens, and Auth0 does when the token request names no audience; request a JWT access token (Auth0: audience=<API identifier>), or verify opaque tokens by introspection with a VerifyFunc")
	}
	if len(servers) == 0 {
		tr.Status, tr.Detail = Skip, "not checked: no authorization server to trust"
		return tr
	}
	var trusted []mcpauth.AuthServer
	for _, s := range servers {
		typ := s.Type
		if typ == "" {
			typ = mcpauth.OIDC
		}
		trusted = append(trusted, mcpauth.Discover(s.Issuer, typ))
	}
	client := *o.HTTPClient
	client.Transport = &captureTransport{base: o.HTTPClient.Transport, userAgent: o.UserAgent}
	auth, err := mcpauth.New(mcpauth.Config{
		ProtectedResources: []mcpauth.ProtectedResource{{Resource: tokenCheckResource, AuthorizationServers: trusted}},
		HTTPClient:         &client,
		FetchTimeout:       o.Timeout,
		MaxResponseBytes:   o.MaxResponseBytes,
		Logger:             slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return fail("mcpauth refuses the configuration: %s", describe(err))
	}
	opts := mcpauth.BearerOptions{Resource: tokenCheckResource, Audience: audience, SkipAudienceCheck: audience == "", TokenCacheSize: -1}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), opts)
	if err != nil {
		return fail("mcpauth refuses the configuration: %s", describe(err))
	}
	info, err := bearer.Authenticate(ctx, "Bearer "+o.Token)
	if err != nil {
		return fail("%s%s", describe(err), tokenHint(err, audience))
	}
	tr.Issuer, tr.Subject, tr.ClientID = info.Issuer, info.Subject, info.ClientID
	tr.Scopes, tr.Audience, tr.ExpiresAt = info.Scopes, info.Audience, info.ExpiresAt
	tr.Status = Pass
	tr.Detail = fmt.Sprintf("issuer %q, subject %q, client %q, scopes %q, audience %q", info.Issuer, info.Subject, info.ClientID, info.Scopes, info.Audience)
	if audience == "" {
		tr.Detail += " (audience not checked: give -audience)"
	}
	if !info.ExpiresAt.IsZero() {
		tr.Detail += ", expires " + info.ExpiresAt.Format(time.RFC3339)
	}
	return tr
}

// tokenHint says what usually causes a refusal and which option changes it.
func tokenHint(err error, audience string) string {
	var e *mcpauth.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Code {
	case mcpauth.CodeInvalidAudience:
		return fmt.Sprintf(". The token must carry %q in aud: request it with resource=%s (RFC 8707) or your provider's audience parameter, or set BearerOptions.Audience to what your provider puts in aud; for providers whose access tokens have no aud (Amazon Cognito) see BearerOptions.AcceptedClientIDs", audience, audience)
	case mcpauth.CodeInvalidIssuer:
		return ". The token's iss must be exactly one of the authorization servers the protected resource metadata lists (Microsoft Entra ID: v1.0 tokens say https://sts.windows.net/<tenant>/, v2.0 tokens https://login.microsoftonline.com/<tenant>/v2.0; set accessTokenAcceptedVersion to 2 in the app manifest)"
	}
	return ""
}
