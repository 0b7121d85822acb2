package route

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// echo is a handler that answers 200 with the route it was registered for.
func echo(key string) handler.Handler {
	return handler.Func(func(_ context.Context, req *event.Request) (*response.Response, error) {
		return response.Text(200, key), nil
	})
}

func mustRouter(tb testing.TB, c Config, keys ...string) *Router {
	tb.Helper()
	r := New(c)
	for _, k := range keys {
		if err := r.Register(k, echo(k)); err != nil {
			tb.Fatalf("Register(%q): %v", k, err)
		}
	}
	return r
}

// matchCase is one request and the route that should take it.
type matchCase struct {
	method, path string
	header       event.Header
	want         string       // route key; "" for no match
	params       event.Params // nil for none
	reason       string
}

func runMatchCases(t *testing.T, r *Router, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			if tc.header == nil {
				key, ok := r.Lookup(tc.method, tc.path)
				if key != tc.want || ok != (tc.want != "") {
					t.Errorf("Lookup(%q, %q) = %q, %t, want %q (%s)", tc.method, tc.path, key, ok, tc.want, tc.reason)
				}
			}
			req := &event.Request{Method: tc.method, Path: tc.path, Header: tc.header,
				PathParameters: event.Params{{Name: "stale", Value: "x"}}}
			res, err := r.Serve(context.Background(), req)
			if err != nil {
				t.Fatalf("Serve: %v", err)
			}
			if tc.want == "" {
				checkNotFound(t, r.Source(), res)
				return
			}
			if got := string(res.Body); res.StatusCode != 200 || got != tc.want {
				t.Fatalf("Serve(%s %s) = %d %q, want route %q (%s)", tc.method, tc.path, res.StatusCode, got, tc.want, tc.reason)
			}
			if r.Source() == REST {
				_, path, _ := strings.Cut(tc.want, " ")
				if req.Resource != path || req.Context.ResourcePath != path {
					t.Errorf("req.Resource, ResourcePath = %q, %q, want %q", req.Resource, req.Context.ResourcePath, path)
				}
			} else if req.RouteKey != tc.want {
				t.Errorf("req.RouteKey = %q, want %q", req.RouteKey, tc.want)
			}
			if !reflect.DeepEqual(req.PathParameters, tc.params) {
				t.Errorf("req.PathParameters = %q, want %q (%s)", req.PathParameters, tc.params, tc.reason)
			}
		})
	}
}

