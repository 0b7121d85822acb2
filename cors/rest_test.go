package cors

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/response"
)

var update = flag.Bool("update", false, "update golden test files")

// render writes a response as the client sees it: status line, header
// fields in order, blank line, body.
func render(r *response.Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", r.Status())
	for _, f := range r.Header {
		fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
	}
	fmt.Fprintf(&b, "\n%s", r.Body)
	return b.String()
}

// TestRESTGolden renders the mock OPTIONS answer for the forms in
// testdata/rest.golden. The default answer reproduces a recorded one:
// 200, Content-Type: application/json, an empty body, the console's
// header list and the methods sorted, "OPTIONS,POST".
func TestRESTGolden(t *testing.T) {
	cases := []struct {
		name string
		cfg  RESTConfig
	}{
		{"console default for a POST resource", RESTConfig{Methods: []string{"POST"}}},
		{"every method, unsorted, with duplicates", RESTConfig{Methods: []string{"PUT", "GET", "POST", "DELETE", "PATCH", "HEAD", "GET", "OPTIONS"}}},
		{"no method selected", RESTConfig{}},
		{"edited headers and origin", RESTConfig{Methods: []string{"GET"}, AllowHeaders: "Content-Type,X-Custom", AllowOrigin: "https://app.example.com"}},
	}
	var b strings.Builder
	for _, c := range cases {
		m, err := NewREST(c.cfg)
		if err != nil {
			t.Fatalf("%s: NewREST: %v", c.name, err)
		}
		fmt.Fprintf(&b, "<<< %s\n%s>>> %s\n", c.name, render(m.Response()), c.name)
	}
	got := b.String()
	path := filepath.Join("testdata", "rest.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("REST mock answers differ from %s:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestRESTDefaults(t *testing.T) {
	m, err := NewREST(RESTConfig{Methods: []string{"POST"}})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Response()
	for _, tt := range []struct{ name, want string }{
		{"Access-Control-Allow-Headers", "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"},
		{"Access-Control-Allow-Methods", "OPTIONS,POST"},
		{"Access-Control-Allow-Origin", "*"},
		{"Content-Type", "application/json"},
	} {
		if got := r.Header.Get(tt.name); got != tt.want {
			t.Errorf("Response().Header.Get(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if r.StatusCode != 200 || len(r.Body) != 0 {
		t.Errorf("Response() = %d %q; want 200 with no body", r.StatusCode, r.Body)
	}
	r.Header.Set("Access-Control-Allow-Origin", "changed")
	if got := m.Response().Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("modifying one answer changed the next: %q", got)
	}
}

func TestRESTErrors(t *testing.T) {
	_, err := NewREST(RESTConfig{Methods: []string{"GET", "BAD METHOD"}, AllowHeaders: "Content-Type,X Y", AllowOrigin: "a\nb"})
	if err == nil {
		t.Fatal("NewREST with three bad fields succeeded")
	}
	for _, want := range []string{`invalid method "BAD METHOD"`, `invalid header name "X Y"`, `invalid header value "a\nb"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("NewREST error = %q; want it to contain %q", err, want)
		}
	}
}

func TestRESTMiddleware(t *testing.T) {
	m, _ := NewREST(RESTConfig{Methods: []string{"GET"}})
	b := &backend{status: 200, header: []string{"X-From: backend"}}
	h := m.Middleware(b)
	for _, tt := range []struct {
		method string
		header event.Header
		called bool
	}{
		{"OPTIONS", event.Header{{Name: "Origin", Value: "https://a.test"}, {Name: "Access-Control-Request-Method", Value: "GET"}}, false},
		{"OPTIONS", nil, false}, // the mock answers every OPTIONS request
		{"GET", event.Header{{Name: "Origin", Value: "https://a.test"}}, true},
	} {
		b.calls.Store(0)
		resp, err := h.Serve(context.Background(), &event.Request{Method: tt.method, Header: tt.header})
		if err != nil {
			t.Fatal(err)
		}
		if called := b.calls.Load() > 0; called != tt.called {
			t.Errorf("%s %v: handler called = %t, want %t", tt.method, tt.header, called, tt.called)
		}
		if tt.called {
			if resp.Header.Has("Access-Control-Allow-Origin") {
				t.Errorf("%s: REST added CORS headers to a proxy response: %v", tt.method, resp.Header)
			}
		} else if got := resp.Header.Get("Access-Control-Allow-Methods"); got != "GET,OPTIONS" {
			t.Errorf("%s: Access-Control-Allow-Methods = %q, want GET,OPTIONS", tt.method, got)
		}
	}
}

// TestRESTMethod configures a method with a custom integration as the
// console's "Enable CORS" action does: the 200 response of the method
// carries Access-Control-Allow-Origin, other responses do not, and the
// method given is not changed.
func TestRESTMethod(t *testing.T) {
	m, err := NewREST(RESTConfig{Methods: []string{"GET"}, AllowOrigin: "https://app.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	get := mapping.Method{Name: "GET /items", Integration: mapping.Integration{
		Type:             mapping.TypeMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": #if($input.params('fail') != "")400#{else}200#end}`},
		Responses: []mapping.IntegrationResponse{
			{StatusCode: 200, ResponseParameters: map[string]string{"method.response.header.X-Kept": "'kept'"}},
			{StatusCode: 400, SelectionPattern: `4\d\d`},
		},
	}}
	configured := m.Method(get)
	if _, ok := get.Integration.Responses[0].ResponseParameters[allowOriginParameter]; ok {
		t.Fatal("Method changed the method it was given")
	}
	p, err := mapping.NewPipeline(configured)
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
	if got := m.Method(get).Integration.Responses[0].ResponseParameters[allowOriginParameter]; got != "'https://other.example'" {
		t.Errorf("Method replaced an existing Access-Control-Allow-Origin mapping with %s", got)
	}
}
