package route_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// show is a handler that answers with the route key and path parameters
// the router set on the request.
var show = handler.Func(func(_ context.Context, req *event.Request) (*response.Response, error) {
	return response.Text(200, fmt.Sprintf("%s %v", req.RouteKey+req.Resource, req.PathParameters.Map())), nil
})

func serve(r *route.Router, method, path string) {
	res, _ := r.Serve(context.Background(), &event.Request{Method: method, Path: path})
	fmt.Printf("%s %s -> %d %s\n", method, path, res.StatusCode, res.Body)
}

// An HTTP API router takes the most specific route, whatever the order of
// registration: this is the worked example of the API Gateway docs.
func ExampleRouter() {
	r := route.New(route.Config{Source: event.HTTPAPI})
	r.Handle("$default", show)
	r.Handle("ANY /{proxy+}", show)
	r.Handle("GET /pets/{proxy+}", show)
	r.Handle("GET /pets/dog/{id}", show)
	r.Handle("GET /pets/dog/1", show)

	serve(r, "GET", "/pets/dog/1")
	serve(r, "GET", "/pets/dog/2")
	serve(r, "GET", "/pets/cat/1")
	serve(r, "POST", "/test/5")
	serve(r, "GET", "/")
	// Output:
	// GET /pets/dog/1 -> 200 GET /pets/dog/1 map[]
	// GET /pets/dog/2 -> 200 GET /pets/dog/{id} map[id:2]
	// GET /pets/cat/1 -> 200 GET /pets/{proxy+} map[proxy:cat/1]
	// POST /test/5 -> 200 ANY /{proxy+} map[proxy:test/5]
	// GET / -> 200 $default map[]
}

// A REST API router searches the resource tree depth first and backtracks
// when a resource lacks the method; it answers 403 where an HTTP API
// answers 404, and sets the resource path on the request.
func ExampleRouter_rest() {
	r := route.New(route.Config{Source: event.REST})
	r.Handle("POST /test", show)
	r.Handle("OPTIONS /{proxy+}", show)

	serve(r, "POST", "/test/")
	serve(r, "OPTIONS", "/test")
	serve(r, "GET", "/test")
	// Output:
	// POST /test/ -> 200 /test map[]
	// OPTIONS /test -> 200 /{proxy+} map[proxy:test]
	// GET /test -> 403 {"message":"Missing Authentication Token"}
}

// Lookup tells which route would take a request, without calling it.
func ExampleRouter_Lookup() {
	r := route.New(route.Config{})
	r.Handle("GET /pets/{id}", show)
	r.Handle("ANY /pets/{id}", show)

	fmt.Println(r.Lookup("GET", "/pets/1"))
	fmt.Println(r.Lookup("DELETE", "/pets/1"))
	fmt.Println(r.Lookup("GET", "/pets"))
	// Output:
	// GET /pets/{id} true
	// ANY /pets/{id} true
	//  false
}

// A greedy variable does not take the root path: an API that sends every
// request to one function needs a route for "/" too (or, for HTTP APIs,
// $default).
func ExampleRouter_Lookup_incorrect() {
	r := route.New(route.Config{})
	r.Handle("ANY /{proxy+}", show)
	fmt.Println(r.Lookup("GET", "/"))

	r.Handle("ANY /", show)
	fmt.Println(r.Lookup("GET", "/"))
	// Output:
	//  false
	// ANY / true
}

// Conflicting routes are refused when the second is registered; the error
// names both, where each was registered (file:line), and a request both
// would take.
func ExampleRouter_Register() {
	r := route.New(route.Config{})
	_ = r.Register("GET /pets/{id}", show)
	err := r.Register("GET /pets/<name>", show)

	var ce *route.ConflictError
	if errors.As(err, &ce) {
		fmt.Printf("%s conflicts with %s: %s\n", ce.Route, ce.Existing, ce.Reason)
		fmt.Println(ce.Example)
	}
	// Output:
	// GET /pets/{name} conflicts with GET /pets/{id}: both match the same requests, like "GET /pets/name"
	// GET /pets/name
}

// Groups share a path prefix and middleware.
func ExampleRouter_Group() {
	r := route.New(route.Config{})
	v1 := r.Group("/v1")
	v1.Handle("GET /", show)
	v1.Handle("GET /users/{id}", show)
	fmt.Print(r)
	// Output:
	// METHOD  PATH            PARAMETERS
	// GET     /v1
	// GET     /v1/users/{id}  id
}

// A WebSocket router selects the route of each message with the API's
// route selection expression; messages that select no route, or are not
// JSON, go to $default.
func ExampleWebSocketRouter() {
	w, err := route.NewWebSocket("$request.body.action")
	if err != nil {
		panic(err)
	}
	w.Handle("$connect", show)
	w.Handle("join", show)
	w.Handle("$default", show)

	for _, body := range []string{`{"action":"join"}`, `{"action":"leave"}`, `hello`} {
		req := &event.Request{Body: []byte(body), Context: event.Context{EventType: "MESSAGE"}}
		key, _ := w.Select(req)
		fmt.Printf("%s -> %s\n", body, key)
	}
	// Output:
	// {"action":"join"} -> join
	// {"action":"leave"} -> $default
	// hello -> $default
}
