package check

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// discovered is the discovery document that was used.
type discovered struct {
	typ      mcpauth.ServerType
	url      string
	metadata mcpauth.AuthServerMetadata
	raw      map[string]any // every member, for non-standard ones
}

// attempt is the outcome of fetching one kind of discovery document.
type attempt struct {
	typ  mcpauth.ServerType
	url  string
	doc  *discovered // nil when the document could not be read as JSON
	err  error       // the error of mcpauth.FetchServerConfig, if any
	fail string      // why doc is nil
}

// discover fetches the discovery document of the requested type, or tries
// OpenID Connect then OAuth, and checks that it is reachable, JSON and about
// this issuer.
func (r *report) discover(ctx context.Context, o Options) (*discovered, bool) {
	types := []mcpauth.ServerType{o.Type}
	if o.Type == "" {
		types = []mcpauth.ServerType{mcpauth.OIDC, mcpauth.OAuth}
	}
	var tried []string
	for _, typ := range types {
		a := fetchDiscovery(ctx, o, r.Issuer, typ)
		if a.doc == nil {
			tried = append(tried, fmt.Sprintf("%s %s: %s", a.typ, a.url, a.fail))
			continue
		}
		detail := fmt.Sprintf("%s (%s)", a.url, a.typ)
		if len(tried) > 0 {
			detail += "; tried first: " + strings.Join(tried, "; ")
		}
		r.set(IDDiscovery, Pass, "%s", detail)
		// mcpauth.FetchServerConfig compares the issuers (RFC 8414 §3.3);
		// it reports a mismatch as invalid metadata, like a missing member,
		// so the comparison is made again here to tell which it was.
		switch got := a.doc.metadata.Issuer; got {
		case r.Issuer:
			r.set(IDIssuerMatch, Pass, "%q", got)
		case "":
			r.set(IDIssuerMatch, Fail, `the document has no "issuer"`)
		default:
			r.set(IDIssuerMatch, Fail, "expected %q, found %q: mcpauth refuses a server whose metadata names another issuer (mix-up attacks)", r.Issuer, got)
		}
		return a.doc, true
	}
	r.set(IDDiscovery, Fail, "%s", strings.Join(tried, "; "))
	return nil, false
}

// fetchDiscovery fetches one discovery document with
// mcpauth.FetchServerConfig, keeping the body it read so that a document the
// core refuses can still be diagnosed.
func fetchDiscovery(ctx context.Context, o Options, issuer string, typ mcpauth.ServerType) attempt {
	a := attempt{typ: typ}
	var err error
	if a.url, err = mcpauth.DiscoveryURL(issuer, typ); err != nil {
		a.fail = describe(err)
		return a
	}
	capture := &captureTransport{base: o.HTTPClient.Transport, userAgent: o.UserAgent}
	client := *o.HTTPClient
	client.Transport = capture
	as, err := mcpauth.FetchServerConfig(ctx, issuer, typ, mcpauth.FetchOptions{
		HTTPClient:       &client,
		Timeout:          o.Timeout,
		MaxResponseBytes: o.MaxResponseBytes,
	})
	a.err = err
	switch {
	case err == nil:
		a.doc = &discovered{typ: typ, url: a.url, metadata: *as.Metadata}
		a.doc.raw, _ = decodeObject(capture.body.Bytes())
		return a
	case !errors.Is(err, mcpauth.CodeInvalidServerMetadata):
		// Not reachable, not 2xx, or too large.
		a.fail = describe(err)
		return a
	}
	// The core refused the document: read it to say why.
	raw, derr := decodeObject(capture.body.Bytes())
	if derr != nil {
		a.fail = "not a JSON object: " + derr.Error()
		return a
	}
	var m mcpauth.AuthServerMetadata
	if err := json.Unmarshal(capture.body.Bytes(), &m); err != nil {
		// A member of the wrong type, e.g. a string where a list belongs.
		a.fail = "not RFC 8414 metadata: " + err.Error()
		return a
	}
	a.doc = &discovered{typ: typ, url: a.url, metadata: m, raw: raw}
	return a
}

// decodeObject decodes a JSON object.
func decodeObject(body []byte) (map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("empty body")
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null")
	}
	return m, nil
}

// captureTransport keeps a copy of the body of the last response, as far as
// the caller reads it (mcpauth stops at its size limit).
type captureTransport struct {
	base      http.RoundTripper
	userAgent string
	body      bytes.Buffer
}

func (c *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := c.base
	if base == nil {
		base = http.DefaultTransport
	}
	if c.userAgent != "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	c.body.Reset()
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(resp.Body, &c.body), resp.Body}
	return resp, nil
}

// checkEndpointURL applies mcpauth's transport rule to an issuer or
// jwks_uri: an absolute https URL; http only for loopback hosts (local
// development), unless the resource server sets Config.AllowInsecureHTTP.
func checkEndpointURL(raw string) (Status, string) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return Fail, fmt.Sprintf("%q is not an absolute https URL", raw)
	}
	if u.Scheme == "https" {
		return Pass, raw
	}
	if isLoopbackHost(u.Hostname()) {
		return Pass, raw + " (http: accepted on loopback hosts only, for local development)"
	}
	return Fail, raw + ": http is refused by mcpauth except on loopback hosts (unless Config.AllowInsecureHTTP is set); use https"
}

// isLoopbackHost reports whether host is localhost or a loopback IP address,
// as mcpauth decides it.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// jsonString renders a JSON value for a detail.
func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
