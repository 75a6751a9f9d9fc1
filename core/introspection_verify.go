package mcpauth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"
)

// introspector is the runtime side of an Introspection verifier for one
// Bearer: the servers to ask, the credentials, the cache and the
// coalescing of identical requests.
type introspector struct {
	targets      []*introspectionTarget
	clientID     string
	secret       string
	method       string
	basic        string           // the precomputed Authorization header of client_secret_basic
	assertion    *assertionSigner // private_key_jwt
	fetch        *fetcher
	cache        *introspectionCache
	group        singleflight.Group
	maxAge       time.Duration // < 0: active answers are not cached
	negAge       time.Duration // < 0: refusals are not cached
	maxTokenSize int
	leeway       time.Duration // on exp, nbf and iat
	now          func() time.Time
	log          *slog.Logger
	allowHTTP    bool
}

// introspectionTarget is one authorization server asked.
type introspectionTarget struct {
	server   *serverState
	endpoint string        // configured; empty: the metadata's
	explicit bool          // named in IntrospectionOptions.Issuers
	slots    chan struct{} // bounds the requests in flight
	failures backoff       // server-level failures pause the requests
}

// newIntrospector checks v against the resource b protects and builds its
// runtime state.
func newIntrospector(a *Auth, b *Bearer, v *introspectionVerifier, leeway time.Duration) (*introspector, error) {
	if err := v.check(); err != nil {
		return nil, err
	}
	o := v.opts
	for iss, ep := range o.Endpoints {
		if _, ok := b.servers[iss]; !ok {
			return nil, configError("IntrospectionOptions.Endpoints names %q, which is not an authorization server of resource %q (trusted: %s)", iss, b.opts.Resource, describeIssuers(b.issuers))
		}
		if err := checkEndpointURL("introspection endpoint", ep, a.allowHTTP); err != nil {
			return nil, err
		}
	}
	order := o.Issuers
	explicit := len(order) > 0
	if !explicit {
		order = b.issuers
	}
	seen := map[string]bool{}
	slots := o.MaxConcurrent
	if slots == 0 {
		slots = defaultIntrospectionConcurrency
	}
	in := &introspector{
		clientID:     o.ClientID,
		secret:       o.ClientSecret,
		method:       o.ClientAuthMethod,
		fetch:        a.fetch,
		maxAge:       o.MaxAge,
		negAge:       o.NegativeMaxAge,
		maxTokenSize: o.MaxTokenSize,
		leeway:       leeway,
		now:          a.policy.now,
		log:          a.log,
		allowHTTP:    a.allowHTTP,
	}
	for _, iss := range order {
		s, ok := b.servers[iss]
		if !ok {
			return nil, configError("IntrospectionOptions.Issuers names %q, which is not an authorization server of resource %q (trusted: %s)", iss, b.opts.Resource, describeIssuers(b.issuers))
		}
		if seen[iss] {
			return nil, configError("IntrospectionOptions.Issuers names %q twice", iss)
		}
		seen[iss] = true
		in.targets = append(in.targets, &introspectionTarget{server: s, endpoint: o.Endpoints[iss], explicit: explicit, slots: make(chan struct{}, slots)})
	}
	if in.maxAge == 0 {
		in.maxAge = defaultIntrospectionMaxAge
	}
	if in.negAge == 0 {
		in.negAge = defaultIntrospectionNegativeMaxAge
	}
	if in.maxTokenSize == 0 {
		in.maxTokenSize = DefaultMaxTokenBytes
	}
	size := o.CacheSize
	if size == 0 {
		size = defaultIntrospectionCacheSize
	}
	if in.maxAge > 0 || in.negAge > 0 {
		in.cache = newIntrospectionCache(size)
	}
	switch {
	case in.method == "" && o.PrivateKey != nil:
		in.method = PrivateKeyJWT
	case in.method == "":
		in.method = ClientSecretBasic
	}
	if in.method == PrivateKeyJWT {
		signer, err := newAssertionSigner(o.ClientID, o.PrivateKeyID, o.PrivateKey)
		if err != nil {
			return nil, err
		}
		in.assertion = signer
	}
	if in.method == ClientSecretBasic {
		// RFC 6749 §2.3.1: each credential is form-urlencoded before Basic.
		in.basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(o.ClientID)+":"+url.QueryEscape(o.ClientSecret)))
	}
	return in, nil
}

