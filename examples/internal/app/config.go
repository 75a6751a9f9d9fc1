package app

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// Environment variables read by [ConfigFromEnv]: the names of MCP Auth's
// Python and JavaScript samples, plus PORT and ADDR.
const (
	EnvIssuer         = "MCP_AUTH_ISSUER"
	EnvIssuerType     = "MCP_AUTH_ISSUER_TYPE"
	EnvResource       = "MCP_RESOURCE_IDENTIFIER"
	EnvAudience       = "MCP_AUTH_AUDIENCE"
	EnvRequiredScopes = "MCP_REQUIRED_SCOPES"
	EnvStateless      = "MCP_STATELESS"
	EnvPort           = "PORT"
	EnvAddr           = "ADDR"

	// Opaque access tokens (RFC 7662 introspection).
	EnvTokenFormat         = "MCP_AUTH_TOKEN_FORMAT" //nolint:gosec // a variable name, not a credential
	EnvClientID            = "MCP_AUTH_CLIENT_ID"
	EnvClientSecret        = "MCP_AUTH_CLIENT_SECRET" //nolint:gosec // a variable name, not a credential
	EnvIntrospectionMaxAge = "MCP_AUTH_INTROSPECTION_MAX_AGE"
)

// Token formats (MCP_AUTH_TOKEN_FORMAT).
const (
	// FormatJWT verifies JWT access tokens with the issuer's keys (default).
	FormatJWT = "jwt"
	// FormatOpaque verifies every token at the issuer's introspection
	// endpoint, with MCP_AUTH_CLIENT_ID and MCP_AUTH_CLIENT_SECRET.
	FormatOpaque = "opaque"
	// FormatAuto verifies JWTs locally and other tokens by introspection.
	FormatAuto = "auto"
)

// DefaultAddr is where the examples listen when neither ADDR nor PORT is set:
// loopback only, port 3001 as in MCP Auth's samples.
const DefaultAddr = "127.0.0.1:3001"

// Config is the configuration of an example server.
type Config struct {
	// Issuer is the issuer URL of the authorization server whose tokens are
	// accepted (MCP_AUTH_ISSUER). Empty: a development issuer is started on
	// loopback and a ready token is printed.
	Issuer string
	// IssuerType says how the issuer publishes its metadata
	// (MCP_AUTH_ISSUER_TYPE: "oidc", the default, or "oauth").
	IssuerType mcpauth.ServerType
	// Resource is the protected resource identifier
	// (MCP_RESOURCE_IDENTIFIER). Empty: http://localhost:<port>/mcp, with the
	// port the server listens on.
	Resource string
	// Audience is the "aud" tokens must carry (MCP_AUTH_AUDIENCE).
	// Empty: the resource.
	Audience string
	// RequiredScopes must all be granted to every request
	// (MCP_REQUIRED_SCOPES, space-separated).
	RequiredScopes []string
	// Stateless says whether the MCP server keeps no sessions
	// (MCP_STATELESS: "true", the default, or "false" for stateful
	// sessions; strconv.ParseBool spellings).
	Stateless bool
	// Addr is the listen address: ADDR as given, else ":" + PORT (every
	// interface, as platforms that set PORT expect), else [DefaultAddr].
	Addr string
	// TokenFormat is FormatJWT, FormatOpaque or FormatAuto
	// (MCP_AUTH_TOKEN_FORMAT); empty means FormatJWT.
	TokenFormat string
	// ClientID and ClientSecret are the resource server's own credentials
	// at the issuer's introspection endpoint (MCP_AUTH_CLIENT_ID,
	// MCP_AUTH_CLIENT_SECRET); required for FormatOpaque and FormatAuto
	// with MCP_AUTH_ISSUER. The development issuer needs none.
	ClientID, ClientSecret string
	// IntrospectionMaxAge is how long an introspection answer is reused
	// (MCP_AUTH_INTROSPECTION_MAX_AGE, a Go duration such as "30s"): the
	// delay before a revoked token is refused. Zero: the library default.
	IntrospectionMaxAge time.Duration
}

// ConfigError is a bad configuration value; the examples exit with status 2.
type ConfigError struct {
	Var string // the environment variable, or "" for a combination
	Msg string
}

func (e *ConfigError) Error() string {
	if e.Var == "" {
		return e.Msg
	}
	return e.Var + ": " + e.Msg
}

