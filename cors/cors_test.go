package cors

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// backend is the handler behind the CORS stage in tests. It answers with
// a fixed status and header, counts its calls, and, when routes is not
// nil, is a Router whose OPTIONS routes are the paths in routes.
type backend struct {
	status int
	header []string // "Name: value"
	err    error
	calls  atomic.Int64
}

func (b *backend) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	b.calls.Add(1)
	if b.err != nil {
		return nil, b.err
	}
	r := &response.Response{StatusCode: b.status, Body: []byte("body")}
	for _, f := range b.header {
		n, v, _ := strings.Cut(f, ": ")
		r.Header.Add(n, v)
	}
	return r, nil
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.calls.Add(1)
	for _, f := range b.header {
		n, v, _ := strings.Cut(f, ": ")
		w.Header().Add(n, v)
	}
	w.WriteHeader(b.status)
	w.Write([]byte("body"))
}

type routedBackend struct {
	*backend
	routes []string
}

func (b routedBackend) Lookup(method, path string) (string, bool) {
	if method != http.MethodOptions {
		panic("Lookup called with method " + method)
	}
	if slices.Contains(b.routes, path) {
		return "OPTIONS " + path, true
	}
	return "", false
}

// result is what a client gets, names lower case, fields sorted.
type result struct {
	status int
	called bool
	fields []string
}

func (r result) String() string {
	return strings.Join(append([]string{http.StatusText(r.status)}, r.fields...), " | ")
}

func sortedFields(h event.Header) []string {
	var out []string
	for _, f := range h {
		out = append(out, strings.ToLower(f.Name)+": "+f.Value)
	}
	slices.Sort(out)
	return out
}

type behaviourTest struct {
	name    string
	cfg     Config
	method  string
	header  []string // request header, "Name: value"
	routes  []string // nil: the handler is no Router
	backend []string // backend response header
	status  int      // backend status, 0 = 200
	// want
	wantStatus int
	called     bool
	want       []string // response header, lower-case names, sorted
}

var appCfg = Config{
	AllowOrigins:  []string{"https://app.example.com"},
	AllowMethods:  []string{"GET", "PUT"},
	AllowHeaders:  []string{"content-type", "x-trace"},
	ExposeHeaders: []string{"x-request-id"},
	MaxAge:        300,
}

var credCfg = Config{
	AllowOrigins:     []string{"https://*.example.com"},
	AllowMethods:     []string{"POST"},
	AllowCredentials: true,
}

