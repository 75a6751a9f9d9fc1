package mcpauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// defaultBodyPeekLimit is the default of [BearerOptions.BodyPeekLimit]:
// 4 MiB, the go-sdk's default limit of a request body
// (mcp.DefaultMaxRequestBodyBytes), so that every body the SDK accepts by
// default is checked.
const defaultBodyPeekLimit = 4 << 20

// methodToolsCall is the JSON-RPC method whose params.name selects the
// [BearerOptions.ToolScopes] requirement.
const methodToolsCall = "tools/call"

// operationScopes is the per-operation part of a Bearer: the scopes each
// JSON-RPC method and each tool needs on top of RequiredScopes.
type operationScopes struct {
	methods map[string][]string
	tools   map[string][]string
	// all is every scope of methods and tools, sorted: what a request whose
	// body cannot be read needs.
	all   []string
	limit int64
}

// newOperationScopes checks and copies the per-operation options; nil when
// there are none.
func newOperationScopes(opts BearerOptions) (*operationScopes, error) {
	if opts.BodyPeekLimit < 0 {
		return nil, configError("BodyPeekLimit is %d: expected 0 (the default, %d bytes) or a positive size", opts.BodyPeekLimit, defaultBodyPeekLimit)
	}
	if len(opts.MethodScopes) == 0 && len(opts.ToolScopes) == 0 {
		return nil, nil
	}
	o := &operationScopes{limit: opts.BodyPeekLimit}
	if o.limit == 0 {
		o.limit = defaultBodyPeekLimit
	}
	var err error
	if o.methods, err = copyScopeMap("MethodScopes", "method", opts.MethodScopes); err != nil {
		return nil, err
	}
	if o.tools, err = copyScopeMap("ToolScopes", "tool", opts.ToolScopes); err != nil {
		return nil, err
	}
	for _, m := range []map[string][]string{o.methods, o.tools} {
		for _, scopes := range m {
			o.all = append(o.all, scopes...)
		}
	}
	slices.Sort(o.all)
	o.all = slices.Compact(o.all)
	return o, nil
}

// copyScopeMap checks every scope of m (the rules of RequiredScopes) and
// returns a copy of it, so that later changes by the caller have no effect.
func copyScopeMap(field, what string, m map[string][]string) (map[string][]string, error) {
	out := make(map[string][]string, len(m))
	for _, key := range slices.Sorted(maps.Keys(m)) {
		if key == "" {
			return nil, configError("%s has an empty %s name", field, what)
		}
		if err := checkScopes(fmt.Sprintf("%s[%q]", field, key), m[key]); err != nil {
			return nil, err
		}
		out[key] = slices.Clone(m[key])
	}
	return out, nil
}

// checkScopes applies the scope-token rules of RFC 6749 §3.3 that a
// challenge's scope attribute needs: not empty, no space, tab, double quote
// or backslash.
func checkScopes(field string, scopes []string) error {
	for _, s := range scopes {
		if s == "" {
			return configError("%s contains an empty scope", field)
		}
		if strings.ContainsAny(s, " \t\"\\") {
			return configError("%s: scope %q contains a space, quote or backslash (RFC 6749 §3.3)", field, s)
		}
	}
	return nil
}

// required returns the scopes the operations in req's body need on top of
// RequiredScopes, in the order the body names them (each method's
// MethodScopes, then, for tools/call, each tool's ToolScopes), without
// duplicates. When the body cannot be checked it returns every scope of
// the per-operation options and the reason, for the error description.
func (o *operationScopes) required(req *Request) (need []string, unchecked string) {
	if enc := strings.TrimSpace(req.ContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return o.all, "is encoded (a Content-Encoding other than identity)"
	}
	var body []byte
	switch {
	case req.http != nil:
		var complete bool
		if body, complete = peekHTTPBody(req.http, o.limit); !complete {
			return o.all, "is larger than " + strconv.FormatInt(o.limit, 10) + " bytes"
		}
	case req.Body != nil:
		if body = req.Body(); int64(len(body)) > o.limit {
			return o.all, "is larger than " + strconv.FormatInt(o.limit, 10) + " bytes"
		}
	default:
		return o.all, "is not available to the authorization check"
	}
	if len(body) == 0 {
		return nil, ""
	}
	sink := operationSink{o: o}
	visitOperations(body, &sink)
	return sink.need, ""
}

