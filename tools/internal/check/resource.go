package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// The checks of the MCP server (the protected resource), in the order they
// are reported.
const (
	IDChallenge            = "challenge"
	IDResourceMetadata     = "resource-metadata"
	IDResourceMatch        = "resource-match"
	IDAuthorizationServers = "authorization-servers"
)

// resourceChecks lists the checks of the MCP server with their titles.
var resourceChecks = []struct{ id, title string }{
	{IDChallenge, "401 challenge names the metadata (RFC 9728 §5.1)"},
	{IDResourceMetadata, "Protected resource metadata (RFC 9728 §3)"},
	{IDResourceMatch, "Metadata resource is the MCP server URL (RFC 9728 §3.3)"},
	{IDAuthorizationServers, "Authorization servers listed"},
}

// protectedResourceWellKnown is the well-known path of RFC 9728 §3.
const protectedResourceWellKnown = "/.well-known/oauth-protected-resource"

// ResourceReport is the outcome of the checks of the MCP server.
type ResourceReport struct {
	// URL is the MCP server URL that was checked.
	URL string `json:"url"`
	// MetadataURL is where the protected resource metadata was read, and
	// FoundVia how its URL was found: "challenge" (the resource_metadata of
	// the 401 answer) or "well-known" (RFC 9728 §3.1).
	MetadataURL string `json:"metadata_url,omitempty"`
	FoundVia    string `json:"found_via,omitempty"`
	// Resource, AuthorizationServers and ScopesSupported are members of
	// the metadata.
	Resource             string   `json:"resource,omitempty"`
	AuthorizationServers []string `json:"authorization_servers,omitempty"`
	ScopesSupported      []string `json:"scopes_supported,omitempty"`
	Checks               []Result `json:"checks"`
}

// Result returns the result of the check with that ID.
func (r *ResourceReport) Result(id string) (Result, bool) {
	return findResult(r.Checks, id)
}

// Run checks an MCP server from its URL, as an MCP client finds its way:
// an unauthenticated request whose 401 challenge names the protected
// resource metadata (else the metadata at the well-known URL derived from
// the MCP server URL, RFC 9728 §3.1), then each authorization server the
// metadata lists, then the token of opts, if any, verified by this library
// for the metadata's resource. It never returns nil.
func Run(ctx context.Context, mcpURL string, opts Options) *Report {
	o := opts.withDefaults()
	rr := checkResource(ctx, mcpURL, o)
	rep := &Report{Target: mcpURL, Resource: rr}
	for _, iss := range rr.AuthorizationServers {
		rep.AuthorizationServers = append(rep.AuthorizationServers, checkServer(ctx, iss, o))
	}
	if o.Token != "" {
		audience := o.Audience
		if audience == "" {
			audience = rr.Resource
		}
		if audience == "" {
			rep.Token = &TokenReport{Result: Result{ID: IDToken, Title: tokenTitle, Status: Skip, Detail: "not checked: no protected resource metadata, so no resource to verify the token for (pass -audience, or check the issuer with -issuer)"}}
		} else {
			rep.Token = checkToken(ctx, o, audience, rep.AuthorizationServers)
		}
	}
	return rep.finish()
}

