package gateway

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/internal/trace"
	"github.com/lambdagate/lambdagate/response"
)

// payloadPool holds event payload buffers.
var payloadPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// call runs the integration of x's route and returns its response, and
// whether that is the gateway's own (an error), not the integration's.
//
// The integration runs on a goroutine of its own, with the integration
// timeout as its context deadline. If it has not answered by then, the
// gateway answers the timeout response at once and the request's
// connection is free for the client's next request; the integration goes
// on until it returns, as a Lambda function runs on after API Gateway
// gave up, and what it returns is dropped.
func (g *Gateway) call(x *exchange) (*response.Response, bool) {
	ctx, cancel := context.WithTimeout(x.hr.Context(), g.timeout)
	x.callStart = time.Now()
	x.rec.IntegrationStart = x.callStart
	type result struct {
		resp *response.Response
		own  bool
		info invokeInfo
	}
	done := make(chan result, 1)
	runIntegration(func() {
		var r result
		r.resp, r.own, r.info = g.run(ctx, x, x.binding.integration)
		r.info.end = time.Now()
		done <- r
	})
	streaming := false
	defer func() {
		if !streaming {
			cancel()
		}
	}()
	// What the integration found reaches the access record here, on the
	// request's goroutine, only when it answered in time.
	use := func(r result) (*response.Response, bool) {
		x.rec.IntegrationEnd, x.rec.InvokeStatus, x.rec.LambdaRequestID = r.info.end, r.info.invokeStatus, r.info.lambdaRequestID
		if !r.own {
			x.rec.IntegrationStatus = r.resp.Status()
		}
		if r.resp != nil && r.resp.Stream != nil {
			// A streaming function goes on writing while its body
			// streams: its context ends with the body, not here.
			r.resp.Stream = &streamBody{Reader: r.resp.Stream, cancel: cancel}
			streaming = true
		}
		return r.resp, r.own
	}
	select {
	case r := <-done:
		return use(r)
	case <-ctx.Done():
		select {
		case r := <-done: // it answered just in time
			return use(r)
		default:
		}
		// Drop what the integration answers later.
		go func() {
			if r := <-done; r.resp != nil && r.resp.Stream != nil {
				closeReader(r.resp.Stream)
			}
		}()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return timeoutResponse(g.kind), true
		}
		return response.FunctionError(g.kind), true // the client went away
	}
}

// run runs integration in for x; only a Lambda proxy integration has
// invoke details for the access log.
func (g *Gateway) run(ctx context.Context, x *exchange, in Integration) (resp *response.Response, own bool, info invokeInfo) {
	switch in := in.(type) {
	case Proxy:
		return g.proxy(ctx, x, in)
	case Direct:
		resp, own = g.direct(ctx, x, in)
	case *httpIntegration:
		resp, own = g.httpProxy(ctx, x, in)
	case *stageIntegration:
		return g.perStage(ctx, x, in)
	default:
		resp, own = response.FunctionError(g.kind), true
	}
	return resp, own, info
}

// invokeInfo is what an invoke tells the access log: Lambda's status for
// the Invoke call (200 when the function ran) and its request id.
type invokeInfo struct {
	end             time.Time
	invokeStatus    int
	lambdaRequestID string
}

// proxy runs a Lambda proxy integration: the event the source sends, the
// function's output read as the source reads it.
func (g *Gateway) proxy(ctx context.Context, x *exchange, in Proxy) (*response.Response, bool, invokeInfo) {
	var info invokeInfo
	if in.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, in.Timeout)
		defer cancel()
	}
	ev, err := g.event(x, in.PayloadVersion)
	if err != nil {
		return badRequest(), true, info
	}
	// The payload is free again once the function returns: an in-process
	// function copies what it keeps, and a remote one has sent it.
	buf := payloadPool.Get().(*[]byte)
	payload := ev.AppendJSON((*buf)[:0])
	defer func() {
		if cap(payload) <= 64<<10 {
			*buf = payload[:0]
			payloadPool.Put(buf)
		}
	}()
	if len(payload) > g.limits.Payload {
		return payloadTooLarge(g.kind), true, info
	}
	ctx, info.lambdaRequestID = withLambdaContext(ctx, x.trace)
	reader := OutputReader{Kind: g.kind, Payload: in.PayloadVersion, BinaryMediaTypes: g.api.BinaryMediaTypes, Accept: x.hr.Header.Get("Accept")}
	var out []byte
	var fnErr bool
	if in.InvokeMode == handler.ResponseStream {
		var stream io.Reader
		stream, err = invokeStream(ctx, in.Function.(handler.StreamInvoker), payload)
		if err == nil {
			info.invokeStatus = http.StatusOK
			resp, perr := readStream(stream)
			if perr == nil {
				return resp, false, info
			}
			closeReader(stream)
			fnErr = true
		}
	} else {
		out, err = invoke(ctx, in.Function, payload, g.limits.Output)
	}
	switch {
	case errors.Is(err, errTimeout):
		return timeoutResponse(g.kind), true, info
	case errors.Is(err, errRejected):
		return rejectedResponse(g.kind), true, info
	case errors.Is(err, errFunction):
		fnErr = true
	case err != nil: // the client went away
		return response.FunctionError(g.kind), true, info
	}
	info.invokeStatus = http.StatusOK // the function ran
	resp, err := reader.Read(out, fnErr)
	return resp, err != nil, info
}

