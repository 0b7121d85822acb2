package bench

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/nethttp"
)

// httpAdapterPayloads are aws-lambda-go's own sample events, one per
// payload shape.
var httpAdapterPayloads = []struct{ name, file string }{
	{"v1", "apigw-request.json"},
	{"v2", "apigw-v2-request-no-authorizer.json"},
	{"alb", "alb-lambda-target-request-multivalue-headers.json"},
}

// apiProxyHTTPHandler is aws-lambda-go-api-proxy's httpadapter around the
// same http.Handler, for each payload shape.
func apiProxyHTTPHandler(name string) lambda.Handler {
	switch name {
	case "v2":
		a := httpadapter.NewV2(jsonHTTPHandler())
		return lambda.NewHandler(func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			return a.ProxyWithContext(ctx, req)
		})
	case "alb":
		a := httpadapter.NewALB(jsonHTTPHandler())
		return lambda.NewHandler(func(ctx context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
			return a.ProxyWithContext(ctx, req)
		})
	}
	a := httpadapter.New(jsonHTTPHandler())
	return lambda.NewHandler(func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return a.ProxyWithContext(ctx, req)
	})
}

// BenchmarkHTTPAdapter measures an http.Handler writing a small JSON body
// behind each source, payload bytes in to output bytes out, as the Lambda
// runtime drives it.
func BenchmarkHTTPAdapter(b *testing.B) {
	for _, p := range httpAdapterPayloads {
		payload := mustRead(b, p.file)
		for _, impl := range []struct {
			name string
			h    lambda.Handler
		}{
			{"lambdagate", lambdagate.NewAdapter(nethttp.Wrap(jsonHTTPHandler()))},
			{"apiproxy", apiProxyHTTPHandler(p.name)},
		} {
			b.Run(p.name+"/"+impl.name, func(b *testing.B) { benchInvoke(b, impl.h, payload) })
		}
	}
}
