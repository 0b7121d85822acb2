package event_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
)

// wsAuthorizerEvent is the members of a WebSocket $connect authorizer's
// event as aws-lambda-go types them: the REST REQUEST authorizer event
// with the request context of a WebSocket event. Decoding with unknown
// fields disallowed checks that an event has no member outside them.
type wsAuthorizerEvent struct {
	events.APIGatewayCustomAuthorizerRequestTypeRequest
	RequestContext events.APIGatewayWebsocketProxyRequestContext `json:"requestContext"`
}

func decodeStrict(t *testing.T, b []byte, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
}

// TestWebSocketAuthorizerEvent reads an event in the shape of AWS's
// documented WebSocket authorizer input (its members, their order, the
// headers an authorizer sees) and writes it back byte for byte
// (docs/evidence/websocket.md#authorizer-event).
func TestWebSocketAuthorizerEvent(t *testing.T) {
	raw, err := os.ReadFile("testdata/websocket-authorizer.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := event.DecodeAuthorizer(raw)
	if err != nil {
		t.Fatal(err)
	}
	r := a.Request
	if a.Source() != event.WebSocket || a.Type != event.RequestAuthorizer || a.Version != "" {
		t.Errorf("source, type, version = %v, %q, %q", a.Source(), a.Type, a.Version)
	}
	arn, err := event.ParseARN(a.MethodArn)
	if err != nil || arn.Stage != "live" || arn.Method != "$connect" || arn.Path != "" {
		t.Errorf("ParseARN(%q) = %+v, %v", a.MethodArn, arn, err)
	}
	if r.Header.Get("Token") != "t-42" || r.Query.Get("room") != "blue" || r.Context.ConnectionID != "Rm9vQmFyQmF6UXU=" ||
		r.Context.EventType != "CONNECT" || r.RouteKey != "$connect" || r.SourceIP != "198.51.100.7" {
		t.Errorf("decoded request = %+v", r)
	}
	if _, err := event.Decode(raw); err == nil {
		t.Error("Decode accepted an authorizer event")
	}
	var want bytes.Buffer
	json.Compact(&want, raw)
	if got := a.AppendJSON(nil); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("re-encoded event differs:\n got %s\nwant %s", got, want.Bytes())
	}
	var typed wsAuthorizerEvent
	decodeStrict(t, raw, &typed)
	if typed.RequestContext.ConnectionID != r.Context.ConnectionID || typed.MethodArn != a.MethodArn {
		t.Errorf("aws-lambda-go reads %+v", typed)
	}

	// A WebSocket authorizer event is one of $connect.
	msg := strings.Replace(string(raw), `"eventType": "CONNECT"`, `"eventType": "MESSAGE"`, 1)
	if _, err := event.DecodeAuthorizer([]byte(msg)); err == nil || !strings.Contains(err.Error(), "$connect only") {
		t.Errorf("DecodeAuthorizer(a MESSAGE authorizer event) = %v", err)
	}
}

// TestBuildWebSocketAuthorizer fabricates the event of a $connect
// authorizer and checks it against aws-lambda-go's types (the oracle for
// its members), the documented headers and ARN, and DecodeAuthorizer.
func TestBuildWebSocketAuthorizer(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)
	h := http.Header{"Sec-Websocket-Key": {"k"}, "Sec-Websocket-Version": {"13"}, "Upgrade": {"websocket"}, "Token": {"t-42"}}
	b := event.Builder{Source: event.WebSocket, Stage: "live", StageVariables: map[string]string{"env": "blue"},
		Region: "eu-west-1", AccountID: "111122223333", Time: at, ConnectionID: "Rm9vQmFyQmF6UXU=", SourceIP: "198.51.100.7"}
	a, err := b.BuildAuthorizer(event.RequestAuthorizer, "GET", "/?room=blue", h)
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:execute-api:eu-west-1:111122223333:abcdef1234/live/$connect"; a.MethodArn != want {
		t.Errorf("MethodArn = %q, want %q", a.MethodArn, want)
	}
	enc := a.AppendJSON(nil)
	var typed wsAuthorizerEvent
	decodeStrict(t, enc, &typed)
	rc := typed.RequestContext
	if typed.Type != "REQUEST" || rc.RouteKey != "$connect" || rc.EventType != "CONNECT" || rc.MessageDirection != "IN" ||
		rc.ConnectionID != "Rm9vQmFyQmF6UXU=" || rc.Stage != "live" || rc.APIID != "abcdef1234" || rc.RequestID == "" ||
		rc.RequestID != rc.ExtendedRequestID || rc.ConnectedAt != at.UnixMilli() || rc.RequestTimeEpoch != at.UnixMilli() ||
		rc.Identity.SourceIP != "198.51.100.7" || rc.DomainName != "abcdef1234.execute-api.eu-west-1.amazonaws.com" ||
		typed.StageVariables["env"] != "blue" || typed.QueryStringParameters["room"] != "blue" ||
		typed.MultiValueQueryStringParameters["room"][0] != "blue" {
		t.Errorf("aws-lambda-go reads %+v", typed)
	}
	// The headers an authorizer sees, in AWS's order: sorted by name
	// whatever its case, with Connection, content-length and Upgrade.
	var names []string
	for _, f := range a.Request.Header {
		names = append(names, f.Name)
	}
	wantNames := []string{"Connection", "content-length", "Host", "Sec-Websocket-Key", "Sec-Websocket-Version", "Token", "Upgrade",
		"X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto"}
	if d := cmp.Diff(wantNames, names); d != "" {
		t.Errorf("header names (-want +got):\n%s", d)
	}
	if typed.Headers["Connection"] != "upgrade" || typed.Headers["content-length"] != "0" || len(typed.MultiValueHeaders["Token"]) != 1 {
		t.Errorf("headers = %v", typed.Headers)
	}
	back, err := event.DecodeAuthorizer(enc)
	if err != nil {
		t.Fatal(err)
	}
	if again := back.AppendJSON(nil); !bytes.Equal(again, enc) {
		t.Errorf("encoding is not stable:\n%s\n%s", enc, again)
	}

	// The $connect integration's own event has neither Upgrade nor
	// Connection (docs/evidence/websocket.md#event-fields).
	b.EventType = "CONNECT"
	ev, err := b.Build("GET", "/?room=blue", h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Header.Get("Upgrade") != "" || ev.Header.Get("Connection") != "" || ev.Header.Get("Content-Length") != "" {
		t.Errorf("CONNECT event headers = %v", ev.Header)
	}

	for _, tt := range []struct {
		b    event.Builder
		typ  event.AuthorizerType
		want string
	}{
		{event.Builder{Source: event.WebSocket}, event.TokenAuthorizer, "TOKEN authorizers are a REST API feature"},
		{event.Builder{Source: event.WebSocket, RouteKey: "sendmessage"}, event.RequestAuthorizer, "authorize $connect only"},
		{event.Builder{Source: event.WebSocket, EventType: "MESSAGE"}, event.RequestAuthorizer, "CONNECT event only"},
	} {
		if _, err := tt.b.BuildAuthorizer(tt.typ, "GET", "/", nil); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("BuildAuthorizer(%+v, %s) = %v, want %q", tt.b, tt.typ, err, tt.want)
		}
	}
}
