package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// echoLambda returns its payload and records it.
type echoLambda struct {
	calls   atomic.Int32
	payload atomic.Value
}

func (e *echoLambda) fn(ctx context.Context, payload []byte) ([]byte, error) {
	e.calls.Add(1)
	e.payload.Store(string(payload))
	return payload, nil
}

func (e *echoLambda) last() string {
	s, _ := e.payload.Load().(string)
	return s
}

func mustPipeline(tb testing.TB, m Method) *Pipeline {
	tb.Helper()
	p, err := NewPipeline(m)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func serve(tb testing.TB, p *Pipeline, req *event.Request) *response.Response {
	tb.Helper()
	resp, err := p.Serve(context.Background(), req)
	if err != nil {
		tb.Fatalf("Serve() error = %v", err)
	}
	if resp == nil {
		tb.Fatal("Serve() = nil response")
	}
	return resp
}

func TestPassthroughBehavior(t *testing.T) {
	const body = `{"raw":true}`
	jsonT := map[string]string{"application/json": `{"template":"json"}`}
	xmlT := map[string]string{"application/xml": `{"template":"xml"}`}
	for _, tt := range []struct {
		templates   map[string]string
		contentType string
		behavior    PassthroughBehavior
		want        string // payload the function gets, or "415"
	}{
		// The table of the developer guide, row by row.
		{jsonT, "", WhenNoMatch, `{"template":"json"}`},
		{jsonT, "", WhenNoTemplates, `{"template":"json"}`},
		{jsonT, "", Never, `{"template":"json"}`},
		{jsonT, "application/json", WhenNoMatch, `{"template":"json"}`},
		{jsonT, "application/json", WhenNoTemplates, `{"template":"json"}`},
		{jsonT, "application/json", Never, `{"template":"json"}`},
		{jsonT, "application/xml", WhenNoMatch, body},
		{jsonT, "application/xml", WhenNoTemplates, "415"},
		{jsonT, "application/xml", Never, "415"},
		{xmlT, "", WhenNoMatch, body},
		{xmlT, "", WhenNoTemplates, "415"},
		{xmlT, "", Never, "415"},
		{xmlT, "application/json", WhenNoMatch, body},
		{xmlT, "application/json", WhenNoTemplates, "415"},
		{xmlT, "application/json", Never, "415"},
		{xmlT, "application/xml", WhenNoMatch, `{"template":"xml"}`},
		{xmlT, "application/xml", WhenNoTemplates, `{"template":"xml"}`},
		{xmlT, "application/xml", Never, `{"template":"xml"}`},
		{nil, "application/json", WhenNoMatch, body},
		{nil, "application/json", WhenNoTemplates, body},
		{nil, "application/json", Never, "415"},
		// The zero value is WHEN_NO_MATCH; OpenAPI spells it in lower case.
		{jsonT, "text/plain", "", body},
		{jsonT, "text/plain", "when_no_templates", "415"},
		// Only the media type counts, case-insensitively.
		{jsonT, "Application/JSON; charset=UTF-8", Never, `{"template":"json"}`},
		// An empty template passes the body through.
		{map[string]string{"application/json": ""}, "application/json", Never, body},
	} {
		name := fmt.Sprintf("%v/%q/%s", sortedKeys(tt.templates), tt.contentType, tt.behavior)
		t.Run(name, func(t *testing.T) {
			var fn echoLambda
			p := mustPipeline(t, Method{Integration: Integration{
				Type: TypeAWS, Function: fn.fn, PassthroughBehavior: tt.behavior,
				RequestTemplates: tt.templates,
				Responses:        []IntegrationResponse{{StatusCode: 200}},
			}})
			req := &event.Request{Method: "POST", Body: []byte(body)}
			if tt.contentType != "" {
				req.Header = event.Header{{Name: "Content-Type", Value: tt.contentType}}
			}
			resp := serve(t, p, req)
			if tt.want == "415" {
				if resp.StatusCode != 415 || string(resp.Body) != `{"message":"Unsupported Media Type"}` {
					t.Errorf("Serve() = %d %s, want 415 Unsupported Media Type", resp.StatusCode, resp.Body)
				}
				if fn.calls.Load() != 0 {
					t.Errorf("function called %d times on a 415", fn.calls.Load())
				}
				return
			}
			if resp.StatusCode != 200 || fn.last() != tt.want {
				t.Errorf("Serve() = %d, function got %q; want 200, %q", resp.StatusCode, fn.last(), tt.want)
			}
		})
	}
}

// TestLambdaSelection replays the AWS-recorded selection case (integration
// responses "" → 200, ".*four hundred.*" → 405, ".+" → 502, "200" → 504)
// and the whole-match rules.
func TestLambdaSelection(t *testing.T) {
	responses := []IntegrationResponse{
		{StatusCode: 502, SelectionPattern: ".+"},
		{StatusCode: 200},
		{StatusCode: 504, SelectionPattern: "200"},
		{StatusCode: 405, SelectionPattern: ".*four hundred.*"},
		{StatusCode: 403, SelectionPattern: "404"},
	}
	for _, tt := range []struct {
		err    string // "" for success
		status int
		reason string
	}{
		{"", 200, "success has no errorMessage: .+ and 200 do not match"},
		{"Error: Raising four hundred from within the Lambda function", 405, "405 and 502 both match; the lower status wins"},
		{"Error: Raising five hundred from within the Lambda function", 502, ".+ matches any error"},
		{"404", 403, "whole-message match"},
		{"foo 404 bar", 502, "404 does not match inside a message"},
		{"line one\nline two", 200, ". does not match a newline, so .+ fails"},
		{"carriage\rreturn", 200, "Java's . does not match \\r either"},
	} {
		fn := func(ctx context.Context, payload []byte) ([]byte, error) {
			if tt.err != "" {
				return nil, errors.New(tt.err)
			}
			return []byte(`{"ok":true}`), nil
		}
		p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, Responses: responses}})
		resp := serve(t, p, &event.Request{Method: "GET"})
		if resp.StatusCode != tt.status {
			t.Errorf("error %q: status = %d, want %d (%s)", tt.err, resp.StatusCode, tt.status, tt.reason)
		}
		if tt.err == "" {
			continue
		}
		// Without a response template the error document is the body.
		want, _ := json.Marshal(map[string]string{"errorMessage": tt.err, "errorType": "errorString"})
		var got, w map[string]string
		json.Unmarshal(resp.Body, &got)
		json.Unmarshal(want, &w)
		if got["errorMessage"] != w["errorMessage"] || got["errorType"] != "errorString" || !strings.HasPrefix(string(resp.Body), `{"errorMessage":`) {
			t.Errorf("error %q: body = %s, want %s", tt.err, resp.Body, want)
		}
	}
}

