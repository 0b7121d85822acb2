package event_test

import (
	"fmt"
	"net/http"

	"github.com/lambdagate/lambdagate/event"
)

// Decode reads any HTTP event and tells the source from the document.
func ExampleDecode() {
	payload := []byte(`{
		"version": "2.0", "routeKey": "$default", "rawPath": "/dev/pets/7",
		"rawQueryString": "tag=a&tag=b", "cookies": ["s=1"],
		"headers": {"accept": "application/json", "x-multi": "one,two"},
		"requestContext": {"stage": "dev", "http": {"method": "GET", "sourceIp": "203.0.113.9"}},
		"isBase64Encoded": false
	}`)
	req, err := event.Decode(payload)
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Source, req.Method, req.Path, req.RawPath, req.Stage)
	fmt.Println(req.Query.Values("tag"), req.Header.Get("X-Multi"), req.Cookies, req.SourceIP)
	// Output:
	// http GET /pets/7 /dev/pets/7 dev
	// [a b] one,two [s=1] 203.0.113.9
}

// A Builder shapes a fabricated event: stage, route, authorizer, headers.
func ExampleBuilder() {
	b := event.Builder{
		Source:         event.REST,
		Stage:          "prod",
		Resource:       "/pets/{id}",
		PathParameters: map[string]string{"id": "7"},
		Authorizer:     map[string]any{"principalId": "user-1", "role": "admin"},
	}
	req, err := b.Build("DELETE", "/pets/7", http.Header{"Authorization": {"Bearer t"}}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(req.Method, req.Path, req.Context.Path, req.PathParameters.Get("id"))
	fmt.Println(req.Authorizer.PrincipalID(), req.Authorizer.Lambda()["role"], req.Header.Get("authorization"))
	// Output:
	// DELETE /pets/7 /prod/pets/7 7
	// user-1 admin Bearer t
}

// HTTPRequest gives net/http code the request the client sent.
func ExampleRequest_HTTPRequest() {
	req := event.New(event.REST, "GET", "/files/a%2Fb?x=1", nil)
	hr, _ := req.HTTPRequest()
	fmt.Println(hr.URL.Path, hr.URL.RawPath, hr.URL.RawQuery, hr.RequestURI)
	// Output: /files/a/b /files/a%2Fb x=1 /files/a%2Fb?x=1
}
