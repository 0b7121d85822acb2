package nethttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

var errNilHandler = errors.New("nethttp: nil handler")

// streamChunk is how many bytes a streaming response buffers between
// flushes before it passes them on anyway, as a net/http server's write
// buffer does. It is a variable for testing.
var streamChunk = 4096

// sniffLen is how much of a body net/http's content sniffing reads.
const sniffLen = 512

// An exchange is one request served by an http.Handler: the request it
// reads and the http.ResponseWriter it writes, in one allocation (the
// body reader and TLS state apart, for requests that have them).
//
// The handler runs on its own goroutine (run). Until the response is
// handed to Serve, through ready, only that goroutine touches the
// exchange; after the handoff Serve reads result and err, and a streaming
// handler goes on writing to the pipe.
type exchange struct {
	a     *wrapped // the handler, its configuration and logger
	event *event.Request

	// Request storage. The body and TLS state, which not every request
	// has, are allocated apart. Header names and RemoteAddr/RequestURI
	// are written into names and strs when they fit; nothing writes
	// there again, so the strings the handler sees stay as they are.
	hreq  http.Request // the request the handler gets
	ctx   reqContext
	url   url.URL
	vals  [12]string // header values, for requests with up to 12 fields
	names [64]byte   // canonical header names that are not interned
	strs  [160]byte  // RemoteAddr and RequestURI

	ready  sync.WaitGroup
	result *response.Response
	err    error

	// Response state.
	header      http.Header
	wroteHeader bool
	head        bool // HEAD request: the body is discarded
	haveType    bool // the header had a Content-Type key when committed
	noSniff     bool // Content-Encoding or Transfer-Encoding set
	encoding    response.Encoding
	encodingSet bool
	streaming   bool
	buffered    bool // a buffered invoke: never stream, the handler runs on the caller's goroutine
	done        bool
	pw          *io.PipeWriter
	bodyBuf     []byte   // the body so far; first in body
	body        [96]byte // room for a small body without an allocation of its own
	resp        response.Response
	fields      [4]event.Field // response header fields, for the common few
}

// run serves the request on the handler goroutine.
func (x *exchange) run() {
	defer x.finish()
	x.a.h.ServeHTTP(x, &x.hreq)
}

// finish ends the exchange when the handler returns or panics.
func (x *exchange) finish() {
	v := recover()
	x.done = true
	x.ctx.cancel(context.Canceled)
	if v != nil {
		x.panicked(v)
		return
	}
	if !x.wroteHeader {
		x.WriteHeader(http.StatusOK)
	}
	if !x.streaming {
		x.result = x.response()
		x.ready.Done()
		return
	}
	if len(x.bodyBuf) > 0 {
		if _, err := x.pw.Write(x.bodyBuf); err != nil {
			return
		}
	}
	x.pw.Close()
}

// panicked reports a handler panic: before the response is handed over
// as the handler's error, so the client gets the gateway's error
// response; after, by failing the stream. It is logged, with the stack,
// unless the value is http.ErrAbortHandler, which net/http too aborts
// with silently.
func (x *exchange) panicked(v any) {
	pe := &handler.PanicError{Value: v, Stack: debug.Stack()}
	if v != http.ErrAbortHandler {
		ctx := x.hreq.Context()
		attrs := make([]any, 0, 10)
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			attrs = append(attrs, "awsRequestId", lc.AwsRequestID)
		}
		attrs = append(attrs, "requestId", x.event.RequestID, "source", x.event.Source.String(),
			"panic", fmt.Sprint(v), "stack", string(pe.Stack))
		x.a.logger().ErrorContext(ctx, "nethttp: handler panic", attrs...)
	}
	if x.streaming {
		x.pw.CloseWithError(pe)
		return
	}
	x.err = pe
	x.ready.Done()
}

// Header returns the response header, as http.ResponseWriter.
func (x *exchange) Header() http.Header {
	if x.header == nil {
		x.header = make(http.Header, 2)
	}
	return x.header
}

// WriteHeader sets the status and takes the header as it is now, as
// net/http does: later changes to the map are not sent. Informational
// statuses (1xx but 101) are dropped, since Lambda cannot send them; a
// second call is ignored; a code net/http refuses panics as it does.
func (x *exchange) WriteHeader(code int) {
	if x.wroteHeader {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		return
	}
	x.wroteHeader = true
	x.resp.StatusCode = code
	x.snapshot()
}

// snapshot converts the header map into the response's fields, in name
// order, with Set-Cookie values as cookies. Like net/http it drops
// invalid names and turns CR and LF in values into spaces; trailers,
// which Lambda cannot send, are dropped too.
func (x *exchange) snapshot() {
	x.resp.Header = x.fields[:0]
	if len(x.header) == 0 {
		return
	}
	var buf [16]string
	keys := buf[:0]
	for k := range x.header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	_, x.haveType = x.header["Content-Type"]
	for _, k := range keys {
		vs := x.header[k]
		switch {
		case !isToken(k), strings.EqualFold(k, "Trailer"), strings.HasPrefix(k, http.TrailerPrefix):
			continue
		case strings.EqualFold(k, "Set-Cookie"):
			for _, v := range vs {
				x.resp.Cookies = append(x.resp.Cookies, cleanValue(v))
			}
			continue
		case len(vs) > 0 && (k == "Content-Encoding" || k == "Transfer-Encoding"):
			x.noSniff = true
		}
		for _, v := range vs {
			x.resp.Header = append(x.resp.Header, event.Field{Name: k, Value: cleanValue(v)})
		}
	}
}

