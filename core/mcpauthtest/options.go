package mcpauthtest

import (
	"crypto"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// defaultRSABits is the size of generated RSA keys unless WithRSABits says otherwise.
const defaultRSABits = 2048

// config holds the settings of an Issuer. It is filled by Options and is
// immutable once the Issuer has started.
type config struct {
	algs       []string
	path       string
	edit       func(m map[string]any)
	latency    time.Duration
	rsaBits    int
	clients    map[string]string           // WithClient
	clientKeys map[string]crypto.PublicKey // WithClientKey
	err        error                       // first invalid option, reported by NewIssuer
}

func defaultConfig() config {
	return config{
		algs:    []string{RS256, ES256, EdDSA},
		rsaBits: defaultRSABits,
	}
}

func (c *config) fail(err error) {
	c.err = errors.Join(c.err, err)
}

// Option configures an Issuer created by NewIssuer or MustNewIssuer.
type Option func(*config)

// WithAlgorithms sets the keys generated at start-up: one key per algorithm,
// in the given order, all published in the JWKS. The first key is the default
// signing key. An algorithm may be repeated to get several keys of the same
// kind. The default is RS256, ES256, EdDSA. NewIssuer fails if algs is empty
// or names an unsupported algorithm (see the algorithm constants).
func WithAlgorithms(algs ...string) Option {
	algs = append([]string(nil), algs...)
	return func(c *config) {
		if len(algs) == 0 {
			c.fail(errors.New("mcpauthtest: WithAlgorithms needs at least one algorithm"))
			return
		}
		for _, alg := range algs {
			if !supportedAlgorithm(alg) {
				c.fail(fmt.Errorf("mcpauthtest: unsupported algorithm %q (supported: %s)", alg, strings.Join(Algorithms(), ", ")))
				return
			}
		}
		c.algs = algs
	}
}

// WithPath sets the path component of the issuer identifier: with "/tenant-a"
// the issuer is "http://127.0.0.1:<port>/tenant-a". A missing leading slash is
// added and trailing slashes are removed; "" and "/" mean no path. NewIssuer
// fails if the path contains a query, a fragment or characters that would
// need percent-encoding.
func WithPath(path string) Option {
	return func(c *config) {
		p := strings.TrimRight(path, "/")
		if p != "" && !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		if strings.ContainsAny(p, "?#") || (&url.URL{Path: p}).EscapedPath() != p {
			c.fail(fmt.Errorf("mcpauthtest: invalid issuer path %q", path))
			return
		}
		c.path = p
	}
}

// WithMetadata registers a function that edits the discovery document before
// each response (and before Issuer.Metadata returns it). The function gets a
// fresh copy every time, so it may add, change or delete any member, for
// instance add the authorization, token and registration endpoints and the
// PKCE methods a real authorization server publishes (the issuer itself
// serves none of them), or change "issuer" to simulate a non-compliant
// authorization server. List-valued members are []string. The function may
// be called concurrently from several goroutines.
func WithMetadata(edit func(m map[string]any)) Option {
	return func(c *config) {
		c.edit = edit
	}
}

// WithLatency delays every HTTP response of the issuer by d, including
// responses written by a fault hook. The delay ends early when the client
// gives up (the request context is canceled) or the issuer is closed. It is
// meant for timeout tests.
func WithLatency(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			c.fail(fmt.Errorf("mcpauthtest: negative latency %v", d))
			return
		}
		c.latency = d
	}
}

// WithRSABits sets the size in bits of generated RSA keys (RS* and PS*
// algorithms). The default is 2048. crypto/rsa refuses sizes below 1024.
func WithRSABits(bits int) Option {
	return func(c *config) {
		if bits <= 0 {
			c.fail(fmt.Errorf("mcpauthtest: invalid RSA key size %d", bits))
			return
		}
		c.rsaBits = bits
	}
}

// WithClient registers a confidential client that may call the
// introspection endpoint (RFC 7662 §2.1), next to the default one
// (ClientID, ClientSecret). The client authenticates with
// client_secret_basic or client_secret_post. Registering the default
// ClientID again replaces its secret.
func WithClient(id, secret string) Option {
	return func(c *config) {
		if id == "" || secret == "" {
			c.fail(errors.New("mcpauthtest: WithClient needs a client ID and a secret"))
			return
		}
		if c.clients == nil {
			c.clients = map[string]string{}
		}
		c.clients[id] = secret
	}
}

// WithClientKey registers a client that authenticates to the introspection
// endpoint with private_key_jwt (RFC 7523 §2.2): a JWT signed with the
// private key of pub (RSA, ECDSA or Ed25519), whose iss and sub are id, aud
// the issuer identifier (URL), with an exp; the client_id form parameter
// names the client.
func WithClientKey(id string, pub crypto.PublicKey) Option {
	return func(c *config) {
		if id == "" || pub == nil {
			c.fail(errors.New("mcpauthtest: WithClientKey needs a client ID and a public key"))
			return
		}
		if c.clientKeys == nil {
			c.clientKeys = map[string]crypto.PublicKey{}
		}
		c.clientKeys[id] = pub
	}
}