func checkNotFound(t *testing.T, api API, res *response.Response) {
	t.Helper()
	wantStatus, wantBody := 404, `{"message":"Not Found"}`
	if api == REST {
		wantStatus, wantBody = 403, `{"message":"Missing Authentication Token"}`
	}
	if res.StatusCode != wantStatus || string(res.Body) != wantBody {
		t.Fatalf("got %d %s, want %d %s", res.StatusCode, res.Body, wantStatus, wantBody)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	et := res.Header.Get("x-amzn-ErrorType")
	if api == REST && et != "MissingAuthenticationTokenException" {
		t.Errorf("x-amzn-ErrorType = %q, want MissingAuthenticationTokenException", et)
	}
	if api == HTTP && et != "" {
		t.Errorf("x-amzn-ErrorType = %q on an HTTP API", et)
	}
}

func params(kv ...string) event.Params {
	var p event.Params
	for i := 0; i+1 < len(kv); i += 2 {
		p = append(p, event.Field{Name: kv[i], Value: kv[i+1]})
	}
	return p
}

// TestHTTPDocExample is the worked example of the HTTP API routing docs.
func TestHTTPDocExample(t *testing.T) {
	r := mustRouter(t, Config{}, "GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default")
	runMatchCases(t, r, []matchCase{
		{method: "GET", path: "/pets/dog/1", want: "GET /pets/dog/1", reason: "static beats {id}"},
		{method: "GET", path: "/pets/dog/2", want: "GET /pets/dog/{id}", params: params("id", "2")},
		{method: "GET", path: "/pets/cat/1", want: "GET /pets/{proxy+}", params: params("proxy", "cat/1"), reason: "longer literal prefix among greedy"},
		{method: "POST", path: "/test/5", want: "ANY /{proxy+}", params: params("proxy", "test/5"), reason: "greedy beats $default"},
		{method: "POST", path: "/pets/dog/1", want: "ANY /{proxy+}", params: params("proxy", "pets/dog/1"), reason: "method mismatch falls through"},
		{method: "GET", path: "/", want: "$default", reason: "/{proxy+} does not take /"},
		{method: "GET", path: "", want: "$default", reason: "empty path is the root"},
	})
}

func TestHTTPPrecedence(t *testing.T) {
	r := mustRouter(t, Config{},
		"GET /pets", "ANY /pets/{id}", "GET /pets/{proxy+}", "GET /metrics", "GET /metrics/{proxy+}",
		"GET /a/{x}/c", "GET /a/b/{y}", "GET /g/{x}/{p+}", "GET /g/{q+}", "GET /", "POST /only-post",
		"GET /Case", "ANY /any", "DELETE /any")
	runMatchCases(t, r, []matchCase{
		{method: "GET", path: "/pets/1", want: "ANY /pets/{id}", params: params("id", "1"), reason: "full match with ANY beats greedy with the exact method"},
		{method: "GET", path: "/pets/1/2", want: "GET /pets/{proxy+}", params: params("proxy", "1/2")},
		{method: "GET", path: "/pets/", want: "GET /pets/{proxy+}", params: params("proxy", ""), reason: "a greedy variable takes an empty rest"},
		{method: "GET", path: "/metrics/", want: "GET /metrics/{proxy+}", params: params("proxy", ""), reason: "storacha/w3infra#166"},
		{method: "GET", path: "/a/b/c", want: "GET /a/b/{y}", params: params("y", "c"), reason: "the leftmost literal wins"},
		{method: "GET", path: "/a/z/c", want: "GET /a/{x}/c", params: params("x", "z")},
		{method: "GET", path: "/g/1/2", want: "GET /g/{x}/{p+}", params: params("x", "1", "p", "2"), reason: "variable beats greedy at the same position"},
		{method: "GET", path: "/g/1", want: "GET /g/{q+}", params: params("q", "1")},
		{method: "GET", path: "/", want: "GET /"},
		{method: "HEAD", path: "/", want: "", reason: "no implicit HEAD for GET"},
		{method: "GET", path: "/only-post", want: "", reason: "no 405"},
		{method: "GET", path: "/case", want: "", reason: "paths are case-sensitive"},
		{method: "GET", path: "/Case", want: "GET /Case"},
		{method: "DELETE", path: "/any", want: "DELETE /any", reason: "exact method beats ANY"},
		{method: "PUT", path: "/any", want: "ANY /any"},
		{method: "PROPFIND", path: "/any", want: "ANY /any", reason: "ANY takes every method in HTTP APIs"},
		{method: "GET", path: "/pets//x", want: "GET /pets/{proxy+}", params: params("proxy", "/x")},
		{method: "GET", path: "/a//c", want: "", reason: "a variable does not match an empty segment"},
		{method: "GET", path: "pets", want: "", reason: "a path must begin with /"},
		{method: "GET", path: "/pets/a%2Fb", want: "ANY /pets/{id}", params: params("id", "a%2Fb"), reason: "the router does not decode again"},
	})
}

func TestHTTPTrailingSlash(t *testing.T) {
	keys := []string{"GET /pets", "GET /pets/{id}"}
	runMatchCases(t, mustRouter(t, Config{}, keys...), []matchCase{
		{method: "GET", path: "/pets/", want: "", reason: "trailing slash not ignored by default"},
		{method: "GET", path: "/pets/1/", want: ""},
	})
	runMatchCases(t, mustRouter(t, Config{IgnoreTrailingSlash: true}, keys...), []matchCase{
		{method: "GET", path: "/pets/", want: "GET /pets"},
		{method: "GET", path: "/pets/1//", want: "GET /pets/{id}", params: params("id", "1")},
		{method: "GET", path: "/", want: ""},
	})
}

func TestRESTRecorded(t *testing.T) {
	t.Run("hardcoded sibling", func(t *testing.T) {
		// LocalStack test_proxy_routing_with_hardcoded_resource_sibling.
		r := mustRouter(t, Config{Source: REST}, "POST /test", "ANY /test/any", "OPTIONS /{proxy+}")
		runMatchCases(t, r, []matchCase{
			{method: "OPTIONS", path: "/test", want: "OPTIONS /{proxy+}", params: params("proxy", "test"), reason: "/test has no OPTIONS: back to the parent's greedy child"},
			{method: "POST", path: "/test", want: "POST /test"},
			{method: "GET", path: "/test/any", want: "ANY /test/any"},
			{method: "OPTIONS", path: "/test/any", want: "ANY /test/any"},
			{method: "GET", path: "/test", want: ""},
		})
	})
	t.Run("sibling order", func(t *testing.T) {
		// LocalStack test_routing_with_hardcoded_resource_sibling_order.
		r := mustRouter(t, Config{Source: REST}, "GET /part1", "GET /{param+}", "GET /part1/hardcoded-value")
		runMatchCases(t, r, []matchCase{
			{method: "GET", path: "/part1/random-value", want: "GET /{param+}", params: params("param", "part1/random-value"), reason: "backtracks out of /part1"},
			{method: "GET", path: "/part1/hardcoded-value", want: "GET /part1/hardcoded-value"},
			{method: "GET", path: "/part1", want: "GET /part1"},
		})
	})
	t.Run("not found", func(t *testing.T) {
		// LocalStack test_routing_not_found.
		r := mustRouter(t, Config{Source: REST}, "GET /existing")
		runMatchCases(t, r, []matchCase{
			{method: "GET", path: "/random-non-existing", want: ""},
			{method: "POST", path: "/existing", want: "", reason: "unknown method is 403 too"},
		})
	})
	t.Run("proxy slashes", func(t *testing.T) {
		// LocalStack test_lambda_aws_proxy_integration.
		r := mustRouter(t, Config{Source: REST}, "ANY /{proxy+}", "ANY /hardcoded")
		runMatchCases(t, r, []matchCase{
			{method: "GET", path: "/proxy-value", want: "ANY /{proxy+}", params: params("proxy", "proxy-value")},
			{method: "GET", path: "/proxy-value/", want: "ANY /{proxy+}", params: params("proxy", "proxy-value")},
			{method: "GET", path: "/proxy-value//double-slash", want: "ANY /{proxy+}", params: params("proxy", "proxy-value//double-slash")},
			{method: "GET", path: "//proxy-value", want: "ANY /{proxy+}", params: params("proxy", "proxy-value")},
			{method: "GET", path: "//hardcoded", want: "ANY /hardcoded"},
			{method: "GET", path: "/", want: "", reason: "/{proxy+} does not take the root"},
			{method: "GET", path: "///", want: ""},
			{method: "PROPFIND", path: "/hardcoded", want: "", reason: "REST ANY is the seven methods"},
		})
	})
	t.Run("encoding", func(t *testing.T) {
		r := mustRouter(t, Config{Source: REST}, "GET /user/{email}/x", "GET /a/{p}", "ANY /", "GET /resource/{name}")
		runMatchCases(t, r, []matchCase{
			{method: "GET", path: "/user/test%2Balias@gmail.com/x", want: "GET /user/{email}/x", params: params("email", "test%2Balias@gmail.com"), reason: "left encoded"},
			{method: "GET", path: "/a/foo%2Fbar", want: "GET /a/{p}", params: params("p", "foo%2Fbar"), reason: "%2F is not a separator"},
			{method: "GET", path: "/", want: "ANY /"},
			{method: "GET", path: "/resource/", want: "", reason: "aws/chalice#588: empty variable"},
		})
	})
	t.Run("exact before ANY", func(t *testing.T) {
		r := mustRouter(t, Config{Source: REST}, "GET /x", "ANY /x", "DELETE /y")
		runMatchCases(t, r, []matchCase{
			{method: "GET", path: "/x", want: "GET /x"},
			{method: "POST", path: "/x", want: "ANY /x"},
			{method: "GET", path: "/y", header: event.Header{{Name: "x-http-method-override", Value: "DELETE"}}, want: "DELETE /y", reason: "X-HTTP-Method-Override"},
			{method: "DELETE", path: "/x", header: event.Header{{Name: "X-HTTP-Method-Override", Value: "GET"}}, want: "GET /x"},
		})
	})
}

func TestMethodOverride(t *testing.T) {
	for _, api := range []API{HTTP, REST} {
		r := mustRouter(t, Config{Source: api}, "DELETE /y")
		req := &event.Request{Method: "GET", Path: "/y", Header: event.Header{{Name: "X-HTTP-Method-Override", Value: "DELETE"}}}
		res, _ := r.Serve(context.Background(), req)
		if api == REST {
			if res.StatusCode != 200 || req.Method != "DELETE" {
				t.Errorf("REST: override gave %d, req.Method %q, want 200, DELETE", res.StatusCode, req.Method)
			}
		} else if res.StatusCode != 404 || req.Method != "GET" {
			t.Errorf("HTTP: override gave %d, req.Method %q, want 404, GET (HTTP APIs ignore the header)", res.StatusCode, req.Method)
		}
	}
}

func TestBasePath(t *testing.T) {
	for _, bp := range []string{"/v1", "v1/", "/v1/"} {
		r := mustRouter(t, Config{BasePath: bp}, "GET /pets", "GET /", "GET /v1x")
		for _, tc := range []struct{ path, want string }{
			{"/v1/pets", "GET /pets"},
			{"/pets", "GET /pets"},
			{"/v1", "GET /"},
			{"/v1/", "GET /"},
			{"/v1x", "GET /v1x"},
			{"/v2/pets", ""},
		} {
			if got, _ := r.Lookup("GET", tc.path); got != tc.want {
				t.Errorf("BasePath %q: Lookup(GET, %q) = %q, want %q", bp, tc.path, got, tc.want)
			}
		}
	}
}

func TestServeKeepsOtherFields(t *testing.T) {
	r := mustRouter(t, Config{}, "GET /pets")
	req := &event.Request{Method: "GET", Path: "/pets", RawPath: "/dev/pets", Stage: "dev", PathParameters: params("a", "b")}
	if _, err := r.Serve(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if req.PathParameters != nil || req.Path != "/pets" || req.RawPath != "/dev/pets" || req.Resource != "" {
		t.Errorf("after Serve: PathParameters %q, Path %q, RawPath %q, Resource %q", req.PathParameters, req.Path, req.RawPath, req.Resource)
	}
}

func TestMiddlewareOrder(t *testing.T) {
	var trace []string
	mw := func(name string) handler.Middleware {
		return func(next handler.Handler) handler.Handler {
			return handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
				trace = append(trace, name+"("+req.RouteKey+")")
				return next.Serve(ctx, req)
			})
		}
	}
	r := New(Config{})
	r.Use(mw("router1"), mw("router2"))
	api := r.Group("/api", mw("api"))
	v1 := api.Group("/v1/", mw("v1"))
	v1.Use(mw("v1b"))
	v1.Handle("GET /pets/{id}", echo("pets"), mw("route"))
	v1.Handle("GET /", handler.Func(func(context.Context, *event.Request) (*response.Response, error) { return response.NoContent(), nil }))
	r.Handle("GET /plain", echo("plain"))

	for _, tc := range []struct {
		path   string
		status int
		trace  string
	}{
		{"/api/v1/pets/1", 200, "router1(GET /api/v1/pets/{id}) router2(GET /api/v1/pets/{id}) api(GET /api/v1/pets/{id}) v1(GET /api/v1/pets/{id}) v1b(GET /api/v1/pets/{id}) route(GET /api/v1/pets/{id})"},
		{"/api/v1", 204, "router1(GET /api/v1) router2(GET /api/v1) api(GET /api/v1) v1(GET /api/v1) v1b(GET /api/v1)"},
		{"/plain", 200, "router1(GET /plain) router2(GET /plain)"},
		{"/nothing", 404, "router1() router2()"},
	} {
		trace = nil
		res, err := r.Serve(context.Background(), &event.Request{Method: "GET", Path: tc.path})
		if err != nil || res.StatusCode != tc.status {
			t.Errorf("GET %s = %v, %v, want status %d", tc.path, res, err, tc.status)
		}
		if got := strings.Join(trace, " "); got != tc.trace {
			t.Errorf("GET %s: middleware ran\n\t%s\nwant\n\t%s", tc.path, got, tc.trace)
		}
	}

	mustPanic(t, "Use after Handle", func() { r.Use(mw("late")) })
	mustPanic(t, "group Use after Handle", func() { v1.Use(mw("late")) })
	// A new group of a sealed router can still take middleware.
	g := r.Group("/new")
	g.Use(mw("g"))
	if err := g.Register("$default", echo("d")); err == nil || !strings.Contains(err.Error(), "group prefix") {
		t.Errorf("$default in a group: err = %v", err)
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

func TestHandlePanics(t *testing.T) {
	r := New(Config{})
	r.Handle("GET /a", echo("a"))
	mustPanic(t, "conflict", func() { r.Handle("GET /a", echo("a")) })
	mustPanic(t, "bad key", func() { r.Handle("GET a", echo("a")) })
	mustPanic(t, "nil handler", func() { r.Handle("GET /b", nil) })
	mustPanic(t, "nil middleware", func() { r.Use(nil) })
	if err := r.Register("GET /c", echo("c"), nil); err == nil {
		t.Errorf("nil route middleware: no error")
	}
}

func TestConflicts(t *testing.T) {
	for _, tc := range []struct {
		api      API
		existing []string
		key      string
		want     string // substring of the error; "" for no error
		example  string
	}{
		{HTTP, []string{"GET /pets/{id}"}, "GET /pets/{name}", "both match the same requests", "GET /pets/name"},
		{HTTP, []string{"GET /pets/{id}"}, "GET /pets/<id>", "duplicate route", "GET /pets/id"},
		{HTTP, []string{"ANY /a/{p+}"}, "ANY /a/{q+}", "both match the same requests", "GET /a/q"},
		{HTTP, []string{"$default"}, "$default", "duplicate $default", "GET /"},
		{HTTP, []string{"GET /pets/{id}"}, "POST /pets/{name}", "", ""},
		{HTTP, []string{"GET /pets/{id}"}, "ANY /pets/{name}", "", ""},
		{HTTP, []string{"GET /pets/{id}/a"}, "GET /pets/{name}/b", "", ""},
		{HTTP, []string{"GET /a/{id}"}, "GET /a/{p+}", "", ""},
		{REST, []string{"GET /pets/{id}"}, "GET /pets/{name}", "both match the same requests", "GET /pets/name"},
		{REST, []string{"GET /pets/{id}"}, "POST /pets/{name}", `"/pets" would have both "{id}" and "{name}"`, ""},
		{REST, []string{"GET /pets/{id}/a"}, "GET /pets/{name}/b", "at most one variable child", ""},
		{REST, []string{"GET /a/{id}"}, "GET /a/{proxy+}", `both "{id}" and "{proxy+}"`, ""},
		{REST, []string{"GET /{proxy+}"}, "GET /{id}/x", `"/" would have both "{proxy+}" and "{id}"`, ""},
		{REST, []string{"GET /pets/{id}"}, "POST /pets/{id}/toys", "", ""},
		{REST, []string{"GET /pets/{id}"}, "GET /pets/x", "", ""},
		{REST, nil, "$default", "is an HTTP API route key", ""},
	} {
		r := mustRouter(t, Config{Source: tc.api}, tc.existing...)
		err := r.Register(tc.key, echo(tc.key))
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: Register(%q) after %q = %v, want nil", tc.api, tc.key, tc.existing, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Register(%q) after %q = %v, want error containing %q", tc.api, tc.key, tc.existing, err, tc.want)
			continue
		}
		var ce *ConflictError
		if errors.As(err, &ce) {
			if ce.Example != tc.example {
				t.Errorf("%s: Register(%q): Example = %q, want %q", tc.api, tc.key, ce.Example, tc.example)
			}
			if !strings.Contains(ce.At, "router_test.go:") || !strings.Contains(ce.ExistingAt, "router_test.go:") {
				t.Errorf("%s: Register(%q): locations %q, %q, want this file", tc.api, tc.key, ce.At, ce.ExistingAt)
			}
			if !strings.Contains(err.Error(), ce.Existing) || !strings.Contains(err.Error(), ce.Route) {
				t.Errorf("error %q does not name both routes", err)
			}
		}
		// A refused route leaves the router unchanged.
		if n := len(r.Routes()); n != len(tc.existing) {
			t.Errorf("%s: after a refused Register, %d routes, want %d", tc.api, n, len(tc.existing))
		}
	}
}

