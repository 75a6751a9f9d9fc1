package mcpauth

import (
	"net/http"
)

// serverMetadataHandler serves the authorization server metadata at
// /.well-known/oauth-authorization-server in the deprecated single-server
// mode, discovering it on first use when it was not given.
type serverMetadataHandler struct{ s *serverState }

func (h *serverMetadataHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		serveJSONDocument(w, r, nil)
		return
	}
	m, err := h.s.metadata(r.Context())
	if err != nil {
		writeErrorResponse(w, serverErrorResponse(err, false, nil))
		return
	}
	body, err := marshalJSON(m)
	if err != nil {
		writeErrorResponse(w, serverErrorResponse(err, false, nil))
		return
	}
	serveJSONDocument(w, r, body)
}