func TestSelectionDotStarCatchesSuccess(t *testing.T) {
	fn := func(ctx context.Context, payload []byte) ([]byte, error) { return []byte(`{}`), nil }
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, Responses: []IntegrationResponse{
		{StatusCode: 200}, {StatusCode: 418, SelectionPattern: ".*"},
	}}})
	if resp := serve(t, p, &event.Request{}); resp.StatusCode != 418 {
		t.Errorf(`".*" on a success: status = %d, want 418`, resp.StatusCode)
	}
}

func TestNoMatchNoDefault(t *testing.T) {
	fn := func(ctx context.Context, payload []byte) ([]byte, error) { return nil, errors.New("boom") }
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, Responses: []IntegrationResponse{
		{StatusCode: 400, SelectionPattern: "Invalid.*"},
	}}})
	resp := serve(t, p, &event.Request{})
	if resp.StatusCode != 500 || string(resp.Body) != `{"message":"Internal server error"}` {
		t.Errorf("Serve() = %d %s, want 500 Internal server error", resp.StatusCode, resp.Body)
	}
}

// TestRejectedInvoke checks that an invoke Lambda refuses is the
// gateway's 500, not a function error that selection patterns see.
func TestRejectedInvoke(t *testing.T) {
	fn := func(ctx context.Context, payload []byte) ([]byte, error) {
		return nil, &handler.InvokeError{Status: 403, Code: "AccessDeniedException", Message: "denied"}
	}
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, Responses: []IntegrationResponse{
		{StatusCode: 200}, {StatusCode: 400, SelectionPattern: ".*denied.*"},
	}}})
	resp := serve(t, p, &event.Request{})
	if resp.StatusCode != 500 || string(resp.Body) != `{"message":"Internal server error"}` {
		t.Errorf("Serve() = %d %s, want 500 Internal server error", resp.StatusCode, resp.Body)
	}
}

func TestLambdaErrorTypes(t *testing.T) {
	for _, tt := range []struct {
		fn   LambdaFunc
		want string
	}{
		{func(context.Context, []byte) ([]byte, error) {
			return nil, &handler.FunctionError{Type: "InvalidInput", Message: "bad"}
		},
			`{"errorMessage":"bad","errorType":"InvalidInput"}`},
		// A function reached through Lambda: its document, as sent.
		{func(context.Context, []byte) ([]byte, error) {
			return nil, handler.ReadFunctionError([]byte(`{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: 1 Error: Task timed out after 3.00 seconds"}`))
		},
			`{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: 1 Error: Task timed out after 3.00 seconds"}`},
		{func(context.Context, []byte) ([]byte, error) { return nil, fmt.Errorf("wrapped: %w", errors.New("x")) },
			`{"errorMessage":"wrapped: x","errorType":"wrapError"}`},
		{func(context.Context, []byte) ([]byte, error) { panic("kaput") },
			`{"errorMessage":"kaput","errorType":"string"}`},
	} {
		p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: tt.fn, Responses: []IntegrationResponse{{StatusCode: 200}}}})
		if resp := serve(t, p, &event.Request{}); string(resp.Body) != tt.want {
			t.Errorf("body = %s, want %s", resp.Body, tt.want)
		}
	}
}

