package mcpauthtest

import (
	"encoding/json"
	"net/http"
	"time"
)

const (
	oidcSuffix  = "/.well-known/openid-configuration"
	oauthPrefix = "/.well-known/oauth-authorization-server"
	jwksSuffix  = "/jwks"
	introSuffix = "/introspect"
)

type endpoint int

const (
	endpointNone endpoint = iota
	endpointDiscovery
	endpointJWKS
	endpointIntrospection
)

// route maps a request path to an endpoint.
func (i *Issuer) route(path string) endpoint {
	switch path {
	case i.cfg.path + oidcSuffix, oauthPrefix + i.cfg.path:
		return endpointDiscovery
	case i.cfg.path + jwksSuffix:
		return endpointJWKS
	case i.cfg.path + introSuffix:
		return endpointIntrospection
	}
	return endpointNone
}

// serveHTTP is the handler of the issuer's server: count, delay, fault hook,
// then the endpoint itself.
func (i *Issuer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	ep := i.route(r.URL.Path)
	switch ep {
	case endpointDiscovery:
		i.discRequests.Add(1)
	case endpointJWKS:
		i.jwksRequests.Add(1)
	case endpointIntrospection:
		i.introRequests.Add(1)
	}

	if d := i.cfg.latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-i.closed:
			// Abort the connection rather than send an empty 200.
			t.Stop()
			panic(http.ErrAbortHandler)
		}
	}

	if f := i.fault.Load(); f != nil && (*f)(w, r) {
		return
	}

	if ep == endpointNone {
		http.NotFound(w, r)
		return
	}
	if ep == endpointIntrospection {
		i.serveIntrospection(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	switch ep {
	case endpointDiscovery:
		i.serveDiscovery(w)
	case endpointJWKS:
		i.serveJWKS(w)
	}
}

func (i *Issuer) serveDiscovery(w http.ResponseWriter) {
	body, err := json.Marshal(i.Metadata())
	if err != nil {
		http.Error(w, "mcpauthtest: marshaling metadata: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (i *Issuer) serveJWKS(w http.ResponseWriter) {
	i.mu.RLock()
	body := i.jwksBody
	if body == nil {
		body = i.jwksJSON
	}
	cacheControl := i.cacheControl
	i.mu.RUnlock()

	w.Header().Set("Content-Type", "application/json")
	if cacheControl != "" {
		w.Header().Set("Cache-Control", cacheControl)
	}
	_, _ = w.Write(body)
}
