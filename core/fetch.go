package mcpauth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults for every request this package makes to an authorization server.
const (
	// DefaultFetchTimeout bounds one discovery or JWKS request, redirects,
	// headers and body included.
	DefaultFetchTimeout = 10 * time.Second
	// DefaultMaxResponseBytes is the largest discovery document or JWKS accepted.
	DefaultMaxResponseBytes = 1 << 20
)

// userAgent identifies this library to authorization servers.
const userAgent = "go-mcpauth (+https://github.com/go-mcpauth/mcpauth)"

// fetcher makes the GET requests to authorization servers: with a timeout,
// a size limit, the URL policy on the first URL and every redirect hop, and
// no caching of its own. Every request to an authorization server goes
// through one (discovery, JWKS; an introspection request must too).
type fetcher struct {
	client *http.Client // policy.policyClient of the configured client
	// noRedirect is client that never follows a redirect, for requests that
	// carry a token or credentials (the introspection POST): Go's client
	// follows a 301, 302 or 303 with a GET and keeps the Authorization
	// header on the same host, so following would send the credentials
	// again to wherever the redirect points.
	noRedirect *http.Client
	policy     urlPolicy
	timeout    time.Duration
	limit      int64
}

// fetchResult is a successful response.
type fetchResult struct {
	body   []byte
	header http.Header
}

// send sends req with the fetcher's client, after applying the URL policy
// to its URL (the client applies it to every redirect hop). It is the one
// way this package talks to an authorization server: get uses it for
// discovery and JWKS, and any other request (an introspection POST) must
// too. The caller bounds the request with its context and closes the body.
func (f *fetcher) send(req *http.Request) (*http.Response, error) {
	if err := f.policy.check(req.URL); err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	if req.Method != http.MethodGet {
		return f.noRedirect.Do(req)
	}
	return f.client.Do(req)
}

// get fetches url and returns its body. Errors are *Error with code
// CodeFetchServerConfigError; a network error, a timeout, 429 or a 5xx status
// is marked retryable, a refusal of the URL policy is not.
func (f *fetcher) get(ctx context.Context, url string) (*fetchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, &Error{Code: CodeFetchServerConfigError, Detail: "GET " + url, Err: err}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.send(req)
	if err != nil {
		// A refusal of the URL policy (the URL, a redirect hop, an address)
		// is a configuration problem; any other failure may be transient.
		return nil, &Error{Code: CodeFetchServerConfigError, Detail: "GET " + url, Err: err, retryable: !isPolicyError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Drain a little so the connection can be reused, never the whole body.
		_, _ = io.CopyN(io.Discard, resp.Body, 4096)
		retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		return nil, &Error{Code: CodeFetchServerConfigError, Detail: fmt.Sprintf("GET %s: expected status 200, got %s", url, resp.Status), retryable: retry}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.limit+1))
	if err != nil {
		return nil, &Error{Code: CodeFetchServerConfigError, Detail: "GET " + url + ": reading the body", Err: err, retryable: true}
	}
	if int64(len(body)) > f.limit {
		return nil, &Error{Code: CodeFetchServerConfigError, Detail: fmt.Sprintf("GET %s: the response is larger than the %d-byte limit", url, f.limit)}
	}
	return &fetchResult{body: body, header: resp.Header}, nil
}

// maxAge returns the Cache-Control max-age of h (RFC 9111 §5.2.2.1), and
// whether the response may be cached at all. no-store and no-cache give 0.
func maxAge(h http.Header) (time.Duration, bool) {
	for _, v := range h.Values("Cache-Control") {
		for _, d := range strings.Split(v, ",") {
			d = strings.ToLower(strings.TrimSpace(d))
			switch {
			case d == "no-store", d == "no-cache":
				return 0, true
			case strings.HasPrefix(d, "max-age="):
				n, err := strconv.ParseInt(strings.Trim(d[len("max-age="):], `"`), 10, 64)
				if err == nil && n >= 0 {
					return time.Duration(min(n, int64(365*24*3600))) * time.Second, true
				}
			}
		}
	}
	return 0, false
}
