// Package testop runs a real OpenID provider in-process for end-to-end
// tests: the OpenID-certified github.com/zitadel/oidc/v3 op package on an
// httptest server bound to 127.0.0.1, with a minimal in-memory storage of
// our own. It serves discovery, JWKS and a token endpoint that issues JWT
// access tokens (or opaque ones, for a client with Client.Opaque) through the
// client_credentials grant (RFC 6749 §4.4) for the clients a test
// registers, each with a fixed subject and audience, and an RFC 7662
// introspection endpoint for the opaque tokens, where tokens can be
// revoked ([Provider.Revoke]).
//
// The storage decides which key signs and which keys are published, so a
// test can rotate the signing key while a resource server runs
// ([Provider.RotateKey]) and retire old keys ([Provider.RetireKey]).
//
// Plain HTTP on loopback only: the provider runs with op.WithAllowInsecure,
// and resource servers accept http issuers only on loopback hosts.
package testop

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// DefaultTokenLifetime is the lifetime of issued access tokens unless
// Client.TokenLifetime says otherwise.
const DefaultTokenLifetime = 5 * time.Minute

// Client is an OAuth client allowed the client_credentials grant.
type Client struct {
	ID, Secret string
	// Subject is the "sub" of the client's tokens (the service account).
	// Default: ID.
	Subject string
	// Audience is the "aud" of the client's tokens: the resource
	// identifier. Default: ID (zitadel's default).
	Audience []string
	// Scopes the client may request; a request naming no scope gets them
	// all, one naming another scope is refused with invalid_scope.
	Scopes []string
	// TokenLifetime is the lifetime of the client's tokens; default
	// DefaultTokenLifetime.
	TokenLifetime time.Duration
	// Opaque makes the client's access tokens opaque (op's encrypted
	// bearer tokens) instead of JWTs: a resource server verifies them at
	// the introspection endpoint (RFC 7662), where any registered client
	// may authenticate with client_secret_basic or client_secret_post.
	Opaque bool
}

// Provider is a running OpenID provider. Its methods are safe for
// concurrent use, including while it serves requests.
type Provider struct {
	// Issuer is the issuer identifier, e.g. http://127.0.0.1:41234.
	Issuer string
	server *httptest.Server
	store  *storage
	crypto op.Crypto
}

// Start starts a provider on 127.0.0.1 at a random port with one ES256
// signing key. The caller must Close it.
func Start() (*Provider, error) {
	s := &storage{clients: map[string]*Client{}, tokens: map[string]*issuedToken{}}
	if _, err := s.rotate(); err != nil {
		return nil, err
	}
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		srv.Close()
		return nil, err
	}
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:       cryptoKey,
		CodeMethodS256:  true, // PKCE with S256, which MCP clients require
		SupportedScopes: []string{oidc.ScopeOpenID},
	}, s, op.StaticIssuer(issuer), op.WithAllowInsecure(), op.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("testop: %w", err)
	}
	srv.Config.Handler = provider
	srv.Start()
	s.issuer = issuer
	return &Provider{Issuer: issuer, server: srv, store: s, crypto: provider.Crypto()}, nil
}

// Close stops the provider.
func (p *Provider) Close() { p.server.Close() }

// AddClient registers (or replaces) a client.
func (p *Provider) AddClient(c Client) {
	c.Scopes = slices.Clone(c.Scopes)
	c.Audience = slices.Clone(c.Audience)
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.clients[c.ID] = &c
}

// RotateKey generates a new ES256 key, publishes it and makes it the
// signing key; the previous keys stay published (tokens they signed keep
// verifying until RetireKey). It returns the new key ID.
func (p *Provider) RotateKey() (string, error) { return p.store.rotate() }

// RetireKey removes a key from the JWKS (it can no longer be the signing key).
func (p *Provider) RetireKey(kid string) error {
	s := p.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if kid == s.signing.id {
		return errors.New("testop: cannot retire the signing key")
	}
	s.keys = slices.DeleteFunc(s.keys, func(k *key) bool { return k.id == kid })
	return nil
}

