package gateway_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// An OutputReader shows what a client gets for a function's output: here
// a REST API refusing an output with an unknown member.
func ExampleOutputReader_Read() {
	rest := gateway.OutputReader{Kind: event.REST}
	r, err := rest.Read([]byte(`{"statusCode":200,"body":"hi","extra":true}`), false)
	fmt.Println(r.Status(), r.Header.Get("x-amzn-ErrorType"), string(r.Body), err)
	// Output: 502 InternalServerErrorException {"message":"Internal server error"} gateway: output the gateway cannot read
}

// A stage logs each request in API Gateway's access log format: here the
// status, method, resource and response length, after the request id
// (which the example leaves out of its output, as it differs each run).
func ExampleAccessLog() {
	fn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.Text(200, "pet "+req.PathParameters.Get("id")), nil
	})
	g := gateway.MustNew(gateway.API{Kind: event.REST,
		Stages: []gateway.Stage{{Name: "prod", AccessLog: gateway.AccessLog{
			Format: "$context.requestId $context.status $context.httpMethod $context.resourcePath $context.responseLength",
			Writer: afterFirstField{os.Stdout},
		}}},
		Routes: []gateway.Route{{Key: "GET /pets/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}}},
	})
	for _, target := range []string{"/prod/pets/7", "/prod/cats"} {
		resp, _ := g.RoundTrip(httptest.NewRequest("GET", target, nil))
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// Output:
	// 200 GET /pets/{id} 5
	// 403 GET - 42
}

// afterFirstField writes each line without its first field.
type afterFirstField struct{ w io.Writer }

func (a afterFirstField) Write(p []byte) (int, error) {
	_, rest, _ := strings.Cut(string(p), " ")
	io.WriteString(a.w, rest)
	return len(p), nil
}
