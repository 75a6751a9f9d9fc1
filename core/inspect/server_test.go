package inspect_test

import (
	"slices"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/inspect"
)

// Replays the reference suites' validation cases (PY-104..109,
// JS-123..130); what they call errors is what MCP clients need, so here
// they are warnings, and only a missing issuer is an error.
func TestServerMetadata(t *testing.T) {
	full := mcpauth.AuthServerMetadata{
		Issuer: "https://e.com", AuthorizationEndpoint: "https://e.com/a", TokenEndpoint: "https://e.com/t",
		ResponseTypesSupported: []string{"code"}, GrantTypesSupported: []string{"authorization_code"},
		CodeChallengeMethodsSupported: []string{"S256"}, RegistrationEndpoint: "https://e.com/r",
		ClientIDMetadataDocumentSupported: true,
	}
	edit := func(f func(m *mcpauth.AuthServerMetadata)) mcpauth.AuthServerMetadata {
		m := full
		f(&m)
		return m
	}
	codes := func(issues []inspect.Issue) []inspect.Code {
		out := []inspect.Code{}
		for _, i := range issues {
			out = append(out, i.Code)
		}
		return out
	}
	type C = []inspect.Code
	cases := []struct {
		name     string
		m        mcpauth.AuthServerMetadata
		errors   C
		warnings C
	}{
		{"PY-104 JS-123 full valid", full, C{}, C{}},
		{"PY-105 JS-124 no grant types (defaults include authorization_code)", edit(func(m *mcpauth.AuthServerMetadata) { m.GrantTypesSupported = nil }), C{}, C{}},
		{"JS-125 other grant only", edit(func(m *mcpauth.AuthServerMetadata) { m.GrantTypesSupported = []string{"invalid_grant_type"} }),
			C{}, C{inspect.AuthorizationCodeMissing}},
		{"PY-109 empty grant list", edit(func(m *mcpauth.AuthServerMetadata) { m.GrantTypesSupported = []string{} }),
			C{}, C{inspect.AuthorizationCodeMissing}},
		{"PY-106 JS-126 token response type only", mcpauth.AuthServerMetadata{Issuer: "https://e.com", AuthorizationEndpoint: "https://e.com/a", TokenEndpoint: "https://e.com/t", ResponseTypesSupported: []string{"token"}},
			C{}, C{inspect.CodeResponseTypeMissing, inspect.PKCENotSupported, inspect.DynamicRegistrationMissing, inspect.ClientIDMetadataDocumentMissing}},
		{`"code id_token" counts as code`, edit(func(m *mcpauth.AuthServerMetadata) { m.ResponseTypesSupported = []string{"code id_token"} }), C{}, C{}},
		{"PY-107 JS-127 no registration endpoint", edit(func(m *mcpauth.AuthServerMetadata) { m.RegistrationEndpoint = "" }),
			C{}, C{inspect.DynamicRegistrationMissing}},
		{"no client ID metadata documents", edit(func(m *mcpauth.AuthServerMetadata) { m.ClientIDMetadataDocumentSupported = false }),
			C{}, C{inspect.ClientIDMetadataDocumentMissing}},
		{"PY-108 JS-128 plain PKCE only", edit(func(m *mcpauth.AuthServerMetadata) { m.CodeChallengeMethodsSupported = []string{"plain"} }),
			C{}, C{inspect.S256NotSupported}},
		{"empty PKCE list (Python: pkce_not_supported; JS: s256; we follow Python)", edit(func(m *mcpauth.AuthServerMetadata) { m.CodeChallengeMethodsSupported = []string{} }),
			C{}, C{inspect.PKCENotSupported}},
		{"Entra ID shape", mcpauth.AuthServerMetadata{
			Issuer: "https://login.microsoftonline.com/t/v2.0", AuthorizationEndpoint: "https://login.microsoftonline.com/t/oauth2/v2.0/authorize",
			TokenEndpoint: "https://login.microsoftonline.com/t/oauth2/v2.0/token", JWKSURI: "https://login.microsoftonline.com/t/discovery/v2.0/keys",
			ResponseTypesSupported: []string{"code", "id_token", "code id_token", "id_token token"},
		}, C{}, C{inspect.PKCENotSupported, inspect.DynamicRegistrationMissing, inspect.ClientIDMetadataDocumentMissing}},
		{"JS-129 empty metadata", mcpauth.AuthServerMetadata{}, C{inspect.InvalidServerMetadata},
			C{inspect.MetadataIncomplete, inspect.CodeResponseTypeMissing, inspect.PKCENotSupported, inspect.DynamicRegistrationMissing, inspect.ClientIDMetadataDocumentMissing}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := inspect.ServerMetadata(c.m)
			if r.Valid != (len(c.errors) == 0) || !slices.Equal(codes(r.Errors), c.errors) || !slices.Equal(codes(r.Warnings), c.warnings) {
				t.Fatalf("got valid=%v errors=%v warnings=%v; want errors=%v warnings=%v", r.Valid, codes(r.Errors), codes(r.Warnings), c.errors, c.warnings)
			}
		})
	}
	t.Run("JS-130 successes of a full valid server", func(t *testing.T) {
		want := C{inspect.ServerMetadataValid, inspect.MetadataComplete, inspect.CodeResponseTypeOK, inspect.AuthorizationCodeOK,
			inspect.PKCESupported, inspect.S256Supported, inspect.DynamicRegistrationFound, inspect.ClientIDMetadataDocumentFound}
		if got := codes(inspect.ServerMetadata(full).Successes); !slices.Equal(got, want) {
			t.Fatalf("got %v", got)
		}
	})
}