func TestLambdaPayloadMustBeJSON(t *testing.T) {
	var fn echoLambda
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn.fn,
		RequestTemplates: map[string]string{"application/json": "{\n\"a\": 1,\n\"b\": oops\n}"},
		Responses:        []IntegrationResponse{{StatusCode: 200}}}})
	resp := serve(t, p, &event.Request{})
	const prefix = `{"message":"Could not parse request body into json: `
	if resp.StatusCode != 400 || !strings.HasPrefix(string(resp.Body), prefix) || !strings.Contains(string(resp.Body), "line 3") {
		t.Errorf("Serve() = %d %s, want 400 %s... at line 3", resp.StatusCode, resp.Body, prefix)
	}
	if fn.calls.Load() != 0 {
		t.Error("function called with invalid JSON")
	}

	// A passed-through empty body is the empty object.
	p = mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn.fn, Responses: []IntegrationResponse{{StatusCode: 200}}}})
	serve(t, p, &event.Request{Method: "GET"})
	if fn.last() != "{}" {
		t.Errorf("empty passthrough payload = %q, want {}", fn.last())
	}
}

func TestResponseParameters(t *testing.T) {
	// The error of the developer guide's custom Lambda error example: the
	// function fails with a JSON string.
	const errJSON = `{"errorType":"InternalServerError","httpStatus":500,"requestId":"e5849002-39a0-11e7-a419-5bb5807c9fb2","trace":{"function":"abc()","line":123,"file":"abc.js"}}`
	fn := func(ctx context.Context, payload []byte) ([]byte, error) {
		var in struct{ Fail bool }
		json.Unmarshal(payload, &in)
		if in.Fail {
			return nil, errors.New(errJSON)
		}
		return []byte(`{"a":{"b":[1,{"c":"deep"}]},"n":2.50,"s":"str","obj":{"x": 1, "y" : [true]}}`), nil
	}
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, Responses: []IntegrationResponse{
		{StatusCode: 200, ResponseParameters: map[string]string{
			"method.response.header.Static":  "'static value'",
			"method.response.header.Deep":    "integration.response.body.a.b[1].c",
			"method.response.header.Num":     "integration.response.body.n",
			"method.response.header.Str":     "integration.response.body.s",
			"method.response.header.Obj":     "integration.response.body.obj",
			"method.response.header.Missing": "integration.response.body.nope.x",
			"method.response.header.Body":    "integration.response.body",
			"method.response.header.CT":      "integration.response.header.Content-Type",
			"method.response.header.Stage":   "stageVariables.version",
			"method.response.header.NoStage": "stageVariables.none",
		}},
		{StatusCode: 500, SelectionPattern: ".*InternalServerError.*", ResponseParameters: map[string]string{
			"method.response.header.Type":     "integration.response.body.errorType",
			"method.response.header.Function": "integration.response.body.errorMessage.trace.function",
			"method.response.header.Trace":    "integration.response.body.errorMessage.trace",
			"method.response.header.Status":   "integration.response.body.errorMessage.httpStatus",
		}},
	}}})
	req := &event.Request{StageVariables: event.Params{{Name: "version", Value: "v7"}}}
	resp := serve(t, p, req)
	for name, want := range map[string]string{
		"Static": "static value", "Deep": "deep", "Num": "2.50", "Str": "str",
		"Obj":  `{"x":1,"y":[true]}`,
		"Body": `{"a":{"b":[1,{"c":"deep"}]},"n":2.50,"s":"str","obj":{"x": 1, "y" : [true]}}`,
		"CT":   "application/json", "Stage": "v7",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"Missing", "NoStage"} {
		if resp.Header.Has(name) {
			t.Errorf("header %s set to %q, want it absent", name, resp.Header.Get(name))
		}
	}

	req.Body = []byte(`{"Fail":true}`)
	resp = serve(t, p, req)
	if resp.StatusCode != 500 {
		t.Fatalf("status = %d, want 500", resp.StatusCode)
	}
	for name, want := range map[string]string{
		"Type":     "errorString",
		"Function": "abc()",
		"Trace":    `{"function":"abc()","line":123,"file":"abc.js"}`,
		"Status":   "500",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
}

func TestResponseParameterBadJSONBody(t *testing.T) {
	fn := func(ctx context.Context, payload []byte) ([]byte, error) { return []byte(`{"a": `), nil }
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, Responses: []IntegrationResponse{
		{StatusCode: 200, ResponseParameters: map[string]string{"method.response.header.A": "integration.response.body.a"}},
	}}})
	if resp := serve(t, p, &event.Request{}); resp.StatusCode != 500 {
		t.Errorf("body starting with { but invalid: status = %d, want 500", resp.StatusCode)
	}
}

