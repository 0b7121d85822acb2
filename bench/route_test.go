package bench

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/julienschmidt/httprouter"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// routeSpec is one route of the GitHub API route set: the route key in
// {param} syntax and the request that exercises it (each variable replaced
// by its own name, as the Go HTTP routing benchmark does).
type routeSpec struct {
	method, key, path string
}

var routeVar = regexp.MustCompile(`\{([A-Za-z_]+)\}`)

func githubRoutes(tb testing.TB) []routeSpec {
	tb.Helper()
	b, err := os.ReadFile("testdata/github_routes.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var rs []routeSpec
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		method, path, _ := strings.Cut(line, " ")
		rs = append(rs, routeSpec{method: method, key: line, path: routeVar.ReplaceAllString(path, "$1")})
	}
	if len(rs) != 203 {
		tb.Fatalf("%d GitHub routes, want 203", len(rs))
	}
	return rs
}

// routeOK is the response every lambdagate route handler returns.
var routeOK = &response.Response{StatusCode: 200}

func routeNop(context.Context, *event.Request) (*response.Response, error) { return routeOK, nil }

type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

func httpNop(http.ResponseWriter, *http.Request) {}

// A routeBench is one router under test: build registers the routes, and
// the returned serve function serves request i.
type routeBench struct {
	name  string
	build func(tb testing.TB, rs []routeSpec) func(i int)
}

func lambdagateBench(api event.Source, lookup bool) func(testing.TB, []routeSpec) func(int) {
	return func(tb testing.TB, rs []routeSpec) func(int) {
		r := route.New(route.Config{Source: api})
		for _, s := range rs {
			if err := r.Register(s.key, lambdagate.HandlerFunc(routeNop)); err != nil {
				tb.Fatal(err)
			}
		}
		reqs := make([]*event.Request, len(rs))
		for i, s := range rs {
			reqs[i] = &event.Request{Method: s.method, Path: s.path, PathParameters: make(event.Params, 0, 4)}
		}
		ctx := context.Background()
		if lookup {
			return func(i int) {
				if _, ok := r.Lookup(rs[i].method, rs[i].path); !ok {
					panic("no route for " + rs[i].path)
				}
			}
		}
		return func(i int) {
			if res, _ := r.Serve(ctx, reqs[i]); res != routeOK {
				panic("no route for " + rs[i].path)
			}
		}
	}
}

func httpRequests(rs []routeSpec) []*http.Request {
	reqs := make([]*http.Request, len(rs))
	for i, s := range rs {
		req, err := http.NewRequest(s.method, s.path, nil)
		if err != nil {
			panic(err)
		}
		reqs[i] = req
	}
	return reqs
}

func serveHTTP(h http.Handler, rs []routeSpec) func(int) {
	reqs := httpRequests(rs)
	w := &nopWriter{h: http.Header{}}
	return func(i int) { h.ServeHTTP(w, reqs[i]) }
}

var routeBenches = []routeBench{
	{"lambdagate", lambdagateBench(event.HTTPAPI, false)},
	{"lambdagate-rest", lambdagateBench(event.REST, false)},
	{"lambdagate-lookup", lambdagateBench(event.HTTPAPI, true)},
	{"httprouter", func(tb testing.TB, rs []routeSpec) func(int) {
		r := httprouter.New()
		for _, s := range rs {
			r.Handle(s.method, routeVar.ReplaceAllString(strings.TrimPrefix(s.key, s.method+" "), ":$1"),
				func(http.ResponseWriter, *http.Request, httprouter.Params) {})
		}
		return serveHTTP(r, rs)
	}},
	{"chi", func(tb testing.TB, rs []routeSpec) func(int) {
		r := chi.NewRouter()
		for _, s := range rs {
			r.MethodFunc(s.method, strings.TrimPrefix(s.key, s.method+" "), httpNop)
		}
		return serveHTTP(r, rs)
	}},
	{"servemux", func(tb testing.TB, rs []routeSpec) func(int) {
		mux := http.NewServeMux()
		for _, s := range rs {
			mux.HandleFunc(s.key, httpNop)
		}
		return serveHTTP(mux, rs)
	}},
}

