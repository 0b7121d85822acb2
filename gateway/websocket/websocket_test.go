package websocket_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	gwws "github.com/lambdagate/lambdagate/gateway/websocket"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// TestFrames checks that the Upgrader sends a message in frames of at
// most the frame quota, as API Gateway splits @connections posts
// (docs/evidence/websocket.md#frame-size): the client's connection
// records the length of every frame the server sends.
func TestFrames(t *testing.T) {
	ids := make(chan string, 1)
	fn := handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		ids <- req.Context.ConnectionID
		return response.Text(200, ""), nil
	}))
	s := gatewaytest.New(t, gateway.API{Kind: event.WebSocket, Upgrader: gwws.Upgrader{}, Limits: gateway.Limits{Frame: 1000, Message: 20000},
		Routes: []gateway.Route{{Key: "$connect", Integration: gateway.Proxy{Function: fn}}}})
	rec := &frameLog{}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &recordingConn{Conn: c, log: rec}, nil
	}}}
	ws, _, err := websocket.Dial(context.Background(), s.WebSocketURL("/prod"), &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(-1)
	id := <-ids
	for _, n := range []int{10, 1000, 1001, 19990} {
		data := strings.Repeat("x", n)
		if err := s.Connections("prod").Post(context.Background(), id, []byte(data)); err != nil {
			t.Fatal(err)
		}
		if _, got, err := ws.Read(context.Background()); err != nil || string(got) != data {
			t.Fatalf("%d bytes posted: received %d, %v", n, len(got), err)
		}
	}
	max, frames := rec.result()
	if max > 1000 || frames < 1+1+2+20 {
		t.Errorf("largest frame %d bytes in %d frames; want at most 1000 in at least 24", max, frames)
	}
}

// frameLog parses the server's byte stream after the handshake and keeps
// the largest frame length and the number of frames.
type frameLog struct {
	mu     sync.Mutex
	head   []byte
	buf    []byte
	max    int
	frames int
}

func (l *frameLog) add(p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := bytes.Index(l.head, []byte("\r\n\r\n")); i < 0 {
		l.head = append(l.head, p...)
		i = bytes.Index(l.head, []byte("\r\n\r\n"))
		if i < 0 {
			return
		}
		p = l.head[i+4:]
	}
	l.buf = append(l.buf, p...)
	for len(l.buf) >= 2 {
		n, need := int(l.buf[1]&0x7f), 2
		switch n {
		case 126:
			need = 4
		case 127:
			need = 10
		}
		if len(l.buf) < need {
			return
		}
		switch n {
		case 126:
			n = int(binary.BigEndian.Uint16(l.buf[2:]))
		case 127:
			n = int(binary.BigEndian.Uint64(l.buf[2:]))
		}
		if len(l.buf) < need+n {
			return
		}
		l.max, l.frames = max(l.max, n), l.frames+1
		l.buf = l.buf[need+n:]
	}
}

func (l *frameLog) result() (int, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.max, l.frames
}

type recordingConn struct {
	net.Conn
	log *frameLog
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.log.add(p[:n])
	return n, err
}