func TestResponseTemplateSelection(t *testing.T) {
	templates := map[string]string{
		"application/json": "JSON",
		"application/xml":  "XML",
		"text/csv":         "",
	}
	onlyXML := map[string]string{"application/xml": "XML", "application/zip": "ZIP"}
	for _, tt := range []struct {
		templates map[string]string
		accept    string
		body, ct  string
	}{
		{templates, "", "JSON", "application/json"},
		{templates, "application/xml", "XML", "application/xml"},
		{templates, "application/xml;q=0.9, application/json", "XML", "application/xml"},
		{templates, "text/html, application/xml", "JSON", "application/json"},
		{templates, "*/*", "JSON", "application/json"},
		{templates, "text/csv", `{"out":1}`, "text/csv"},
		{onlyXML, "text/html", "XML", "application/xml"},
		{nil, "application/xml", `{"out":1}`, "application/json"},
	} {
		fn := func(ctx context.Context, payload []byte) ([]byte, error) { return []byte(`{"out":1}`), nil }
		p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, Responses: []IntegrationResponse{
			{StatusCode: 200, ResponseTemplates: tt.templates},
		}}})
		req := &event.Request{}
		if tt.accept != "" {
			req.Header = event.Header{{Name: "Accept", Value: tt.accept}}
		}
		resp := serve(t, p, req)
		if string(resp.Body) != tt.body || resp.Header.Get("Content-Type") != tt.ct {
			t.Errorf("Accept %q with %v: body %q, Content-Type %q; want %q, %q",
				tt.accept, sortedKeys(tt.templates), resp.Body, resp.Header.Get("Content-Type"), tt.body, tt.ct)
		}
	}
}

func TestMock(t *testing.T) {
	responses := []IntegrationResponse{
		{StatusCode: 200},
		{StatusCode: 400, SelectionPattern: `4\d{2}`, ResponseTemplates: map[string]string{"application/json": `{"error":"client"}`}},
		{StatusCode: 500, SelectionPattern: `5\d{2}`},
	}
	for _, tt := range []struct {
		template string
		status   int
		body     string
	}{
		{`{"statusCode": 200}`, 200, ``},
		{`{statusCode: 404}`, 400, `{"error":"client"}`},
		{`{"statusCode": "503"}`, 500, ``},
		{`{"statusCode": 201}`, 200, ``},
		{`{"message": "no status"}`, 500, `{"message":"Internal server error"}`},
	} {
		p := mustPipeline(t, Method{Integration: Integration{Type: "mock",
			RequestTemplates: map[string]string{"application/json": tt.template}, Responses: responses}})
		resp := serve(t, p, &event.Request{Method: "GET"})
		if resp.StatusCode != tt.status || string(resp.Body) != tt.body {
			t.Errorf("MOCK %s: %d %q, want %d %q", tt.template, resp.StatusCode, resp.Body, tt.status, tt.body)
		}
	}
}

// petstore is the HTTP backend of the request validation sample API.
type petstore struct{ got *event.Request }

func (b *petstore) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	b.got = req
	if req.Query.Get("type") == "cat" || req.Method == "POST" {
		return response.RawJSON(200, []byte(`[{"id":1,"type":"cat","price":249.99}]`)), nil
	}
	return response.RawJSON(404, []byte(`{"error":"no such pets"}`)), nil
}

