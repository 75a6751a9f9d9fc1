package mcpauth

import (
	"slices"
	"strings"
)

// grantRules applies BearerOptions.ScopeClaims and AcceptedClientIDs: which
// claims of a verified token are its grants, and which aud-less tokens are
// bound to the resource by their client. It operates on the verified claims
// map only, after verification and before the audience and scope checks.
// Written by hand: no JWT library maps provider-specific role claims to
// OAuth scopes.
type grantRules struct {
	claims    []string // ScopeClaims; nil: the default scope claims
	clientIDs []string // AcceptedClientIDs
}

// newGrantRules checks the options.
func newGrantRules(opts BearerOptions) (*grantRules, error) {
	g := &grantRules{}
	for _, c := range opts.ScopeClaims {
		if c == "" || strings.HasPrefix(c, ".") || strings.HasSuffix(c, ".") {
			return nil, configError("ScopeClaims: %q is not a claim name or a dotted path such as realm_access.roles", c)
		}
	}
	g.claims = slices.Clone(opts.ScopeClaims)
	if len(opts.AcceptedClientIDs) > 0 {
		if opts.SkipAudienceCheck {
			return nil, configError("AcceptedClientIDs binds tokens without aud to this resource by their client; with SkipAudienceCheck every token is accepted whatever its audience, so the two cannot be combined")
		}
		if slices.Contains(opts.AcceptedClientIDs, "") {
			return nil, configError("AcceptedClientIDs contains an empty client ID")
		}
		g.clientIDs = slices.Clone(opts.AcceptedClientIDs)
	}
	return g, nil
}

// apply returns info with its Scopes read from the configured claims (a
// copy: the AuthInfo may be shared with the token cache or belong to a
// VerifyFunc). Without ScopeClaims, or without claims (a VerifyFunc that
// sets none), info is returned as is.
func (g *grantRules) apply(info *AuthInfo) (*AuthInfo, error) {
	if g == nil || g.claims == nil || info.Claims == nil {
		return info, nil
	}
	scopes := make([]string, 0, 8)
	add := func(v string) {
		if isScopeToken(v) && !slices.Contains(scopes, v) {
			scopes = append(scopes, v)
		}
	}
	for _, path := range g.claims {
		v, ok := lookupClaim(info.Claims, path)
		if !ok {
			continue
		}
		if err := grantValues(path, v, add); err != nil {
			return nil, err
		}
	}
	cp := *info
	cp.Scopes = scopes
	return &cp, nil
}

// boundByClient reports whether a token without "aud" is bound to the
// resource by its client: its client_id (else azp) is one of
// AcceptedClientIDs. A token with an audience never is: its audience must
// match.
func (g *grantRules) boundByClient(info *AuthInfo) bool {
	if g == nil || len(g.clientIDs) == 0 || info.ClientID == "" {
		return false
	}
	if _, hasAud := info.Claims["aud"]; hasAud || len(info.Audience) > 0 {
		return false
	}
	return slices.Contains(g.clientIDs, info.ClientID)
}

// lookupClaim finds path in claims: the claim of that exact name if there
// is one (Auth0's namespaced claims such as "https://example.com/roles"
// contain dots), else a dotted path into nested objects, where each segment
// may itself contain dots ("resource_access.my.client.roles" finds
// resource_access → "my.client" → roles).
func lookupClaim(claims map[string]any, path string) (any, bool) {
	if v, ok := claims[path]; ok {
		return v, true
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		child, ok := claims[path[:i]].(map[string]any)
		if !ok {
			continue
		}
		if v, ok := lookupClaim(child, path[i+1:]); ok {
			return v, true
		}
	}
	return nil, false
}

// grantValues passes the values of a grant claim to add: a string of values
// separated by spaces (RFC 6749 §3.3, the form of "scope" and of Entra's
// "scp"), an array of strings (roles, permissions), or an object whose
// member names are the values, in sorted order (ZITADEL's
// "urn:zitadel:iam:org:project:roles" maps each role to the organizations
// that granted it). Another type makes the token invalid.
func grantValues(path string, v any, add func(string)) error {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			add(k)
		}
		return nil
	case string:
		for s := range strings.SplitSeq(t, " ") {
			add(s)
		}
		return nil
	case []any:
		for i, item := range t {
			s, ok := item.(string)
			if !ok {
				return tokenError("the %q claim must hold only strings, found %s at index %d", path, jsonKind(item), i)
			}
			add(s)
		}
		return nil
	default:
		return tokenError("the %q claim must be a string, an array of strings or an object, found %s", path, jsonKind(v))
	}
}
