package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/response"
)

// echo answers with what it received, as JSON.
var echo = handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.JSON(200, map[string]any{
		"source": req.Source.String(), "version": req.Version, "method": req.Method, "path": req.Path,
		"rawPath": req.RawPath, "stage": req.Stage, "routeKey": req.RouteKey, "resource": req.Resource,
		"params": req.PathParameters.Map(), "query": req.Query.Map(), "cookies": req.Cookies,
		"body": string(req.Body), "b64": req.IsBase64Encoded, "stageVars": req.StageVariables.Map(),
		"requestId": req.RequestID, "sourceIp": req.SourceIP,
	})
})

func decode(t *testing.T, r *http.Response) map[string]any {
	t.Helper()
	body := gatewaytest.Body(t, r)
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("status %d body %q: %v", r.StatusCode, body, err)
	}
	return m
}

func httpAPI(t *testing.T) *gatewaytest.Server {
	return gatewaytest.New(t, gateway.API{
		Stages: []gateway.Stage{{Name: "$default"}, {Name: "dev", Variables: map[string]string{"env": "dev"}}},
		Routes: []gateway.Route{
			{Key: "GET /pets/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}},
			{Key: "ANY /pets/{proxy+}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}},
			{Key: "POST /v1/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo), PayloadVersion: event.PayloadV1}},
		},
	})
}

func TestHTTPAPIRouting(t *testing.T) {
	s := httpAPI(t)
	for _, tt := range []struct {
		method, target string
		status         int
		want           map[string]any
	}{
		{"GET", "/pets/7?x=1", 200, map[string]any{"routeKey": "GET /pets/{id}", "path": "/pets/7", "stage": "$default", "version": "2.0", "params": map[string]any{"id": "7"}, "query": map[string]any{"x": "1"}}},
		{"GET", "/dev/pets/7", 200, map[string]any{"routeKey": "GET /pets/{id}", "path": "/pets/7", "rawPath": "/dev/pets/7", "stage": "dev", "stageVars": map[string]any{"env": "dev"}}},
		{"DELETE", "/pets/7/toys", 200, map[string]any{"routeKey": "ANY /pets/{proxy+}", "params": map[string]any{"proxy": "7/toys"}}},
		{"GET", "/pets/a%20b", 200, map[string]any{"path": "/pets/a b", "params": map[string]any{"id": "a b"}}},
		{"POST", "/v1/9", 200, map[string]any{"version": "1.0", "resource": "/v1/{id}", "path": "/v1/9", "params": map[string]any{"id": "9"}}},
		{"GET", "/nothing", 404, nil},
		{"POST", "/pets", 404, nil},
		{"GET", "/pets/100%25done", 400, nil},
	} {
		r := s.Request(tt.method, tt.target, "")
		if r.StatusCode != tt.status {
			t.Errorf("%s %s = %d, want %d (%s)", tt.method, tt.target, r.StatusCode, tt.status, gatewaytest.Body(t, r))
			continue
		}
		if r.Header.Get("Apigw-Requestid") == "" && tt.status != 400 {
			t.Errorf("%s %s: no apigw-requestid header", tt.method, tt.target)
		}
		if tt.want == nil {
			body := gatewaytest.Body(t, r)
			if tt.status == 404 && body != `{"message":"Not Found"}` {
				t.Errorf("%s %s body %q", tt.method, tt.target, body)
			}
			continue
		}
		m := decode(t, r)
		for k, v := range tt.want {
			if fmt.Sprint(m[k]) != fmt.Sprint(v) {
				t.Errorf("%s %s: %s = %v, want %v", tt.method, tt.target, k, m[k], v)
			}
		}
	}
}

func TestRESTRouting(t *testing.T) {
	s := gatewaytest.New(t, gateway.API{
		Kind:   event.REST,
		Stages: []gateway.Stage{{Name: "prod", Variables: map[string]string{"v": "1"}}},
		Routes: []gateway.Route{
			{Key: "GET /users/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}},
			{Key: "ANY /{proxy+}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}},
		},
	})
	m := decode(t, s.Get("/prod/users/test%2Balias@gmail.com?plus=a+b"))
	if m["resource"] != "/users/{id}" || fmt.Sprint(m["params"]) != "map[id:test%2Balias@gmail.com]" ||
		m["path"] != "/users/test%2Balias@gmail.com" || fmt.Sprint(m["query"]) != "map[plus:a b]" || fmt.Sprint(m["stageVars"]) != "map[v:1]" {
		t.Errorf("REST event = %v", m)
	}
	m = decode(t, s.Request("POST", "/prod/users/1", "", "X-HTTP-Method-Override", "GET"))
	if m["resource"] != "/users/{id}" || m["method"] != "GET" {
		t.Errorf("X-HTTP-Method-Override: %v", m)
	}
	for _, target := range []string{"/nostage/x", "/prod/"} {
		r := s.Get(target)
		if body := gatewaytest.Body(t, r); r.StatusCode != 403 || body != `{"message":"Missing Authentication Token"}` ||
			r.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
			t.Errorf("GET %s = %d %q", target, r.StatusCode, body)
		}
	}
}

// fn is a function at the bytes level, for fault tests.
type fn func(ctx context.Context, payload []byte) ([]byte, error)

func (f fn) Invoke(ctx context.Context, p []byte) ([]byte, error) { return f(ctx, p) }

func TestFaults(t *testing.T) {
	big := `{"statusCode":200,"body":"` + strings.Repeat("x", 7<<20) + `"}`
	funcs := map[string]fn{
		"garbage": func(context.Context, []byte) ([]byte, error) { return []byte("not json"), nil },
		"error":   func(context.Context, []byte) ([]byte, error) { return nil, fmt.Errorf("boom") },
		"panic":   func(context.Context, []byte) ([]byte, error) { panic("boom") },
		"7MB":     func(context.Context, []byte) ([]byte, error) { return []byte(big), nil },
		"hang": func(ctx context.Context, _ []byte) ([]byte, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}
	want := map[event.Source]map[string][2]any{
		event.REST: {
			"garbage": {502, `{"message":"Internal server error"}`}, "error": {502, `{"message":"Internal server error"}`},
			"panic": {502, `{"message":"Internal server error"}`}, "7MB": {502, `{"message":"Internal server error"}`},
			"hang": {504, `{"message":"Endpoint request timed out"}`},
		},
		event.HTTPAPI: {
			"garbage": {500, `{"message":"Internal Server Error"}`}, "error": {500, `{"message":"Internal Server Error"}`},
			"panic": {500, `{"message":"Internal Server Error"}`}, "7MB": {500, `{"message":"Internal Server Error"}`},
			"hang": {503, `{"message":"Service Unavailable"}`},
		},
	}
	// A function that ignores its context and returns only once the
	// client has its answer: the client still gets the timeout response,
	// so the gateway did not wait for the function.
	release := make(chan struct{})
	funcs["stuck"] = func(context.Context, []byte) ([]byte, error) {
		<-release
		return []byte(`{"statusCode":200}`), nil
	}
	want[event.REST]["stuck"] = [2]any{504, `{"message":"Endpoint request timed out"}`}
	want[event.HTTPAPI]["stuck"] = [2]any{503, `{"message":"Service Unavailable"}`}
	before := runtime.NumGoroutine()
	for kind, cases := range want {
		var routes []gateway.Route
		for name, f := range funcs {
			routes = append(routes, gateway.Route{Key: "GET /" + name, Integration: gateway.Proxy{Function: f}})
		}
		s := gatewaytest.New(t, gateway.API{Kind: kind, Routes: routes, Timeout: 100 * time.Millisecond})
		srv := httptest.NewServer(s.Gateway)
		prefix := ""
		if kind == event.REST {
			prefix = "/prod"
		}
		for name, w := range cases {
			r, err := srv.Client().Get(srv.URL + prefix + "/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if body := gatewaytest.Body(t, r); r.StatusCode != w[0] || body != w[1] {
				t.Errorf("%v %s = %d %q, want %d %q", kind, name, r.StatusCode, body, w[0], w[1])
			}
		}
		// The gateway keeps serving after every fault.
		r := s.Get(prefix + "/garbage")
		gatewaytest.Body(t, r)
		srv.Close()
	}
	close(release)
	waitGoroutines(t, before)
}

func TestTooLarge(t *testing.T) {
	s := gatewaytest.HTTPAPI(t, map[string]handler.Handler{"$default": echo})
	r := s.Request("POST", "/", strings.Repeat("x", 10<<20+1))
	if body := gatewaytest.Body(t, r); r.StatusCode != 413 || body != `{"message":"Request Too Long"}` {
		t.Errorf("11 MB body = %d %q", r.StatusCode, body)
	}
}

func TestBinaryAndCookies(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00binary")
	h := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		r := response.New(200, "image/png", append([]byte(nil), req.Body...))
		r.Cookies = []string{"a=1; Path=/", "b=2"}
		r.Header.Add("WWW-Authenticate", "Basic")
		return r, nil
	})
	for _, kind := range []event.Source{event.HTTPAPI, event.REST} {
		api := gateway.API{Kind: kind, Routes: []gateway.Route{{Key: "POST /img", Integration: gateway.Proxy{Function: handler.NewAdapter(h)}}}}
		if kind == event.REST {
			api.BinaryMediaTypes = []string{"image/png"}
		}
		s := gatewaytest.New(t, api)
		target := "/img"
		if kind == event.REST {
			target = "/prod/img"
		}
		r := s.Request("POST", target, string(png), "Content-Type", "image/png", "Accept", "image/png")
		body := gatewaytest.Body(t, r)
		if !bytes.Equal([]byte(body), png) {
			t.Errorf("%v: binary round trip = %q", kind, body)
		}
		if got := r.Header.Values("Set-Cookie"); len(got) != 2 || got[0] != "a=1; Path=/" {
			t.Errorf("%v: Set-Cookie = %q", kind, got)
		}
		if kind == event.REST && (r.Header.Get("X-Amzn-Remapped-Www-Authenticate") != "Basic" || r.Header.Get("Www-Authenticate") != "") {
			t.Errorf("REST did not remap WWW-Authenticate: %v", r.Header)
		}
		if kind == event.HTTPAPI && r.Header.Get("Www-Authenticate") != "Basic" {
			t.Errorf("HTTP API changed WWW-Authenticate: %v", r.Header)
		}
	}
}

func TestCORS(t *testing.T) {
	s := gatewaytest.New(t, gateway.API{
		CORS: &cors.Config{AllowOrigins: []string{"https://app.example"}, AllowMethods: []string{"GET", "PUT"}, AllowHeaders: []string{"content-type"}, MaxAge: 60},
		Routes: []gateway.Route{
			{Key: "GET /items", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}},
			{Key: "OPTIONS /open", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}},
		},
	})
	r := s.Request("OPTIONS", "/items", "", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT")
	if r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("preflight = %d %v", r.StatusCode, r.Header)
	}
	r = s.Request("OPTIONS", "/open", "", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT")
	if m := decode(t, r); r.StatusCode != 200 || m["routeKey"] != "OPTIONS /open" {
		t.Errorf("captured preflight = %d %v", r.StatusCode, m)
	}
	r = s.Request("GET", "/items", "", "Origin", "https://app.example")
	if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("actual request = %d %v", r.StatusCode, r.Header)
	}
	r = s.Request("GET", "/items", "", "Origin", "https://evil.example")
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("disallowed origin got %v", r.Header)
	}
	r = s.Request("GET", "/missing", "", "Origin", "https://app.example")
	if r.StatusCode != 404 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("gateway 404 carries CORS headers: %v", r.Header)
	}
}

