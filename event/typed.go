package event

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// Event returns the request as the aws-lambda-go event type of its source:
//
//	REST, HTTP API payload 1.0  *events.APIGatewayProxyRequest
//	HTTP API payload 2.0        *events.APIGatewayV2HTTPRequest
//	function URL                *events.LambdaFunctionURLRequest
//	ALB                         *events.ALBTargetGroupRequest
//	WebSocket                   *events.APIGatewayWebsocketProxyRequest
//
// It encodes the request as [Request.MarshalJSON] does and decodes that
// with encoding/json, so it costs what a reflection decode costs; handlers
// that need only a field or two should read the Request instead.
func (r *Request) Event() (any, error) {
	var v any
	switch {
	case r.Source == ALB || r.Source == ALBMultiValue:
		v = new(events.ALBTargetGroupRequest)
	case r.Source == WebSocket:
		v = new(events.APIGatewayWebsocketProxyRequest)
	case r.Source == FunctionURL:
		v = new(events.LambdaFunctionURLRequest)
	case r.Source == Unknown:
		return nil, fmt.Errorf("event: request has no source")
	case r.V1():
		v = new(events.APIGatewayProxyRequest)
	default:
		v = new(events.APIGatewayV2HTTPRequest)
	}
	b, _ := r.MarshalJSON()
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("event: converting to %T: %w", v, err)
	}
	return v, nil
}

// FromEvent returns the request for an aws-lambda-go event value (or a
// pointer to one) of the types [Request.Event] lists. An
// APIGatewayProxyRequest becomes a REST request, and an
// ALBTargetGroupRequest an ALB one whose header mode follows the fields
// it has.
func FromEvent(e any) (*Request, error) {
	var src Source
	switch e.(type) {
	case events.APIGatewayProxyRequest, *events.APIGatewayProxyRequest:
		src = REST
	case events.APIGatewayV2HTTPRequest, *events.APIGatewayV2HTTPRequest:
		src = HTTPAPI
	case events.LambdaFunctionURLRequest, *events.LambdaFunctionURLRequest:
		src = FunctionURL
	case events.ALBTargetGroupRequest, *events.ALBTargetGroupRequest:
		src = ALB
	case events.APIGatewayWebsocketProxyRequest, *events.APIGatewayWebsocketProxyRequest:
		src = WebSocket
	default:
		return nil, fmt.Errorf("event: unsupported event type %T", e)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("event: encoding %T: %w", e, err)
	}
	return decodeAs(b, src)
}

// decodeAs decodes b and sets the source to src when detection from the
// document alone would say otherwise (a typed event built by hand may lack
// the fields that tell sources apart).
func decodeAs(b []byte, src Source) (*Request, error) {
	d := decoder{}
	d.force = src
	d.s.Reset(b)
	return d.decode()
}
