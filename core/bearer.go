package mcpauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultLeeway is the clock skew allowed on exp, nbf and iat: 60 s, as in
// the Python reference library and Envoy (the JavaScript reference allows
// none, which makes tokens fail on servers whose clocks differ slightly).
const DefaultLeeway = 60 * time.Second

// BearerOptions configures one bearer check: which resource it protects and
// what a token must hold to pass.
type BearerOptions struct {
	// Resource is the protected resource identifier, one of
	// Config.ProtectedResources; required. It selects the trusted authorization servers and is the
	// resource_metadata of the challenges.
	Resource string
	// Audience is the value the token's "aud" must be (or contain, for an
	// array): the RFC 8707 binding of a token to this resource that the MCP
	// specification requires. Default: Resource. Set SkipAudienceCheck to
	// accept any audience.
	Audience string
	// SkipAudienceCheck accepts tokens whatever their audience. Only for
	// authorization servers that cannot put the resource in "aud"; such
	// tokens can be replayed against any resource of the same server.
	SkipAudienceCheck bool
	// RequiredScopes must all be granted; the missing ones are listed, in
	// this order, in the 403 answer. They are also the "scope" of every
	// challenge, which MCP clients request on their next authorization.
	RequiredScopes []string
	// MethodScopes are the scopes a JSON-RPC method needs on top of
	// RequiredScopes, by method name, e.g. {"resources/read":
	// {"read:files"}}. ToolScopes are the scopes a tools/call needs on top
	// of RequiredScopes and of MethodScopes["tools/call"], by tool name
	// (params.name), e.g. {"delete-todo": {"delete:todos"}}. A method or
	// tool not listed needs nothing more. Checked by the request flow
	// ([Edge.Dispatch], hence [Bearer.Middleware] and every adapter), not by
	// [Bearer.Authenticate], which sees no body: the flow reads the
	// request body (see BodyPeekLimit), gives it back intact to the next
	// handler, and refuses a token lacking a scope of the operations in it
	// with 403 insufficient_scope (RFC 6750 §3.1), whose challenge's scope
	// attribute lists the scopes the request needs: RequiredScopes, then
	// those of its operations. That is the MCP step-up (MCP 2025-11-25,
	// Authorization, "Scope challenge handling"): the client authorizes
	// again for those scopes and retries. The challenge does not add the
	// scopes the token already holds: RFC 6750 §3.1 defines scope as the
	// scopes necessary to access the resource, and the MCP revision after
	// 2025-11-25 (SEP-2350) leaves keeping earlier scopes to the client.
	//
	// Which operations a body holds: every message of a JSON-RPC batch
	// counts (a batch needs the scopes of all its entries); keys are matched
	// as any JSON decoder might ("method", "METHOD" and duplicated keys all
	// count); a body that is not JSON, or a request without a body (GET,
	// DELETE), needs nothing more, and the MCP SDK answers it as usual. A
	// body the flow cannot read (larger than BodyPeekLimit, or with a
	// Content-Encoding other than identity) needs every scope of
	// MethodScopes and ToolScopes. With [Edge.Optional], a request without
	// credentials whose operations need a scope is refused with 401.
	//
	// Scope names follow the rules of RequiredScopes; an empty method or
	// tool name is a configuration error. The maps are copied. Default:
	// none, and the body is never read.
	MethodScopes map[string][]string
	ToolScopes   map[string][]string
	// BodyPeekLimit bounds how much of a request body the flow reads for
	// MethodScopes and ToolScopes (the bytes read are held in memory while
	// the request is served). A larger body is still given intact to the
	// next handler, and needs every scope of MethodScopes and ToolScopes.
	// Zero means 4 MiB, the go-sdk's default limit of a request body
	// (mcp.DefaultMaxRequestBodyBytes), so that every body the SDK accepts
	// by default is checked; negative values are refused.
	BodyPeekLimit int64
	// Leeway is the clock skew allowed on exp, nbf and iat in JWT mode.
	// Zero means DefaultLeeway (60 s); a negative value allows none.
	Leeway time.Duration
	// ShowErrorDetails adds a "cause" object to error bodies: what was
	// expected and found, or why the token was refused. It never contains
	// the token or its claims. Default false.
	ShowErrorDetails bool
	// LibraryErrorCodes puts this package's codes (missing_bearer_token,
	// invalid_audience, ...) in the challenge's error attribute, as the
	// reference libraries do, instead of the RFC 6750 codes that MCP
	// clients act on. Default false.
	LibraryErrorCodes bool
	// Realm, when set, is the realm attribute of the challenges.
	Realm string
	// TokenCacheSize bounds the verified-token cache of JWT mode: a token
	// seen again skips the parse and the signature check, while its expiry,
	// the presence of its key in the issuer's JWKS and the issuer, audience
	// and scope requirements are checked on every request. Entries are keyed
	// by the token's SHA-256 (the token is not kept), never outlive the
	// token's "exp" nor TokenCacheMaxAge, die when their key leaves the JWKS,
	// and only successful verifications are stored. Zero means
	// 10,000 entries (about 1 KiB each for a typical
	// token); a negative value disables the cache.
	TokenCacheSize int
	// TokenCacheMaxAge bounds how long a verification is reused. Zero means
	// 5 min.
	TokenCacheMaxAge time.Duration
	// ScopeClaims chooses the claims whose values are the caller's grants:
	// they become AuthInfo.Scopes and are what RequiredScopes checks. Each
	// entry is a claim name or a dotted path into nested objects, such as
	// "roles" (Microsoft Entra ID app roles), "permissions" (Auth0 RBAC),
	// "realm_access.roles" or "resource_access.<client>.roles" (Keycloak);
	// a claim whose exact name contains dots (Auth0's namespaced
	// "https://example.com/roles") is found first. A value is a string of
	// space-separated values, an array of strings, or an object whose member
	// names are the values (ZITADEL's project roles); the values of every
	// listed claim present are merged in order without duplicates, and a
	// value that is not an RFC 6749 §3.3 scope-token (a role name with a
	// space) is left out. List the scope claim too to keep it:
	// []string{"scp", "roles"}. Default nil: the first present of "scope",
	// "scopes" and "scp". A VerifyFunc whose AuthInfo has no Claims keeps
	// its Scopes.
	ScopeClaims []string
	// AcceptedClientIDs binds tokens that carry no "aud" claim to this
	// resource by their client: such a token passes the audience check when
	// its client_id (else azp) is listed. For providers whose access tokens
	// have no audience (Amazon Cognito); tokens with an "aud" must still
	// match Audience. Prefer it to SkipAudienceCheck, which accepts tokens
	// issued to any client for any resource. Default none.
	AcceptedClientIDs []string
}

