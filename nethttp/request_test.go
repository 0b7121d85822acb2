package nethttp_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/nethttp"
	"github.com/lambdagate/lambdagate/response"
)

// seen is what a handler saw of its request.
type seen struct {
	Method, Path, RawPath, RawQuery, RequestURI, Host, RemoteAddr, Proto string
	Header                                                               http.Header
	Body                                                                 string
	ContentLength                                                        int64
	TLS                                                                  bool
}

func record(r *http.Request) seen {
	b, _ := io.ReadAll(r.Body)
	return seen{r.Method, r.URL.Path, r.URL.RawPath, r.URL.RawQuery, r.RequestURI, r.Host, r.RemoteAddr, r.Proto,
		r.Header, string(b), r.ContentLength, r.TLS != nil}
}

// serveSeen serves req with a handler that records its request.
func serveSeen(t *testing.T, req *event.Request, c nethttp.Config) (seen, *response.Response) {
	t.Helper()
	var s seen
	resp, err := c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s = record(r)
	})).Serve(context.Background(), req)
	if err != nil {
		t.Fatalf("Serve: %v", err)
	}
	return s, resp
}

// TestRequestOracle checks the request against event.Request.HTTPRequest,
// the plain conversion, for every source: the differences are the ones
// the package documents (Host promoted out of Header, RemoteAddr with a
// port, TLS).
func TestRequestOracle(t *testing.T) {
	header := http.Header{"Content-Type": {"text/plain"}, "X-Multi": {"a", "b"}, "Cookie": {"s=1; t=2"}, "Accept": {"*/*"}}
	for _, s := range sources {
		for _, target := range []string{"/", "/a%2Fb/c%20d?x=1&y=a+b&x=2", "/caf%C3%A9/%7Euser/?q=%26", "/p;a=b?k"} {
			req, err := event.Builder{Source: s.src, Version: s.version}.Build("POST", target, header, []byte("body"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := req.HTTPRequest()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := serveSeen(t, req, nethttp.Config{})
			w := record(want)
			w.Header.Del("Host")
			w.RemoteAddr = net.JoinHostPort(req.SourceIP, "0")
			// API Gateway and function URLs are HTTPS; an ALB listener
			// here is HTTP, as the event's x-forwarded-proto says.
			w.TLS = req.Header.Get("X-Forwarded-Proto") == "https"
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("%s %q: request differs from HTTPRequest (-want +got):\n%s", s.name, target, diff)
			}
		}
	}
}

// TestBadInput checks events no net/http server would accept: the client
// gets net/http's 400 and the handler does not run; and odd but valid
// paths, which reach the handler unchanged.
func TestBadInput(t *testing.T) {
	for _, tt := range []struct {
		name   string
		req    *event.Request
		status int
		body   string
		path   string // Path the handler sees, for status 200
		uri    string
	}{
		{"REST invalid escape", &event.Request{Source: event.REST, Method: "GET", Path: "/files/%zz"}, 400, "400 Bad Request", "", ""},
		{"ALB control character in path", &event.Request{Source: event.ALB, Method: "GET", Path: "/a\nb"}, 400, "400 Bad Request", "", ""},
		{"path without a leading slash", &event.Request{Source: event.ALB, Method: "GET", Path: "0"}, 400, "400 Bad Request", "", ""},
		{"control character in query", &event.Request{Source: event.FunctionURL, Version: "2.0", Method: "GET", Path: "/", RawQuery: "a=\r\nb"}, 400, "400 Bad Request", "", ""},
		{"CR LF in header value", &event.Request{Source: event.REST, Method: "GET", Path: "/", Header: event.Header{{Name: "X-A", Value: "a\r\nSet-Cookie: x=1"}}}, 400, "400 Bad Request: invalid header value", "", ""},
		{"NUL in header value", &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: "GET", Path: "/", Header: event.Header{{Name: "x-a", Value: "a\x00"}}}, 400, "400 Bad Request: invalid header value", "", ""},
		{"header name not a token", &event.Request{Source: event.REST, Method: "GET", Path: "/", Header: event.Header{{Name: "X A", Value: "1"}}}, 400, "400 Bad Request: invalid header name", "", ""},
		{"malformed Host", &event.Request{Source: event.REST, Method: "GET", Path: "/", Header: event.Header{{Name: "Host", Value: "a b"}}}, 400, "400 Bad Request: malformed Host header", "", ""},
		{"method not a token", &event.Request{Source: event.REST, Method: "GE T", Path: "/"}, 400, "400 Bad Request: invalid method", "", ""},
		{"cookie with CR", &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: "GET", Path: "/", Cookies: []string{"a=1\r"}}, 400, "400 Bad Request: invalid header value", "", ""},
		// A client sent %2525 and the HTTP API decoded twice: the % is
		// part of the path, escaped again in RequestURI.
		{"decoded % in HTTP API rawPath", &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: "GET", Path: "/files/100%", RawQuery: "a=1"}, 200, "", "/files/100%", "/files/100%25?a=1"},
		// A decoded ? is part of the path, never a query.
		{"decoded ? in HTTP API rawPath", &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: "GET", Path: "/users/me?admin=true", RawQuery: "x=1"}, 200, "", "/users/me?admin=true", "/users/me%3Fadmin=true?x=1"},
		{"invalid UTF-8 in an encoded path", &event.Request{Source: event.REST, Method: "GET", Path: "/a%FF"}, 200, "", "/a\xff", "/a%FF"},
		{"REST %2F kept", &event.Request{Source: event.REST, Method: "GET", Path: "/files/a%2Fb"}, 200, "", "/files/a/b", "/files/a%2Fb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ran := false
			var got seen
			resp, err := nethttp.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ran = true
				got = record(r)
			})).Serve(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Serve: %v", err)
			}
			if resp.Status() != tt.status || tt.status != 200 && string(resp.Body) != tt.body {
				t.Errorf("Serve = %d %q, want %d %q", resp.Status(), resp.Body, tt.status, tt.body)
			}
			if ran != (tt.status == 200) {
				t.Errorf("handler ran = %t, want %t", ran, tt.status == 200)
			}
			if tt.status == 200 && (got.Path != tt.path || got.RequestURI != tt.uri) {
				t.Errorf("handler saw Path %q RequestURI %q, want %q %q", got.Path, got.RequestURI, tt.path, tt.uri)
			}
		})
	}
}