func configErr(name, format string, args ...any) error {
	return &ConfigError{Var: name, Msg: fmt.Sprintf(format, args...)}
}

// ConfigFromEnv reads the configuration from getenv (os.Getenv in main).
// Values are trimmed; an empty value counts as unset. It returns a
// *ConfigError naming the variable for a bad value.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	cfg := Config{IssuerType: mcpauth.OIDC, Stateless: true}

	switch t := get(EnvIssuerType); strings.ToLower(t) {
	case "", "oidc":
	case "oauth":
		cfg.IssuerType = mcpauth.OAuth
	default:
		return Config{}, configErr(EnvIssuerType, "want %q or %q, got %q", "oidc", "oauth", t)
	}

	if v := get(EnvIssuer); v != "" {
		// DiscoveryURL checks what an issuer identifier must be (RFC 8414 §2).
		if _, err := mcpauth.DiscoveryURL(v, cfg.IssuerType); err != nil {
			return Config{}, configErr(EnvIssuer, "%q is not an issuer URL (absolute http(s) URL without query or fragment)", v)
		}
		cfg.Issuer = v
	}

	if v := get(EnvResource); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" || strings.HasSuffix(v, "#") {
			return Config{}, configErr(EnvResource, "%q is not a resource identifier (absolute http(s) URL without fragment, e.g. https://mcp.example.com/mcp)", v)
		}
		cfg.Resource = v
	}

	cfg.Audience = get(EnvAudience)

	if v := get(EnvRequiredScopes); v != "" {
		for _, s := range strings.Fields(v) {
			if !validScope(s) {
				return Config{}, configErr(EnvRequiredScopes, "%q is not a valid scope (RFC 6749 §3.3: printable ASCII without space, double quote or backslash)", s)
			}
			cfg.RequiredScopes = append(cfg.RequiredScopes, s)
		}
	}

	if v := get(EnvStateless); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, configErr(EnvStateless, "want %q or %q, got %q", "true", "false", v)
		}
		cfg.Stateless = b
	}
	switch f := strings.ToLower(get(EnvTokenFormat)); f {
	case "":
	case FormatJWT, FormatOpaque, FormatAuto:
		cfg.TokenFormat = f
	default:
		return Config{}, configErr(EnvTokenFormat, "want %q, %q or %q, got %q", FormatJWT, FormatOpaque, FormatAuto, get(EnvTokenFormat))
	}
	cfg.ClientID, cfg.ClientSecret = get(EnvClientID), get(EnvClientSecret)
	if (cfg.TokenFormat == FormatOpaque || cfg.TokenFormat == FormatAuto) && cfg.Issuer != "" && (cfg.ClientID == "" || cfg.ClientSecret == "") {
		return Config{}, configErr("", "%s=%s needs %s and %s: the server's own credentials at the introspection endpoint", EnvTokenFormat, cfg.TokenFormat, EnvClientID, EnvClientSecret)
	}
	if v := get(EnvIntrospectionMaxAge); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, configErr(EnvIntrospectionMaxAge, "%q is not a positive duration (e.g. 30s)", v)
		}
		cfg.IntrospectionMaxAge = d
	}

	addr, port := get(EnvAddr), get(EnvPort)
	switch {
	case addr != "" && port != "":
		return Config{}, configErr("", "set %s or %s, not both", EnvAddr, EnvPort)
	case addr != "":
		host, p, err := net.SplitHostPort(addr)
		if err != nil || !validPort(p) {
			return Config{}, configErr(EnvAddr, "%q is not a listen address (host:port or :port, port 0-65535)", addr)
		}
		cfg.Addr = net.JoinHostPort(host, p)
	case port != "":
		if !validPort(port) {
			return Config{}, configErr(EnvPort, "%q is not a port number (0-65535)", port)
		}
		cfg.Addr = ":" + port
	default:
		cfg.Addr = DefaultAddr
	}
	return cfg, nil
}

// validPort reports whether p is a decimal port number; 0 picks a free port.
func validPort(p string) bool {
	n, err := strconv.ParseUint(p, 10, 16)
	return err == nil && n <= 65535 && p == strconv.FormatUint(n, 10)
}

// validScope reports whether s is a scope-token (RFC 6749 §3.3):
// %x21 / %x23-5B / %x5D-7E.
func validScope(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
