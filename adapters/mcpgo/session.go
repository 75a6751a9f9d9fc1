package mcpmcpgo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"strings"
)

// sessionIDHeader is the streamable HTTP transport's session header.
const sessionIDHeader = "Mcp-Session-Id"

// macLen is how many bytes of the HMAC-SHA256 a session id carries: 128
// bits, beyond guessing.
const macLen = 16

// sealedSep separates mcp-go's session id from the MAC. mcp-go's ids may
// contain it too: open splits at the last one.
const sealedSep = "."

// macDomain separates these MACs from any other use of the key.
const macDomain = "mcpauth mcp-go session v1\x00"

// seal returns the session id the client gets for mcp-go's id, bound to
// user: id "." base64url(HMAC-SHA256(key, domain | id | NUL | user)[:16]).
// Session ids are visible ASCII (MCP streamable HTTP transport), so id has
// no NUL and the encoding is unambiguous.
func (b *bridge) seal(id, user string) string {
	return id + sealedSep + base64.RawURLEncoding.EncodeToString(b.mac(id, user))
}

// open checks a session id the client sent against user and returns mcp-go's
// id. ok is false for an id bound to another user, sealed with another key,
// or never sealed.
func (b *bridge) open(sealed, user string) (id string, ok bool) {
	i := strings.LastIndex(sealed, sealedSep)
	if i < 0 {
		return "", false
	}
	id, enc := sealed[:i], sealed[i+len(sealedSep):]
	if id == "" || base64.RawURLEncoding.DecodedLen(len(enc)) != macLen {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", false
	}
	return id, hmac.Equal(got, b.mac(id, user))
}

// macState is a reusable HMAC and its input buffer (pooled: a fresh
// hmac.New costs several allocations per request).
type macState struct {
	h   hash.Hash
	buf []byte
	sum []byte
}

// mac returns the MAC of id for user, in a new slice of macLen bytes.
func (b *bridge) mac(id, user string) []byte {
	st, _ := b.macs.Get().(*macState)
	if st == nil {
		st = &macState{h: hmac.New(sha256.New, b.cfg.key)}
	}
	st.h.Reset()
	st.buf = append(append(append(append(st.buf[:0], macDomain...), id...), 0), user...)
	st.h.Write(st.buf)
	st.sum = st.h.Sum(st.sum[:0])
	out := make([]byte, macLen)
	copy(out, st.sum)
	if cap(st.buf) <= 4096 { // do not keep a huge user id's buffer around
		b.macs.Put(st)
	}
	return out
}

// sessionWriter seals the Mcp-Session-Id that mcp-go sets on a response
// before the header is sent.
type sessionWriter struct {
	http.ResponseWriter
	seal   func(string) string
	sealed bool
}

// flushSessionWriter is a sessionWriter over a ResponseWriter that can
// flush: mcp-go streams (SSE) only when the writer is an http.Flusher, so
// the bridge claims to be one exactly when the writer it wraps is.
type flushSessionWriter struct{ *sessionWriter }

func newSessionWriter(w http.ResponseWriter, seal func(string) string) http.ResponseWriter {
	sw := &sessionWriter{ResponseWriter: w, seal: seal}
	if _, ok := w.(http.Flusher); ok {
		return flushSessionWriter{sw}
	}
	return sw
}

func (w *sessionWriter) sealHeader() {
	if w.sealed {
		return
	}
	w.sealed = true
	h := w.Header()
	if id := h.Get(sessionIDHeader); id != "" {
		h.Set(sessionIDHeader, w.seal(id))
	}
}

func (w *sessionWriter) WriteHeader(code int) {
	w.sealHeader()
	w.ResponseWriter.WriteHeader(code)
}

func (w *sessionWriter) Write(p []byte) (int, error) {
	w.sealHeader()
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer (mcp-go
// sets write deadlines through it).
func (w *sessionWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w flushSessionWriter) Flush() {
	w.sealHeader()
	w.ResponseWriter.(http.Flusher).Flush()
}
