package gateway_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdagate/lambdagate/connection"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	gwws "github.com/lambdagate/lambdagate/gateway/websocket"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// recorder is a function that records the events it receives, raw, and
// answers with what answer returns (200 with the body "ok" when nil).
type recorder struct {
	mu     sync.Mutex
	events []map[string]any
	reqs   []*event.Request
	got    chan *event.Request
	answer func(*event.Request) (*response.Response, error)
}

func newRecorder() *recorder { return &recorder{got: make(chan *event.Request, 64)} }

// Invoke records the payload as JSON and runs the Adapter path.
func (r *recorder) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.events = append(r.events, m)
	r.mu.Unlock()
	return handler.NewAdapter(handler.Func(r.serve)).Invoke(ctx, payload)
}

func (r *recorder) serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	r.got <- req
	if r.answer != nil {
		return r.answer(req)
	}
	return response.Text(200, "ok"), nil
}

// next returns the next event the function received.
func (r *recorder) next(t *testing.T) *event.Request {
	t.Helper()
	select {
	case req := <-r.got:
		return req
	case <-time.After(gatewaytest.WaitTimeout):
		t.Fatal("the function received no event")
		return nil
	}
}

// raw returns the raw event of the given type, the last one received.
func (r *recorder) raw(eventType string) map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.events) - 1; i >= 0; i-- {
		if r.events[i]["requestContext"].(map[string]any)["eventType"] == eventType {
			return r.events[i]
		}
	}
	return nil
}

// wsAPI is a WebSocket API whose every route is fn.
func wsAPI(fn handler.Invoker, keys ...string) gateway.API {
	api := gateway.API{Kind: event.WebSocket, ID: "dl7ptocha9", Region: "ap-northeast-1", Stages: []gateway.Stage{{Name: "prod"}}}
	for _, k := range keys {
		api.Routes = append(api.Routes, gateway.Route{Key: k, Integration: gateway.Proxy{Function: fn}, TwoWay: k != "$connect" && k != "$disconnect"})
	}
	return api
}

var wsID = regexp.MustCompile(`^[A-Za-z0-9_-]{15}=$`)

