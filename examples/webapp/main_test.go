package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/examples/exampletest"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/nethttp"
)

// TestWebapp drives every route through an HTTP API over a loopback
// socket, the application wrapped unchanged, with the table lambdagate
// serve's test sends to the template's function URL.
func TestWebapp(t *testing.T) {
	fn := lambdagate.NewAdapter(nethttp.Wrap(NewMux(time.Millisecond)))
	s := gatewaytest.New(t, gateway.API{Routes: []gateway.Route{{Key: "$default", Integration: gateway.Proxy{Function: fn}}}})
	exampletest.Run(t, s, exampletest.Webapp)
	// The PNG arrives intact.
	if _, b := s.Fetch("GET", "/logo.png", ""); b != string(drawLogo()) {
		t.Errorf("GET /logo.png: %d bytes, want the PNG intact", len(b))
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

	// With a short tick the whole countdown arrives: the handler's
	// context lives while its body streams.
	s = gatewaytest.FunctionURL(t, nethttp.Wrap(NewMux(10*time.Millisecond)), lambdagate.ResponseStream)
	if _, b := s.Fetch("GET", "/countdown", ""); b != "5\n4\n3\n2\n1\n0\n" {
		t.Errorf("streamed countdown = %q, want 5 to 0", b)
	}
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