// verify returns the AuthInfo of an opaque token: from the cache, from an
// introspection already in flight for the same token, or from a new one.
func (in *introspector) verify(ctx context.Context, token string) (*AuthInfo, error) {
	if len(token) > in.maxTokenSize {
		return nil, tokenError("the token is %d bytes long, over the %d-byte limit", len(token), in.maxTokenSize)
	}
	d := digest(token)
	if in.cache != nil {
		if e := in.cache.get(d, in.now()); e != nil {
			return e.result(token) // a cached token passed the checks below
		}
	}
	if err := checkB64Token(token); err != nil {
		return nil, err
	}
	return in.load(ctx, d, token)
}

// load introspects a token that is not cached, sharing the request with
// concurrent callers carrying the same token. (A function of its own so
// that the digest escapes to the heap on a miss only.)
func (in *introspector) load(ctx context.Context, d tokenDigest, token string) (*AuthInfo, error) {
	ch := in.group.DoChan(string(d[:]), func() (any, error) {
		if in.cache != nil {
			if e := in.cache.get(d, in.now()); e != nil {
				return e, nil
			}
		}
		// The request outlives a caller that gives up: others may share it.
		e, err := in.introspect(context.WithoutCancel(ctx), token)
		if err != nil {
			return nil, err
		}
		if in.cache != nil {
			in.cache.put(d, e, in.now())
		}
		return e, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*introspectionEntry).result(token)
	case <-ctx.Done():
		return nil, &Error{Code: CodeServerUnavailable, Detail: "the request ended while waiting for token introspection", Err: ctx.Err(), RetryAfter: minRetryBackoff}
	}
}

// result returns the request's own copy of a cached answer: a new
// AuthInfo, Scopes and Audience (Claims stays shared, documented read-only),
// so that a handler that edits its AuthInfo does not change what the next
// request with the token sees.
func (e *introspectionEntry) result(token string) (*AuthInfo, error) {
	if e.err != nil {
		var ee *Error
		if errors.As(e.err, &ee) {
			cp := *ee // a new *Error each time, as every refusal of this package
			return nil, &cp
		}
		return nil, e.err
	}
	return e.info.forRequest(token), nil
}

// introspect asks the target servers in order until one says the token is
// active. The returned entry is an answer about the token (to cache); the
// error is a failure to get one (never cached).
func (in *introspector) introspect(ctx context.Context, token string) (*introspectionEntry, error) {
	var failure error
	var refusal error
	asked := 0
	for _, t := range in.targets {
		info, exp, err := in.ask(ctx, t, token)
		switch {
		case errors.Is(err, errNoEndpoint):
			continue
		case err == nil:
			return in.positive(info, exp), nil
		}
		asked++
		var e *Error
		if errors.As(err, &e) && e.Code.isBearerCode() {
			// errors.Is with errNotActive: *Error.Is matches any error
			// of the same code.
			if !errors.Is(err, errNotActive) {
				// The server answered about the token and the answer refuses
				// it (wrong issuer, bad claims): no other server is asked.
				return in.negative(err), nil
			}
			if refusal == nil {
				refusal = err
			}
			continue
		}
		if failure == nil {
			failure = err
		}
	}
	switch {
	case failure != nil:
		return nil, failure
	case asked == 0:
		return nil, &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription,
			Detail: fmt.Sprintf("no trusted authorization server (%s) publishes an introspection_endpoint: set IntrospectionOptions.Endpoints", describeIssuers(in.issuers()))}
	}
	return in.negative(refusal), nil
}

// issuers lists the targets' issuers.
func (in *introspector) issuers() []string {
	out := make([]string, len(in.targets))
	for i, t := range in.targets {
		out[i] = t.server.issuer
	}
	return out
}

// positive is the cache entry of an active token: kept until the earlier of
// its exp and the maximum age.
func (in *introspector) positive(info *AuthInfo, exp time.Time) *introspectionEntry {
	stored := *info
	stored.Token = ""
	e := &introspectionEntry{info: &stored, expires: in.now().Add(in.maxAge)}
	if !exp.IsZero() && exp.Before(e.expires) {
		e.expires = exp
	}
	return e
}

