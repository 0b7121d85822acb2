package mapping

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping/model"
)

// guideModels are the models of the developer guide's request validation
// sample API ("ReqValidators Sample": RequestBodyModel) and of the Calc
// tutorial (Input, Output, Result), verbatim, shared with package model's
// tests.
func guideModels(tb testing.TB, names ...string) map[string]string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("model", "testdata", "guide-models.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var all map[string]string
	if err := json.Unmarshal(b, &all); err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		out[n] = all[n]
	}
	return out
}

func mustModels(tb testing.TB, m map[string]string) *model.Set {
	tb.Helper()
	models, err := model.Compile(m)
	if err != nil {
		tb.Fatal(err)
	}
	return models
}

func TestRequestValidation(t *testing.T) {
	models := mustModels(t, guideModels(t, "RequestBodyModel"))
	params := map[string]bool{
		"method.request.header.h1":             true,
		"method.request.header.x-header-param": true,
		"method.request.path.issuer":           true,
		"method.request.querystring.qs1":       true,
		"method.request.querystring.q1":        true,
		"method.request.querystring.opt":       false,
	}
	all := RequestValidator{ValidateRequestBody: true, ValidateRequestParameters: true}
	allParams := event.Header{{Name: "h1", Value: "v1"}, {Name: "X-Header-Param", Value: "x"}, {Name: "Content-Type", Value: "application/json"}}
	okQuery := event.Params{{Name: "qs1", Value: "1"}, {Name: "q1", Value: "cat"}}
	okPath := event.Params{{Name: "issuer", Value: "me"}}
	goodBody := `{"name" : "Marco", "type" : "dog", "price" : 260}`
	for _, tt := range []struct {
		name      string
		validator RequestValidator
		header    event.Header
		path      event.Params
		query     event.Params
		body      string
		want      string // response body; "" means the request passes
	}{
		{"all valid", all, allParams, okPath, okQuery, goodBody, ""},
		{"all missing, header path querystring order", all, nil, nil, nil, goodBody,
			`{"message":"Missing required request parameters: [h1, x-header-param, issuer, q1, qs1]"}`},
		{"blank query value is missing", all, allParams, okPath, event.Params{{Name: "qs1", Value: "1"}, {Name: "q1", Value: ""}}, goodBody,
			`{"message":"Missing required request parameters: [q1]"}`},
		{"white space is blank", all, allParams, okPath, event.Params{{Name: "qs1", Value: " \t"}, {Name: "q1", Value: "cat"}}, goodBody,
			`{"message":"Missing required request parameters: [qs1]"}`},
		{"one non-blank value of several is enough", all, allParams, okPath, event.Params{{Name: "qs1", Value: ""}, {Name: "qs1", Value: "x"}, {Name: "q1", Value: "cat"}}, goodBody, ""},
		{"header names are case-insensitive", all, event.Header{{Name: "H1", Value: "v"}, {Name: "x-header-param", Value: "x"}}, okPath, okQuery, goodBody, ""},
		{"query names are case-sensitive", all, allParams, okPath, event.Params{{Name: "QS1", Value: "1"}, {Name: "q1", Value: "cat"}}, goodBody,
			`{"message":"Missing required request parameters: [qs1]"}`},
		{"blank header is missing", all, event.Header{{Name: "h1", Value: ""}, {Name: "x-header-param", Value: "x"}}, okPath, okQuery, goodBody,
			`{"message":"Missing required request parameters: [h1]"}`},
		{"parameters before body", all, nil, okPath, okQuery, `{"type":"bird"}`,
			`{"message":"Missing required request parameters: [h1, x-header-param]"}`},
		{"bad enum", all, allParams, okPath, okQuery, `{"name" : "Molly", "type" : "bird", "price" : 269}`, `{"message":"Invalid request body"}`},
		{"price too high", all, allParams, okPath, okQuery, `{"name" : "Molly", "type" : "dog", "price" : 501}`, `{"message":"Invalid request body"}`},
		{"empty body is validated", all, allParams, okPath, okQuery, ``, `{"message":"Invalid request body"}`},
		{"unparsable body", all, allParams, okPath, okQuery, `{"name":`, `{"message":"Invalid request body"}`},
		{"no Content-Type means application/json", all, event.Header{{Name: "h1", Value: "v1"}, {Name: "x-header-param", Value: "x"}}, okPath, okQuery, `{}`, `{"message":"Invalid request body"}`},
		{"Content-Type parameters and case are ignored", all, event.Header{{Name: "h1", Value: "v1"}, {Name: "x-header-param", Value: "x"}, {Name: "content-type", Value: "Application/JSON; charset=utf-8"}}, okPath, okQuery, `{}`, `{"message":"Invalid request body"}`},
		{"no model for the media type passes", all, event.Header{{Name: "h1", Value: "v1"}, {Name: "x-header-param", Value: "x"}, {Name: "Content-Type", Value: "application/xml"}}, okPath, okQuery, `<pet/>`, ""},
		{"params only ignores the body", RequestValidator{ValidateRequestParameters: true}, allParams, okPath, okQuery, `{}`, ""},
		{"body only ignores parameters", RequestValidator{ValidateRequestBody: true}, nil, nil, nil, goodBody, ""},
		{"body only checks the body", RequestValidator{ValidateRequestBody: true}, nil, nil, nil, `{}`, `{"message":"Invalid request body"}`},
		{"no validator", RequestValidator{}, nil, nil, nil, `{}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewRequestValidation(tt.validator, params, map[string]string{"application/json": "RequestBodyModel"}, models)
			if err != nil {
				t.Fatal(err)
			}
			req := &event.Request{Header: tt.header, PathParameters: tt.path, Query: tt.query, Body: []byte(tt.body)}
			verr := v.Check(req)
			if tt.want == "" {
				if verr != nil {
					t.Fatalf("Check() = %v (%s), want nil", verr, verr.Detail)
				}
				return
			}
			if verr == nil {
				t.Fatalf("Check() = nil, want %s", tt.want)
			}
			resp := verr.Response()
			if got := string(resp.Body); resp.StatusCode != 400 || got != tt.want {
				t.Errorf("Check().Response() = %d %s, want 400 %s", resp.StatusCode, got, tt.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			wantType := BadRequestBody
			if strings.Contains(tt.want, "Missing") {
				wantType = BadRequestParameters
			}
			if verr.ResponseType != wantType {
				t.Errorf("ResponseType = %q, want %q", verr.ResponseType, wantType)
			}
		})
	}
}

func TestNewRequestValidationErrors(t *testing.T) {
	models := mustModels(t, map[string]string{"A": `{}`})
	for _, tt := range []struct {
		params map[string]bool
		rm     map[string]string
		want   string
	}{
		{map[string]bool{"method.request.cookie.a": true}, nil, `invalid request parameter "method.request.cookie.a"`},
		{map[string]bool{"querystring.a": true}, nil, `invalid request parameter "querystring.a"`},
		{map[string]bool{"method.request.header.": true}, nil, `invalid request parameter "method.request.header."`},
		{nil, map[string]string{"application/json": "B"}, `request model "B" for "application/json" is not defined`},
	} {
		_, err := NewRequestValidation(RequestValidator{true, true}, tt.params, tt.rm, models)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewRequestValidation(%v, %v) error = %v, want %q", tt.params, tt.rm, err, tt.want)
		}
	}
}

func TestRequestValidationNil(t *testing.T) {
	var v *RequestValidation
	if err := v.Check(&event.Request{}); err != nil {
		t.Errorf("nil RequestValidation Check() = %v, want nil", err)
	}
}
