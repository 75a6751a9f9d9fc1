package app

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantVar string // the variable a *ConfigError names; "-" for a combination
	}{
		{
			name: "nothing set: development issuer, loopback 3001",
			env:  nil,
			want: Config{IssuerType: mcpauth.OIDC, Stateless: true, Addr: "127.0.0.1:3001"},
		},
		{
			name: "everything set",
			env: map[string]string{
				EnvIssuer:         "https://tenant.example.com/oidc",
				EnvIssuerType:     "oauth",
				EnvResource:       "https://mcp.example.com/mcp",
				EnvAudience:       "api://mcp",
				EnvRequiredScopes: "  read:todos   write:todos ",
				EnvAddr:           "0.0.0.0:8080",
				EnvStateless:      "false",
			},
			want: Config{
				Issuer:         "https://tenant.example.com/oidc",
				IssuerType:     mcpauth.OAuth,
				Resource:       "https://mcp.example.com/mcp",
				Audience:       "api://mcp",
				RequiredScopes: []string{"read:todos", "write:todos"},
				Addr:           "0.0.0.0:8080",
			},
		},
		{
			name: "issuer type is case-insensitive and trimmed",
			env:  map[string]string{EnvIssuerType: " OIDC "},
			want: Config{IssuerType: mcpauth.OIDC, Stateless: true, Addr: DefaultAddr},
		},
		{
			name: "PORT listens on every interface",
			env:  map[string]string{EnvPort: "8080"},
			want: Config{IssuerType: mcpauth.OIDC, Stateless: true, Addr: ":8080"},
		},
		{
			name: "PORT 0 picks a free port",
			env:  map[string]string{EnvPort: "0"},
			want: Config{IssuerType: mcpauth.OIDC, Stateless: true, Addr: ":0"},
		},
		{
			name: "ADDR with IPv6 host",
			env:  map[string]string{EnvAddr: "[::1]:3001"},
			want: Config{IssuerType: mcpauth.OIDC, Stateless: true, Addr: "[::1]:3001"},
		},
		{
			name: "ADDR with port only",
			env:  map[string]string{EnvAddr: ":9000"},
			want: Config{IssuerType: mcpauth.OIDC, Stateless: true, Addr: ":9000"},
		},
		{
			name: "blank values count as unset",
			env:  map[string]string{EnvIssuer: "  ", EnvRequiredScopes: " ", EnvPort: ""},
			want: Config{IssuerType: mcpauth.OIDC, Stateless: true, Addr: DefaultAddr},
		},
		{
			name: "MCP_STATELESS=true, as by default",
			env:  map[string]string{EnvStateless: "true"},
			want: Config{IssuerType: mcpauth.OIDC, Stateless: true, Addr: DefaultAddr},
		},
		{
			name: "MCP_STATELESS=0: stateful sessions",
			env:  map[string]string{EnvStateless: " 0 "},
			want: Config{IssuerType: mcpauth.OIDC, Addr: DefaultAddr},
		},
		{
			name: "http issuer on loopback",
			env:  map[string]string{EnvIssuer: "http://127.0.0.1:8080"},
			want: Config{Issuer: "http://127.0.0.1:8080", IssuerType: mcpauth.OIDC, Stateless: true, Addr: DefaultAddr},
		},
		{
			name: "opaque tokens with the server's credentials",
			env: map[string]string{EnvIssuer: "https://as.example.com", EnvTokenFormat: " Opaque ", EnvClientID: "rs", EnvClientSecret: "s",
				EnvIntrospectionMaxAge: "15s"},
			want: Config{Issuer: "https://as.example.com", IssuerType: mcpauth.OIDC, Addr: DefaultAddr, Stateless: true, TokenFormat: FormatOpaque,
				ClientID: "rs", ClientSecret: "s", IntrospectionMaxAge: 15 * time.Second},
		},
		{
			name: "opaque tokens from the development issuer need no credentials",
			env:  map[string]string{EnvTokenFormat: "opaque"},
			want: Config{IssuerType: mcpauth.OIDC, Addr: DefaultAddr, Stateless: true, TokenFormat: FormatOpaque},
		},

		{name: "unknown token format", env: map[string]string{EnvTokenFormat: "paseto"}, wantVar: EnvTokenFormat},
		{name: "opaque without credentials", env: map[string]string{EnvIssuer: "https://as.example.com", EnvTokenFormat: "auto", EnvClientID: "rs"}, wantVar: "-"},
		{name: "introspection max age not a duration", env: map[string]string{EnvIntrospectionMaxAge: "60"}, wantVar: EnvIntrospectionMaxAge},
		{name: "unknown issuer type", env: map[string]string{EnvIssuerType: "saml"}, wantVar: EnvIssuerType},
		{name: "relative issuer", env: map[string]string{EnvIssuer: "tenant.example.com"}, wantVar: EnvIssuer},
		{name: "issuer with query", env: map[string]string{EnvIssuer: "https://as.example.com?tenant=a"}, wantVar: EnvIssuer},
		{name: "issuer with fragment", env: map[string]string{EnvIssuer: "https://as.example.com#a"}, wantVar: EnvIssuer},
		{name: "issuer not http", env: map[string]string{EnvIssuer: "ftp://as.example.com"}, wantVar: EnvIssuer},
		{name: "relative resource", env: map[string]string{EnvResource: "/mcp"}, wantVar: EnvResource},
		{name: "resource with fragment", env: map[string]string{EnvResource: "https://mcp.example.com/mcp#x"}, wantVar: EnvResource},
		{name: "resource with empty fragment", env: map[string]string{EnvResource: "https://mcp.example.com/mcp#"}, wantVar: EnvResource},
		{name: "resource not http", env: map[string]string{EnvResource: "urn:mcp"}, wantVar: EnvResource},
		{name: "scope with a double quote", env: map[string]string{EnvRequiredScopes: `read "write"`}, wantVar: EnvRequiredScopes},
		{name: "scope with a backslash", env: map[string]string{EnvRequiredScopes: `read\write`}, wantVar: EnvRequiredScopes},
		{name: "scope with non-ASCII", env: map[string]string{EnvRequiredScopes: "lire:tâches"}, wantVar: EnvRequiredScopes},
		{name: "MCP_STATELESS not a boolean", env: map[string]string{EnvStateless: "sometimes"}, wantVar: EnvStateless},
		{name: "PORT not a number", env: map[string]string{EnvPort: "http"}, wantVar: EnvPort},
		{name: "PORT too large", env: map[string]string{EnvPort: "65536"}, wantVar: EnvPort},
		{name: "PORT negative", env: map[string]string{EnvPort: "-1"}, wantVar: EnvPort},
		{name: "PORT with a sign", env: map[string]string{EnvPort: "+80"}, wantVar: EnvPort},
		{name: "ADDR without port", env: map[string]string{EnvAddr: "localhost"}, wantVar: EnvAddr},
		{name: "ADDR with a named port", env: map[string]string{EnvAddr: "localhost:http"}, wantVar: EnvAddr},
		{name: "ADDR and PORT", env: map[string]string{EnvAddr: ":8080", EnvPort: "8080"}, wantVar: "-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantVar != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) {
					t.Fatalf("err = %v, want a *ConfigError", err)
				}
				if want := strings.TrimPrefix(tc.wantVar, "-"); ce.Var != want {
					t.Errorf("error names %q, want %q: %v", ce.Var, want, err)
				}
				if ce.Var != "" && !strings.HasPrefix(err.Error(), ce.Var+": ") {
					t.Errorf("message %q does not start with the variable", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
