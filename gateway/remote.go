package gateway

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/internal/trace"
)

// Remote is a Lambda function reached over the Lambda Invoke API
// (POST /2015-03-31/functions/NAME/invocations), as the Lambda Runtime
// Interface Emulator and other local Lambda services serve it.
type Remote struct {
	// Endpoint is the service's base URL, such as http://127.0.0.1:9000.
	Endpoint string
	// Name is the function name; empty means "function", the name the
	// Runtime Interface Emulator serves.
	Name string
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
}

// InvokeError is a rejected invoke: the Invoke API could not be reached or
// answered an error status, so the function never ran. API Gateway answers
// such failures with 500.
type InvokeError struct {
	Status int   // the Invoke API's status, 0 if it could not be reached
	Err    error // the cause
}

func (e *InvokeError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("gateway: invoke rejected with status %d: %v", e.Status, e.Err)
	}
	return fmt.Sprintf("gateway: invoke failed: %v", e.Err)
}

func (e *InvokeError) Unwrap() error { return e.Err }

// InvokeRejected marks the error as a rejected invoke, not a function error.
func (e *InvokeError) InvokeRejected() bool { return true }

// FunctionError is a function error reported by the Invoke API
// (X-Amz-Function-Error); Payload is the error document.
type FunctionError struct {
	Kind    string // the X-Amz-Function-Error value, "Unhandled" or "Handled"
	Payload []byte
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("gateway: function error (%s): %s", e.Kind, e.Payload)
}

func (r *Remote) url() string {
	name := r.Name
	if name == "" {
		name = "function"
	}
	return strings.TrimRight(r.Endpoint, "/") + "/2015-03-31/functions/" + url.PathEscape(name) + "/invocations"
}

func (r *Remote) client() *http.Client {
	if r.Client != nil {
		return r.Client
	}
	return http.DefaultClient
}

// Invoke invokes the function synchronously (RequestResponse) and returns
// its output. A function error is a *FunctionError; a failed or rejected
// invoke is an *InvokeError.
func (r *Remote) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, status, fnErr, err := r.post(ctx, payload, "RequestResponse")
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, &InvokeError{Status: status, Err: fmt.Errorf("%s", bytes.TrimSpace(out))}
	}
	if fnErr != "" {
		return nil, &FunctionError{Kind: fnErr, Payload: out}
	}
	return out, nil
}

// InvokeAsync invokes the function with X-Amz-Invocation-Type: Event,
// which Lambda accepts with 202 and an empty payload, without waiting for
// the function.
func (r *Remote) InvokeAsync(ctx context.Context, payload []byte) error {
	out, status, _, err := r.post(ctx, payload, "Event")
	if err != nil {
		return err
	}
	if status != http.StatusAccepted && status != http.StatusOK {
		return &InvokeError{Status: status, Err: fmt.Errorf("%s", bytes.TrimSpace(out))}
	}
	return nil
}

func (r *Remote) post(ctx context.Context, payload []byte, invocationType string) ([]byte, int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url(), bytes.NewReader(payload))
	if err != nil {
		return nil, 0, "", &InvokeError{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", invocationType)
	if t, ok := trace.FromContext(ctx); ok {
		req.Header.Set(trace.HeaderName, t.String())
	}
	resp, err := r.client().Do(req)
	if err != nil {
		return nil, 0, "", &InvokeError{Err: err}
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, quota.LambdaResponse+1))
	if err != nil {
		return nil, 0, "", &InvokeError{Status: resp.StatusCode, Err: err}
	}
	return out, resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"), nil
}
