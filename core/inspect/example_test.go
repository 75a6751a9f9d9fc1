package inspect_test

import (
	"fmt"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/inspect"
)

// A discovery document shaped like Microsoft Entra ID's: a resource server
// trusts it (no error), MCP clients miss a few things (warnings).
func ExampleServerMetadata() {
	r := inspect.ServerMetadata(mcpauth.AuthServerMetadata{
		Issuer:                 "https://login.microsoftonline.com/TENANT_ID/v2.0",
		AuthorizationEndpoint:  "https://login.microsoftonline.com/TENANT_ID/oauth2/v2.0/authorize",
		TokenEndpoint:          "https://login.microsoftonline.com/TENANT_ID/oauth2/v2.0/token",
		JWKSURI:                "https://login.microsoftonline.com/TENANT_ID/discovery/v2.0/keys",
		ResponseTypesSupported: []string{"code", "id_token", "code id_token", "id_token token"},
	})
	fmt.Println("usable by a resource server:", r.Valid)
	for _, w := range r.Warnings {
		fmt.Println("warning:", w.Code)
	}
	// Output:
	// usable by a resource server: true
	// warning: pkce_not_supported
	// warning: dynamic_registration_not_supported
	// warning: client_id_metadata_document_not_supported
}

// The keys of a JWK Set mcpauth verifies tokens with, and the ones it
// leaves out.
func ExampleJWKS() {
	usable, skipped, err := inspect.JWKS([]byte(`{"keys":[
		{"kty":"EC","crv":"P-256","kid":"ec-1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
		{"kty":"oct","kid":"shared-secret","k":"c2VjcmV0"}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range usable {
		fmt.Println("usable:", k.KeyID, k.Detail, k.Algorithms)
	}
	for _, p := range skipped {
		fmt.Println("skipped:", p.KeyID, "-", p.Error)
	}
	// Output:
	// usable: ec-1 EC P-256 [ES256]
	// skipped: shared-secret - symmetric ("oct") keys are never used to verify tokens
}