// operationSink collects the scopes the messages of a body need.
type operationSink struct {
	o    *operationScopes
	need []string
	// trace, in tests, receives every message's methods and names.
	trace *[][2][]string
}

// message adds the scopes of one message: each method's MethodScopes and,
// for tools/call, each name's ToolScopes.
func (s *operationSink) message(methods, names [][]byte) {
	if s.trace != nil {
		*s.trace = append(*s.trace, [2][]string{byteStrings(methods), byteStrings(names)})
	}
	if s.o == nil {
		return
	}
	for _, m := range methods {
		s.need = appendNew(s.need, s.o.methods[string(m)])
		if string(m) == methodToolsCall {
			for _, n := range names {
				s.need = appendNew(s.need, s.o.tools[string(n)])
			}
		}
	}
}

// byteStrings copies bs into strings.
func byteStrings(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

// appendNew appends to dst the scopes of add it does not hold yet.
func appendNew(dst, add []string) []string {
	for _, s := range add {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// peekHTTPBody reads r.Body up to limit bytes and puts back in r.Body a
// reader of the same bytes (then of the rest, when there is more), whose
// Close closes the original body; a read error is given back, after the bytes
// read before it, to whoever reads r.Body next. complete is false when the
// body is larger than limit; body is then only its beginning.
func peekHTTPBody(r *http.Request, limit int64) (body []byte, complete bool) {
	orig := r.Body
	if orig == nil || orig == http.NoBody {
		return nil, true
	}
	size := int64(512)
	if r.ContentLength > 0 {
		size = min(r.ContentLength, limit) + 1 // +1: EOF is seen without growing
	}
	buf := make([]byte, 0, size)
	lr := io.LimitedReader{R: orig, N: limit + 1}
	var err error
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		var n int
		n, err = lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break
		}
	}
	switch {
	case !errors.Is(err, io.EOF):
		r.Body = bodyReader{io.MultiReader(bytes.NewReader(buf), errReader{err}), orig}
		return buf, true // whoever reads the body gets the same error
	case int64(len(buf)) > limit:
		r.Body = bodyReader{io.MultiReader(bytes.NewReader(buf), orig), orig}
		return buf, false
	default:
		r.Body = bodyReader{bytes.NewReader(buf), orig}
		return buf, true
	}
}

// bodyReader is a request body given back after a peek.
type bodyReader struct {
	io.Reader
	io.Closer
}

// errReader returns err for every read.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// authenticateRequest is [Bearer.Authenticate] with, when the Bearer has
// per-operation scopes, the scopes of the operations in req's body added to
// RequiredScopes.
func (b *Bearer) authenticateRequest(ctx context.Context, req *Request) (*AuthInfo, error) {
	info, err := b.verifyCredentials(ctx, req.Authorization)
	if err != nil {
		return nil, err
	}
	var need []string
	var unchecked string
	if b.ops != nil {
		need, unchecked = b.ops.required(req)
	}
	if err := b.assert(info, need, unchecked); err != nil {
		return nil, err
	}
	return info, nil
}

// anonymousRefusal returns, for a request without credentials let through
// by [Edge.Optional], the refusal err with the scopes of the operations in
// its body as the challenge's scope, or nil when its operations need no
// scope: an operation with per-operation scopes is never served to an
// anonymous caller.
func (b *Bearer) anonymousRefusal(req *Request, err error) error {
	if b.ops == nil {
		return nil
	}
	need, unchecked := b.ops.required(req)
	if len(need) == 0 {
		return nil
	}
	e, _ := asError(err)
	refusal := *e
	refusal.RequiredScopes = appendNew(slices.Clone(b.opts.RequiredScopes), need)
	refusal.Detail = "the request's operations need scopes " + strings.Join(refusal.RequiredScopes, " ")
	if unchecked != "" {
		refusal.Detail += " (its body " + unchecked + ")"
	}
	return &refusal
}

// missingScopes is the refusal of a token that lacks some of required.
func missingScopes(required, missing []string, needsOps bool, unchecked string) *Error {
	e := &Error{Code: CodeMissingRequiredScopes, MissingScopes: missing,
		Detail: fmt.Sprintf("missing %s", strings.Join(missing, " "))}
	if needsOps {
		e.RequiredScopes = required
	}
	if unchecked != "" {
		e.Description = "The request body " + unchecked + ", so it cannot be checked for per-operation scopes: it needs every scope this server requires for an operation."
	}
	return e
}
