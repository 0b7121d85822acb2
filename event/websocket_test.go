package event_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
)

// wsID is the format of every id a WebSocket API puts in its events:
// connectionId, requestId, extendedRequestId, messageId.
var wsID = regexp.MustCompile(`^[A-Za-z0-9_-]{15}=$`)

// TestWebSocketSamples builds each WebSocket event type and compares it
// with aws-lambda-go's sample of the same type, member for member: the
// same members at the top level, in requestContext and in identity, and
// ids in the same format (docs/evidence/websocket.md#event-fields). The
// MESSAGE and DISCONNECT samples are captures; the CONNECT sample is
// assembled by hand and carries REST members that a $connect event does
// not have, which the table lists.
func TestWebSocketSamples(t *testing.T) {
	for _, tt := range []struct {
		sample, eventType string
		// notSent are members of the sample that AWS does not send for
		// this event type (CONNECT: REST members and access-log
		// variables of the hand-made sample).
		notSent []string
		// headers are the header names the event must carry; nil means
		// those of the handshake.
		headers []string
	}{
		{"apigw-websocket-request-send-message.json", "MESSAGE", nil, nil},
		{"apigw-websocket-request-disconnect.json", "DISCONNECT", nil, []string{"Host", "X-Forwarded-For", "x-api-key", "x-restapi"}},
		{"apigw-websocket-request.json", "CONNECT", []string{
			"resource", "path", "httpMethod", "pathParameters", "body",
			"requestContext.accountId", "requestContext.resourceId", "requestContext.resourcePath",
			"requestContext.httpMethod", "requestContext.authorizer", "requestContext.error",
			"requestContext.integrationLatency", "requestContext.status",
			"requestContext.identity.cognitoIdentityPoolId", "requestContext.identity.accountId",
			"requestContext.identity.cognitoIdentityId", "requestContext.identity.caller",
			"requestContext.identity.apiKey", "requestContext.identity.apiKeyId",
			"requestContext.identity.accessKey", "requestContext.identity.cognitoAuthenticationType",
			"requestContext.identity.cognitoAuthenticationProvider", "requestContext.identity.userArn",
			"requestContext.identity.user",
		}, nil},
	} {
		t.Run(tt.eventType, func(t *testing.T) {
			var sample map[string]any
			if err := json.Unmarshal(readSample(t, tt.sample), &sample); err != nil {
				t.Fatal(err)
			}
			h := http.Header{"User-Agent": {"Mozilla/5.0"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="},
				"Sec-Websocket-Version": {"13"}, "Upgrade": {"websocket"}, "Connection": {"Upgrade"}}
			b := event.Builder{Source: event.WebSocket, EventType: tt.eventType, Stage: "prod",
				StageVariables: map[string]string{"stageVariableName": "stageVariableValue"}, Time: time.Unix(1705751700, 0)}
			var body []byte
			target := "/"
			switch tt.eventType {
			case "MESSAGE":
				body = []byte("{\r\n\t\"a\": 1\r\n}")
			case "CONNECT":
				target = "/?name=me"
			}
			req, err := b.Build("GET", target, h, body)
			if err != nil {
				t.Fatal(err)
			}
			if tt.eventType == "DISCONNECT" {
				reason := ""
				req.Context.DisconnectStatusCode, req.Context.DisconnectReason = 1001, &reason
			}
			raw, _ := req.MarshalJSON()
			var built map[string]any
			if err := json.Unmarshal(raw, &built); err != nil {
				t.Fatal(err)
			}
			want := members(sample, "")
			for _, m := range tt.notSent {
				delete(want, m)
			}
			got := members(built, "")
			// The samples' stages differ in having variables; a stage
			// with variables sends them (stageVariables), as REST does.
			if !got["stageVariables"] {
				t.Errorf("built %s event lacks the stage's stageVariables", tt.eventType)
			}
			delete(got, "stageVariables")
			delete(want, "stageVariables")
			for m := range want {
				if !got[m] {
					t.Errorf("built %s event lacks %s, which the sample has", tt.eventType, m)
				}
			}
			for m := range got {
				if !want[m] {
					t.Errorf("built %s event has %s, which the sample has not", tt.eventType, m)
				}
			}
			c := built["requestContext"].(map[string]any)
			for _, k := range []string{"connectionId", "requestId", "extendedRequestId", "messageId"} {
				v, ok := c[k].(string)
				if _, inSample := sample["requestContext"].(map[string]any)[k]; !inSample {
					continue
				}
				if !ok || !wsID.MatchString(v) {
					t.Errorf("requestContext.%s = %q, want the 16-character id format of %q", k, v, sample["requestContext"].(map[string]any)[k])
				}
			}
			if c["requestId"] != c["extendedRequestId"] {
				t.Errorf("requestId %q != extendedRequestId %q; the samples repeat one id", c["requestId"], c["extendedRequestId"])
			}
			if tt.headers != nil {
				hs := slices.Sorted(maps.Keys(built["headers"].(map[string]any)))
				if !slices.Equal(hs, tt.headers) {
					t.Errorf("DISCONNECT headers = %q, want %q", hs, tt.headers)
				}
			}
			if hs, ok := built["headers"].(map[string]any); ok && tt.eventType == "CONNECT" {
				if _, ok := hs["Upgrade"]; ok {
					t.Error("CONNECT event forwards the Upgrade header")
				}
				if hs["Sec-Websocket-Key"] != "dGhlIHNhbXBsZSBub25jZQ==" {
					t.Errorf("CONNECT headers = %v, want the handshake's", hs)
				}
			}
			back, err := event.Decode(raw)
			if err != nil {
				t.Fatalf("Decode(built): %v", err)
			}
			if back.Context.EventType != tt.eventType || back.Context.ConnectionID != req.Context.ConnectionID {
				t.Errorf("Decode(built) = %s %q", back.Context.EventType, back.Context.ConnectionID)
			}
		})
	}
}

// members returns the dotted names of the members of m, recursing into
// requestContext and identity (not into header or parameter maps, whose
// names are data).
func members(m map[string]any, prefix string) map[string]bool {
	out := map[string]bool{}
	for k, v := range m {
		name := prefix + k
		out[name] = true
		if sub, ok := v.(map[string]any); ok && (k == "requestContext" || k == "identity") {
			maps.Copy(out, members(sub, name+"."))
		}
	}
	return out
}

// TestWebSocketMessage checks that a message event made from the
// connection's template is the event Build makes for it, but for the ids
// and time, which are fresh.
func TestWebSocketMessage(t *testing.T) {
	b := event.Builder{Source: event.WebSocket, EventType: "MESSAGE", Stage: "prod", ConnectionID: "R1kmxc2VNjMCFIA=",
		StageVariables: map[string]string{"v": "1"}, SourceIP: "192.0.2.7", DomainName: "127.0.0.1:8080", Time: time.Unix(1705751697, 419e6)}
	h := http.Header{"User-Agent": {"ua/1"}}
	tmpl, err := b.Build("GET", "/", h, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1705751700, 453e6)
	for _, body := range []string{`{"action":"x"}`, "", "\xff\x00"} {
		got := tmpl.WebSocketMessage("x", []byte(body), at)
		b.Time, b.RouteKey = at, "x"
		want, err := b.Build("GET", "/", h, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		want.Context.ConnectedAt = tmpl.Context.ConnectedAt
		if !wsID.MatchString(got.RequestID) || got.RequestID != got.Context.ExtendedRequestID || got.RequestID == tmpl.RequestID ||
			!wsID.MatchString(string(got.Context.MessageID[1:len(got.Context.MessageID)-1])) {
			t.Errorf("ids: request %q extended %q message %s", got.RequestID, got.Context.ExtendedRequestID, got.Context.MessageID)
		}
		got.RequestID, got.Context.ExtendedRequestID, got.Context.MessageID = want.RequestID, want.Context.ExtendedRequestID, want.Context.MessageID
		gj, _ := got.MarshalJSON()
		wj, _ := want.MarshalJSON()
		if string(gj) != string(wj) {
			t.Errorf("body %q:\n got %s\nwant %s", body, gj, wj)
		}
	}
}

// wsSink keeps BenchmarkWebSocketMessage's events on the heap, as the
// gateway's are.
var wsSink *event.Request

// BenchmarkWebSocketMessage compares a message event made from the
// connection's template with one built from scratch.
func BenchmarkWebSocketMessage(b *testing.B) {
	bld := event.Builder{Source: event.WebSocket, EventType: "MESSAGE", Stage: "prod", ConnectionID: "R1kmxc2VNjMCFIA=", DomainName: "127.0.0.1:8080"}
	h := http.Header{"User-Agent": {"ua/1"}}
	body := []byte(`{"action":"echo","data":"hello"}`)
	tmpl, _ := bld.Build("GET", "/", h, nil)
	b.Run("template", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			wsSink = tmpl.WebSocketMessage("echo", body, time.Now())
		}
	})
	b.Run("next", func(b *testing.B) {
		b.ReportAllocs()
		m := tmpl.WebSocketMessage("echo", body, time.Now())
		for range b.N {
			m.NextWebSocketMessage("echo", body, time.Now())
		}
	})
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			bld.Build("GET", "/", h, body)
		}
	})
}