// TestPaths checks stage and base path handling per source.
func TestPaths(t *testing.T) {
	params := func(kv ...string) event.Params {
		var p event.Params
		for i := 0; i+1 < len(kv); i += 2 {
			p.Add(kv[i], kv[i+1])
		}
		return p
	}
	for _, tt := range []struct {
		name string
		req  event.Request
		c    nethttp.Config
		want string // the path the handler sees (escaped)
	}{
		{"REST execute-api", event.Request{Source: event.REST, Path: "/pets/42", Resource: "/pets/{id}", PathParameters: params("id", "42"), Stage: "prod", Context: event.Context{Path: "/prod/pets/42"}}, nethttp.Config{}, "/pets/42"},
		{"REST custom domain base path", event.Request{Source: event.REST, Path: "/v1/pets/42", Resource: "/pets/{id}", PathParameters: params("id", "42"), Stage: "prod"}, nethttp.Config{}, "/pets/42"},
		{"REST two-segment base path, proxy", event.Request{Source: event.REST, Path: "/api/v1/a%20b/c", Resource: "/{proxy+}", PathParameters: params("proxy", "a%20b/c")}, nethttp.Config{}, "/a%20b/c"},
		{"REST root resource on a base path", event.Request{Source: event.REST, Path: "/v1/", Resource: "/"}, nethttp.Config{}, "/"},
		{"REST root resource", event.Request{Source: event.REST, Path: "/", Resource: "/"}, nethttp.Config{}, "/"},
		{"REST trailing slash kept", event.Request{Source: event.REST, Path: "/v1/proxy-value/", Resource: "/{proxy+}", PathParameters: params("proxy", "proxy-value")}, nethttp.Config{}, "/proxy-value/"},
		{"REST inner double slash kept", event.Request{Source: event.REST, Path: "/proxy-value//double-slash", Resource: "/{proxy+}", PathParameters: params("proxy", "proxy-value//double-slash")}, nethttp.Config{}, "/proxy-value//double-slash"},
		{"REST path not matching the resource is left alone", event.Request{Source: event.REST, Path: "/v1/pets/42", Resource: "/pets/{id}", PathParameters: params("id", "7")}, nethttp.Config{}, "/v1/pets/42"},
		{"REST literal segment must match", event.Request{Source: event.REST, Path: "/v1/dogs/42", Resource: "/pets/{id}", PathParameters: params("id", "42")}, nethttp.Config{}, "/v1/dogs/42"},
		{"REST full path", event.Request{Source: event.REST, Path: "/pets/42", Resource: "/pets/{id}", PathParameters: params("id", "42"), Stage: "prod", Context: event.Context{Path: "/prod/pets/42"}}, nethttp.Config{FullPath: true}, "/prod/pets/42"},
		{"HTTP API named stage", event.Request{Source: event.HTTPAPI, Version: "2.0", Path: "/pets", RawPath: "/dev/pets", Stage: "dev", RouteKey: "$default"}, nethttp.Config{}, "/pets"},
		{"HTTP API named stage, full path", event.Request{Source: event.HTTPAPI, Version: "2.0", Path: "/pets", RawPath: "/dev/pets", Stage: "dev", RouteKey: "$default"}, nethttp.Config{FullPath: true}, "/dev/pets"},
		{"HTTP API base path from the route key", event.Request{Source: event.HTTPAPI, Version: "2.0", Path: "/v1/pets/a b", RouteKey: "GET /pets/{id}", PathParameters: params("id", "a b")}, nethttp.Config{}, "/pets/a%20b"},
		{"HTTP API $default route keeps the path", event.Request{Source: event.HTTPAPI, Version: "2.0", Path: "/v1/pets", RouteKey: "$default"}, nethttp.Config{}, "/v1/pets"},
		{"HTTP API $default with StripBasePath", event.Request{Source: event.HTTPAPI, Version: "2.0", Path: "/v1/pets", RouteKey: "$default"}, nethttp.Config{BasePaths: []string{"v1/"}}, "/pets"},
		{"StripBasePath at a segment boundary only", event.Request{Source: event.ALB, Path: "/v1x/pets"}, nethttp.Config{BasePaths: []string{"/v1"}}, "/v1x/pets"},
		{"StripBasePath of the whole path", event.Request{Source: event.FunctionURL, Version: "2.0", Path: "/v1"}, nethttp.Config{BasePaths: []string{"/v1"}}, "/"},
		{"HTTP API 1.0 named stage", event.Request{Source: event.HTTPAPI, Version: "1.0", Path: "/dev/pets", Stage: "dev", RouteKey: "$default"}, nethttp.Config{}, "/pets"},
		{"HTTP API 1.0 $default stage", event.Request{Source: event.HTTPAPI, Version: "1.0", Path: "/$default/pets", Stage: "$default"}, nethttp.Config{}, "/$default/pets"},
		{"WebSocket message", event.Request{Source: event.WebSocket, RouteKey: "sendmessage"}, nethttp.Config{}, "/sendmessage"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			if req.Method == "" && req.Source != event.WebSocket {
				req.Method = "GET"
			}
			got, resp := serveSeen(t, &req, tt.c)
			if resp.Status() != 200 {
				t.Fatalf("Serve = %d %s", resp.Status(), resp.Body)
			}
			if esc := (&strings.Builder{}); got.RawPath != "" {
				esc.WriteString(got.RawPath)
				if esc.String() != tt.want {
					t.Errorf("handler saw RawPath %q, want %q", got.RawPath, tt.want)
				}
			} else if uri, _, _ := strings.Cut(got.RequestURI, "?"); uri != tt.want {
				t.Errorf("handler saw %q (Path %q), want %q", uri, got.Path, tt.want)
			}
		})
	}
}

