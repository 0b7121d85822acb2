package route

import (
	"context"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/race"
)

func TestSelectionExpression(t *testing.T) {
	body := []byte(`{"action":"join","service":"chat","n":12.50,"ok":true,"nil":null,"obj":{"a":[1, 2]},"deep":{"x":{"y":"z"}}}`)
	for _, tc := range []struct {
		expr, want, err string
	}{
		{expr: "$request.body.action", want: "join"},
		{expr: "${request.body.action}", want: "join"},
		{expr: "${request.body.service}/${request.body.action}", want: "chat/join", err: ""},
		{expr: "${request.body.action}-${request.body.invalidPath}", want: "join-", err: ""},
		{expr: "$request.body.action/x", want: "join/x"},
		{expr: "$request.body.deep.x.y", want: "z"},
		{expr: "${request.body.deep.x}", want: `{"y":"z"}`},
		{expr: "$request.body.n", want: "12.50"},
		{expr: "$request.body.ok", want: "true"},
		{expr: "$request.body.nil", want: ""},
		{expr: "$request.body.obj", want: `{"a":[1,2]}`},
		{expr: "$request.body.action.inner", want: ""},
		{expr: `\$default`, want: "$default"},
		{expr: "static", want: "static"},
		{expr: "$request.header.x", err: "at offset 0: unsupported variable"},
		{expr: "${request.header.x}", err: `unsupported variable "${request.header.x}"`},
		{expr: "${request.body.action", err: `unclosed "${"`},
		{expr: "${request.body.a..b}", err: "empty name"},
		{expr: "$request.body.", err: "at offset 14: empty name"},
		{expr: "x$", err: "at offset 1: unsupported variable"},
	} {
		w, err := NewWebSocket(tc.expr)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "route: ") {
				t.Errorf("NewWebSocket(%q) error = %v, want %q", tc.expr, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("NewWebSocket(%q) = %v", tc.expr, err)
			continue
		}
		if got, ok := w.Evaluate(body); got != tc.want || !ok {
			t.Errorf("NewWebSocket(%q).Evaluate = %q, %t, want %q", tc.expr, got, ok, tc.want)
		}
	}
	w, _ := NewWebSocket("$request.body.action")
	for _, b := range []string{"hello", `{"action":"join"} trailing`, "", `{"action":`} {
		if got, ok := w.Evaluate([]byte(b)); ok {
			t.Errorf("Evaluate(%q) = %q, true, want not JSON", b, got)
		}
	}
	if got, ok := w.Evaluate([]byte(`["join"]`)); !ok || got != "" {
		t.Errorf(`Evaluate(["join"]) = %q, %t, want "", true`, got, ok)
	}
}

func TestWebSocketRouter(t *testing.T) {
	w, err := NewWebSocket("$request.body.action")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"$connect", "$disconnect", "join", "Join", "$default"} {
		if err := w.Register(k, echo(k)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		eventType, routeKey, body string
		want                      string
	}{
		{eventType: "CONNECT", want: "$connect"},
		{eventType: "DISCONNECT", want: "$disconnect"},
		{routeKey: "$connect", want: "$connect"},
		{eventType: "MESSAGE", body: `{"action":"join"}`, want: "join"},
		{eventType: "MESSAGE", body: `{"action":"Join"}`, want: "Join"},
		{eventType: "MESSAGE", body: `{"action":"JOIN"}`, want: "$default"},
		{eventType: "MESSAGE", body: `{"action":"$connect"}`, want: "$default"},
		{eventType: "MESSAGE", body: `not json`, want: "$default"},
		{eventType: "MESSAGE", routeKey: "join", body: `{}`, want: "$default"},
	} {
		req := &event.Request{Body: []byte(tc.body), RouteKey: tc.routeKey, Context: event.Context{EventType: tc.eventType}}
		res, err := w.Serve(context.Background(), req)
		if err != nil || res.StatusCode != 200 || string(res.Body) != tc.want || req.RouteKey != tc.want {
			t.Errorf("Serve(%s %q %s) = %d %q, RouteKey %q, want %q", tc.eventType, tc.routeKey, tc.body, res.StatusCode, res.Body, req.RouteKey, tc.want)
		}
	}

	// Without $default, an unrouted message gets the gateway's error, and
	// a connection without $connect is accepted.
	w2, _ := NewWebSocket("${request.body.action}")
	w2.Register("join", echo("join"))
	req := &event.Request{Body: []byte(`{"action":"leave"}`), RequestID: "req-1", Context: event.Context{EventType: "MESSAGE", ConnectionID: "conn-1"}}
	res, _ := w2.Serve(context.Background(), req)
	if want := `{"message": "Forbidden", "connectionId":"conn-1", "requestId":"req-1"}`; res.StatusCode != 403 || string(res.Body) != want {
		t.Errorf("unrouted message = %d %s, want 403 %s", res.StatusCode, res.Body, want)
	}
	res, _ = w2.Serve(context.Background(), &event.Request{Context: event.Context{EventType: "CONNECT"}})
	if res.StatusCode != 200 || len(res.Body) != 0 {
		t.Errorf("connect without $connect = %d %q, want 200 empty", res.StatusCode, res.Body)
	}

	// Without an expression, the event's routeKey decides.
	w3, _ := NewWebSocket("")
	w3.Register("sendMessage", echo("sendMessage"))
	if k, ok := w3.Select(&event.Request{RouteKey: "sendMessage", Body: []byte("x")}); k != "sendMessage" || !ok {
		t.Errorf("Select without expression = %q, %t", k, ok)
	}

	// Registration errors.
	for _, tc := range []struct{ key, err string }{
		{"", "empty WebSocket route key"},
		{"$custom", "reserved"},
		{"join", `"join" (registered at`},
	} {
		if err := w.Register(tc.key, echo("")); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Register(%q) = %v, want %q", tc.key, err, tc.err)
		}
	}
	var keys []string
	for _, rt := range w.Routes() {
		keys = append(keys, rt.Key)
	}
	if got := strings.Join(keys, " "); got != "$connect $disconnect Join join $default" {
		t.Errorf("Routes() = %s", got)
	}
	mustPanic(t, "Use after Handle", func() { w.Use(nil) })
}

