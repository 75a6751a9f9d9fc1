package mcpauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// postResult is the answer to a POST, whatever its status.
type postResult struct {
	status int
	header http.Header
	body   []byte
}

// errRedirected marks a POST that was answered with a redirect.
var errRedirected = errors.New("the endpoint answered with a redirect, which is not followed: the request carries a token and credentials")

// postForm POSTs form to endpoint with the fetcher's client, timeout and
// size limit (for every status: an error body is read up to the same
// limit), setting the Authorization header to authorization when it is not
// empty. It returns the response whatever its status; the error is a
// network error, a timeout, a refusal of the URL policy, a body over the
// limit, or errRedirected.
//
// The URL policy applies to endpoint (fetcher.send). Redirects are never
// followed (fetcher.send uses the fetcher's noRedirect client for a POST):
// any 3xx answer is refused as it is, so neither the token nor the client
// credentials ever reach the redirect's target.
func (f *fetcher) postForm(ctx context.Context, endpoint string, form url.Values, authorization string) (*postResult, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.GetBody = nil
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := f.send(req) // the URL policy on the URL and every redirect hop
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		_, _ = io.CopyN(io.Discard, resp.Body, 4096)
		return nil, errRedirected
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	if int64(len(body)) > f.limit {
		return nil, &sizeError{limit: f.limit}
	}
	return &postResult{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// sizeError is a response body over the fetcher's limit.
type sizeError struct{ limit int64 }

func (e *sizeError) Error() string {
	return fmt.Sprintf("the response is larger than the %d-byte limit", e.limit)
}
