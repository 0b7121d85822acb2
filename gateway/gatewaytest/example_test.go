package gatewaytest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/response"
)

var hello = lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.Text(200, "hello "+req.PathParameters.Get("name")+" from "+req.RouteKey), nil
})

// t stands in for the *testing.T a test has.
var t = &testing.T{}

// An HTTP API in one call, then requests without opening a port.
func ExampleHTTPAPI() {
	s := gatewaytest.HTTPAPI(t, map[string]lambdagate.Handler{"GET /hello/{name}": hello})
	r := s.Get("/hello/gopher")
	fmt.Println(r.StatusCode, gatewaytest.Body(t, r))
	r = s.Get("/nope")
	fmt.Println(r.StatusCode, gatewaytest.Body(t, r))
	// Output:
	// 200 hello gopher from GET /hello/{name}
	// 404 {"message":"Not Found"}
}

// A REST API answers under its stage, and with 403 elsewhere.
func ExampleREST() {
	s := gatewaytest.REST(t, map[string]lambdagate.Handler{"GET /hello/{name}": hello})
	r := s.Get("/test/hello/gopher")
	fmt.Println(r.StatusCode, r.Header.Get("X-Amzn-Requestid") != "")
	r = s.Get("/hello/gopher")
	fmt.Println(r.StatusCode, gatewaytest.Body(t, r))
	// Output:
	// 200 true
	// 403 {"message":"Missing Authentication Token"}
}

func TestRealClient(t *testing.T) {
	s := gatewaytest.HTTPAPI(t, map[string]lambdagate.Handler{"GET /hello/{name}": hello})
	r, err := s.Client().Get(s.URL() + "/hello/net")
	if err != nil {
		t.Fatal(err)
	}
	if got := gatewaytest.Body(t, r); got != "hello net from GET /hello/{name}" || r.Header.Get("Apigw-Requestid") == "" {
		t.Errorf("GET over loopback = %q %v", got, r.Header)
	}
}

// A WebSocket API: connect over a loopback socket, send a message the
// selection expression routes, and read what the gateway pushes, here
// an answer the function posts back through the Management API.
func ExampleWebSocket() {
	var s *gatewaytest.Server
	reply := lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		err := s.Connections(req.Stage).Post(ctx, req.Context.ConnectionID, []byte("you said "+string(req.Body)))
		return response.Text(200, ""), err
	})
	s = gatewaytest.WebSocket(t, map[string]lambdagate.Handler{"sendmessage": reply})
	c := s.Dial("/prod")
	c.Send(`{"action":"sendmessage"}`)
	fmt.Println(c.Receive())
	c.Send(`{"action":"other"}`) // no route and no $default
	fmt.Println(c.Receive()[:25])
	// Output:
	// you said {"action":"sendmessage"}
	// {"message": "Forbidden",
}
