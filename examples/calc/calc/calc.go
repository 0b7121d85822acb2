package calc

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/mapping/model"
)

// Input is what the request templates render.
type Input struct {
	A  *Number `json:"a"`
	B  *Number `json:"b"`
	Op *string `json:"op"`
}

// Output is the function's result. C is null when the result is not a
// number (division by zero), as JavaScript's JSON.stringify writes NaN.
type Output struct {
	A  float64  `json:"a"`
	B  float64  `json:"b"`
	Op string   `json:"op"`
	C  *float64 `json:"c"`
}

// Number is an operand: a JSON number, or a string converted as
// JavaScript's Number() converts it ("" is 0, anything else not numeric is
// NaN), since the GET templates send the operands as strings.
type Number float64

// UnmarshalJSON reads a number or a numeric string; anything else is NaN.
func (n *Number) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*n = Number(math.NaN())
	switch v := v.(type) {
	case float64:
		*n = Number(v)
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			*n = 0
		} else if f, err := strconv.ParseFloat(s, 64); err == nil {
			*n = Number(f)
		}
	}
	return nil
}

// Calc is the tutorial's function: the same checks in the same order,
// with the same error messages.
func Calc(ctx context.Context, in Input) (Output, error) {
	if in.A == nil || in.B == nil || in.Op == nil {
		return Output{}, errors.New("400 Invalid Input")
	}
	a, b := float64(*in.A), float64(*in.B)
	if math.IsNaN(a) || math.IsNaN(b) {
		return Output{}, errors.New("400 Invalid Operand")
	}
	var c float64
	switch *in.Op {
	case "+", "add":
		c = a + b
	case "-", "sub":
		c = a - b
	case "*", "mul":
		c = a * b
	case "/", "div":
		c = a / b
		if b == 0 {
			c = math.NaN()
		}
	default:
		return Output{}, errors.New("400 Invalid Operator")
	}
	out := Output{A: a, B: b, Op: *in.Op}
	if !math.IsNaN(c) && !math.IsInf(c, 0) {
		out.C = &c
	}
	return out, nil
}

// The tutorial's models, templates and error mapping.
const (
	inputModel = `{
    "type":"object",
    "properties":{
        "a":{"type":"number"},
        "b":{"type":"number"},
        "op":{"type":"string"}
    },
    "title":"Input"
}`
	outputModel = `{
    "type":"object",
    "properties":{
        "c":{"type":"number"}
    },
    "title":"Output"
}`
	resultModel = `{
    "type":"object",
    "properties":{
        "input":{
            "$ref":"https://apigateway.amazonaws.com/restapis/restapi-id/models/Input"
        },
        "output":{
            "$ref":"https://apigateway.amazonaws.com/restapis/restapi-id/models/Output"
        }
    },
    "title":"Output"
}`
	getRequestTemplate = `{
    "a":  "$input.params('operand1')",
    "b":  "$input.params('operand2')", 
    "op": "$input.params('operator')"   
}`
	getResponseTemplate = "#set($res = $input.path('$'))\n{\n    \"result\": \"$res.a, $res.b, $res.op => $res.c\",\n  \"a\" : \"$res.a\",\n  \"b\" : \"$res.b\",\n  \"op\" : \"$res.op\",\n  \"c\" : \"$res.c\"\n}"
	pathRequestTemplate = `{
   "a": "$input.params('operand1')",
   "b": "$input.params('operand2')",
   "op": #if($input.params('operator')=='%2F')"/"#{else}"$input.params('operator')"#end
   
}`
	resultTemplate = `#set($inputRoot = $input.path('$'))
{
  "input" : {
    "a" : $inputRoot.a,
    "b" : $inputRoot.b,
    "op" : "$inputRoot.op"
  },
  "output" : {
    "c" : $inputRoot.c
  }
}`
)

// errorsTo400 maps the function's "400 …" errors to a 400 response.
var errorsTo400 = mapping.IntegrationResponse{StatusCode: 400, SelectionPattern: "400.*"}

