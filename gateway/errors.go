package gateway

import (
	"encoding/json"
	"net/http"
	"strconv"

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

// payloadTooLarge is the answer when the event is over Lambda's invoke
// payload quota, so Lambda refuses the invoke: a rejected invoke for API
// Gateway [INF from the rule in gateway.md#lambda-rejections], a refusal
// of the request for a function URL, a failed target for ALB.
func payloadTooLarge(kind event.Source) *response.Response {
	switch kind {
	case event.FunctionURL:
		return tooLarge(kind)
	case event.ALB, event.ALBMultiValue:
		return response.FunctionError(kind)
	}
	return rejectedResponse(kind)
}

// tooLarge is the answer to a request body over the service's quota:
// API Gateway's REQUEST_TOO_LARGE (the body text is the one commonly
// reported; AWS does not document it), the load balancer's 413 page, or
// Lambda's refusal of a function URL's invoke.
func tooLarge(kind event.Source) *response.Response {
	switch kind {
	case event.ALB, event.ALBMultiValue:
		return albPage(http.StatusRequestEntityTooLarge)
	case event.FunctionURL:
		return response.RawJSON(http.StatusRequestEntityTooLarge, []byte(`{"message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}`))
	}
	return response.Error(http.StatusRequestEntityTooLarge, "Request Too Long")
}

// headerTooLarge is API Gateway's answer to a request line and headers
// over its 10,240-byte quota. AWS documents the quota but not the answer;
// 431 is HTTP's status for it.
func headerTooLarge() *response.Response {
	return response.Error(http.StatusRequestHeaderFieldsTooLarge, "Request Header Fields Too Large")
}

// albBadRequest is the load balancer's answer to a request it cannot
// take, such as one whose headers exceed its limits.
func albBadRequest() *response.Response { return albPage(http.StatusBadRequest) }

// albPage is the HTML page an Application Load Balancer answers an error
// status with, as its 502 page (response.FunctionError) is written.
func albPage(status int) *response.Response {
	line := strconv.Itoa(status) + " " + http.StatusText(status)
	page := "<html>\r\n<head><title>" + line + "</title></head>\r\n<body>\r\n<center><h1>" + line + "</h1></center>\r\n</body>\r\n</html>\r\n"
	return response.New(status, "text/html", []byte(page))
}

// badRequest is the answer to a request the gateway cannot read: a path
// an HTTP API cannot decode, a body that fails to arrive.
func badRequest() *response.Response {
	return response.Error(http.StatusBadRequest, "Bad Request")
}

// responseType returns the gateway response type of the gateway's own
// answer with status, as access logs name it in
// $context.error.responseType (docs/evidence/observability.md).
func responseType(kind event.Source, status int) string {
	switch status {
	case http.StatusForbidden:
		return "MISSING_AUTHENTICATION_TOKEN"
	case http.StatusNotFound:
		return "RESOURCE_NOT_FOUND"
	case http.StatusRequestEntityTooLarge:
		return "REQUEST_TOO_LARGE"
	case http.StatusGatewayTimeout:
		return "INTEGRATION_TIMEOUT"
	case http.StatusServiceUnavailable:
		if kind == event.HTTPAPI {
			return "INTEGRATION_TIMEOUT"
		}
	case http.StatusBadGateway:
		return "INTEGRATION_FAILURE"
	}
	if status >= 500 {
		return "DEFAULT_5XX"
	}
	return "DEFAULT_4XX"
}

// errorMessage returns the message of the gateway's {"message":...}
// answer, or "" for another body.
func errorMessage(resp *response.Response) string {
	var m struct{ Message string }
	if json.Unmarshal(resp.Body, &m) != nil {
		return ""
	}
	return m.Message
}