// TestWebSocket checks the request a WebSocket message becomes.
func TestWebSocket(t *testing.T) {
	req := event.Builder{Source: event.WebSocket, RouteKey: "$default"}
	ev, err := req.Build("", "/", nil, []byte(`{"action":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := serveSeen(t, ev, nethttp.Config{})
	if got.Method != "POST" || got.Path != "/$default" || got.Body != `{"action":"hi"}` {
		t.Errorf("WebSocket message seen as %s %s %q, want POST /$default with the message", got.Method, got.Path, got.Body)
	}
}

// TestContext checks the request context: the event and the Lambda
// context through typed accessors, the invoke deadline, cancellation when
// the handler returns, and that no header can forge the event.
func TestContext(t *testing.T) {
	req := event.New(event.HTTPAPI, "GET", "/", nil)
	req.Header.Add("x-golambdaproxy-apigw-context", `{"requestId":"forged"}`)
	deadline := time.Now().Add(time.Hour)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "invoke-1"})
	var hctx context.Context
	resp, err := nethttp.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hctx = r.Context()
		ev, ok := nethttp.Event(hctx)
		if !ok || ev != req {
			t.Errorf("Event(ctx) = %p, %t; want the event %p", ev, ok, req)
		}
		if lc, ok := nethttp.Lambda(hctx); !ok || lc.AwsRequestID != "invoke-1" {
			t.Errorf("Lambda(ctx) = %+v, %t", lc, ok)
		}
		if d, ok := hctx.Deadline(); !ok || !d.Equal(deadline) {
			t.Errorf("Deadline() = %v, %t; want the invoke deadline %v", d, ok, deadline)
		}
		if hctx.Err() != nil {
			t.Errorf("context done while the handler runs: %v", hctx.Err())
		}
	})).Serve(ctx, req)
	if err != nil || resp.Status() != 200 {
		t.Fatalf("Serve = %v, %v", resp, err)
	}
	if hctx.Err() == nil {
		t.Error("request context not canceled after the handler returned")
	}
	if ev, ok := nethttp.Event(context.Background()); ok || ev != nil {
		t.Errorf("Event(Background) = %v, %t", ev, ok)
	}
}

// TestTLSAndProto checks the connection fields per source.
func TestTLSAndProto(t *testing.T) {
	for _, tt := range []struct {
		name   string
		req    *event.Request
		tls    bool
		proto  string
		remote string
	}{
		{"HTTP API", &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: "GET", Path: "/", SourceIP: "2001:db8::1", Context: event.Context{Protocol: "HTTP/2.0"}}, true, "HTTP/2.0", "[2001:db8::1]:0"},
		{"ALB over HTTP", &event.Request{Source: event.ALB, Method: "GET", Path: "/", SourceIP: "192.0.2.1", Header: event.Header{{Name: "x-forwarded-proto", Value: "http"}}}, false, "HTTP/1.1", "192.0.2.1:0"},
		{"ALB over HTTPS", &event.Request{Source: event.ALBMultiValue, Method: "GET", Path: "/", Header: event.Header{{Name: "x-forwarded-proto", Value: "https"}}}, true, "HTTP/1.1", ""},
	} {
		got, _ := serveSeen(t, tt.req, nethttp.Config{})
		if got.TLS != tt.tls || got.Proto != tt.proto || got.RemoteAddr != tt.remote {
			t.Errorf("%s: TLS %t Proto %q RemoteAddr %q, want %t %q %q", tt.name, got.TLS, got.Proto, got.RemoteAddr, tt.tls, tt.proto, tt.remote)
		}
		if tt.remote != "" {
			if _, _, err := net.SplitHostPort(got.RemoteAddr); err != nil {
				t.Errorf("%s: net.SplitHostPort(%q): %v", tt.name, got.RemoteAddr, err)
			}
		}
	}
}

// TestCanonicalHeader checks header names against net/http's
// canonicalization, the oracle.
func TestCanonicalHeader(t *testing.T) {
	names := []string{"content-type", "X-AMZ-CF-ID", "cloudfront-viewer-country", "headerName", "x_under", "x-forwarded-for", "a", "ÄB", "Weird Name", strings.Repeat("ab-", 30)}
	for _, n := range names {
		req := &event.Request{Source: event.REST, Method: "GET", Path: "/", Header: event.Header{{Name: n, Value: "v"}}}
		got, resp := serveSeen(t, req, nethttp.Config{})
		if !isTokenName(n) {
			if resp.Status() != 400 {
				t.Errorf("header %q: status %d, want 400", n, resp.Status())
			}
			continue
		}
		keys := slices.Collect(func(yield func(string) bool) {
			for k := range got.Header {
				yield(k)
			}
		})
		if want := http.CanonicalHeaderKey(n); len(keys) != 1 || keys[0] != want {
			t.Errorf("header %q became %q, want %q", n, keys, want)
		}
	}
}

func isTokenName(s string) bool {
	for _, c := range s {
		if c > 0x7e || c <= ' ' || strings.ContainsRune(`()<>@,;:\"/[]?={}`, c) {
			return false
		}
	}
	return s != ""
}

// TestTLSServerName checks r.TLS.ServerName across requests for two
// hosts through one handler: each request sees its own host, and
// requests for one host share the state, as requests of one connection
// do in a net/http server.
func TestTLSServerName(t *testing.T) {
	var seen []*tls.ConnectionState
	h := nethttp.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = append(seen, r.TLS) }))
	hosts := []string{"a.example", "a.example", "b.example:8443", "[2001:db8::1]", "a.example"}
	for _, host := range hosts {
		req := &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: "GET", Path: "/", DomainName: host}
		if _, err := h.Serve(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"a.example", "a.example", "b.example", "2001:db8::1", "a.example"}
	for i, st := range seen {
		if st == nil || st.ServerName != want[i] || !st.HandshakeComplete {
			t.Fatalf("request %d for %q: TLS %+v, want ServerName %q", i, hosts[i], st, want[i])
		}
	}
	if seen[0] != seen[1] {
		t.Errorf("two requests for one host got two TLS states")
	}
}
