package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// TestAccessLogFormat serves requests through a REST stage logging in the
// console's JSON format, and checks each line against the response the
// client got and the event the function got.
func TestAccessLogFormat(t *testing.T) {
	var logs bytes.Buffer
	var extended string
	fn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		extended = req.Context.ExtendedRequestID
		return response.Text(200, "hello"), nil
	})
	s := gatewaytest.New(t, gateway.API{Kind: event.REST,
		Stages: []gateway.Stage{{Name: "prod", AccessLog: gateway.AccessLog{Format: gateway.RESTAccessLogJSON, Writer: &logs}}},
		Routes: []gateway.Route{{Key: "GET /pets/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}}}})
	for _, tc := range []struct {
		target       string
		status       string
		resourcePath string
		length       string
	}{
		{"/prod/pets/7", "200", "/pets/{id}", "5"},
		{"/prod/cats", "403", "-", "42"},
	} {
		logs.Reset()
		r := s.Request("GET", tc.target, "", "User-Agent", "test-agent")
		body := gatewaytest.Body(t, r)
		var line map[string]string
		if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
			t.Fatalf("GET %s: access line %q: %v", tc.target, logs.String(), err)
		}
		if line["requestId"] != r.Header.Get("X-Amzn-Requestid") || line["extendedRequestId"] != r.Header.Get("X-Amz-Apigw-Id") ||
			line["status"] != tc.status || line["resourcePath"] != tc.resourcePath || line["responseLength"] != tc.length ||
			line["httpMethod"] != "GET" || line["protocol"] != "HTTP/1.1" || line["caller"] != "-" || line["ip"] != "192.0.2.1" {
			t.Errorf("GET %s (%s): access line %v", tc.target, body, line)
		}
		if tc.status == "200" && extended != r.Header.Get("X-Amz-Apigw-Id") {
			t.Errorf("event extendedRequestId %q, response x-amz-apigw-id %q", extended, r.Header.Get("X-Amz-Apigw-Id"))
		}
	}
	if _, err := gateway.New(gateway.API{Stages: []gateway.Stage{{Name: "$default", AccessLog: gateway.AccessLog{Format: "$context.status $context.nope"}}}}); err == nil ||
		!strings.Contains(err.Error(), `"$context.nope"`) {
		t.Errorf("an unknown variable: New error %v", err)
	}
}

// TestTraceThrough sends a client trace through each kind: the event's
// header and the function's context carry its Root, an ALB adds its Self,
// and a REST API answers with the Root.
func TestTraceThrough(t *testing.T) {
	const root = "1-5759e988-bd862e3fe1be46a994272793"
	client := "Root=" + root + ";Foo=bar"
	var header, fromCtx string
	fn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		header = req.Header.Get("X-Amzn-Trace-Id")
		fromCtx, _ = ctx.Value("x-amzn-trace-id").(string)
		return response.Text(200, "ok"), nil
	})
	for _, kind := range []event.Source{event.REST, event.HTTPAPI, event.ALB, event.FunctionURL} {
		s := gatewaytest.New(t, gateway.API{Kind: kind, Routes: gateway.CatchAll(kind, gateway.Proxy{Function: handler.NewAdapter(fn)})})
		r := s.Request("GET", s.Gateway.BaseURL()+"/x", "", "X-Amzn-Trace-Id", client)
		gatewaytest.Body(t, r)
		if !strings.HasPrefix(header, "Root="+root) && !(kind == event.ALB && strings.Contains(header, "Root="+root)) {
			t.Errorf("%v: the event's trace %q lost the client's Root", kind, header)
		}
		if kind == event.ALB && !strings.HasPrefix(header, "Self=") {
			t.Errorf("ALB: the event's trace %q has no Self first", header)
		}
		if !strings.HasPrefix(fromCtx, "Root="+root+";Parent=") {
			t.Errorf("%v: the function's trace %q", kind, fromCtx)
		}
		if got := r.Header.Get("X-Amzn-Trace-Id"); kind == event.REST && got != "Root="+root+";Sampled=0" {
			t.Errorf("REST response trace %q", got)
		}
	}
}
