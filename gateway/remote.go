package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/lambdagate/lambdagate/handler"

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
// its output. A function error is a *handler.FunctionError; a failed or
// rejected invoke is a *handler.InvokeError.
func (r *Remote) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	a, err := r.post(ctx, payload, "RequestResponse")
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusOK {
		return nil, invokeError(a)
	}
	if a.functionError != "" {
		return nil, handler.ReadFunctionError(a.body)
	}
	return a.body, nil
}

// InvokeAsync invokes the function with X-Amz-Invocation-Type: Event,
// which Lambda accepts with 202 and an empty payload, without waiting for
// the function.
func (r *Remote) InvokeAsync(ctx context.Context, payload []byte) error {
	a, err := r.post(ctx, payload, "Event")
	if err != nil {
		return err
	}
	if a.status != http.StatusAccepted && a.status != http.StatusOK {
		return invokeError(a)
	}
	return nil
}

// An answer is the Invoke API's answer to an invoke.
type answer struct {
	status        int
	body          []byte
	functionError string // X-Amz-Function-Error
	errorType     string // X-Amzn-ErrorType
}

func (r *Remote) post(ctx context.Context, payload []byte, invocationType string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url(), bytes.NewReader(payload))
	if err != nil {
		return answer{}, &handler.InvokeError{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", invocationType)
	if t, ok := trace.FromContext(ctx); ok {
		req.Header.Set(trace.HeaderName, t.String())
	}
	resp, err := r.client().Do(req)
	if err != nil {
		return answer{}, &handler.InvokeError{Err: err}
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, quota.LambdaResponse+1))
	if err != nil {
		return answer{}, &handler.InvokeError{Status: resp.StatusCode, Err: err}
	}
	return answer{resp.StatusCode, out, resp.Header.Get("X-Amz-Function-Error"), resp.Header.Get("X-Amzn-ErrorType")}, nil
}

// invokeError returns the rejection the Invoke API answered: its status,
// the error code of its X-Amzn-ErrorType header (without the
// ":http://internal..." suffix Lambda may add), and the message of
// Lambda's error document ({"Type":"User","message":"..."}) or, for
// another body, the body.
func invokeError(a answer) *handler.InvokeError {
	code, _, _ := strings.Cut(a.errorType, ":")
	var d struct{ Message string }
	msg := string(bytes.TrimSpace(a.body))
	if json.Unmarshal(a.body, &d) == nil && d.Message != "" {
		msg = d.Message
	}
	return &handler.InvokeError{Status: a.status, Code: code, Message: msg}
}
