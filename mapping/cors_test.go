package mapping

import (
	"context"
	"testing"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
)

// TestWithCORS configures a method with a custom integration as the
// console's "Enable CORS" action does: the 200 response of the method
// carries Access-Control-Allow-Origin, other responses do not, and the
// method given is not changed.
func TestWithCORS(t *testing.T) {
	c, err := cors.NewREST(cors.RESTConfig{Methods: []string{"GET"}, AllowOrigin: "https://app.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	get := Method{Name: "GET /items", Integration: Integration{
		Type:             TypeMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": #if($input.params('fail') != "")400#{else}200#end}`},
		Responses: []IntegrationResponse{
			{StatusCode: 200, ResponseParameters: map[string]string{"method.response.header.X-Kept": "'kept'"}},
			{StatusCode: 400, SelectionPattern: `4\d\d`},
		},
	}}
	configured := get.WithCORS(c)
	if _, ok := get.Integration.Responses[0].ResponseParameters[allowOriginParameter]; ok {
		t.Fatal("WithCORS changed the method it was given")
	}
	p, err := NewPipeline(configured)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query  event.Params
		status int
		origin string
	}{
		{nil, 200, "https://app.example.com"},
		{event.Params{{Name: "fail", Value: "yes"}}, 400, ""},
	} {
		resp, err := p.Serve(context.Background(), &event.Request{Source: event.REST, Method: "GET", Query: tt.query})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tt.status || resp.Header.Get("Access-Control-Allow-Origin") != tt.origin {
			t.Errorf("GET %v = %d with Access-Control-Allow-Origin %q; want %d with %q", tt.query, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), tt.status, tt.origin)
		}
		if tt.status == 200 && resp.Header.Get("X-Kept") != "kept" {
			t.Errorf("the 200 response lost its own mapping: %v", resp.Header)
		}
	}
	// A mapping the 200 response already has is kept.
	get.Integration.Responses[0].ResponseParameters[allowOriginParameter] = "'https://other.example'"
	if got := get.WithCORS(c).Integration.Responses[0].ResponseParameters[allowOriginParameter]; got != "'https://other.example'" {
		t.Errorf("WithCORS replaced an existing Access-Control-Allow-Origin mapping with %s", got)
	}
}
