package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/gateway/iamauth"
	gwws "github.com/lambdagate/lambdagate/gateway/websocket"
	"github.com/lambdagate/lambdagate/handler"
)

// wsAuthorizer is a $connect authorizer that answers by the Token header
// and records the events it receives.
type wsAuthorizer struct {
	calls  atomic.Int32
	mu     sync.Mutex
	events [][]byte
}

func (a *wsAuthorizer) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	a.calls.Add(1)
	a.mu.Lock()
	a.events = append(a.events, payload)
	a.mu.Unlock()
	return authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		arn, _ := event.ParseARN(req.ARN())
		switch req.Request.Header.Get("Token") {
		case "allow":
			return authorizer.Allow("u1", req.ARN()).WithContext("user", "u1").WithContext("n", 7).WithContext("ok", true), nil
		case "deny":
			return authorizer.Deny("u1", req.ARN()), nil
		case "elsewhere":
			return authorizer.Allow("u1", arn.Resource("*", "sendmessage", "")), nil
		case "object":
			return authorizer.Allow("u1", req.ARN()).WithContext("o", map[string]any{"a": 1}), nil
		case "fail":
			return nil, errors.New("database down")
		}
		return nil, authorizer.ErrUnauthorized
	}).Invoke(ctx, payload)
}

