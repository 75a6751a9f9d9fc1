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

// FetchOptions tunes [FetchServerConfig]. The zero value uses the defaults.
type FetchOptions struct {
	// HTTPClient makes the request; default a client with a 10 s timeout that
	// follows at most 3 redirects.
	HTTPClient *http.Client
	// Timeout bounds the request; default [DefaultFetchTimeout].
	Timeout time.Duration
	// MaxResponseBytes bounds the document; default [DefaultMaxResponseBytes].
	MaxResponseBytes int64
}

// FetchServerConfig fetches and checks the metadata of issuer now (for eager
// start-up; a [Discover] server does the same lazily). It returns a resolved
// [AuthServer], or an *Error:
//
//   - CodeFetchServerConfigError: the request failed, the status was not
//     2xx, or the body was over the size limit;
//   - CodeInvalidServerMetadata: the body is not a JSON object, misses a
//     required field (RFC 8414 §2), or its "issuer" differs from issuer
//     (RFC 8414 §3.3: the reference libraries skip this check, which opens
//     the door to mix-up attacks); for a mismatch, the error's Expected and
//     Actual are the two issuers.
//
// It does not apply [ValidateServerConfig]; [New] does, for every server.
func FetchServerConfig(ctx context.Context, issuer string, typ ServerType, opts ...FetchOptions) (AuthServer, error) {
	var o FetchOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	f := newFetcher(o.HTTPClient, o.Timeout, o.MaxResponseBytes)
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

// newFetcher applies the defaults.
func newFetcher(c *http.Client, timeout time.Duration, limit int64) *fetcher {
	if c == nil {
		c = defaultHTTPClient
	}
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	return &fetcher{client: c, timeout: timeout, limit: limit}
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

// decodeServerMetadata parses a discovery document and checks the fields
// every use needs.
func decodeServerMetadata(body []byte, issuer, from string) (*AuthServerMetadata, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, &Error{Code: CodeInvalidServerMetadata, Detail: fmt.Sprintf("%s: expected a JSON object", from)}
	}
	var m AuthServerMetadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, &Error{Code: CodeInvalidServerMetadata, Detail: from, Err: err}
	}
	if missing := m.missingRequired(); len(missing) > 0 {
		return nil, &Error{Code: CodeInvalidServerMetadata, Detail: fmt.Sprintf("%s: missing %s (RFC 8414 §2)", from, strings.Join(missing, ", "))}
	}
	if m.Issuer != issuer {
		return nil, &Error{Code: CodeInvalidServerMetadata, Expected: issuer, Actual: m.Issuer,
			Detail: fmt.Sprintf("%s: expected issuer %q, found %q (RFC 8414 §3.3 requires them to be identical)", from, issuer, m.Issuer)}
	}
	return &m, nil
}
