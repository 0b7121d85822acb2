package gateway

import (
	"net/http"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/response"
)

// Limits are the size quotas the gateway applies to a request and to a
// function's output. The zero value of each field means the quota AWS
// documents for the API's kind (see [Limits.For]); tests set smaller ones
// to exercise the answers cheaply.
type Limits struct {
	// Body is the largest request body the service accepts: 10 MB for
	// REST and HTTP APIs (413 REQUEST_TOO_LARGE), 1 MB for an ALB target
	// group that is a Lambda function (413), and Lambda's 6 MB invoke
	// payload for function URLs (413).
	Body int
	// Header is the largest request line plus header values the service
	// accepts: 10,240 bytes for REST and HTTP APIs (431); for ALB, 16 KB
	// for the request line or any one header and 64 KB for all of them
	// (400); no limit of its own for function URLs, which the server's
	// own header limit bounds.
	Header int
	// Payload is the largest event Lambda accepts for a synchronous
	// invoke: 6 MB. A larger event is refused by Lambda and answered as a
	// rejected invoke (500) by API Gateway, and with 413 by a function
	// URL.
	Payload int
	// Output is the largest function output the service passes on:
	// Lambda's 6 MB, or 1 MB for ALB target groups (502 beyond).
	Output int

	// A WebSocket API's quotas, none of which AWS lets an account raise
	// (docs/evidence/websocket.md#limits). Message is the largest
	// message, 128 KB, and Frame the largest frame, 32 KB: a larger one
	// closes the connection with code 1009, and data posted through
	// @connections over Message is refused with 413. Idle is the time a
	// connection may pass without a message either way, 10 minutes, and
	// Duration the longest a connection lasts, 2 hours; both close it with
	// code 1001.
	Message  int
	Frame    int
	Idle     time.Duration
	Duration time.Duration
}

// albLine and albHeaders are an ALB's limits on the request line or one
// header, and on all headers together.
const (
	albLine    = 16 << 10
	albHeaders = 64 << 10
)

// For returns l with each zero field set to AWS's quota for kind.
func (l Limits) For(kind event.Source) Limits {
	set := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	switch kind {
	case event.REST, event.HTTPAPI, event.WebSocket:
		set(&l.Body, quota.GatewayPayload)
		set(&l.Header, quota.GatewayHeader)
		set(&l.Output, quota.LambdaResponse)
		if kind == event.WebSocket {
			set(&l.Message, 128<<10)
			set(&l.Frame, 32<<10)
			if l.Idle == 0 {
				l.Idle = 10 * time.Minute
			}
			if l.Duration == 0 {
				l.Duration = 2 * time.Hour
			}
		}
	case event.ALB, event.ALBMultiValue:
		set(&l.Body, quota.ALBBody)
		set(&l.Header, albHeaders)
		set(&l.Output, quota.ALBBody)
	case event.FunctionURL:
		set(&l.Body, quota.LambdaRequest)
		set(&l.Output, quota.LambdaResponse)
	}
	set(&l.Payload, quota.LambdaRequest)
	return l
}

// checkHeader returns the gateway's answer to a request whose request
// line and headers exceed the limits, or nil.
func (g *Gateway) checkHeader(hr *http.Request) *response.Response {
	if g.limits.Header == 0 || g.kind == event.FunctionURL {
		return nil
	}
	line := len(hr.Method) + 1 + len(hr.RequestURI) + 1 + len(hr.Proto)
	alb := g.kind == event.ALB || g.kind == event.ALBMultiValue
	if alb && line > albLine {
		return albBadRequest()
	}
	total := line + len(hr.Host)
	if alb {
		total = len("Host: ") + len(hr.Host)
	}
	for name, vs := range hr.Header {
		for _, v := range vs {
			if alb {
				if len(name)+2+len(v) > albLine {
					return albBadRequest()
				}
				total += len(name) + 2 + len(v)
				continue
			}
			total += len(v)
		}
	}
	if total > g.limits.Header {
		if alb {
			return albBadRequest()
		}
		return headerTooLarge()
	}
	return nil
}
