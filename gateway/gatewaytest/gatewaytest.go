package gatewaytest

import (
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	gwws "github.com/lambdagate/lambdagate/gateway/websocket"
	"github.com/lambdagate/lambdagate/handler"
)

// Server is a gateway under test.
type Server struct {
	// Gateway is the gateway being tested.
	Gateway *gateway.Gateway

	tb   testing.TB
	once sync.Once
	srv  *httptest.Server
	base string // a Remote server's URL
}

// New builds the gateway for api, failing tb if the definition is invalid.
// A WebSocket API without an Upgrader gets package gateway/websocket's.
func New(tb testing.TB, api gateway.API) *Server {
	tb.Helper()
	if api.Kind == event.WebSocket && api.Upgrader == nil {
		api.Upgrader = gwws.Upgrader{}
	}
	g, err := gateway.New(api)
	if err != nil {
		tb.Fatalf("gatewaytest: %v", err)
	}
	return &Server{Gateway: g, tb: tb}
}

// Remote returns a Server for an API served elsewhere at baseURL, such
// as a listener of "lambdagate serve": its helpers send their requests
// there over the network (Do and Request too), so that a test written
// against [New] runs unchanged against the running API. Its Gateway is
// nil.
func Remote(tb testing.TB, baseURL string) *Server {
	s := &Server{tb: tb, base: strings.TrimSuffix(baseURL, "/")}
	s.once.Do(func() {})
	return s
}

// HTTPAPI builds an HTTP API at the $default stage whose routes (route
// key to handler) are Lambda proxy integrations with payload 2.0, each
// handler running in process through the Lambda bytes path.
func HTTPAPI(tb testing.TB, routes map[string]handler.Handler) *Server {
	tb.Helper()
	return New(tb, gateway.API{Kind: event.HTTPAPI, Routes: proxyRoutes(routes)})
}

// REST builds a REST API with one stage, "test", whose methods (route key
// to handler, such as "GET /pets/{id}") are Lambda proxy integrations.
// Requests go to /test/....
func REST(tb testing.TB, routes map[string]handler.Handler) *Server {
	tb.Helper()
	return New(tb, gateway.API{Kind: event.REST, Stages: []gateway.Stage{{Name: "test"}}, Routes: proxyRoutes(routes)})
}

// ALB builds an Application Load Balancer whose target group is h, with
// multi-value headers on or off as the target group would have them.
func ALB(tb testing.TB, h handler.Handler, multiValueHeaders bool) *Server {
	tb.Helper()
	kind := event.ALB
	if multiValueHeaders {
		kind = event.ALBMultiValue
	}
	return New(tb, gateway.API{Kind: kind, Routes: gateway.CatchAll(kind, gateway.Proxy{Function: handler.NewAdapter(h)})})
}

// FunctionURL builds a function URL for h, in the given invoke mode:
// handler.Buffered or handler.ResponseStream.
func FunctionURL(tb testing.TB, h handler.Handler, mode handler.InvokeMode) *Server {
	tb.Helper()
	in := gateway.Proxy{Function: handler.NewAdapter(h), InvokeMode: mode}
	return New(tb, gateway.API{Kind: event.FunctionURL, Routes: gateway.CatchAll(event.FunctionURL, in)})
}

func proxyRoutes(routes map[string]handler.Handler) []gateway.Route {
	var rs []gateway.Route
	for _, k := range slices.Sorted(maps.Keys(routes)) {
		rs = append(rs, gateway.Route{Key: k, Integration: gateway.Proxy{Function: handler.NewAdapter(routes[k])}})
	}
	return rs
}

// Do serves r in process and returns the response as a client would
// receive it; the body streams when the function streams. Close it.
func (s *Server) Do(r *http.Request) *http.Response {
	s.tb.Helper()
	if s.base != "" {
		u, err := url.Parse(s.base + r.URL.RequestURI())
		if err != nil {
			s.tb.Fatalf("gatewaytest: %v", err)
		}
		r.URL, r.RequestURI, r.Host = u, "", u.Host
		resp, err := s.Client().Do(r)
		if err != nil {
			s.tb.Fatalf("gatewaytest: %v", err)
		}
		return resp
	}
	resp, err := s.Gateway.RoundTrip(r)
	if err != nil {
		s.tb.Fatalf("gatewaytest: %v", err)
	}
	return resp
}

// Request serves a request built from method, target and body (as
// httptest.NewRequest builds it) with the given header name and value
// pairs.
func (s *Server) Request(method, target, body string, header ...string) *http.Response {
	s.tb.Helper()
	r := httptest.NewRequest(method, target, s.body(body, header))
	addPairs(r.Header, header)
	return s.Do(r)
}

// body returns a reader for body, nil when it is empty, after checking
// that header holds name and value pairs.
func (s *Server) body(body string, header []string) io.Reader {
	s.tb.Helper()
	if len(header)%2 != 0 {
		s.tb.Fatalf("gatewaytest: odd number of header arguments %q", header)
	}
	if body == "" {
		return nil
	}
	return strings.NewReader(body)
}

// addPairs adds the name and value pairs of header to h.
func addPairs(h http.Header, header []string) {
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
}

// Get serves a GET request for target.
func (s *Server) Get(target string) *http.Response { return s.Request(http.MethodGet, target, "") }

// URL starts a real server on a loopback port, once, and returns its base
// URL. The server closes when the test ends.
func (s *Server) URL() string {
	if s.base != "" {
		return s.base
	}
	s.once.Do(func() {
		s.srv = httptest.NewServer(s.Gateway)
		s.tb.Cleanup(s.srv.Close)
		// Cleanups run last first: the gateway closes its WebSocket
		// connections, which net/http leaves open, before the server.
		s.tb.Cleanup(func() { s.Gateway.Close() })
	})
	return s.srv.URL
}

// Client returns a client for the server URL returns.
func (s *Server) Client() *http.Client {
	if s.base != "" {
		return http.DefaultClient
	}
	s.URL()
	return s.srv.Client()
}

// Fetch sends a request over the loopback socket of [Server.URL], as a
// real client would, and returns the response with its body read. header
// holds name and value pairs.
func (s *Server) Fetch(method, target, body string, header ...string) (*http.Response, string) {
	s.tb.Helper()
	req, err := http.NewRequest(method, s.URL()+target, s.body(body, header))
	if err != nil {
		s.tb.Fatalf("gatewaytest: %v", err)
	}
	addPairs(req.Header, header)
	resp, err := s.Client().Do(req)
	if err != nil {
		s.tb.Fatalf("gatewaytest: %s %s: %v", method, target, err)
	}
	return resp, Body(s.tb, resp)
}

// Body reads and closes a response body, failing the test on error.
func Body(tb testing.TB, r *http.Response) string {
	tb.Helper()
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		tb.Fatalf("gatewaytest: reading body: %v", err)
	}
	return string(b)
}