// TestHTTPIntegration runs the developer guide's request validation sample
// API ("ReqValidators Sample") against a fake pet store.
func TestHTTPIntegration(t *testing.T) {
	models := mustModels(t, guideModels(t, "RequestBodyModel"))
	responses := []IntegrationResponse{
		{StatusCode: 200, SelectionPattern: `2\d{2}`},
		{StatusCode: 400,
			ResponseParameters: map[string]string{"method.response.header.test-method-response-header": "'static value'"},
			ResponseTemplates: map[string]string{
				"application/json": "json 400 response template",
				"application/xml":  "xml 400 response template",
			}},
	}
	var store petstore
	get := mustPipeline(t, Method{
		Name:              "GET /validation",
		RequestValidator:  RequestValidator{ValidateRequestParameters: true},
		RequestParameters: map[string]bool{"method.request.querystring.q1": true},
		Integration: Integration{Type: "http", Backend: &store, HTTPMethod: "GET", Path: "/petstore/pets",
			RequestParameters: map[string]string{"integration.request.querystring.type": "method.request.querystring.q1"},
			Responses:         responses},
	})
	post := mustPipeline(t, Method{
		Name:              "POST /validation",
		RequestValidator:  RequestValidator{ValidateRequestBody: true, ValidateRequestParameters: true},
		RequestParameters: map[string]bool{"method.request.header.h1": true},
		RequestModels:     map[string]string{"application/json": "RequestBodyModel"},
		Models:            models,
		Integration: Integration{Type: "http", Backend: &store, HTTPMethod: "POST", Path: "/petstore/pets",
			RequestParameters: map[string]string{"integration.request.header.custom_h1": "method.request.header.h1"},
			Responses:         responses},
	})

	resp := serve(t, get, &event.Request{Method: "GET", Path: "/validation", Query: event.Params{{Name: "q1", Value: "cat"}}})
	if resp.StatusCode != 200 || string(resp.Body) != `[{"id":1,"type":"cat","price":249.99}]` {
		t.Errorf("GET ?q1=cat = %d %s", resp.StatusCode, resp.Body)
	}
	if store.got.Method != "GET" || store.got.Path != "/petstore/pets" || store.got.RawQuery != "type=cat" || len(store.got.Query) != 1 {
		t.Errorf("backend got %s %s?%s, want GET /petstore/pets?type=cat", store.got.Method, store.got.Path, store.got.RawQuery)
	}
	for _, q := range []event.Params{nil, {{Name: "q1", Value: ""}}} {
		resp = serve(t, get, &event.Request{Method: "GET", Query: q})
		if resp.StatusCode != 400 || string(resp.Body) != `{"message":"Missing required request parameters: [q1]"}` {
			t.Errorf("GET %v = %d %s", q, resp.StatusCode, resp.Body)
		}
	}
	// A backend 404 falls to the default response.
	resp = serve(t, get, &event.Request{Method: "GET", Query: event.Params{{Name: "q1", Value: "dog"}},
		Header: event.Header{{Name: "Accept", Value: "application/xml"}}})
	if resp.StatusCode != 400 || string(resp.Body) != "xml 400 response template" ||
		resp.Header.Get("test-method-response-header") != "static value" || resp.Header.Get("Content-Type") != "application/xml" {
		t.Errorf("GET ?q1=dog = %d %v %q", resp.StatusCode, resp.Header, resp.Body)
	}

	hdr := event.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "h1", Value: "v1"}}
	resp = serve(t, post, &event.Request{Method: "POST", Header: hdr, Body: []byte(`{"name" : "Marco", "type" : "dog", "price" : 260}`)})
	if resp.StatusCode != 200 || store.got.Header.Get("custom_h1") != "v1" || store.got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("POST = %d, backend headers %v", resp.StatusCode, store.got.Header)
	}
	resp = serve(t, post, &event.Request{Method: "POST", Header: hdr, Body: []byte(`{"name" : "Molly", "type" : "bird", "price" : 269}`)})
	if resp.StatusCode != 400 || string(resp.Body) != `{"message":"Invalid request body"}` {
		t.Errorf("POST bird = %d %s", resp.StatusCode, resp.Body)
	}
	resp = serve(t, post, &event.Request{Method: "POST", Header: hdr[:1], Body: []byte(`{}`)})
	if resp.StatusCode != 400 || string(resp.Body) != `{"message":"Missing required request parameters: [h1]"}` {
		t.Errorf("POST without h1 = %d %s", resp.StatusCode, resp.Body)
	}
}

func TestAsyncInvocation(t *testing.T) {
	for _, tt := range []struct {
		name   string
		params map[string]string
		header event.Header
		called bool
		status int
	}{
		{"static Event", map[string]string{"integration.request.header.X-Amz-Invocation-Type": "'Event'"}, nil, true, 202},
		{"from the InvocationType header", map[string]string{"integration.request.header.X-Amz-Invocation-Type": "method.request.header.InvocationType"},
			event.Header{{Name: "InvocationType", Value: "Event"}}, true, 202},
		{"DryRun", map[string]string{"integration.request.header.X-Amz-Invocation-Type": "'DryRun'"}, nil, false, 202},
		{"invalid type", map[string]string{"integration.request.header.X-Amz-Invocation-Type": "'Later'"}, nil, false, 500},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan string, 1)
			fn := func(ctx context.Context, payload []byte) ([]byte, error) {
				done <- string(payload)
				return []byte(`{"ignored":true}`), nil
			}
			p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, RequestParameters: tt.params,
				Responses: []IntegrationResponse{{StatusCode: 202}, {StatusCode: 500, SelectionPattern: "x"}}}})
			ctx, cancel := context.WithCancel(context.Background())
			resp, err := p.Serve(ctx, &event.Request{Header: tt.header, Body: []byte(`{"n":1}`)})
			cancel() // the invocation outlives the request
			if err != nil || resp.StatusCode != tt.status {
				t.Fatalf("Serve() = %v, %v; want status %d", resp, err, tt.status)
			}
			if tt.status == 202 && len(resp.Body) != 0 {
				t.Errorf("body = %q, want empty", resp.Body)
			}
			select {
			case got := <-done:
				if !tt.called {
					t.Errorf("function invoked with %s", got)
				} else if got != `{"n":1}` {
					t.Errorf("function got %s, want {\"n\":1}", got)
				}
			case <-time.After(100 * time.Millisecond):
				if tt.called {
					t.Error("function never invoked")
				}
			}
		})
	}
}

