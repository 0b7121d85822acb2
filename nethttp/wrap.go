package nethttp

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// Config configures how [Config.Wrap] serves a net/http handler. The zero
// Config serves the path each source delivers (see the package
// documentation), encodes bodies by [response.IsBinary], logs panics to
// slog.Default() and buffers up to [DefaultBufferLimit] bytes.
type Config struct {
	// BasePaths are removed from the start of every request path that has
	// one, at a segment boundary ("/v1" strips "/v1/pets" and "/v1", not
	// "/v1x"). Paths without one are served unchanged, so one function can
	// serve both a custom domain with a base path mapping and the API's
	// own execute-api URL. Use it where the base path cannot be inferred
	// (see the package documentation): HTTP API $default routes behind an
	// API mapping, or ALB listener rules on a path prefix. A base path
	// without a leading slash gets one; "" and "/" strip nothing.
	BasePaths []string
	// FullPath makes the handler see the whole path the client requested,
	// with the stage and any base path: requestContext.path for REST APIs
	// (/prod/pets on an execute-api URL), rawPath for HTTP APIs (/dev/pets
	// on a named stage). Base paths are then not inferred; BasePaths still
	// apply.
	FullPath bool
	// Binary replaces [response.IsBinary] as the rule that decides whether
	// a response body travels base64-encoded: it gets the Content-Type and
	// Content-Encoding the handler set. A body it calls text that is not
	// valid UTF-8 is still base64-encoded, since JSON cannot carry it.
	// [SetEncoding] overrides both for one response.
	Binary func(contentType, contentEncoding string) bool
	// Logger receives handler panics; nil means slog.Default().
	Logger *slog.Logger
	// BufferLimit is how many body bytes a response buffers before it
	// becomes a stream, as if the handler had called Flush; zero or less
	// means [DefaultBufferLimit].
	BufferLimit int
}

// config is a Config in the form the handler reads.
type config struct {
	basePaths   []string
	fullPath    bool
	binary      func(contentType, contentEncoding string) bool
	logger      *slog.Logger
	bufferLimit int
}

func (c Config) normalized() config {
	n := config{fullPath: c.FullPath, binary: c.Binary, logger: c.Logger, bufferLimit: c.BufferLimit}
	if n.bufferLimit <= 0 {
		n.bufferLimit = DefaultBufferLimit
	}
	for _, prefix := range c.BasePaths {
		if prefix == "" || prefix == "/" {
			continue
		}
		if prefix[0] != '/' {
			prefix = "/" + prefix
		}
		for len(prefix) > 1 && prefix[len(prefix)-1] == '/' {
			prefix = prefix[:len(prefix)-1]
		}
		n.basePaths = append(n.basePaths, prefix)
	}
	return n
}

// DefaultBufferLimit is how many body bytes a response buffers before it
// turns into a stream: Lambda's 6 MB response payload quota, beyond which
// a buffered response could not be returned anyway.
const DefaultBufferLimit = 6 << 20

// Wrap returns a [handler.Handler] that serves each request with h, as
// the zero [Config] does.
func Wrap(h http.Handler) handler.Handler { return Config{}.Wrap(h) }

// Wrap returns a [handler.Handler] that serves each request with h,
// which sees the *http.Request a net/http server would have built for the
// client's original request, and whose response goes back to the client
// as the request's source expects it. See the package documentation for
// the per-source rules.
//
// The handler is safe for concurrent use if h is.
func (c Config) Wrap(h http.Handler) handler.Handler {
	return &wrapped{h: h, c: c.normalized()}
}

type wrapped struct {
	h http.Handler
	c config

	// tls is the TLS state of the last secure request. Like a net/http
	// server, which gives every request of a connection the same state,
	// the handler gives requests for one server name the same one.
	tls atomic.Pointer[tls.ConnectionState]
}

// tlsState returns the connection state of a secure request for the
// server name.
func (a *wrapped) tlsState(name string) *tls.ConnectionState {
	if st := a.tls.Load(); st != nil && st.ServerName == name {
		return st
	}
	st := &tls.ConnectionState{HandshakeComplete: true, ServerName: name}
	a.tls.Store(st)
	return st
}

func (a *wrapped) logger() *slog.Logger {
	if a.c.logger != nil {
		return a.c.logger
	}
	return slog.Default()
}

// Serve runs the http.Handler for req. In a streaming invoke
// (handler.InvokeModeFrom(ctx) is handler.ResponseStream) the handler runs on its own goroutine so that a
// response it flushes can be returned, as a stream, while it is still
// writing; Serve returns at the first flush or when the handler returns,
// whichever comes first. Otherwise the response is buffered whole, so the
// handler runs on the caller's goroutine and a Flush sends nothing early.
func (a *wrapped) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
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
	if handler.InvokeModeFrom(ctx) == handler.ResponseStream {
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