// Revoke makes an access token issued by the provider inactive: its
// introspection answer becomes {"active": false}. It reports whether the
// token was one the provider issued. (JWT access tokens stay valid for
// resource servers that verify them locally.)
func (p *Provider) Revoke(accessToken string) bool {
	// An opaque token is op's encryption of "tokenID:subject".
	plain, err := p.crypto.Decrypt(accessToken)
	if err != nil {
		return false
	}
	id, _, _ := strings.Cut(plain, ":")
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	t, found := p.store.tokens[id]
	if found {
		t.revoked = true
	}
	return found
}

// SigningKeyID returns the ID of the key that signs new tokens.
func (p *Provider) SigningKeyID() string {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	return p.store.signing.id
}

// PublishedKeyIDs returns the IDs of the keys in the JWKS, oldest first.
func (p *Provider) PublishedKeyIDs() []string {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	ids := make([]string, len(p.store.keys))
	for i, k := range p.store.keys {
		ids[i] = k.id
	}
	return ids
}

// key is one ES256 key pair; it is both the op.SigningKey and the op.Key.
type key struct {
	id   string
	priv *ecdsa.PrivateKey
}

func (k *key) ID() string                                  { return k.id }
func (k *key) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k *key) Algorithm() jose.SignatureAlgorithm          { return jose.ES256 }
func (k *key) Use() string                                 { return "sig" }

// signingKey hands op the private key; publicKey the public one.
type signingKey struct{ *key }

func (k signingKey) Key() any { return k.priv }

type publicKey struct{ *key }

func (k publicKey) Key() any { return &k.priv.PublicKey }

// storage is the provider's op.Storage: clients, keys and nothing else.
// Only the client_credentials grant is implemented; every method of the
// interactive flows refuses.
type storage struct {
	mu      sync.Mutex
	clients map[string]*Client
	keys    []*key // published, oldest first
	signing *key
	issuer  string
	tokens  map[string]*issuedToken // access tokens by ID, for introspection
}

// issuedToken is what the provider remembers of an access token.
type issuedToken struct {
	clientID string
	subject  string
	audience []string
	scopes   []string
	issued   time.Time
	expires  time.Time
	revoked  bool
}

var (
	_ op.Storage                  = (*storage)(nil)
	_ op.ClientCredentialsStorage = (*storage)(nil)
)

func (s *storage) rotate() (string, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	k := &key{id: randomID(), priv: priv}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, k)
	s.signing = k
	return k.id, nil
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *storage) client(id string) (*Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return nil, errors.New("testop: unknown client")
	}
	return c, nil
}

// ClientCredentials authenticates a client (client_secret_basic or _post).
func (s *storage) ClientCredentials(_ context.Context, id, secret string) (op.Client, error) {
	c, err := s.client(id)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return nil, errors.New("testop: wrong client secret")
	}
	return opClient{c}, nil
}

// ClientCredentialsTokenRequest decides what the client's token says:
// its subject, its audience and the granted scopes.
func (s *storage) ClientCredentialsTokenRequest(_ context.Context, id string, scopes []string) (op.TokenRequest, error) {
	c, err := s.client(id)
	if err != nil {
		return nil, err
	}
	granted := slices.Clone(c.Scopes)
	if len(scopes) > 0 {
		for _, sc := range scopes {
			if !slices.Contains(c.Scopes, sc) {
				return nil, oidc.ErrInvalidScope().WithDescription("scope %q is not allowed for this client", sc)
			}
		}
		granted = slices.Clone(scopes)
	}
	sub := c.Subject
	if sub == "" {
		sub = c.ID
	}
	aud := c.Audience
	if len(aud) == 0 {
		aud = []string{c.ID}
	}
	return &tokenRequest{clientID: c.ID, subject: sub, audience: slices.Clone(aud), scopes: granted, lifetime: c.TokenLifetime}, nil
}

type tokenRequest struct {
	clientID string
	subject  string
	audience []string
	scopes   []string
	lifetime time.Duration
}

func (r *tokenRequest) GetSubject() string    { return r.subject }
func (r *tokenRequest) GetAudience() []string { return r.audience }
func (r *tokenRequest) GetScopes() []string   { return r.scopes }