// awsSample reads one of aws-lambda-go's sample events from the module
// cache.
func awsSample(t *testing.T, name string) map[string]any {
	t.Helper()
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			t.Fatalf("go env GOMODCACHE: %v", err)
		}
		cache = strings.TrimSpace(string(out))
	}
	b, err := os.ReadFile(filepath.Join(cache, "github.com", "aws", "aws-lambda-go@v1.55.1", "events", "testdata", name))
	if err != nil {
		t.Fatalf("aws-lambda-go sample events not found (run go mod download): %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWebSocketEvents connects a browser-like client through the local
// gateway, sends a message and closes, and compares the three events the
// function received with aws-lambda-go's samples member by member
// (docs/evidence/websocket.md#event-fields).
func TestWebSocketEvents(t *testing.T) {
	before := runtime.NumGoroutine()
	fn := newRecorder()
	s := gatewaytest.New(t, wsAPI(fn, "$connect", "$disconnect", "$default"))
	c := s.Dial("/prod?name=me&name=you", "User-Agent", "Mozilla/5.0 (test)", "X-Custom", "v")
	connect := fn.next(t)
	c.Send("{\r\n\t\"a\": 1\r\n}")
	msg := fn.next(t)
	c.Expect("ok") // $default is two-way here
	c.Close(4000, "bye")
	disc := fn.next(t)

	for _, tt := range []struct {
		sample, eventType string
		notSent           []string // members of the hand-made CONNECT sample AWS does not send
	}{
		{"apigw-websocket-request.json", "CONNECT", []string{"resource", "path", "httpMethod", "pathParameters", "stageVariables", "body",
			"requestContext.accountId", "requestContext.resourceId", "requestContext.resourcePath", "requestContext.httpMethod",
			"requestContext.authorizer", "requestContext.error", "requestContext.integrationLatency", "requestContext.status",
			"requestContext.identity.cognitoIdentityPoolId", "requestContext.identity.accountId", "requestContext.identity.cognitoIdentityId",
			"requestContext.identity.caller", "requestContext.identity.apiKey", "requestContext.identity.apiKeyId",
			"requestContext.identity.accessKey", "requestContext.identity.cognitoAuthenticationType",
			"requestContext.identity.cognitoAuthenticationProvider", "requestContext.identity.userArn", "requestContext.identity.user"}},
		{"apigw-websocket-request-send-message.json", "MESSAGE", nil},
		{"apigw-websocket-request-disconnect.json", "DISCONNECT", nil},
	} {
		sample := awsSample(t, tt.sample)
		want := memberNames(sample, "")
		for _, m := range tt.notSent {
			delete(want, m)
		}
		got := memberNames(fn.raw(tt.eventType), "")
		if diff := setDiff(want, got); diff != "" {
			t.Errorf("%s event members differ from %s:\n%s", tt.eventType, tt.sample, diff)
		}
	}

	if connect.Context.EventType != "CONNECT" || connect.RouteKey != "$connect" || connect.Query.Get("name") != "me" ||
		!slices.Equal(connect.Query.Values("name"), []string{"me", "you"}) || connect.Header.Get("X-Custom") != "v" || connect.Header.Has("Upgrade") {
		t.Errorf("CONNECT event: type %q route %q query %v headers %v", connect.Context.EventType, connect.RouteKey, connect.Query, connect.Header)
	}
	id := connect.Context.ConnectionID
	for _, ev := range []*event.Request{connect, msg, disc} {
		c := ev.Context
		if c.ConnectionID != id || !wsID.MatchString(c.ConnectionID) || !wsID.MatchString(ev.RequestID) || c.ExtendedRequestID != ev.RequestID {
			t.Errorf("%s ids: connection %q request %q extended %q", c.EventType, c.ConnectionID, ev.RequestID, c.ExtendedRequestID)
		}
		if c.ConnectedAt != connect.Context.ConnectedAt || ev.Time.UnixMilli() < c.ConnectedAt {
			t.Errorf("%s: connectedAt %d, requestTimeEpoch %d", c.EventType, c.ConnectedAt, ev.Time.UnixMilli())
		}
		if ev.Stage != "prod" || ev.APIID != "dl7ptocha9" || ev.UserAgent != "Mozilla/5.0 (test)" || ev.SourceIP != "127.0.0.1" || c.MessageDirection != "IN" {
			t.Errorf("%s: stage %q api %q user agent %q source %q direction %q", c.EventType, ev.Stage, ev.APIID, ev.UserAgent, ev.SourceIP, c.MessageDirection)
		}
		if !strings.HasPrefix(ev.DomainName, "127.0.0.1:") {
			t.Errorf("%s: domainName %q, want the listener's address", c.EventType, ev.DomainName)
		}
	}
	if msg.RouteKey != "$default" || string(msg.Body) != "{\r\n\t\"a\": 1\r\n}" || !wsID.MatchString(string(msg.Context.MessageID[1:len(msg.Context.MessageID)-1])) {
		t.Errorf("MESSAGE: route %q body %q messageId %s", msg.RouteKey, msg.Body, msg.Context.MessageID)
	}
	if disc.Context.DisconnectStatusCode != 4000 || disc.Context.DisconnectReason == nil || *disc.Context.DisconnectReason != "bye" {
		t.Errorf("DISCONNECT: status %d reason %v, want 4000 bye", disc.Context.DisconnectStatusCode, disc.Context.DisconnectReason)
	}
	if h := disc.Header; len(h) != 4 || h.Get("Host") != disc.DomainName {
		t.Errorf("DISCONNECT headers = %v", h)
	}
	s.Gateway.Close()
	waitGoroutines(t, before)
}

// memberNames returns the dotted names of m's members, recursing into
// requestContext and identity.
func memberNames(m map[string]any, prefix string) map[string]bool {
	out := map[string]bool{}
	for k, v := range m {
		out[prefix+k] = true
		if sub, ok := v.(map[string]any); ok && (k == "requestContext" || k == "identity") {
			maps.Copy(out, memberNames(sub, prefix+k+"."))
		}
	}
	return out
}

func setDiff(want, got map[string]bool) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if !got[k] {
			b.WriteString("  missing " + k + "\n")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if !want[k] {
			b.WriteString("  extra " + k + "\n")
		}
	}
	return b.String()
}

// TestWebSocketRouteSelection sends messages through the gateway and
// checks the route each one takes, and the Forbidden frame when no route
// takes one (docs/evidence/gateway.md#websocket-routing).
func TestWebSocketRouteSelection(t *testing.T) {
	fn := newRecorder()
	fn.answer = func(req *event.Request) (*response.Response, error) { return response.Text(200, req.RouteKey), nil }
	for _, tt := range []struct {
		name, expr string
		keys       []string
		msg, want  string // want: the route key, or the error frame's message
	}{
		{"action", "", []string{"sendmessage", "$default"}, `{"action":"sendmessage","data":"hi"}`, "sendmessage"},
		{"unknown action", "", []string{"sendmessage", "$default"}, `{"action":"other"}`, "$default"},
		{"case-sensitive", "", []string{"sendmessage", "$default"}, `{"action":"SendMessage"}`, "$default"},
		{"not JSON", "", []string{"sendmessage", "$default"}, `sendmessage`, "$default"},
		{"no member", "", []string{"sendmessage", "$default"}, `{"data":1}`, "$default"},
		{"reserved key", "", []string{"$default"}, `{"action":"$connect"}`, "$default"},
		{"two variables", "${request.body.service}/${request.body.action}", []string{"chat/join", "$default"}, `{"service":"chat","action":"join"}`, "chat/join"},
		{"nested", "$request.body.m.kind", []string{"ping", "$default"}, `{"m":{"kind":"ping"}}`, "ping"},
		{"no $default", "", []string{"sendmessage"}, `{"action":"nothing"}`, "Forbidden"},
		{"not JSON, no $default", "", []string{"sendmessage"}, `hello`, "Forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := wsAPI(fn, tt.keys...)
			api.RouteSelectionExpression = tt.expr
			s := gatewaytest.New(t, api)
			c := s.Dial("/prod")
			c.Send(tt.msg)
			got := c.Receive()
			if tt.want == "Forbidden" {
				var f struct{ Message, ConnectionID, RequestID string }
				if json.Unmarshal([]byte(got), &f) != nil || f.Message != "Forbidden" || !wsID.MatchString(f.ConnectionID) || !wsID.MatchString(f.RequestID) ||
					!strings.HasPrefix(got, `{"message": "Forbidden", "connectionId":"`) {
					t.Errorf("message %s: got %q, want the Forbidden frame", tt.msg, got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("message %s took route %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}

// TestWebSocketRouteResponses checks what goes back on the socket: a
// two-way route's output body, nothing from a one-way route, the error
// frames of a failed or timed-out integration
// (docs/evidence/websocket.md#route-responses,
// docs/evidence/websocket.md#message-errors).
func TestWebSocketRouteResponses(t *testing.T) {
	answer := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		var m struct{ Action, Do string }
		json.Unmarshal(req.Body, &m)
		switch m.Do {
		case "fail":
			return nil, errors.New("boom")
		case "panic":
			panic("boom")
		case "sleep":
			<-ctx.Done()
			return response.Text(200, "late"), nil
		case "empty":
			return &response.Response{StatusCode: 200}, nil
		case "500":
			return response.Text(500, "server said 500"), nil
		}
		return response.Text(200, "reply to "+m.Action), nil
	})
	api := gateway.API{Kind: event.WebSocket, Timeout: 200 * time.Millisecond, Routes: []gateway.Route{
		{Key: "twoway", Integration: gateway.Proxy{Function: handler.NewAdapter(answer)}, TwoWay: true},
		{Key: "oneway", Integration: gateway.Proxy{Function: handler.NewAdapter(answer)}},
		{Key: "malformed", Integration: gateway.Proxy{Function: invokerFunc(func(context.Context, []byte) ([]byte, error) {
			return []byte(`{"statusCode":200,"body":"x","unknown":1}`), nil
		})}, TwoWay: true},
	}}
	s := gatewaytest.New(t, api)
	c := s.Dial("/prod")
	errorFrame := regexp.MustCompile(`^\{"message": "([^"]+)", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$`)
	for _, tt := range []struct {
		msg  string
		want string // the message received; "error:M" for an error frame with message M; "" for none
	}{
		{`{"action":"twoway"}`, "reply to twoway"},
		{`{"action":"twoway","do":"500"}`, "server said 500"},
		{`{"action":"twoway","do":"empty"}`, ""},
		{`{"action":"oneway"}`, ""},
		{`{"action":"oneway","do":"500"}`, ""},
		{`{"action":"twoway","do":"fail"}`, "error:Internal server error"},
		{`{"action":"oneway","do":"fail"}`, "error:Internal server error"},
		{`{"action":"oneway","do":"panic"}`, "error:Internal server error"},
		{`{"action":"malformed"}`, "error:Internal server error"},
		{`{"action":"oneway","do":"sleep"}`, "error:Endpoint request timed out"},
	} {
		c.Send(tt.msg)
		wait := gatewaytest.WaitTimeout
		if tt.want == "" {
			wait = 500 * time.Millisecond
		}
		got, err := c.ReceiveErr(wait)
		if err != nil {
			// A read that timed out closes a coder/websocket connection.
			c = s.Dial("/prod")
		}
		switch {
		case tt.want == "":
			if err == nil {
				t.Errorf("%s: received %q, want nothing", tt.msg, got)
			}
		case strings.HasPrefix(tt.want, "error:"):
			m := errorFrame.FindStringSubmatch(got)
			if err != nil || m == nil || m[1] != tt.want[len("error:"):] {
				t.Errorf("%s: received %q (%v), want the error frame %q", tt.msg, got, err, tt.want)
			}
		default:
			if err != nil || got != tt.want {
				t.Errorf("%s: received %q (%v), want %q", tt.msg, got, err, tt.want)
			}
		}
	}
}

// invokerFunc is a function at the bytes level.
type invokerFunc func(context.Context, []byte) ([]byte, error)

func (f invokerFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return f(ctx, payload)
}

// TestWebSocketConnect checks the handshake against the $connect
// integration's answer (docs/evidence/websocket.md#connect).
func TestWebSocketConnect(t *testing.T) {
	connectFn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		switch req.Query.Get("as") {
		case "denied":
			return response.Error(401, "Unauthorized"), nil
		case "forbidden":
			return response.Error(403, "Forbidden"), nil
		case "error":
			return nil, errors.New("boom")
		case "slow":
			<-ctx.Done()
			return response.Text(200, "late"), nil
		case "proto":
			r := response.Text(200, "")
			r.Header.Add("Sec-WebSocket-Protocol", "chat.v1")
			return r, nil
		}
		return response.Text(200, ""), nil
	})
	api := gateway.API{Kind: event.WebSocket, Timeout: 200 * time.Millisecond, Routes: []gateway.Route{
		{Key: "$connect", Integration: gateway.Proxy{Function: handler.NewAdapter(connectFn)}},
	}}
	s := gatewaytest.New(t, api)
	for _, tt := range []struct {
		query  string
		status int // 101 for a connection
	}{
		{"", 101}, {"as=denied", 401}, {"as=forbidden", 403}, {"as=error", 502}, {"as=slow", 504}, {"as=proto", 101},
	} {
		_, resp, err := s.DialErr("/prod?"+tt.query, "Sec-WebSocket-Protocol", "chat.v1, chat.v0")
		if resp == nil {
			t.Fatalf("%s: no handshake response: %v", tt.query, err)
		}
		if resp.StatusCode != tt.status || (tt.status == 101) != (err == nil) {
			t.Errorf("$connect %q: status %d (%v), want %d", tt.query, resp.StatusCode, err, tt.status)
		}
		if tt.query == "as=proto" && resp.Header.Get("Sec-WebSocket-Protocol") != "chat.v1" {
			t.Errorf("subprotocol %q, want chat.v1 from the $connect output", resp.Header.Get("Sec-WebSocket-Protocol"))
		}
	}
	for _, target := range []string{"/other", "/prod/extra", "/"} {
		if _, resp, _ := s.DialErr(target); resp == nil || resp.StatusCode != 403 {
			t.Errorf("dial %s: %v, want 403", target, resp)
		}
	}
	if r, body := s.Fetch("GET", "/prod", ""); r.StatusCode != http.StatusUpgradeRequired {
		t.Errorf("GET /prod without an upgrade = %d %q, want 426", r.StatusCode, body)
	}
	if _, r := s.Fetch("GET", "/prod?as=denied", ""); r == `{"message":"Unauthorized"}` {
		t.Error("a request that is no handshake ran $connect")
	}
}

// TestWebSocketDisconnect checks disconnectStatusCode and
// disconnectReason for each way a connection ends
// (docs/evidence/websocket.md#disconnect, docs/evidence/websocket.md#limits).
func TestWebSocketDisconnect(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, tt := range []struct {
		name       string
		end        func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string)
		code       int64
		reason     string
		clientCode int // the close code the client gets; 0 when it closed
	}{
		{"client closes", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) { c.Close(1000, "done") }, 1000, "done", 0},
		{"client goes away", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) { c.Close(1001, "") }, 1001, "", 0},
		{"client drops", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) { c.WS().CloseNow() }, 1006, "", 0},
		{"DELETE @connections", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) {
			if err := s.Connections("prod").Delete(context.Background(), id); err != nil {
				t.Fatal(err)
			}
		}, 1000, "Connection Closed Normally", 1000},
		{"binary frame", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) {
			c.WS().Write(context.Background(), websocket.MessageBinary, []byte{1, 2, 3})
		}, 1003, "Unsupported data", 1003},
		{"frame too big", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) {
			c.WS().Write(context.Background(), websocket.MessageText, []byte(strings.Repeat("x", 1025)))
		}, 1009, "Frame too big", 1009},
		{"message too big", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) {
			// Frames within the quota, a message over it.
			w, err := c.WS().Writer(context.Background(), websocket.MessageText)
			if err != nil {
				t.Fatal(err)
			}
			for range 5 {
				w.Write([]byte(strings.Repeat("x", 1000)))
			}
			w.Close()
		}, 1009, "Message too big", 1009},
		{"idle", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) {}, 1001, "Going away", 1001},
		{"gateway closes", func(t *testing.T, s *gatewaytest.Server, c *gatewaytest.Conn, id string) { s.Gateway.Close() }, 1001, "Going away", 1001},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fn := newRecorder()
			api := wsAPI(fn, "$connect", "$disconnect")
			api.Limits = gateway.Limits{Frame: 1024, Message: 4096, Idle: 300 * time.Millisecond, Duration: time.Minute}
			s := gatewaytest.New(t, api)
			c := s.Dial("/prod")
			id := fn.next(t).Context.ConnectionID
			tt.end(t, s, c, id)
			if tt.clientCode != 0 {
				if code, _ := c.Closed(gatewaytest.WaitTimeout); code != tt.clientCode {
					t.Errorf("the client got close code %d, want %d", code, tt.clientCode)
				}
			}
			disc := fn.next(t)
			if disc.Context.EventType != "DISCONNECT" || disc.Context.DisconnectStatusCode != tt.code || disc.Context.DisconnectReason == nil || *disc.Context.DisconnectReason != tt.reason {
				t.Errorf("$disconnect: %s %d %v, want %d %q", disc.Context.EventType, disc.Context.DisconnectStatusCode, disc.Context.DisconnectReason, tt.code, tt.reason)
			}
			if err := s.Connections("prod").Post(context.Background(), id, []byte("x")); !errors.Is(err, connection.ErrGone) {
				t.Errorf("POST after $disconnect: %v, want ErrGone", err)
			}
		})
	}
	waitGoroutines(t, before)
}

