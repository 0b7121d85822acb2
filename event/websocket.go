package event

import (
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"
)

// WebSocketMessage returns the MESSAGE event that follows r on the same
// WebSocket connection: a message with body, taking route routeKey,
// received at t, with fresh request and message ids. r is a MESSAGE
// event of the connection, as a [Builder] with EventType "MESSAGE" makes
// it; everything that belongs to the connection (its id, connectedAt,
// stage, identity, domain) is r's. The local gateway builds one such
// event per connection and each message's from it, which costs a copy
// and the ids instead of a whole Build: 1.1 µs and 9 allocations against
// 3.6 µs and 34 (BenchmarkWebSocketMessage).
func (r *Request) WebSocketMessage(routeKey string, body []byte, t time.Time) *Request {
	m := *r
	m.StageVariables = slices.Clone(r.StageVariables)
	m.RouteKey = routeKey
	m.RequestID = unseeded.websocket()
	m.Context.ExtendedRequestID = m.RequestID
	m.Context.MessageID = json.RawMessage(`"` + unseeded.websocket() + `"`)
	m.Time = t.UTC().Truncate(time.Millisecond)
	m.Context.RequestTime = m.Time.Format(RequestTimeLayout)
	m.Body = body
	if len(body) == 0 {
		m.Body = nil
	}
	// As Build: a body that is not UTF-8 goes in base64.
	m.IsBase64Encoded = !utf8.Valid(body)
	return &m
}
