package cors

import (
	"context"
	"net/http"
	"testing"

	"github.com/lambdagate/lambdagate/internal/race"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// nopWriter is a ResponseWriter that keeps one header map and allocates
// nothing, so that allocations counted are the CORS stage's own.
type nopWriter struct {
	h      http.Header
	status int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(s int)           { w.status = s }

func (w *nopWriter) reset() {
	for k := range w.h {
		delete(w.h, k)
	}
}

var allocConfigs = []struct {
	name   string
	cfg    Config
	origin string
}{
	{"exact", appCfg, "https://app.example.com"},
	{"exact upper case", appCfg, "https://APP.example.com"},
	{"subdomain with credentials", credCfg, "https://a.b.example.com"},
	{"any", Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"*"}, MaxAge: 60}, "https://x.test"},
	{"scheme", Config{AllowOrigins: []string{"http://*", "https://x.example.com"}}, "http://[::1]:3000"},
	{"disallowed", appCfg, "https://evil.example"},
}

func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("AllocsPerRun in -short mode")
	}
	if race.Enabled {
		t.Skip("the race detector allocates")
	}
	ctx := context.Background()
	for _, ac := range allocConfigs {
		c := MustNew(ac.cfg)
		preflightHdr := event.Header{{Name: "origin", Value: ac.origin}, {Name: "access-control-request-method", Value: "PUT"},
			{Name: "access-control-request-headers", Value: "content-type"}}
		actualHdr := event.Header{{Name: "origin", Value: ac.origin}, {Name: "accept", Value: "*/*"}}
		dst := make(event.Header, 0, 8)
		backendHdr := event.Header{{Name: "content-type", Value: "application/json"}, {Name: "access-control-allow-origin", Value: "*"}}

		// A handler returning a response with room for the CORS fields.
		resp := &response.Response{StatusCode: 200}
		handler := c.Middleware(handlerFunc(func() *response.Response {
			resp.Header = append(resp.Header[:0], backendHdr...)
			return resp
		}))
		preq := &event.Request{Method: "OPTIONS", Path: "/", Header: preflightHdr}
		areq := &event.Request{Method: "GET", Path: "/", Header: actualHdr}
		resp.Header = make(event.Header, 0, 8)

		hr := &http.Request{Method: "OPTIONS", Header: http.Header{"Origin": {ac.origin}, "Access-Control-Request-Method": {"PUT"}}}
		ha := &http.Request{Method: "GET", Header: http.Header{"Origin": {ac.origin}}}
		w := &nopWriter{h: make(http.Header, 8)}
		netHandler := c.HTTPMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = ctJSON
			w.WriteHeader(200)
		}))
		// A handler setting headers of its own, CORS ones included, which
		// are found by ranging over the header.
		netBackendCORS := c.HTTPMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h["Content-Type"] = ctJSON
			h["X-Request-Id"] = ctJSON
			h["Access-Control-Allow-Origin"] = ctJSON
			w.WriteHeader(200)
		}))

		for _, tt := range []struct {
			name string
			f    func()
		}{
			{"AllowOrigin", func() { c.AllowOrigin(ac.origin) }},
			{"IsPreflight", func() { IsPreflight("OPTIONS", preflightHdr) }},
			{"Preflight", func() { c.Preflight(dst[:0], preflightHdr) }},
			{"Apply", func() { c.Apply(append(dst[:0], backendHdr...), "GET", actualHdr) }},
			{"PreflightHTTP", func() { w.reset(); c.PreflightHTTP(w.h, hr.Header) }},
			{"ApplyHTTP", func() { w.reset(); w.h["Content-Type"] = ctJSON; c.ApplyHTTP(w.h, "GET", ha.Header) }},
			{"Handler preflight", func() { w.reset(); netHandler.ServeHTTP(w, hr) }},
			{"Handler actual", func() { w.reset(); netHandler.ServeHTTP(w, ha) }},
			{"Handler actual, backend CORS headers", func() { w.reset(); netBackendCORS.ServeHTTP(w, ha) }},
			{"Middleware actual", func() { handler.Serve(ctx, areq) }},
		} {
			if got := testing.AllocsPerRun(100, tt.f); got != 0 {
				t.Errorf("%s: %s allocs: got %.2f; want 0", ac.name, tt.name, got)
			}
		}
		// Returning a new response costs exactly one allocation.
		if got := testing.AllocsPerRun(100, func() { handler.Serve(ctx, preq) }); got != 1 {
			t.Errorf("%s: Middleware preflight allocs: got %.2f; want 1 (the response)", ac.name, got)
		}
	}
}

var ctJSON = []string{"application/json"}

type handlerFunc func() *response.Response

func (f handlerFunc) Serve(context.Context, *event.Request) (*response.Response, error) {
	return f(), nil
}
