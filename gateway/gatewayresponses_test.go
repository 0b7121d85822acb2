package gateway_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// bodyRequired is a validator that wants a body.
type bodyRequired struct{}

func (bodyRequired) Validate(req *event.Request) *gateway.GatewayError {
	if len(req.Body) == 0 {
		return &gateway.GatewayError{Type: gateway.ResponseBadRequestBody, Message: "Invalid request body", ValidationErrorString: "[body is required]"}
	}
	return nil
}

// TestGatewayResponses customizes a REST API's own answers: a type's own
// customization, the DEFAULT_4XX and DEFAULT_5XX fallbacks, status codes
// inherited from a default, headers from the request and literals, and
// templates with $context.error and stage variables.
func TestGatewayResponses(t *testing.T) {
	slow := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		<-ctx.Done()
		return response.NoContent(), nil
	})
	// An output a REST API cannot read: the gateway's own 502.
	malformed := fn(func(ctx context.Context, p []byte) ([]byte, error) { return []byte(`{"bogus":1}`), nil })
	s := gatewaytest.New(t, gateway.API{
		Kind:    event.REST,
		Stages:  []gateway.Stage{{Name: "prod", Variables: map[string]string{"team": "pets"}}},
		Timeout: 100 * time.Millisecond,
		Routes: []gateway.Route{
			{Key: "POST /v", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}, Validator: bodyRequired{}},
			{Key: "GET /slow", Integration: gateway.Direct{Handler: slow}},
			{Key: "GET /fail", Integration: gateway.Proxy{Function: malformed}},
		},
		GatewayResponses: map[gateway.ResponseType]gateway.GatewayResponse{
			gateway.ResponseMissingAuthenticationToken: {
				StatusCode: 404,
				ResponseParameters: map[string]string{
					"gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
					"gatewayresponse.header.X-Q":                         "method.request.querystring.q",
					"gatewayresponse.header.X-Accept":                    "method.input.params.Accept",
				},
				ResponseTemplates: map[string]string{"application/json": `{"error":$context.error.messageString,"type":"$context.error.responseType","team":"$stageVariables.team","stage":"${context.stage}"}`},
			},
			gateway.ResponseBadRequestBody: {
				ResponseTemplates: map[string]string{"application/json": `{"message":"$context.error.validationErrorString"}`},
			},
			gateway.ResponseDefault5XX: {
				StatusCode:         599,
				ResponseParameters: map[string]string{"gatewayresponse.header.X-Five": "'yes'"},
			},
		},
	})
	for _, tt := range []struct {
		method, target, body string
		status               int
		want                 string
		header               [2]string
	}{
		{"GET", "/prod/nope?q=1", "", 404, `{"error":"Missing Authentication Token","type":"MISSING_AUTHENTICATION_TOKEN","team":"pets","stage":"prod"}`, [2]string{"X-Q", "1"}},
		{"GET", "/prod/nope", "", 404, "", [2]string{"Access-Control-Allow-Origin", "*"}},
		{"POST", "/prod/v", "", 400, `{"message":"[body is required]"}`, [2]string{"Content-Type", "application/json"}},
		{"POST", "/prod/v", "x", 200, "", [2]string{}},
		// DEFAULT_5XX applies to types without their own customization.
		{"GET", "/prod/slow", "", 599, `{"message":"Endpoint request timed out"}`, [2]string{"X-Five", "yes"}},
		{"GET", "/prod/fail", "", 599, `{"message":"Internal server error"}`, [2]string{"X-Five", "yes"}},
	} {
		resp, body := s.Fetch(tt.method, tt.target, tt.body, "Accept", "application/json")
		if resp.StatusCode != tt.status || (tt.want != "" && body != tt.want) {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.target, resp.StatusCode, body, tt.status, tt.want)
		}
		if tt.header[0] != "" && resp.Header.Get(tt.header[0]) != tt.header[1] {
			t.Errorf("%s %s: %s = %q, want %q", tt.method, tt.target, tt.header[0], resp.Header.Get(tt.header[0]), tt.header[1])
		}
	}
	if resp, _ := s.Fetch("GET", "/prod/nope", "", "Accept", "text/html"); resp.Header.Get("X-Accept") != "text/html" {
		t.Errorf("X-Accept = %q, want the request's Accept", resp.Header.Get("X-Accept"))
	}
}

// TestGatewayResponseDefaults checks that an API without customizations
// answers as before, and that DEFAULT_4XX's status reaches every 4XX type
// without a status of its own.
func TestGatewayResponseDefaults(t *testing.T) {
	s := gatewaytest.New(t, gateway.API{
		Kind:   event.REST,
		Routes: []gateway.Route{{Key: "POST /v", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}, Validator: bodyRequired{}}},
		GatewayResponses: map[gateway.ResponseType]gateway.GatewayResponse{
			gateway.ResponseDefault4XX:     {StatusCode: 418},
			gateway.ResponseBadRequestBody: {ResponseParameters: map[string]string{"gatewayresponse.header.X-B": "'b'"}},
		},
	})
	if resp, body := s.Fetch("GET", "/prod/nope", ""); resp.StatusCode != 418 || body != `{"message":"Missing Authentication Token"}` || resp.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("GET /prod/nope = %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := s.Fetch("POST", "/prod/v", ""); resp.StatusCode != 418 || body != `{"message":"Invalid request body"}` || resp.Header.Get("X-B") != "b" {
		t.Errorf("POST /prod/v = %d %q %v", resp.StatusCode, body, resp.Header)
	}
}

func TestGatewayResponseErrors(t *testing.T) {
	for _, tt := range []struct {
		kind event.Source
		m    map[gateway.ResponseType]gateway.GatewayResponse
		want string
	}{
		{event.HTTPAPI, map[gateway.ResponseType]gateway.GatewayResponse{gateway.ResponseDefault4XX: {}}, "a REST API setting"},
		{event.REST, map[gateway.ResponseType]gateway.GatewayResponse{"NOPE": {}}, `unknown gateway response type "NOPE"`},
		{event.REST, map[gateway.ResponseType]gateway.GatewayResponse{gateway.ResponseRequestTooLarge: {StatusCode: 400}}, "cannot be customized"},
		{event.REST, map[gateway.ResponseType]gateway.GatewayResponse{gateway.ResponseDefault5XX: {StatusCode: 700}}, "outside 100..599"},
		{event.REST, map[gateway.ResponseType]gateway.GatewayResponse{gateway.ResponseDefault5XX: {ResponseParameters: map[string]string{"header.x": "'a'"}}}, "want gatewayresponse.header.NAME"},
		{event.REST, map[gateway.ResponseType]gateway.GatewayResponse{gateway.ResponseDefault5XX: {ResponseParameters: map[string]string{"gatewayresponse.header.x": "method.response.x"}}}, "invalid source"},
	} {
		_, err := gateway.New(gateway.API{Kind: tt.kind, GatewayResponses: tt.m, Routes: []gateway.Route{{Key: "GET /", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}}}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%v, %v) = %v, want %q", tt.kind, tt.m, err, tt.want)
		}
	}
	_, err := gateway.New(gateway.API{Kind: event.HTTPAPI, Routes: []gateway.Route{{Key: "GET /", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}, Validator: bodyRequired{}}}})
	if err == nil || !strings.Contains(err.Error(), "request validators are a REST API setting") {
		t.Errorf("HTTP API validator: %v", err)
	}
}
