package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// PathResources are resource identifiers whose paths hold what routers read
// specially: a space, '%', '*', ':' and non-ASCII letters.
var PathResources = []string{
	"https://mcp.example.com/my%20mcp",
	"https://mcp.example.com/100%25",
	"https://mcp.example.com/a*b",
	"https://mcp.example.com/v1:mcp",
	"https://mcp.example.com/caf%C3%A9",
	"https://mcp.example.com/tools/{id}",
}

// PathMount builds a server for [RunMetadataPaths]: with use false, only
// RegisterMetadata(server, auth) (no BearerAuth at all); with use true, only
// the framework's Use(BearerAuth(bearer)) and no RegisterMetadata (plus, for
// chi, which runs r.Use middleware only once the router has a route, an /mcp
// route). It returns the base URL.
type PathMount func(t *testing.T, auth *mcpauth.Auth, bearer *mcpauth.Bearer, use bool) (baseURL string)

// RunMetadataPaths checks that the metadata of resources whose paths hold
// characters routers read specially ([PathResources]) registers without a
// panic and is served at its metadata URL (as clients build it: the escaped
// form of [ResourceMetadataPath], RFC 9728 §3.1, and with the trailing slash
// toggled), both by RegisterMetadata alone and by BearerAuth alone installed
// for the whole server; and that a path next to them is not served.
func RunMetadataPaths(t *testing.T, framework string, mount PathMount) {
	t.Helper()
	iss := mcpauthtest.MustNewIssuer(t)
	var prs []mcpauth.ProtectedResource
	for _, r := range PathResources {
		prs = append(prs, mcpauth.ProtectedResource{Resource: r, AuthorizationServers: []mcpauth.AuthServer{mcpauth.Discover(iss.URL(), mcpauth.OIDC)}})
	}
	auth, err := mcpauth.New(mcpauth.Config{ProtectedResources: prs})
	if err != nil {
		t.Fatalf("%s: %v", framework, err)
	}
	bearer, err := auth.BearerAuth(mcpauth.JWT(), mcpauth.BearerOptions{Resource: PathResources[0]})
	if err != nil {
		t.Fatalf("%s: %v", framework, err)
	}
	for _, use := range []bool{false, true} {
		name := "RegisterMetadata"
		if use {
			name = "Use(BearerAuth)"
		}
		t.Run(name, func(t *testing.T) {
			base := mount(t, auth, bearer, use)
			for _, r := range PathResources {
				md := ResourceMetadataPath(r)
				for _, p := range []string{md, md + "/"} {
					got := mcpauthtest.Send(t, http.MethodGet, base+p)
					var doc struct {
						Resource string `json:"resource"`
					}
					if got.Status != http.StatusOK || json.Unmarshal(got.Body, &doc) != nil || doc.Resource != r {
						t.Errorf("%s %s: GET %s: %d %s, want the metadata of %s", framework, name, p, got.Status, got.Body, r)
					}
				}
			}
			// A path next to them is not a metadata route.
			got := mcpauthtest.Send(t, http.MethodGet, base+"/.well-known/oauth-protected-resource/a*c")
			if got.Status == http.StatusOK {
				t.Errorf("%s %s: GET /.well-known/oauth-protected-resource/a*c: 200 %s, want no metadata", framework, name, got.Body)
			}
		})
	}
}

// ResourceMetadataPath is the escaped URL path at which RFC 9728 §3.1 publishes the
// protected resource metadata of resource: the well-known path inserted
// before the resource's path (query and fragment dropped). It is computed
// here, apart from core, so that the suites check core's routes against the
// RFC rather than against core itself. It panics on an invalid resource.
func ResourceMetadataPath(resource string) string {
	u, err := url.Parse(resource)
	if err != nil {
		panic(err)
	}
	p := u.EscapedPath()
	if p == "/" {
		p = ""
	}
	return "/.well-known/oauth-protected-resource" + p
}