// TestRemote invokes functions over the Lambda Invoke API: a working one,
// one that reports a function error, and an address that refuses.
func TestRemote(t *testing.T) {
	lambdaAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		payload, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/2015-03-31/functions/ok/invocations":
			req, err := event.Decode(payload)
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			fmt.Fprintf(w, `{"statusCode":200,"body":"remote %s %s"}`, req.Method, req.Path)
		case "/2015-03-31/functions/fail/invocations":
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			io.WriteString(w, `{"errorMessage":"boom","errorType":"Error"}`)
		default:
			http.Error(w, `{"Type":"User","message":"Function not found"}`, 404)
		}
	}))
	defer lambdaAPI.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + ln.Addr().String()
	ln.Close()
	s := gatewaytest.New(t, gateway.API{Kind: event.REST, Routes: []gateway.Route{
		{Key: "GET /ok", Integration: gateway.Proxy{Function: &gateway.Remote{Endpoint: lambdaAPI.URL, Name: "ok"}}},
		{Key: "GET /fail", Integration: gateway.Proxy{Function: &gateway.Remote{Endpoint: lambdaAPI.URL, Name: "fail"}}},
		{Key: "GET /missing", Integration: gateway.Proxy{Function: &gateway.Remote{Endpoint: lambdaAPI.URL, Name: "missing"}}},
		{Key: "GET /refused", Integration: gateway.Proxy{Function: &gateway.Remote{Endpoint: refused}}},
	}})
	for target, want := range map[string][2]any{
		"/prod/ok":      {200, "remote GET /ok"},
		"/prod/fail":    {502, `{"message":"Internal server error"}`},
		"/prod/missing": {500, `{"message":"Internal server error"}`},
		"/prod/refused": {500, `{"message":"Internal server error"}`},
	} {
		r := s.Get(target)
		if body := gatewaytest.Body(t, r); r.StatusCode != want[0] || body != want[1] {
			t.Errorf("GET %s = %d %q, want %d %q", target, r.StatusCode, body, want[0], want[1])
		}
	}
	p, _ := event.New(event.REST, "GET", "/", nil).MarshalJSON()
	if err := (&gateway.Remote{Endpoint: lambdaAPI.URL, Name: "ok"}).InvokeAsync(context.Background(), p); err != nil {
		t.Errorf("InvokeAsync: %v", err)
	}
}

