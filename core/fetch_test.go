package mcpauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Every redirect hop passes the URL policy, whatever the first URL was.
func TestRedirectPolicy(t *testing.T) {
	req := func(u string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cases := []struct {
		name     string
		to       string
		via      []string
		ok       bool
		insecure bool // AllowInsecureHTTP
	}{
		{"https to https", "https://b.example.com/jwks", []string{"https://a.example.com/jwks"}, true, false},
		{"http loopback to http loopback", "http://127.0.0.1:2/jwks", []string{"http://127.0.0.1:1/jwks"}, true, false},
		{"http loopback to localhost", "http://localhost:2/jwks", []string{"http://127.0.0.1:1/jwks"}, true, false},
		{"http loopback to [::1]", "http://[::1]:2/jwks", []string{"http://127.0.0.1:1/jwks"}, true, false},
		{"http loopback to https", "https://b.example.com/jwks", []string{"http://127.0.0.1:1/jwks"}, true, false},
		{"http loopback to http non-loopback", "http://b.example.com/jwks", []string{"http://127.0.0.1:1/jwks"}, false, false},
		{"http loopback to link-local metadata", "http://169.254.169.254/latest/meta-data", []string{"http://127.0.0.1:1/jwks"}, false, false},
		{"https to link-local over https", "https://169.254.169.254/jwks", []string{"https://a.example.com/jwks"}, false, false},
		{"to IPv4-mapped link-local", "https://[::ffff:169.254.169.254]/jwks", []string{"https://a.example.com/jwks"}, false, false},
		{"to IPv6 link-local", "https://[fe80::1]/jwks", []string{"https://a.example.com/jwks"}, false, false},
		{"to unspecified 0.0.0.0", "https://0.0.0.0/jwks", []string{"https://a.example.com/jwks"}, false, false},
		{"to unspecified ::", "https://[::]/jwks", []string{"https://a.example.com/jwks"}, false, false},
		{"to multicast", "https://224.0.0.1/jwks", []string{"https://a.example.com/jwks"}, false, false},
		{"https to http", "http://b.example.com/jwks", []string{"https://a.example.com/jwks"}, false, false},
		{"https to http loopback", "http://127.0.0.1/jwks", []string{"https://a.example.com/jwks"}, false, false},
		{"https to https to http", "http://c.example.com/jwks", []string{"https://a.example.com/jwks", "https://b.example.com/jwks"}, false, false},
		{"to file", "file:///etc/passwd", []string{"https://a.example.com/jwks"}, false, false},
		{"third redirect", "https://d.example.com/jwks", []string{"https://a.example.com", "https://b.example.com", "https://c.example.com"}, true, false},
		{"fourth redirect", "https://e.example.com/jwks", []string{"https://a.example.com", "https://b.example.com", "https://c.example.com", "https://d.example.com"}, false, false},
		{"insecure: http non-loopback", "http://b.example.com/jwks", []string{"http://a.example.com/jwks"}, true, true},
		{"insecure: https to http", "http://b.example.com/jwks", []string{"https://a.example.com/jwks"}, true, true},
		{"insecure: link-local", "http://169.254.169.254/jwks", []string{"http://a.example.com/jwks"}, true, true},
		{"insecure: fourth redirect", "https://e.example.com/jwks", []string{"https://a.example.com", "https://b.example.com", "https://c.example.com", "https://d.example.com"}, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var via []*http.Request
			for _, v := range c.via {
				via = append(via, req(v))
			}
			client := urlPolicy{allowInsecure: c.insecure}.policyClient(nil)
			err := client.CheckRedirect(req(c.to), via)
			if (err == nil) != c.ok {
				t.Fatalf("got %v, want ok=%v", err, c.ok)
			}
			if err != nil && !isPolicyError(err) {
				t.Fatalf("%v is not marked as a policy refusal", err)
			}
		})
	}
}

// The client's own CheckRedirect still runs, after the policy.
func TestRedirectPolicyKeepsClientCheck(t *testing.T) {
	mine := errors.New("my policy")
	c := urlPolicy{}.policyClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return mine }})
	r, _ := http.NewRequest(http.MethodGet, "https://b.example.com", nil)
	v, _ := http.NewRequest(http.MethodGet, "https://a.example.com", nil)
	if err := c.CheckRedirect(r, []*http.Request{v}); !errors.Is(err, mine) {
		t.Fatalf("got %v", err)
	}
	r, _ = http.NewRequest(http.MethodGet, "http://b.example.com", nil)
	if err := c.CheckRedirect(r, []*http.Request{v}); err == nil || errors.Is(err, mine) {
		t.Fatalf("the policy did not run first: %v", err)
	}
}