// BenchmarkRoute measures routing the GitHub API route set: githubAll
// serves each of its 203 routes once per op, githubParam one route with
// three parameters. lambdagate-lookup only looks the route up.
func BenchmarkRoute(b *testing.B) {
	rs := githubRoutes(b)
	param := -1
	for i, s := range rs {
		if s.key == "GET /repos/{owner}/{repo}/issues/{number}/comments" {
			param = i
		}
	}
	if param < 0 {
		b.Fatal("githubParam route missing")
	}
	for _, rb := range routeBenches {
		serve := rb.build(b, rs)
		b.Run("githubAll/"+rb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i := range rs {
					serve(i)
				}
			}
		})
	}
	for _, rb := range routeBenches {
		serve := rb.build(b, rs)
		b.Run("githubParam/"+rb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				serve(param)
			}
		})
	}
}

// BenchmarkRouteBuild measures a cold start: registering the 203 routes
// and serving the first request (request construction excluded).
func BenchmarkRouteBuild(b *testing.B) {
	rs := githubRoutes(b)
	paths := make([]string, len(rs)) // path templates, {param} syntax
	colon := make([]string, len(rs)) // httprouter's :param syntax
	for i, s := range rs {
		paths[i] = strings.TrimPrefix(s.key, s.method+" ")
		colon[i] = routeVar.ReplaceAllString(paths[i], ":$1")
	}
	first := rs[0]
	hreq, _ := http.NewRequest(first.method, first.path, nil)
	w := &nopWriter{h: http.Header{}}
	ctx := context.Background()
	for _, api := range []event.Source{event.HTTPAPI, event.REST} {
		name := "lambdagate"
		if api == event.REST {
			name = "lambdagate-rest"
		}
		b.Run("github/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := route.New(route.Config{Source: api})
				for _, s := range rs {
					if err := r.Register(s.key, lambdagate.HandlerFunc(routeNop)); err != nil {
						b.Fatal(err)
					}
				}
				r.Serve(ctx, &event.Request{Method: first.method, Path: first.path})
			}
		})
	}
	b.Run("github/httprouter", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := httprouter.New()
			for i, s := range rs {
				r.Handle(s.method, colon[i], func(http.ResponseWriter, *http.Request, httprouter.Params) {})
			}
			r.ServeHTTP(w, hreq)
		}
	})
	b.Run("github/chi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := chi.NewRouter()
			for i, s := range rs {
				r.MethodFunc(s.method, paths[i], httpNop)
			}
			r.ServeHTTP(w, hreq)
		}
	})
	b.Run("github/servemux", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			mux := http.NewServeMux()
			for _, s := range rs {
				mux.HandleFunc(s.key, httpNop)
			}
			mux.ServeHTTP(w, hreq)
		}
	})
}

// TestGithubRoutes checks that every router under test takes every route.
func TestGithubRoutes(t *testing.T) {
	rs := githubRoutes(t)
	r := route.New(route.Config{})
	rr := route.New(route.Config{Source: event.REST})
	for _, s := range rs {
		r.Handle(s.key, lambdagate.HandlerFunc(routeNop))
		rr.Handle(s.key, lambdagate.HandlerFunc(routeNop))
	}
	for _, s := range rs {
		if got, ok := r.Lookup(s.method, s.path); !ok || got != s.key {
			t.Errorf("HTTP Lookup(%s, %s) = %q, want %q", s.method, s.path, got, s.key)
		}
		if got, ok := rr.Lookup(s.method, s.path); !ok || got != s.key {
			t.Errorf("REST Lookup(%s, %s) = %q, want %q", s.method, s.path, got, s.key)
		}
	}
	for _, rb := range routeBenches {
		serve := rb.build(t, rs)
		for i := range rs {
			serve(i)
		}
	}
}
