package response

import (
	"net/http"

	"github.com/lambdagate/lambdagate/event"
)

// The gateway's own error bodies. REST renders its default 5XX gateway
// response, {"message":$context.error.messageString}; HTTP APIs capitalise
// the message.
const (
	restInternal = `{"message":"Internal server error"}`
	httpInternal = `{"message":"Internal Server Error"}`
)

// albBadGateway is the page an Application Load Balancer sends with a 502.
const albBadGateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"

// FunctionError returns the response src sends its client when the
// function failed (the invoke reported a function error, or its output
// could not be used): REST and WebSocket 502 {"message": "Internal server
// error"} with x-amzn-ErrorType: InternalServerErrorException; HTTP APIs
// 500 {"message":"Internal Server Error"}; function URLs 502 with that
// body; ALB 502 with the load balancer's HTML page.
//
// A function answers with it for REST and HTTP APIs when its handler
// fails (see handler.Adapter), so the client gets what the gateway would
// send; the local gateway sends it itself.
func FunctionError(src event.Source) *Response {
	switch src {
	case event.REST, event.WebSocket:
		r := RawJSON(http.StatusBadGateway, []byte(restInternal))
		r.Header.Add("x-amzn-ErrorType", "InternalServerErrorException")
		return r
	case event.ALB, event.ALBMultiValue:
		return New(http.StatusBadGateway, "text/html", []byte(albBadGateway))
	case event.FunctionURL:
		return RawJSON(http.StatusBadGateway, []byte(httpInternal))
	}
	return RawJSON(http.StatusInternalServerError, []byte(httpInternal))
}

// NotFound returns the response src sends when no route takes a request:
// REST 403 {"message":"Missing Authentication Token"} with
// x-amzn-ErrorType: MissingAuthenticationTokenException, others 404
// {"message":"Not Found"}.
func NotFound(src event.Source) *Response {
	if src == event.REST {
		r := Error(http.StatusForbidden, "Missing Authentication Token")
		r.Header.Add("x-amzn-ErrorType", "MissingAuthenticationTokenException")
		return r
	}
	return Error(http.StatusNotFound, "Not Found")
}
