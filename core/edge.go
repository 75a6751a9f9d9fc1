package mcpauth

import "context"

// Edge is what an integration plugs into the request flow: how to read its
// framework's request (C is the framework's request context: *gin.Context,
// echo.Context, *fiber.Ctx, ...) and how to carry out each [Outcome].
// [Edge.Serve] is the one dispatch every integration runs, so that skipping,
// the public routes, optional credentials and the choice between the error
// hook, the hand-over to the framework and the default answer cannot differ
// between frameworks. [Bearer.Middleware] and the gin, echo, fiber and chi
// adapters are built on it; an adapter for another framework fills one Edge
// and calls Serve from its middleware.
type Edge[C any] struct {
	// Flow decides; its Bearer is required.
	Flow Flow
	// Request reads the request: the context to authenticate with (key
	// fetches honour its cancellation) and the [Request] (Skip is set by
	// Serve from Skipper). Required by Serve (not by Dispatch).
	Request func(c C) (context.Context, Request)
	// Skipper, when set, lets the requests it returns true for through
	// unchecked (the library's public routes are still answered).
	Skipper func(c C) bool
	// Next calls the next handler, after storing info the framework's way
	// and with [WithAuthInfo] when info is not nil. Required by Serve (not
	// by Dispatch given a next).
	Next func(c C, info *AuthInfo) error
	// Write writes resp as it is and stops the chain. Required.
	Write func(c C, resp Response) error
	// ErrorHandler, when set, answers refusals instead of Write (the
	// adapters' ErrorHandler option). It takes precedence over PassErrors.
	// The library's public documents are never given to it.
	ErrorHandler func(c C, err error) error
	// PassErrors, when set, hands refusals over to the framework's error
	// handling instead of Write (the adapters' PassErrors option), given
	// the answer core would write and the error.
	PassErrors func(c C, resp Response, err error) error
}

// Serve runs the flow for c and carries out its Outcome: Next (with the
// AuthInfo, or without one), or, for a refusal, ErrorHandler if set, else
// PassErrors if set, else Write; a public document is always written with
// Write. It returns what the chosen function returns.
func (e *Edge[C]) Serve(c C) error {
	ctx, req := e.Request(c)
	return e.Dispatch(ctx, c, req, nil)
}

// Dispatch is Serve for an adapter that has read the request itself (Skip
// is set here from Skipper; Request is not called) and, when next is not
// nil, calls next instead of e.Next. It is the form for frameworks whose
// next handler is known only per request (echo builds its middleware chain
// for every request) or whose request values should not escape to the heap
// (fiber copies the Authorization value out of fasthttp's buffers).
func (e *Edge[C]) Dispatch(ctx context.Context, c C, req Request, next func(c C, info *AuthInfo) error) error {
	req.Skip = e.Skipper != nil && e.Skipper(c)
	out := e.Flow.Check(ctx, req)
	switch {
	case out.Response == nil:
		if next == nil {
			next = e.Next
		}
		return next(c, out.Info)
	case out.Err != nil && e.ErrorHandler != nil:
		return e.ErrorHandler(c, out.Err)
	case out.Err != nil && e.PassErrors != nil:
		return e.PassErrors(c, *out.Response, out.Err)
	}
	return e.Write(c, *out.Response)
}

// EdgeOption configures an [Edge]: the options of an adapter's BearerAuth
// (each adapter's Option is EdgeOption of its framework's context). Build one
// with [EdgeOptionFunc].
type EdgeOption[C any] interface {
	applyTo(*Edge[C])
}

// EdgeOptionFunc is an EdgeOption that calls itself on the Edge.
type EdgeOptionFunc[C any] func(*Edge[C])

func (f EdgeOptionFunc[C]) applyTo(e *Edge[C]) { f(e) } //nolint:unused // the EdgeOption method, called by NewEdge for the adapters' options

// NewEdge returns e with Flow.Bearer set to b and opts applied in order (nil
// options are ignored; for an option given twice the last one wins), the
// construction every adapter's BearerAuth runs. It panics if b is nil: a
// wiring mistake (usually an ignored error of [Auth.BearerAuth]) shows at
// start-up rather than on the first request.
func NewEdge[C any](b *Bearer, e Edge[C], opts ...EdgeOption[C]) *Edge[C] {
	if b == nil {
		panic("mcpauth: BearerAuth called with a nil *mcpauth.Bearer (build it with Auth.BearerAuth)")
	}
	e.Flow.Bearer = b
	for _, o := range opts {
		if o != nil {
			o.applyTo(&e)
		}
	}
	return &e
}
