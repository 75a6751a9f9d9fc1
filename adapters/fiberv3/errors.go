package mcpfiber

import (
	"maps"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v3"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// WriteError writes resp (usually bearer.ErrorResponse(err)) as the answer
// of c, exactly: its status, each of its headers (set in sorted order, so
// that the wire order never depends on map iteration) and its body bytes as
// they are, and returns nil. The Content-Type is set as given
// ("application/json"; none for a 204 preflight answer, for which fasthttp's
// default text/plain is suppressed); fasthttp adds the Content-Length (and,
// for HEAD, sends no body). Headers set earlier by other middleware (CORS,
// ...) stay; a body set earlier is replaced. It is the default answer of
// [BearerAuth], and what an [ErrorHandler] or the application's fiber error
// handler calls to answer as every mcpauth adapter does.
func WriteError(c fiber.Ctx, resp mcpauth.Response) error {
	c.Status(resp.Status)
	setHeaders(c, resp.Header)
	if len(resp.Header.Values(fiber.HeaderContentType)) == 0 {
		c.Response().Header.SetNoDefaultContentType(true)
	}
	return c.Send(resp.Body)
}

// setHeaders sets every header of h on c's response, in sorted order.
func setHeaders(c fiber.Ctx, h http.Header) {
	hdr := &c.Response().Header
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for i, v := range h[k] {
			if i == 0 {
				hdr.Set(k, v)
			} else {
				hdr.Add(k, v)
			}
		}
	}
}

// AuthError is the error [BearerAuth] returns, in [PassErrors] mode, for the
// application's fiber.Config.ErrorHandler. It unwraps to a *fiber.Error and
// to the error of mcpauth.Bearer.Authenticate, so that
//
//	var fe *fiber.Error   // errors.As: Code = status, Message = description
//	var me *mcpauth.Error // errors.As: the refusal's code, detail, missing scopes
//	errors.Is(err, mcpauth.CodeInvalidToken)
//
// all work, fiber's DefaultErrorHandler included (it reads the status with
// errors.As). Its Error() is the answer's description, which is safe to show
// to a client; log the *mcpauth.Error for the details.
type AuthError struct {
	// Response is the complete answer core gives to the refusal; write it
	// with [WriteError].
	Response mcpauth.Response
	// Err is the error of Authenticate (an *mcpauth.Error, or an error
	// wrapping one, or for a failing custom verifier any error).
	Err error

	fiber *fiber.Error
}

// Error returns the answer's description.
func (e *AuthError) Error() string { return e.fiber.Message }

// Unwrap returns the *fiber.Error (status and description) and Err.
func (e *AuthError) Unwrap() []error { return []error{e.fiber, e.Err} }

// Status returns the answer's HTTP status: 401, 403, 500 or 503.
func (e *AuthError) Status() int { return e.Response.Status }

// handOver is the PassErrors answer: every header of resp set on the
// response, and the AuthError for the application's error handler.
func handOver(c fiber.Ctx, resp mcpauth.Response, err error) error {
	setHeaders(c, resp.Header)
	return newAuthError(resp, err)
}

// newAuthError builds the AuthError of resp and err, from the fields of
// resp (never from its body).
func newAuthError(resp mcpauth.Response, err error) *AuthError {
	return &AuthError{Response: resp, Err: err, fiber: fiber.NewError(resp.Status, resp.Description)}
}