func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	s := gatewaytest.New(t, gateway.API{Logger: slog.New(slog.NewJSONHandler(&buf, nil)),
		Routes: []gateway.Route{{Key: "GET /pets/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}}}})
	r := s.Get("/pets/1")
	id := r.Header.Get("Apigw-Requestid")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", buf.String(), err)
	}
	if line["requestId"] != id || line["routeKey"] != "GET /pets/{id}" || line["status"] != 200.0 || line["integrationLatency"] == nil {
		t.Errorf("access log = %v", line)
	}
}

func TestConfigErrors(t *testing.T) {
	_, err := gateway.New(gateway.API{Kind: event.REST, Stages: []gateway.Stage{{Name: "v1.2"}, {Name: strings.Repeat("s", 129)}, {Name: "ok_stage-1"}},
		Routes: []gateway.Route{{Key: "ANY /{proxy+}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}}}})
	for _, want := range []string{`invalid stage name "v1.2"`, `invalid stage name "sss`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New error = %v, want it to mention %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "ok_stage-1") {
		t.Errorf("New refused a valid REST stage name: %v", err)
	}

	_, err = gateway.New(gateway.API{
		Timeout: 40 * time.Second,
		Stages:  []gateway.Stage{{Name: "a/b"}},
		Routes: []gateway.Route{
			{Key: "GET /a/{x}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}},
			{Key: "GET /a/{y}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}},
			{Key: "GET /b"},
			{Key: "GET /c", Integration: gateway.Proxy{Function: handler.NewAdapter(echo), PayloadVersion: "3.0"}},
		},
		CORS: &cors.Config{AllowOrigins: []string{"*"}, AllowCredentials: true},
	})
	for _, want := range []string{"timeout 40s", `invalid stage name "a/b"`, "GET /a/{x}", `"GET /b" has no integration`, `payload version "3.0"`, "allow-credentials"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New error = %v, want it to mention %q", err, want)
		}
	}
}

// TestLoad sends many concurrent requests over a real loopback socket,
// bounded in count and time, and checks every answer.
func TestLoad(t *testing.T) {
	s := gatewaytest.New(t, gateway.API{Routes: []gateway.Route{{Key: "GET /n/{n}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}}}})
	base, client := s.URL(), s.Client()
	const clients, each = 16, 50
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var ok atomic.Int64
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				n := fmt.Sprint(c*each + i)
				req, _ := http.NewRequestWithContext(ctx, "GET", base+"/n/"+n, nil)
				r, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				var m map[string]any
				err = json.NewDecoder(r.Body).Decode(&m)
				r.Body.Close()
				if err != nil || r.StatusCode != 200 || fmt.Sprint(m["params"]) != "map[n:"+n+"]" {
					t.Errorf("request %s: %d %v %v", n, r.StatusCode, m, err)
					return
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != clients*each {
		t.Errorf("%d of %d requests answered correctly", ok.Load(), clients*each)
	}
}

func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCustomAsync runs a REST custom integration whose integration request
// sets X-Amz-Invocation-Type to 'Event', with the function behind the
// Lambda Invoke API: the invoke goes out asynchronously and the client
// gets the default integration response, 200 with an empty body [REC]
// (docs/evidence/gateway.md#rest-asynchronous-invocation).
func TestCustomAsync(t *testing.T) {
	got := make(chan string, 1)
	lambdaAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r.Header.Get("X-Amz-Invocation-Type") + " " + string(b)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer lambdaAPI.Close()
	fn := &gateway.Remote{Endpoint: lambdaAPI.URL}
	p, err := mapping.NewPipeline(mapping.Method{
		Name: "POST /jobs",
		Integration: mapping.Integration{
			Type: mapping.TypeAWS, Function: fn.Invoke, AsyncFunction: fn.InvokeAsync,
			RequestParameters: map[string]string{"integration.request.header.X-Amz-Invocation-Type": "'Event'"},
			RequestTemplates:  map[string]string{"application/json": `{"job": $input.json('$.name')}`},
			Responses:         []mapping.IntegrationResponse{{StatusCode: 200}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := gatewaytest.New(t, gateway.API{Kind: event.REST, Routes: []gateway.Route{{Key: "POST /jobs", Integration: gateway.Direct{Handler: p}}}})
	r, body := s.Fetch("POST", "/prod/jobs", `{"name":"nightly"}`, "Content-Type", "application/json")
	if r.StatusCode != 200 || body != "" {
		t.Errorf("POST /prod/jobs = %d %q, want 200 and an empty body", r.StatusCode, body)
	}
	select {
	case inv := <-got:
		if inv != `Event {"job": "nightly"}` {
			t.Errorf("Invoke API got %q", inv)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the function was not invoked")
	}
}

// TestClientGoesAway sends a request whose client disconnects in the
// middle of its body, and one that trickles its body slowly; the gateway
// keeps serving and leaks no goroutine.
func TestClientGoesAway(t *testing.T) {
	before := runtime.NumGoroutine()
	g := gateway.MustNew(gateway.API{Routes: []gateway.Route{{Key: "POST /up", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}}}})
	srv := httptest.NewServer(g)
	addr := strings.TrimPrefix(srv.URL, "http://")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial")
	conn.Close()

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(slow, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nConnection: close\r\n\r\n")
	for _, c := range "slowly" {
		time.Sleep(20 * time.Millisecond)
		fmt.Fprintf(slow, "%c", c)
	}
	reply, _ := io.ReadAll(slow)
	slow.Close()
	if !strings.HasPrefix(string(reply), "HTTP/1.1 200") || !strings.Contains(string(reply), `"body":"slowly"`) {
		t.Errorf("slow client got %q", reply)
	}

	r, err := srv.Client().Post(srv.URL+"/up", "text/plain", strings.NewReader("after"))
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("request after a disconnect: %v %v", r, err)
	}
	r.Body.Close()
	srv.Close()
	waitGoroutines(t, before)
}
