package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// FuzzGatewayRequest sends arbitrary request lines, headers and bodies
// through the gateway of every kind, where client input enters: the
// gateway must answer every one with a valid status, never panic, and
// hand the function only events that encode and decode back to what the
// function saw.
func FuzzGatewayRequest(f *testing.F) {
	for _, seed := range []struct {
		method, target, name, value string
		body                        []byte
	}{
		{"GET", "/pets/1?q=a+b&q=2", "Cookie", "a=1; b=2", nil},
		{"POST", "/prod/items/%2F%20?x", "Content-Type", "application/json", []byte(`{"a":1}`)},
		{"PUT", "/items/%C0%AE%FF", "X-Bytes", "a\xffb", []byte{0xff, 0x00}},
		{"OPTIONS", "/x", "Access-Control-Request-Method", "PUT", nil},
		{"GET", "//a/../b/%25zz", "X-HTTP-Method-Override", "DELETE", nil},
		{"DELETE", "/$default/x", "Host", "evil.example", []byte("body")},
	} {
		for kind := range uint8(5) {
			f.Add(kind, seed.method, seed.target, seed.name, seed.value, seed.body)
		}
	}
	var mu sync.Mutex
	var seen *event.Request
	record := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		mu.Lock()
		seen = req
		mu.Unlock()
		return response.Text(200, "ok"), nil
	})
	kinds := []event.Source{event.HTTPAPI, event.REST, event.ALB, event.ALBMultiValue, event.FunctionURL}
	gws := make([]*gateway.Gateway, len(kinds))
	for i, k := range kinds {
		api := gateway.API{Kind: k, Routes: gateway.CatchAll(k, gateway.Proxy{Function: handler.NewAdapter(record)})}
		if k == event.HTTPAPI {
			api.Routes = append(api.Routes, gateway.Route{Key: "GET /pets/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(record), PayloadVersion: event.PayloadV1}})
		}
		gws[i] = gateway.MustNew(api)
	}
	f.Fuzz(func(t *testing.T, kind uint8, method, target, name, value string, body []byte) {
		raw := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: x\r\n%s: %s\r\nContent-Length: %d\r\n\r\n", method, target, name, value, len(body))
		hr, err := http.ReadRequest(bufio.NewReader(io.MultiReader(bytes.NewReader([]byte(raw)), bytes.NewReader(body))))
		if err != nil {
			return // not a request a server would read
		}
		hr.RemoteAddr = "192.0.2.1:1234"
		mu.Lock()
		seen = nil
		mu.Unlock()
		resp, err := gws[int(kind)%len(gws)].RoundTrip(hr)
		if err != nil {
			t.Fatalf("RoundTrip: %v", err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 100 || resp.StatusCode > 599 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		mu.Lock()
		ev := seen
		mu.Unlock()
		if ev == nil {
			return // the gateway answered itself
		}
		b, err := ev.MarshalJSON()
		if err != nil {
			t.Fatalf("the event the function saw does not encode: %v", err)
		}
		back, err := event.Decode(b)
		if err != nil {
			t.Fatalf("the event the function saw does not decode: %v\n%s", err, b)
		}
		if back.Method != ev.Method || back.Path != ev.Path || !bytes.Equal(back.Body, ev.Body) || back.RawQuery != ev.RawQuery {
			t.Fatalf("event round trip: %q %q %q %q, want %q %q %q %q", back.Method, back.Path, back.Body, back.RawQuery, ev.Method, ev.Path, ev.Body, ev.RawQuery)
		}
	})
}
