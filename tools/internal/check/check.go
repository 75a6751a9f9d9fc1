// Package check tells whether an MCP server's authorization works end to end,
// from what a user has: the MCP server's URL. It is the engine of the
// mcpauth-check command.
//
// From the MCP server URL it finds the protected resource metadata (RFC 9728)
// the way an MCP client does, from the resource_metadata of the 401
// challenge, else at the well-known path; then it checks each authorization
// server listed there, and, given a token, whether this library verifies it
// for that resource. [RunIssuer] checks one authorization server directly.
//
// Every check of an authorization server is made with the mcpauth core's own
// code, so that a server the checker passes is one mcpauth.New and
// mcpauth.JWT accept: [mcpauth.DiscoveryURL] and [mcpauth.FetchServerConfig]
// for discovery and the issuer comparison (RFC 8414 §3.3), package inspect
// for what MCP clients need and for the key set, and a real [mcpauth.Bearer]
// for the token. What only MCP clients need (the code flow, PKCE S256, a way
// to register) is a warning, as it is for the resource server: a resource
// server never refuses a token for it.
//
// Resource indicators (RFC 8707) have no standard metadata member, so support
// for them cannot be read from the discovery document. The check passes when
// the document carries the non-standard hint "resource_indicators_supported":
// true, and warns otherwise (absent, or false): the way to know is to request
// a token with a resource parameter and look at its "aud" claim, which the
// mcpauth bearer check requires to be the resource by default.
package check

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/inspect"
)

// Status is the outcome of one check.
type Status string

// The outcomes of a check. Only Fail makes the report fail.
const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip" // not checked: a check it depends on did not pass
)

// The checks of an authorization server, in the order they are reported.
const (
	IDIssuerURL                = "issuer-url"
	IDDiscovery                = "discovery"
	IDIssuerMatch              = "issuer-match"
	IDMetadata                 = "metadata"
	IDClientMetadata           = "client-metadata"
	IDResponseTypeCode         = "response-type-code"
	IDAuthorizationCode        = "authorization-code-grant"
	IDPKCE                     = "pkce"
	IDPKCES256                 = "pkce-s256"
	IDDynamicRegistration      = "dynamic-registration"
	IDClientIDMetadataDocument = "client-id-metadata-document"
	IDResourceIndicators       = "resource-indicators"
	IDJWKSURI                  = "jwks-uri"
	IDJWKS                     = "jwks"
	IDSigningKeys              = "signing-keys"
	IDSkippedKeys              = "skipped-keys"
)

// checks lists every check of an authorization server with its title.
var checks = []struct{ id, title string }{
	{IDIssuerURL, "Issuer identifier"},
	{IDDiscovery, "Discovery document"},
	{IDIssuerMatch, "Issuer matches (RFC 8414 §3.3)"},
	{IDMetadata, "Metadata names its issuer"},
	{IDClientMetadata, "Endpoints MCP clients use (RFC 8414 §2)"},
	{IDResponseTypeCode, `Response type "code"`},
	{IDAuthorizationCode, "Authorization code grant"},
	{IDPKCE, "PKCE (RFC 7636)"},
	{IDPKCES256, "PKCE method S256"},
	{IDDynamicRegistration, "Dynamic client registration (RFC 7591)"},
	{IDClientIDMetadataDocument, "Client ID metadata documents"},
	{IDResourceIndicators, "Resource indicators (RFC 8707)"},
	{IDJWKSURI, "jwks_uri"},
	{IDJWKS, "JWKS reachable and parseable"},
	{IDSigningKeys, "Signing keys usable by mcpauth"},
	{IDSkippedKeys, "Keys mcpauth skips"},
}