// checkResource finds and reads the protected resource metadata.
func checkResource(ctx context.Context, mcpURL string, o Options) *ResourceReport {
	rr := &ResourceReport{URL: mcpURL}
	results := map[string]Result{}
	set := func(id string, s Status, format string, args ...any) {
		results[id] = Result{ID: id, Status: s, Detail: fmt.Sprintf(format, args...)}
	}
	defer func() {
		for _, c := range resourceChecks {
			res, ok := results[c.id]
			if !ok {
				res = Result{ID: c.id, Status: Skip, Detail: "not checked: no protected resource metadata"}
			}
			res.Title = c.title
			rr.Checks = append(rr.Checks, res)
		}
	}()

	// 1. The challenge of an unauthenticated MCP request.
	metadataURL, via := "", ""
	status, challenges, err := unauthenticatedRequest(ctx, o, mcpURL)
	switch {
	case err != nil:
		set(IDChallenge, Fail, "POST %s: %s", mcpURL, err)
	case status == http.StatusUnauthorized:
		rm, ok := challengeParam(challenges, "resource_metadata")
		switch {
		case ok && rm != "":
			metadataURL, via = rm, "challenge"
			set(IDChallenge, Pass, "401 with resource_metadata=%q", rm)
		case len(challenges) == 0:
			set(IDChallenge, Warn, "401 without WWW-Authenticate: MCP clients fall back to the well-known URL")
		default:
			set(IDChallenge, Warn, "401 whose challenge has no resource_metadata (%s): MCP clients fall back to the well-known URL", strings.Join(challenges, "; "))
		}
	case status >= 200 && status < 300:
		set(IDChallenge, Fail, "%d: the MCP server answered a request without a token, so it is not protected (or this is not its URL)", status)
	default:
		set(IDChallenge, Warn, "%d %s, not 401: is this the MCP endpoint (e.g. http://host/mcp)? Trying the well-known URL", status, http.StatusText(status))
	}
	if metadataURL == "" {
		wk, err := wellKnownResourceURL(mcpURL)
		if err != nil {
			set(IDResourceMetadata, Fail, "%s", err)
			return rr
		}
		metadataURL, via = wk, "well-known"
	}
	rr.MetadataURL, rr.FoundVia = metadataURL, via

	// 2. The metadata.
	if s, detail := checkEndpointURL(metadataURL); s == Fail {
		set(IDResourceMetadata, Fail, "resource_metadata %s", detail)
		return rr
	}
	body, err := getBounded(ctx, o, metadataURL)
	if err != nil {
		hint := ""
		if via == "well-known" {
			hint = " (if this URL is an authorization server, run with -issuer)"
		}
		set(IDResourceMetadata, Fail, "GET %s: %s%s", metadataURL, err, hint)
		return rr
	}
	var doc struct {
		Resource             string   `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
		ScopesSupported      []string `json:"scopes_supported"`
	}
	if _, err := decodeObject(body); err != nil {
		set(IDResourceMetadata, Fail, "GET %s: not a JSON object: %s", metadataURL, err)
		return rr
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		set(IDResourceMetadata, Fail, "GET %s: not RFC 9728 metadata: %s", metadataURL, err)
		return rr
	}
	if doc.Resource == "" {
		set(IDResourceMetadata, Fail, "GET %s: no \"resource\" member (RFC 9728 §2 requires it)", metadataURL)
		return rr
	}
	rr.Resource, rr.AuthorizationServers, rr.ScopesSupported = doc.Resource, doc.AuthorizationServers, doc.ScopesSupported
	set(IDResourceMetadata, Pass, "%s (found via the %s)", metadataURL, map[string]string{"challenge": "401 challenge", "well-known": "well-known URL"}[via])

	// 3. The resource identifier MCP clients compare with the server URL.
	if sameResource(doc.Resource, mcpURL) {
		set(IDResourceMatch, Pass, "%q", doc.Resource)
	} else {
		set(IDResourceMatch, Warn, "the metadata says %q, the MCP server URL is %q: MCP clients request tokens for the metadata's resource and may refuse a mismatch (RFC 9728 §3.3); tokens must carry %q in aud", doc.Resource, mcpURL, doc.Resource)
	}

	// 4. Where to get tokens.
	if len(doc.AuthorizationServers) == 0 {
		set(IDAuthorizationServers, Fail, "the metadata lists no authorization_servers: MCP clients cannot find where to get a token")
	} else {
		set(IDAuthorizationServers, Pass, "%s", strings.Join(doc.AuthorizationServers, ", "))
	}
	return rr
}

// unauthenticatedRequest posts an MCP initialize request without
// credentials, as an MCP client's first request, and returns the status
// and the WWW-Authenticate values. The body is read up to the size limit
// and discarded.
func unauthenticatedRequest(ctx context.Context, o Options, mcpURL string) (int, []string, error) {
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcpauth-check","version":"0"}}}`
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, mcpURL, strings.NewReader(initialize))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("User-Agent", o.UserAgent)
	resp, err := o.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, o.MaxResponseBytes))
	return resp.StatusCode, resp.Header.Values("WWW-Authenticate"), nil
}

// getBounded GETs url and returns its body: a 2xx answer of at most
// Options.MaxResponseBytes, within Options.Timeout.
func getBounded(ctx context.Context, o Options, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", o.UserAgent)
	resp, err := o.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("%s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > o.MaxResponseBytes {
		return nil, fmt.Errorf("the answer is over the size limit of %d bytes", o.MaxResponseBytes)
	}
	return body, nil
}

// wellKnownResourceURL derives the metadata URL of a resource (RFC 9728
// §3.1): the well-known path inserted between the host and the path; the
// query and fragment are dropped.
func wellKnownResourceURL(resource string) (string, error) {
	u, err := url.Parse(resource)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", resource)
	}
	p := u.EscapedPath()
	if p == "/" {
		p = ""
	}
	return u.Scheme + "://" + u.Host + protectedResourceWellKnown + p, nil
}

// sameResource compares a resource identifier with the MCP server URL the
// way MCP clients do: identical, or identical but for a terminating slash.
func sameResource(resource, mcpURL string) bool {
	return strings.TrimSuffix(resource, "/") == strings.TrimSuffix(mcpURL, "/")
}

// challengeParam returns the value of the auth-param name of the first
// Bearer challenge among the WWW-Authenticate values (RFC 9110 §11.6.1:
// token or quoted-string values).
func challengeParam(values []string, name string) (string, bool) {
	for _, v := range values {
		rest := strings.TrimSpace(v)
		scheme, params, _ := strings.Cut(rest, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			continue
		}
		for params = strings.TrimSpace(params); params != ""; {
			var key, val string
			var err error
			key, params, _ = strings.Cut(params, "=")
			key = strings.TrimSpace(key)
			params = strings.TrimLeft(params, " \t")
			val, params, err = authParamValue(params)
			if err != nil {
				break
			}
			if strings.EqualFold(key, name) {
				return val, true
			}
			params = strings.TrimLeft(params, " \t,")
		}
	}
	return "", false
}

// authParamValue reads a token or a quoted-string from the start of s and
// returns it and what follows.
func authParamValue(s string) (string, string, error) {
	if !strings.HasPrefix(s, `"`) {
		end := strings.IndexAny(s, ", \t")
		if end < 0 {
			return s, "", nil
		}
		return s[:end], s[end:], nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("unterminated quoted-string")
}
