package websocket

import (
	"context"
	"errors"
	"net/http"

	"github.com/coder/websocket"

	"github.com/lambdagate/lambdagate/internal/wsproto"
)

// Upgrader completes WebSocket handshakes for the local gateway with
// github.com/coder/websocket: no compression, any Origin (API Gateway
// checks none), the subprotocol the $connect integration chose. The zero
// value is ready to use and safe for concurrent use.
type Upgrader struct{}

// Upgrade implements the gateway's contract with a WebSocket library.
func (Upgrader) Upgrade(w http.ResponseWriter, r *http.Request, subprotocol string, messageLimit int) (wsproto.Conn, error) {
	opts := &websocket.AcceptOptions{InsecureSkipVerify: true}
	if subprotocol != "" {
		opts.Subprotocols = []string{subprotocol}
	}
	ws, err := websocket.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(int64(messageLimit))
	return conn{ws}, nil
}

type conn struct{ ws *websocket.Conn }

func (c conn) Read(ctx context.Context) (bool, []byte, error) {
	typ, b, err := c.ws.Read(ctx)
	if err != nil {
		var ce websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return false, nil, &wsproto.CloseError{Code: int(ce.Code), Reason: ce.Reason}
		case errors.Is(err, websocket.ErrMessageTooBig):
			return false, nil, wsproto.ErrMessageTooBig
		}
		return false, nil, err
	}
	return typ == websocket.MessageBinary, b, nil
}

func (c conn) Write(ctx context.Context, binary bool, data []byte, frame int) error {
	typ := websocket.MessageText
	if binary {
		typ = websocket.MessageBinary
	}
	if len(data) <= frame {
		return c.ws.Write(ctx, typ, data)
	}
	// Each Write of a message writer is one frame.
	w, err := c.ws.Writer(ctx, typ)
	if err != nil {
		return err
	}
	for len(data) > 0 {
		n := min(frame, len(data))
		if _, err := w.Write(data[:n]); err != nil {
			w.Close()
			return err
		}
		data = data[n:]
	}
	return w.Close()
}

func (c conn) Close(code int, reason string) error {
	return c.ws.Close(websocket.StatusCode(code), reason)
}

func (c conn) CloseNow() error { return c.ws.CloseNow() }

var _ wsproto.Upgrader = Upgrader{}