// TestMatch checks that Match records the route in the request as Serve
// does and returns the route's handler, with its middleware, uncalled.
func TestMatch(t *testing.T) {
	calls := 0
	counted := func(next handler.Handler) handler.Handler {
		return handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
			calls++
			return next.Serve(ctx, req)
		})
	}
	for _, src := range []event.Source{event.HTTPAPI, event.REST} {
		r := New(Config{Source: src})
		r.Handle("GET /pets/{id}", echo("pet"), counted)
		req := &event.Request{Source: src, Method: "GET", Path: "/pets/7"}
		h, ok := r.Match(req)
		if !ok || calls != 0 {
			t.Fatalf("%v: Match(GET /pets/7) = %v, %v after %d calls; want a handler, true, no call", src, h, ok, calls)
		}
		if got := req.PathParameters.Get("id"); got != "7" {
			t.Errorf("%v: Match set id = %q, want 7", src, got)
		}
		if src == event.REST && req.Resource != "/pets/{id}" || src == event.HTTPAPI && req.RouteKey != "GET /pets/{id}" {
			t.Errorf("%v: Match set RouteKey %q, Resource %q", src, req.RouteKey, req.Resource)
		}
		resp, _ := h.Serve(context.Background(), req)
		if calls != 1 || string(resp.Body) != "pet" {
			t.Errorf("%v: the matched handler answered %q after %d middleware calls", src, resp.Body, calls)
		}
		calls = 0
		if _, ok := r.Match(&event.Request{Source: src, Method: "GET", Path: "/cats"}); ok {
			t.Errorf("%v: Match(GET /cats) found a route", src)
		}
	}
}