func TestNewPipelineErrors(t *testing.T) {
	fn := func(context.Context, []byte) ([]byte, error) { return nil, nil }
	for _, tt := range []struct {
		name string
		m    Method
		want []string
	}{
		{"type", Method{Integration: Integration{Type: "AWS_PROXY"}}, []string{`unsupported integration type "AWS_PROXY"`}},
		{"no function", Method{Integration: Integration{Type: TypeAWS}}, []string{"without a Function"}},
		{"no backend", Method{Integration: Integration{Type: TypeHTTP}}, []string{"without a Backend"}},
		{"passthrough", Method{Integration: Integration{Type: TypeMock, PassthroughBehavior: "SOMETIMES"}}, []string{`invalid passthrough behavior "SOMETIMES"`}},
		{"Java-only regex and two defaults", Method{Name: "GET /x", Integration: Integration{Type: TypeAWS, Function: fn, Responses: []IntegrationResponse{
			{StatusCode: 400, SelectionPattern: `(?=Invalid).*`}, {StatusCode: 200}, {StatusCode: 201},
		}}}, []string{`GET /x integration response 400: invalid selection pattern "(?=Invalid).*"`, "a second default response"}},
		{"status", Method{Integration: Integration{Type: TypeMock, Responses: []IntegrationResponse{{StatusCode: 99}, {StatusCode: 200}, {StatusCode: 200, SelectionPattern: "x"}}}},
			[]string{"invalid status code 99", "status code defined twice"}},
		{"mapping keys", Method{Integration: Integration{Type: TypeMock,
			RequestParameters: map[string]string{"integration.request.cookie.a": "'x'", "integration.request.header.a": "method.request.cookie.b", "integration.request.header.b": "integration.response.body"},
			Responses: []IntegrationResponse{{StatusCode: 200, ResponseParameters: map[string]string{
				"method.response.body": "'x'", "method.response.header.A": "method.request.header.a", "method.response.header.B": "integration.response.body.a[x]"}}}}},
			[]string{`invalid integration request parameter "integration.request.cookie.a"`, `"method.request.cookie.b"`,
				`"integration.response.body" (want method.request.*`, `invalid response parameter "method.response.body"`,
				`"method.request.header.a" (want integration.response.*`, `bad index "x"`}},
		{"validation", Method{RequestParameters: map[string]bool{"bad": true}, Integration: Integration{Type: TypeMock}}, []string{`invalid request parameter "bad"`}},
		{"template key", Method{Integration: Integration{Type: TypeMock, RequestTemplates: map[string]string{"application/json": "a", "Application/JSON": "b"}}},
			[]string{`two templates for "application/json"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPipeline(tt.m)
			if err == nil {
				t.Fatalf("NewPipeline() = nil error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("NewPipeline() error = %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestMustPipelinePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustPipeline did not panic on a bad method")
		}
	}()
	MustPipeline(Method{})
}

func TestPipelineOverrides(t *testing.T) {
	var store petstore
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeHTTP, Backend: &store, Path: "/pets/{id}",
		RequestParameters: map[string]string{
			"integration.request.header.X-From":      "'mapped'",
			"integration.request.path.id":            "method.request.path.petId",
			"integration.request.querystring.type":   "method.request.querystring.kind",
			"integration.request.header.X-Requested": "method.request.header.X-Requested",
		},
		RequestTemplates: map[string]string{"application/json": `#set($context.requestOverride.header.X-From = "override")
#set($context.requestOverride.querystring.type = "cat")
#set($context.responseOverride.status = 444)
#set($context.responseOverride.header.Foo = "bar")
{"petId": "$input.params('petId')"}`},
		Responses: []IntegrationResponse{
			{StatusCode: 200, ResponseTemplates: map[string]string{"application/json": `status=$context.responseOverride.status foo=$context.responseOverride.header.Foo`}},
			{StatusCode: 404, SelectionPattern: "404", ResponseTemplates: map[string]string{"application/json": `#set($context.responseOverride.status = 410)gone`}},
		},
	}})
	req := &event.Request{Method: "GET", PathParameters: event.Params{{Name: "petId", Value: "7"}},
		Query:  event.Params{{Name: "kind", Value: "dog"}},
		Header: event.Header{{Name: "X-Requested", Value: "yes"}}}
	resp := serve(t, p, req)
	if resp.StatusCode != 444 || resp.Header.Get("Foo") != "bar" {
		t.Errorf("request template overrides: status %d Foo %q, want 444 bar", resp.StatusCode, resp.Header.Get("Foo"))
	}
	if string(resp.Body) != "status=444 foo=bar" {
		t.Errorf("response template sees %q, want the request template's overrides", resp.Body)
	}
	if store.got.Path != "/pets/7" || store.got.Header.Get("X-From") != "override" || store.got.Header.Get("X-Requested") != "yes" || store.got.Query.Get("type") != "cat" {
		t.Errorf("backend got %s ?%s %v", store.got.Path, store.got.RawQuery, store.got.Header)
	}
	if string(store.got.Body) != `{"petId": "7"}` {
		t.Errorf("backend body = %q", store.got.Body)
	}
}