// TestWebSocketLimits checks each quota at its edge: a frame and a
// message of exactly the quota pass; activity either way keeps a
// connection past the idle timeout, and the duration closes it anyway
// (docs/evidence/websocket.md#limits).
func TestWebSocketLimits(t *testing.T) {
	echo := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.Text(200, string(req.Body)), nil
	})
	connected := newRecorder()
	api := gateway.API{Kind: event.WebSocket, Limits: gateway.Limits{Frame: 1024, Message: 4096, Idle: 400 * time.Millisecond, Duration: 3 * time.Second},
		Routes: []gateway.Route{
			{Key: "$connect", Integration: gateway.Proxy{Function: connected}},
			{Key: "$default", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}, TwoWay: true},
		}}
	s := gatewaytest.New(t, api)
	start := time.Now()
	c := s.Dial("/prod")
	id := connected.next(t).Context.ConnectionID
	c.Send(strings.Repeat("f", 1024))
	c.Expect(strings.Repeat("f", 1024))
	w, _ := c.WS().Writer(context.Background(), websocket.MessageText)
	for range 4 {
		w.Write([]byte(strings.Repeat("m", 1024)))
	}
	w.Close()
	c.Expect(strings.Repeat("m", 4096))

	// Keep the connection busy past the idle timeout with messages from
	// the client and posts from the backend, then wait for the duration.
	for i := 0; time.Since(start) < 2*time.Second; i++ {
		if i%2 == 0 {
			c.Send("ping")
			c.Expect("ping")
		} else {
			if err := s.Connections("prod").Post(context.Background(), id, []byte("push")); err != nil {
				t.Fatal(err)
			}
			c.Expect("push")
		}
		time.Sleep(150 * time.Millisecond)
	}
	code, reason := c.Closed(3 * time.Second)
	if code != 1001 || reason != "Going away" {
		t.Errorf("at the duration: close %d %q, want 1001 Going away", code, reason)
	}
	if d := time.Since(start); d < 2*time.Second || d > 5*time.Second {
		t.Errorf("closed after %v, want about the 3 s duration", d)
	}
}