func TestRoutesAndString(t *testing.T) {
	r := New(Config{})
	for _, k := range []string{"$default", "ANY /{proxy+}", "GET /pets/{proxy+}", "GET /pets/dog/{id}", "POST /pets/dog/1", "GET /pets/dog/1"} {
		r.Handle(k, echo(k))
	}
	var keys []string
	for _, rt := range r.Routes() {
		keys = append(keys, rt.Key)
		if !strings.Contains(rt.At, "router_test.go:") {
			t.Errorf("route %q At = %q", rt.Key, rt.At)
		}
	}
	want := []string{"GET /pets/dog/1", "POST /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("Routes() keys = %q, want %q", keys, want)
	}
	s := r.String()
	wantS := "METHOD    PATH            PARAMETERS\n" +
		"GET       /pets/dog/1\n" +
		"POST      /pets/dog/1\n" +
		"GET       /pets/dog/{id}  id\n" +
		"GET       /pets/{proxy+}  proxy\n" +
		"ANY       /{proxy+}       proxy\n" +
		"$default\n"
	if s != wantS {
		t.Errorf("String() =\n%s\nwant\n%s", s, wantS)
	}
}

func TestZeroRouter(t *testing.T) {
	var r Router
	if key, ok := r.Lookup("GET", "/"); ok || key != "" {
		t.Errorf("zero Router Lookup = %q, %t", key, ok)
	}
	res, err := r.Serve(context.Background(), &event.Request{Method: "GET", Path: "/x"})
	if err != nil {
		t.Fatal(err)
	}
	checkNotFound(t, HTTP, res)
	r.Handle("GET /x", echo("GET /x"))
	if key, _ := r.Lookup("GET", "/x"); key != "GET /x" {
		t.Errorf("zero Router after Handle: Lookup = %q", key)
	}
	if r.Source() != event.Unknown {
		t.Errorf("zero Router Source() = %v, want Unknown (HTTP API rules)", r.Source())
	}
}