// inspectChecks maps the codes of inspect.ServerMetadata to checks.
var inspectChecks = map[inspect.Code]string{
	inspect.InvalidServerMetadata:           IDMetadata,
	inspect.ServerMetadataValid:             IDMetadata,
	inspect.MetadataIncomplete:              IDClientMetadata,
	inspect.MetadataComplete:                IDClientMetadata,
	inspect.CodeResponseTypeMissing:         IDResponseTypeCode,
	inspect.CodeResponseTypeOK:              IDResponseTypeCode,
	inspect.AuthorizationCodeMissing:        IDAuthorizationCode,
	inspect.AuthorizationCodeOK:             IDAuthorizationCode,
	inspect.PKCENotSupported:                IDPKCE,
	inspect.PKCESupported:                   IDPKCE,
	inspect.S256NotSupported:                IDPKCES256,
	inspect.S256Supported:                   IDPKCES256,
	inspect.DynamicRegistrationMissing:      IDDynamicRegistration,
	inspect.DynamicRegistrationFound:        IDDynamicRegistration,
	inspect.ClientIDMetadataDocumentMissing: IDClientIDMetadataDocument,
	inspect.ClientIDMetadataDocumentFound:   IDClientIDMetadataDocument,
}

// ResourceIndicatorsHint is the non-standard discovery member read as a claim
// of RFC 8707 support (RFC 8707 registers no metadata member).
const ResourceIndicatorsHint = "resource_indicators_supported"

// Result is the outcome of one check.
type Result struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
}

// Summary counts the results by status.
type Summary struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

func (s *Summary) add(results []Result) {
	for _, c := range results {
		switch c.Status {
		case Pass:
			s.Pass++
		case Warn:
			s.Warn++
		case Fail:
			s.Fail++
		case Skip:
			s.Skip++
		}
	}
}

// Report is the outcome of [Run] or [RunIssuer].
type Report struct {
	// Target is what was checked: the MCP server URL, or the issuer.
	Target string `json:"target"`
	// Resource is the check of the MCP server and its protected resource
	// metadata; nil for [RunIssuer].
	Resource *ResourceReport `json:"resource,omitempty"`
	// AuthorizationServers are the checks of each authorization server,
	// in the order the metadata lists them.
	AuthorizationServers []*ServerReport `json:"authorization_servers"`
	// Token is the verification of the token given in Options.Token; nil
	// when none was given.
	Token *TokenReport `json:"token,omitempty"`
	// OK is true when no check failed.
	OK      bool    `json:"ok"`
	Summary Summary `json:"summary"`
}

// Failed reports whether a check failed.
func (r *Report) Failed() bool { return r.Summary.Fail > 0 }

// Server returns the report of the authorization server issuer.
func (r *Report) Server(issuer string) (*ServerReport, bool) {
	for _, s := range r.AuthorizationServers {
		if s.Issuer == issuer {
			return s, true
		}
	}
	return nil, false
}

// finish counts the results of every part.
func (r *Report) finish() *Report {
	r.Summary = Summary{}
	if r.Resource != nil {
		r.Summary.add(r.Resource.Checks)
	}
	for _, s := range r.AuthorizationServers {
		r.Summary.add(s.Checks)
	}
	if r.Token != nil {
		r.Summary.add([]Result{r.Token.Result})
	}
	r.OK = r.Summary.Fail == 0
	return r
}

// ServerReport is the outcome of the checks of one authorization server.
type ServerReport struct {
	// Issuer is the issuer identifier that was checked.
	Issuer string `json:"issuer"`
	// Type is the kind of discovery document that was used; empty when none
	// could be fetched.
	Type mcpauth.ServerType `json:"type,omitempty"`
	// DiscoveryURL is where that document was fetched from.
	DiscoveryURL string `json:"discovery_url,omitempty"`
	// JWKSURI is the document's jwks_uri.
	JWKSURI string `json:"jwks_uri,omitempty"`
	// OK is true when none of its checks failed.
	OK      bool     `json:"ok"`
	Summary Summary  `json:"summary"`
	Checks  []Result `json:"checks"`
	// Keys are the usable keys of the JWKS; SkippedKeys the ones mcpauth
	// leaves out, and why.
	Keys        []inspect.JWKInfo    `json:"keys,omitempty"`
	SkippedKeys []inspect.JWKProblem `json:"skipped_keys,omitempty"`
}

