package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// serve starts a gateway.Server for g on a loopback port and returns its
// address; the server closes when the test ends.
func serve(t *testing.T, s *gateway.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

// dial opens a raw connection whose reads give up after the bound, so a
// test that waits for the server to act cannot hang.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByServer reports whether the server closes c (a read ends in EOF
// or a reset) before the connection's deadline.
func closedByServer(c net.Conn) bool {
	_, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return true
}

var okHandler = handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.Text(200, fmt.Sprintf("%s %d", req.Method, len(req.Body))), nil
})

func okAPI(kind event.Source) gateway.API {
	return gateway.API{Kind: kind, Routes: gateway.CatchAll(kind, gateway.Proxy{Function: handler.NewAdapter(okHandler)})}
}

// TestOversizeContentLength sends a Content-Length over the quota with
// Expect: 100-continue and no body: the gateway refuses it at once,
// without reading the body, so the client never gets 100 Continue.
func TestOversizeContentLength(t *testing.T) {
	addr := serve(t, &gateway.Server{Gateway: gateway.MustNew(okAPI(event.HTTPAPI))})
	c := dial(t, addr)
	fmt.Fprintf(c, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10485761\r\nExpect: 100-continue\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to an oversize Content-Length: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || string(body) != `{"message":"Request Too Long"}` {
		t.Errorf("answer = %d %s, want 413 and no 100 Continue", resp.StatusCode, body)
	}
}

// TestSlowClients checks that a connection is not held by a client slow
// to send its headers, slow to send its body, or idle between requests,
// and that a connection cap holds: each bound is set small, and the
// server must close the connection (or serve the waiting one) long before
// the reads' 10 s deadline.
func TestSlowClients(t *testing.T) {
	api := okAPI(event.HTTPAPI)
	api.BodyTimeout = 200 * time.Millisecond
	addr := serve(t, &gateway.Server{Gateway: gateway.MustNew(api), ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 200 * time.Millisecond, MaxConns: 2})

	slowHeader := dial(t, addr)
	fmt.Fprintf(slowHeader, "GET / HTTP/1.1\r\nHost: x\r\n")
	if !closedByServer(slowHeader) {
		t.Error("a client that never finishes its headers keeps its connection")
	}

	slowBody := dial(t, addr)
	fmt.Fprintf(slowBody, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
	resp, err := http.ReadResponse(bufio.NewReader(slowBody), nil)
	if err != nil || resp.StatusCode != 400 {
		t.Errorf("a body that stops arriving: %v %v, want 400", resp, err)
	}
	if !closedByServer(slowBody) {
		t.Error("a client that never finishes its body keeps its connection")
	}

	idle := dial(t, addr)
	fmt.Fprintf(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(idle)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("first request on the idle connection: %v %v", resp, err)
	} else {
		io.ReadAll(resp.Body)
	}
	if _, err := io.ReadAll(br); err != nil {
		t.Errorf("an idle keep-alive connection stays open: %v", err)
	}

	// Two connections fill the cap; a third is served only once one of
	// them closes.
	a, b := dial(t, addr), dial(t, addr)
	fmt.Fprintf(a, "GET / HTTP/1.1\r\nHost: x\r\n")
	fmt.Fprintf(b, "GET / HTTP/1.1\r\nHost: x\r\n")
	third := dial(t, addr)
	fmt.Fprintf(third, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	a.Close()
	b.Close()
	resp, err = http.ReadResponse(bufio.NewReader(third), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("the connection waiting for a slot: %v %v", resp, err)
	}
}

// TestConnectionCap fills the cap with connections that send nothing and
// checks that a further one is not served while they are open.
func TestConnectionCap(t *testing.T) {
	addr := serve(t, &gateway.Server{Gateway: gateway.MustNew(okAPI(event.HTTPAPI)), MaxConns: 1})
	hold := dial(t, addr)
	fmt.Fprintf(hold, "GET / HTTP/1.1\r\nHost: x\r\n")
	wait := dial(t, addr)
	wait.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	fmt.Fprintf(wait, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if n, err := wait.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("a connection over the cap of 1 was served: %d bytes, %v", n, err)
	}
	hold.Close()
	wait.SetReadDeadline(time.Now().Add(10 * time.Second))
	if resp, err := http.ReadResponse(bufio.NewReader(wait), nil); err != nil || resp.StatusCode != 200 {
		t.Errorf("after the held connection closed: %v %v", resp, err)
	}
}

// TestTimeoutFreesConnection times out a function that never returns on
// its own, then sends the next request on the same keep-alive connection:
// it is answered while the first function still runs.
func TestTimeoutFreesConnection(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	stuck := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		if req.Path == "/stuck" {
			<-release
		}
		return response.Text(200, "ok"), nil
	})
	g := gateway.MustNew(gateway.API{Timeout: 100 * time.Millisecond,
		Routes: []gateway.Route{{Key: "$default", Integration: gateway.Proxy{Function: handler.NewAdapter(stuck)}}}})
	srv := httptest.NewServer(g)
	defer srv.Close()
	c := dial(t, strings.TrimPrefix(srv.URL, "http://"))
	br := bufio.NewReader(c)
	for _, tc := range []struct {
		path   string
		status int
	}{{"/stuck", 503}, {"/next", 200}} {
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", tc.path)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("GET %s on the kept-alive connection: %v", tc.path, err)
		}
		io.ReadAll(resp.Body)
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s = %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
	}
}