// direct runs a Direct integration on the REST-shaped request.
func (g *Gateway) direct(ctx context.Context, x *exchange, in Direct) (resp *response.Response, own bool) {
	if in.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, in.Timeout)
		defer cancel()
	}
	ev, err := g.event(x, event.PayloadDefault)
	if err != nil {
		return badRequest(), true
	}
	defer func() {
		if v := recover(); v != nil {
			resp, own = response.FunctionError(g.kind), true
		}
	}()
	resp, err = in.Handler.Serve(ctx, ev)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return timeoutResponse(g.kind), true
	case err != nil || resp == nil:
		return response.FunctionError(g.kind), true
	}
	return resp, false
}

// The outcomes of an invoke other than output.
var (
	// errTimeout: the integration timeout passed before the function
	// answered.
	errTimeout = errors.New("gateway: integration timed out")
	// errRejected: Lambda rejected the invoke, so the function never ran
	// (a *handler.InvokeError).
	errRejected = errors.New("gateway: invoke rejected")
	// errFunction: the function failed; Lambda reports a function error.
	errFunction = errors.New("gateway: function error")
)

// invoke calls fn as Lambda would for a buffered invoke: a panic and an
// output over max bytes are function errors, as Lambda (or the service
// in front of it) reports them.
func invoke(ctx context.Context, fn handler.Invoker, payload []byte, max int) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, errFunction
		}
	}()
	o, e := fn.Invoke(ctx, payload)
	if e == nil && len(o) > max {
		e = errFunction
	}
	return o, invokeOutcome(ctx, e)
}

// invokeStream calls fn as Lambda would for a streaming invoke.
func invokeStream(ctx context.Context, fn handler.StreamInvoker, payload []byte) (out io.Reader, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, errFunction
		}
	}()
	o, e := fn.InvokeStream(ctx, payload)
	return o, invokeOutcome(ctx, e)
}

// withLambdaContext adds to ctx what the Lambda runtime gives a function
// invoked with the trace t: the invoke context (aws-lambda-go's
// lambdacontext: a fresh Lambda request id, which it returns, and the
// function's ARN) and the trace, as the runtime's context value. An
// in-process function reads them as it would in Lambda; Remote passes the
// trace on in the Invoke request's X-Amzn-Trace-Id.
func withLambdaContext(ctx context.Context, t trace.Header) (context.Context, string) {
	lc, ok := lambdacontext.FromContext(ctx)
	if !ok {
		lc = &lambdacontext.LambdaContext{
			AwsRequestID:       event.NewRequestID(event.FunctionURL),
			InvokedFunctionArn: "arn:aws:lambda:" + event.DefaultRegion + ":" + event.DefaultAccountID + ":function:function",
		}
		ctx = lambdacontext.NewContext(ctx, lc)
	}
	return trace.NewContext(ctx, trace.ForFunction(t, time.Now())), lc.AwsRequestID
}

// invokeOutcome classifies the error of an invoke made under ctx.
func invokeOutcome(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return errTimeout
	case err == nil:
		return nil
	}
	if _, ok := errors.AsType[*handler.InvokeError](err); ok {
		return errRejected
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &functionErr{err}
}

// functionErr is a function error (errors.Is(err, errFunction)) that
// keeps the function's own error, whose message a Lambda authorizer's
// caller reads.
type functionErr struct{ cause error }

