package mcpauth

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"github.com/go-mcpauth/mcpauth/core/internal/clientreq"
)

// serverState is the runtime side of one trusted authorization server: its
// metadata (given, or discovered lazily) and its key set. There is one per
// issuer, shared by every resource that trusts it.
type serverState struct {
	issuer    string
	typ       ServerType
	allowHTTP bool
	fetch     *fetcher
	policy    *keyPolicy

	meta     atomic.Pointer[AuthServerMetadata]
	group    singleflight.Group
	failures backoff

	keysOnce sync.Mutex
	keys     atomic.Pointer[keySet]

	warned atomic.Bool // the client requirements were checked and logged
}

// metadata returns the server's metadata, discovering it on first use: one
// fetch at a time, a failure remembered only for the backoff pause.
func (s *serverState) metadata(ctx context.Context) (*AuthServerMetadata, error) {
	if m := s.meta.Load(); m != nil {
		return m, nil
	}
	if wait, err := s.failures.blocked(s.policy.now()); err != nil {
		return nil, unavailable(err, wait)
	}
	ch := s.group.DoChan("discover", func() (any, error) {
		if m := s.meta.Load(); m != nil {
			return m, nil
		}
		return s.discover(context.WithoutCancel(ctx))
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*AuthServerMetadata), nil
	case <-ctx.Done():
		return nil, &Error{Code: CodeServerUnavailable, Detail: "the request ended while waiting for the metadata of " + s.issuer, Err: ctx.Err(), RetryAfter: minRetryBackoff}
	}
}

// discover performs one discovery, checks the result and stores it.
func (s *serverState) discover(ctx context.Context) (*AuthServerMetadata, error) {
	start := s.policy.now()
	wellKnown, _ := DiscoveryURL(s.issuer, s.typ) // the issuer was checked by New
	m, err := s.fetch.discover(ctx, s.issuer, wellKnown)
	if err == nil {
		err = checkServerMetadata(m, s.allowHTTP)
	}
	var warnings []string
	if err == nil {
		warnings = s.checkClientRequirements(m)
	}
	s.policy.obs.discoveryFetched(DiscoveryEvent{Issuer: s.issuer, URL: wellKnown, Duration: s.policy.now().Sub(start), Err: err, Warnings: warnings})
	if err != nil {
		wait := s.failures.fail(s.policy.now(), err)
		s.policy.log.Warn("mcpauth: authorization server discovery failed", "issuer", s.issuer, "url", wellKnown, "retry_in", wait, "error", err)
		return nil, unavailable(err, wait)
	}
	s.failures.succeed()
	s.meta.Store(m)
	s.policy.log.Debug("mcpauth: authorization server discovered", "issuer", s.issuer, "url", wellKnown)
	return m, nil
}

// keySet returns the issuer's key set, created once its jwks_uri is known.
func (s *serverState) keySet(ctx context.Context) (*keySet, error) {
	if ks := s.keys.Load(); ks != nil {
		return ks, nil
	}
	m, err := s.metadata(ctx)
	if err != nil {
		return nil, err
	}
	if m.JWKSURI == "" {
		return nil, &Error{Code: CodeMissingJWKSURI, Detail: fmt.Sprintf("the metadata of %s has no jwks_uri", s.issuer)}
	}
	s.keysOnce.Lock()
	defer s.keysOnce.Unlock()
	if ks := s.keys.Load(); ks != nil {
		return ks, nil
	}
	ks := newKeySet(s.issuer, m.JWKSURI, s.fetch, s.policy)
	s.keys.Store(ks)
	return ks, nil
}

// checkServerMetadata applies what verification needs of metadata beyond
// the issuer match (made when it is decoded or configured): the URL policy
// of jwks_uri. Its absence is reported when keys are first needed, since a
// custom verifier does not need it. What MCP clients need is only warned
// about: see checkClientRequirements.
func checkServerMetadata(m *AuthServerMetadata, allowHTTP bool) error {
	if m.JWKSURI != "" {
		if err := checkEndpointURL("jwks_uri", m.JWKSURI, allowHTTP); err != nil {
			return err
		}
	}
	return nil
}

// checkClientRequirements logs, once per issuer whatever the number of
// requests or discovery attempts, what m lacks that MCP clients need (the
// code flow with PKCE S256, a way to register): a resource server does not
// need it to verify tokens, so it is never a refusal (Microsoft Entra ID,
// for one, publishes no code_challenge_methods_supported). It returns the
// codes of the unmet requirements the first time, nil afterwards.
func (s *serverState) checkClientRequirements(m *AuthServerMetadata) []string {
	if s.warned.Swap(true) {
		return nil
	}
	unmet := clientreq.Unmet(m.clientRequirements())
	if len(unmet) == 0 {
		return nil
	}
	codes := make([]string, len(unmet))
	descs := make([]string, len(unmet))
	for i, f := range unmet {
		codes[i], descs[i] = string(f.Code), f.Description
	}
	s.policy.log.Warn("mcpauth: the authorization server lacks what MCP clients need; its tokens are still verified",
		"issuer", s.issuer, "codes", strings.Join(codes, ","), "details", strings.Join(descs, " "))
	return codes
}

// checkEndpointURL requires an absolute https URL; http is accepted for
// loopback hosts (local development and tests) or when allowHTTP is set.
func checkEndpointURL(what, raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return configError("%s %q must be an absolute https URL", what, raw)
	}
	if u.Scheme == "http" && !allowHTTP && !isLoopbackHost(u.Hostname()) {
		return configError("%s %q uses http: https is required except for loopback hosts (set Config.AllowInsecureHTTP to allow it)", what, raw)
	}
	return nil
}

// isLoopbackHost reports whether host is localhost or a loopback IP address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
