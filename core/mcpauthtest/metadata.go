package mcpauthtest

// Metadata returns the discovery document as it is currently served: a fresh
// map (safe to modify) after the WithMetadata edit function, if any, has been
// applied. List-valued members are []string.
func (i *Issuer) Metadata() map[string]any {
	m := map[string]any{
		"issuer":                                        i.url,
		"authorization_endpoint":                        i.url + "/authorize",
		"token_endpoint":                                i.url + "/token",
		"registration_endpoint":                         i.url + "/register",
		"jwks_uri":                                      i.JWKSURL(),
		"response_types_supported":                      []string{"code"},
		"grant_types_supported":                         []string{"authorization_code", "client_credentials", "refresh_token"},
		"code_challenge_methods_supported":              []string{"S256"},
		"token_endpoint_auth_methods_supported":         []string{"client_secret_basic", "none"},
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