// TestSizeQuotas checks each kind's answer to a request body, request
// headers, an event and an output over its quotas, with the quotas set
// small so the test stays cheap; the default quotas are AWS's (see
// TestDefaultLimits).
func TestSizeQuotas(t *testing.T) {
	big := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		if req.Path == "/big" {
			return response.Text(200, strings.Repeat("x", 3000)), nil
		}
		return response.Text(200, "ok"), nil
	})
	// Function URLs have no header quota of their own: headers count in
	// the event, whose payload quota they exceed here.
	limits := gateway.Limits{Body: 1000, Header: 3000, Payload: 2500, Output: 2500}
	for _, tc := range []struct {
		kind                        event.Source
		body, header, payload, huge [2]any // status, body prefix
	}{
		{event.REST, [2]any{413, `{"message":"Request Too Long"}`}, [2]any{431, `{"message":"Request Header Fields Too Large"}`},
			[2]any{500, `{"message":"Internal server error"}`}, [2]any{502, `{"message":"Internal server error"}`}},
		{event.HTTPAPI, [2]any{413, `{"message":"Request Too Long"}`}, [2]any{431, `{"message":"Request Header Fields Too Large"}`},
			[2]any{500, `{"message":"Internal Server Error"}`}, [2]any{500, `{"message":"Internal Server Error"}`}},
		{event.ALB, [2]any{413, "<html>\r\n<head><title>413 Request Entity Too Large"}, [2]any{400, "<html>\r\n<head><title>400 Bad Request"},
			[2]any{502, "<html>\r\n<head><title>502 Bad Gateway"}, [2]any{502, "<html>\r\n<head><title>502 Bad Gateway"}},
		{event.FunctionURL, [2]any{413, `{"message":"Request must be smaller than`}, [2]any{413, `{"message":"Request must be smaller than`},
			[2]any{413, `{"message":"Request must be smaller than`}, [2]any{502, `{"message":"Internal Server Error"}`}},
	} {
		api := gateway.API{Kind: tc.kind, Limits: limits, Routes: gateway.CatchAll(tc.kind, gateway.Proxy{Function: handler.NewAdapter(big)})}
		s := gatewaytest.New(t, api)
		p := s.Gateway.BaseURL()
		check := func(what string, r *http.Response, want [2]any) {
			t.Helper()
			body := gatewaytest.Body(t, r)
			if r.StatusCode != want[0] || !strings.HasPrefix(body, want[1].(string)) {
				t.Errorf("%v %s: %d %q, want %d %q", tc.kind, what, r.StatusCode, body, want[0], want[1])
			}
		}
		check("body over the quota", s.Request("POST", p+"/", strings.Repeat("b", 1001)), tc.body)
		check("headers over the quota", s.Request("GET", p+"/", "", "X-Big", strings.Repeat("h", 17<<10)), tc.header)
		// A body under the body quota whose event is over the payload
		// quota: the event carries it base64-encoded (binary), with the
		// headers.
		check("event over the payload quota", s.Request("POST", p+"/", strings.Repeat("\xff", 999), "Content-Type", "application/octet-stream", "X-Pad", strings.Repeat("p", 1000)), tc.payload)
		check("output over the quota", s.Get(p+"/big"), tc.huge)
		check("small request", s.Get(p+"/"), [2]any{200, "ok"})
	}
}

