package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/lambdagate/lambdagate/event"
)

// ErrUnauthorized is the error an authorizer returns to refuse a caller
// with 401 {"message":"Unauthorized"}: API Gateway answers 401 when the
// function fails with exactly the message "Unauthorized", and 500 for
// every other failure (docs/evidence/authorizers.md#rest-outcomes). Its
// text is therefore AWS's, not this package's usual "authorizer: ..."
// form. Wrapped, it still counts: the function fails with the bare
// message.
var ErrUnauthorized = errors.New("Unauthorized") //lint:ignore ST1005 the message API Gateway looks for

// Func is a Lambda authorizer that answers with an IAM policy: REST TOKEN
// and REQUEST authorizers, and HTTP API authorizers without simple
// responses. It is a Lambda function at the bytes level (the method set
// of handler.Invoker and aws-lambda-go's lambda.Handler), so it runs in
// Lambda with lambdagate.Function{Invoker: f}.Start(), and locally as a
// gateway.LambdaAuthorizer's Function.
//
// For each invoke, Invoke decodes the event with [event.DecodeAuthorizer],
// calls f, and encodes its response. An error is a function error: return
// [ErrUnauthorized] to refuse the caller with 401. A panic is recovered,
// logged and reported as a function error (500), so the process keeps
// serving. A response API Gateway would refuse (see [Response.Check]) is
// logged and sent as it is, so that the gateway answers as AWS does. Func
// is safe for concurrent use if f is.
type Func func(ctx context.Context, req *event.AuthorizerRequest) (*Response, error)

// Invoke runs f on the invoke payload.
func (f Func) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return invoke(ctx, payload, f, func(req *event.AuthorizerRequest, resp *Response) error {
		return resp.Check(formatOf(req))
	})
}

// SimpleFunc is an HTTP API Lambda authorizer with simple responses
// (payload format 2.0): see [Func], whose rules it shares.
type SimpleFunc func(ctx context.Context, req *event.AuthorizerRequest) (*SimpleResponse, error)

// Invoke runs f on the invoke payload.
func (f SimpleFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return invoke(ctx, payload, f, nil)
}

// formatOf returns the policy response format of the API that sent req.
func formatOf(req *event.AuthorizerRequest) Format {
	switch req.Version {
	case event.PayloadV1:
		return HTTPV1Format
	case event.PayloadV2:
		return HTTPV2Format
	}
	return RESTFormat
}

// invoke is the bytes path shared by Func and SimpleFunc: decode, call
// f, check what it answered (check may be nil), encode.
func invoke[R any](ctx context.Context, payload []byte, f func(context.Context, *event.AuthorizerRequest) (*R, error),
	check func(*event.AuthorizerRequest, *R) error) (out []byte, err error) {
	req, err := event.DecodeAuthorizer(payload)
	if err != nil {
		slog.ErrorContext(ctx, "lambdagate: cannot decode authorizer event", "error", err)
		return nil, err
	}
	defer func() {
		if v := recover(); v != nil {
			slog.ErrorContext(ctx, "lambdagate: authorizer panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			out, err = nil, fmt.Errorf("authorizer: panic: %v", v)
		}
	}()
	resp, err := f(ctx, req)
	switch {
	case errors.Is(err, ErrUnauthorized):
		return nil, ErrUnauthorized
	case err == nil && resp == nil:
		err = errors.New("authorizer: nil response and no error")
	}
	if err != nil {
		slog.ErrorContext(ctx, "lambdagate: authorizer failed", "error", err)
		return nil, err
	}
	if check != nil {
		if cerr := check(req, resp); cerr != nil {
			slog.WarnContext(ctx, "lambdagate: API Gateway refuses this authorizer response (500)", "error", cerr)
		}
	}
	return json.Marshal(resp)
}
