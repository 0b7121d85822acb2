package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping/model"
)

// The Calc API of the API Gateway developer guide's tutorial "Create a Calc
// REST API with two AWS service integrations and one Lambda non-proxy
// integration", with its templates and models verbatim. The tutorial's
// function fails with "400 Invalid Input", "400 Invalid Operand" or
// "400 Invalid Operator"; the integration responses below map those errors
// to 400 with the selection pattern "400.*".

const (
	calcGetRequestTemplate = `{
    "a":  "$input.params('operand1')",
    "b":  "$input.params('operand2')", 
    "op": "$input.params('operator')"   
}`
	// From the tutorial's OpenAPI definition (GET /calc, default response).
	calcGetResponseTemplate = "#set($res = $input.path('$'))\n{\n    \"result\": \"$res.a, $res.b, $res.op => $res.c\",\n  \"a\" : \"$res.a\",\n  \"b\" : \"$res.b\",\n  \"op\" : \"$res.op\",\n  \"c\" : \"$res.c\"\n}"
	calcPathRequestTemplate = `{
   "a": "$input.params('operand1')",
   "b": "$input.params('operand2')",
   "op": #if($input.params('operator')=='%2F')"/"#{else}"$input.params('operator')"#end
   
}`
	calcResultTemplate = `#set($inputRoot = $input.path('$'))
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

// calcFunction is the tutorial's Calc function in Go: the same checks, in
// the same order, with the same error messages; numbers convert as
// JavaScript's Number does for the inputs the API sends.
func calcFunction(ctx context.Context, payload []byte) ([]byte, error) {
	var ev map[string]any
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	a, okA := ev["a"]
	b, okB := ev["b"]
	op, okOp := ev["op"]
	if !okA || !okB || !okOp {
		return nil, errors.New("400 Invalid Input")
	}
	na, nb := jsNumber(a), jsNumber(b)
	if math.IsNaN(na) || math.IsNaN(nb) {
		return nil, errors.New("400 Invalid Operand")
	}
	var c float64
	switch op {
	case "+", "add":
		c = na + nb
	case "-", "sub":
		c = na - nb
	case "*", "mul":
		c = na * nb
	case "/", "div":
		if nb == 0 {
			c = math.NaN()
		} else {
			c = na / nb
		}
	default:
		return nil, errors.New("400 Invalid Operator")
	}
	opJSON, _ := json.Marshal(op)
	return []byte(`{"a":` + jsJSON(na) + `,"b":` + jsJSON(nb) + `,"op":` + string(opJSON) + `,"c":` + jsJSON(c) + `}`), nil
}

func jsNumber(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return 0
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}

// jsJSON writes f as JSON.stringify does: NaN is null.
func jsJSON(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// calcErrors maps the function's errors to 400.
var calcErrors = IntegrationResponse{StatusCode: 400, SelectionPattern: "400.*"}

func calcModels(tb testing.TB) *model.Set {
	return mustModels(tb, guideModels(tb, "Input", "Output", "Result"))
}

func calcGetMethod() Method {
	return Method{
		Name:             "GET /calc",
		RequestValidator: RequestValidator{ValidateRequestParameters: true},
		RequestParameters: map[string]bool{
			"method.request.querystring.operand1": true,
			"method.request.querystring.operand2": true,
			"method.request.querystring.operator": true,
		},
		Integration: Integration{
			Type:                TypeAWS,
			Function:            calcFunction,
			PassthroughBehavior: WhenNoMatch,
			RequestTemplates:    map[string]string{"application/json": calcGetRequestTemplate},
			Responses: []IntegrationResponse{
				{StatusCode: 200,
					ResponseParameters: map[string]string{
						"method.response.header.operator":  "integration.response.body.op",
						"method.response.header.operand_2": "integration.response.body.b",
						"method.response.header.operand_1": "integration.response.body.a",
					},
					ResponseTemplates: map[string]string{"application/json": calcGetResponseTemplate}},
				calcErrors,
			},
		},
	}
}

func calcQuery(kv ...string) event.Params {
	var p event.Params
	for i := 0; i+1 < len(kv); i += 2 {
		p.Add(kv[i], kv[i+1])
	}
	return p
}

func TestCalcGetWithQueryString(t *testing.T) {
	var got []byte
	m := calcGetMethod()
	m.Integration.Function = func(ctx context.Context, payload []byte) ([]byte, error) {
		got = payload
		return calcFunction(ctx, payload)
	}
	p := mustPipeline(t, m)

	resp := serve(t, p, &event.Request{Source: event.REST, Method: "GET", Path: "/calc", Resource: "/calc",
		Query: calcQuery("operand1", "2", "operand2", "3", "operator", "+")})
	const wantPayload = "{\n    \"a\":  \"2\",\n    \"b\":  \"3\", \n    \"op\": \"+\"   \n}"
	if string(got) != wantPayload {
		t.Errorf("function payload = %q, want %q", got, wantPayload)
	}
	const wantBody = "{\n    \"result\": \"2, 3, + => 5\",\n  \"a\" : \"2\",\n  \"b\" : \"3\",\n  \"op\" : \"+\",\n  \"c\" : \"5\"\n}"
	if resp.StatusCode != 200 || string(resp.Body) != wantBody {
		t.Errorf("GET /calc?operand1=2&operand2=3&operator=+ = %d %q, want 200 %q", resp.StatusCode, resp.Body, wantBody)
	}
	for name, want := range map[string]string{"operand_1": "2", "operand_2": "3", "operator": "+", "Content-Type": "application/json"} {
		if v := resp.Header.Get(name); v != want {
			t.Errorf("header %s = %q, want %q", name, v, want)
		}
	}

	for _, tt := range []struct {
		query  event.Params
		status int
		body   string
	}{
		{calcQuery("operand1", "2"), 400, `{"message":"Missing required request parameters: [operand2, operator]"}`},
		{calcQuery("operand1", "2", "operand2", "", "operator", "+"), 400, `{"message":"Missing required request parameters: [operand2]"}`},
		{calcQuery("operand1", "x", "operand2", "3", "operator", "+"), 400, `{"errorMessage":"400 Invalid Operand","errorType":"errorString"}`},
		{calcQuery("operand1", "2", "operand2", "3", "operator", "%"), 400, `{"errorMessage":"400 Invalid Operator","errorType":"errorString"}`},
		// Division by zero gives c = NaN, which JSON carries as null and
		// the template renders as nothing.
		{calcQuery("operand1", "1", "operand2", "0", "operator", "/"), 200,
			"{\n    \"result\": \"1, 0, / => \",\n  \"a\" : \"1\",\n  \"b\" : \"0\",\n  \"op\" : \"/\",\n  \"c\" : \"\"\n}"},
		{calcQuery("operand1", "7", "operand2", "2", "operator", "div"), 200,
			"{\n    \"result\": \"7, 2, div => 3.5\",\n  \"a\" : \"7\",\n  \"b\" : \"2\",\n  \"op\" : \"div\",\n  \"c\" : \"3.5\"\n}"},
	} {
		resp := serve(t, p, &event.Request{Source: event.REST, Method: "GET", Path: "/calc", Query: tt.query})
		if resp.StatusCode != tt.status || string(resp.Body) != tt.body {
			t.Errorf("GET /calc?%s = %d %q, want %d %q", tt.query.Encode(), resp.StatusCode, resp.Body, tt.status, tt.body)
		}
	}
}

func TestCalcPostWithInputModel(t *testing.T) {
	p := mustPipeline(t, Method{
		Name:             "POST /calc",
		RequestValidator: RequestValidator{ValidateRequestBody: true},
		RequestModels:    map[string]string{"application/json": "Input"},
		Models:           calcModels(t),
		Integration: Integration{
			Type:                TypeAWS,
			Function:            calcFunction,
			PassthroughBehavior: WhenNoTemplates,
			Responses:           []IntegrationResponse{{StatusCode: 200}, calcErrors},
		},
	})
	hdr := event.Header{{Name: "Content-Type", Value: "application/json"}}
	resp := serve(t, p, &event.Request{Source: event.REST, Method: "POST", Path: "/calc", Header: hdr,
		Body: []byte("{\n    \"a\": 1,\n    \"b\": 2,\n    \"op\": \"+\"\n}")})
	// The tutorial shows the passed-through function output.
	var got, want any
	json.Unmarshal(resp.Body, &got)
	json.Unmarshal([]byte("{\n  \"a\": 1,\n  \"b\": 2,\n  \"op\": \"+\",\n  \"c\": 3\n}"), &want)
	if resp.StatusCode != 200 || !reflect.DeepEqual(got, want) || string(resp.Body) != `{"a":1,"b":2,"op":"+","c":3}` {
		t.Errorf("POST /calc = %d %s, want 200 with the tutorial's result", resp.StatusCode, resp.Body)
	}

	for _, tt := range []struct {
		body   string
		status int
		resp   string
	}{
		{`{"a": "1", "b": 2, "op": "+"}`, 400, `{"message":"Invalid request body"}`},
		{`{"a": 1, "b": 2, "op": 3}`, 400, `{"message":"Invalid request body"}`},
		{`[1, 2]`, 400, `{"message":"Invalid request body"}`},
		// The tutorial's Input model requires nothing, so {} reaches the
		// function, which fails.
		{`{}`, 400, `{"errorMessage":"400 Invalid Input","errorType":"errorString"}`},
		{`{"a": 6, "b": 7, "op": "mul"}`, 200, `{"a":6,"b":7,"op":"mul","c":42}`},
	} {
		resp := serve(t, p, &event.Request{Source: event.REST, Method: "POST", Path: "/calc", Header: hdr, Body: []byte(tt.body)})
		if resp.StatusCode != tt.status || string(resp.Body) != tt.resp {
			t.Errorf("POST /calc %s = %d %s, want %d %s", tt.body, resp.StatusCode, resp.Body, tt.status, tt.resp)
		}
	}

	// With the Input model of the tutorial's OpenAPI definition, which
	// requires a, b and op, {} fails validation before the function runs.
	strict := mustModels(t, map[string]string{"Input": `{"type":"object","required":["a","b","op"],"properties":{"a":{"type":"number"},"b":{"type":"number"},"op":{"type":"string","description":"binary op of ['+', 'add', '-', 'sub', '*', 'mul', '%2F', 'div']"}},"title":"Input"}`})
	m := Method{RequestValidator: RequestValidator{ValidateRequestBody: true}, RequestModels: map[string]string{"application/json": "Input"}, Models: strict,
		Integration: Integration{Type: TypeAWS, Function: calcFunction, PassthroughBehavior: WhenNoTemplates, Responses: []IntegrationResponse{{StatusCode: 200}, calcErrors}}}
	resp = serve(t, mustPipeline(t, m), &event.Request{Method: "POST", Header: hdr, Body: []byte(`{}`)})
	if resp.StatusCode != 400 || string(resp.Body) != `{"message":"Invalid request body"}` {
		t.Errorf("POST /calc {} with the required model = %d %s", resp.StatusCode, resp.Body)
	}
}

func TestCalcGetWithPathParameters(t *testing.T) {
	var got []byte
	fn := func(ctx context.Context, payload []byte) ([]byte, error) {
		got = payload
		return calcFunction(ctx, payload)
	}
	p := mustPipeline(t, Method{
		Name: "GET /calc/{operand1}/{operand2}/{operator}",
		Integration: Integration{
			Type:             TypeAWS,
			Function:         fn,
			RequestTemplates: map[string]string{"application/json": calcPathRequestTemplate},
			Responses: []IntegrationResponse{
				{StatusCode: 200, ResponseTemplates: map[string]string{"application/json": calcResultTemplate}},
				calcErrors,
			},
		},
	})
	for _, tt := range []struct {
		a, b, op string
		payload  string
		body     string
	}{
		{"1", "2", "+",
			"{\n   \"a\": \"1\",\n   \"b\": \"2\",\n   \"op\": \"+\"   \n}",
			"{\n  \"input\" : {\n    \"a\" : 1,\n    \"b\" : 2,\n    \"op\" : \"+\"\n  },\n  \"output\" : {\n    \"c\" : 3\n  }\n}"},
		// REST leaves path parameters percent-encoded; the template turns
		// %2F into /.
		{"1", "2", "%2F",
			"{\n   \"a\": \"1\",\n   \"b\": \"2\",\n   \"op\": \"/\"   \n}",
			"{\n  \"input\" : {\n    \"a\" : 1,\n    \"b\" : 2,\n    \"op\" : \"/\"\n  },\n  \"output\" : {\n    \"c\" : 0.5\n  }\n}"},
	} {
		req := &event.Request{Source: event.REST, Method: "GET", Path: "/calc/" + tt.a + "/" + tt.b + "/" + tt.op,
			Resource:       "/calc/{operand1}/{operand2}/{operator}",
			PathParameters: event.Params{{Name: "operand1", Value: tt.a}, {Name: "operand2", Value: tt.b}, {Name: "operator", Value: tt.op}}}
		resp := serve(t, p, req)
		if string(got) != tt.payload {
			t.Errorf("%s: function payload = %q, want %q", req.Path, got, tt.payload)
		}
		if resp.StatusCode != 200 || string(resp.Body) != tt.body {
			t.Errorf("%s = %d %q, want 200 %q", req.Path, resp.StatusCode, resp.Body, tt.body)
		}
	}

	// The tutorial's console test shows this result for 1, 2, +.
	resp := serve(t, p, &event.Request{Method: "GET", PathParameters: event.Params{{Name: "operand1", Value: "1"}, {Name: "operand2", Value: "2"}, {Name: "operator", Value: "+"}}})
	var got2, want any
	json.Unmarshal(resp.Body, &got2)
	json.Unmarshal([]byte(`{"input": {"a": 1, "b": 2, "op": "+"}, "output": {"c": 3}}`), &want)
	if !reflect.DeepEqual(got2, want) {
		t.Errorf("result = %s, want the tutorial's %v", resp.Body, want)
	}

	resp = serve(t, p, &event.Request{Method: "GET", PathParameters: event.Params{{Name: "operand1", Value: "one"}, {Name: "operand2", Value: "2"}, {Name: "operator", Value: "+"}}})
	if resp.StatusCode != 400 || string(resp.Body) != `{"errorMessage":"400 Invalid Operand","errorType":"errorString"}` {
		t.Errorf("/calc/one/2/+ = %d %s, want 400 Invalid Operand", resp.StatusCode, resp.Body)
	}
}

// TestCalcConcurrent serves one pipeline from many goroutines; run with
// -race it checks that a compiled pipeline shares nothing mutable.
func TestCalcConcurrent(t *testing.T) {
	p := mustPipeline(t, calcGetMethod())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				a := strconv.Itoa(g*100 + i)
				resp, err := p.Serve(context.Background(), &event.Request{Method: "GET",
					Query: calcQuery("operand1", a, "operand2", "1", "operator", "add")})
				want := `"result": "` + a + `, 1, add => ` + strconv.Itoa(g*100+i+1) + `"`
				if err != nil || resp.StatusCode != 200 || !strings.Contains(string(resp.Body), want) || resp.Header.Get("operand_1") != a {
					t.Errorf("concurrent GET operand1=%s: %v %s", a, err, resp.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
}
