package openapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/mapping/model"
	"github.com/lambdagate/lambdagate/openapi"
	"github.com/lambdagate/lambdagate/response"
)

// benchFunction answers custom integrations with their payload.
type benchFunction struct{}

func (benchFunction) Invoke(ctx context.Context, payload []byte) ([]byte, error) { return payload, nil }

// goAPI builds in Go the API that generated(n) defines: n Lambda custom
// integrations with a request and a response template, a validator of
// parameters and body, and n models.
func goAPI(n int) gateway.API {
	sources := map[string]string{}
	for i := range n {
		sources[fmt.Sprintf("M%d", i)] = `{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"array","items":{"type":"string"}}}}}}`
	}
	models, err := model.Compile(sources)
	if err != nil {
		panic(err)
	}
	fn := benchFunction{}
	api := gateway.API{Kind: event.REST}
	for i := range n {
		key := fmt.Sprintf("GET /r%d/{id}", i)
		p := mapping.MustPipeline(mapping.Method{
			Name:              key,
			RequestValidator:  mapping.RequestValidator{ValidateRequestBody: true, ValidateRequestParameters: true},
			RequestParameters: map[string]bool{"method.request.path.id": true, "method.request.querystring.q": true},
			Models:            models,
			Integration: mapping.Integration{Type: mapping.TypeAWS, Function: fn.Invoke,
				RequestTemplates: map[string]string{"application/json": fmt.Sprintf(`{"id":"$input.params('id')","n":%d}`, i)},
				Responses: []mapping.IntegrationResponse{
					{StatusCode: 200, ResponseTemplates: map[string]string{"application/json": "#set($r=$input.path('$'))$r.id"}},
					{StatusCode: 400, SelectionPattern: `4\d{2}.*`},
				}},
		})
		api.Routes = append(api.Routes, gateway.Route{Key: key, Integration: gateway.Direct{Handler: p}})
	}
	return api
}

// proxyDefinition and proxyAPI are n Lambda proxy routes, as JSON and in Go.
func proxyDefinition(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"openapi":"3.0.1","info":{"title":"gen","version":"1"},"paths":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"/r%d/{id}":{"get":{"x-amazon-apigateway-integration":{"type":"aws_proxy","httpMethod":"POST","uri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations"}}}`, i)
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

var okHandler = handler.NewAdapter(handler.Func(func(context.Context, *event.Request) (*response.Response, error) {
	return response.JSON(200, "ok")
}))

func proxyAPI(n int) gateway.API {
	api := gateway.API{Kind: event.REST}
	for i := range n {
		api.Routes = append(api.Routes, gateway.Route{Key: fmt.Sprintf("GET /r%d/{id}", i), Integration: gateway.Proxy{Function: okHandler}})
	}
	return api
}

// serveFirst serves the first request of a cold start.
func serveFirst(b *testing.B, g http.Handler, target string) {
	w := httptest.NewRecorder()
	g.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	if w.Code != 200 {
		b.Fatalf("GET %s = %d %s", target, w.Code, w.Body)
	}
}

// BenchmarkColdStart compares, for a 200-route REST API, importing its
// definition and serving the first request with building the same
// gateway.API in Go and serving it: custom integrations with templates,
// validators and models ("custom"), and Lambda proxy integrations alone
// ("proxy"). The target is import at most 2x Go.
func BenchmarkColdStart(b *testing.B) {
	const n = 200
	custom, proxy := generated(n), proxyDefinition(n)
	const target = "/prod/r199/7?q=x"
	b.Run("custom/go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serveFirst(b, gateway.MustNew(goAPI(n)), target)
		}
	})
	b.Run("custom/import", func(b *testing.B) {
		b.ReportAllocs()
		opts := openapi.Options{AnyFunction: benchFunction{}}
		for b.Loop() {
			res, err := openapi.Import(custom, opts)
			if err != nil {
				b.Fatal(err)
			}
			serveFirst(b, res.Gateway, target)
		}
	})
	b.Run("proxy/go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serveFirst(b, gateway.MustNew(proxyAPI(n)), target)
		}
	})
	b.Run("proxy/import", func(b *testing.B) {
		b.ReportAllocs()
		opts := openapi.Options{AnyFunction: okHandler}
		for b.Loop() {
			res, err := openapi.Import(proxy, opts)
			if err != nil {
				b.Fatal(err)
			}
			serveFirst(b, res.Gateway, target)
		}
	})
}
