package mcpauthtest

import (
	"crypto"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// defaultJWKSCacheControl is the Cache-Control header of JWKS responses unless
// SetJWKSCacheControl says otherwise.
const defaultJWKSCacheControl = "max-age=300"

// Issuer is a local OAuth 2.0 / OpenID Connect issuer running on an
// httptest.Server bound to 127.0.0.1. Create one with NewIssuer or
// MustNewIssuer and stop it with Close. All methods are safe for concurrent
// use, including while the server handles requests.
type Issuer struct {
	cfg    config
	srv    *httptest.Server
	url    string // issuer identifier, no trailing slash
	closed chan struct{}
	once   sync.Once

	mu           sync.RWMutex
	keys         map[string]*signingKey // all keys, published or not
	order        []string               // all key IDs in creation order
	published    []string               // published key IDs in JWKS order
	defaultKID   string
	jwksJSON     []byte // generated JWKS
	jwksBody     []byte // override set by SetJWKSBody; nil means generated
	cacheControl string

	fault         atomic.Pointer[faultFunc]
	jwksRequests  atomic.Int64
	discRequests  atomic.Int64
	introRequests atomic.Int64

	opaqueMu   sync.Mutex
	opaque     map[string]*opaqueToken     // issued opaque tokens by value
	clients    map[string]string           // confidential clients: secret by ID
	clientKeys map[string]crypto.PublicKey // private_key_jwt clients: key by ID
}

type faultFunc func(w http.ResponseWriter, r *http.Request) bool

// NewIssuer generates the signing keys and starts the issuer on 127.0.0.1 at a
// random port. By default it has one RS256, one ES256 and one EdDSA key, all
// published in the JWKS, and the RS256 key is the default signing key (see
// WithAlgorithms). The caller must call Close when done.
func NewIssuer(opts ...Option) (*Issuer, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	keys, err := generateKeys(cfg.algs, cfg.rsaBits)
	if err != nil {
		return nil, err
	}

	i := &Issuer{
		cfg:          cfg,
		closed:       make(chan struct{}),
		keys:         make(map[string]*signingKey, len(keys)),
		cacheControl: defaultJWKSCacheControl,
		opaque:       map[string]*opaqueToken{},
		clients:      map[string]string{ClientID: ClientSecret},
	}
	for id, secret := range cfg.clients {
		i.clients[id] = secret
	}
	i.clientKeys = cfg.clientKeys
	for _, k := range keys {
		i.keys[k.kid] = k
		i.order = append(i.order, k.kid)
	}
	i.published = slices.Clone(i.order)
	i.defaultKID = keys[0].kid
	i.buildJWKSLocked()

	// Listen first so that the issuer URL is known before the first request.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mcpauthtest: listen: %w", err)
	}
	i.url = "http://" + l.Addr().String() + cfg.path
	i.srv = httptest.NewUnstartedServer(http.HandlerFunc(i.serveHTTP))
	i.srv.Listener.Close()
	i.srv.Listener = l
	i.srv.Start()
	return i, nil
}

// MustNewIssuer is NewIssuer for tests: it calls tb.Fatal if NewIssuer fails
// and registers Close with tb.Cleanup.
func MustNewIssuer(tb testing.TB, opts ...Option) *Issuer {
	tb.Helper()
	i, err := NewIssuer(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(i.Close)
	return i
}

// URL returns the issuer identifier, without a trailing slash, for example
// "http://127.0.0.1:41234" or, with WithPath("/tenant-a"),
// "http://127.0.0.1:41234/tenant-a". It is the "iss" of minted tokens and
// the "issuer" of the discovery document.
func (i *Issuer) URL() string {
	return i.url
}

// JWKSURL returns the URL of the JWKS endpoint, URL() + "/jwks".
func (i *Issuer) JWKSURL() string {
	return i.url + "/jwks"
}

// OpenIDConfigurationURL returns the URL of the OpenID Connect discovery
// document, URL() + "/.well-known/openid-configuration".
func (i *Issuer) OpenIDConfigurationURL() string {
	return i.url + oidcSuffix
}

// OAuthMetadataURL returns the URL of the RFC 8414 authorization server
// metadata, with the well-known segment inserted between the host and the
// issuer path.
func (i *Issuer) OAuthMetadataURL() string {
	return i.srv.URL + oauthPrefix + i.cfg.path
}

// Client returns an HTTP client for the issuer's server; its idle connections
// are closed when the issuer is closed. Any other client works too.
func (i *Issuer) Client() *http.Client {
	return i.srv.Client()
}

// Close stops the server. Requests in flight are aborted: their contexts are
// canceled and WithLatency delays end. Close may be called more than once.
func (i *Issuer) Close() {
	i.once.Do(func() {
		close(i.closed)
		i.srv.CloseClientConnections()
		i.srv.Close()
	})
}

// SetFault installs a hook that sees every request before the issuer handles
// it; if the hook returns true it has written the response and the issuer does
// nothing more. A nil f restores normal behaviour. Requests taken over by the
// hook still count in JWKSRequests and DiscoveryRequests. The hook may run
// concurrently for several requests. A hook that blocks should return when
// r.Context() is done, which happens at the latest when the issuer is closed.
func (i *Issuer) SetFault(f func(w http.ResponseWriter, r *http.Request) bool) {
	if f == nil {
		i.fault.Store(nil)
		return
	}
	ff := faultFunc(f)
	i.fault.Store(&ff)
}

// SetJWKSBody makes the JWKS endpoint serve body verbatim, with Content-Type
// application/json, instead of the generated JWKS; for example a JWKS with a
// malformed key next to the good ones (see JWKSJSON), or invalid JSON. A nil
// body restores the generated JWKS; an empty non-nil body serves an empty
// response. The slice is copied.
func (i *Issuer) SetJWKSBody(body []byte) {
	var b []byte
	if body != nil {
		b = append([]byte{}, body...)
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.jwksBody = b
}

// SetJWKSCacheControl sets the Cache-Control header of JWKS responses. The
// default is "max-age=300"; "" omits the header.
func (i *Issuer) SetJWKSCacheControl(v string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.cacheControl = v
}

// JWKSRequests returns how many requests the JWKS endpoint has received,
// including failed ones and ones taken over by the fault hook.
func (i *Issuer) JWKSRequests() int {
	return int(i.jwksRequests.Load())
}

// DiscoveryRequests returns how many requests the two discovery endpoints
// (OpenID Connect and RFC 8414) have received together, including failed ones
// and ones taken over by the fault hook.
func (i *Issuer) DiscoveryRequests() int {
	return int(i.discRequests.Load())
}

// ResetCounters sets JWKSRequests, DiscoveryRequests and
// IntrospectionRequests back to zero.
func (i *Issuer) ResetCounters() {
	i.jwksRequests.Store(0)
	i.discRequests.Store(0)
	i.introRequests.Store(0)
}