// TestManagementAPI checks POST, GET and DELETE on @connections, 410 for
// unknown connections, 413 over the message quota, and large posts
// arriving whole (docs/evidence/websocket.md#management-api).
func TestManagementAPI(t *testing.T) {
	fn := newRecorder()
	api := wsAPI(fn, "$connect")
	api.Limits = gateway.Limits{Frame: 1024, Message: 8192}
	s := gatewaytest.New(t, api)
	c := s.Dial("/prod", "User-Agent", "probe/1")
	id := fn.next(t).Context.ConnectionID
	mgmt := s.Connections("prod")
	ctx := context.Background()

	if err := mgmt.Post(ctx, id, []byte("hello")); err != nil {
		t.Fatalf("POST: %v", err)
	}
	c.Expect("hello")
	big := strings.Repeat("0123456789", 800) // 8000 bytes: eight frames of 1024
	if err := mgmt.Post(ctx, id, []byte(big)); err != nil {
		t.Fatalf("POST of 8000 bytes: %v", err)
	}
	c.Expect(big)
	var apiErr *connection.Error
	if err := mgmt.Post(ctx, id, []byte(strings.Repeat("x", 8193))); !errors.As(err, &apiErr) || apiErr.Status != 413 || apiErr.Code != "PayloadTooLargeException" {
		t.Errorf("POST over the message quota: %v, want 413 PayloadTooLargeException", err)
	}
	info, err := mgmt.Get(ctx, id)
	if err != nil || info.SourceIP != "127.0.0.1" || info.UserAgent != "probe/1" || time.Since(info.ConnectedAt) > time.Minute || info.LastActiveAt.Before(info.ConnectedAt) {
		t.Errorf("GET = %+v, %v", info, err)
	}

	// The raw answers: status, error type header and body.
	for _, tt := range []struct {
		method, path string
		status       int
		errorType    string
	}{
		{"GET", "/prod/@connections/" + id, 200, ""},
		{"GET", "/prod/%40connections/" + strings.ReplaceAll(id, "=", "%3D"), 200, ""},
		{"GET", "/prod/@connections/AAAAAAAAAAAAAAA=", 410, "GoneException"},
		{"POST", "/prod/@connections/AAAAAAAAAAAAAAA=", 410, "GoneException"},
		{"DELETE", "/prod/@connections/AAAAAAAAAAAAAAA=", 410, "GoneException"},
		{"PUT", "/prod/@connections/" + id, 403, ""},
		{"GET", "/nostage/@connections/" + id, 403, ""},
	} {
		r, body := s.Fetch(tt.method, tt.path, "x", "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000")
		if r.StatusCode != tt.status || r.Header.Get("X-Amzn-ErrorType") != tt.errorType {
			t.Errorf("%s %s = %d %q (%s), want %d %q", tt.method, tt.path, r.StatusCode, r.Header.Get("X-Amzn-ErrorType"), body, tt.status, tt.errorType)
		}
		if tt.status == 200 {
			var doc map[string]any
			if json.Unmarshal([]byte(body), &doc) != nil || doc["connectedAt"] == nil || doc["lastActiveAt"] == nil || doc["identity"] == nil {
				t.Errorf("GET body %s", body)
			}
		}
	}
	if err := mgmt.Delete(ctx, id); err != nil {
		t.Fatalf("DELETE: %v", err)
	}
	if code, _ := c.Closed(gatewaytest.WaitTimeout); code != 1000 {
		t.Errorf("after DELETE the client got %d, want 1000", code)
	}
	if err := mgmt.Delete(ctx, id); !errors.Is(err, connection.ErrGone) {
		t.Errorf("second DELETE: %v, want ErrGone", err)
	}
}

