package handler

import (
	"context"
	"io"

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

// Func adapts an ordinary function to a [Handler].
type Func func(ctx context.Context, req *event.Request) (*response.Response, error)

// Serve calls f(ctx, req).
func (f Func) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
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

// An Invoker is a Lambda function at the bytes level: it takes the invoke
// payload (the event JSON) and returns the function output. An error is a
// function error ([FunctionError] when it came through Lambda), except an
// [InvokeError], an invoke that never reached the function. It has the
// method set of aws-lambda-go's lambda.Handler,
// so an [Adapter], any lambda.Handler and the local gateway's remote
// functions are Invokers.
type Invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// A StreamInvoker is a Lambda function that answers an invoke in Lambda's
// response streaming mode: the output is a reader of a streamed HTTP
// response (a JSON prelude, eight NUL bytes, then the body; see
// [StreamContentType]). [Adapter] is one.
type StreamInvoker interface {
	InvokeStream(ctx context.Context, payload []byte) (io.Reader, error)
}

// InvokeMode is how Lambda returns a function's output to the service
// that invoked it, as a function URL's InvokeMode and a REST integration's
// response transfer mode set it.
type InvokeMode uint8

const (
	// Buffered returns the output whole once the function returns, at
	// most 6 MB (BUFFERED).
	Buffered InvokeMode = iota
	// ResponseStream passes the output on as the function writes it
	// (RESPONSE_STREAM): function URLs and REST APIs support it.
	ResponseStream
)

// String returns AWS's name for m: "BUFFERED" or "RESPONSE_STREAM".
func (m InvokeMode) String() string {
	if m == ResponseStream {
		return "RESPONSE_STREAM"
	}
	return "BUFFERED"
}

type invokeModeKey struct{}

// InvokeModeFrom returns the invoke mode of the invoke ctx belongs to,
// Buffered unless [ContextWithInvokeMode] set another. A handler that can
// stream, such as the net/http adapter whose handler flushes, passes the
// body on as it is produced only in ResponseStream mode.
func InvokeModeFrom(ctx context.Context) InvokeMode {
	m, _ := ctx.Value(invokeModeKey{}).(InvokeMode)
	return m
}

// ContextWithInvokeMode returns ctx marked with the invoke mode m, as
// [Adapter.InvokeStream] marks it; for calling a handler's Serve directly
// in tests.
func ContextWithInvokeMode(ctx context.Context, m InvokeMode) context.Context {
	return context.WithValue(ctx, invokeModeKey{}, m)
}
