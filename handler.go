package lambdagate

import (
	"context"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// A Handler answers one request.
//
// Serve may be called concurrently: the Lambda runtime runs invocations in
// parallel when AWS_LAMBDA_MAX_CONCURRENCY allows it, and the local gateway
// serves clients in parallel. A returned error becomes the error response
// the gateway gives for the request's source (see [Adapter]); to answer a
// client error, return a response such as [response.Error] instead.
type Handler interface {
	Serve(ctx context.Context, req *event.Request) (*response.Response, error)
}

// HandlerFunc adapts an ordinary function to a [Handler].
type HandlerFunc func(ctx context.Context, req *event.Request) (*response.Response, error)

// Serve calls f(ctx, req).
func (f HandlerFunc) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	return f(ctx, req)
}

// Middleware wraps a Handler in another.
type Middleware func(Handler) Handler

// Chain returns h wrapped in mw, the first middleware outermost:
// Chain(h, a, b) serves a(b(h)).
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
