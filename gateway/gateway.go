package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/local"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// Kind is the kind of API.
type Kind uint8

const (
	// HTTPAPI is an API Gateway HTTP API (v2).
	HTTPAPI Kind = iota
	// REST is an API Gateway REST API (v1).
	REST
)

// API describes an API Gateway API: its kind, stages, routes and their
// integrations, and settings. It is configuration data; [New] checks it and
// builds a [Gateway].
type API struct {
	// Kind is HTTPAPI (the zero value) or REST.
	Kind Kind
	// ID, AccountID and Region appear in events; empty means "abcdef1234",
	// "123456789012" and "us-east-1".
	ID        string
	AccountID string
	Region    string
	// Stages are the deployed stages. None means the "$default" stage for
	// an HTTP API (served at the root) and a "prod" stage for a REST API.
	// HTTP APIs serve a named stage under /NAME/ and $default at the root;
	// REST APIs serve every stage under /NAME/.
	Stages []Stage
	// Routes are the routes (HTTP APIs: route keys such as
	// "GET /pets/{id}" or "$default") or methods on resources (REST:
	// "GET /pets/{id}", "ANY /{proxy+}"), each with its integration.
	Routes []Route
	// CORS is an HTTP API's CORS configuration; nil means none.
	CORS *cors.Config
	// BinaryMediaTypes are a REST API's binary media types.
	BinaryMediaTypes []string
	// Timeout is the integration timeout: 50 ms to 29 s for REST (default
	// 29 s), 50 ms to 30 s for HTTP APIs (default 30 s).
	Timeout time.Duration
	// Logger receives one structured access line per request; nil means
	// no access log.
	Logger *slog.Logger
}

// Stage is a deployed stage.
type Stage struct {
	Name      string
	Variables map[string]string
}

// Route is one route (HTTP API) or method (REST) and its integration.
type Route struct {
	Key         string
	Integration Integration
}

// An Integration is what a route calls: [Proxy] (a Lambda proxy
// integration, in-process or through the Lambda Invoke API) or [Direct] (a
// handler that answers the method request itself, such as a mapping
// pipeline for a Lambda custom integration or a MOCK).
type Integration interface{ integration() }

// A Function is a Lambda function at the bytes level: event JSON in,
// output JSON out; an error is a function error. lambdagate's Adapter, any
// aws-lambda-go lambda.Handler and [Remote] are Functions.
type Function interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// Proxy is a Lambda proxy integration: the gateway sends the function the
// event the source would send, with the route's key, resource and path
// parameters, and turns the function's output into the response as API
// Gateway does.
type Proxy struct {
	// Function is the function. Use [Handler] for an in-process
	// lambdagate Handler, which then runs through the same bytes path as
	// in Lambda.
	Function Function
	// PayloadVersion is an HTTP API integration's payload format, "2.0"
	// (the default) or "1.0". REST APIs always send 1.0.
	PayloadVersion string
}

func (Proxy) integration() {}

// Direct is an integration whose handler receives the method request as an
// event.Request (REST shape for REST APIs) and returns the method
// response: a mapping.Pipeline for a Lambda custom integration or a MOCK.
type Direct struct {
	Handler lambdagate.Handler
}

func (Direct) integration() {}

// Handler returns the Function that runs h in process through the bytes
// path a deployed function runs (lambdagate.Adapter).
func Handler(h lambdagate.Handler) Function { return lambdagate.NewAdapter(h) }

// Gateway is an http.Handler that behaves as API Gateway in front of the
// API's integrations. It is safe for concurrent use.
type Gateway struct {
	api     API
	src     event.Source
	stages  map[string]Stage
	def     *Stage // the HTTP API $default stage, if any
	router  *route.Router
	cors    *cors.CORS
	timeout time.Duration
	logger  *slog.Logger
}

