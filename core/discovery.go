package mcpauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Well-known paths of authorization server metadata.
const (
	oauthWellKnownPath = "/.well-known/oauth-authorization-server"
	oidcWellKnownPath  = "/.well-known/openid-configuration"
)

// DiscoveryURL returns where the metadata of issuer is published:
//
//   - OAuth (RFC 8414 §3.1): the well-known path inserted between the host
//     and the issuer's path, after removing a terminating "/":
//     https://e.com/p/ → https://e.com/.well-known/oauth-authorization-server/p
//   - OIDC (OpenID Connect Discovery 1.0 §4): appended to the issuer's path:
//     https://e.com/p/ → https://e.com/p/.well-known/openid-configuration
//
// The issuer must be an absolute http(s) URL without query or fragment
// (RFC 8414 §2).
func DiscoveryURL(issuer string, typ ServerType) (string, error) {
	u, err := parseIssuer(issuer)
	if err != nil {
		return "", err
	}
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	switch typ {
	case OAuth:
		u.RawPath = ""
		u.Path = ""
		return u.String() + oauthWellKnownPath + p, nil
	case OIDC, "":
		u.RawPath = ""
		u.Path = ""
		return u.String() + p + oidcWellKnownPath, nil
	default:
		return "", configError("unknown authorization server type %q: expected %q or %q", typ, OAuth, OIDC)
	}
}

// parseIssuer checks that issuer is an absolute http(s) URL with a host and
// no query or fragment (RFC 8414 §2).
func parseIssuer(issuer string) (*url.URL, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return nil, configError("issuer %q is not a URL: %v", issuer, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, configError("issuer %q must be an absolute https URL", issuer)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(issuer, "#") {
		return nil, configError("issuer %q must not have a query or fragment (RFC 8414 §2)", issuer)
	}
	if u.User != nil {
		return nil, configError("issuer %q must not contain user information", issuer)
	}
	return u, nil
}

// FetchOptions tunes [FetchServerConfig] and [FetchJWKS]. The zero value
// uses the defaults.
type FetchOptions struct {
	// HTTPClient makes the request; default a client on Go's default
	// transport that refuses to connect to link-local, unspecified and
	// multicast addresses. Whatever the client, the URL and every redirect
	// hop must pass the policy described at [Config.AllowInsecureHTTP], and
	// at most 3 redirects are followed (before the client's own
	// CheckRedirect, which still applies).
	HTTPClient *http.Client
	// Timeout bounds the request, redirects and body included; default
	// [DefaultFetchTimeout]. A Timeout set on HTTPClient applies as well.
	Timeout time.Duration
	// MaxResponseBytes bounds the document; default [DefaultMaxResponseBytes].
	MaxResponseBytes int64
	// AllowInsecureHTTP accepts http URLs on hosts other than loopback and
	// link-local or unspecified addresses, as [Config.AllowInsecureHTTP].
	AllowInsecureHTTP bool
}

// FetchServerConfig fetches and checks the metadata of issuer now (for eager
// start-up; a [Discover] server does the same lazily). It returns a resolved
// [AuthServer], or an *Error:
//
//   - CodeFetchServerConfigError: the request failed, the status was not
//     2xx, or the body was over the size limit;
//   - CodeInvalidServerMetadata: the body is not a JSON object, has no
//     "issuer", or its "issuer" differs from issuer (RFC 8414 §3.3: the
//     reference libraries skip this check, which opens the door to mix-up
//     attacks); for a mismatch, the error's Expected and Actual are the two
//     issuers.
//
// Only what verifying a token needs is checked: the members MCP clients use
// (authorization and token endpoints, PKCE, registration) are not, since a
// resource server does not need them; package inspect reports them.
func FetchServerConfig(ctx context.Context, issuer string, typ ServerType, opts ...FetchOptions) (AuthServer, error) {
	var o FetchOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	f := newFetcher(o.HTTPClient, o.Timeout, o.MaxResponseBytes, o.AllowInsecureHTTP)
	wellKnown, err := DiscoveryURL(issuer, typ)
	if err != nil {
		return AuthServer{}, err
	}
	m, err := f.discover(ctx, issuer, wellKnown)
	if err != nil {
		return AuthServer{}, err
	}
	return AuthServer{Issuer: issuer, Type: typ, Metadata: m}, nil
}

// newFetcher applies the defaults and the URL policy.
func newFetcher(c *http.Client, timeout time.Duration, limit int64, allowInsecure bool) *fetcher {
	policy := urlPolicy{allowInsecure: allowInsecure}
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	client := policy.policyClient(c)
	noRedirect := *client // shares the transport and its connections
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &fetcher{client: client, noRedirect: &noRedirect, policy: policy, timeout: timeout, limit: limit}
}

// discover fetches and decodes the metadata of issuer from its well-known
// URL (see DiscoveryURL).
func (f *fetcher) discover(ctx context.Context, issuer, wellKnown string) (*AuthServerMetadata, error) {
	res, err := f.get(ctx, wellKnown)
	if err != nil {
		return nil, err
	}
	return decodeServerMetadata(res.body, issuer, wellKnown)
}

// decodeServerMetadata parses a discovery document and checks what every use
// needs: an "issuer" equal to the configured one. The other members RFC 8414
// §2 requires (authorization_endpoint, token_endpoint,
// response_types_supported) are used by clients, not by a resource server,
// so their absence is only warned about (see checkClientRequirements).
func decodeServerMetadata(body []byte, issuer, from string) (*AuthServerMetadata, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, &Error{Code: CodeInvalidServerMetadata, Detail: fmt.Sprintf("%s: expected a JSON object", from)}
	}
	var m AuthServerMetadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, &Error{Code: CodeInvalidServerMetadata, Detail: from, Err: err}
	}
	if m.Issuer == "" {
		return nil, &Error{Code: CodeInvalidServerMetadata, Detail: fmt.Sprintf("%s: missing issuer (RFC 8414 §2)", from)}
	}
	if m.Issuer != issuer {
		return nil, &Error{Code: CodeInvalidServerMetadata, Expected: issuer, Actual: m.Issuer,
			Detail: fmt.Sprintf("%s: expected issuer %q, found %q (RFC 8414 §3.3 requires them to be identical)", from, issuer, m.Issuer)}
	}
	return &m, nil
}