// last returns the last event the authorizer received, decoded as JSON.
func (a *wsAuthorizer) last(t *testing.T) map[string]any {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.events) == 0 {
		t.Fatal("the authorizer received no event")
	}
	var m map[string]any
	if err := json.Unmarshal(a.events[len(a.events)-1], &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// wsAuthAPI is a WebSocket API whose $connect a Lambda authorizer
// guards, with identity sources on a header, the query and a stage
// variable.
func wsAuthAPI(fn handler.Invoker, auth handler.Invoker) gateway.API {
	api := wsAPI(fn, "$connect", "$disconnect", "$default")
	api.Stages[0].Variables = map[string]string{"realm": "blue"}
	api.Routes[0].Authorizer = "lambda"
	api.Authorizers = map[string]gateway.Authorizer{"lambda": gateway.LambdaAuthorizer{Function: auth,
		IdentitySource: []string{"route.request.header.Token", "route.request.querystring.room", "stageVariables.realm"}}}
	return api
}

// TestWebSocketAuthorizerOutcomes checks the handshake's answer for each
// outcome of a $connect Lambda authorizer, whether the authorizer and
// $connect ran, and that nothing is cached
// (docs/evidence/websocket.md#authorizers).
func TestWebSocketAuthorizerOutcomes(t *testing.T) {
	before := runtime.NumGoroutine()
	fn, auth := newRecorder(), &wsAuthorizer{}
	s := gatewaytest.New(t, wsAuthAPI(fn, auth))
	for _, tt := range []struct {
		name, target, token string
		status              int
		body                string
		invoked             int32 // authorizer invokes
	}{
		{"allow", "/prod?room=r1", "allow", 101, "", 1},
		{"allow again: no cache", "/prod?room=r1", "allow", 101, "", 1},
		{"explicit deny", "/prod?room=r1", "deny", 403, `{"message":"Forbidden"}`, 1},
		{"no allow for $connect", "/prod?room=r1", "elsewhere", 403, `{"message":"Forbidden"}`, 1},
		{"Unauthorized error", "/prod?room=r1", "nobody", 401, `{"message":"Unauthorized"}`, 1},
		{"function error", "/prod?room=r1", "fail", 500, `{"message":"Internal Server Error"}`, 1},
		{"invalid context", "/prod?room=r1", "object", 500, `{"message":"Internal Server Error"}`, 1},
		{"missing header", "/prod?room=r1", "", 401, `{"message":"Unauthorized"}`, 0},
		{"missing query", "/prod", "allow", 401, `{"message":"Unauthorized"}`, 0},
		{"empty query value", "/prod?room=", "allow", 401, `{"message":"Unauthorized"}`, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls := auth.calls.Load()
			var header []string
			if tt.token != "" {
				header = []string{"Token", tt.token}
			}
			c, resp, err := s.DialErr(tt.target, header...)
			if resp == nil {
				t.Fatalf("no handshake response: %v", err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("handshake status %d (%v), want %d", resp.StatusCode, err, tt.status)
			}
			if got := auth.calls.Load() - calls; got != tt.invoked {
				t.Errorf("authorizer invoked %d times, want %d", got, tt.invoked)
			}
			if tt.status != 101 {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(body) != tt.body {
					t.Errorf("body %q, want %q", body, tt.body)
				}
				if len(fn.got) != 0 {
					t.Errorf("$connect ran for a refused handshake: %v", (<-fn.got).Context.EventType)
				}
				return
			}
			if ev := fn.next(t); ev.Context.EventType != "CONNECT" {
				t.Errorf("first event %s, want CONNECT", ev.Context.EventType)
			}
			c.Close(1000, "")
			if ev := fn.next(t); ev.Context.EventType != "DISCONNECT" {
				t.Errorf("last event %s, want DISCONNECT", ev.Context.EventType)
			}
		})
	}
	s.Gateway.Close()
	s.Client().CloseIdleConnections() // the refused handshakes' connections
	waitGoroutines(t, before)
}

// TestWebSocketAuthorizerEvents checks the authorizer's event against
// AWS's documented shape, and what it grants in every event of the
// connection: CONNECT, MESSAGE and DISCONNECT
// (docs/evidence/websocket.md#authorizer-event,
// docs/evidence/websocket.md#authorizers).
func TestWebSocketAuthorizerEvents(t *testing.T) {
	fn, auth := newRecorder(), &wsAuthorizer{}
	s := gatewaytest.New(t, wsAuthAPI(fn, auth))
	c := s.Dial("/prod?room=r1&room=r2", "Token", "allow", "User-Agent", "test-agent")
	connect := fn.next(t)
	c.Send(`{"action":"hello"}`)
	msg := fn.next(t)
	c.Expect("ok")
	c.Close(1000, "")
	disc := fn.next(t)

	// The authorizer's event has the members of AWS's documented
	// example, no more, no fewer.
	doc, err := os.ReadFile("../event/testdata/websocket-authorizer.json")
	if err != nil {
		t.Fatal(err)
	}
	var sample map[string]any
	json.Unmarshal(doc, &sample)
	ev := auth.last(t)
	if d := setDiff(memberNames(sample, ""), memberNames(ev, "")); d != "" {
		t.Errorf("authorizer event members differ from the documented example:\n%s", d)
	}
	a, err := event.DecodeAuthorizer(auth.events[0])
	if err != nil {
		t.Fatal(err)
	}
	r := a.Request
	if want := "arn:aws:execute-api:ap-northeast-1:123456789012:dl7ptocha9/prod/$connect"; a.MethodArn != want {
		t.Errorf("methodArn = %q, want %q", a.MethodArn, want)
	}
	if r.Header.Get("Connection") != "upgrade" || r.Header.Get("Upgrade") != "websocket" || r.Header.Get("Content-Length") != "0" ||
		r.Header.Get("Token") != "allow" || r.Header.Get("Sec-WebSocket-Key") == "" {
		t.Errorf("authorizer event headers = %v", r.Header)
	}
	qs, _ := ev["queryStringParameters"].(map[string]any)
	if qs["room"] != "r2" || len(r.Query.Values("room")) != 2 || r.StageVariables.Get("realm") != "blue" {
		t.Errorf("authorizer event query %v (single values %v), stage variables %v", r.Query, qs, r.StageVariables)
	}
	if r.RequestID != connect.RequestID || r.Context.ConnectionID != connect.Context.ConnectionID || r.Context.ConnectedAt != connect.Context.ConnectedAt {
		t.Errorf("authorizer event ids %q %q %d, CONNECT's %q %q %d", r.RequestID, r.Context.ConnectionID, r.Context.ConnectedAt,
			connect.RequestID, connect.Context.ConnectionID, connect.Context.ConnectedAt)
	}
	if connect.Header.Has("Upgrade") || connect.Header.Has("Connection") {
		t.Errorf("the CONNECT event has the authorizer's headers: %v", connect.Header)
	}

	// Every event of the connection carries the authorizer's output.
	for _, ev := range []*event.Request{connect, msg, disc} {
		var got map[string]any
		if err := json.Unmarshal(ev.Authorizer.JSON, &got); err != nil {
			t.Fatalf("%s: requestContext.authorizer %s: %v", ev.Context.EventType, ev.Authorizer.JSON, err)
		}
		lat, ok := got["integrationLatency"].(float64)
		delete(got, "integrationLatency")
		want := map[string]any{"principalId": "u1", "user": "u1", "n": "7", "ok": "true"}
		if !ok || lat < 0 || !jsonEqual(got, want) {
			t.Errorf("%s: requestContext.authorizer = %s, want %v and integrationLatency", ev.Context.EventType, ev.Authorizer.JSON, want)
		}
		if ev.Authorizer.PrincipalID() != "u1" {
			t.Errorf("%s: PrincipalID() = %q", ev.Context.EventType, ev.Authorizer.PrincipalID())
		}
	}
	if raw := fn.raw("MESSAGE"); raw["requestContext"].(map[string]any)["authorizer"] == nil {
		t.Error("the MESSAGE event's JSON has no requestContext.authorizer")
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestWebSocketIAM checks IAM authorization of the handshake: a SigV4
// signature over the GET of the stage's URL, the caller's policy on the
// route ARN, and the caller in every event of the connection
// (docs/evidence/websocket.md#authorizers).
func TestWebSocketIAM(t *testing.T) {
	now := time.Now().UTC()
	noConnect := &authorizer.Policy{Version: authorizer.PolicyVersion, Statement: []authorizer.Statement{
		{Effect: authorizer.EffectAllow, Action: authorizer.Strings{"execute-api:Invoke"}, Resource: authorizer.Strings{"*"}},
		{Effect: authorizer.EffectDeny, Action: authorizer.Strings{"execute-api:Invoke"}, Resource: authorizer.Strings{"arn:aws:execute-api:*:*:*/prod/$connect"}},
	}}
	iam, err := iamauth.New(iamauth.Config{Credentials: []iamauth.Credential{
		{AccessKeyID: "AKIAALICE", SecretAccessKey: "alice-secret", AccountID: "111122223333", UserARN: "arn:aws:iam::111122223333:user/alice"},
		{AccessKeyID: "AKIABOB", SecretAccessKey: "bob-secret", Policy: noConnect},
	}})
	if err != nil {
		t.Fatal(err)
	}
	fn := newRecorder()
	api := wsAPI(fn, "$connect", "$default")
	api.Routes[0].Authorizer = "iam"
	api.Authorizers = map[string]gateway.Authorizer{"iam": iam}
	s := gatewaytest.New(t, api)
	sign := func(key, secret string) []string {
		r, _ := http.NewRequest("GET", "http"+strings.TrimPrefix(s.WebSocketURL("/prod"), "ws"), nil)
		const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, r, emptyHash, "execute-api", "ap-northeast-1", now); err != nil {
			t.Fatal(err)
		}
		return []string{"Authorization", r.Header.Get("Authorization"), "X-Amz-Date", r.Header.Get("X-Amz-Date")}
	}
	for _, tt := range []struct {
		name   string
		header []string
		status int
		body   string
	}{
		{"unsigned", nil, 403, `{"message":"Missing Authentication Token"}`},
		{"wrong secret", sign("AKIAALICE", "not-alice"), 403, "does not match"},
		{"unknown key", sign("AKIAEVE", "eve"), 403, "security token"},
		{"denied $connect", sign("AKIABOB", "bob-secret"), 403, "User: arn:aws:iam::123456789012:user/AKIABOB is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:ap-northeast-1:********9012:dl7ptocha9/prod/$connect with an explicit deny"},
	} {
		_, resp, _ := s.DialErr("/prod", tt.header...)
		if resp == nil || resp.StatusCode != tt.status {
			t.Fatalf("%s: handshake %v, want %d", tt.name, resp, tt.status)
		}
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), tt.body) {
			t.Errorf("%s: body %s, want it to contain %q", tt.name, body, tt.body)
		}
	}
	if len(fn.got) != 0 {
		t.Fatal("$connect ran for a refused handshake")
	}
	c := s.Dial("/prod", sign("AKIAALICE", "alice-secret")...)
	connect := fn.next(t)
	c.Send("hi")
	msg := fn.next(t)
	for _, ev := range []*event.Request{connect, msg} {
		id := ev.Context.Identity
		if id.AccessKey != "AKIAALICE" || id.UserARN != "arn:aws:iam::111122223333:user/alice" || id.AccountID != "111122223333" || ev.SourceIP != "127.0.0.1" {
			t.Errorf("%s identity = %+v, source %q", ev.Context.EventType, id, ev.SourceIP)
		}
	}
}

