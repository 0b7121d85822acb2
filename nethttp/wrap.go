package nethttp

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// An Option configures [Wrap].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	basePaths   []string
	fullPath    bool
	binary      func(contentType, contentEncoding string) bool
	logger      *slog.Logger
	bufferLimit int
}

// DefaultBufferLimit is how many body bytes a response buffers before it
// turns into a stream: Lambda's 6 MB response payload quota, beyond which
// a buffered response could not be returned anyway.
const DefaultBufferLimit = 6 << 20

// StripBasePath removes prefix from the start of every request path that
// has it, at a segment boundary ("/v1" strips "/v1/pets" and "/v1", not
// "/v1x"). Paths without it are served unchanged, so one function can
// serve both a custom domain with a base path mapping and the API's own
// execute-api URL. Use it where the base path cannot be inferred (see the
// package documentation): HTTP API $default routes behind an API mapping,
// or ALB listener rules on a path prefix. A prefix without a leading
// slash gets one; "" and "/" strip nothing.
func StripBasePath(prefix string) Option {
	return optionFunc(func(c *config) {
		if prefix == "" || prefix == "/" {
			return
		}
		if prefix[0] != '/' {
			prefix = "/" + prefix
		}
		for len(prefix) > 1 && prefix[len(prefix)-1] == '/' {
			prefix = prefix[:len(prefix)-1]
		}
		c.basePaths = append(c.basePaths, prefix)
	})
}

// FullPath makes the handler see the whole path the client requested,
// with the stage and any base path: requestContext.path for REST APIs
// (/prod/pets on an execute-api URL), rawPath for HTTP APIs (/dev/pets on
// a named stage). Base paths are then not inferred; StripBasePath still
// applies.
func FullPath() Option { return optionFunc(func(c *config) { c.fullPath = true }) }

// BinaryWhen replaces [response.IsBinary] as the rule that decides whether
// a response body travels base64-encoded: f gets the Content-Type and
// Content-Encoding the handler set. A body f calls text that is not valid
// UTF-8 is still base64-encoded, since JSON cannot carry it. [SetEncoding]
// overrides both for one response.
func BinaryWhen(f func(contentType, contentEncoding string) bool) Option {
	return optionFunc(func(c *config) { c.binary = f })
}

// Logger sets the logger for handler panics; nil means slog.Default().
func Logger(l *slog.Logger) Option { return optionFunc(func(c *config) { c.logger = l }) }

// BufferLimit sets how many body bytes a response buffers before it
// becomes a stream, as if the handler had called Flush (default
// [DefaultBufferLimit]); n <= 0 means the default.
func BufferLimit(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.bufferLimit = n
		}
	})
}

// Wrap returns a [lambdagate.Handler] that serves each request with h,
// which sees the *http.Request a net/http server would have built for the
// client's original request, and whose response goes back to the client
// as the request's source expects it. See the package documentation for
// the per-source rules.
//
// The handler is safe for concurrent use if h is.
func Wrap(h http.Handler, opts ...Option) lambdagate.Handler {
	c := config{bufferLimit: DefaultBufferLimit}
	for _, o := range opts {
		o.apply(&c)
	}
	return &handler{h: h, c: c}
}

type handler struct {
	h http.Handler
	c config

	// tls is the TLS state of the last secure request. Like a net/http
	// server, which gives every request of a connection the same state,
	// the handler gives requests for one server name the same one.
	tls atomic.Pointer[tls.ConnectionState]
}

// tlsState returns the connection state of a secure request for the
// server name.
func (a *handler) tlsState(name string) *tls.ConnectionState {
	if st := a.tls.Load(); st != nil && st.ServerName == name {
		return st
	}
	st := &tls.ConnectionState{HandshakeComplete: true, ServerName: name}
	a.tls.Store(st)
	return st
}

func (a *handler) logger() *slog.Logger {
	if a.c.logger != nil {
		return a.c.logger
	}
	return slog.Default()
}

// Serve runs the http.Handler for req. In a streaming invoke
// (lambdagate.Streaming) the handler runs on its own goroutine so that a
// response it flushes can be returned, as a stream, while it is still
// writing; Serve returns at the first flush or when the handler returns,
// whichever comes first. Otherwise the response is buffered whole, so the
// handler runs on the caller's goroutine and a Flush sends nothing early.
func (a *handler) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	if a.h == nil {
		return nil, errNilHandler
	}
	x := &exchange{a: a, event: req}
	x.bodyBuf = x.body[:0]
	var hr http.Request
	if why, ok := x.request(&hr, req, &a.c); !ok {
		return badRequest(why), nil
	}
	x.ctx.parent, x.ctx.req = ctx, req
	x.hreq = *hr.WithContext(&x.ctx)
	x.head = hr.Method == http.MethodHead
	x.ready.Add(1)
	if lambdagate.Streaming(ctx) {
		go x.run()
	} else {
		x.buffered = true
		x.run()
	}
	x.ready.Wait()
	return x.result, x.err
}

// Event returns the event the request came from: the [event.Request] the
// gateway sent, with its request context, authorizer output and source.
// It is set by the handler [Wrap] returns, never read from a header, so a
// client cannot forge it; ok is false for a context that did not come
// from one.
func Event(ctx context.Context) (req *event.Request, ok bool) {
	req, ok = ctx.Value(eventKey{}).(*event.Request)
	return req, ok
}

// Lambda returns the Lambda invoke context (request id, function ARN,
// client context), as lambdacontext.FromContext does; the request context
// of every request a Wrap handler serves carries it. The invoke deadline
// is the context's deadline.
func Lambda(ctx context.Context) (*lambdacontext.LambdaContext, bool) {
	return lambdacontext.FromContext(ctx)
}

// badRequest is what a net/http server answers a request it cannot
// parse: 400 with a text body naming the problem.
// why is empty for a malformed request line, which net/http answers
// without one.
func badRequest(why string) *response.Response {
	if why == "" {
		return response.Text(http.StatusBadRequest, "400 Bad Request")
	}
	return response.Text(http.StatusBadRequest, "400 Bad Request: "+why)
}