func TestDecodeHTTPPath(t *testing.T) {
	// The recorded table of docs/evidence/gateway.md#http-api-path-decoding.
	for _, tc := range []struct{ sent, want, err string }{
		{"/capture/space%20value", "/capture/space value", ""},
		{"/capture/question%3Fvalue", "/capture/question", ""},
		{"/capture/percent%25done", "", `invalid percent-encoding "%do"`},
		{"/capture/hash%23value", "/capture/hash#value", ""},
		{"/capture/slash%2Fvalue", "/capture/slash/value", ""},
		{"/capture/unicode-%CE%BB-%E4%B8%96%E7%95%8C", "/capture/unicode-λ-世界", ""},
		{"/capture/literal%252Fvalue", "/capture/literal/value", ""},
		{"/capture/literal%253Fvalue", "/capture/literal?value", ""},
		{"/capture/literal%2525value", "/capture/literal%value", ""},
		{"/a%zz", "", `invalid percent-encoding "%zz" at offset 2`},
		{"/a%", "", `invalid percent-encoding "%"`},
		{"/a%4", "", `invalid percent-encoding "%4"`},
		{"/plain+plus", "/plain+plus", ""},
	} {
		got, err := DecodeHTTPPath(tc.sent)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("DecodeHTTPPath(%q) = %q, %v, want error containing %q", tc.sent, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("DecodeHTTPPath(%q) = %q, %v, want %q", tc.sent, got, err, tc.want)
		}
	}
}