func TestResponseTemplateStatusOverride(t *testing.T) {
	fn := func(context.Context, []byte) ([]byte, error) { return []byte(`{"code": 418}`), nil }
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn, Responses: []IntegrationResponse{
		{StatusCode: 200, ResponseTemplates: map[string]string{"application/json": "#set($context.responseOverride.status = $input.path('$.code'))\n#set($context.responseOverride.header.X-Code = \"$input.path('$.code')\")\nteapot"}},
	}}})
	resp := serve(t, p, &event.Request{})
	if resp.StatusCode != 418 || resp.Header.Get("X-Code") != "418" || string(resp.Body) != "teapot" {
		t.Errorf("Serve() = %d %v %q, want 418 with X-Code and body teapot", resp.StatusCode, resp.Header, resp.Body)
	}
}

func TestTemplateErrors(t *testing.T) {
	var fn echoLambda
	for _, tt := range []struct {
		template, body string
		status         int
		want           string
	}{
		// json-smart cannot parse the body: API Gateway's 400.
		{`{"a": "$input.path('$.a')"}`, `{a`, 400, `{"message":"Could not process payloadnet.minidev.json.parser.ParseException: Unexpected End Of File position 1: null"}`},
		{`{"a": "$input.json('$.a')"}`, `[a`, 400, `{"message":"Could not process payloadnet.minidev.json.parser.ParseException: Unexpected End Of File position 1: EOF"}`},
		// A body that is not JSON but not an object either is a string.
		{`{"a": $input.json('$')}`, `a=b`, 200, ``},
		// Other template failures are the gateway's 500.
		{`{"a": "$util.base64Decode('%%%')"}`, `{}`, 500, `{"message":"Internal server error"}`},
	} {
		p := mustPipeline(t, Method{Integration: Integration{Type: TypeAWS, Function: fn.fn,
			RequestTemplates: map[string]string{"application/json": tt.template},
			Responses:        []IntegrationResponse{{StatusCode: 200}}}})
		resp := serve(t, p, &event.Request{Method: "POST", Body: []byte(tt.body)})
		if resp.StatusCode != tt.status || (tt.want != "" && string(resp.Body) != tt.want) {
			t.Errorf("template %q on %q: %d %s, want %d %s", tt.template, tt.body, resp.StatusCode, resp.Body, tt.status, tt.want)
		}
	}
	if got := fn.last(); got != `{"a": "a=b"}` {
		t.Errorf("a=b rendered as %q, want {\"a\": \"a=b\"}", got)
	}
}

// FuzzPipeline serves arbitrary bodies, media types and errors through a
// pipeline with every kind of mapping: it must always answer, never panic.
func FuzzPipeline(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":2,"op":"+"}`), "application/json", "application/json", "")
	f.Add([]byte(`{a`), "application/json", "text/html", "400 Invalid")
	f.Add([]byte(`a=b`), "text/plain", "*/*", "{\"trace\":{\"f\":1}}")
	f.Add([]byte(``), "", "", "line\nbreak")
	f.Fuzz(func(t *testing.T, body []byte, ctype, accept, errMsg string) {
		fn := func(ctx context.Context, payload []byte) ([]byte, error) {
			if errMsg != "" {
				return nil, errors.New(errMsg)
			}
			return payload, nil
		}
		p, err := NewPipeline(Method{
			RequestValidator: RequestValidator{ValidateRequestBody: true},
			RequestModels:    map[string]string{"application/json": "Input"},
			Models:           mustModels(t, guideModels(t, "Input")),
			Integration: Integration{Type: TypeAWS, Function: fn,
				RequestTemplates: map[string]string{"application/json": `{"body": $input.json('$'), "raw": "$util.escapeJavaScript($input.body)"}`},
				Responses: []IntegrationResponse{
					{StatusCode: 200, ResponseParameters: map[string]string{"method.response.header.A": "integration.response.body.body.a", "method.response.header.E": "integration.response.body.errorMessage.trace"},
						ResponseTemplates: map[string]string{"application/json": `#set($r = $input.path('$'))$r`}},
					{StatusCode: 400, SelectionPattern: "400.*"},
				}},
		})
		if err != nil {
			t.Fatal(err)
		}
		req := &event.Request{Body: body, Header: event.Header{{Name: "Content-Type", Value: ctype}, {Name: "Accept", Value: accept}}}
		resp, err := p.Serve(context.Background(), req)
		if err != nil || resp == nil || resp.StatusCode < 200 || resp.StatusCode > 599 {
			t.Fatalf("Serve() = %v, %v", resp, err)
		}
	})
}