// Result returns the result of the check with that ID.
func (r *ServerReport) Result(id string) (Result, bool) {
	return findResult(r.Checks, id)
}

func findResult(results []Result, id string) (Result, bool) {
	i := slices.IndexFunc(results, func(c Result) bool { return c.ID == id })
	if i < 0 {
		return Result{}, false
	}
	return results[i], true
}

// Options tunes [Run] and [RunIssuer]. The zero value uses the defaults.
type Options struct {
	// Type is the discovery to use; empty tries OpenID Connect, then
	// OAuth 2.0 (RFC 8414).
	Type mcpauth.ServerType
	// Token, when set, is an access token to verify as the MCP server
	// would (see [TokenReport]). It is never printed.
	Token string
	// Audience is the audience the token must carry; default the resource
	// of the protected resource metadata. With [RunIssuer] and no Audience
	// the audience is not checked.
	Audience string
	// HTTPClient makes the requests. Default: a client that follows at most
	// 3 redirects.
	HTTPClient *http.Client
	// Timeout bounds each request, headers and body. Default
	// [mcpauth.DefaultFetchTimeout].
	Timeout time.Duration
	// MaxResponseBytes bounds each response. Default
	// [mcpauth.DefaultMaxResponseBytes].
	MaxResponseBytes int64
	// UserAgent is sent with every request. Default "mcpauth-check".
	UserAgent string
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = mcpauth.DefaultFetchTimeout
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = mcpauth.DefaultMaxResponseBytes
	}
	if o.UserAgent == "" {
		o.UserAgent = "mcpauth-check"
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{
			Timeout: o.Timeout,
			CheckRedirect: func(_ *http.Request, via []*http.Request) error {
				if len(via) >= 3 {
					return errors.New("stopped after 3 redirects")
				}
				return nil
			},
		}
	}
	return o
}

// RunIssuer checks the authorization server of issuer, and the token of
// opts if any. It makes at most three requests for the server (two
// discovery documents and the JWKS), each bounded by Options.Timeout and
// ctx. It never returns nil.
func RunIssuer(ctx context.Context, issuer string, opts Options) *Report {
	o := opts.withDefaults()
	s := checkServer(ctx, issuer, o)
	rep := &Report{Target: issuer, AuthorizationServers: []*ServerReport{s}}
	if o.Token != "" {
		rep.Token = checkToken(ctx, o, "", []*ServerReport{s})
	}
	return rep.finish()
}

// checkServer runs the checks of one authorization server.
func checkServer(ctx context.Context, issuer string, o Options) *ServerReport {
	r := &report{ServerReport: ServerReport{Issuer: issuer}, results: map[string]Result{}}
	r.run(ctx, o)
	return r.finish()
}

// report accumulates results while the checks of a server run.
type report struct {
	ServerReport
	results map[string]Result
	skipped string // why the checks not run were skipped
}

func (r *report) set(id string, s Status, format string, args ...any) {
	detail := format
	if len(args) > 0 {
		detail = fmt.Sprintf(format, args...)
	}
	r.results[id] = Result{ID: id, Status: s, Detail: detail}
}

// finish puts the results in order, marks the checks that did not run as
// skipped and counts.
func (r *report) finish() *ServerReport {
	out := r.ServerReport
	out.Checks = make([]Result, 0, len(checks))
	seen := map[string]bool{}
	for _, c := range checks {
		res, ok := r.results[c.id]
		if !ok {
			res = Result{ID: c.id, Status: Skip, Detail: r.skipReason(c.id)}
		}
		res.Title = c.title
		out.Checks = append(out.Checks, res)
		seen[c.id] = true
	}
	// Results of checks this package does not know (new codes of
	// package inspect) come last, in a stable order.
	var extra []string
	for id := range r.results {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		res := r.results[id]
		res.Title = id
		out.Checks = append(out.Checks, res)
	}
	out.Summary.add(out.Checks)
	out.OK = out.Summary.Fail == 0
	return &out
}

