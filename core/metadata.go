package mcpauth

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// protectedResourceWellKnownPath is the well-known path of RFC 9728 §3.
const protectedResourceWellKnownPath = "/.well-known/oauth-protected-resource"

// resourceMetadataURL returns where the metadata of resource is published
// (RFC 9728 §3.1): the well-known path inserted between the host and the
// resource's path; query and fragment are dropped.
//
//	https://api.example.com/mcp → https://api.example.com/.well-known/oauth-protected-resource/mcp
//	https://api.example.com/    → https://api.example.com/.well-known/oauth-protected-resource
//
// (Users read it from [Bearer.ResourceMetadataURL].)
func resourceMetadataURL(resource string) (string, error) {
	u, err := url.Parse(resource)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", configError("invalid resource identifier URI: %q (expected an absolute URL such as https://api.example.com/mcp)", resource)
	}
	p := u.EscapedPath()
	if p == "/" {
		p = ""
	}
	return u.Scheme + "://" + u.Host + protectedResourceWellKnownPath + p, nil
}

// metadataPath is the path part of a metadata URL built by resourceMetadataURL.
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
// redirects instead), unless another resource owns that path.
func (a *Auth) MetadataRoutes() []MetadataRoute {
	docs := a.metadataDocuments()
	routes := make([]MetadataRoute, len(docs))
	for i, d := range docs {
		routes[i] = MetadataRoute{Path: d.path, Handler: &documentHandler{body: d.body}}
	}
	return routes
}

// metadataDocument is one metadata route: its escaped path and its body.
type metadataDocument struct {
	path string
	body []byte
}

// metadataDocuments lists the routes of MetadataRoutes.
func (a *Auth) metadataDocuments() []metadataDocument {
	var docs []metadataDocument
	owned := map[string]bool{}
	for _, rs := range a.order {
		owned[metadataPath(rs.metadataURL)] = true
	}
	for _, rs := range a.order {
		p := metadataPath(rs.metadataURL)
		docs = append(docs, metadataDocument{p, rs.document})
		alt := p + "/"
		if strings.HasSuffix(p, "/") {
			alt = strings.TrimSuffix(p, "/")
		}
		if !owned[alt] {
			owned[alt] = true
			docs = append(docs, metadataDocument{alt, rs.document})
		}
	}
	return docs
}

// publicDocuments maps the decoded path of every metadata route (what
// url.URL.Path holds for a request to it) to its document: the routes the
// request flow answers itself.
func (a *Auth) publicDocuments() map[string][]byte {
	public := map[string][]byte{}
	for _, d := range a.metadataDocuments() {
		p, err := url.PathUnescape(d.path)
		if err != nil {
			p = d.path // unreachable: the path was escaped by net/url
		}
		public[p] = d.body
	}
	return public
}

// MetadataHandler returns one http.Handler that answers every route of
// [Auth.MetadataRoutes], matched on the decoded request path (r.URL.Path, so
// /caf%C3%A9 and /a%2Ab reach the routes of /café and /a*b), and 404 for any
// other path; mount it at the root of a mux, in front of the MCP handler, or
// on a router's pattern that may match more than one path (it checks the
// path itself). [Bearer.Middleware] and the adapters' BearerAuth answer the
// same routes with the same bytes.
func (a *Auth) MetadataHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if doc, ok := a.public[r.URL.Path]; ok {
			serveJSONDocument(w, r, doc)
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

// serveJSONDocument answers r with documentResponse.
func serveJSONDocument(w http.ResponseWriter, r *http.Request, body []byte) {
	documentResponse(r.Method, r.Header.Get("Access-Control-Request-Headers"), body).Write(w)
}

// documentResponse is the answer of a metadata route to a request with this
// method: GET gets body, HEAD its headers and length, OPTIONS (CORS preflight) 204 with the allowed methods and the
// requested headers, anything else 405. The document is public, so any
// origin may read it.
func documentResponse(method, requestHeaders string, body []byte) Response {
	hdr := http.Header{"Access-Control-Allow-Origin": {"*"}}
	switch method {
	case http.MethodGet, http.MethodHead:
		hdr["Content-Type"] = []string{"application/json"}
		hdr["Cache-Control"] = []string{"public, max-age=3600"}
		if method == http.MethodHead {
			hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
			return Response{Status: http.StatusOK, Header: hdr}
		}
		return Response{Status: http.StatusOK, Header: hdr, Body: body}
	case http.MethodOptions:
		hdr["Access-Control-Allow-Methods"] = []string{allowedMethods}
		if requestHeaders != "" {
			hdr["Access-Control-Allow-Headers"] = []string{requestHeaders}
			hdr["Vary"] = []string{"Access-Control-Request-Headers"}
		}
		hdr["Access-Control-Max-Age"] = []string{"86400"}
		return Response{Status: http.StatusNoContent, Header: hdr}
	default:
		hdr["Allow"] = []string{allowedMethods}
		return Response{Status: http.StatusMethodNotAllowed, Header: hdr}
	}
}
