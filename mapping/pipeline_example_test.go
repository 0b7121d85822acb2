package mapping_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/mapping/model"
)

// A Lambda custom integration: the request template builds the function's
// input from the query string, a selection pattern maps the function's
// error to 400, and the response template shapes the result.
func ExampleNewPipeline() {
	greet := func(ctx context.Context, payload []byte) ([]byte, error) {
		if string(payload) == `{"name": ""}` {
			return nil, errors.New("Invalid name")
		}
		return []byte(`{"greeting": "hello"}`), nil
	}
	p, err := mapping.NewPipeline(mapping.Method{
		Name: "GET /greet",
		Integration: mapping.Integration{
			Type:             mapping.TypeAWS,
			Function:         greet,
			RequestTemplates: map[string]string{"application/json": `{"name": "$input.params('name')"}`},
			Responses: []mapping.IntegrationResponse{
				{StatusCode: 200, ResponseTemplates: map[string]string{
					"application/json": `#set($r = $input.path('$')){"message": "$r.greeting, $input.params('name')"}`,
				}},
				{StatusCode: 400, SelectionPattern: "Invalid.*", ResponseTemplates: map[string]string{
					"application/json": `{"error": "$input.path('$.errorMessage')"}`,
				}},
			},
		},
	})
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"Ann", ""} {
		resp, _ := p.Serve(context.Background(), &event.Request{Method: "GET", Query: event.Params{{Name: "name", Value: name}}})
		fmt.Println(resp.StatusCode, string(resp.Body))
	}
	// Output:
	// 200 {"message": "hello, Ann"}
	// 400 {"error": "Invalid name"}
}

// Request validation alone, with a model: API Gateway's exact 400s.
func ExampleNewRequestValidation() {
	models, err := model.Compile(map[string]string{
		"Pet": `{"type": "object", "required": ["type"], "properties": {"type": {"enum": ["dog", "cat"]}}}`,
	})
	if err != nil {
		panic(err)
	}
	v, err := mapping.NewRequestValidation(
		mapping.RequestValidator{ValidateRequestBody: true, ValidateRequestParameters: true},
		map[string]bool{"method.request.header.h1": true, "method.request.querystring.q1": true},
		map[string]string{"application/json": "Pet"},
		models)
	if err != nil {
		panic(err)
	}
	for _, req := range []*event.Request{
		{Body: []byte(`{"type": "dog"}`)},
		{Header: event.Header{{Name: "h1", Value: "v"}}, Query: event.Params{{Name: "q1", Value: "x"}}, Body: []byte(`{"type": "bird"}`)},
	} {
		if verr := v.Check(req); verr != nil {
			resp := verr.Response()
			fmt.Println(resp.StatusCode, string(resp.Body))
		}
	}
	// Output:
	// 400 {"message":"Missing required request parameters: [h1, q1]"}
	// 400 {"message":"Invalid request body"}
}
