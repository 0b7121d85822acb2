package main

import (
	"context"
	"testing"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/connection"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/examples/exampletest"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
)

// TestChat runs the chat through the local gateway over loopback, as
// clients of the deployed API would use it: the function reaches the
// clients through the gateway's Management API. lambdagate serve's test
// has the same conversation with the template's function process.
func TestChat(t *testing.T) {
	exampletest.Chat(t, gatewaytest.New(t, API(Handler(NewRoom()))))
}

// TestRoomUnit tests the function alone with a fake Management API.
func TestRoomUnit(t *testing.T) {
	fake := &connection.Fake{}
	room := NewRoom()
	room.Clients = func(*event.Request) connection.Client { return fake }
	fn := lambdagate.NewAdapter(Handler(room))
	ctx := context.Background()
	invoke := func(b event.Builder, target, body string) {
		t.Helper()
		req, err := b.Build("GET", target, nil, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		p, _ := req.MarshalJSON()
		if _, err := fn.Invoke(ctx, p); err != nil {
			t.Fatalf("%s %s: %v", b.EventType, body, err)
		}
	}
	ws := func(typ, id string) event.Builder {
		return event.Builder{Source: event.WebSocket, EventType: typ, ConnectionID: id}
	}
	invoke(ws("CONNECT", "A"), "/?name=alice", "")
	invoke(ws("CONNECT", "B"), "/?name=bob", "")
	fake.Disconnect("A") // alice's network went away before $disconnect
	invoke(ws("MESSAGE", "B"), "/", `{"action":"sendmessage","data":"anyone?"}`)
	invoke(ws("MESSAGE", "B"), "/", `{"action":"sendmessage","data":"still?"}`)
	got := fake.Sent()
	want := []connection.Message{
		{ConnectionID: "A", Data: []byte(`{"type":"joined","from":"bob"}`)},
		{ConnectionID: "B", Data: []byte(`{"type":"message","from":"bob","text":"anyone?"}`)},
		{ConnectionID: "B", Data: []byte(`{"type":"message","from":"bob","text":"still?"}`)},
	}
	if len(got) != len(want) {
		t.Fatalf("sent %d messages, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if got[i].ConnectionID != want[i].ConnectionID || string(got[i].Data) != string(want[i].Data) {
			t.Errorf("message %d = %s %s, want %s %s", i, got[i].ConnectionID, got[i].Data, want[i].ConnectionID, want[i].Data)
		}
	}
}
