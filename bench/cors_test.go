package bench

import (
	"context"
	"net/http"
	"testing"

	rscors "github.com/rs/cors"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// corsWriter is a ResponseWriter that reuses one header map, so that both
// libraries are measured without the cost of a real connection.
type corsWriter struct {
	h      http.Header
	status int
}

func (w *corsWriter) Header() http.Header         { return w.h }
func (w *corsWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *corsWriter) WriteHeader(s int)           { w.status = s }

func (w *corsWriter) reset() {
	for k := range w.h {
		delete(w.h, k)
	}
	w.status = 0
}

// The same configuration for both libraries.
var (
	corsConfig = cors.Config{
		AllowOrigins:  []string{"https://app.example.com", "https://admin.example.com"},
		AllowMethods:  []string{"GET", "PUT", "POST"},
		AllowHeaders:  []string{"content-type", "x-trace"},
		ExposeHeaders: []string{"x-request-id"},
		MaxAge:        300,
	}
	rsOptions = rscors.Options{
		AllowedOrigins: []string{"https://app.example.com", "https://admin.example.com"},
		AllowedMethods: []string{"GET", "PUT", "POST"},
		AllowedHeaders: []string{"content-type", "x-trace"},
		ExposedHeaders: []string{"x-request-id"},
		MaxAge:         300,
	}
)

var ctJSON = []string{"application/json"}

func corsApp(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = ctJSON
	w.WriteHeader(http.StatusOK)
}

type corsCase struct {
	name string
	req  *http.Request
}

func corsCases() []corsCase {
	preflight, _ := http.NewRequest("OPTIONS", "https://api.example.com/items", nil)
	preflight.Header = http.Header{
		"Origin":                         {"https://app.example.com"},
		"Access-Control-Request-Method":  {"PUT"},
		"Access-Control-Request-Headers": {"content-type,x-trace"},
	}
	actual, _ := http.NewRequest("GET", "https://api.example.com/items", nil)
	actual.Header = http.Header{"Origin": {"https://app.example.com"}, "Accept": {"*/*"}}
	disallowed, _ := http.NewRequest("OPTIONS", "https://api.example.com/items", nil)
	disallowed.Header = http.Header{
		"Origin":                         {"https://evil.example.net"},
		"Access-Control-Request-Method":  {"PUT"},
		"Access-Control-Request-Headers": {"content-type"},
	}
	return []corsCase{{"preflight", preflight}, {"actual", actual}, {"disallowed", disallowed}}
}

// BenchmarkCORS compares the net/http middleware of package cors with
// github.com/rs/cors configured the same, on the same writer.
func BenchmarkCORS(b *testing.B) {
	handlers := corsHandlers(corsApp)
	for _, c := range corsCases() {
		b.Run(c.name, func(b *testing.B) {
			for _, h := range handlers {
				b.Run(h.name, func(b *testing.B) { benchCORS(b, h.h, c.req) })
			}
		})
	}
}

// A corsHandler is one middleware under test around an app.
type corsHandler struct {
	name string
	h    http.Handler
}

// corsHandlers returns the lambdagate and rs/cors middleware, configured
// the same, around app.
func corsHandlers(app http.HandlerFunc) []corsHandler {
	return []corsHandler{
		{"lambdagate", cors.MustNew(corsConfig).HTTPMiddleware(app)},
		{"rscors", rscors.New(rsOptions).Handler(app)},
	}
}

// benchCORS measures h serving req on a reused writer.
func benchCORS(b *testing.B, h http.Handler, req *http.Request) {
	w := &corsWriter{h: make(http.Header, 8)}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
	}
}

var requestID = []string{"4f6c1d2e"}

// corsAppWithHeaders is a handler that sets headers of its own, a CORS
// one among them.
func corsAppWithHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = ctJSON
	h["X-Request-Id"] = requestID
	h["Access-Control-Allow-Origin"] = headerStar
	w.WriteHeader(http.StatusOK)
}

var headerStar = []string{"*"}

// BenchmarkCORSBackendHeaders measures an actual request whose handler
// sets several headers, one of them Access-Control-Allow-Origin: the
// lambdagate middleware ranges over the header to find it and replaces
// its value (API Gateway ignores the backend's CORS headers); rs/cors
// lets the handler's value through.
func BenchmarkCORSBackendHeaders(b *testing.B) {
	req := corsCases()[1].req
	for _, h := range corsHandlers(corsAppWithHeaders) {
		b.Run(h.name, func(b *testing.B) { benchCORS(b, h.h, req) })
	}
}

// BenchmarkCORSHandler measures the lambdagate Handler middleware: a
// preflight answer is a new response (one allocation); an actual request
// edits the handler's response in place.
func BenchmarkCORSHandler(b *testing.B) {
	resp := &response.Response{StatusCode: 200, Header: make(event.Header, 0, 8)}
	app := lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		resp.Header = append(resp.Header[:0], event.Field{Name: "content-type", Value: "application/json"})
		return resp, nil
	})
	h := cors.MustNew(corsConfig).Middleware(app)
	ctx := context.Background()
	for _, c := range corsCases() {
		req := &event.Request{Method: c.req.Method, Path: "/items", Header: event.FromHTTPHeader(c.req.Header)}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.Serve(ctx, req)
			}
		})
	}
}

// BenchmarkCORSGateway measures the steps a gateway runs, on event
// headers with reused buffers: IsPreflight, then Preflight or Apply.
func BenchmarkCORSGateway(b *testing.B) {
	c := cors.MustNew(corsConfig)
	dst := make(event.Header, 0, 8)
	for _, cc := range corsCases() {
		req := event.FromHTTPHeader(cc.req.Header)
		method := cc.req.Method
		b.Run(cc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if cors.IsPreflight(method, req) {
					dst, _ = c.Preflight(dst[:0], req)
				} else {
					dst = c.Apply(append(dst[:0], event.Field{Name: "content-type", Value: "application/json"}), method, req)
				}
			}
		})
	}
}