// TestWebSocketPostDuringConnect checks that a connection is not
// reachable while its $connect runs: 410 (docs/evidence/websocket.md#connect).
func TestWebSocketPostDuringConnect(t *testing.T) {
	var s *gatewaytest.Server
	got := make(chan error, 1)
	connectFn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		got <- s.Connections("prod").Post(ctx, req.Context.ConnectionID, []byte("too early"))
		return response.Text(200, ""), nil
	})
	s = gatewaytest.WebSocket(t, map[string]handler.Handler{"$connect": connectFn})
	s.Dial("/prod")
	if err := <-got; !errors.Is(err, connection.ErrGone) {
		t.Errorf("POST during $connect: %v, want ErrGone", err)
	}
}

// TestWebSocketRemote runs the routes' function behind the Lambda Invoke
// API (gateway.Remote), as any integration can be.
func TestWebSocketRemote(t *testing.T) {
	echo := handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.Text(200, req.Context.EventType+" "+string(req.Body)), nil
	}))
	lambdaAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/2015-03-31/functions/chat/invocations" {
			http.NotFound(w, r)
			return
		}
		payload, _ := io.ReadAll(r.Body)
		out, err := echo.Invoke(r.Context(), payload)
		if err != nil {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
		}
		w.Write(out)
	}))
	defer lambdaAPI.Close()
	fn := &gateway.Remote{Endpoint: lambdaAPI.URL, Name: "chat"}
	s := gatewaytest.New(t, gateway.API{Kind: event.WebSocket, Routes: []gateway.Route{
		{Key: "$connect", Integration: gateway.Proxy{Function: fn}},
		{Key: "$default", Integration: gateway.Proxy{Function: fn}, TwoWay: true},
	}})
	c := s.Dial("/prod")
	c.Send("hi")
	c.Expect("MESSAGE hi")
}

