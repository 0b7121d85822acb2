package lambdagate_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// hello is the handler of the examples: it greets the name in the query.
func hello(ctx context.Context, req *event.Request) (*response.Response, error) {
	name := req.Query.Get("name")
	if name == "" {
		return response.Error(http.StatusBadRequest, "name is required"), nil
	}
	return response.JSON(http.StatusOK, map[string]string{"greeting": "hello " + name})
}

// A handler unit test needs no AWS and no JSON: fabricate the event the
// source would send and call the handler.
func Example_unitTest() {
	req := event.New(event.HTTPAPI, "GET", "/hello?name=gopher", nil)
	resp, err := lambdagate.HandlerFunc(hello).Serve(context.Background(), req)
	fmt.Println(resp.Status(), string(resp.Body), err)
	// Output: 200 {"greeting":"hello gopher"} <nil>
}

// The Adapter is the bytes path a deployed function runs: event JSON in,
// output JSON out, shaped for the source that sent the event.
func ExampleAdapter_Invoke() {
	payload, _ := event.New(event.REST, "GET", "/hello", nil).MarshalJSON()
	out, err := lambdagate.NewAdapter(lambdagate.HandlerFunc(hello)).Invoke(context.Background(), payload)
	fmt.Println(string(out), err)
	// Output: {"statusCode":400,"multiValueHeaders":{"Content-Type":["application/json"]},"body":"{\"message\":\"name is required\"}","isBase64Encoded":false} <nil>
}

// Start runs the handler in Lambda, and serves it locally anywhere else:
// go run . then curl http://127.0.0.1:8080/hello?name=you.
func ExampleStart() {
	lambdagate.Start(lambdagate.HandlerFunc(hello))
}

// Middleware wraps handlers; Chain applies the first one outermost.
func ExampleChain() {
	logged := func(next lambdagate.Handler) lambdagate.Handler {
		return lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
			resp, err := next.Serve(ctx, req)
			fmt.Println(req.Method, req.Path, resp.Status())
			return resp, err
		})
	}
	h := lambdagate.Chain(lambdagate.HandlerFunc(hello), logged)
	h.Serve(context.Background(), event.New(event.REST, "GET", "/hello?name=x", nil))
	// Output: GET /hello 200
}