// TestWebSocketSampleEvents routes the shape of aws-lambda-go's sample
// WebSocket events (apigw-websocket-request*.json).
func TestWebSocketSampleEvents(t *testing.T) {
	w, _ := NewWebSocket("$request.body.action")
	w.Register("$connect", echo("$connect"))
	w.Register("sendmessage", echo("sendmessage"))
	w.Register("$disconnect", echo("$disconnect"))
	for _, tc := range []struct {
		req  *event.Request
		want string
	}{
		{&event.Request{Source: event.WebSocket, Method: "GET", RouteKey: "$connect", Context: event.Context{EventType: "CONNECT"}}, "$connect"},
		{&event.Request{Source: event.WebSocket, RouteKey: "sendmessage", Body: []byte(`{"action":"sendmessage","data":"hi"}`), Context: event.Context{EventType: "MESSAGE"}}, "sendmessage"},
		{&event.Request{Source: event.WebSocket, RouteKey: "$disconnect", Context: event.Context{EventType: "DISCONNECT", DisconnectStatusCode: 1001}}, "$disconnect"},
	} {
		if k, ok := w.Select(tc.req); k != tc.want || !ok {
			t.Errorf("Select(%s) = %q, %t, want %q", tc.req.Context.EventType, k, ok, tc.want)
		}
	}
}

// TestSelectAllocs checks that selecting a message's route by its body
// allocates nothing when the key is a route's, escaped or not, and that
// keys needing a string of their own still select the right route.
func TestSelectAllocs(t *testing.T) {
	w, _ := NewWebSocket("$request.body.action")
	w.Register("send message", echo(""))
	w.Register("$default", echo(""))
	for _, tc := range []struct {
		body, want string
		allocs     bool
	}{
		{`{"action":"send message","data":"hi"}`, "send message", false},
		{`{"action":"send\u0020message"}`, "send message", true},
		{`{"action":"other"}`, "$default", false},
		{`{"action":["send message"]}`, "$default", true},
		{`not json`, "$default", true},
	} {
		req := &event.Request{Source: event.WebSocket, Body: []byte(tc.body), Context: event.Context{EventType: "MESSAGE"}}
		if k, ok := w.Select(req); k != tc.want || !ok {
			t.Errorf("Select(%s) = %q, %t, want %q", tc.body, k, ok, tc.want)
		}
		if tc.allocs || race.Enabled {
			continue
		}
		if n := testing.AllocsPerRun(100, func() { w.Select(req) }); n != 0 {
			t.Errorf("Select(%s): %v allocations, want 0", tc.body, n)
		}
	}
}

// BenchmarkEvaluate compares the scanning evaluation of a selection
// expression with the decoding one it stands in for.
func BenchmarkEvaluate(b *testing.B) {
	w, _ := NewWebSocket("$request.body.action")
	body := []byte(`{"action":"sendmessage","data":"hello, everyone in the room"}`)
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			w.Evaluate(body)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			w.evaluateDecode(body)
		}
	})
}