// TestDefaultLimits checks the quotas an API of each kind gets by
// default: AWS's.
func TestDefaultLimits(t *testing.T) {
	for _, tc := range []struct {
		kind event.Source
		want gateway.Limits
	}{
		{event.REST, gateway.Limits{Body: 10 << 20, Header: 10240, Payload: 6 << 20, Output: 6<<20 + 100}},
		{event.HTTPAPI, gateway.Limits{Body: 10 << 20, Header: 10240, Payload: 6 << 20, Output: 6<<20 + 100}},
		{event.ALB, gateway.Limits{Body: 1 << 20, Header: 64 << 10, Payload: 6 << 20, Output: 1 << 20}},
		{event.FunctionURL, gateway.Limits{Body: 6 << 20, Payload: 6 << 20, Output: 6<<20 + 100}},
	} {
		if got := (gateway.Limits{}).For(tc.kind); got != tc.want {
			t.Errorf("Limits{}.For(%v) = %+v, want %+v", tc.kind, got, tc.want)
		}
	}
}

// TestInvalidUTF8 sends paths, query parameters and header values that
// do not decode to UTF-8: the gateway answers 400 instead of handing the
// function bytes replaced by U+FFFD, which would make distinct requests
// look the same.
func TestInvalidUTF8(t *testing.T) {
	for _, kind := range []event.Source{event.HTTPAPI, event.REST, event.FunctionURL} {
		s := gatewaytest.New(t, okAPI(kind))
		p := s.Gateway.BaseURL()
		for _, tc := range []struct {
			target string
			header []string
			status int
		}{
			{"/items/%C0%AE%FF", nil, map[event.Source]int{event.HTTPAPI: 400, event.REST: 200, event.FunctionURL: 200}[kind]},
			{"/items?q=%FF", nil, 400},
			{"/items", []string{"X-Bytes", "a\xffb"}, 400},
			{"/items/caf%C3%A9?q=%C3%A9", []string{"X-Ok", "café"}, 200},
		} {
			r := s.Request("GET", p+tc.target, "", tc.header...)
			body := gatewaytest.Body(t, r)
			if r.StatusCode != tc.status {
				t.Errorf("%v GET %s %q = %d %s, want %d", kind, tc.target, tc.header, r.StatusCode, body, tc.status)
			}
		}
	}
}

// TestDomainName checks that the event's domain comes from the gateway's
// configuration or its listener, never from the client's Host header.
func TestDomainName(t *testing.T) {
	var seen []string
	rec := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		seen = append(seen, req.DomainName+" "+req.Context.DomainPrefix)
		return response.Text(200, "ok"), nil
	})
	api := gateway.API{Routes: []gateway.Route{{Key: "$default", Integration: gateway.Proxy{Function: handler.NewAdapter(rec)}}}}
	addr := serve(t, &gateway.Server{Gateway: gateway.MustNew(api)})
	c := dial(t, addr)
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
	io.ReadAll(c)
	api.DomainName = "api.example.com"
	s := gatewaytest.New(t, api)
	r := s.Request("GET", "/", "", "Host", "evil.example")
	r.Body.Close()
	want := []string{addr + " 127", "api.example.com api"}
	if b, _ := json.Marshal(seen); string(b) != fmt.Sprintf("%q", want) && fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("domains = %q, want %q", seen, want)
	}
}

// TestTextBodyNotUTF8 sends a body declared as text that is not UTF-8:
// every kind passes it to the function byte for byte, base64-encoded,
// since a JSON string cannot carry it.
func TestTextBodyNotUTF8(t *testing.T) {
	var got []byte
	var b64 bool
	rec := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		got, b64 = append([]byte(nil), req.Body...), req.IsBase64Encoded
		return response.Text(200, "ok"), nil
	})
	body := "caf\xe9 \xff"
	for _, kind := range []event.Source{event.HTTPAPI, event.REST, event.ALB, event.ALBMultiValue, event.FunctionURL} {
		s := gatewaytest.New(t, gateway.API{Kind: kind, Routes: gateway.CatchAll(kind, gateway.Proxy{Function: handler.NewAdapter(rec)})})
		r := s.Request("POST", s.Gateway.BaseURL()+"/", body, "Content-Type", "text/plain; charset=windows-1252")
		gatewaytest.Body(t, r)
		if string(got) != body || !b64 {
			t.Errorf("%v: the function got %q (base64 %v), want %q base64-encoded", kind, got, b64, body)
		}
	}
}