// negative is the cache entry of a refused token.
func (in *introspector) negative(err error) *introspectionEntry {
	return &introspectionEntry{err: err, expires: in.now().Add(in.negAge)}
}

// inactive is the refusal of a token the server says is not active.
func inactive() *Error {
	return &Error{Code: CodeInvalidToken, Detail: "the authorization server says the token is not active (RFC 7662 §2.2)", Err: errNotActive}
}

// Sentinels of introspect's loop.
var (
	errNoEndpoint = errors.New("no introspection endpoint")
	errNotActive  = errors.New(`"active": false`)
)

// ask introspects token at one server. It returns the AuthInfo of an active
// token; a bearer-code *Error when the server's answer refuses the token
// (inactive() for "active": false); errNoEndpoint when the server was not
// named explicitly and publishes no endpoint; any other error when the
// server could not be used.
func (in *introspector) ask(ctx context.Context, t *introspectionTarget, token string) (*AuthInfo, time.Time, error) {
	endpoint, err := in.endpoint(ctx, t)
	if err != nil {
		return nil, time.Time{}, err
	}
	if wait, ferr := t.failures.blocked(in.now()); ferr != nil {
		return nil, time.Time{}, unavailable(ferr, wait)
	}
	if err := t.acquire(ctx, in.fetch.timeout); err != nil {
		return nil, time.Time{}, err
	}
	defer t.release()

	form := url.Values{"token": {token}, "token_type_hint": {"access_token"}}
	authz := in.basic
	switch in.method {
	case ClientSecretPost:
		form.Set("client_id", in.clientID)
		form.Set("client_secret", in.secret)
	case PrivateKeyJWT:
		assertion, err := in.assertion.sign(t.server.issuer, in.now())
		if err != nil {
			return nil, time.Time{}, &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription, Detail: "signing the client assertion", Err: err}
		}
		form.Set("client_id", in.clientID)
		form.Set("client_assertion_type", clientAssertionType)
		form.Set("client_assertion", assertion)
	}
	res, err := in.fetch.postForm(ctx, endpoint, form, authz)
	if err != nil {
		return nil, time.Time{}, in.fail(t, endpoint, transportError(endpoint, err))
	}
	if err := in.checkStatus(t, endpoint, res); err != nil {
		return nil, time.Time{}, err
	}
	t.failures.succeed()
	return in.decode(t.server.issuer, endpoint, res)
}

// endpoint returns the introspection endpoint of t.
func (in *introspector) endpoint(ctx context.Context, t *introspectionTarget) (string, error) {
	if t.endpoint != "" {
		return t.endpoint, nil
	}
	m, err := t.server.metadata(ctx)
	if err != nil {
		return "", err
	}
	if m.IntrospectionEndpoint == "" {
		if !t.explicit {
			return "", errNoEndpoint
		}
		return "", &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription,
			Detail: fmt.Sprintf("the metadata of %s has no introspection_endpoint: set IntrospectionOptions.Endpoints", t.server.issuer)}
	}
	if err := checkEndpointURL("introspection_endpoint", m.IntrospectionEndpoint, in.allowHTTP); err != nil {
		return "", err
	}
	return m.IntrospectionEndpoint, nil
}

// acquire takes a request slot, waiting at most wait.
func (t *introspectionTarget) acquire(ctx context.Context, wait time.Duration) error {
	select {
	case t.slots <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case t.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &Error{Code: CodeServerUnavailable, Detail: "gave up waiting for a free introspection slot for " + t.server.issuer, Err: ctx.Err(), RetryAfter: minRetryBackoff}
	case <-timer.C:
		return &Error{Code: CodeServerUnavailable, Detail: fmt.Sprintf("all %d introspection slots for %s stayed busy", cap(t.slots), t.server.issuer), RetryAfter: minRetryBackoff}
	}
}

// release frees a request slot.
func (t *introspectionTarget) release() { <-t.slots }

