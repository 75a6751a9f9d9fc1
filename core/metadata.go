package mcpauth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ProtectedResourceWellKnownPath is the well-known path of RFC 9728 §3.
const ProtectedResourceWellKnownPath = "/.well-known/oauth-protected-resource"

// ResourceMetadataURL returns where the metadata of resource is published
// (RFC 9728 §3.1): the well-known path inserted between the host and the
// resource's path; query and fragment are dropped.
//
//	https://api.example.com/mcp → https://api.example.com/.well-known/oauth-protected-resource/mcp
//	https://api.example.com/    → https://api.example.com/.well-known/oauth-protected-resource
func ResourceMetadataURL(resource string) (string, error) {
	u, err := url.Parse(resource)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", configError("invalid resource identifier URI: %q (expected an absolute URL such as https://api.example.com/mcp)", resource)
	}
	p := u.EscapedPath()
	if p == "/" {
		p = ""
	}
	return u.Scheme + "://" + u.Host + ProtectedResourceWellKnownPath + p, nil
}

// metadataPath is the path part of a metadata URL built by ResourceMetadataURL.
func metadataPath(metadataURL string) string {
	u, _ := url.Parse(metadataURL)
	return u.EscapedPath()
}

// resourceDocument is the RFC 9728 §2 document, fields in the order of the
// RFC, authorization_servers last as in the reference libraries.
type resourceDocument struct {
	Resource                              string   `json:"resource"`
	JWKSURI                               string   `json:"jwks_uri,omitempty"`
	ScopesSupported                       []string `json:"scopes_supported,omitempty"`
	BearerMethodsSupported                []string `json:"bearer_methods_supported,omitempty"`
	ResourceSigningAlgValuesSupported     []string `json:"resource_signing_alg_values_supported,omitempty"`
	ResourceName                          string   `json:"resource_name,omitempty"`
	ResourceDocumentation                 string   `json:"resource_documentation,omitempty"`
	ResourcePolicyURI                     string   `json:"resource_policy_uri,omitempty"`
	ResourceTOSURI                        string   `json:"resource_tos_uri,omitempty"`
	TLSClientCertificateBoundAccessTokens bool     `json:"tls_client_certificate_bound_access_tokens,omitempty"`
	AuthorizationDetailsTypesSupported    []string `json:"authorization_details_types_supported,omitempty"`
	DPoPSigningAlgValuesSupported         []string `json:"dpop_signing_alg_values_supported,omitempty"`
	DPoPBoundAccessTokensRequired         bool     `json:"dpop_bound_access_tokens_required,omitempty"`
	AuthorizationServers                  []string `json:"authorization_servers,omitempty"`
}

// renderResourceMetadata renders the document once, at New.
func renderResourceMetadata(pr ProtectedResource, issuers []string) ([]byte, error) {
	doc := resourceDocument{
		Resource:                              pr.Resource,
		JWKSURI:                               pr.JWKSURI,
		ScopesSupported:                       pr.ScopesSupported,
		BearerMethodsSupported:                pr.BearerMethodsSupported,
		ResourceSigningAlgValuesSupported:     pr.ResourceSigningAlgValuesSupported,
		ResourceName:                          pr.ResourceName,
		ResourceDocumentation:                 pr.ResourceDocumentation,
		ResourcePolicyURI:                     pr.ResourcePolicyURI,
		ResourceTOSURI:                        pr.ResourceTOSURI,
		TLSClientCertificateBoundAccessTokens: pr.TLSClientCertificateBoundAccessTokens,
		AuthorizationDetailsTypesSupported:    pr.AuthorizationDetailsTypesSupported,
		DPoPSigningAlgValuesSupported:         pr.DPoPSigningAlgValuesSupported,
		DPoPBoundAccessTokensRequired:         pr.DPoPBoundAccessTokensRequired,
		AuthorizationServers:                  issuers,
	}
	b, err := marshalJSON(doc)
	if err != nil {
		return nil, configError("rendering the metadata of %q: %v", pr.Resource, err)
	}
	return b, nil
}

// MetadataRoute is one path the metadata handler answers, for routers that
// register routes one by one (the framework adapters do).
type MetadataRoute struct {
	// Path is the URL path, e.g. "/.well-known/oauth-protected-resource/mcp",
	// percent-encoded as in the resource identifier (compare it with
	// r.URL.EscapedPath(); routers that match decoded paths must decode it).
	Path string
	// Handler answers GET, HEAD and OPTIONS on Path.
	Handler http.Handler
}

// MetadataRoutes returns the protected resource metadata routes (RFC 9728
// §3), one per resource, plus for each the same path with the trailing slash
// toggled (which answers the same document, as Express does; Starlette
// redirects instead), unless another resource owns that path. In the
// deprecated single-server mode it returns the
// /.well-known/oauth-authorization-server route instead.
func (a *Auth) MetadataRoutes() []MetadataRoute {
	if a.legacy != nil {
		return []MetadataRoute{{Path: OAuthWellKnownPath, Handler: &serverMetadataHandler{s: a.legacy}}}
	}
	var routes []MetadataRoute
	owned := map[string]bool{}
	for _, rs := range a.order {
		owned[metadataPath(rs.metadataURL)] = true
	}
	for _, rs := range a.order {
		h := &documentHandler{body: rs.document}
		p := metadataPath(rs.metadataURL)
		routes = append(routes, MetadataRoute{Path: p, Handler: h})
		alt := p + "/"
		if strings.HasSuffix(p, "/") {
			alt = strings.TrimSuffix(p, "/")
		}
		if !owned[alt] {
			owned[alt] = true
			routes = append(routes, MetadataRoute{Path: alt, Handler: h})
		}
	}
	return routes
}

// MetadataHandler returns one http.Handler that answers every route of
// [Auth.MetadataRoutes] and 404 for any other path; mount it at the root of a
// mux or in front of the MCP handler.
func (a *Auth) MetadataHandler() http.Handler {
	mux := map[string]http.Handler{}
	for _, r := range a.MetadataRoutes() {
		mux[r.Path] = r.Handler
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := mux[r.URL.EscapedPath()]; ok {
			h.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

// documentHandler serves a pre-rendered JSON document with CORS for browser
// based MCP clients.
type documentHandler struct{ body []byte }

// allowedMethods are the methods the metadata routes answer.
const allowedMethods = "GET, HEAD, OPTIONS"

func (h *documentHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveJSONDocument(w, r, h.body)
}

// serveJSONDocument answers GET and HEAD with body, OPTIONS (CORS preflight)
// with 204, and anything else with 405. The document is public, so any
// origin may read it.
func serveJSONDocument(w http.ResponseWriter, r *http.Request, body []byte) {
	hdr := w.Header()
	hdr.Set("Access-Control-Allow-Origin", "*")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		hdr.Set("Content-Type", "application/json")
		hdr.Set("Cache-Control", "public, max-age=3600")
		hdr.Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	case http.MethodOptions:
		hdr.Set("Access-Control-Allow-Methods", allowedMethods)
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			hdr.Set("Access-Control-Allow-Headers", req)
			hdr.Add("Vary", "Access-Control-Request-Headers")
		}
		hdr.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	default:
		hdr.Set("Allow", allowedMethods)
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}