// TestWebSocketAuthorizerCheck checks what New refuses of WebSocket
// authorization settings.
func TestWebSocketAuthorizerCheck(t *testing.T) {
	fn := gateway.Proxy{Function: newRecorder()}
	la := func(mut func(*gateway.LambdaAuthorizer)) gateway.Authorizer {
		a := gateway.LambdaAuthorizer{Function: newRecorder()}
		mut(&a)
		return a
	}
	for _, tt := range []struct {
		name string
		auth gateway.Authorizer
		key  string
		want string
	}{
		{"on a message route", la(func(*gateway.LambdaAuthorizer) {}), "sendmessage", "authorizes its $connect route only"},
		{"TOKEN", la(func(a *gateway.LambdaAuthorizer) { a.Type = event.TokenAuthorizer }), "$connect", "REQUEST authorizers only"},
		{"TTL", la(func(a *gateway.LambdaAuthorizer) { a.TTL = time.Minute }), "$connect", "cannot be set for WEBSOCKET"},
		{"payload version", la(func(a *gateway.LambdaAuthorizer) { a.PayloadVersion = event.PayloadV2 }), "$connect", "HTTP API settings"},
		{"REST spelling", la(func(a *gateway.LambdaAuthorizer) { a.IdentitySource = []string{"method.request.header.A"} }), "$connect", "another kind of API"},
		{"HTTP spelling", la(func(a *gateway.LambdaAuthorizer) { a.IdentitySource = []string{"$request.header.A"} }), "$connect", "another kind of API"},
		{"path", la(func(a *gateway.LambdaAuthorizer) { a.IdentitySource = []string{"route.request.path.id"} }), "$connect", "path parameters"},
		{"REST context", la(func(a *gateway.LambdaAuthorizer) { a.IdentitySource = []string{"context.httpMethod"} }), "$connect", "context variables"},
	} {
		api := wsAPI(newRecorder(), "$connect")
		api.Routes = append(api.Routes, gateway.Route{Key: "sendmessage", Integration: fn})
		for i := range api.Routes {
			if api.Routes[i].Key == tt.key {
				api.Routes[i].Authorizer = "a"
			}
		}
		api.Authorizers = map[string]gateway.Authorizer{"a": tt.auth}
		api.Upgrader = gwws.Upgrader{}
		if _, err := gateway.New(api); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	ok := wsAPI(newRecorder(), "$connect")
	ok.Routes[0].Authorizer = "a"
	ok.Authorizers = map[string]gateway.Authorizer{"a": gateway.LambdaAuthorizer{Function: newRecorder(), NoCache: true,
		IdentitySource: []string{"context.connectionId", "context.identity.sourceIp"}}}
	ok.Upgrader = gwws.Upgrader{}
	if _, err := gateway.New(ok); err != nil {
		t.Errorf("New(a WebSocket authorizer with context identity sources) = %v", err)
	}
}
