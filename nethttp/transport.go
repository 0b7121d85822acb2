package nethttp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// Transport is an http.RoundTripper that sends each request to an
// http.Handler the whole way Lambda would: it builds the event the source
// sends for the request ([event.Builder]), marshals it, invokes a
// [lambdagate.Adapter] around [Wrap] with the payload bytes, and turns the
// function output into what the source answers its client
// ([response.Gateway]). Use it in an http.Client to test a handler behind
// each source, or see [Do] for one call.
//
// The request URL's path is the path after the stage: "/pets/1" reaches
// a REST API's "prod" stage as /prod/pets/1 would. A Transport is safe
// for concurrent use.
type Transport struct {
	// Handler serves the requests.
	Handler http.Handler
	// Options configure the Wrap around Handler.
	Options []Option
	// Event shapes the events: its Source (REST when zero), payload
	// Version, Stage, BinaryMediaTypes, Authorizer and so on.
	Event event.Builder
	// Streaming invokes the function as a streaming function does (a
	// function URL in RESPONSE_STREAM mode, a REST streaming
	// integration): the response body arrives as the handler flushes it.
	// Only function URLs and REST APIs stream.
	Streaming bool
	// Adapter, when set, replaces the default lambdagate.Adapter; its
	// Handler is replaced by the wrapped one.
	Adapter *lambdagate.Adapter
}

// Do sends r to h behind src and returns the response the source's client
// gets, with [Transport]. It panics on error, which happens only when r
// cannot become an event (its body fails to read, say), for ease of use
// in tests, as httptest.NewRequest does.
func Do(h http.Handler, src event.Source, r *http.Request) *http.Response {
	resp, err := (&Transport{Handler: h, Event: event.Builder{Source: src}}).RoundTrip(r)
	if err != nil {
		panic(err)
	}
	return resp
}

// RoundTrip serves r as described for [Transport].
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	b := t.Event
	src := b.Source
	if src == event.Unknown {
		src = event.REST
		b.Source = src
	}
	if t.Streaming && src != event.FunctionURL && src != event.REST {
		return nil, fmt.Errorf("nethttp: %v sources do not stream responses", src)
	}
	in := r.Clone(r.Context())
	in.Body = r.Body
	req, err := b.FromHTTP(in)
	if r.Body != nil {
		r.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	payload, err := req.MarshalJSON()
	if err != nil {
		return nil, err
	}
	a := lambdagate.Adapter{Handler: Wrap(t.Handler, t.Options...)}
	if t.Adapter != nil {
		a = *t.Adapter
		a.Handler = Wrap(t.Handler, t.Options...)
	}
	ctx := r.Context()
	if _, ok := lambdacontext.FromContext(ctx); !ok {
		ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
			AwsRequestID:       req.RequestID,
			InvokedFunctionArn: "arn:aws:lambda:us-east-1:" + req.AccountID + ":function:nethttp",
		})
	}
	gw := response.Gateway{Source: src, Version: req.Version, BinaryMediaTypes: b.BinaryMediaTypes, Accept: r.Header.Get("Accept")}
	if !t.Streaming {
		out, err := a.Invoke(ctx, payload)
		resp := gw.Respond(out, err != nil)
		return httpResponse(r, resp, io.NopCloser(bytes.NewReader(resp.Body)), int64(len(resp.Body))), nil
	}
	out, err := a.InvokeStream(ctx, payload)
	if err != nil {
		resp := gw.FunctionError()
		return httpResponse(r, resp, io.NopCloser(bytes.NewReader(resp.Body)), int64(len(resp.Body))), nil
	}
	br := bufio.NewReader(out)
	prelude, err := readPrelude(br)
	if err != nil {
		closeReader(out)
		return nil, err
	}
	resp := gw.Respond(prelude, false)
	body := &streamBody{Reader: io.MultiReader(bytes.NewReader(resp.Body), br), src: out}
	return httpResponse(r, resp, body, -1), nil
}

// readPrelude reads the JSON prelude of a streamed output and the eight
// NUL bytes after it.
func readPrelude(br *bufio.Reader) ([]byte, error) {
	prelude, err := br.ReadBytes(0)
	if err != nil {
		return nil, fmt.Errorf("nethttp: streamed output without a prelude: %w", err)
	}
	var nul [7]byte
	if _, err := io.ReadFull(br, nul[:]); err != nil || nul != [7]byte{} {
		return nil, errors.New("nethttp: streamed output prelude not followed by eight NUL bytes")
	}
	return prelude[:len(prelude)-1], nil
}

// streamBody is a streamed response body; closing it closes the
// function's output, as a client going away does.
type streamBody struct {
	io.Reader
	src io.Reader
}

func (s *streamBody) Close() error { return closeReader(s.src) }

func closeReader(r io.Reader) error {
	if c, ok := r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// httpResponse returns resp as an http.Response to r.
func httpResponse(r *http.Request, resp *response.Response, body io.ReadCloser, n int64) *http.Response {
	code := resp.Status()
	hr := &http.Response{
		Status:        strconv.Itoa(code) + " " + http.StatusText(code),
		StatusCode:    code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        make(http.Header, len(resp.Header)+1),
		Body:          body,
		ContentLength: n,
		Request:       r,
	}
	for _, f := range resp.Header {
		hr.Header.Add(f.Name, f.Value)
	}
	for _, c := range resp.Cookies {
		hr.Header.Add("Set-Cookie", c)
	}
	return hr
}

var _ http.RoundTripper = (*Transport)(nil)