// TestOverridesCarried follows docs/evidence/mapping.md (overrides): what
// a request template leaves in $context.requestOverride and
// $context.responseOverride, arbitrary keys and map-style assignments
// included, reaches the response template and the response, in MOCK and
// AWS integrations alike.
func TestOverridesCarried(t *testing.T) {
	const request = `#set($name = "q")
#set($context.requestOverride.querystring[$name] = "bar")
$context.requestOverride.header.put("X-Put", "put")
#set($context.responseOverride.status = 444)
#set($context.responseOverride.header.foo = "bar")
#set($context.responseOverride.custom = '{"a": [1, 2]}')
$context.responseOverride.put("other", {"k": "v"})
{"statusCode": 200}`
	const response = `#set($c = $util.parseJson($context.responseOverride.custom))
q=$context.requestOverride.querystring.q put=$context.requestOverride.header.X-Put status=$context.responseOverride.status custom=$c.a[1] other=$context.responseOverride.other.k keys=$context.responseOverride.keySet()`
	const want = "q=bar put=put status=444 custom=2 other=v keys=[header, status, custom, other]"
	fn := func(ctx context.Context, payload []byte) ([]byte, error) { return payload, nil }
	for _, typ := range []IntegrationType{TypeMock, TypeAWS} {
		for _, withTemplate := range []bool{true, false} {
			name := fmt.Sprintf("%s/response template %t", typ, withTemplate)
			t.Run(name, func(t *testing.T) {
				ir := IntegrationResponse{StatusCode: 200}
				if withTemplate {
					ir.ResponseTemplates = map[string]string{"application/json": response}
				}
				p := mustPipeline(t, Method{Integration: Integration{Type: typ, Function: fn,
					RequestTemplates: map[string]string{"application/json": request},
					Responses:        []IntegrationResponse{ir}}})
				resp := serve(t, p, &event.Request{Method: "GET"})
				if resp.StatusCode != 444 || resp.Header.Get("foo") != "bar" {
					t.Errorf("response %d foo=%q; want the request template's 444 and foo: bar", resp.StatusCode, resp.Header.Get("foo"))
				}
				if withTemplate && string(resp.Body) != want {
					t.Errorf("response template rendered %q; want %q", resp.Body, want)
				}
			})
		}
	}
}

// TestOverridesResponseTemplateWins checks that a response template that
// sets an override the request template set wins, and that one that does
// not keeps the request template's.
func TestOverridesResponseTemplateWins(t *testing.T) {
	p := mustPipeline(t, Method{Integration: Integration{Type: TypeMock,
		RequestTemplates: map[string]string{"application/json": `#set($context.responseOverride.status = 444)#set($context.responseOverride.header.A = "req")#set($context.responseOverride.header.B = "req"){"statusCode": 200}`},
		Responses: []IntegrationResponse{{StatusCode: 200, ResponseTemplates: map[string]string{
			"application/json": `#set($context.responseOverride.status = 410)#set($context.responseOverride.header.B = "resp")gone`}}}}})
	resp := serve(t, p, &event.Request{Method: "GET"})
	if resp.StatusCode != 410 || resp.Header.Get("A") != "req" || resp.Header.Get("B") != "resp" || string(resp.Body) != "gone" {
		t.Errorf("Serve() = %d A=%q B=%q %q; want 410 A=req B=resp gone", resp.StatusCode, resp.Header.Get("A"), resp.Header.Get("B"), resp.Body)
	}
}

// TestOverrideOnce follows docs/evidence/mapping.md §11: a template that
// overrides the same parameter twice fails, and API Gateway answers a 5XX;
// we answer 500 {"message": "Internal server error"}, as for any template
// that fails. A request template that fails calls no integration.
func TestOverrideOnce(t *testing.T) {
	const (
		once   = `#set($context.responseOverride.status = 201)#set($context.responseOverride.header.X = "a"){"statusCode": 200}`
		twice  = `#set($context.responseOverride.status = 201)#set($context.responseOverride.status = 202){"statusCode": 200}`
		twiceH = `#set($context.responseOverride.header.X = "a")$context.responseOverride.header.put("X", "b")body`
	)
	for _, typ := range []IntegrationType{TypeMock, TypeAWS} {
		for _, tc := range []struct {
			name, request, response string
			status                  int
			called                  bool
		}{
			{"once", once, "", 201, true},
			{"onceEach", once, `#set($context.responseOverride.status = 203)body`, 203, true},
			{"twiceInRequest", twice, "", 500, false},
			{"twiceInResponse", once, twiceH, 500, true},
		} {
			t.Run(fmt.Sprintf("%s/%s", typ, tc.name), func(t *testing.T) {
				called := false
				fn := func(ctx context.Context, payload []byte) ([]byte, error) {
					called = true
					return payload, nil
				}
				ir := IntegrationResponse{StatusCode: 200}
				if tc.response != "" {
					ir.ResponseTemplates = map[string]string{"application/json": tc.response}
				}
				p := mustPipeline(t, Method{Integration: Integration{Type: typ, Function: fn,
					RequestTemplates: map[string]string{"application/json": tc.request},
					Responses:        []IntegrationResponse{ir}}})
				resp := serve(t, p, &event.Request{Method: "GET"})
				if resp.StatusCode != tc.status {
					t.Errorf("Serve() status %d, want %d (body %s)", resp.StatusCode, tc.status, resp.Body)
				}
				if tc.status == 500 && string(resp.Body) != `{"message":"Internal server error"}` {
					t.Errorf("Serve() body %s, want API Gateway's 500 body", resp.Body)
				}
				if typ == TypeAWS && called != tc.called {
					t.Errorf("function called = %t, want %t", called, tc.called)
				}
			})
		}
	}
}
