package mcpauthtest

// Metadata returns the discovery document as it is currently served: a fresh
// map (safe to modify) after the WithMetadata edit function, if any, has been
// applied. List-valued members are []string.
//
// The document lists only what the issuer serves: its issuer identifier,
// jwks_uri and RFC 7662 introspection endpoint (with the client
// authentication methods it accepts). It has no authorization, token or registration endpoint (tokens
// are minted with [Issuer.Token]), so response_types_supported and
// grant_types_supported are empty lists: an MCP client cannot log in
// through this issuer, and a checker reports that truthfully. Tests of a
// checker that need an authorization server's full shape add the members
// they want with [WithMetadata].
func (i *Issuer) Metadata() map[string]any {
	m := map[string]any{
		"issuer":                                        i.url,
		"jwks_uri":                                      i.JWKSURL(),
		"response_types_supported":                      []string{},
		"grant_types_supported":                         []string{},
		"scopes_supported":                              []string{"openid", "profile", "read", "write"},
		"subject_types_supported":                       []string{"public"},
		"id_token_signing_alg_values_supported":         i.publishedAlgorithms(),
		"introspection_endpoint":                        i.IntrospectionURL(),
		"introspection_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "private_key_jwt"},
	}
	if i.cfg.edit != nil {
		i.cfg.edit(m)
	}
	return m
}
