package mcpauth

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// Request is what the request flow ([Edge.Dispatch]) needs to know of an
// HTTP request. Adapters fill it from their framework's request (net/http
// code uses [HTTPRequest]); nothing in it is kept after Dispatch returns,
// except the token, inside the AuthInfo.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the decoded URL path (url.URL.Path, not EscapedPath): the
	// library's public routes are matched on it.
	Path string
	// Authorization holds every value of the Authorization header, in order
	// (two values are refused: a request must not carry two credentials).
	Authorization []string
	// PreflightMethod is the Access-Control-Request-Method header of an
	// OPTIONS request: set, it makes the request a CORS preflight.
	PreflightMethod string
	// PreflightHeaders is the Access-Control-Request-Headers header of an
	// OPTIONS request, echoed by the metadata routes' preflight answer.
	PreflightHeaders string
	// Skip lets the request through unchecked, with no AuthInfo (the
	// library's public routes are still answered). Dispatch sets it from
	// [Edge.Skipper].
	Skip bool
	// Body returns the whole request body, for the per-operation scopes
	// (BearerOptions.MethodScopes and ToolScopes); it is called only when
	// the Bearer has some, and at most once, during Dispatch. Adapters on
	// frameworks that have read the body already set it: fasthttp's raw
	// body, Body: c.Request().Body for fiber (a method value made in the
	// middleware's own frame stays on the stack: Dispatch does not keep it).
	// [HTTPRequest] leaves it nil and gives the flow the net/http body
	// instead, which the flow reads (up to BearerOptions.BodyPeekLimit) and
	// puts back in the *http.Request, intact, for the next handler. A
	// Request with neither cannot be checked: a Bearer with per-operation
	// scopes requires all of them.
	Body func() []byte
	// ContentEncoding is the Content-Encoding header (its values joined by
	// ", "). A body encoded otherwise than "identity" cannot be read for the
	// per-operation scopes, and needs all of them.
	ContentEncoding string

	http *http.Request // set by HTTPRequest: the body is peeked from it
}

// HTTPRequest returns the Request of a net/http request, with Skip false.
// When the flow needs the body (per-operation scopes), it reads r.Body and
// replaces it with a reader of the same bytes, so r must be the request the
// next handler is given (or share its Body, as r.WithContext does).
func HTTPRequest(r *http.Request) Request {
	req := Request{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Values("Authorization"), http: r}
	switch enc := r.Header.Values("Content-Encoding"); len(enc) {
	case 0:
	case 1:
		req.ContentEncoding = enc[0]
	default:
		req.ContentEncoding = strings.Join(enc, ", ")
	}
	if r.Method == http.MethodOptions {
		req.PreflightMethod = r.Header.Get("Access-Control-Request-Method")
		req.PreflightHeaders = r.Header.Get("Access-Control-Request-Headers")
	}
	return req
}

// outcome is the decision of [Bearer.check], exactly one of:
//
//   - resp != nil: answer with resp (write it as it is) and do not call the
//     next handler. err is the refusal when resp is one (for an error hook);
//     err is nil when resp is one of the library's public documents, which
//     is never handed to an error hook;
//   - info != nil: the caller is authenticated: store info (the framework's
//     way and with [WithAuthInfo]) and call the next handler;
//   - both nil: call the next handler without an AuthInfo (a skipped
//     request, a CORS preflight, or an anonymous request with
//     [Edge.Optional]).
type outcome struct {
	info *AuthInfo
	resp *Response
	err  error
}

// check is the one request flow of this library: [Edge.Dispatch], hence
// [Bearer.Middleware] and every framework adapter, calls it and only
// translates the request in and the outcome out, so that all of them decide
// and answer alike. It decides what to do with req, in this order:
//
//  1. the library's own public routes (the protected resource metadata of
//     every resource of the [Auth] the Bearer comes from, as
//     [Auth.MetadataRoutes], matched on the decoded path) are answered
//     here with their document, whatever the method, Skip or the
//     credentials: such a route is never behind authentication, whatever
//     the registration order of routes and middleware, and a catch-all
//     route of the application is never reached through it;
//  2. req.Skip passes the request with no AuthInfo;
//  3. a CORS preflight passes with no AuthInfo (unless
//     authenticatePreflight: [Edge.AuthenticatePreflight]);
//  4. the credentials are checked with [Bearer.Authenticate], and, when the
//     Bearer has per-operation scopes (BearerOptions.MethodScopes and
//     ToolScopes), the token must also hold the scopes of the JSON-RPC
//     operations in the request body (read from req.Body or the net/http
//     body, which is given back intact): accepted, the outcome has the
//     AuthInfo; refused, it has the answer of [Bearer.ErrorResponse] and
//     the error (403 insufficient_scope for a missing scope, its challenge
//     naming the scopes the request needs), except that with optional
//     ([Edge.Optional]) a request without credentials passes with no
//     AuthInfo, unless its operations need a scope (then 401, naming them).
func (b *Bearer) check(ctx context.Context, req Request, optional, authenticatePreflight bool) outcome {
	if doc, ok := b.publicDocument(req.Path); ok {
		// A copy: req's strings may point into the framework's buffers
		// (fasthttp), and keeping none of them lets req stay on the stack.
		resp := documentResponse(req.Method, strings.Clone(req.PreflightHeaders), doc)
		return outcome{resp: &resp}
	}
	if req.Skip {
		return outcome{}
	}
	if req.PreflightMethod != "" && req.Method == http.MethodOptions && !authenticatePreflight {
		return outcome{}
	}
	info, err := b.authenticateRequest(ctx, &req)
	if err != nil {
		if optional && errors.Is(err, CodeMissingAuthHeader) {
			if err = b.anonymousRefusal(&req, err); err == nil {
				return outcome{}
			}
		}
		resp := b.ErrorResponse(err)
		return outcome{resp: &resp, err: err}
	}
	return outcome{info: info}
}

// publicDocument returns the metadata document served at the decoded path
// p, if any. Every such path starts with the RFC 9728 well-known prefix, so
// the usual request is told apart without hashing its path.
func (b *Bearer) publicDocument(p string) ([]byte, bool) {
	if !strings.HasPrefix(p, protectedResourceWellKnownPath) {
		return nil, false
	}
	doc, ok := b.public[p]
	return doc, ok
}
