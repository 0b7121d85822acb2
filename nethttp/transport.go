package nethttp

import (
	"net/http"
	"sync"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
)

// Transport is an http.RoundTripper that sends each request to a net/http
// application the whole way Lambda would: through the local API Gateway
// (package gateway), which builds the event the source sends, invokes a
// [handler.Adapter] around the [Config.Wrap] of App with the payload
// bytes, and turns the function output into what the source answers its
// client. Use it in an http.Client to test an application behind each
// source, or see [Do] for one call.
//
// The request URL's path is the path after the stage: "/pets/1" reaches
// a REST API's "prod" stage as /prod/pets/1 would. A Transport is safe
// for concurrent use; set its fields before the first request.
type Transport struct {
	// App is the net/http application.
	App http.Handler
	// Config configures the Wrap around App.
	Config Config
	// Source is the kind of API in front of the function, as for
	// gateway.API.Kind: an HTTP API when zero.
	Source event.Source
	// Payload is an HTTP API integration's payload format.
	Payload event.PayloadVersion
	// Stage is the stage served; empty means the gateway's default
	// ($default for HTTP APIs, prod for REST APIs). Sources without
	// stages ignore it.
	Stage string
	// BinaryMediaTypes are a REST API's binary media types; other sources
	// ignore them.
	BinaryMediaTypes []string
	// InvokeMode handler.ResponseStream invokes the function as a
	// streaming function is invoked (a function URL in RESPONSE_STREAM
	// mode, a REST streaming integration): the response body arrives as
	// the application flushes it.
	InvokeMode handler.InvokeMode

	once   sync.Once
	gw     *gateway.Gateway
	prefix string
	err    error
}

// Do sends r to h behind src and returns the response the source's client
// gets, with a [Transport]. h is the net/http handler itself, not its
// Wrap. It panics on error, which happens only when the request cannot
// reach the gateway, for ease of use in tests, as httptest.NewRequest
// does.
func Do(h http.Handler, src event.Source, r *http.Request) *http.Response {
	resp, err := (&Transport{App: h, Source: src}).RoundTrip(r)
	if err != nil {
		panic(err)
	}
	return resp
}

// RoundTrip serves r as described for [Transport].
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.once.Do(t.build)
	if t.err != nil {
		return nil, t.err
	}
	if t.prefix != "" {
		r = r.Clone(r.Context())
		r.URL.Path = t.prefix + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = t.prefix + r.URL.RawPath
		}
	}
	return t.gw.RoundTrip(r)
}

// build makes the gateway: the Source's catch-all routes to the wrapped
// App, at the Stage.
func (t *Transport) build() {
	kind := t.Source
	if kind == event.Unknown {
		kind = event.HTTPAPI
	}
	in := gateway.Proxy{Function: handler.NewAdapter(t.Config.Wrap(t.App)), PayloadVersion: t.Payload, InvokeMode: t.InvokeMode}
	api := gateway.API{Kind: kind, Routes: gateway.CatchAll(kind, in)}
	if kind == event.REST {
		api.BinaryMediaTypes = t.BinaryMediaTypes
	}
	if t.Stage != "" && (kind == event.REST || kind == event.HTTPAPI) {
		api.Stages = []gateway.Stage{{Name: t.Stage}}
	}
	t.gw, t.err = gateway.New(api)
	if t.err == nil {
		t.prefix = t.gw.BaseURL()
	}
}

var _ http.RoundTripper = (*Transport)(nil)
