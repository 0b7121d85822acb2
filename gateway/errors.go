package gateway

import (
	"net/http"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// The gateway's own answers, each defined here once. The answers a
// function also gives (a function error, no route) are in package
// response: response.FunctionError and response.NotFound.

// timeoutResponse is the answer when the integration times out: REST 504
// {"message": "Endpoint request timed out"}, HTTP APIs 503
// {"message":"Service Unavailable"}. For ALB target groups and function
// URLs a function that runs past its timeout is a function error.
func timeoutResponse(kind event.Source) *response.Response {
	switch kind {
	case event.REST, event.WebSocket:
		return response.Error(http.StatusGatewayTimeout, "Endpoint request timed out")
	case event.HTTPAPI:
		return response.Error(http.StatusServiceUnavailable, "Service Unavailable")
	}
	return response.FunctionError(kind)
}

// rejectedResponse is the answer when Lambda rejects the invoke (the
// function never ran): 500 with the source's internal error body [DOC:
// "If the Lambda API rejects the invocation request, API Gateway returns
// a 500 error code"] (docs/evidence/gateway.md#lambda-rejections).
func rejectedResponse(kind event.Source) *response.Response {
	r := response.FunctionError(kind)
	r.StatusCode = http.StatusInternalServerError
	return r
}

// tooLarge is the answer to a request body over the 10 MB payload quota.
// The body text is the one commonly reported; AWS does not document it.
func tooLarge() *response.Response {
	return response.Error(http.StatusRequestEntityTooLarge, "Request Too Long")
}

// badRequest is the answer to a request the gateway cannot read: a path
// an HTTP API cannot decode, a body that fails to arrive.
func badRequest() *response.Response {
	return response.Error(http.StatusBadRequest, "Bad Request")
}
