package mcpauthtest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// Serve starts an HTTP server for h on a free port of 127.0.0.1 and returns
// its base URL, "http://127.0.0.1:<port>" without a trailing slash. It calls
// tb.Fatal if it cannot listen.
//
// The server is closed when the test ends (tb.Cleanup), as
// [httptest.Server.Close] closes it: the cleanup waits for the requests in
// flight to complete, and closes the idle connections of
// [http.DefaultTransport].
func Serve(tb testing.TB, h http.Handler) (baseURL string) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mcpauthtest: listen: %v", err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv.URL
}

// Response is what a server answered to [Send] or [Do].
type Response struct {
	// Status is the status code, such as 200.
	Status int
	// Header holds the response headers, with canonical keys.
	Header http.Header
	// Body is the whole body (empty for an answer without one, such as the
	// answer to a HEAD request).
	Body []byte
}

// Send sends a request without a body to url with method and returns the
// answer, body read in full. It sends one Authorization header per element of
// authorization, in order: none when authorization is empty or nil, an empty
// Authorization header for an empty string. Send uses [http.DefaultClient],
// like [Do], and calls tb.Fatal when the request cannot be built or sent, or
// the body cannot be read.
func Send(tb testing.TB, method, url string, authorization ...string) Response {
	tb.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		tb.Fatalf("mcpauthtest: %v", err)
	}
	if len(authorization) > 0 {
		req.Header["Authorization"] = slices.Clone(authorization)
	}
	return Do(tb, req)
}

// Do sends req with [http.DefaultClient] and returns the answer, body read in
// full. It is [Send] for the requests Send cannot make: with other headers, a
// body or a context. It calls tb.Fatal when the request fails or the body
// cannot be read.
func Do(tb testing.TB, req *http.Request) Response {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("mcpauthtest: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("mcpauthtest: %s %s: reading the body: %v", req.Method, req.URL, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}
