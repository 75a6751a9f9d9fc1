package mcpauth

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// maxRedirects is the number of redirects a request to an authorization
// server may follow (the fourth is refused).
const maxRedirects = 3

// urlPolicy says which URLs this package may request from an authorization
// server: the first URL of every request (discovery, JWKS, and any other
// request made through a fetcher) and every redirect hop alike.
//
//   - https, or http to a loopback host (localhost, 127.0.0.0/8, ::1) for
//     local development and tests;
//   - never an IP literal that is link-local (169.254.0.0/16, fe80::/10,
//     where cloud metadata services live), unspecified (0.0.0.0, ::) or
//     multicast; the default client also refuses to connect to such an
//     address whatever name resolved to it;
//   - no redirect from https to http, and at most maxRedirects redirects.
//
// allowInsecure (Config.AllowInsecureHTTP, FetchOptions.AllowInsecureHTTP)
// lifts the https and address rules, never the redirect limit.
type urlPolicy struct {
	allowInsecure bool
}

// check applies the policy to one URL.
func (p urlPolicy) check(u *url.URL) error {
	if u.Scheme != "https" && u.Scheme != "http" {
		return &policyError{fmt.Errorf("refused %s: only https (or http to a loopback host) is requested", u.Redacted())}
	}
	if u.Host == "" {
		return &policyError{fmt.Errorf("refused %s: no host", u.Redacted())}
	}
	if p.allowInsecure {
		return nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(strings.TrimSuffix(host, ".")); err == nil {
		if err := checkAddr(ip); err != nil {
			return &policyError{fmt.Errorf("refused %s: %w", u.Redacted(), err)}
		}
	}
	if u.Scheme == "http" && !isLoopbackHost(host) {
		return &policyError{fmt.Errorf("refused %s: http is only requested from loopback hosts (set AllowInsecureHTTP to allow it)", u.Redacted())}
	}
	return nil
}

// checkAddr refuses the addresses no authorization server should be reached
// at: link-local (cloud metadata endpoints), unspecified (which dials the
// local host) and multicast.
func checkAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	switch {
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return fmt.Errorf("the address %s is link-local", ip)
	case ip.IsUnspecified():
		return fmt.Errorf("the address %s is unspecified", ip)
	case ip.IsMulticast():
		return fmt.Errorf("the address %s is multicast", ip)
	}
	return nil
}

// checkRedirect returns the CheckRedirect of the fetcher's client: the
// policy for every hop, then the client's own CheckRedirect (next), if any.
func (p urlPolicy) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return &policyError{fmt.Errorf("stopped after %d redirects", maxRedirects)}
		}
		if !p.allowInsecure && via[len(via)-1].URL.Scheme == "https" && req.URL.Scheme != "https" {
			return &policyError{fmt.Errorf("refused a redirect from https to %s", req.URL.Redacted())}
		}
		if err := p.check(req.URL); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// dialControl refuses, at connection time, the addresses checkAddr refuses,
// whatever host name resolved to them. It is part of the default client's
// transport; a client given in the configuration keeps its own transport.
func dialControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &policyError{fmt.Errorf("refused to connect to %q: %w", address, err)}
	}
	if err := checkAddr(ap.Addr()); err != nil {
		return &policyError{fmt.Errorf("refused to connect: %w", err)}
	}
	return nil
}

// newDefaultTransport is the transport of the default client: Go's default
// transport (proxy from the environment, HTTP/2, idle connection reuse),
// with a connect timeout and, unless allowInsecure, dialControl.
func newDefaultTransport(allowInsecure bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowInsecure {
		d.Control = dialControl
	}
	t.DialContext = d.DialContext
	return t
}

// The default transports, shared by every fetcher so that connections are
// reused: one with the address policy, one without (AllowInsecureHTTP).
var (
	defaultTransport         = newDefaultTransport(false)
	defaultInsecureTransport = newDefaultTransport(true)
)

// policyClient returns the client a fetcher uses: a copy of c (or, when c is
// nil, a client on the default transport) whose CheckRedirect applies p to
// every hop before c's own CheckRedirect. The default client has no Timeout
// of its own: each request is bounded by the fetcher's timeout (FetchTimeout)
// alone. A Timeout set on c still applies as well.
func (p urlPolicy) policyClient(c *http.Client) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	} else if p.allowInsecure {
		out.Transport = defaultInsecureTransport
	} else {
		out.Transport = defaultTransport
	}
	out.CheckRedirect = p.checkRedirect(out.CheckRedirect)
	return &out
}

// policyError is a refusal by the URL policy: a configuration problem that
// retrying does not cure.
type policyError struct{ err error }

func (e *policyError) Error() string { return e.err.Error() }
func (e *policyError) Unwrap() error { return e.err }

// isPolicyError reports whether err comes from the URL policy.
func isPolicyError(err error) bool {
	var pe *policyError
	return errors.As(err, &pe)
}