// API is the REST API of the tutorial around fn, the Calc function at the
// bytes level, with the stage "test".
func API(fn mapping.LambdaFunc) (gateway.API, error) {
	models, err := model.Compile(map[string]string{"Input": inputModel, "Output": outputModel, "Result": resultModel})
	if err != nil {
		return gateway.API{}, err
	}
	methods := []mapping.Method{
		{
			Name:             "GET /calc",
			RequestValidator: mapping.RequestValidator{ValidateRequestParameters: true},
			RequestParameters: map[string]bool{
				"method.request.querystring.operand1": true,
				"method.request.querystring.operand2": true,
				"method.request.querystring.operator": true,
			},
			Integration: mapping.Integration{
				Type: mapping.TypeAWS, Function: fn, PassthroughBehavior: mapping.WhenNoTemplates,
				RequestTemplates: map[string]string{"application/json": getRequestTemplate},
				Responses: []mapping.IntegrationResponse{
					{
						StatusCode: 200,
						ResponseParameters: map[string]string{
							"method.response.header.operand_1": "integration.response.body.a",
							"method.response.header.operand_2": "integration.response.body.b",
							"method.response.header.operator":  "integration.response.body.op",
						},
						ResponseTemplates: map[string]string{"application/json": getResponseTemplate},
					},
					errorsTo400,
				},
			},
		},
		{
			Name:             "POST /calc",
			RequestValidator: mapping.RequestValidator{ValidateRequestBody: true},
			RequestModels:    map[string]string{"application/json": "Input"},
			Models:           models,
			Integration: mapping.Integration{
				Type: mapping.TypeAWS, Function: fn, PassthroughBehavior: mapping.WhenNoTemplates,
				Responses: []mapping.IntegrationResponse{{StatusCode: 200}, errorsTo400},
			},
		},
		{
			Name: "GET /calc/{operand1}/{operand2}/{operator}",
			Integration: mapping.Integration{
				Type: mapping.TypeAWS, Function: fn, PassthroughBehavior: mapping.WhenNoTemplates,
				RequestTemplates: map[string]string{"application/json": pathRequestTemplate},
				Responses: []mapping.IntegrationResponse{
					{StatusCode: 200, ResponseTemplates: map[string]string{"application/json": resultTemplate}},
					errorsTo400,
				},
			},
		},
	}
	api := gateway.API{Kind: event.REST, Stages: []gateway.Stage{{Name: "test"}}}
	for _, m := range methods {
		p, err := mapping.NewPipeline(m)
		if err != nil {
			return gateway.API{}, err
		}
		api.Routes = append(api.Routes, gateway.Route{Key: m.Name, Integration: gateway.Direct{Handler: p}})
	}
	return api, nil
}

// Tries are the requests main prints for a new user to paste; the tests
// run them.
var Tries = []struct {
	Args   string // curl arguments before the URL
	Path   string // after the base URL
	Status int
	Body   string
}{
	{"", "/test/calc?operand1=2&operand2=3&operator=add", 200,
		"{\n    \"result\": \"2, 3, add => 5\",\n  \"a\" : \"2\",\n  \"b\" : \"3\",\n  \"op\" : \"add\",\n  \"c\" : \"5\"\n}"},
	{`-X POST -H 'Content-Type: application/json' -d '{"a":6,"b":7,"op":"*"}'`, "/test/calc", 200, `{"a":6,"b":7,"op":"*","c":42}`},
	{"", "/test/calc/1/2/%2F", 200,
		"{\n  \"input\" : {\n    \"a\" : 1,\n    \"b\" : 2,\n    \"op\" : \"/\"\n  },\n  \"output\" : {\n    \"c\" : 0.5\n  }\n}"},
	{"", "/test/calc?operand1=2", 400, `{"message":"Missing required request parameters: [operand2, operator]"}`},
	{"", "/test/calc/1/2/pow", 400, `{"errorMessage":"400 Invalid Operator","errorType":"errorString"}`},
}

// Function returns the function as Lambda runs it: Calc behind
// aws-lambda-go's handler, at the bytes level.
func Function() lambda.Handler { return lambda.NewHandler(Calc) }