// TestWebSocketAPICheck checks the configuration errors of WebSocket APIs.
func TestWebSocketAPICheck(t *testing.T) {
	fn := gateway.Proxy{Function: handler.NewAdapter(handler.Func(func(context.Context, *event.Request) (*response.Response, error) { return nil, nil }))}
	up := gwws.Upgrader{}
	if _, err := gateway.New(gateway.API{Kind: event.WebSocket}); err == nil || !strings.Contains(err.Error(), "gateway/websocket") {
		t.Errorf("a WebSocket API without an Upgrader: %v, want the error naming package gateway/websocket", err)
	}
	for _, tt := range []struct {
		api  gateway.API
		want string
	}{
		{gateway.API{Kind: event.WebSocket, Routes: []gateway.Route{{Key: "$bad", Integration: fn}}}, "reserved"},
		{gateway.API{Kind: event.WebSocket, Routes: []gateway.Route{{Key: "a", Integration: fn}, {Key: "a", Integration: fn}}}, "duplicate"},
		{gateway.API{Kind: event.WebSocket, RouteSelectionExpression: "$request.header.x"}, "selection expression"},
		{gateway.API{Kind: event.WebSocket, Stages: []gateway.Stage{{Name: "$default"}}}, `no "$default" stage`},
		{gateway.API{Kind: event.WebSocket, Stages: []gateway.Stage{{Name: "a.b"}}}, "invalid stage name"},
		{gateway.API{Kind: event.WebSocket, Routes: []gateway.Route{{Key: "$connect", Integration: fn, TwoWay: true}}}, "route response"},
		{gateway.API{Kind: event.HTTPAPI, Routes: []gateway.Route{{Key: "$default", Integration: fn, TwoWay: true}}}, "only WebSocket routes are two-way"},
		{gateway.API{Kind: event.WebSocket, Timeout: 30 * time.Second}, "timeout"},
	} {
		if tt.api.Kind == event.WebSocket {
			tt.api.Upgrader = up
		}
		_, err := gateway.New(tt.api)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tt.api, err, tt.want)
		}
	}
}

