package lambdaservice

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// maxLogLine is the longest line written as one: a longer one is split,
// so a function that never writes a newline costs bounded memory.
const maxLogLine = 64 << 10

// logTailSize is how much of an invocation's log the Invoke API returns
// for X-Amz-Log-Type: Tail: the last 4 KB, as Lambda does.
const logTailSize = 4 << 10

// A logSink writes whole lines to the service's log writer, one at a time,
// each prefixed with the function's name and the request id it belongs
// to.
type logSink struct {
	mu sync.Mutex
	w  io.Writer
}

// line writes "NAME ID text\n"; id is "-" outside invocations.
func (s *logSink) line(name, id string, text []byte) {
	if id == "" {
		id = "-"
	}
	b := make([]byte, 0, len(name)+len(id)+len(text)+3)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, id...)
	b = append(b, ' ')
	b = append(b, text...)
	b = append(b, '\n')
	s.mu.Lock()
	s.w.Write(b)
	s.mu.Unlock()
}

// platform writes one of the lines Lambda itself adds to a function's log
// (START, END, REPORT, timeouts), to the sink and the invocation's tail.
func (inst *instance) platform(inv *invocation, format string, args ...any) {
	text := fmt.Appendf(nil, format, args...)
	id := ""
	if inv != nil {
		id = inv.id
		inv.tail.write(text)
	}
	inst.fn.svc.logs.line(inst.fn.name, id, text)
}

// A lineWriter is a function process's standard output or error: it cuts
// what the process writes into lines and sends each to the sink with the
// request id of the invocation running at the time.
//
// Output reaches it through a pipe, so a line can arrive after the
// invocation that wrote it has ended. To attribute every line to the
// right invocation, the instance syncs the pipe before it ends one: it
// writes a marker into the pipe itself, behind whatever the process wrote
// before asking for its next invocation, and waits until the marker
// comes out here.
type lineWriter struct {
	inst    *instance
	buf     []byte
	pending []byte        // the end of the last write, which may begin a marker
	marker  []byte        // the sync marker, unique to the instance
	synced  chan struct{} // receives when the marker came out
	w       *os.File      // the pipe's write end, for markers
	done    chan struct{} // closed when the pipe is closed
}

func (lw *lineWriter) init(inst *instance, marker []byte, w *os.File) {
	lw.inst, lw.marker, lw.w = inst, marker, w
	lw.synced, lw.done = make(chan struct{}, 1), make(chan struct{})
}

// read copies the pipe r into lw until it is closed.
func (lw *lineWriter) read(r *os.File) {
	defer close(lw.done)
	defer r.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		lw.Write(buf[:n])
		if err != nil {
			lw.Close()
			return
		}
	}
}

// sync waits, for at most a second, until everything written to the pipe
// before the call has come out as lines.
func (lw *lineWriter) sync() {
	select {
	case <-lw.synced: // a stale signal
	default:
	}
	if _, err := lw.w.Write(lw.marker); err != nil {
		return
	}
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-lw.synced:
	case <-lw.done:
	case <-t.C:
	}
}

func (lw *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	if len(lw.pending) > 0 {
		p = append(lw.pending, p...)
		lw.pending = nil
	}
	for len(lw.marker) > 0 {
		i := bytes.Index(p, lw.marker)
		if i < 0 {
			break
		}
		lw.lines(p[:i])
		if len(lw.buf) > 0 {
			lw.flush() // a last line without a newline
		}
		select {
		case lw.synced <- struct{}{}:
		default:
		}
		p = p[i+len(lw.marker):]
	}
	// Keep back an end of p that may be the start of a marker split
	// between two reads.
	for k := min(len(lw.marker)-1, len(p)); k > 0; k-- {
		if bytes.HasPrefix(lw.marker, p[len(p)-k:]) {
			lw.pending = append([]byte(nil), p[len(p)-k:]...)
			p = p[:len(p)-k]
			break
		}
	}
	lw.lines(p)
	return n, nil
}

// lines cuts p into lines, keeping a last line without a newline.
func (lw *lineWriter) lines(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			room := maxLogLine - len(lw.buf)
			if len(p) < room {
				lw.buf = append(lw.buf, p...)
				return
			}
			lw.buf = append(lw.buf, p[:room]...)
			p = p[room:]
			lw.flush()
			continue
		}
		if len(lw.buf)+i > maxLogLine {
			room := maxLogLine - len(lw.buf)
			lw.buf = append(lw.buf, p[:room]...)
			p = p[room:]
			lw.flush()
			continue
		}
		lw.buf = append(lw.buf, p[:i]...)
		p = p[i+1:]
		lw.flush()
	}
}

// flush writes the buffered line.
func (lw *lineWriter) flush() {
	inv := lw.inst.current()
	id := ""
	if inv != nil {
		id = inv.id
		inv.tail.write(lw.buf)
	}
	lw.inst.fn.svc.logs.line(lw.inst.fn.name, id, lw.buf)
	lw.buf = lw.buf[:0]
}

// Close writes what is left of a last line without a newline.
func (lw *lineWriter) Close() error {
	lw.lines(lw.pending)
	lw.pending = nil
	if len(lw.buf) > 0 {
		lw.flush()
	}
	return nil
}

// A logTail keeps the last logTailSize bytes of an invocation's log, when
// its invoker asked for them.
type logTail struct {
	mu  sync.Mutex
	on  bool
	buf []byte
}

func (t *logTail) write(line []byte) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.on {
		return
	}
	t.buf = append(t.buf, line...)
	t.buf = append(t.buf, '\n')
	if over := len(t.buf) - logTailSize; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
}

func (t *logTail) bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.buf)
}

// millis formats d as Lambda's REPORT line does: milliseconds with two
// decimals.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