// transportError describes a request that got no usable answer.
func transportError(endpoint string, err error) *Error {
	var se *sizeError
	switch {
	case errors.As(err, &se):
		return &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription, Detail: "POST " + endpoint + ": " + se.Error()}
	case errors.Is(err, errRedirected), isPolicyError(err):
		// A configuration problem, not a transient failure: 500.
		return &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription, Detail: "POST " + endpoint, Err: err}
	}
	return &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription, Detail: "POST " + endpoint, Err: err, retryable: true}
}

// fail records a failure of t: server-level failures (network errors,
// timeouts, 429, 502-504, refused client credentials) pause further
// requests to t for the backoff (1 s doubling up to 30 s), so that a server
// that is down or refuses our credentials is not asked once per request.
// Failures a token may cause (500, a malformed answer) do not pause t:
// otherwise one bad token could block every caller.
func (in *introspector) fail(t *introspectionTarget, endpoint string, e *Error) error {
	return in.failPausing(t, endpoint, e, e.retryable || errors.Is(e, errClientRefused))
}

// failPausing is fail, pausing t only when pause is set.
func (in *introspector) failPausing(t *introspectionTarget, endpoint string, e *Error, pause bool) error {
	var wait time.Duration
	if pause {
		wait = t.failures.fail(in.now(), e)
	}
	if !errors.Is(e, errClientRefused) {
		in.log.Warn("mcpauth: token introspection failed", "issuer", t.server.issuer, "endpoint", endpoint, "retry_in", wait, "error", e)
	}
	return unavailable(e, wait)
}

// errClientRefused marks a refusal of the resource server's credentials.
var errClientRefused = errors.New("the authorization server refused the resource server's own client credentials")

// checkStatus maps a non-200 answer to an error.
func (in *introspector) checkStatus(t *introspectionTarget, endpoint string, res *postResult) error {
	if res.status == http.StatusOK {
		return nil
	}
	oauthErr := oauthErrorCode(res.body)
	switch {
	case res.status == http.StatusUnauthorized || res.status == http.StatusForbidden || oauthErr == "invalid_client" || oauthErr == "unauthorized_client":
		in.log.Error("mcpauth: the authorization server refused this resource server's own client credentials for token introspection: check IntrospectionOptions.ClientID, ClientSecret or PrivateKey, and ClientAuthMethod",
			"issuer", t.server.issuer, "endpoint", endpoint, "client_id", in.clientID, "auth_method", in.method, "status", res.status, "error", oauthErr)
		return in.fail(t, endpoint, &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription,
			Detail: fmt.Sprintf("POST %s: status %d %s: client %q (%s)", endpoint, res.status, oauthErr, in.clientID, in.method), Err: errClientRefused})
	case res.status == http.StatusTooManyRequests || res.status >= 500:
		// 500 and 501 may be caused by one token: 503, without a pause.
		pause := res.status != http.StatusInternalServerError && res.status != http.StatusNotImplemented
		return in.failPausing(t, endpoint, &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription,
			Detail: fmt.Sprintf("POST %s: expected status 200, got %d", endpoint, res.status), retryable: true}, pause)
	}
	detail := fmt.Sprintf("POST %s: expected status 200, got %d", endpoint, res.status)
	if oauthErr != "" {
		detail += " (" + oauthErr + ")"
	}
	return in.fail(t, endpoint, &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription, Detail: detail})
}

// oauthErrorCode returns the "error" member of an OAuth error body (RFC 6749
// §5.2), cut short, or "".
func oauthErrorCode(body []byte) string {
	var b struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &b) != nil {
		return ""
	}
	if len(b.Error) > 64 || strings.ContainsFunc(b.Error, func(r rune) bool { return r < 0x20 || r > 0x7e }) {
		return "(unprintable)"
	}
	return b.Error
}

