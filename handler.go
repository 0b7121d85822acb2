package lambdagate

import "github.com/lambdagate/lambdagate/handler"

// The handler vocabulary, defined in package handler (which every stage
// of the data flow imports) and named here for programs, which import
// this package.
type (
	// Handler answers one request; see [handler.Handler].
	Handler = handler.Handler
	// HandlerFunc adapts a function to a Handler; see [handler.Func].
	HandlerFunc = handler.Func
	// Middleware wraps a Handler in another; see [handler.Middleware].
	Middleware = handler.Middleware
	// Adapter runs a Handler as a Lambda function at the bytes level;
	// see [handler.Adapter].
	Adapter = handler.Adapter
	// Invoker is a Lambda function at the bytes level; see
	// [handler.Invoker].
	Invoker = handler.Invoker
	// InvokeMode is how Lambda returns a function's output; see
	// [handler.InvokeMode].
	InvokeMode = handler.InvokeMode
)

// The invoke modes; see [handler.Buffered] and [handler.ResponseStream].
const (
	Buffered       = handler.Buffered
	ResponseStream = handler.ResponseStream
)

// Chain returns h wrapped in mw, the first middleware outermost; see
// [handler.Chain].
func Chain(h Handler, mw ...Middleware) Handler { return handler.Chain(h, mw...) }

// NewAdapter returns an Adapter for h; see [handler.NewAdapter].
func NewAdapter(h Handler) *Adapter { return handler.NewAdapter(h) }