// The default transport refuses to connect to the addresses the policy
// refuses, whatever name resolved to them.
func TestDialControl(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:443":               true,
		"[::1]:443":                   true,
		"93.184.216.34:443":           true,
		"10.0.0.7:443":                true,
		"169.254.169.254:80":          false,
		"[fe80::1%eth0]:443":          false,
		"[::ffff:169.254.169.254]:80": false,
		"0.0.0.0:443":                 false,
		"[::]:443":                    false,
		"224.0.0.1:443":               false,
	} {
		if err := dialControl("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("%s: got %v, want ok=%v", addr, err, ok)
		}
	}
}

// The documented limit is the enforced one: 3 redirects are followed, a
// fourth is refused; every hop is a real request on a loopback server.
func TestRedirectLimitEnforced(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err == nil && n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(`{"keys":[]}`))
	}))
	defer srv.Close()
	f := newFetcher(nil, 0, 0, false)
	if _, err := f.get(context.Background(), srv.URL+"/hop/3"); err != nil {
		t.Fatalf("3 redirects: %v", err)
	}
	_, err := f.get(context.Background(), srv.URL+"/hop/4")
	var e *Error
	if !errors.As(err, &e) || e.retryable || !strings.Contains(err.Error(), "stopped after 3 redirects") {
		t.Fatalf("4 redirects: got %v, want a non-retryable refusal", err)
	}
}

// deadlineRecorder is a transport that records the deadline of each request
// and answers it.
type deadlineRecorder struct{ deadline time.Time }

func (d *deadlineRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	d.deadline, _ = r.Context().Deadline()
	return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
}

// FetchTimeout means what it says: a setting above 10 s is the deadline of
// the request (the default client used to cut it at its own 10 s Timeout),
// and a short setting ends a slow request in time.
func TestFetchTimeoutHonoured(t *testing.T) {
	for _, timeout := range []time.Duration{30 * time.Second, 2 * time.Minute, 3 * time.Second} {
		f := newFetcher(nil, timeout, 0, false)
		rec := &deadlineRecorder{}
		f.client.Transport = rec // keep every other setting of the client
		start := time.Now()
		if _, err := f.get(context.Background(), "https://as.example.com/jwks"); err != nil {
			t.Fatal(err)
		}
		if got := rec.deadline.Sub(start); got < timeout-time.Second || got > timeout+time.Second {
			t.Errorf("FetchTimeout %s: the request's deadline is %s away", timeout, got)
		}
	}

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	f := newFetcher(nil, 100*time.Millisecond, 0, false)
	start := time.Now()
	_, err := f.get(context.Background(), slow.URL+"/jwks")
	var e *Error
	if !errors.As(err, &e) || !e.retryable || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a retryable deadline error", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("a 100 ms FetchTimeout ended the request after %s", waited)
	}
}

// The first URL passes the same policy as the hops.
func TestFetchFirstURLPolicy(t *testing.T) {
	for _, u := range []string{"http://as.example.com/jwks", "https://169.254.169.254/jwks", "ftp://as.example.com/jwks"} {
		_, err := newFetcher(nil, 0, 0, false).get(context.Background(), u)
		var e *Error
		if !errors.As(err, &e) || e.retryable || !isPolicyError(err) {
			t.Errorf("%s: got %v", u, err)
		}
	}
}

// send, the way any other request (an introspection POST) must go, applies
// the policy to its URL, and never follows a redirect of a request other
// than GET: the redirect comes back as it is, its target is never asked.
func TestFetcherSendAppliesPolicy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/introspect", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	f := newFetcher(nil, time.Second, 0, false)
	post := func(u string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, u, strings.NewReader("token=x"))
		if err != nil {
			t.Fatal(err)
		}
		return f.send(req)
	}
	if resp, err := post("http://as.example.com/introspect"); !isPolicyError(err) {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("POST to a non-loopback http URL: got %v, want a refusal of the URL policy", err)
	}
	resp, err := post(srv.URL + "/introspect")
	if err != nil {
		t.Fatalf("POST answered with a redirect: %v, want the redirect itself", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || resp.Request.URL.Host != strings.TrimPrefix(srv.URL, "http://") {
		t.Fatalf("POST: status %d from %s, want the 307 of the first URL, not followed", resp.StatusCode, resp.Request.URL)
	}
}