// decode reads a 200 answer of issuer's introspection endpoint.
func (in *introspector) decode(issuer, endpoint string, res *postResult) (*AuthInfo, time.Time, error) {
	malformed := func(format string, args ...any) error {
		return &Error{Code: CodeIntrospectionFailed, Description: introspectionFailedDescription,
			Detail: fmt.Sprintf("POST %s: ", endpoint) + fmt.Sprintf(format, args...)}
	}
	if ct, _, _ := mime.ParseMediaType(res.header.Get("Content-Type")); ct == "application/token-introspection+jwt" {
		return nil, time.Time{}, malformed("a JWT introspection response (RFC 9701) is not supported")
	}
	body := bytes.TrimSpace(res.body)
	if len(body) == 0 || body[0] != '{' {
		return nil, time.Time{}, malformed("expected a JSON object (RFC 7662 §2.2)")
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, time.Time{}, malformed("the answer is not valid JSON: %v", err)
	}
	active, ok := m["active"].(bool)
	if !ok {
		return nil, time.Time{}, malformed(`expected a boolean "active" member (RFC 7662 §2.2), found %s`, jsonKind(m["active"]))
	}
	if !active {
		return nil, time.Time{}, inactive()
	}
	info, exp, err := introspectionAuthInfo(m, issuer, in.leeway, in.now())
	return info, exp, err
}

// introspectionAuthInfo builds the AuthInfo of an active token from the
// members of its introspection answer (RFC 7662 §2.2). Unlike a JWT, "sub"
// is optional (Subject is then empty). A member of the wrong type refuses
// the token.
func introspectionAuthInfo(m map[string]any, issuer string, leeway time.Duration, now time.Time) (*AuthInfo, time.Time, error) {
	if v, present := m["iss"]; present {
		if s, _ := v.(string); s != issuer {
			return nil, time.Time{}, &Error{Code: CodeInvalidIssuer, Expected: issuer, Actual: v,
				Detail: fmt.Sprintf("the introspection answer of %s names another issuer, %s", issuer, describeClaim(v))}
		}
	}
	if v, present := m["token_type"]; present {
		s, ok := v.(string)
		if !ok {
			return nil, time.Time{}, tokenError(`the "token_type" member must be a string, found %s`, jsonKind(v))
		}
		if strings.EqualFold(s, "refresh_token") {
			return nil, time.Time{}, tokenError("the token is a refresh token, not an access token")
		}
	}
	exp, err := checkIntrospectionTimes(m, leeway, now)
	if err != nil {
		return nil, time.Time{}, err
	}
	info := &AuthInfo{Issuer: issuer, ExpiresAt: exp, Claims: m}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"sub", &info.Subject}, {"client_id", &info.ClientID}} {
		if v, present := m[f.name]; present {
			s, ok := v.(string)
			if !ok {
				return nil, time.Time{}, tokenError("the %q member must be a string, found %s", f.name, jsonKind(v))
			}
			*f.dst = s
		}
	}
	if err := readScopesAndAudience(info, m); err != nil {
		return nil, time.Time{}, err
	}
	return info, exp, nil
}

// describeClaim renders a claim value for an error detail: a short quoted
// string, or its JSON kind.
func describeClaim(v any) string {
	if s, ok := v.(string); ok {
		return quoteShort(s)
	}
	return jsonKind(v)
}

// checkIntrospectionTimes checks exp, nbf and iat of an answer (RFC 7519
// NumericDates, as RFC 7662 §2.2 defines them) at now with leeway: the
// server said the token is active, but a cached answer must not outlive
// exp, and a clock far off is refused as for JWTs. exp is optional. It
// returns the expiry (zero when there is none).
func checkIntrospectionTimes(m map[string]any, leeway time.Duration, now time.Time) (time.Time, error) {
	exp, err := checkTimeClaims(m)
	if err != nil {
		return time.Time{}, err
	}
	if !exp.IsZero() && !now.Before(exp.Add(leeway)) {
		return time.Time{}, tokenError("the token expired at %s (leeway %s)", exp.Format(time.RFC3339), leeway)
	}
	if nbf, ok, _ := numericDate(m, "nbf"); ok && now.Add(leeway).Before(nbf) {
		return time.Time{}, tokenError("the token is not valid before %s (leeway %s)", nbf.Format(time.RFC3339), leeway)
	}
	if iat, ok, _ := numericDate(m, "iat"); ok && now.Add(leeway).Before(iat) {
		return time.Time{}, tokenError("the token was issued in the future, at %s (leeway %s)", iat.Format(time.RFC3339), leeway)
	}
	return exp, nil
}
