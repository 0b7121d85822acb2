package gateway

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// The WebSocket library reads frames itself and bounds only messages, so
// the gateway bounds frames under it: meteredWriter hands the library a
// connection whose reads pass through a frame-header reader, which stops
// the stream at the first frame over the quota, before its payload
// (docs/evidence/websocket.md#frame-size).

// errFrameTooBig ends the client's stream at a frame over the quota.
var errFrameTooBig = errors.New("gateway: WebSocket frame over the frame quota")

// meteredWriter is the ResponseWriter a handshake is accepted on: its
// Hijack returns the metered connection.
type meteredWriter struct {
	http.ResponseWriter
	frame int64
	conn  *meteredConn
}

func (w *meteredWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("gateway: the server cannot hand over connections (http.Hijacker)")
	}
	nc, brw, err := h.Hijack()
	if err != nil {
		return nil, nil, err
	}
	// Bytes the server read ahead belong to the stream.
	ahead, _ := brw.Reader.Peek(brw.Reader.Buffered())
	src := io.MultiReader(bytesReader(ahead), nc)
	w.conn = &meteredConn{Conn: nc, r: &frameReader{r: src, max: w.frame}}
	w.conn.r.tooBig = &w.conn.tooBig
	return w.conn, bufio.NewReadWriter(bufio.NewReader(w.conn), brw.Writer), nil
}

func bytesReader(b []byte) io.Reader {
	c := make([]byte, len(b))
	copy(c, b)
	return &sliceReader{b: c}
}

type sliceReader struct{ b []byte }

func (s *sliceReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

// meteredConn is a client connection read through a frameReader.
type meteredConn struct {
	net.Conn
	r      *frameReader
	tooBig atomic.Bool
}

func (c *meteredConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Close closes the connection. After a frame over the quota, it first
// reads and drops what the client still sends (for at most a second), so
// that closing a socket with unread data, which resets it, does not
// destroy the close frame on its way to the client.
func (c *meteredConn) Close() error {
	if c.tooBig.Load() {
		deadline := time.Now().Add(time.Second)
		buf := make([]byte, 32<<10)
		for time.Now().Before(deadline) {
			c.Conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			if _, err := c.Conn.Read(buf); err != nil {
				break
			}
		}
	}
	return c.Conn.Close()
}

// frameReader passes a client's WebSocket stream on while reading each
// frame header (RFC 6455 section 5.2): two bytes, a 2- or 8-byte extended
// length, a 4-byte mask key. It holds a header back until it is whole; at
// one whose payload length is over max it ends the stream with
// errFrameTooBig, having passed on only the bytes before that header. It
// costs a few comparisons per header byte and nothing per payload byte.
type frameReader struct {
	r      io.Reader
	max    int64
	tooBig *atomic.Bool

	hdr  [14]byte
	n    int   // header bytes seen, held back
	need int   // header length, known once two bytes are seen
	left int64 // payload bytes of the current frame still to pass
	err  error
}

func (f *frameReader) Read(p []byte) (int, error) {
	for {
		if f.err != nil {
			return 0, f.err
		}
		held := f.n
		if len(p) <= held {
			return 0, io.ErrShortBuffer
		}
		copy(p, f.hdr[:held])
		n, err := f.r.Read(p[held:])
		n += held
		pass, stop := f.scan(p[:n], held)
		if stop {
			return pass, nil
		}
		if err != nil {
			// The stream ends: a header it cut short goes on as it is.
			f.n, f.need, f.err = 0, 0, err
			return n, err
		}
		if pass > 0 {
			return pass, nil
		}
	}
}

// scan follows the frames through p, whose first from bytes are the
// header bytes held back before, and returns how many bytes of p may
// pass: all but a header still incomplete at the end, or, at a header
// over the quota, those before it (stop).
func (f *frameReader) scan(p []byte, from int) (pass int, stop bool) {
	start := 0 // where the current header began
	for i := from; i < len(p); {
		if f.left > 0 {
			k := min(int64(len(p)-i), f.left)
			f.left -= k
			i += int(k)
			continue
		}
		if f.n == 0 {
			start = i
		}
		f.hdr[f.n] = p[i]
		f.n++
		i++
		if f.n == 2 {
			f.need = 2
			switch f.hdr[1] & 0x7f {
			case 126:
				f.need += 2
			case 127:
				f.need += 8
			}
			if f.hdr[1]&0x80 != 0 {
				f.need += 4
			}
		}
		if f.n < 2 || f.n < f.need {
			continue
		}
		length := int64(f.hdr[1] & 0x7f)
		switch length {
		case 126:
			length = int64(f.hdr[2])<<8 | int64(f.hdr[3])
		case 127:
			length = 0
			for _, b := range f.hdr[2:10] {
				length = length<<8 | int64(b)
			}
			if length < 0 {
				length = f.max + 1 // the top bit is not allowed
			}
		}
		f.n, f.need = 0, 0
		if length > f.max {
			f.err = errFrameTooBig
			f.tooBig.Store(true)
			return start, true
		}
		f.left = length
	}
	return len(p) - f.n, false
}
