package e2e

import (
	"context"
	"net/http"
	"testing"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// TestRouteIntegration checks the CORS middleware around a real router:
// a preflight that an OPTIONS, ANY or $default route captures reaches that
// route; any other is answered by the CORS stage.
func TestRouteIntegration(t *testing.T) {
	answer := func(name string) func(context.Context, *event.Request) (*response.Response, error) {
		return func(ctx context.Context, req *event.Request) (*response.Response, error) {
			return response.Text(http.StatusOK, name), nil
		}
	}
	c := cors.MustNew(cors.Config{AllowOrigins: []string{"https://app.example.com"}, AllowMethods: []string{"GET", "PUT"}})
	for _, tt := range []struct {
		name   string
		routes []string
		path   string
		want   string // body; "" means the stage answered
	}{
		{"GET route only", []string{"GET /items"}, "/items", ""},
		{"OPTIONS route", []string{"GET /items", "OPTIONS /items"}, "/items", "OPTIONS /items"},
		{"ANY route", []string{"ANY /items"}, "/items", "ANY /items"},
		{"greedy OPTIONS route", []string{"GET /items", "OPTIONS /{proxy+}"}, "/items", "OPTIONS /{proxy+}"},
		{"$default", []string{"GET /items", "$default"}, "/items", "$default"},
		{"no route at all", []string{"GET /other"}, "/items", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := route.New(route.Config{Source: event.HTTPAPI})
			for _, key := range tt.routes {
				r.Handle(key, handler.Func(answer(key)))
			}
			h := c.Middleware(r)
			if _, ok := h.(cors.Router); !ok {
				t.Fatal("the middleware around a route.Router is no cors.Router")
			}
			resp, err := h.Serve(context.Background(), &event.Request{
				Source: event.HTTPAPI, Version: "2.0", Method: "OPTIONS", Path: tt.path, RawPath: tt.path,
				Header: event.Header{{Name: "origin", Value: "https://app.example.com"}, {Name: "access-control-request-method", Value: "PUT"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(resp.Body); got != tt.want {
				t.Errorf("preflight to %s with routes %q: body %q; want %q", tt.path, tt.routes, got, tt.want)
			}
			if want := 204; tt.want == "" && resp.Status() != want {
				t.Errorf("stage answer status %d; want %d", resp.Status(), want)
			}
			if got := resp.Header.Get("access-control-allow-methods"); got != "GET,PUT" {
				t.Errorf("access-control-allow-methods = %q; want GET,PUT", got)
			}
		})
	}
}