var behaviourTests = []behaviourTest{
	{
		name: "preflight from an allowed origin is answered without the handler", cfg: appCfg,
		method: "OPTIONS", header: []string{"Origin: https://app.example.com", "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type"},
		wantStatus: 204,
		want: []string{"access-control-allow-headers: content-type,x-trace", "access-control-allow-methods: GET,PUT",
			"access-control-allow-origin: https://app.example.com", "access-control-max-age: 300", "vary: Origin"},
	},
	{
		name: "preflight lists the configured methods whatever is asked", cfg: appCfg,
		method: "OPTIONS", header: []string{"Origin: https://app.example.com", "Access-Control-Request-Method: DELETE"},
		wantStatus: 204,
		want: []string{"access-control-allow-headers: content-type,x-trace", "access-control-allow-methods: GET,PUT",
			"access-control-allow-origin: https://app.example.com", "access-control-max-age: 300", "vary: Origin"},
	},
	{
		name: "preflight from a disallowed origin gets 204 and no CORS headers", cfg: appCfg,
		method: "OPTIONS", header: []string{"Origin: https://evil.example", "Access-Control-Request-Method: PUT"},
		wantStatus: 204, want: []string{"vary: Origin"},
	},
	{
		name:   "disallowed preflight status is configurable",
		cfg:    Config{AllowOrigins: []string{"https://app.example.com"}, DisallowedPreflightStatus: 403},
		method: "OPTIONS", header: []string{"Origin: https://evil.example", "Access-Control-Request-Method: PUT"},
		wantStatus: 403, want: []string{"vary: Origin"},
	},
	{
		name: "OPTIONS without Access-Control-Request-Method is routed", cfg: appCfg,
		method: "OPTIONS", header: []string{"Origin: https://app.example.com"},
		wantStatus: 200, called: true,
		want: []string{"access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "vary: Origin"},
	},
	{
		name: "OPTIONS without Origin is routed", cfg: appCfg,
		method: "OPTIONS", header: []string{"Access-Control-Request-Method: PUT"},
		wantStatus: 200, called: true, want: []string{"vary: Origin"},
	},
	{
		name: "empty Access-Control-Request-Method is no preflight", cfg: appCfg,
		method: "OPTIONS", header: []string{"Origin: https://app.example.com", "Access-Control-Request-Method: "},
		wantStatus: 200, called: true,
		want: []string{"access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "vary: Origin"},
	},
	{
		name: "preflight captured by an OPTIONS route reaches the handler and gets preflight headers", cfg: appCfg,
		method: "OPTIONS", header: []string{"Origin: https://app.example.com", "Access-Control-Request-Method: PUT"},
		routes: []string{"/items"}, backend: []string{"Access-Control-Allow-Methods: DELETE"},
		wantStatus: 200, called: true,
		want: []string{"access-control-allow-headers: content-type,x-trace", "access-control-allow-methods: GET,PUT",
			"access-control-allow-origin: https://app.example.com", "access-control-max-age: 300", "vary: Origin"},
	},
	{
		name: "preflight captured by a route whose authorizer refuses keeps the 401", cfg: appCfg,
		method: "OPTIONS", header: []string{"Origin: https://app.example.com", "Access-Control-Request-Method: PUT"},
		routes: []string{"/items"}, status: 401,
		wantStatus: 401, called: true,
		want: []string{"access-control-allow-headers: content-type,x-trace", "access-control-allow-methods: GET,PUT",
			"access-control-allow-origin: https://app.example.com", "access-control-max-age: 300", "vary: Origin"},
	},
	{
		name: "preflight on a path with no OPTIONS route is answered by the stage", cfg: appCfg,
		method: "OPTIONS", header: []string{"Origin: https://app.example.com", "Access-Control-Request-Method: PUT"},
		routes:     []string{"/other"},
		wantStatus: 204,
		want: []string{"access-control-allow-headers: content-type,x-trace", "access-control-allow-methods: GET,PUT",
			"access-control-allow-origin: https://app.example.com", "access-control-max-age: 300", "vary: Origin"},
	},
	{
		name: "actual request: backend CORS headers are replaced", cfg: appCfg,
		method: "GET", header: []string{"Origin: https://app.example.com"},
		backend:    []string{"Access-Control-Allow-Origin: *", "access-control-allow-credentials: true", "ACCESS-CONTROL-MAX-AGE: 9", "Content-Type: text/plain"},
		wantStatus: 200, called: true,
		want: []string{"access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id",
			"content-type: text/plain", "vary: Origin"},
	},
	{
		name: "actual request from a disallowed origin: backend CORS headers still dropped", cfg: appCfg,
		method: "GET", header: []string{"Origin: https://evil.example"},
		backend:    []string{"Access-Control-Allow-Origin: *"},
		wantStatus: 200, called: true, want: []string{"vary: Origin"},
	},
	{
		name: "actual request without Origin gets only Vary", cfg: appCfg,
		method: "GET", wantStatus: 200, called: true, want: []string{"vary: Origin"},
	},
	{
		name: "Vary listing Origin is kept as is", cfg: appCfg,
		method: "GET", backend: []string{"Vary: Accept-Encoding, origin"},
		wantStatus: 200, called: true, want: []string{"vary: Accept-Encoding, origin"},
	},
	{
		name: "Vary is extended", cfg: appCfg,
		method: "GET", backend: []string{"Vary: Accept-Encoding"},
		wantStatus: 200, called: true, want: []string{"vary: Accept-Encoding", "vary: Origin"},
	},
	{
		name: "Vary: * covers Origin", cfg: appCfg,
		method: "GET", backend: []string{"Vary: *"},
		wantStatus: 200, called: true, want: []string{"vary: *"},
	},
	{
		name: "error statuses from the handler get CORS headers too", cfg: appCfg,
		method: "PUT", header: []string{"Origin: https://app.example.com"}, status: 500,
		wantStatus: 500, called: true,
		want: []string{"access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "vary: Origin"},
	},
	{
		name: "any origin is answered with *", cfg: Config{AllowOrigins: []string{"*"}, AllowHeaders: []string{"*"}},
		method: "OPTIONS", header: []string{"Origin: https://x.test", "Access-Control-Request-Method: PUT"},
		wantStatus: 204,
		want:       []string{"access-control-allow-headers: *", "access-control-allow-origin: *", "vary: Origin"},
	},
	{
		name: "credentials on a preflight", cfg: credCfg,
		method: "OPTIONS", header: []string{"Origin: https://a.example.com", "Access-Control-Request-Method: POST"},
		wantStatus: 204,
		want: []string{"access-control-allow-credentials: true", "access-control-allow-methods: POST",
			"access-control-allow-origin: https://a.example.com", "vary: Origin"},
	},
	{
		name: "credentials on an actual response", cfg: credCfg,
		method: "POST", header: []string{"Origin: https://a.example.com"},
		wantStatus: 200, called: true,
		want: []string{"access-control-allow-credentials: true", "access-control-allow-origin: https://a.example.com", "vary: Origin"},
	},
	{
		name: "max age -1 sends 0", cfg: Config{AllowOrigins: []string{"*"}, MaxAge: -1},
		method: "OPTIONS", header: []string{"Origin: https://x.test", "Access-Control-Request-Method: PUT"},
		wantStatus: 204, want: []string{"access-control-allow-origin: *", "access-control-max-age: 0", "vary: Origin"},
	},
	{
		name: "the zero Config allows nothing", method: "OPTIONS",
		header:     []string{"Origin: https://x.test", "Access-Control-Request-Method: GET"},
		wantStatus: 204, want: []string{"vary: Origin"},
	},
	{
		name: "header names are matched case-insensitively", cfg: appCfg,
		method: "OPTIONS", header: []string{"ORIGIN: https://app.example.com", "access-control-request-METHOD: PUT"},
		wantStatus: 204,
		want: []string{"access-control-allow-headers: content-type,x-trace", "access-control-allow-methods: GET,PUT",
			"access-control-allow-origin: https://app.example.com", "access-control-max-age: 300", "vary: Origin"},
	},
	{
		name: "method is case-sensitive: options is no preflight", cfg: appCfg,
		method: "options", header: []string{"Origin: https://app.example.com", "Access-Control-Request-Method: PUT"},
		wantStatus: 200, called: true,
		want: []string{"access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "vary: Origin"},
	},
}

func (tt behaviourTest) newBackend() (*backend, any) {
	b := &backend{status: tt.status, header: tt.backend}
	if b.status == 0 {
		b.status = 200
	}
	if tt.routes != nil {
		return b, routedBackend{b, tt.routes}
	}
	return b, b
}

// runEvent runs tt through CORS.Middleware.
func runEvent(t *testing.T, c *CORS, tt behaviourTest) result {
	t.Helper()
	b, h := tt.newBackend()
	req := &event.Request{Method: tt.method, Path: "/items"}
	for _, f := range tt.header {
		n, v, _ := strings.Cut(f, ":")
		req.Header.Add(n, strings.TrimSpace(v))
	}
	resp, err := c.Middleware(h.(handler.Handler)).Serve(context.Background(), req)
	if err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if b.calls.Load() == 0 && len(resp.Body) != 0 {
		t.Errorf("preflight answer has body %q; want none", resp.Body)
	}
	return result{resp.Status(), b.calls.Load() > 0, sortedFields(resp.Header)}
}

// runHTTP runs tt through CORS.Handler.
func runHTTP(t *testing.T, c *CORS, tt behaviourTest) result {
	t.Helper()
	b, h := tt.newBackend()
	r := httptest.NewRequest(tt.method, "/items", nil)
	for _, f := range tt.header {
		n, v, _ := strings.Cut(f, ":")
		r.Header.Add(n, strings.TrimSpace(v))
	}
	w := httptest.NewRecorder()
	c.HTTPMiddleware(h.(http.Handler)).ServeHTTP(w, r)
	if b.calls.Load() == 0 && w.Body.Len() != 0 {
		t.Errorf("preflight answer has body %q; want none", w.Body)
	}
	return result{w.Code, b.calls.Load() > 0, sortedFields(event.FromHTTPHeader(w.Result().Header))}
}

func TestBehaviour(t *testing.T) {
	for _, tt := range behaviourTests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			want := result{tt.wantStatus, tt.called, tt.want}
			if got := runEvent(t, c, tt); got.String() != want.String() || got.called != want.called {
				t.Errorf("Middleware: %s %q\n got called=%t %s\nwant called=%t %s", tt.method, tt.header, got.called, got, want.called, want)
			}
			if got := runHTTP(t, c, tt); got.String() != want.String() || got.called != want.called {
				t.Errorf("Handler: %s %q\n got called=%t %s\nwant called=%t %s", tt.method, tt.header, got.called, got, want.called, want)
			}
		})
	}
}

// TestPrimitives checks that the gateway steps give what the middleware
// gives, on every behaviour test.
func TestPrimitives(t *testing.T) {
	for _, tt := range behaviourTests {
		c := MustNew(tt.cfg)
		var req event.Header
		for _, f := range tt.header {
			n, v, _ := strings.Cut(f, ":")
			req.Add(n, strings.TrimSpace(v))
		}
		b, h := tt.newBackend()
		var got result
		if IsPreflight(tt.method, req) && tt.routes == nil {
			hdr, status := c.Preflight(nil, req)
			got = result{status, false, sortedFields(hdr)}
		} else {
			resp, _ := h.(handler.Handler).Serve(context.Background(), &event.Request{Method: tt.method, Header: req})
			got = result{resp.Status(), b.calls.Load() > 0, sortedFields(c.Apply(resp.Header, tt.method, req))}
		}
		want := result{tt.wantStatus, tt.called, tt.want}
		if tt.routes != nil && !tt.called {
			continue // the route fake decides by path, which the primitives do not see
		}
		if got.String() != want.String() {
			t.Errorf("%s: primitives give %s; want %s", tt.name, got, want)
		}
	}
}

func TestHandlerError(t *testing.T) {
	c := MustNew(appCfg)
	boom := errors.New("boom")
	resp, err := c.Middleware(&backend{err: boom}).Serve(context.Background(), &event.Request{
		Method: "GET", Header: event.Header{{Name: "Origin", Value: "https://app.example.com"}},
	})
	if resp != nil || err != boom {
		t.Errorf("Serve = %v, %v; want nil, %v (gateway errors carry no CORS headers)", resp, err, boom)
	}
}

func TestRouterKept(t *testing.T) {
	c := MustNew(appCfg)
	rb := routedBackend{&backend{status: 200}, []string{"/a"}}
	if r, ok := c.Middleware(rb).(Router); !ok {
		t.Error("Middleware(router) does not implement Router")
	} else if key, ok := r.Lookup("OPTIONS", "/a"); !ok || key != "OPTIONS /a" {
		t.Errorf("Lookup(OPTIONS, /a) = %q, %t; want %q, true", key, ok, "OPTIONS /a")
	}
	if _, ok := c.HTTPMiddleware(rb).(Router); !ok {
		t.Error("Handler(router) does not implement Router")
	}
	if _, ok := c.Middleware(&backend{}).(Router); ok {
		t.Error("Middleware(handler) implements Router")
	}
}

// TestHandlerWriter checks the ResponseWriter given to net/http handlers:
// headers set after the first write are not touched, a handler that
// writes nothing still gets CORS headers, and Flush and Unwrap work.
func TestHandlerWriter(t *testing.T) {
	c := MustNew(appCfg)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Origin", "https://app.example.com")

	w := httptest.NewRecorder()
	c.HTTPMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})).ServeHTTP(w, r)
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("silent handler: Access-Control-Allow-Origin = %q", got)
	}

	w = httptest.NewRecorder()
	c.HTTPMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.(http.Flusher).Flush()
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("ResponseController.Flush: %v", err)
		}
		w.Write([]byte("x"))
	})).ServeHTTP(w, r)
	if got := w.Result().Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("flushing handler: Access-Control-Allow-Origin = %q", got)
	}
	if !w.Flushed {
		t.Error("Flush did not reach the recorder")
	}
}

