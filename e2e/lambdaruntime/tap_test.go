//go:build linux

package lambdaruntime

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// A tap is the Runtime API as the runtime process sees it: a proxy on
// loopback that forwards every call to the emulator's Runtime API and
// records what the runtime posted for each invocation.
type tap struct {
	ln     net.Listener
	srv    *http.Server
	client *http.Client

	mu     sync.Mutex
	target string           // the emulator's Runtime API address
	posts  map[string]*post // by request id
}

// A post is what the runtime sent to /response or /error for one
// invocation, and how the emulator answered it.
type post struct {
	kind   string      // "response" or "error"
	header http.Header // the request headers

	mu       sync.Mutex
	body     []byte
	arrivals []arrival   // when each read of the body returned
	trailer  http.Header // the trailers, once the body is read
	status   int         // the emulator's status code
	err      error       // forwarding failed
	done     chan struct{}
}

// An arrival is the body length read by a point in time.
type arrival struct {
	at    time.Time
	total int
}

// newTap starts a tap on a free loopback port; setTarget names the
// Runtime API it forwards to.
func newTap(t testing.TB) *tap {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tp := &tap{
		ln:     ln,
		posts:  make(map[string]*post),
		client: &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}},
	}
	tp.srv = &http.Server{Handler: tp, ReadHeaderTimeout: 10 * time.Second}
	go tp.srv.Serve(ln)
	t.Cleanup(func() {
		tp.srv.Close()
		tp.client.CloseIdleConnections()
	})
	return tp
}

func (tp *tap) addr() string { return tp.ln.Addr().String() }

func (tp *tap) setTarget(addr string) {
	tp.mu.Lock()
	tp.target = addr
	tp.mu.Unlock()
}

// hopHeaders are the connection's own headers, which a proxy does not
// forward.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// ServeHTTP forwards one Runtime API call, recording invocation results.
func (tp *tap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tp.mu.Lock()
	target := tp.target
	tp.mu.Unlock()

	var p *post
	body := io.Reader(r.Body)
	if id, kind, ok := invocationResult(r); ok {
		p = &post{kind: kind, header: r.Header.Clone(), done: make(chan struct{})}
		defer close(p.done)
		tp.mu.Lock()
		tp.posts[id] = p
		tp.mu.Unlock()
		body = &recorder{r: r, p: p}
	}
	if r.ContentLength == 0 {
		body = nil
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+target+r.URL.RequestURI(), body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.ContentLength = r.ContentLength
	out.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	if len(r.Trailer) > 0 {
		// The server fills r.Trailer when the body ends, before the
		// transport, reading the same body, writes the trailers.
		out.Trailer = r.Trailer
	}
	resp, err := tp.client.Do(out)
	if err != nil {
		if p != nil {
			p.mu.Lock()
			p.err = err
			p.mu.Unlock()
		}
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if p != nil {
		p.mu.Lock()
		p.status = resp.StatusCode
		p.mu.Unlock()
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	for _, h := range hopHeaders {
		w.Header().Del(h)
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// invocationResult reports whether r posts an invocation's result, and
// which: /2018-06-01/runtime/invocation/ID/response or .../ID/error.
func invocationResult(r *http.Request) (id, kind string, ok bool) {
	if r.Method != http.MethodPost {
		return "", "", false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/2018-06-01/runtime/invocation/")
	if !ok {
		return "", "", false
	}
	id, kind, ok = strings.Cut(rest, "/")
	if !ok || (kind != "response" && kind != "error") {
		return "", "", false
	}
	return id, kind, true
}

// A recorder copies the body it reads into a post.
type recorder struct {
	r *http.Request
	p *post
}

func (rc *recorder) Read(b []byte) (int, error) {
	n, err := rc.r.Body.Read(b)
	rc.p.mu.Lock()
	if n > 0 {
		rc.p.body = append(rc.p.body, b[:n]...)
		rc.p.arrivals = append(rc.p.arrivals, arrival{time.Now(), len(rc.p.body)})
	}
	if err == io.EOF {
		rc.p.trailer = rc.r.Trailer.Clone()
	}
	rc.p.mu.Unlock()
	return n, err
}

// errNoPost says the runtime posted no result for an invocation.
var errNoPost = errors.New("the runtime posted no result for the invocation")

// result waits up to d for the runtime's result of invocation id, and
// returns a copy.
func (tp *tap) result(id string, d time.Duration) (*postResult, error) {
	deadline := time.Now().Add(d)
	for {
		tp.mu.Lock()
		p := tp.posts[id]
		tp.mu.Unlock()
		if p != nil {
			select {
			case <-p.done:
			case <-time.After(time.Until(deadline)):
				return nil, errors.New("the runtime's result did not finish")
			}
			p.mu.Lock()
			defer p.mu.Unlock()
			return &postResult{
				kind:     p.kind,
				header:   p.header,
				body:     p.body,
				arrivals: p.arrivals,
				trailer:  p.trailer,
				status:   p.status,
				err:      p.err,
			}, nil
		}
		if time.Now().After(deadline) {
			return nil, errNoPost
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A postResult is a finished post.
type postResult struct {
	kind     string
	header   http.Header
	body     []byte
	arrivals []arrival
	trailer  http.Header
	status   int
	err      error
}

// firstAt is when the body had reached n bytes.
func (p *postResult) firstAt(n int) (time.Time, bool) {
	for _, a := range p.arrivals {
		if a.total >= n {
			return a.at, true
		}
	}
	return time.Time{}, false
}
