package gateway

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// RoundTrip serves r in process, as ServeHTTP would serve it from a
// client, and returns the response as the client would get it: an
// http.Client whose Transport is the Gateway sends every request through
// the gateway without a socket. The response body streams: a streamed
// function output arrives chunk by chunk as the function writes it.
// Closing the body before its end cancels the request's context, as a
// client that goes away does.
//
// r.RemoteAddr is kept when set (192.0.2.1:1234 otherwise, a
// documentation address), so events carry a source IP.
func (g *Gateway) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(r.Context())
	in := r.Clone(ctx)
	if in.Body == nil {
		in.Body = http.NoBody
	}
	if in.RemoteAddr == "" {
		in.RemoteAddr = "192.0.2.1:1234"
	}
	if in.RequestURI == "" {
		in.RequestURI = r.URL.RequestURI()
	}
	if in.Host == "" {
		in.Host = r.URL.Host
	}
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			w.commit(http.StatusOK)
			pw.Close()
		}()
		g.ServeHTTP(w, in)
	}()
	<-w.ready
	resp := &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sent,
		Body:          &pipeBody{pr: pr, cancel: cancel},
		ContentLength: -1,
		Request:       r,
	}
	if n, err := strconv.ParseInt(w.sent.Get("Content-Length"), 10, 64); err == nil {
		resp.ContentLength = n
	}
	if r.Method == http.MethodHead {
		resp.Body.Close()
		resp.Body = http.NoBody
	}
	return resp, nil
}

// pipeWriter is the ResponseWriter of RoundTrip: the status and header
// are handed over once, when first written, and the body goes through a
// pipe, so that a streamed body reaches the caller as it is written.
type pipeWriter struct {
	header http.Header
	pw     *io.PipeWriter

	once   sync.Once
	ready  chan struct{}
	status int
	sent   http.Header
}

func (w *pipeWriter) Header() http.Header { return w.header }

// commit hands the status and a copy of the header over, once.
func (w *pipeWriter) commit(status int) {
	w.once.Do(func() {
		w.status = status
		w.sent = w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeWriter) WriteHeader(status int) { w.commit(status) }

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.commit(http.StatusOK)
	return w.pw.Write(p)
}

// Flush makes the status and header visible even before a body; the pipe
// passes written bytes on at once.
func (w *pipeWriter) Flush() { w.commit(http.StatusOK) }

type pipeBody struct {
	pr     *io.PipeReader
	cancel context.CancelFunc
}

func (b *pipeBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

func (b *pipeBody) Close() error {
	b.cancel()
	return b.pr.Close()
}

var _ http.RoundTripper = (*Gateway)(nil)