// Bearer checks the bearer tokens of requests to one protected resource.
// Build it with [Auth.BearerAuth]; it is safe for concurrent use.
// [Bearer.Middleware] and the adapters run it through the request flow
// ([Edge.Dispatch]), which calls [Bearer.Authenticate] and answers refusals
// with [Bearer.ErrorResponse].
type Bearer struct {
	opts         BearerOptions
	audience     string
	servers      map[string]*serverState
	issuers      []string
	jwt          *jwtVerifier
	parser       *jwt.Parser   // golang-jwt's, with the verifier's and these options
	parserLeeway time.Duration // the leeway of parser, for error details
	verify       VerifyFunc
	now          func() time.Time
	metadataURL  string
	scopeParam   string
	cache        *tokenCache
	obs          Observer
	public       map[string][]byte // the Auth's public documents, by decoded path
	grants       *grantRules       // ScopeClaims and AcceptedClientIDs (grants.go)
	ops          *operationScopes  // nil without MethodScopes and ToolScopes
	intro        *introspector     // Introspection or JWTOrIntrospection (introspection*.go)
}

// BearerAuth builds the bearer check of one resource, with v verifying the
// tokens: [JWT] or a [VerifyFunc]. Every configuration error is reported
// here: a missing or unknown Resource, a nil or misconfigured verifier.
func (a *Auth) BearerAuth(v Verifier, opts BearerOptions) (*Bearer, error) {
	b := &Bearer{opts: opts, servers: map[string]*serverState{}, now: a.policy.now, obs: a.policy.obs, public: a.public}
	var iv *introspectionVerifier
	if both, ok := v.(*jwtOrIntrospection); ok {
		if v, iv, ok = both.split(); !ok {
			return nil, configError("JWTOrIntrospection needs a mcpauth.JWT() and a mcpauth.Introspection() verifier")
		}
	}
	switch vv := v.(type) {
	case *introspectionVerifier:
		iv = vv
	case *jwtVerifier:
		if err := vv.check(); err != nil {
			return nil, err
		}
		b.jwt = vv
	case VerifyFunc:
		if vv == nil {
			return nil, configError("the VerifyFunc is nil")
		}
		b.verify = vv
	case nil:
		return nil, configError("no verifier: pass mcpauth.JWT() or a mcpauth.VerifyFunc")
	default:
		return nil, configError("unsupported verifier %T", v)
	}
	if opts.Resource == "" {
		return nil, configError("BearerOptions.Resource is required: it must be one of the configured protected resources")
	}
	rs, ok := a.resources[opts.Resource]
	if !ok {
		known := make([]string, len(a.order))
		for i, r := range a.order {
			known[i] = r.resource
		}
		return nil, configError("BearerOptions.Resource %q is not a configured protected resource (configured: %s)", opts.Resource, strings.Join(known, ", "))
	}
	for _, s := range rs.servers {
		b.servers[s.issuer] = s
	}
	b.issuers = rs.issuers
	b.metadataURL = rs.metadataURL
	if len(b.issuers) == 0 {
		return nil, configError("resource %q trusts no authorization server: set its AuthorizationServers", opts.Resource)
	}
	b.audience = opts.Audience
	if b.audience == "" && !opts.SkipAudienceCheck {
		b.audience = opts.Resource
	}
	if err := checkScopes("RequiredScopes", opts.RequiredScopes); err != nil {
		return nil, err
	}
	ops, err := newOperationScopes(opts)
	if err != nil {
		return nil, err
	}
	b.ops = ops
	b.scopeParam = strings.Join(opts.RequiredScopes, " ")
	if b.grants, err = newGrantRules(opts); err != nil {
		return nil, err
	}
	leeway := opts.Leeway
	switch {
	case leeway == 0:
		leeway = DefaultLeeway
	case leeway < 0:
		leeway = 0
	}
	if b.jwt != nil {
		b.parser, b.parserLeeway = newParser(b.jwt, leeway, b.now), leeway
		size := opts.TokenCacheSize
		if size == 0 {
			size = defaultTokenCacheSize
		}
		b.cache = newTokenCache(size, orDefault(opts.TokenCacheMaxAge, defaultTokenCacheMaxAge))
	}
	if iv != nil {
		if b.intro, err = newIntrospector(a, b, iv, leeway); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// ResourceMetadataURL returns the resource_metadata URL of b's challenges.
func (b *Bearer) ResourceMetadataURL() string { return b.metadataURL }

// Authenticate checks the request's credentials, given every value of its
// Authorization header in order: none or one empty value is
// [CodeMissingAuthHeader], the scheme alone [CodeMissingBearerToken], two
// values, another scheme or a token outside RFC 6750's b64token
// [CodeInvalidAuthHeaderFormat] (RFC 6750 §2.1; the token is never read from
// the query string). It returns the caller's AuthInfo, or an error to answer
// with [Bearer.ErrorResponse]: a new *Error each time, or, from a
// VerifyFunc, an error wrapping one or wrapping the verifier's own failure
// (read it with errors.As, test it with errors.Is and a [Code], never with a
// type assertion). Most callers use [Edge.Dispatch] (through the middleware or
// an adapter) rather than Authenticate.
//
// In order: the token is extracted; verified (JWT mode, with golang-jwt's
// Parser: the JOSE header's members, structure, algorithm allow-list, then
// in its Keyfunc duplicate claims, the issuer among the resource's trusted
// servers before any network request, typ, claim types and NumericDate
// ranges, the issuer's keys; then the signature and exp/nbf/iat with
// leeway; custom mode: the VerifyFunc); then its issuer must be trusted,
// its audience must match and every required scope must be granted.
func (b *Bearer) Authenticate(ctx context.Context, authorization ...string) (*AuthInfo, error) {
	info, err := b.verifyCredentials(ctx, authorization)
	if err != nil {
		return nil, err
	}
	if err := b.assert(info, nil, ""); err != nil {
		return nil, err
	}
	return info, nil
}

// verifyCredentials extracts and verifies the token: Authenticate without
// the audience and scope requirements.
func (b *Bearer) verifyCredentials(ctx context.Context, authorization []string) (*AuthInfo, error) {
	token, err := splitBearer(authorization)
	if err != nil {
		return nil, err
	}
	var info *AuthInfo
	if b.intro != nil && (b.jwt == nil || !looksLikeJWS(token)) {
		if info, err = b.intro.verify(ctx, token); err == nil {
			info, err = b.grants.apply(info)
		}
	} else if b.jwt != nil {
		if info, err = b.verifyJWT(ctx, token); err != nil {
			err = explainNotJWT(token, err)
		}
	} else if err = checkB64Token(token); err == nil {
		if info, err = b.verifyCustom(ctx, token); err == nil {
			info, err = b.grants.apply(info)
		}
	}
	if err != nil {
		return nil, err
	}
	return info, nil
}

// verifyCustom runs the user's VerifyFunc and normalises its result.
func (b *Bearer) verifyCustom(ctx context.Context, token string) (*AuthInfo, error) {
	info, err := b.verify(ctx, token)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code.isBearerCode() {
			return nil, &tokenBearingError{err: err, token: token}
		}
		var code Code
		if errors.As(err, &code) && code.isBearerCode() {
			e := &Error{Code: code}
			if err != code { //nolint:errorlint // identity, not a match: a bare Code needs no wrapping
				// keep what the verifier said around the code
				e.Err = err
			}
			return nil, &tokenBearingError{err: e, token: token}
		}
		return nil, &tokenBearingError{err: fmt.Errorf("the VerifyFunc failed: %w", err), token: token}
	}
	if info == nil {
		return nil, &Error{Code: CodeTokenVerificationFailed, Detail: "the VerifyFunc returned neither an AuthInfo nor an error"}
	}
	if info.Token == "" {
		info.Token = token
	}
	if _, trusted := b.servers[info.Issuer]; !trusted {
		return nil, &Error{Code: CodeInvalidIssuer, Expected: strings.Join(b.issuers, ", "), Actual: info.Issuer,
			Detail: fmt.Sprintf("expected one of %s, found %q", strings.Join(b.issuers, ", "), info.Issuer)}
	}
	return info, nil
}

// assert applies the audience and scope requirements: RequiredScopes and
// need, the scopes of the request's operations (unchecked says why they are
// every per-operation scope, when they are).
func (b *Bearer) assert(info *AuthInfo, need []string, unchecked string) error {
	if b.audience != "" && !slices.Contains(info.Audience, b.audience) && !b.grants.boundByClient(info) {
		var actual any
		if info.Audience != nil {
			actual = info.Audience
		}
		return &Error{Code: CodeInvalidAudience, Expected: b.audience, Actual: actual,
			Detail: fmt.Sprintf("expected %q, found %s", b.audience, describeAudience(info.Audience))}
	}
	required := b.opts.RequiredScopes
	if len(need) > 0 {
		required = appendNew(slices.Clip(required), need)
	}
	var missing []string
	for _, s := range required {
		if !slices.Contains(info.Scopes, s) {
			missing = append(missing, s)
		}
	}
	if missing != nil {
		return missingScopes(required, missing, len(need) > 0, unchecked)
	}
	return nil
}

// describeAudience renders the audience of a token for an error detail.
func describeAudience(aud []string) string {
	if len(aud) == 0 {
		return "no audience"
	}
	return fmt.Sprintf("%q", aud)
}
