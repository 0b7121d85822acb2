package local

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/response"
)

// ErrTimeout reports that the integration timeout passed before the
// function answered.
var ErrTimeout = errors.New("integration timed out")

// ErrRejected reports an invoke that Lambda rejected, so the function never
// ran (an error with an InvokeRejected method that reports true).
var ErrRejected = errors.New("invoke rejected")

// CallWatched invokes fn on the caller's goroutine with a deadline of
// timeout. If fn has not returned by then, atDeadline runs at once on
// another goroutine, so the caller can answer the client with the timeout
// response while fn still runs; CallWatched itself returns when fn does,
// with ErrTimeout. A function that honours its context returns soon after.
func CallWatched(ctx context.Context, timeout time.Duration, fn func(context.Context, []byte) ([]byte, error), payload []byte, atDeadline func()) (out []byte, fnErr bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			atDeadline()
		}
	})
	defer stop()
	return CallHere(ctx, fn, payload)
}

// CallHere invokes fn with payload under ctx on the caller's goroutine.
// It recovers a panic in fn as a function error, treats an output over
// quota.LambdaResponse as Lambda does, as a function error, reports an invoke Lambda
// rejected as ErrRejected, and returns ErrTimeout if ctx's deadline passed
// before fn returned.
func CallHere(ctx context.Context, fn func(context.Context, []byte) ([]byte, error), payload []byte) (out []byte, fnErr bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, fnErr, err = nil, true, nil
		}
	}()
	o, e := fn(ctx, payload)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, false, ErrTimeout
	case e != nil:
		var rej interface{ InvokeRejected() bool }
		if errors.As(e, &rej) && rej.InvokeRejected() {
			return nil, false, ErrRejected
		}
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return nil, true, nil
	case len(o) > quota.LambdaResponse:
		return nil, true, nil
	}
	return o, false, nil
}

// Guard lets a watchdog answer a client at the integration deadline while
// the integration still runs on the request's goroutine: whichever writes
// first, through Write, wins, and the other's response is dropped.
type Guard struct {
	mu      sync.Mutex
	written bool
}

// Write writes resp through Write unless a response was written already,
// and reports whether it wrote. flush sends it at once, for a watchdog
// that writes while the handler goroutine is still busy.
func (g *Guard) Write(w http.ResponseWriter, hr *http.Request, src event.Source, requestID string, resp *response.Response, flush bool) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.written {
		return false
	}
	g.written = true
	Write(w, hr, src, requestID, resp)
	if flush {
		http.NewResponseController(w).Flush()
	}
	return true
}

// TimeoutResponse is the gateway's answer when the integration times out:
// REST 504 {"message": "Endpoint request timed out"}, HTTP APIs 503
// {"message":"Service Unavailable"}.
func TimeoutResponse(src event.Source) *response.Response {
	if src == event.REST || src == event.WebSocket {
		return response.Error(http.StatusGatewayTimeout, "Endpoint request timed out")
	}
	return response.Error(http.StatusServiceUnavailable, "Service Unavailable")
}

// RejectedResponse is the gateway's answer when Lambda rejects the invoke
// (the function never ran): 500 with the source's internal error body
// [DOC: "If the Lambda API rejects the invocation request, API Gateway
// returns a 500 error code"].
func RejectedResponse(src event.Source) *response.Response {
	r := response.Gateway{Source: src}.FunctionError()
	r.StatusCode = http.StatusInternalServerError
	return r
}

// NotFound is the source's answer for a request outside the API: REST 403
// Missing Authentication Token, others 404 Not Found.
func NotFound(src event.Source) *response.Response {
	if src == event.REST {
		r := response.Error(http.StatusForbidden, "Missing Authentication Token")
		r.Header.Add("x-amzn-ErrorType", "MissingAuthenticationTokenException")
		return r
	}
	return response.Error(http.StatusNotFound, "Not Found")
}

// TooLarge is the answer to a request body over the 10 MB payload quota.
// The body text is the one commonly reported; AWS does not document it.
func TooLarge() *response.Response {
	return response.Error(http.StatusRequestEntityTooLarge, "Request Too Long")
}

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

// Write writes resp to w as the source's gateway sends it: the gateway's
// request id header (REST x-amzn-RequestId, HTTP APIs apigw-requestid),
// and for REST the remapping of headers the gateway owns.
func Write(w http.ResponseWriter, hr *http.Request, src event.Source, requestID string, resp *response.Response) {
	h := w.Header()
	for _, f := range resp.Header {
		k := http.CanonicalHeaderKey(f.Name)
		if src == event.REST && remapped[k] {
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
	if resp.Stream == nil && resp.Status() != http.StatusNoContent && resp.Status() != http.StatusNotModified && resp.Status() >= 200 {
		// The length lets a client finish reading a response a watchdog
		// sends while the handler is still running.
		h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	}
	if requestID != "" {
		switch src {
		case event.REST:
			h.Set("X-Amzn-Requestid", requestID)
		case event.HTTPAPI:
			h.Set("Apigw-Requestid", requestID)
		}
	}
	w.WriteHeader(resp.Status())
	if hr.Method == http.MethodHead {
		return
	}
	w.Write(resp.Body)
	if resp.Stream == nil {
		return
	}
	// A streamed response: pass each chunk on as it arrives.
	defer func() {
		if c, ok := resp.Stream.(io.Closer); ok {
			c.Close()
		}
	}()
	rc := http.NewResponseController(w)
	rc.Flush()
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Stream.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			rc.Flush()
		}
		if err != nil {
			return
		}
	}
}

// ReadStream reads the prelude of a streamed function output (JSON with
// statusCode, headers or multiValueHeaders, and cookies, then eight NUL
// bytes) and returns the response whose Stream is the rest: the body.
func ReadStream(out io.Reader) (*response.Response, error) {
	br := bufio.NewReader(out)
	var prelude []byte
	for {
		line, err := br.ReadBytes(0)
		prelude = append(prelude, line...)
		if err != nil {
			return nil, fmt.Errorf("local: streamed output without its prelude: %w", err)
		}
		if bytes.HasSuffix(prelude, make([]byte, 8)) {
			prelude = prelude[:len(prelude)-8]
			break
		}
		if len(prelude) > 1<<20 {
			return nil, errors.New("local: streamed output prelude over 1 MB")
		}
	}
	var p struct {
		StatusCode        int                 `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Cookies           []string            `json:"cookies"`
	}
	if err := json.Unmarshal(prelude, &p); err != nil {
		return nil, fmt.Errorf("local: streamed output prelude: %w", err)
	}
	r := &response.Response{StatusCode: p.StatusCode, Cookies: p.Cookies, Stream: br}
	for _, k := range sortedKeys(p.MultiValueHeaders) {
		for _, v := range p.MultiValueHeaders[k] {
			r.Header.Add(k, v)
		}
	}
	for _, k := range sortedKeys(p.Headers) {
		r.Header.Add(k, p.Headers[k])
	}
	if c, ok := out.(io.Closer); ok {
		r.Stream = readCloser{br, c}
	}
	return r, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
