package local

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// MaxOutput is the largest function output Lambda returns for a
// synchronous invoke, 6 MB; a larger one is an invoke error.
const MaxOutput = 6 << 20

// ErrTimeout reports that the integration timeout passed before the
// function answered.
var ErrTimeout = errors.New("integration timed out")

// ErrRejected reports an invoke that Lambda rejected, so the function never
// ran (an error with an InvokeRejected method that reports true).
var ErrRejected = errors.New("invoke rejected")

// Call invokes fn with payload under ctx, which carries the integration
// timeout. It recovers a panic in fn as a function error, and treats an
// output over MaxOutput as Lambda does, as a function error. It returns
// ErrTimeout when ctx's deadline passes first; fn keeps running until it
// notices ctx, which it should.
func Call(ctx context.Context, fn func(context.Context, []byte) ([]byte, error), payload []byte) (out []byte, fnErr bool, err error) {
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- result{nil, fmt.Errorf("function panic: %v", v)}
			}
		}()
		out, err := fn(ctx, payload)
		done <- result{out, err}
	}()
	select {
	case res := <-done:
		var rej interface{ InvokeRejected() bool }
		if errors.As(res.err, &rej) && rej.InvokeRejected() {
			return nil, false, ErrRejected
		}
		if res.err != nil {
			return nil, true, nil
		}
		if len(res.out) > MaxOutput {
			return nil, true, nil
		}
		return res.out, false, nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, false, ErrTimeout
		}
		return nil, false, ctx.Err()
	}
}

// TimeoutResponse is the gateway's answer when the integration times out:
// REST 504 {"message": "Endpoint request timed out"}, HTTP APIs 503
// {"message":"Service Unavailable"}.
func TimeoutResponse(src event.Source) *response.Response {
	if src == event.REST || src == event.WebSocket {
		return response.Error(http.StatusGatewayTimeout, "Endpoint request timed out")
	}
	return response.Error(http.StatusServiceUnavailable, "Service Unavailable")
}

// RejectedResponse is the gateway's answer when Lambda rejects the invoke
// (the function never ran): 500 with the source's internal error body
// [DOC: "If the Lambda API rejects the invocation request, API Gateway
// returns a 500 error code"].
func RejectedResponse(src event.Source) *response.Response {
	r := response.Gateway{Source: src}.FunctionError()
	r.StatusCode = http.StatusInternalServerError
	return r
}

// NotFound is the source's answer for a request outside the API: REST 403
// Missing Authentication Token, others 404 Not Found.
func NotFound(src event.Source) *response.Response {
	if src == event.REST {
		r := response.Error(http.StatusForbidden, "Missing Authentication Token")
		r.Header.Add("x-amzn-ErrorType", "MissingAuthenticationTokenException")
		return r
	}
	return response.Error(http.StatusNotFound, "Not Found")
}

// TooLarge is the answer to a request body over the 10 MB payload quota.
// The body text is the one commonly reported; AWS does not document it.
func TooLarge() *response.Response {
	return response.Error(http.StatusRequestEntityTooLarge, "Request Too Long")
}

// remapped are the response headers a REST API renames to
// X-Amzn-Remapped-<name> when a proxy integration returns them, because
// the gateway sets them itself (API Gateway developer guide, "Important
// notes for REST APIs").
var remapped = map[string]bool{
	"Authorization": true, "Connection": true, "Content-Md5": true, "Date": true, "Expect": true,
	"Host": true, "Max-Forwards": true, "Proxy-Authenticate": true, "Server": true, "Te": true,
	"Transfer-Encoding": true, "Trailer": true, "Upgrade": true, "User-Agent": true, "Via": true,
	"Warn": true, "Www-Authenticate": true,
}

// Write writes resp to w as the source's gateway sends it: the gateway's
// request id header (REST x-amzn-RequestId, HTTP APIs apigw-requestid),
// and for REST the remapping of headers the gateway owns.
func Write(w http.ResponseWriter, hr *http.Request, src event.Source, requestID string, resp *response.Response) {
	h := w.Header()
	for _, f := range resp.Header {
		k := http.CanonicalHeaderKey(f.Name)
		if src == event.REST && remapped[k] {
			k = "X-Amzn-Remapped-" + k
		}
		if k == "Content-Length" {
			continue // net/http sets it from the body
		}
		h[k] = append(h[k], f.Value)
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	if requestID != "" {
		switch src {
		case event.REST:
			h.Set("X-Amzn-Requestid", requestID)
		case event.HTTPAPI:
			h.Set("Apigw-Requestid", requestID)
		}
	}
	w.WriteHeader(resp.Status())
	if hr.Method != http.MethodHead {
		w.Write(resp.Body)
	}
}