// skipReason says why a check did not run.
func (r *report) skipReason(id string) string {
	switch id {
	case IDPKCES256:
		if res, ok := r.results[IDPKCE]; ok && res.Status != Pass {
			return "not checked: PKCE is not supported"
		}
	case IDJWKS, IDSigningKeys, IDSkippedKeys:
		if res, ok := r.results[IDJWKSURI]; ok && res.Status == Fail {
			return "not checked: no usable jwks_uri"
		}
		if res, ok := r.results[IDJWKS]; ok && res.Status == Fail {
			return "not checked: the JWKS could not be read"
		}
	}
	if r.skipped != "" {
		return "not checked: " + r.skipped
	}
	return "not checked"
}

func (r *report) run(ctx context.Context, o Options) {
	if !r.checkIssuerURL() {
		r.skipped = "the issuer identifier is not valid"
		return
	}
	d, ok := r.discover(ctx, o)
	if !ok {
		r.skipped = "no discovery document"
		return
	}
	r.Type, r.DiscoveryURL = d.typ, d.url
	r.checkMetadata(d)
	r.checkResourceIndicators(d)
	r.checkKeys(ctx, o, d.metadata.JWKSURI)
}

// checkIssuerURL checks the issuer with mcpauth's rules: an absolute http(s)
// URL without query or fragment (RFC 8414 §2), https except on loopback hosts.
func (r *report) checkIssuerURL() bool {
	if _, err := mcpauth.DiscoveryURL(r.Issuer, mcpauth.OIDC); err != nil {
		r.set(IDIssuerURL, Fail, "%s", describe(err))
		return false
	}
	s, detail := checkEndpointURL(r.Issuer)
	r.set(IDIssuerURL, s, "%s", detail)
	return true
}

// checkMetadata runs inspect.ServerMetadata on the document: a missing
// issuer fails, what MCP clients need and lack is a warning.
func (r *report) checkMetadata(d *discovered) {
	res := inspect.ServerMetadata(d.metadata)
	add := func(issues []inspect.Issue, s Status) {
		for _, is := range issues {
			id, ok := inspectChecks[is.Code]
			if !ok {
				id = string(is.Code)
			}
			r.set(id, s, "%s", is.Description)
		}
	}
	add(res.Successes, Pass)
	add(res.Warnings, Warn)
	add(res.Errors, Fail)
}

// checkResourceIndicators reads the non-standard RFC 8707 hint.
func (r *report) checkResourceIndicators(d *discovered) {
	switch v, ok := d.raw[ResourceIndicatorsHint]; {
	case !ok:
		r.set(IDResourceIndicators, Warn, "cannot be verified from metadata (RFC 8707 defines no metadata member): request a token with resource=<your MCP server URL> and check that its aud is that URL, as mcpauth requires by default")
	case v == true:
		r.set(IDResourceIndicators, Pass, "advertised by the non-standard member %q", ResourceIndicatorsHint)
	default:
		r.set(IDResourceIndicators, Warn, "%s is %s: tokens may not carry the MCP server in aud, which mcpauth requires by default (see BearerOptions.Audience)", ResourceIndicatorsHint, jsonString(v))
	}
}

// describe returns the most useful text of an error of mcpauth.
func describe(err error) string {
	var e *mcpauth.Error
	if errors.As(err, &e) && e.Detail != "" {
		s := e.Detail
		if e.Err != nil {
			s += ": " + e.Err.Error()
		}
		return s
	}
	return strings.TrimPrefix(err.Error(), "mcpauth: ")
}