func (e *functionErr) Error() string        { return errFunction.Error() + ": " + e.cause.Error() }
func (e *functionErr) Is(target error) bool { return target == errFunction }
func (e *functionErr) Unwrap() error        { return e.cause }

// remapped are the response headers a REST API renames to
// X-Amzn-Remapped-<name> when a proxy integration returns them, because
// the gateway sets them itself (API Gateway developer guide, "Important
// notes for REST APIs").
var remapped = map[string]bool{
	"Authorization": true, "Connection": true, "Content-Md5": true, "Date": true, "Expect": true,
	"Host": true, "Max-Forwards": true, "Proxy-Authenticate": true, "Server": true, "Te": true,
	"Transfer-Encoding": true, "Trailer": true, "Upgrade": true, "User-Agent": true, "Via": true,
	"Warn": true, "Www-Authenticate": true,
}

// write sends resp to x's client as the API sends it, and logs the
// access line; own says the response is the gateway's own answer.
func (g *Gateway) write(x *exchange, resp *response.Response, own bool) {
	w := x.w
	h := w.Header()
	for _, f := range resp.Header {
		k := http.CanonicalHeaderKey(f.Name)
		if g.kind == event.REST && remapped[k] {
			k = "X-Amzn-Remapped-" + k
		}
		if k == "Content-Length" {
			continue // net/http sets it from the body
		}
		h[k] = append(h[k], f.Value)
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	status := resp.Status()
	if resp.Stream == nil && status != http.StatusNoContent && status != http.StatusNotModified && status >= 200 {
		h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	}
	// The headers the service adds to every response [REC]
	// (docs/evidence/gateway.md#request-id-headers).
	switch g.kind {
	case event.REST:
		h.Set("X-Amzn-Requestid", x.requestID)
		h.Set("X-Amz-Apigw-Id", x.extended)
		h.Set(trace.HeaderName, x.trace.Response())
	case event.HTTPAPI:
		h.Set("Apigw-Requestid", x.requestID)
	}
	x.rec.Status = status
	if own && status >= 400 {
		x.rec.ErrorMessage, x.rec.ErrorResponseType = errorMessage(resp), responseType(g.kind, status)
	}
	access := g.accessLogs[x.stage]
	if access == nil {
		g.log(x, status)
	}
	w.WriteHeader(status)
	n := int64(0)
	if x.hr.Method == http.MethodHead {
		if resp.Stream != nil {
			closeReader(resp.Stream)
		}
	} else {
		m, _ := w.Write(resp.Body)
		n = int64(m)
		if resp.Stream != nil {
			http.NewResponseController(w).Flush()
			n += copyStream(w, resp.Stream)
		}
	}
	if access != nil {
		x.rec.ResponseLength, x.rec.End = n, time.Now()
		access.log(&x.rec)
	}
}

// copyStream passes a streamed body on to w chunk by chunk, as it
// arrives, closes it, and returns how many bytes reached w.
func copyStream(w http.ResponseWriter, stream io.Reader) int64 {
	defer closeReader(stream)
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	var total int64
	for {
		n, err := stream.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total
			}
			rc.Flush()
		}
		if err != nil {
			return total
		}
	}
}

// A streamBody is a streamed response body whose integration context
// ends when the body is closed: every path that takes a streamed
// response closes it (copyStream, a HEAD request, a dropped answer).
type streamBody struct {
	io.Reader
	cancel context.CancelFunc
}

func (b *streamBody) Close() error {
	closeReader(b.Reader)
	b.cancel()
	return nil
}

func closeReader(r io.Reader) {
	if c, ok := r.(io.Closer); ok {
		c.Close()
	}
}

// log writes the access line of a request.
func (g *Gateway) log(x *exchange, status int) {
	if g.logger == nil {
		return
	}
	hr := x.hr
	stage := ""
	if x.stage != nil {
		stage = x.stage.Name
	}
	var latency time.Duration // integration latency; zero if none ran
	if !x.callStart.IsZero() {
		latency = time.Since(x.callStart)
	}
	g.logger.LogAttrs(hr.Context(), slog.LevelInfo, "request",
		slog.String("requestId", x.requestID), slog.String("method", hr.Method),
		slog.String("path", hr.URL.EscapedPath()), slog.String("stage", stage),
		slog.String("routeKey", x.routeKey), slog.Int("status", status),
		slog.Duration("integrationLatency", latency), slog.Duration("latency", time.Since(x.start)))
}
