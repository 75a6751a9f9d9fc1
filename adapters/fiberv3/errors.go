package mcpfiber

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v3"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// WriteError writes resp, an [mcpauth.Bearer.ErrorResponse], as the answer of
// c, exactly: its status, each of its headers (set in sorted order, so that
// the wire order never depends on map iteration) and its body bytes as they
// are, and returns nil. The Content-Type is set as given
// ("application/json"): fiber and fasthttp add no charset to it; fasthttp
// adds the Content-Length (and, for HEAD, sends no body). Headers set earlier by other middleware (CORS, ...) stay;
// a body set earlier is replaced. It is the default answer of [BearerAuth],
// and what an [ErrorHandler] or the application's fiber error handler calls
// to answer as every mcpauth adapter does.
func WriteError(c fiber.Ctx, resp mcpauth.ErrorResponse) error {
	c.Status(resp.Status)
	setHeaders(c, resp.Header, nil)
	return c.Send(resp.Body)
}

// setHeaders sets every header of h on c's response, in sorted order,
// except those for which skip returns true.
func setHeaders(c fiber.Ctx, h http.Header, skip func(string) bool) {
	hdr := &c.Response().Header
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if skip != nil && skip(k) {
			continue
		}
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
// to the error of [mcpauth.Bearer.Authenticate], so that
//
//	var fe *fiber.Error   // errors.As: Code = status, Message = error_description
//	var me *mcpauth.Error // errors.As: the refusal's code, detail, missing scopes
//	errors.Is(err, mcpauth.ErrInvalidToken)
//
// all work, fiber's DefaultErrorHandler included (it reads the status with
// errors.As). Its Error() is the error_description, which is safe to show
// to a client; log the *mcpauth.Error for the details.
type AuthError struct {
	// Response is the complete answer core gives to the refusal; write it
	// with [WriteError].
	Response mcpauth.ErrorResponse
	// Err is the error of Authenticate (an *mcpauth.Error, or an error
	// wrapping one, or for a failing custom verifier any error).
	Err error

	fiber *fiber.Error
}

// Error returns the answer's error_description.
func (e *AuthError) Error() string { return e.fiber.Message }

// Unwrap returns the *fiber.Error (status and description) and Err.
func (e *AuthError) Unwrap() []error { return []error{e.fiber, e.Err} }

// Status returns the answer's HTTP status: 401, 403, 500 or 503.
func (e *AuthError) Status() int { return e.Response.Status }

// newAuthError builds the AuthError of resp and err.
func newAuthError(resp mcpauth.ErrorResponse, err error) *AuthError {
	var body struct {
		Description string `json:"error_description"`
	}
	msg := http.StatusText(resp.Status)
	if json.Unmarshal(resp.Body, &body) == nil && body.Description != "" {
		msg = body.Description
	}
	return &AuthError{Response: resp, Err: err, fiber: fiber.NewError(resp.Status, msg)}
}

// handOver sets the challenge headers of resp (all but Content-Type, which
// belongs to whatever body the application's error handler writes) and
// returns the AuthError for that handler.
func handOver(c fiber.Ctx, resp mcpauth.ErrorResponse, err error) error {
	setHeaders(c, resp.Header, func(k string) bool { return http.CanonicalHeaderKey(k) == fiber.HeaderContentType })
	return newAuthError(resp, err)
}
