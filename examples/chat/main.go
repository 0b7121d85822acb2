package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/connection"
	"github.com/lambdagate/lambdagate/connection/sigv4"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/websocket"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// Room is the chat room: who is connected, and how to reach them.
type Room struct {
	mu    sync.Mutex
	names map[string]string // connection id → name
	// Clients returns the Management API client of the API that sent
	// req: sigv4.New in Lambda and locally, a connection.Fake in tests.
	Clients func(req *event.Request) connection.Client
}

// NewRoom returns an empty room that reaches clients with sigv4.New.
func NewRoom() *Room {
	return &Room{names: map[string]string{}, Clients: func(req *event.Request) connection.Client { return sigv4.New(req) }}
}

// An Event is what clients receive: a message, or someone joining or
// leaving.
type Event struct {
	Type string `json:"type"` // "message", "joined" or "left"
	From string `json:"from"`
	Text string `json:"text,omitempty"`
}

// Handler returns the function: a router with the API's route keys.
func Handler(room *Room) *route.WebSocketRouter {
	r, err := route.NewWebSocket("$request.body.action")
	if err != nil {
		panic(err)
	}
	r.Handle("$connect", lambdagate.HandlerFunc(room.connect))
	r.Handle("$disconnect", lambdagate.HandlerFunc(room.disconnect))
	r.Handle("sendmessage", lambdagate.HandlerFunc(room.send))
	r.Handle("$default", lambdagate.HandlerFunc(usage))
	return r
}

func (room *Room) connect(ctx context.Context, req *event.Request) (*response.Response, error) {
	name := strings.TrimSpace(req.Query.Get("name"))
	if name == "" {
		name = "anonymous"
	}
	if len(name) > 32 {
		// A refused $connect refuses the handshake with this status.
		return response.Error(http.StatusBadRequest, "name longer than 32 bytes"), nil
	}
	id := req.Context.ConnectionID
	room.mu.Lock()
	room.names[id] = name
	room.mu.Unlock()
	// The new connection is not reachable until $connect returns, so
	// only the others hear about it.
	room.broadcast(ctx, req, id, Event{Type: "joined", From: name})
	return response.Text(http.StatusOK, ""), nil
}

func (room *Room) disconnect(ctx context.Context, req *event.Request) (*response.Response, error) {
	id := req.Context.ConnectionID
	room.mu.Lock()
	name, ok := room.names[id]
	delete(room.names, id)
	room.mu.Unlock()
	if ok {
		room.broadcast(ctx, req, id, Event{Type: "left", From: name})
	}
	return response.Text(http.StatusOK, ""), nil
}

func (room *Room) send(ctx context.Context, req *event.Request) (*response.Response, error) {
	var m struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(req.Body, &m); err != nil {
		return nil, fmt.Errorf("chat: reading %q: %w", req.Body, err)
	}
	room.mu.Lock()
	name := room.names[req.Context.ConnectionID]
	room.mu.Unlock()
	room.broadcast(ctx, req, "", Event{Type: "message", From: name, Text: m.Data})
	return response.Text(http.StatusOK, ""), nil
}

// usage answers messages no route takes; $default is two-way, so the
// answer goes back to the sender.
func usage(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.JSON(http.StatusOK, map[string]string{
		"error": "unknown action", "usage": `{"action":"sendmessage","data":"your message"}`,
	})
}

// broadcast sends ev to everyone in the room but skip, and forgets the
// connections that are gone.
func (room *Room) broadcast(ctx context.Context, req *event.Request, skip string, ev Event) {
	data, _ := json.Marshal(ev)
	room.mu.Lock()
	var ids []string
	for id := range room.names {
		if id != skip {
			ids = append(ids, id)
		}
	}
	room.mu.Unlock()
	slices.Sort(ids)
	clients := room.Clients(req)
	for _, id := range ids {
		err := clients.Post(ctx, id, data)
		switch {
		case errors.Is(err, connection.ErrGone):
			room.mu.Lock()
			delete(room.names, id)
			room.mu.Unlock()
		case err != nil:
			slog.ErrorContext(ctx, "chat: posting", "connectionId", id, "error", err)
		}
	}
}

// API is the WebSocket API template.yaml deploys: each route of the
// function's router a Lambda proxy integration to the function, $default
// two-way, one stage, "production".
func API(fn *route.WebSocketRouter) gateway.API {
	proxy := gateway.Proxy{Function: lambdagate.NewAdapter(fn)}
	var routes []gateway.Route
	for _, rt := range fn.Routes() {
		routes = append(routes, gateway.Route{Key: rt.Key, Integration: proxy, TwoWay: rt.Key == "$default"})
	}
	return gateway.API{
		Kind:                     event.WebSocket,
		Upgrader:                 websocket.Upgrader{},
		RouteSelectionExpression: "$request.body.action",
		Stages:                   []gateway.Stage{{Name: "production"}},
		Routes:                   routes,
	}
}

func main() {
	fn := Handler(NewRoom())
	api := API(fn)
	lambdagate.Function{Handler: fn, Local: lambdagate.Local{API: &api, Ready: func(base string) {
		ws := "ws" + strings.TrimPrefix(base, "http") + "/production"
		fmt.Fprintf(os.Stderr, "connect with any WebSocket client, one per person, for example:\n"+
			"  npx wscat -c '%s?name=alice'\n"+
			"  websocat '%s?name=bob'\n"+
			"or from a browser's console:\n"+
			"  ws = new WebSocket('%s?name=carol'); ws.onmessage = e => console.log(e.data)\n"+
			"then send:\n"+
			"  {\"action\":\"sendmessage\",\"data\":\"hello\"}\n"+
			"functions reach the clients at %s/production/@connections/{connectionId}\n",
			ws, ws, ws, base)
	}}}.Start()
}