// CreateAccessToken gives the token its ID and expiry; op signs it.
func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	lifetime := DefaultTokenLifetime
	r, ok := req.(*tokenRequest)
	if ok && r.lifetime > 0 {
		lifetime = r.lifetime
	}
	id, now := randomID(), time.Now()
	if ok {
		s.mu.Lock()
		s.tokens[id] = &issuedToken{clientID: r.clientID, subject: r.subject, audience: r.audience, scopes: r.scopes, issued: now, expires: now.Add(lifetime)}
		s.mu.Unlock()
	}
	return id, now.Add(lifetime), nil
}

// GetPrivateClaimsFromScopes adds the granted scopes to the JWT access
// token as the RFC 9068 §2.2.3 "scope" claim (op's JWT has none otherwise).
func (s *storage) GetPrivateClaimsFromScopes(_ context.Context, _, _ string, scopes []string) (map[string]any, error) {
	if len(scopes) == 0 {
		return nil, nil
	}
	return map[string]any{"scope": strings.Join(scopes, " ")}, nil
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return signingKey{s.signing}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]op.Key, len(s.keys))
	for i, k := range s.keys {
		keys[i] = publicKey{k}
	}
	return keys, nil
}

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	c, err := s.client(id)
	if err != nil {
		return nil, err
	}
	return opClient{c}, nil
}

func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	_, err := s.ClientCredentials(ctx, id, secret)
	return err
}

func (s *storage) Health(context.Context) error { return nil }

// The interactive flows, refresh tokens and the JWT profile are not
// supported.

var errUnsupported = errors.New("testop: not supported")

func (s *storage) CreateAuthRequest(context.Context, *oidc.AuthRequest, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *storage) AuthRequestByID(context.Context, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *storage) AuthRequestByCode(context.Context, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *storage) SaveAuthCode(context.Context, string, string) error { return errUnsupported }
func (s *storage) DeleteAuthRequest(context.Context, string) error    { return errUnsupported }
func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errUnsupported
}
func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}
func (s *storage) TerminateSession(context.Context, string, string) error { return errUnsupported }
func (s *storage) RevokeToken(context.Context, string, string, string) *oidc.Error {
	return oidc.ErrUnsupportedGrantType()
}
func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}
func (s *storage) SetUserinfoFromToken(context.Context, *oidc.UserInfo, string, string, string) error {
	return errUnsupported
}

// SetIntrospectionFromToken describes an access token for the
// introspection endpoint (op sets "active" when this returns nil): an
// unknown, expired or revoked token makes op answer {"active": false}.
func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, _ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tokenID]
	if !ok || t.revoked || t.subject != subject || !time.Now().Before(t.expires) {
		return errors.New("testop: token not active")
	}
	resp.Issuer = s.issuer
	resp.Subject = t.subject
	resp.ClientID = t.clientID
	resp.Audience = slices.Clone(t.audience)
	resp.Scope = slices.Clone(t.scopes)
	resp.Expiration = oidc.FromTime(t.expires)
	resp.IssuedAt = oidc.FromTime(t.issued)
	resp.JWTID = tokenID
	resp.TokenType = oidc.BearerToken
	return nil
}
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errUnsupported
}
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errUnsupported
}

// opClient is a Client as op sees it: a confidential client allowed only
// client_credentials, issued JWT access tokens.
type opClient struct{ c *Client }

func (o opClient) GetID() string                       { return o.c.ID }
func (o opClient) RedirectURIs() []string              { return nil }
func (o opClient) PostLogoutRedirectURIs() []string    { return nil }
func (o opClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (o opClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (o opClient) ResponseTypes() []oidc.ResponseType  { return nil }
func (o opClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeClientCredentials}
}
func (o opClient) LoginURL(string) string { return "" }
func (o opClient) AccessTokenType() op.AccessTokenType {
	if o.c.Opaque {
		return op.AccessTokenTypeBearer
	}
	return op.AccessTokenTypeJWT
}
func (o opClient) IDTokenLifetime() time.Duration       { return time.Hour }
func (o opClient) DevMode() bool                        { return false }
func (o opClient) IsScopeAllowed(s string) bool         { return slices.Contains(o.c.Scopes, s) }
func (o opClient) IDTokenUserinfoClaimsAssertion() bool { return false }
func (o opClient) ClockSkew() time.Duration             { return 0 }
func (o opClient) RestrictAdditionalIdTokenScopes() func([]string) []string { //nolint:revive // op.Client's method name
	return func(s []string) []string { return s }
}
func (o opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