// cleanValue is a header value as net/http writes it: CR, LF (and NUL,
// which no gateway passes) as spaces, surrounding blanks trimmed.
func cleanValue(v string) string {
	// Loops, not strings.ContainsAny and strings.Trim: values are short,
	// and building those functions' byte sets costs more than the scan.
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\r' || c == '\n' || c == 0 {
			b := []byte(v)
			for j := i; j < len(b); j++ {
				if c := b[j]; c == '\r' || c == '\n' || c == 0 {
					b[j] = ' '
				}
			}
			v = string(b)
			break
		}
	}
	for len(v) > 0 && (v[0] == ' ' || v[0] == '\t') {
		v = v[1:]
	}
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t') {
		v = v[:len(v)-1]
	}
	return v
}

// bodyAllowed reports whether a response with status may have a body.
func bodyAllowed(status int) bool {
	return !(status >= 100 && status <= 199 || status == http.StatusNoContent || status == http.StatusNotModified)
}

// Write adds p to the body, as http.ResponseWriter.
func (x *exchange) Write(p []byte) (int, error) { return write(x, p) }

// WriteString adds s to the body, as io.StringWriter.
func (x *exchange) WriteString(s string) (int, error) { return write(x, s) }

func write[T string | []byte](x *exchange, p T) (int, error) {
	if !x.wroteHeader {
		x.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(x.resp.StatusCode) {
		return 0, http.ErrBodyNotAllowed
	}
	if x.head {
		// net/http discards a HEAD body but sniffs its type.
		if n := sniffLen - len(x.bodyBuf); n > 0 && !x.streaming {
			x.bodyBuf = append(x.bodyBuf, p[:min(n, len(p))]...)
		}
		return len(p), nil
	}
	x.bodyBuf = append(x.bodyBuf, p...)
	switch {
	case x.streaming:
		if len(x.bodyBuf) >= streamChunk {
			if err := x.flushChunk(); err != nil {
				return 0, err
			}
		}
	case len(x.bodyBuf) > x.a.c.bufferLimit && !x.buffered:
		x.startStream()
	}
	return len(p), nil
}

// Flush sends what the handler wrote so far, as http.Flusher. The first
// flush hands the response, as a stream, to the function's caller.
func (x *exchange) Flush() { _ = x.FlushError() }

// FlushError is Flush with the error of a stream the client closed; an
// http.ResponseController uses it.
func (x *exchange) FlushError() error {
	if !x.wroteHeader {
		x.WriteHeader(http.StatusOK)
	}
	if x.done {
		return errors.New("nethttp: flush after the handler returned")
	}
	if x.buffered {
		return nil
	}
	if !x.streaming {
		x.startStream()
		return nil
	}
	return x.flushChunk()
}

// startStream hands the response over with the body so far in Body and
// the rest to come through a pipe in Stream.
func (x *exchange) startStream() {
	pr, pw := io.Pipe()
	x.pw = pw
	r := x.response()
	r.Stream = &streamReader{pr, &x.ctx}
	x.result = r
	x.bodyBuf = nil
	x.streaming = true
	x.ready.Done()
}

func (x *exchange) flushChunk() error {
	if len(x.bodyBuf) == 0 {
		return nil
	}
	_, err := x.pw.Write(x.bodyBuf)
	x.bodyBuf = x.bodyBuf[:0]
	return err
}

// streamReader is the streamed part of a body. Closing it, as a caller
// does when its client goes away, fails the handler's writes and cancels
// its request context, as a net/http server does when the connection
// closes.
type streamReader struct {
	*io.PipeReader
	ctx *reqContext
}

func (s *streamReader) Close() error {
	s.ctx.cancel(context.Canceled)
	return s.PipeReader.Close()
}

// response returns the response so far: status, the header taken by
// WriteHeader, a sniffed Content-Type where net/http would add one, and
// the buffered body.
func (x *exchange) response() *response.Response {
	r := &x.resp
	body := x.bodyBuf
	if len(body) == 0 {
		body = nil
	}
	if !x.haveType && !x.noSniff && len(body) > 0 && bodyAllowed(r.StatusCode) {
		r.Header = append(r.Header, event.Field{Name: "Content-Type", Value: http.DetectContentType(body[:min(len(body), sniffLen)])})
		x.haveType = true
	}
	if x.head {
		body = nil
	}
	r.Body = body
	switch {
	case x.encodingSet:
		r.Encoding = x.encoding
	case x.a.c.binary != nil:
		r.Encoding = response.TextEncoding
		if x.a.c.binary(r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding")) {
			r.Encoding = response.Base64Encoding
		} else if !utf8.Valid(body) {
			r.Encoding = response.AutoEncoding
		}
	}
	return r
}

// SetEncoding chooses how the response body travels in the function
// output, overriding [response.IsBinary] and [Config.Binary] for this
// response: [response.Base64Encoding] or [response.TextEncoding] (a
// text body that is not valid UTF-8 then fails, see [response.Response]).
// Call it before the first write. w is the ResponseWriter a [Wrap] handler
// gave, or one wrapping it with an Unwrap method, as middleware does for
// http.ResponseController; SetEncoding reports false for any other.
func SetEncoding(w http.ResponseWriter, e response.Encoding) bool {
	for {
		switch t := w.(type) {
		case *exchange:
			t.encoding, t.encodingSet = e, true
			return true
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return false
		}
	}
}