// TestWebSocketConcurrentMessages checks that each message runs on its
// own, as API Gateway invokes an integration per message: a slow message
// does not hold back the next one's answer.
func TestWebSocketConcurrentMessages(t *testing.T) {
	release := make(chan struct{})
	fn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		if strings.Contains(string(req.Body), "slow") {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return response.Text(200, string(req.Body)), nil
	})
	s := gatewaytest.New(t, gateway.API{Kind: event.WebSocket, Routes: []gateway.Route{
		{Key: "$default", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}, TwoWay: true},
	}})
	c := s.Dial("/prod")
	c.Send("slow")
	c.Send("fast 1")
	c.Expect("fast 1")
	c.Send("fast 2")
	c.Expect("fast 2")
	close(release)
	c.Expect("slow")
}

// TestWebSocketMessageBound floods a connection with messages whose
// integration blocks: at most 100 run at once, the others wait to be
// read, and all are answered once the integrations return.
func TestWebSocketMessageBound(t *testing.T) {
	before := runtime.NumGoroutine()
	release := make(chan struct{})
	var mu sync.Mutex
	running, most := 0, 0
	fn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		<-release
		mu.Lock()
		running--
		mu.Unlock()
		return response.Text(200, "done"), nil
	})
	s := gatewaytest.New(t, gateway.API{Kind: event.WebSocket, Routes: []gateway.Route{
		{Key: "$default", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}, TwoWay: true},
	}})
	c := s.Dial("/prod")
	const n = 250
	for range n {
		c.Send("x")
	}
	deadline := time.Now().Add(gatewaytest.WaitTimeout)
	for {
		mu.Lock()
		r := running
		mu.Unlock()
		if r == 100 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // time for a 101st to start, were it allowed
	mu.Lock()
	if most != 100 {
		t.Errorf("%d messages ran at once, want 100", most)
	}
	mu.Unlock()
	if n := runtime.NumGoroutine() - before; n > 100+20 {
		t.Errorf("%d goroutines for a connection with 100 messages running", n)
	}
	close(release)
	for range n {
		c.Expect("done")
	}
}

// TestManagementAPISlowBody checks that a POST whose body trickles is
// cut at the API's body timeout instead of holding the server.
func TestManagementAPISlowBody(t *testing.T) {
	fn := newRecorder()
	api := wsAPI(fn, "$connect")
	api.BodyTimeout = 200 * time.Millisecond
	s := gatewaytest.New(t, api)
	s.Dial("/prod")
	id := fn.next(t).Context.ConnectionID
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /prod/@connections/%s HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial", id)
	conn.SetReadDeadline(time.Now().Add(gatewaytest.WaitTimeout))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a trickling body: %v", err)
	}
	resp.Body.Close()
	if d := time.Since(start); resp.StatusCode != http.StatusBadRequest || d > 2*time.Second {
		t.Errorf("trickling body: %d after %v, want 400 at the 200ms body timeout", resp.StatusCode, d)
	}
}
