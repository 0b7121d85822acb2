package wsproto

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// An Upgrader completes WebSocket handshakes.
type Upgrader interface {
	// Upgrade answers the handshake r on w (101 Switching Protocols,
	// with subprotocol when it is not empty and the client offered it)
	// and returns the connection, whose messages are at most
	// messageLimit bytes. On error it has answered the client.
	Upgrade(w http.ResponseWriter, r *http.Request, subprotocol string, messageLimit int) (Conn, error)
}

// A Conn is an upgraded connection. Read is called from one goroutine;
// the other methods may be called from any.
type Conn interface {
	// Read returns the next data message and whether it is binary. It
	// returns a *CloseError when the client closed the connection,
	// ErrMessageTooBig (after sending close code 1009) for a message over
	// the limit, and another error when the connection failed.
	Read(ctx context.Context) (binary bool, data []byte, err error)
	// Write sends data as one message in frames of at most frame bytes.
	Write(ctx context.Context, binary bool, data []byte, frame int) error
	// Close sends a close frame with code and reason, waits a bounded
	// time for the client's, and closes the connection.
	Close(code int, reason string) error
	// CloseNow closes the connection without a close frame.
	CloseNow() error
}

// CloseError is a close frame the client sent.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("websocket: the client closed the connection with %d %q", e.Code, e.Reason)
}

// ErrMessageTooBig is the error of a message over the limit.
var ErrMessageTooBig = errors.New("websocket: message over the message quota")
