package bench

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// smallJSON is the body every handler in these benchmarks returns.
const smallJSON = `{"message":"hello","id":42}`

func mustRead(b *testing.B, name string) []byte {
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// invokePayloads are aws-lambda-go's own sample events.
var invokePayloads = []struct{ name, file string }{
	{"v1", "apigw-request.json"},
	{"v2", "apigw-v2-request-no-authorizer.json"},
}

func lambdagateHandler() lambda.Handler {
	body := []byte(smallJSON)
	return lambdagate.NewAdapter(lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.RawJSON(http.StatusOK, body), nil
	}))
}

func awsLambdaGoHandler(version string) lambda.Handler {
	if version == "v1" {
		return lambda.NewHandler(func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
			return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: smallJSON}, nil
		})
	}
	return lambda.NewHandler(func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: smallJSON}, nil
	})
}

func jsonHTTPHandler() http.Handler {
	body := []byte(smallJSON)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
}

// BenchmarkInvoke measures the whole invoke path, payload bytes in to
// output bytes out, as the Lambda runtime drives it.
func BenchmarkInvoke(b *testing.B) {
	for _, p := range invokePayloads {
		payload := mustRead(b, p.file)
		for _, impl := range []struct {
			name string
			h    lambda.Handler
		}{
			{"lambdagate", lambdagateHandler()},
			{"awslambdago", awsLambdaGoHandler(p.name)},
			{"apiproxy", apiProxyHTTPHandler(p.name)},
		} {
			b.Run(p.name+"/"+impl.name, func(b *testing.B) { benchInvoke(b, impl.h, payload) })
		}
	}
}

// benchInvoke measures h on payload, bytes in to bytes out, after checking
// that it answers.
func benchInvoke(b *testing.B, h lambda.Handler, payload []byte) {
	ctx := context.Background()
	if out, err := h.Invoke(ctx, payload); err != nil || len(out) == 0 {
		b.Fatalf("Invoke = %q, %v", out, err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := h.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}