func TestGroupPrefix(t *testing.T) {
	r := New(Config{Source: REST})
	u := r.Group("/users/{uid}")
	u.Handle("GET /", echo("GET /users/{uid}"))
	u.Handle("GET /repos/{repo}", echo("GET /users/{uid}/repos/{repo}"))
	runMatchCases(t, r, []matchCase{
		{method: "GET", path: "/users/7", want: "GET /users/{uid}", params: params("uid", "7")},
		{method: "GET", path: "/users/7/repos/x", want: "GET /users/{uid}/repos/{repo}", params: params("uid", "7", "repo", "x")},
	})
	for _, tc := range []struct{ prefix, key, err string }{
		{"/users/{name}", "GET /x", "at most one variable child"},
		{"/a/{p+}", "GET /x", "a greedy variable must be the last segment"},
		{"v1", "GET /x", `parsing "GET v1/x"`},
		{"/v1", "GET x", `parsing "GET x"`},
		{"/users/{uid}", "GET /{uid}", `duplicate variable name "uid"`},
	} {
		if err := r.Group(tc.prefix).Register(tc.key, echo("")); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Group(%q).Register(%q) = %v, want error containing %q", tc.prefix, tc.key, err, tc.err)
		}
	}
}

// TestFabricatedEvents routes requests built by event.New, as a test of a
// handler would, and checks that the event fields the gateway sets for the
// route are set.
func TestFabricatedEvents(t *testing.T) {
	h := mustRouter(t, Config{}, "GET /pets/{id}", "ANY /files/{proxy+}")
	req := event.New(event.HTTPAPI, "GET", "/pets/7?fields=name", nil)
	if res, _ := h.Serve(context.Background(), req); res.StatusCode != 200 || req.RouteKey != "GET /pets/{id}" || req.PathParameters.Get("id") != "7" {
		t.Errorf("HTTP API event: %d, RouteKey %q, PathParameters %q", res.StatusCode, req.RouteKey, req.PathParameters)
	}
	req = event.New(event.HTTPAPI, "PUT", "/files/a%20b/c", nil)
	if res, _ := h.Serve(context.Background(), req); res.StatusCode != 200 || req.PathParameters.Get("proxy") != "a b/c" {
		t.Errorf("HTTP API event with encoded path: %d, PathParameters %q", res.StatusCode, req.PathParameters)
	}

	rr := mustRouter(t, Config{Source: REST}, "GET /pets/{id}")
	req = event.New(event.REST, "GET", "/pets/a%2Fb/", nil)
	if res, _ := rr.Serve(context.Background(), req); res.StatusCode != 200 || req.Resource != "/pets/{id}" || req.PathParameters.Get("id") != "a%2Fb" {
		t.Errorf("REST event: %d, Resource %q, PathParameters %q (Path %q)", res.StatusCode, req.Resource, req.PathParameters, req.Path)
	}
}

