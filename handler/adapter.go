package handler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/response"
)

// Adapter runs a [Handler] as a Lambda function: it implements
// aws-lambda-go's lambda.Handler, so the runtime hands it the invoke
// payload bytes and takes the output bytes without reflection.
//
// For each invoke it decodes the event ([event.Decode]), calls the
// handler, and encodes the response for the event's source
// ([response.AppendOutput]). When the handler returns an error or panics,
// or its response cannot be encoded, the Adapter logs it with the request
// ids (and the stack, for a panic) and answers what the gateway answers
// for a failed function:
//
//   - REST APIs: 502 {"message":"Internal server error"} with
//     x-amzn-ErrorType: InternalServerErrorException.
//   - HTTP APIs: 500 {"message":"Internal Server Error"}.
//   - ALB and function URLs, which have no documented error body of their
//     own, WebSocket APIs, whose client gets an error message only when
//     the function fails (an output is sent nowhere on a one-way route),
//     and payloads that are not an HTTP event at all: Invoke returns the
//     error, so Lambda records a function error and the service sends its
//     own response (502 for ALB and function URLs; for WebSocket APIs a
//     refused handshake on $connect and an error message otherwise,
//     docs/evidence/websocket.md#message-errors).
//
// An output over Lambda's 6 MB quota for a buffered response is not sent:
// Lambda would refuse it, and aws-lambda-go's runtime exits when that
// happens, so every such request would cost a cold start. Invoke returns
// the function error Lambda reports instead, type
// Function.ResponseSizeTooLarge with Lambda's own message, so the invoker
// sees what Lambda shows for an oversized response (API Gateway answers it
// as any function error: 502 for REST, 500 for HTTP APIs) and the process
// keeps serving. Use the ResponseStream invoke mode for larger bodies where the source
// allows it.
//
// An Adapter is safe for concurrent use; the Lambda runtime calls Invoke
// from several goroutines when AWS_LAMBDA_MAX_CONCURRENCY allows.
type Adapter struct {
	// Handler answers the requests. A nil Handler answers every request
	// with the source's error response.
	Handler Handler
	// Logger receives handler errors and panics; nil means slog.Default().
	Logger *slog.Logger
}

// NewAdapter returns an Adapter for h.
func NewAdapter(h Handler) *Adapter { return &Adapter{Handler: h} }

func (a *Adapter) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

// Invoke decodes payload, serves it and returns the function output.
func (a *Adapter) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	req, err := event.Decode(payload)
	if err != nil {
		a.logger().ErrorContext(ctx, "lambdagate: cannot decode event", logIDs(ctx, nil, "error", err)...)
		return nil, err
	}
	resp, err := a.serve(ctx, req)
	if err != nil {
		return a.errorOutput(req, err)
	}
	if resp.Stream != nil {
		// Nothing past the quota can be sent, so reading stops there.
		resp = limitStream(resp, quota.LambdaResponse+1)
	}
	out, err := response.AppendOutput(make([]byte, 0, outputSize(resp)), req, resp)
	if err != nil {
		a.logger().ErrorContext(ctx, "lambdagate: cannot encode response", logIDs(ctx, req, "error", err)...)
		return a.errorOutput(req, err)
	}
	if len(out) > quota.LambdaResponse {
		a.logger().ErrorContext(ctx, "lambdagate: response over Lambda's 6 MB quota", logIDs(ctx, req, "bytes", len(out))...)
		return nil, errResponseTooLarge
	}
	return out, nil
}

// errResponseTooLarge is the function error Lambda reports for a
// response over its quota. aws-lambda-go passes a messages.InvokeResponse_Error
// value to the Runtime API as it is, type and message included.
var errResponseTooLarge error = messages.InvokeResponse_Error{
	Type:    quota.ResponseTooLargeType,
	Message: quota.ResponseTooLargeMessage,
}

// limitStream returns a copy of r whose Stream ends after n bytes and
// still closes the original.
func limitStream(r *response.Response, n int64) *response.Response {
	cp := *r
	cp.Stream = limitedStream{io.LimitReader(r.Stream, n), r.Stream}
	return &cp
}

type limitedStream struct {
	io.Reader
	orig io.Reader
}

func (l limitedStream) Close() error {
	if c, ok := l.orig.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// serve calls the handler, logging and returning any failure.
func (a *Adapter) serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	resp, err := a.call(ctx, req)
	if err == nil && resp == nil {
		err = errors.New("handler: nil response and no error")
	}
	if err != nil {
		var pe *PanicError
		if !errors.As(err, &pe) {
			a.logger().ErrorContext(ctx, "lambdagate: handler failed", logIDs(ctx, req, "error", err)...)
		}
		return nil, err
	}
	return resp, nil
}

// A PanicError is a panic recovered from a handler.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string { return fmt.Sprintf("handler: panic: %v", e.Value) }

func (a *Adapter) call(ctx context.Context, req *event.Request) (resp *response.Response, err error) {
	if a.Handler == nil {
		return nil, errors.New("handler: nil Handler")
	}
	defer func() {
		if v := recover(); v != nil {
			pe := &PanicError{Value: v, Stack: debug.Stack()}
			a.logger().ErrorContext(ctx, "lambdagate: handler panic", logIDs(ctx, req, "panic", fmt.Sprint(v), "stack", string(pe.Stack))...)
			resp, err = nil, pe
		}
	}()
	return a.Handler.Serve(ctx, req)
}

// errorOutput returns the output for a failed request: the source's error
// response, or a function error for sources without one.
func (a *Adapter) errorOutput(req *event.Request, cause error) ([]byte, error) {
	switch req.Source {
	case event.ALB, event.ALBMultiValue, event.FunctionURL, event.WebSocket:
		return nil, cause
	}
	resp := response.FunctionError(req.Source)
	return response.Marshal(req, resp)
}

func outputSize(r *response.Response) int {
	n := 128 + len(r.Body)
	if r.Encoding == response.Base64Encoding || len(r.Body) > 64 {
		n += len(r.Body)/3 + 4
	}
	for _, f := range r.Header {
		n += len(f.Name) + len(f.Value) + 8
	}
	for _, c := range r.Cookies {
		n += len(c) + 4
	}
	return n
}

// logIDs returns slog attributes naming the invoke and the request.
func logIDs(ctx context.Context, req *event.Request, kv ...any) []any {
	attrs := make([]any, 0, len(kv)+6)
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, "awsRequestId", lc.AwsRequestID)
	}
	if req != nil {
		attrs = append(attrs, "requestId", req.RequestID, "source", req.Source.String())
	}
	return append(attrs, kv...)
}
