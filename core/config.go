package mcpauth

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config describes the protected resources an MCP server exposes and the
// authorization servers each one trusts (the resource-server mode of the MCP
// authorization specification since 2025-06-18).
type Config struct {
	// ProtectedResources are the resources (usually one: the MCP endpoint)
	// this server protects.
	ProtectedResources []ProtectedResource

	// HTTPClient makes the discovery and JWKS requests. Default: a client on
	// Go's default transport that refuses to connect to link-local,
	// unspecified and multicast addresses (unless AllowInsecureHTTP).
	// Whatever the client, every URL requested and every redirect hop must
	// pass the policy of AllowInsecureHTTP, and at most 3 redirects are
	// followed; the client's own CheckRedirect runs after that policy.
	HTTPClient *http.Client
	// FetchTimeout bounds each discovery or JWKS request, redirects, headers
	// and body included. Default [DefaultFetchTimeout] (10 s). The default
	// client has no timeout of its own; a Timeout set on HTTPClient applies
	// as well, so the shorter of the two wins.
	FetchTimeout time.Duration
	// MaxResponseBytes bounds a discovery document or JWKS; larger ones are
	// refused. Default [DefaultMaxResponseBytes] (1 MiB).
	MaxResponseBytes int64
	// KeyRefreshInterval is how long a fetched JWKS is used when its response
	// has no Cache-Control max-age (a max-age is honoured, bounded by
	// 1 min and 24 h; no-store and no-cache count as zero). A background
	// refresh starts at 80 % of the lifetime; a request that finds the set
	// expired waits for a refresh, and keeps the old keys if it fails. Once
	// a refresh has failed, requests use the old keys at once while the
	// refresh is retried in the background (after a pause of 1 s, doubling
	// up to 30 s), so that a server that hangs does not delay them.
	// Zero means 10 min.
	KeyRefreshInterval time.Duration
	// UnknownKeyRefreshInterval is the smallest gap between two JWKS fetches
	// caused by a token whose kid is not cached, or whose signature fails
	// with a cached key (key rotation). A request never waits for this
	// limiter: it joins a fetch already running, or uses keys fetched since
	// it looked, and when no fetch is allowed it is refused at once with
	// 401. Zero means 30 s.
	UnknownKeyRefreshInterval time.Duration
	// AllowInsecureHTTP accepts http:// issuers and JWKS URIs on hosts other
	// than loopback, and requests to link-local or unspecified addresses.
	// Default false: every URL requested from an authorization server, the
	// first and every redirect hop, must be https (http only to localhost or
	// a loopback address), must not be a link-local (169.254.0.0/16,
	// fe80::/10: cloud metadata), unspecified or multicast address, and a
	// redirect from https to http is refused.
	AllowInsecureHTTP bool
	// Logger receives configuration warnings and key-set events (never a
	// token). Default slog.Default().
	Logger *slog.Logger
	// Observer, when set, receives key-set, discovery and cache events
	// (its nil fields are skipped). Default none.
	Observer *Observer
}

// ProtectedResource is one protected resource and its RFC 9728 metadata.
// Every field but AuthorizationServers is published as is; empty fields are
// left out of the document.
type ProtectedResource struct {
	// Resource is the resource identifier (RFC 8707 / RFC 9728 §2): an
	// absolute http(s) URL without fragment, e.g. "https://api.example.com/mcp".
	Resource string
	// AuthorizationServers are the servers whose tokens the resource accepts;
	// published as the list of their issuers.
	AuthorizationServers []AuthServer

	ScopesSupported                       []string
	BearerMethodsSupported                []string
	ResourceName                          string
	ResourceDocumentation                 string
	ResourcePolicyURI                     string
	ResourceTOSURI                        string
	JWKSURI                               string
	ResourceSigningAlgValuesSupported     []string
	TLSClientCertificateBoundAccessTokens bool
	AuthorizationDetailsTypesSupported    []string
	DPoPSigningAlgValuesSupported         []string
	DPoPBoundAccessTokensRequired         bool
}

// Auth holds the verified configuration: the protected resources, their
// authorization servers (one shared state per issuer: metadata and keys) and
// the pre-rendered metadata documents. Create it once with [New]; it is safe
// for concurrent use.
type Auth struct {
	resources map[string]*resourceState // by Resource identifier
	order     []*resourceState
	servers   map[string]*serverState // by issuer
	public    map[string][]byte       // decoded metadata path -> document
	fetch     *fetcher
	policy    *keyPolicy
	log       *slog.Logger
	allowHTTP bool
}

// resourceState is one protected resource, ready to serve.
type resourceState struct {
	resource    string
	servers     []*serverState
	issuers     []string
	metadataURL string
	document    []byte // the RFC 9728 JSON document
}

