package bench

import (
	"context"
	"testing"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/mapping/model"
)

// The Calc API's GET /calc method (developer guide tutorial) end to end:
// parameter validation, the request template, a Go function standing in
// for the Lambda function, response parameters from the body, and the
// response template. The function returns a fixed result so the figure is
// the gateway's own cost.

const (
	benchCalcRequest = `{
    "a":  "$input.params('operand1')",
    "b":  "$input.params('operand2')", 
    "op": "$input.params('operator')"   
}`
	benchCalcResponse = "#set($res = $input.path('$'))\n{\n    \"result\": \"$res.a, $res.b, $res.op => $res.c\",\n  \"a\" : \"$res.a\",\n  \"b\" : \"$res.b\",\n  \"op\" : \"$res.op\",\n  \"c\" : \"$res.c\"\n}"
	benchInputModel   = `{"type":"object","required":["a","b","op"],"properties":{"a":{"type":"number"},"b":{"type":"number"},"op":{"type":"string"}},"title":"Input"}`
)

func benchCalcFunc(ctx context.Context, payload []byte) ([]byte, error) {
	return []byte(`{"a":2,"b":3,"op":"+","c":5}`), nil
}

func BenchmarkPipeline(b *testing.B) {
	get, err := mapping.NewPipeline(mapping.Method{
		RequestValidator: mapping.RequestValidator{ValidateRequestParameters: true},
		RequestParameters: map[string]bool{
			"method.request.querystring.operand1": true,
			"method.request.querystring.operand2": true,
			"method.request.querystring.operator": true,
		},
		Integration: mapping.Integration{
			Type: mapping.TypeAWS, Function: benchCalcFunc,
			RequestTemplates: map[string]string{"application/json": benchCalcRequest},
			Responses: []mapping.IntegrationResponse{
				{StatusCode: 200,
					ResponseParameters: map[string]string{
						"method.response.header.operator":  "integration.response.body.op",
						"method.response.header.operand_1": "integration.response.body.a",
					},
					ResponseTemplates: map[string]string{"application/json": benchCalcResponse}},
				{StatusCode: 400, SelectionPattern: "400.*"},
			},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	models, err := model.Compile(map[string]string{"Input": benchInputModel})
	if err != nil {
		b.Fatal(err)
	}
	post, err := mapping.NewPipeline(mapping.Method{
		RequestValidator: mapping.RequestValidator{ValidateRequestBody: true},
		RequestModels:    map[string]string{"application/json": "Input"},
		Models:           models,
		Integration: mapping.Integration{Type: mapping.TypeAWS, Function: benchCalcFunc,
			Responses: []mapping.IntegrationResponse{{StatusCode: 200}, {StatusCode: 400, SelectionPattern: "400.*"}}},
	})
	if err != nil {
		b.Fatal(err)
	}
	var _ lambdagate.Handler = get

	getReq := &event.Request{Source: event.REST, Method: "GET", Path: "/calc",
		Query: event.Params{{Name: "operand1", Value: "2"}, {Name: "operand2", Value: "3"}, {Name: "operator", Value: "+"}}}
	postReq := &event.Request{Source: event.REST, Method: "POST", Path: "/calc",
		Header: event.Header{{Name: "Content-Type", Value: "application/json"}},
		Body:   []byte(`{"a": 2, "b": 3, "op": "+"}`)}
	missing := &event.Request{Source: event.REST, Method: "GET", Path: "/calc"}
	ctx := context.Background()

	for _, bc := range []struct {
		name string
		h    *mapping.Pipeline
		req  *event.Request
		want int
	}{
		{"calcGET", get, getReq, 200},
		{"calcPOSTvalidated", post, postReq, 200},
		{"missingParams", get, missing, 400},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := bc.h.Serve(ctx, bc.req)
				if err != nil || resp.StatusCode != bc.want {
					b.Fatalf("Serve() = %v, %v", resp, err)
				}
			}
		})
	}
}