// TestPreflightResponseOwned checks that each preflight answer of the
// middleware is the caller's to modify.
func TestPreflightResponseOwned(t *testing.T) {
	c := MustNew(appCfg)
	h := c.Middleware(&backend{})
	req := &event.Request{Method: "OPTIONS", Header: event.Header{
		{Name: "Origin", Value: "https://app.example.com"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}
	a, _ := h.Serve(context.Background(), req)
	a.Header.Set("access-control-allow-origin", "changed")
	a.Header.Add("x-more", "1")
	b, _ := h.Serve(context.Background(), req)
	if got := b.Header.Get("access-control-allow-origin"); got != "https://app.example.com" {
		t.Errorf("second answer has Access-Control-Allow-Origin %q after the first was modified", got)
	}
}

// TestConcurrent serves requests from many goroutines; run with -race it
// checks that the shared header values and the writer pool are safe.
func TestConcurrent(t *testing.T) {
	c := MustNew(credCfg)
	h := c.HTTPMiddleware(&backend{status: 200, header: []string{"Vary: Accept"}})
	mw := c.Middleware(&backend{status: 200})
	done := make(chan bool)
	for g := range 8 {
		go func() {
			defer func() { done <- true }()
			for i := range 50 {
				origin := "https://a" + string(rune('a'+g)) + ".example.com"
				r := httptest.NewRequest("GET", "/", nil)
				if i%2 == 0 {
					r.Method = "OPTIONS"
					r.Header.Set("Access-Control-Request-Method", "POST")
				}
				r.Header.Set("Origin", origin)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				w.Header().Add("Vary", "X") // appending must not write into shared values
				if got := w.Header().Get("Access-Control-Allow-Origin"); got != origin {
					t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, origin)
				}
				resp, _ := mw.Serve(context.Background(), &event.Request{Method: r.Method, Header: event.FromHTTPHeader(r.Header)})
				if got := resp.Header.Get("access-control-allow-origin"); got != origin {
					t.Errorf("Middleware: access-control-allow-origin = %q, want %q", got, origin)
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}
