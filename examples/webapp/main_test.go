package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/nethttp"
)

// TestWebapp drives every route through an HTTP API over a loopback
// socket, the application wrapped unchanged.
func TestWebapp(t *testing.T) {
	fn := lambdagate.NewAdapter(nethttp.Wrap(NewMux(time.Millisecond)))
	s := gatewaytest.New(t, gateway.API{Routes: []gateway.Route{{Key: "$default", Integration: gateway.Proxy{Function: fn}}}})
	base, client := s.URL(), s.Client()
	get := func(method, path, body, ct string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}
	resp, b := get("GET", "/", "", "")
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<h1>Hello from 127.0.0.1:") || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("GET / = %d %s %v", resp.StatusCode, b, resp.Header)
	}
	resp, b = get("GET", "/hello/gopher%20one", "", "")
	if string(b) != "hello, gopher one\n" {
		t.Errorf("GET /hello/gopher%%20one = %q", b)
	}
	resp, b = get("POST", "/echo", "ping", "text/plain")
	if string(b) != "ping" || resp.Header.Get("Set-Cookie") != "echoed=4; Path=/" {
		t.Errorf("POST /echo = %q %v", b, resp.Header)
	}
	resp, b = get("GET", "/logo.png", "", "")
	if !bytes.Equal(b, drawLogo()) || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GET /logo.png: %d bytes, %v; want the PNG intact", len(b), resp.Header)
	}
	resp, b = get("GET", "/report.csv", "", "")
	if string(b) != "pet,count\ndog,3\ncat,2\n" || resp.Header.Get("Content-Disposition") != `attachment; filename="report.csv"` {
		t.Errorf("GET /report.csv = %q %v", b, resp.Header)
	}
	// Behind an HTTP API the response is buffered: all lines, at once.
	resp, b = get("GET", "/countdown", "", "")
	if string(b) != "5\n4\n3\n2\n1\n0\n" {
		t.Errorf("GET /countdown = %q", b)
	}
	resp, b = get("GET", "/nope", "", "")
	if resp.StatusCode != 404 || string(b) != "404 page not found\n" {
		t.Errorf("GET /nope = %d %q", resp.StatusCode, b)
	}
	resp, _ = get("DELETE", "/hello/x", "", "")
	if resp.StatusCode != 405 || resp.Header.Get("Allow") == "" {
		t.Errorf("DELETE /hello/x = %d %v", resp.StatusCode, resp.Header)
	}
}

// TestStreaming serves the app as a function URL in RESPONSE_STREAM mode,
// as go run ./examples/webapp does, over a loopback socket, and checks
// that the countdown's first line reaches the client while the handler
// waits (an hour) before the next: it was streamed, not buffered. Closing
// the body ends the handler, as a client going away does.
func TestStreaming(t *testing.T) {
	s := gatewaytest.FunctionURL(t, nethttp.Wrap(NewMux(time.Hour)), lambdagate.ResponseStream)
	resp, err := s.Client().Get(s.URL() + "/countdown")
	if err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(resp.Body).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if l != "5\n" {
			t.Errorf("first countdown line = %q, want %q", l, "5\n")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first countdown line did not arrive: the response was not streamed")
	}
	resp.Body.Close()
}

// TestEverySource runs the same app under every source with the
// adapter's test helper: the binary download arrives intact everywhere,
// which for a REST API takes image/png among its binary media types and
// a client that accepts image/png first, as AWS documents.
func TestEverySource(t *testing.T) {
	h := NewMux(time.Millisecond)
	for _, src := range []event.Source{event.HTTPAPI, event.FunctionURL, event.ALB, event.ALBMultiValue} {
		resp := nethttp.Do(h, src, httptest.NewRequest("GET", "/logo.png", nil))
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !bytes.Equal(b, drawLogo()) {
			t.Errorf("%v: GET /logo.png = %d, %d bytes", src, resp.StatusCode, len(b))
		}
	}
	req := httptest.NewRequest("GET", "/logo.png", nil)
	req.Header.Set("Accept", "image/png")
	rest := &nethttp.Transport{App: h, Source: event.REST, BinaryMediaTypes: []string{"image/png"}}
	resp, err := rest.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if !bytes.Equal(b, drawLogo()) {
		t.Errorf("REST with binaryMediaTypes: GET /logo.png = %d bytes, want the PNG", len(b))
	}
	// Without them, a REST API hands the client the base64 text.
	resp = nethttp.Do(h, event.REST, httptest.NewRequest("GET", "/logo.png", nil))
	b, _ = io.ReadAll(resp.Body)
	if !bytes.Equal(b, []byte(base64.StdEncoding.EncodeToString(drawLogo()))) {
		t.Errorf("REST without binaryMediaTypes: GET /logo.png = %q, want base64 text", b)
	}
}
