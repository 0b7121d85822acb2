package route

import (
	"context"
	"strings"
	"testing"
	"unsafe"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

var allocKeys = []string{
	"GET /pets", "GET /pets/{id}", "GET /pets/{id}/toys/{toy}", "ANY /files/{proxy+}",
	"GET /users/{user}/repos/{repo}/issues/{number}/comments",
}

func TestLookupAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping malloc count in short mode")
	}
	for _, api := range []API{HTTP, REST} {
		keys := allocKeys
		if api == HTTP {
			keys = append(keys, "$default")
		}
		r := mustRouter(t, Config{Source: api, BasePath: "/v1"}, keys...)
		for _, tc := range []struct{ method, path string }{
			{"GET", "/pets"},                                   // static
			{"GET", "/pets/1"},                                 // variable
			{"GET", "/pets/1/toys/ball"},                       // two variables
			{"POST", "/files/a/b/c"},                           // greedy
			{"GET", "/users/u/repos/r/issues/1/comments"},      // deep
			{"GET", "/v1/pets/1"},                              // base path
			{"DELETE", "/nothing/here"},                        // no route
			{"GET", "/" + strings.Repeat("a/", 1000) + "pets"}, // long
		} {
			if n := testing.AllocsPerRun(100, func() { r.Lookup(tc.method, tc.path) }); n != 0 {
				t.Errorf("%s: Lookup(%q, %q) allocs: got %.2f; want 0", api, tc.method, tc.path, n)
			}
		}
	}
}

// TestServeAllocs checks that dispatching a request with path parameters
// allocates nothing when the request's PathParameters has room, as it has
// for a decoded event that carried them.
func TestServeAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping malloc count in short mode")
	}
	ok := &response.Response{StatusCode: 200}
	h := handler.Func(func(context.Context, *event.Request) (*response.Response, error) { return ok, nil })
	for _, api := range []API{HTTP, REST} {
		r := New(Config{Source: api})
		for _, k := range allocKeys {
			r.Handle(k, h)
		}
		ctx := context.Background()
		for _, path := range []string{"/pets", "/pets/1/toys/ball", "/files/x/y"} {
			req := &event.Request{Method: "GET", Path: path, PathParameters: make(event.Params, 0, 4)}
			if n := testing.AllocsPerRun(100, func() { r.Serve(ctx, req) }); n != 0 {
				t.Errorf("%s: Serve(GET %s) allocs: got %.2f; want 0", api, path, n)
			}
		}
	}
}

// TestAdversarialPaths checks that hostile paths neither panic nor cost
// memory that grows with the path: Lookup allocates nothing and Serve the
// same at two sizes of each path. (Time is bounded by the search itself,
// which visits each node of the tree at most once; see the package
// documentation.)
func TestAdversarialPaths(t *testing.T) {
	r := mustRouter(t, Config{}, "GET /{a}/{b}/{c}/{d}/x", "GET /{a}/{b}/{c}/{d}/{e+}", "GET /a/a/a/a/y", "$default")
	rr := mustRouter(t, Config{Source: REST}, "GET /{a}/{b}/{c}/{d}/x", "GET /a/a/a/a/y", "GET /a/{p+}")
	for _, gen := range []func(n int) string{
		func(n int) string { return "/" + strings.Repeat("a/", n) },
		func(n int) string { return strings.Repeat("/", n) },
		func(n int) string { return "/" + strings.Repeat("%2F", n) },
		func(n int) string { return "/" + strings.Repeat("\u00e9\u4e16", n) },
		func(n int) string { return strings.Repeat("/a/../a/./a", n) },
		func(n int) string { return strings.Repeat("/\x00\xff", n) },
	} {
		var allocs [2]float64
		for k, n := range []int{1000, 100000} {
			p := gen(n)
			ctx := context.Background()
			req := &event.Request{Method: "GET", Path: p, PathParameters: make(event.Params, 0, 8)}
			allocs[k] = testing.AllocsPerRun(3, func() {
				r.Lookup("GET", p)
				rr.Lookup("GET", p)
				req.PathParameters = req.PathParameters[:0]
				r.Serve(ctx, req)
				req.PathParameters = req.PathParameters[:0]
				rr.Serve(ctx, req)
			})
		}
		if allocs[0] != allocs[1] {
			t.Errorf("%.20q...: %.0f allocations at 1,000 repeats, %.0f at 100,000", gen(1), allocs[0], allocs[1])
		}
	}
}

// TestNodeSize checks the layout the matchers rely on: the fields they
// read at every node fit in the first 64 bytes of a node, and a node is
// 128 bytes, so the allocator aligns it to a cache line, with its routes
// in the second line.
func TestNodeSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("layout is tuned for 64-bit platforms")
	}
	if s := unsafe.Sizeof(node{}); s != 128 {
		t.Errorf("node is %d bytes; want 128", s)
	}
	if o := unsafe.Offsetof(node{}.greedy) + unsafe.Sizeof(node{}.greedy); o > 64 {
		t.Errorf("node's hot fields end at byte %d; want 64 or less", o)
	}
	if o := unsafe.Offsetof(node{}.leaf); o != 64 {
		t.Errorf("node's leaf at byte %d; want 64", o)
	}
}
