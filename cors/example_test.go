package cors_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

func printResponse(r *response.Response) {
	fmt.Println(r.Status())
	for _, f := range r.Header {
		fmt.Printf("%s: %s\n", f.Name, f.Value)
	}
}

// A function behind an API without CORS configured answers preflights
// itself. The middleware answers them as an HTTP API would, and sets the
// CORS headers of every other response.
func ExampleCORS_Middleware() {
	c, err := cors.New(cors.Config{
		AllowOrigins:  []string{"https://app.example.com"},
		AllowMethods:  []string{"GET", "PUT"},
		AllowHeaders:  []string{"content-type"},
		ExposeHeaders: []string{"x-request-id"},
		MaxAge:        300,
	})
	if err != nil {
		panic(err)
	}
	app := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		r := response.Text(http.StatusOK, "hello")
		r.Header.Add("X-Request-Id", "42")
		return r, nil
	})
	h := handler.Chain(app, c.Middleware)

	preflight := &event.Request{Method: "OPTIONS", Path: "/items", Header: event.Header{
		{Name: "origin", Value: "https://app.example.com"},
		{Name: "access-control-request-method", Value: "PUT"},
	}}
	resp, _ := h.Serve(context.Background(), preflight)
	printResponse(resp)

	fmt.Println()
	get := &event.Request{Method: "GET", Path: "/items", Header: event.Header{
		{Name: "origin", Value: "https://app.example.com"},
	}}
	resp, _ = h.Serve(context.Background(), get)
	printResponse(resp)
	// Output:
	// 204
	// access-control-allow-origin: https://app.example.com
	// access-control-allow-methods: GET,PUT
	// access-control-allow-headers: content-type
	// access-control-max-age: 300
	// vary: Origin
	//
	// 200
	// Content-Type: text/plain; charset=utf-8
	// X-Request-Id: 42
	// access-control-allow-origin: https://app.example.com
	// access-control-expose-headers: x-request-id
	// vary: Origin
}

// The same stage for a net/http server.
func ExampleCORS_HTTPMiddleware() {
	c := cors.MustNew(cors.Config{AllowOrigins: []string{"https://*.example.com"}, AllowCredentials: true})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*") // ignored, as API Gateway ignores it
		fmt.Fprint(w, "hello")
	})
	h := c.HTTPMiddleware(app)

	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Origin", "https://shop.example.com")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Access-Control-Allow-Origin"), w.Header().Get("Access-Control-Allow-Credentials"), w.Body)
	// Output:
	// 200 https://shop.example.com true hello
}

// A gateway runs the two steps itself: answer a preflight no route
// captures, or set the CORS headers of the handler's response.
func ExampleCORS_Preflight() {
	c := cors.MustNew(cors.Config{AllowOrigins: []string{"https://app.example.com"}, DisallowedPreflightStatus: 403})
	req := event.Header{
		{Name: "origin", Value: "https://other.example.com"},
		{Name: "access-control-request-method", Value: "DELETE"},
	}
	if cors.IsPreflight("OPTIONS", req) {
		var buf [8]event.Field
		header, status := c.Preflight(buf[:0], req)
		fmt.Println(status, header)
	}
	// Output:
	// 403 [{vary Origin}]
}

// AWS refuses credentials with a "*" origin, and so does New: browsers
// reject credentialed responses carrying Access-Control-Allow-Origin: *.
// List the origins instead.
func ExampleNew_incorrect() {
	_, err := cors.New(cors.Config{AllowOrigins: []string{"*"}, AllowCredentials: true, MaxAge: 100000})
	fmt.Println(errors.Is(err, cors.ErrCredentialsWithAnyOrigin))
	fmt.Println(err)
	// Output:
	// true
	// cors: allow-credentials is not supported if 'allow-origin' is *
	// cors: MaxAge 100000 out of range [-1, 86400]
}

// The REST console's "Enable CORS" creates a mock OPTIONS method.
func ExampleNewREST() {
	m, err := cors.NewREST(cors.RESTConfig{Methods: []string{"POST", "GET"}})
	if err != nil {
		panic(err)
	}
	printResponse(m.Response())
	// Output:
	// 200
	// Content-Type: application/json
	// Access-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token
	// Access-Control-Allow-Methods: GET,OPTIONS,POST
	// Access-Control-Allow-Origin: *
}