// New checks cfg and builds an Auth. Every configuration error is reported
// here (as an *Error with code invalid_server_config or
// invalid_server_metadata), never first at request time: no resource,
// an invalid or duplicated resource identifier, two resources whose metadata
// would be served at the same path, an invalid or duplicated issuer, given
// metadata whose issuer does not match or whose jwks_uri breaks the URL
// policy. What the metadata lacks for MCP clients (PKCE, the code flow,
// registration) is logged as a warning once per issuer, never refused.
// New makes no network request: discovered servers are fetched on first use
// (call [Auth.Prefetch] to fetch them at start-up).
func New(cfg Config) (*Auth, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	var obs Observer
	if cfg.Observer != nil {
		obs = *cfg.Observer
	}
	a := &Auth{
		resources: map[string]*resourceState{},
		servers:   map[string]*serverState{},
		fetch:     newFetcher(cfg.HTTPClient, cfg.FetchTimeout, cfg.MaxResponseBytes, cfg.AllowInsecureHTTP),
		log:       log,
		allowHTTP: cfg.AllowInsecureHTTP,
		policy: &keyPolicy{
			refreshInterval: orDefault(cfg.KeyRefreshInterval, defaultKeyRefreshInterval),
			unknownInterval: orDefault(cfg.UnknownKeyRefreshInterval, defaultUnknownKeyRefreshInterval),
			now:             time.Now,
			log:             log,
			obs:             obs,
		},
	}
	if len(cfg.ProtectedResources) == 0 {
		return nil, configError("no protected resource: set Config.ProtectedResources")
	}
	paths := map[string]string{}
	for _, pr := range cfg.ProtectedResources {
		rs, err := a.addResource(pr)
		if err != nil {
			return nil, err
		}
		path := metadataPath(rs.metadataURL)
		if other, dup := paths[path]; dup {
			return nil, configError("resources %q and %q would both publish their metadata at %s", other, pr.Resource, path)
		}
		paths[path] = pr.Resource
	}
	a.public = a.publicDocuments()
	return a, nil
}

// addResource checks and registers one protected resource.
func (a *Auth) addResource(pr ProtectedResource) (*resourceState, error) {
	if err := checkResourceIdentifier(pr.Resource, a.allowHTTP); err != nil {
		return nil, err
	}
	if _, dup := a.resources[pr.Resource]; dup {
		return nil, configError("the resource %q is configured twice", pr.Resource)
	}
	mdURL, err := resourceMetadataURL(pr.Resource)
	if err != nil {
		return nil, err
	}
	rs := &resourceState{resource: pr.Resource, metadataURL: mdURL}
	seen := map[string]bool{}
	for _, as := range pr.AuthorizationServers {
		iss := as.issuer()
		if seen[iss] {
			return nil, configError("the authorization server %q is configured twice for resource %q", iss, pr.Resource)
		}
		seen[iss] = true
		s, err := a.addServer(as)
		if err != nil {
			return nil, err
		}
		rs.servers = append(rs.servers, s)
		rs.issuers = append(rs.issuers, iss)
	}
	if rs.document, err = renderResourceMetadata(pr, rs.issuers); err != nil {
		return nil, err
	}
	a.resources[pr.Resource] = rs
	a.order = append(a.order, rs)
	return rs, nil
}

// addServer checks an authorization server and returns its shared state.
// The same issuer may be trusted by several resources if it is configured
// the same way each time.
func (a *Auth) addServer(as AuthServer) (*serverState, error) {
	iss := as.issuer()
	if iss == "" {
		return nil, configError("an authorization server has no issuer")
	}
	if _, err := parseIssuer(iss); err != nil {
		return nil, err
	}
	if err := checkEndpointURL("issuer", iss, a.allowHTTP); err != nil {
		return nil, err
	}
	typ := as.Type
	if typ == "" {
		typ = OIDC
	}
	if typ != OIDC && typ != OAuth {
		return nil, configError("authorization server %q has type %q: expected %q or %q", iss, typ, OIDC, OAuth)
	}
	if as.Metadata != nil && as.Metadata.Issuer != iss {
		return nil, &Error{Code: CodeInvalidServerMetadata, Detail: fmt.Sprintf("authorization server configured with issuer %q but its metadata says %q", iss, as.Metadata.Issuer)}
	}
	if existing, ok := a.servers[iss]; ok {
		if existing.typ != typ || (as.Metadata != nil) != (existing.meta.Load() != nil) {
			return nil, configError("the authorization server %q is configured twice in different ways", iss)
		}
		return existing, nil
	}
	s := &serverState{issuer: iss, typ: typ, allowHTTP: a.allowHTTP, fetch: a.fetch, policy: a.policy}
	if as.Metadata != nil {
		m := *as.Metadata
		if err := checkServerMetadata(&m, a.allowHTTP); err != nil {
			return nil, err
		}
		s.checkClientRequirements(&m)
		s.meta.Store(&m)
	}
	a.servers[iss] = s
	return s, nil
}

// checkResourceIdentifier applies RFC 8707 §2 and RFC 9728 §1.2: an absolute
// URI with a host and no fragment. http is accepted like for issuers.
func checkResourceIdentifier(resource string, allowHTTP bool) error {
	if resource == "" {
		return configError("a protected resource has no Resource identifier")
	}
	u, err := url.Parse(resource)
	if err != nil {
		return configError("resource %q is not a URL: %v", resource, err)
	}
	if u.Fragment != "" || u.RawFragment != "" || strings.IndexByte(resource, '#') >= 0 {
		return configError("resource %q must not have a fragment (RFC 8707 §2)", resource)
	}
	return checkEndpointURL("resource", resource, allowHTTP)
}

// orDefault returns d when v is not positive.
func orDefault(v, d time.Duration) time.Duration {
	if v <= 0 {
		return d
	}
	return v
}