// New checks api and returns its Gateway. Every problem is reported: a
// malformed or conflicting route key (with route's message), a missing
// integration, an invalid CORS configuration, a timeout out of range.
func New(api API) (*Gateway, error) {
	g := &Gateway{api: api, stages: map[string]Stage{}, logger: api.Logger}
	var errs []error
	rc := route.Config{API: route.HTTP}
	g.src = event.HTTPAPI
	maxTimeout := 30 * time.Second
	if api.Kind == REST {
		rc.API = route.REST
		g.src = event.REST
		maxTimeout = 29 * time.Second
	}
	g.timeout = api.Timeout
	if g.timeout == 0 {
		g.timeout = maxTimeout
	}
	if g.timeout < 50*time.Millisecond || g.timeout > maxTimeout {
		errs = append(errs, fmt.Errorf("gateway: timeout %v outside 50ms..%v", api.Timeout, maxTimeout))
	}
	stages := api.Stages
	if len(stages) == 0 {
		if api.Kind == REST {
			stages = []Stage{{Name: "prod"}}
		} else {
			stages = []Stage{{Name: "$default"}}
		}
	}
	for _, s := range stages {
		switch {
		case s.Name == "":
			errs = append(errs, errors.New("gateway: stage with an empty name"))
		case s.Name == "$default" && api.Kind == REST:
			errs = append(errs, errors.New(`gateway: REST APIs have no "$default" stage`))
		case strings.ContainsAny(s.Name, "/?#%"):
			errs = append(errs, fmt.Errorf("gateway: invalid stage name %q", s.Name))
		}
		if _, dup := g.stages[s.Name]; dup {
			errs = append(errs, fmt.Errorf("gateway: duplicate stage %q", s.Name))
		}
		g.stages[s.Name] = s
		if s.Name == "$default" {
			st := s
			g.def = &st
		}
	}
	g.router = route.New(rc)
	for _, rt := range api.Routes {
		h, err := g.integrationHandler(rt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := g.router.Register(rt.Key, h); err != nil {
			errs = append(errs, err)
		}
	}
	if api.CORS != nil {
		if api.Kind == REST {
			errs = append(errs, errors.New("gateway: REST APIs have no built-in CORS; add OPTIONS methods (cors.REST) instead"))
		} else if c, err := cors.New(*api.CORS); err != nil {
			errs = append(errs, err)
		} else {
			g.cors = c
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return g, nil
}

// MustNew is like New but panics on error, for tests and programs whose
// API is fixed.
func MustNew(api API) *Gateway {
	g, err := New(api)
	if err != nil {
		panic(err)
	}
	return g
}

// integrationHandler returns the route handler that runs the route's
// integration.
func (g *Gateway) integrationHandler(rt Route) (lambdagate.Handler, error) {
	switch in := rt.Integration.(type) {
	case Proxy:
		if in.Function == nil {
			return nil, fmt.Errorf("gateway: route %q: proxy integration without a function", rt.Key)
		}
		v := in.PayloadVersion
		if g.api.Kind == REST {
			if v != "" && v != "1.0" {
				return nil, fmt.Errorf("gateway: route %q: REST APIs send payload 1.0, not %q", rt.Key, v)
			}
			v = ""
		} else if v == "" {
			v = "2.0"
		} else if v != "1.0" && v != "2.0" {
			return nil, fmt.Errorf("gateway: route %q: payload version %q is not 1.0 or 2.0", rt.Key, v)
		}
		return proxyHandler{g: g, fn: in.Function, version: v}, nil
	case *Proxy:
		if in == nil {
			break
		}
		return g.integrationHandler(Route{Key: rt.Key, Integration: *in})
	case Direct:
		if in.Handler == nil {
			return nil, fmt.Errorf("gateway: route %q: direct integration without a handler", rt.Key)
		}
		return directHandler{g: g, h: in.Handler}, nil
	case *Direct:
		if in == nil {
			break
		}
		return g.integrationHandler(Route{Key: rt.Key, Integration: *in})
	}
	return nil, fmt.Errorf("gateway: route %q has no integration", rt.Key)
}

// call carries one client request through the gateway.
type call struct {
	hr        *http.Request
	w         http.ResponseWriter
	guard     local.Guard
	body      []byte
	stage     Stage
	path      string // after the stage, escaped as sent (REST) or decoded (HTTP API)
	escaped   string // after the stage, as sent
	requestID string
	routeKey  string
	latency   time.Duration // integration latency
	fromGW    bool          // the gateway answered (error or preflight), not an integration
}

type callKey struct{}

// ServeHTTP answers one client request as API Gateway would.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	start := time.Now()
	c := &call{hr: hr, w: w}
	resp := g.serve(c)
	if g.cors != nil && !c.fromGW {
		resp.Header = g.cors.Apply(resp.Header, hr.Method, corsRequestHeader(hr))
	}
	if c.guard.Write(w, hr, g.src, c.requestID, resp, false) {
		g.log(c, c.routeKey, resp.Status(), c.latency, start)
	}
}

// log writes the access line of a request. It reads only the call fields
// set before routing, so a watchdog may call it.
func (g *Gateway) log(c *call, routeKey string, status int, latency time.Duration, start time.Time) {
	if g.logger == nil {
		return
	}
	hr := c.hr
	g.logger.LogAttrs(hr.Context(), slog.LevelInfo, "request",
		slog.String("requestId", c.requestID), slog.String("method", hr.Method),
		slog.String("path", hr.URL.EscapedPath()), slog.String("stage", c.stage.Name),
		slog.String("routeKey", routeKey), slog.Int("status", status),
		slog.Duration("integrationLatency", latency), slog.Duration("latency", time.Since(start)))
}

func (g *Gateway) serve(c *call) *response.Response {
	hr := c.hr
	c.requestID = event.NewRequestID(g.src)
	if !g.selectStage(c) {
		c.fromGW = true
		return local.NotFound(g.src)
	}
	if g.src == event.HTTPAPI {
		p, err := route.DecodeHTTPPath(c.escaped)
		if err != nil {
			c.fromGW = true
			return response.Error(http.StatusBadRequest, "Bad Request")
		}
		c.path = p
	} else {
		c.path = c.escaped
	}
	var body []byte
	if hr.Body != nil && hr.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(io.LimitReader(hr.Body, quota.GatewayPayload+1)); err != nil {
			c.fromGW = true
			return response.Error(http.StatusBadRequest, "Bad Request")
		}
	}
	if len(body) > quota.GatewayPayload {
		c.fromGW = true
		return local.TooLarge()
	}
	c.body = body
	// The routing request: what route needs to choose a route.
	req := &event.Request{Source: g.src, Method: hr.Method, Path: c.path, Stage: c.stage.Name}
	if g.src == event.REST {
		if o := hr.Header.Get("X-HTTP-Method-Override"); o != "" {
			req.Header = event.Header{{Name: "X-HTTP-Method-Override", Value: o}}
		}
	}
	if g.cors != nil && cors.IsPreflightHTTP(hr) {
		if _, captured := g.router.Lookup(http.MethodOptions, c.path); !captured {
			c.fromGW = true
			h, status := g.cors.Preflight(nil, corsRequestHeader(hr))
			return &response.Response{StatusCode: status, Header: h}
		}
	}
	ctx := context.WithValue(hr.Context(), callKey{}, c)
	resp, err := g.router.Serve(ctx, req)
	if err != nil || resp == nil {
		c.fromGW = true
		return response.Gateway{Source: g.src}.FunctionError()
	}
	switch {
	case req.RouteKey != "":
		c.routeKey = req.RouteKey
	case req.Resource != "":
		c.routeKey = req.Method + " " + req.Resource
	default:
		c.fromGW = true // no route took it: the router's own 404 or 403
	}
	return resp
}

// corsRequestHeader returns the request headers the CORS stage reads,
// without converting every header of the request.
func corsRequestHeader(hr *http.Request) event.Header {
	return event.Header{
		{Name: "Origin", Value: hr.Header.Get("Origin")},
		{Name: "Access-Control-Request-Method", Value: hr.Header.Get("Access-Control-Request-Method")},
	}
}

// selectStage finds the stage the request names and the path after it.
// HTTP APIs fall back to the $default stage; REST APIs have none.
func (g *Gateway) selectStage(c *call) bool {
	escaped := c.hr.URL.EscapedPath()
	if escaped == "" {
		escaped = "/"
	}
	first, rest := escaped[1:], ""
	if i := strings.IndexByte(first, '/'); i >= 0 {
		first, rest = first[:i], first[i:]
	}
	if name, err := url.PathUnescape(first); err == nil {
		if st, ok := g.stages[name]; ok && name != "$default" {
			c.stage = st
			c.escaped = rest
			if c.escaped == "" {
				c.escaped = "/"
			}
			return true
		}
	}
	if g.def != nil {
		c.stage = *g.def
		c.escaped = escaped
		return true
	}
	return false
}

// builder returns the event builder for a routed request.
func (g *Gateway) builder(c *call, req *event.Request, version string) event.Builder {
	b := event.Builder{
		Source:           g.src,
		Version:          version,
		Stage:            c.stage.Name,
		StageVariables:   c.stage.Variables,
		RouteKey:         req.RouteKey,
		Resource:         req.Resource,
		APIID:            g.api.ID,
		AccountID:        g.api.AccountID,
		Region:           g.api.Region,
		DomainName:       c.hr.Host,
		SourceIP:         remoteHost(c.hr.RemoteAddr),
		BinaryMediaTypes: g.api.BinaryMediaTypes,
	}
	if g.src == event.REST {
		b.RouteKey = ""
	}
	if g.src == event.HTTPAPI && version == "1.0" {
		b.Resource = routePath(req.RouteKey)
	}
	return b
}

// routePath returns the path of a route key ("GET /a/{b}" → "/a/{b}").
func routePath(key string) string {
	if _, p, ok := strings.Cut(key, " "); ok {
		return p
	}
	return key
}

// event builds the event the source sends for the routed request.
func (g *Gateway) event(c *call, req *event.Request, version string) (*event.Request, error) {
	u := *c.hr.URL
	if g.src == event.HTTPAPI && version != "1.0" {
		u.Path, u.RawPath = c.path, ""
	} else {
		dec, err := url.PathUnescape(c.escaped)
		if err != nil {
			dec = c.escaped
		}
		u.Path, u.RawPath = dec, ""
		if u.EscapedPath() != c.escaped {
			u.RawPath = c.escaped
		}
	}
	in := *c.hr // the builder only reads the request
	in.URL = &u
	in.Method = req.Method
	in.Body = http.NoBody
	if len(c.body) > 0 {
		in.Body = io.NopCloser(bytes.NewReader(c.body))
	}
	b := g.builder(c, req, version)
	b.RequestID = c.requestID
	ev, err := b.FromHTTP(&in)
	if err != nil {
		return nil, err
	}
	// The route's parameters, in the route's order; the router reuses its
	// storage, so the event gets a copy.
	ev.PathParameters = append(event.Params(nil), req.PathParameters...)
	return ev, nil
}

// payloadPool holds event payload buffers.
var payloadPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// proxyHandler runs a Lambda proxy integration.
type proxyHandler struct {
	g       *Gateway
	fn      Function
	version string
}

func (p proxyHandler) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	c := ctx.Value(callKey{}).(*call)
	g := p.g
	ev, err := g.event(c, req, p.version)
	if err != nil {
		c.fromGW = true
		return response.Error(http.StatusBadRequest, "Bad Request"), nil
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
	start := time.Now()
	// The function runs on this goroutine; if it has not answered by the
	// deadline, the timeout response goes to the client right away, and
	// whatever the function returns later is dropped.
	routeKey := req.RouteKey
	if routeKey == "" {
		routeKey = req.Method + " " + req.Resource
	}
	out, fnErr, err := local.CallWatched(ctx, g.timeout, p.fn.Invoke, payload, func() {
		timeout := local.TimeoutResponse(g.src)
		if c.guard.Write(c.w, c.hr, g.src, c.requestID, timeout, true) {
			g.log(c, routeKey, timeout.Status(), g.timeout, start)
		}
	})
	c.latency = time.Since(start)
	gw := response.Gateway{Source: g.src, Version: p.version, BinaryMediaTypes: g.api.BinaryMediaTypes, Accept: c.hr.Header.Get("Accept")}
	switch {
	case errors.Is(err, local.ErrTimeout):
		c.fromGW = true
		return local.TimeoutResponse(g.src), nil
	case errors.Is(err, local.ErrRejected):
		c.fromGW = true
		return local.RejectedResponse(g.src), nil
	case err != nil: // the client went away
		c.fromGW = true
		return gw.FunctionError(), nil
	}
	resp, err := gw.Read(out, fnErr)
	if err != nil {
		c.fromGW = true
	}
	return resp, nil
}

// directHandler runs a Direct integration on the REST-shaped event.
type directHandler struct {
	g *Gateway
	h lambdagate.Handler
}

func (d directHandler) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	c := ctx.Value(callKey{}).(*call)
	ev, err := d.g.event(c, req, "")
	if err != nil {
		c.fromGW = true
		return response.Error(http.StatusBadRequest, "Bad Request"), nil
	}
	ictx, cancel := context.WithTimeout(ctx, d.g.timeout)
	defer cancel()
	start := time.Now()
	type result struct {
		resp *response.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- result{nil, fmt.Errorf("gateway: integration panic: %v", v)}
			}
		}()
		r, err := d.h.Serve(ictx, ev)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		c.latency = time.Since(start)
		if res.err != nil || res.resp == nil {
			c.fromGW = true
			return response.Gateway{Source: d.g.src}.FunctionError(), nil
		}
		return res.resp, nil
	case <-ictx.Done():
		c.latency = time.Since(start)
		c.fromGW = true
		return local.TimeoutResponse(d.g.src), nil
	}
}

func remoteHost(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		addr = addr[:i]
	}
	return strings.Trim(addr, "[]")
}
