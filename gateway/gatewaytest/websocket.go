package gatewaytest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lambdagate/lambdagate/connection"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	gwws "github.com/lambdagate/lambdagate/gateway/websocket"
	"github.com/lambdagate/lambdagate/handler"
)

// WaitTimeout bounds every wait of a [Conn]: a message that does not come
// within it fails the test.
const WaitTimeout = 5 * time.Second

// WebSocket builds a WebSocket API with one stage, "prod", the route
// selection expression $request.body.action, and routes (route key to
// handler: "$connect", "$disconnect", "$default", custom keys) that are
// Lambda proxy integrations running in process. Message routes are
// one-way, as in AWS by default; build a gateway.API with Route.TwoWay
// and call [New] for two-way routes ([New] sets the API's Upgrader when
// it has none). Connect with [Server.Dial].
func WebSocket(tb testing.TB, routes map[string]handler.Handler) *Server {
	tb.Helper()
	return New(tb, gateway.API{Kind: event.WebSocket, Upgrader: gwws.Upgrader{}, Routes: proxyRoutes(routes)})
}

// WebSocketURL returns the ws:// URL of the server's loopback socket
// followed by target, such as "/prod?name=me".
func (s *Server) WebSocketURL(target string) string {
	return "ws" + strings.TrimPrefix(s.URL(), "http") + target
}

// Connections returns a client of the Management API of the stage at
// the server's loopback socket, such as the one a function reaches with
// connection.EndpointFor.
func (s *Server) Connections(stage string) *connection.Endpoint {
	return &connection.Endpoint{URL: s.URL() + "/" + stage, HTTPClient: s.Client()}
}

// Conn is a client's WebSocket connection to a gateway under test. Its
// methods fail the test on error and bound every wait by [WaitTimeout].
type Conn struct {
	tb testing.TB
	ws *websocket.Conn
	// Response is the handshake's response.
	Response *http.Response
}

// Dial connects to target (a stage, such as "/prod", with an optional
// query) over the server's loopback socket, with the given header name
// and value pairs, and fails the test if the handshake is refused. The
// connection closes when the test ends.
func (s *Server) Dial(target string, header ...string) *Conn {
	s.tb.Helper()
	c, resp, err := s.DialErr(target, header...)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		s.tb.Fatalf("gatewaytest: dialing %s: %v (status %d)", target, err, status)
	}
	return c
}

// DialErr is [Server.Dial] returning the error and the handshake's
// response instead of failing the test, for a handshake $connect refuses.
// A Sec-WebSocket-Protocol pair offers its comma-separated subprotocols.
func (s *Server) DialErr(target string, header ...string) (*Conn, *http.Response, error) {
	s.tb.Helper()
	h := http.Header{}
	if len(header)%2 != 0 {
		s.tb.Fatalf("gatewaytest: odd number of header arguments %q", header)
	}
	addPairs(h, header)
	opts := &websocket.DialOptions{HTTPHeader: h, HTTPClient: s.Client()}
	for _, v := range h.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			opts.Subprotocols = append(opts.Subprotocols, strings.TrimSpace(p))
		}
	}
	h.Del("Sec-WebSocket-Protocol")
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, s.WebSocketURL(target), opts)
	if err != nil {
		return nil, resp, err
	}
	ws.SetReadLimit(-1) // the gateway's quotas are under test, not the client's
	s.tb.Cleanup(func() { ws.CloseNow() })
	return &Conn{tb: s.tb, ws: ws, Response: resp}, resp, nil
}

// WS returns the underlying connection, to send frames the helpers do
// not (binary ones, several frames for a message).
func (c *Conn) WS() *websocket.Conn { return c.ws }

// Send sends msg as a text message.
func (c *Conn) Send(msg string) {
	c.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		c.tb.Fatalf("gatewaytest: sending %q: %v", msg, err)
	}
}

// Receive returns the next message the gateway pushes (a route response,
// an error frame, data posted through @connections), failing the test if
// none comes within WaitTimeout or the connection closes.
func (c *Conn) Receive() string {
	c.tb.Helper()
	msg, err := c.ReceiveErr(WaitTimeout)
	if err != nil {
		c.tb.Fatalf("gatewaytest: receiving: %v", err)
	}
	return msg
}

// ReceiveErr waits up to d for the next message.
func (c *Conn) ReceiveErr(d time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	return string(b), err
}

// Expect receives the next message and fails the test unless it is want.
func (c *Conn) Expect(want string) {
	c.tb.Helper()
	if got := c.Receive(); got != want {
		c.tb.Errorf("gatewaytest: received %q, want %q", got, want)
	}
}

// Close closes the connection from the client's side with code and
// reason, as a browser's WebSocket.close(code, reason) does.
func (c *Conn) Close(code int, reason string) {
	c.tb.Helper()
	if err := c.ws.Close(websocket.StatusCode(code), reason); err != nil && !errors.Is(err, context.Canceled) {
		c.tb.Logf("gatewaytest: closing: %v", err)
	}
}

// Closed waits for the gateway to close the connection and returns the
// close code and reason it sent, failing the test if no close comes
// within d (messages that arrive first are dropped).
func (c *Conn) Closed(d time.Duration) (code int, reason string) {
	c.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		_, _, err := c.ws.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			return int(ce.Code), ce.Reason
		}
		c.tb.Fatalf("gatewaytest: waiting for the gateway to close: %v", err)
		return 0, ""
	}
}
