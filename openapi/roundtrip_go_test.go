package openapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/mapping/model"
	"github.com/lambdagate/lambdagate/openapi"
)

// jsonBackend answers every request with its method, path, query and a
// header, on loopback.
func jsonBackend(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(503)
		}
		json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.EscapedPath(), "query": r.URL.RawQuery, "x": r.Header.Get("X-Mapped")})
	}))
	t.Cleanup(s.Close)
	return s
}

// TestRoundTripGoREST builds a REST API in Go with every integration type,
// exports it and imports the export: both answer every request alike.
func TestRoundTripGoREST(t *testing.T) {
	be := jsonBackend(t)
	fn := newItems()
	models, err := model.Compile(map[string]string{"Item": `{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}`})
	if err != nil {
		t.Fatal(err)
	}
	min := 10
	api := gateway.API{
		Kind:                   event.REST,
		Stages:                 []gateway.Stage{{Name: "v1", Variables: map[string]string{"host": strings.TrimPrefix(be.URL, "http://")}}},
		BinaryMediaTypes:       []string{"image/png"},
		MinimumCompressionSize: &min,
		GatewayResponses: map[gateway.ResponseType]gateway.GatewayResponse{
			gateway.ResponseMissingAuthenticationToken: {StatusCode: 404, ResponseParameters: map[string]string{"gatewayresponse.header.X-Why": "'no route'"},
				ResponseTemplates: map[string]string{"application/json": `{"why":$context.error.messageString}`}},
		},
		Routes: []gateway.Route{
			{Key: "ANY /proxy/{proxy+}", Integration: gateway.Proxy{Function: fn, Timeout: 5 * time.Second}},
			{Key: "POST /items", Integration: gateway.Direct{Handler: mapping.MustPipeline(mapping.Method{
				Name:             "POST /items",
				RequestValidator: mapping.RequestValidator{ValidateRequestBody: true},
				RequestModels:    map[string]string{"application/json": "Item"},
				Models:           models,
				Integration: mapping.Integration{Type: mapping.TypeAWS, Function: fn.Invoke,
					RequestTemplates: map[string]string{"application/json": `{"id": "$input.path('$.name')"}`},
					Responses: []mapping.IntegrationResponse{
						{StatusCode: 201, ResponseParameters: map[string]string{"method.response.header.X-Id": "integration.response.body.id"}},
						{StatusCode: 404, SelectionPattern: "not found.*"},
					}},
			})}},
			{Key: "GET /mock", Integration: gateway.Direct{Handler: mapping.MustPipeline(mapping.Method{
				Name: "GET /mock",
				Integration: mapping.Integration{Type: mapping.TypeMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
					Responses: []mapping.IntegrationResponse{{StatusCode: 200, ResponseTemplates: map[string]string{"application/json": `{"stage": "$context.stage"}`}}}},
			})}},
			{Key: "GET /custom/{id}", Integration: gateway.Direct{Handler: mapping.MustPipeline(mapping.Method{
				Name:              "GET /custom/{id}",
				RequestValidator:  mapping.RequestValidator{ValidateRequestParameters: true},
				RequestParameters: map[string]bool{"method.request.querystring.q": true},
				Integration: mapping.Integration{Type: mapping.TypeHTTP, Backend: gateway.HTTPBackend{URL: be.URL}, HTTPMethod: "GET", Path: "/things/{thing}",
					RequestParameters: map[string]string{"integration.request.path.thing": "method.request.path.id", "integration.request.header.X-Mapped": "method.request.querystring.q"},
					Responses:         []mapping.IntegrationResponse{{StatusCode: 200}, {StatusCode: 502, SelectionPattern: "5\\d{2}"}}},
			})}},
			{Key: "GET /http/{p+}", Integration: gateway.HTTP{URI: be.URL + "/base/{p}", RequestParameters: map[string]string{"integration.request.path.p": "method.request.path.p"}}},
			{Key: "GET /staged", Integration: gateway.StageURI{URI: "http://${stageVariables.host}/staged", Integration: func(uri string) (gateway.Integration, error) {
				return gateway.HTTP{URI: uri}, nil
			}}},
		},
	}
	doc, err := openapi.Export(api, openapi.ExportOptions{Function: "items"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := openapi.Import(doc, openapi.Options{Name: "export", Functions: map[string]handler.Invoker{"items": fn}})
	if err != nil {
		t.Fatalf("Import(Export(api)): %v\n%s", err, doc)
	}
	sameAnswers(t, gateway.MustNew(api), res.Gateway, []exchange{
		{"PATCH", "/v1/proxy/a/b", "", nil},
		{"POST", "/v1/items", `{"name":"7"}`, []string{"Content-Type", "application/json"}},
		{"POST", "/v1/items", `{"name":"0"}`, []string{"Content-Type", "application/json"}},
		{"POST", "/v1/items", `{}`, []string{"Content-Type", "application/json"}},
		{"GET", "/v1/mock", "", nil},
		{"GET", "/v1/custom/9?q=z", "", nil},
		{"GET", "/v1/custom/9", "", nil},
		{"GET", "/v1/custom/9?q=z&fail=1", "", nil},
		{"GET", "/v1/http/x/y?k=v", "", nil},
		{"GET", "/v1/staged", "", nil},
		{"GET", "/v1/nowhere", "", nil},
		{"GET", "/v1/http/x/y?k=" + strings.Repeat("v", 20), "", []string{"Accept-Encoding", "gzip"}},
	}, "X-Id", "X-Why", "Content-Encoding", "x-amzn-ErrorType")
}

// TestRoundTripGoHTTPAPI does the same for an HTTP API: Lambda proxy
// integrations of both payload versions, an HTTP proxy with parameter
// mapping, $default and CORS.
func TestRoundTripGoHTTPAPI(t *testing.T) {
	be := jsonBackend(t)
	api := gateway.API{
		Stages: []gateway.Stage{{Name: "$default", Variables: map[string]string{"v": "1"}}},
		CORS:   &cors.Config{AllowOrigins: []string{"https://a.example"}, AllowMethods: []string{"GET"}, MaxAge: 60},
		Routes: []gateway.Route{
			{Key: "GET /v2/{id}", Integration: gateway.Proxy{Function: named("f")}},
			{Key: "GET /v1/{id}", Integration: gateway.Proxy{Function: named("f"), PayloadVersion: event.PayloadV1}},
			{Key: "ANY /b/{proxy+}", Integration: gateway.HTTP{URI: be.URL + "/{proxy}",
				RequestParameters:  map[string]string{"overwrite:header.X-Mapped": "$stageVariables.v-$request.querystring.q"},
				ResponseParameters: map[string]map[string]string{"503": {"overwrite:statuscode": "200"}}}},
			{Key: "$default", Integration: gateway.Proxy{Function: named("d")}},
		},
	}
	doc, err := openapi.Export(api, openapi.ExportOptions{Function: "f", Functions: map[string]string{"$default": "d"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := openapi.Import(doc, openapi.Options{Name: "export", Functions: map[string]handler.Invoker{"f": named("f"), "d": named("d")}})
	if err != nil {
		t.Fatalf("Import(Export(api)): %v\n%s", err, doc)
	}
	if res.API.Kind != event.HTTPAPI {
		t.Fatalf("kind = %v", res.API.Kind)
	}
	sameAnswers(t, gateway.MustNew(api), res.Gateway, []exchange{
		{"GET", "/v2/1", "", nil},
		{"GET", "/v1/1", "", nil},
		{"PUT", "/b/x?q=2", "", []string{"Origin", "https://a.example"}},
		{"GET", "/b/x?q=2&fail=1", "", nil},
		{"OPTIONS", "/v2/1", "", []string{"Origin", "https://a.example", "Access-Control-Request-Method", "GET"}},
		{"GET", "/elsewhere", "", nil},
	}, "Access-Control-Allow-Origin", "Access-Control-Max-Age")
}

// TestExportErrors checks that an API Export cannot describe is refused,
// every route named.
func TestExportErrors(t *testing.T) {
	api := gateway.API{Kind: event.REST, Routes: []gateway.Route{
		{Key: "GET /a", Integration: gateway.Direct{Handler: handler.Func(nil)}},
		{Key: "GET /b", Integration: gateway.Proxy{Function: named("b")}},
	}}
	_, err := openapi.Export(api, openapi.ExportOptions{})
	if err == nil || !strings.Contains(err.Error(), `route "GET /a": a Direct integration`) || !strings.Contains(err.Error(), `route "GET /b": name its Lambda function`) {
		t.Errorf("Export = %v", err)
	}
	if _, err := openapi.Export(gateway.API{Kind: event.ALB}, openapi.ExportOptions{}); err == nil {
		t.Error("Export of an ALB API succeeded")
	}
}