// TestConcurrentServe serves from many goroutines at once; run with -race.
func TestConcurrentServe(t *testing.T) {
	r := mustRouter(t, Config{}, "GET /pets/{id}", "ANY /{proxy+}", "$default")
	done := make(chan bool)
	for g := range 8 {
		go func() {
			defer func() { done <- true }()
			for i := range 200 {
				req := &event.Request{Method: "GET", Path: "/pets/" + string(rune('a'+g)) + strings.Repeat("x", i%3)}
				res, err := r.Serve(context.Background(), req)
				if err != nil || res.StatusCode != 200 || req.PathParameters.Get("id") == "" {
					t.Errorf("concurrent Serve: %v %v %q", res, err, req.PathParameters)
					return
				}
				r.Lookup("POST", "/x/y")
				r.Routes()
			}
		}()
	}
	for range 8 {
		<-done
	}
}

// TestManyParams checks routes with more variables than a match records
// as it goes (maxCaptures), whose values Serve finds again from the
// pattern, and routes with exactly as many, in both modes, with a greedy
// variable last.
func TestManyParams(t *testing.T) {
	for _, api := range []API{HTTP, REST} {
		for _, n := range []int{maxCaptures - 1, maxCaptures, maxCaptures + 1, 2*maxCaptures + 3} {
			var key, path strings.Builder
			var want event.Params
			key.WriteString("GET ")
			for i := range n {
				name := fmt.Sprintf("v%d", i)
				fmt.Fprintf(&key, "/{%s}", name)
				fmt.Fprintf(&path, "/%d", i)
				want = append(want, event.Field{Name: name, Value: fmt.Sprint(i)})
			}
			key.WriteString("/tail/{rest+}")
			path.WriteString("/tail/x/y")
			want = append(want, event.Field{Name: "rest", Value: "x/y"})
			r := mustRouter(t, Config{Source: api}, key.String())
			req := &event.Request{Method: "GET", Path: path.String()}
			if _, err := r.Serve(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(req.PathParameters, want) {
				t.Errorf("%v, %d variables: PathParameters = %q, want %q", api, n, req.PathParameters, want)
			}
		}
	}
}
