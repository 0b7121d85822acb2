package gateway

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/internal/trace"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// Gateway is an http.Handler that behaves as the API it was built from in
// front of the API's integrations. It is safe for concurrent use.
type Gateway struct {
	api     API
	kind    event.Source
	stages  map[string]*Stage
	def     *Stage // the HTTP API $default stage, if any
	router  *route.Router
	cors    *cors.CORS
	timeout time.Duration
	limits  Limits
	logger  *slog.Logger
	// bodyTimeout bounds the reading of a request body.
	bodyTimeout time.Duration
	// accessLogs are the stages' access loggers, by stage; accessMu
	// serializes their writes.
	accessLogs map[*Stage]*accessLogger
	accessMu   sync.Mutex
	// apiID, accountID and region are the API's, defaults filled in.
	apiID, accountID, region string
	authz                    authConfig // authorizers, resource policy, API keys, throttles (auth.go)
	// ws is the WebSocket side of a WebSocket API (websocket.go).
	ws *wsAPI
	// responses are a REST API's gateway response customizations
	// (gatewayresponses.go); minCompress is the minimum compression size,
	// -1 for none (compress.go).
	responses   gatewayResponses
	minCompress int
}

// binding is what the router holds for a route: its integration. It is a
// handler.Handler only so that the router can hold it; the gateway calls
// the integration itself (see Gateway.call).
type binding struct {
	integration Integration
	auth        *routeAuth // nil: no authorizer, scopes or API key
	validator   Validator
}

func (*binding) Serve(context.Context, *event.Request) (*response.Response, error) {
	return nil, errors.New("gateway: a route binding is not served directly")
}

// New checks api and returns its Gateway. Every problem is reported: a
// malformed or conflicting route key (with route's message), a missing
// integration, an invalid CORS configuration, a timeout out of range.
func New(api API) (*Gateway, error) {
	kind := api.kind()
	g := &Gateway{api: api, kind: kind, stages: map[string]*Stage{}, logger: api.Logger, timeout: api.Timeout,
		limits: api.Limits.For(kind), bodyTimeout: api.BodyTimeout}
	if g.bodyTimeout == 0 {
		g.bodyTimeout = DefaultBodyTimeout
	}
	errs := api.check()
	if g.timeout == 0 {
		g.timeout = defaultTimeout(kind)
	}
	stages := api.Stages
	if len(stages) == 0 {
		switch kind {
		case event.REST, event.WebSocket:
			stages = []Stage{{Name: "prod"}}
		case event.HTTPAPI:
			stages = []Stage{{Name: "$default"}}
		}
	}
	g.apiID = cmp.Or(api.ID, event.DefaultAPIID)
	g.accountID = cmp.Or(api.AccountID, event.DefaultAccountID)
	g.region = cmp.Or(api.Region, event.DefaultRegion)
	g.accessLogs = map[*Stage]*accessLogger{}
	for i := range stages {
		st := &stages[i]
		g.stages[st.Name] = st
		if st.Name == "$default" {
			g.def = st
		}
		l, err := newAccessLogger(kind, st.AccessLog, &g.accessMu)
		if err != nil {
			errs = append(errs, fmt.Errorf("gateway: stage %q: %w", st.Name, err))
		} else if l != nil {
			g.accessLogs[st] = l
		}
	}
	g.router = route.New(route.Config{Source: kind, IgnoreTrailingSlash: api.IgnoreTrailingSlash})
	errs = append(errs, g.compileAuth(&api)...)
	single := kind != event.HTTPAPI && kind != event.REST && kind != event.WebSocket
	if kind == event.WebSocket {
		var wsErrs []error
		g.ws, wsErrs = newWebSocket(g, api)
		errs = append(errs, wsErrs...)
	}
	for _, rt := range api.Routes {
		in, err := g.checkRoute(&api, stages, rt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if rt.TwoWay && kind != event.WebSocket {
			errs = append(errs, fmt.Errorf("gateway: route %q: only WebSocket routes are two-way", rt.Key))
			continue
		}
		ra, err := g.routeAuth(&api, rt, payloadVersion(in))
		if err != nil {
			errs = append(errs, err)
		}
		if single && rt.Key != "$default" {
			errs = append(errs, fmt.Errorf("gateway: route %q: a %v API has one route, \"$default\"", rt.Key, kind))
			continue
		}
		if rt.Validator != nil && kind != event.REST {
			errs = append(errs, fmt.Errorf("gateway: route %q: request validators are a REST API setting", rt.Key))
		}
		if g.ws != nil {
			err = g.ws.register(rt, in, ra)
		} else {
			err = g.router.Register(rt.Key, &binding{integration: in, auth: ra, validator: rt.Validator})
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if single && len(api.Routes) != 1 {
		errs = append(errs, fmt.Errorf("gateway: a %v API has exactly one route, \"$default\", not %d", kind, len(api.Routes)))
	}
	if api.CORS != nil && kind == event.HTTPAPI {
		if c, err := cors.New(*api.CORS); err != nil {
			errs = append(errs, err)
		} else {
			g.cors = c
		}
	}
	g.minCompress = -1
	if m := api.MinimumCompressionSize; m != nil {
		g.minCompress = *m
	}
	responses, err := compileGatewayResponses(kind, api.GatewayResponses)
	errs = append(errs, err)
	g.responses = responses
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

// Kind returns the kind of API the gateway emulates.
func (g *Gateway) Kind() event.Source { return g.kind }

// BaseURL returns the path prefix under which the gateway serves its
// first stage: "/NAME" for a REST API or an HTTP API without a $default
// stage, "" otherwise. Programs print it after the listen address.
func (g *Gateway) BaseURL() string {
	if g.def != nil || len(g.stages) == 0 {
		return ""
	}
	if len(g.api.Stages) > 0 {
		return "/" + g.api.Stages[0].Name
	}
	for name := range g.stages {
		return "/" + name
	}
	return ""
}

// exchange is one client request on its way through the gateway: what
// each step found, passed explicitly from step to step.
type exchange struct {
	w         http.ResponseWriter
	hr        *http.Request
	start     time.Time
	requestID string
	stage     *Stage // nil for kinds without stages
	escaped   string // the path after the stage, as sent
	path      string // the path routing sees: decoded for HTTP APIs
	body      []byte
	binding   *binding
	method    string        // the method routed on: X-HTTP-Method-Override's, for REST
	params    event.Params  // the route's path parameters, in route order
	resource  string        // the REST resource of the route
	routeKey  string        // for the access log
	callStart time.Time     // when the integration started; zero if none did
	extended  string        // REST: the extended request id, x-amz-apigw-id
	trace     trace.Header  // the trace the gateway passes on
	rec       accessRecord  // what the access log says of the request
	auth      authState     // what the authorization step found (auth.go)
	gwError   *GatewayError // the typed own answer, when a step knows its type
	ws        *wsConn       // the WebSocket connection whose handshake this is (websocket.go)
}

// ServeHTTP answers one client request as the API would.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	if g.ws != nil {
		g.ws.serveHTTP(w, hr)
		return
	}
	x := g.newExchange(hr, time.Now(), "")
	x.w = w
	resp, own := g.serve(x)
	if g.cors != nil && !own {
		resp.Header = g.cors.Apply(resp.Header, hr.Method, corsRequestHeader(hr))
	}
	if own && g.responses != nil {
		resp = g.customize(x, resp, x.gwError)
	}
	if !own && g.minCompress >= 0 {
		resp = g.compress(x, resp)
	}
	g.write(x, resp, own)
}

// newExchange starts the exchange of hr, received at t, with the request
// id id (empty means a fresh one): its ids, its trace and what the access
// log knows of it so far.
//
// A given id fixes every id of the event, for fixtures: the extended id
// and the trace then derive from it, as event.Builder derives them.
func (g *Gateway) newExchange(hr *http.Request, t time.Time, id string) *exchange {
	fixed := id != ""
	if !fixed {
		id = event.NewRequestID(g.kind)
	}
	x := &exchange{hr: hr, start: t, requestID: id}
	if g.kind == event.REST && !fixed {
		x.extended = event.NewRequestID(event.HTTPAPI) // the same shape
	}
	r := &x.rec
	r.RequestID, r.ExtendedRequestID, r.Start = id, x.extended, t
	r.SourceIP, r.UserAgent, r.Method = remoteHost(hr.RemoteAddr), hr.Header.Get("User-Agent"), hr.Method
	r.Protocol = "HTTP/1.1"
	if hr.ProtoMajor == 2 {
		r.Protocol = "HTTP/2.0"
	}
	r.DomainName, r.APIID, r.AccountID = g.domainName(hr), g.apiID, g.accountID
	if !fixed || hr.Header.Get(trace.HeaderName) != "" {
		g.startTrace(x)
	}
	return x
}

// startTrace sets the trace the gateway passes on for x, once its stage
// is known: a load balancer adds its Self; API Gateway keeps a client's
// trace, or makes one, and samples it on a REST stage with tracing.
func (g *Gateway) startTrace(x *exchange) {
	h := x.hr.Header.Get(trace.HeaderName)
	switch {
	case g.kind == event.ALB || g.kind == event.ALBMultiValue:
		x.trace = trace.FromLoadBalancer(h, x.start)
	case x.stage != nil && x.stage.Tracing:
		x.trace = trace.FromRequest(h, x.start, trace.Active, true)
		x.rec.XRayTraceID = x.trace.Root()
	default:
		x.trace = trace.FromRequest(h, x.start, trace.Passive, false)
	}
}

// serve runs the steps of a request and returns the response, and whether
// it is the gateway's own (an error or a preflight answer), which gets no
// CORS headers.
func (g *Gateway) serve(x *exchange) (*response.Response, bool) {
	if resp := g.checkHeader(x.hr); resp != nil {
		return resp, true
	}
	if resp := g.locate(x); resp != nil {
		return resp, true
	}
	if g.cors != nil && cors.IsPreflightHTTP(x.hr) {
		if _, captured := g.router.Lookup(http.MethodOptions, x.path); !captured {
			h, status := g.cors.Preflight(nil, corsRequestHeader(x.hr))
			return &response.Response{StatusCode: status, Header: h}, true
		}
	}
	if resp := g.match(x); resp != nil {
		return resp, true
	}
	if resp := g.readBody(x); resp != nil {
		return resp, true
	}
	if resp := g.authorize(x); resp != nil {
		return resp, true
	}
	if resp := g.validate(x); resp != nil {
		return resp, true
	}
	return g.call(x)
}

// route selects the stage, decodes the path and finds the route of x,
// recording them in x. It returns the gateway's answer when one of these
// steps fails, and nil otherwise.
func (g *Gateway) route(x *exchange) *response.Response {
	if resp := g.locate(x); resp != nil {
		return resp
	}
	return g.match(x)
}

// locate selects the stage of x and decodes the path after it.
func (g *Gateway) locate(x *exchange) *response.Response {
	escaped := x.hr.URL.EscapedPath()
	if escaped == "" {
		escaped = "/"
	}
	st, rest, ok := g.selectStage(escaped)
	if !ok {
		return response.NotFound(g.kind)
	}
	x.stage, x.escaped, x.path = st, rest, rest
	if st != nil {
		x.rec.Stage = st.Name
	}
	x.rec.Path = escaped
	if st != nil && st.Tracing {
		g.startTrace(x)
	}
	if g.kind == event.HTTPAPI {
		p, err := route.DecodeHTTPPath(rest)
		if err != nil {
			return badRequest()
		}
		x.path = p
		x.rec.Path = p
		if st != nil && st.Name != "$default" {
			x.rec.Path = "/" + st.Name + p
		}
	}
	return nil
}

// match finds the route of x.
func (g *Gateway) match(x *exchange) *response.Response {
	// What the router needs of the request: method, path, and for REST
	// APIs the X-HTTP-Method-Override header.
	req := event.Request{Source: g.kind, Method: x.hr.Method, Path: x.path}
	if g.kind == event.REST {
		if o := x.hr.Header.Get("X-HTTP-Method-Override"); o != "" {
			req.Header = event.Header{{Name: "X-HTTP-Method-Override", Value: o}}
		}
	}
	h, ok := g.router.Match(&req)
	if !ok {
		return response.NotFound(g.kind)
	}
	x.binding = h.(*binding)
	x.method, x.params, x.resource = req.Method, req.PathParameters, req.Resource
	// The route key in API Gateway's spelling ({id}, not <id>); for REST
	// APIs, the method (after any override) and the resource.
	x.routeKey = req.RouteKey
	x.rec.Method, x.rec.RouteKey, x.rec.ResourcePath = req.Method, req.RouteKey, req.Resource
	if g.kind == event.REST {
		x.routeKey = req.Method + " " + req.Resource
	}
	return nil
}

// selectStage finds the stage the escaped path names and the path after
// it. HTTP APIs fall back to the $default stage; REST APIs have none;
// other kinds have no stages and keep the whole path.
func (g *Gateway) selectStage(escaped string) (st *Stage, rest string, ok bool) {
	if g.kind != event.HTTPAPI && g.kind != event.REST {
		return nil, escaped, true
	}
	first, rest := escaped[1:], ""
	if i := strings.IndexByte(first, '/'); i >= 0 {
		first, rest = first[:i], first[i:]
	}
	if name, err := url.PathUnescape(first); err == nil && name != "$default" {
		if st, ok := g.stages[name]; ok {
			if rest == "" {
				rest = "/"
			}
			return st, rest, true
		}
	}
	if g.def != nil {
		return g.def, escaped, true
	}
	return nil, "", false
}

// readBody reads the request body into x, refusing one over API Gateway's
// payload quota.
//
// A Content-Length over the quota is refused before any of the body is
// read (so a client that sent Expect: 100-continue never gets 100
// Continue). The body must arrive within the body timeout, when the
// server supports read deadlines, so a client trickling a body cannot
// hold the connection.
func (g *Gateway) readBody(x *exchange) *response.Response {
	if x.hr.Body == nil || x.hr.Body == http.NoBody {
		return nil
	}
	if x.hr.ContentLength > int64(g.limits.Body) {
		return tooLarge(g.kind)
	}
	rc := http.NewResponseController(x.w)
	deadline := g.bodyTimeout > 0 && rc.SetReadDeadline(time.Now().Add(g.bodyTimeout)) == nil
	body, err := io.ReadAll(io.LimitReader(x.hr.Body, int64(g.limits.Body)+1))
	if err != nil {
		// The deadline stays, so that net/http, which reads what is left
		// of a body before it answers, gives up at once and closes the
		// connection after the answer.
		x.w.Header().Set("Connection", "close")
		return badRequest()
	}
	if deadline {
		rc.SetReadDeadline(time.Time{})
	}
	if len(body) > g.limits.Body {
		return tooLarge(g.kind)
	}
	x.body = body
	return nil
}

// corsRequestHeader returns the request headers the CORS stage reads,
// without converting every header of the request.
func corsRequestHeader(hr *http.Request) event.Header {
	return event.Header{
		{Name: "Origin", Value: hr.Header.Get("Origin")},
		{Name: "Access-Control-Request-Method", Value: hr.Header.Get("Access-Control-Request-Method")},
	}
}

// event builds the event the API sends the route's integration for x:
// payload version v for HTTP APIs, the REST shape for Direct integrations.
func (g *Gateway) event(x *exchange, v event.PayloadVersion) (*event.Request, error) {
	u := *x.hr.URL
	if g.kind == event.HTTPAPI && v != event.PayloadV1 {
		u.Path, u.RawPath = x.path, ""
	} else {
		dec, err := url.PathUnescape(x.escaped)
		if err != nil {
			dec = x.escaped
		}
		u.Path, u.RawPath = dec, ""
		if u.EscapedPath() != x.escaped {
			u.RawPath = x.escaped
		}
	}
	in := *x.hr // the builder only reads the request
	in.URL = &u
	in.Method = x.method
	in.Body = http.NoBody
	if len(x.body) > 0 {
		in.Body = io.NopCloser(bytes.NewReader(x.body))
	}
	b := event.Builder{
		Source:            g.kind,
		Version:           v,
		APIID:             g.apiID,
		AccountID:         g.accountID,
		Region:            g.region,
		DomainName:        g.domainName(x.hr),
		SourceIP:          remoteHost(x.hr.RemoteAddr),
		BinaryMediaTypes:  g.api.BinaryMediaTypes,
		RequestID:         x.requestID,
		ExtendedRequestID: x.extended,
		Trace:             x.trace.String(),
		Time:              x.start,
	}
	if x.stage != nil {
		b.Stage, b.StageVariables = x.stage.Name, x.stage.Variables
	}
	switch g.kind {
	case event.REST:
		b.Resource = x.resource
	case event.HTTPAPI:
		b.RouteKey = x.routeKey
		if v == event.PayloadV1 {
			b.Resource = routePath(x.routeKey)
		}
	}
	ev, err := b.FromHTTP(&in)
	if err != nil {
		return nil, err
	}
	if err := checkUTF8(ev); err != nil {
		return nil, err
	}
	// The route's parameters, in the route's order; the router reuses its
	// storage, so the event gets a copy.
	ev.PathParameters = append(event.Params(nil), x.params...)
	g.applyGrant(x, ev)
	return ev, nil
}

// checkUTF8 refuses an event whose path, query or headers hold bytes that
// are not UTF-8 once decoded: an event is JSON, which would carry them
// replaced by U+FFFD, so that distinct requests would look the same to the
// function. The gateway answers 400 instead (a decision: AWS's behaviour
// is unrecorded; docs/evidence/gateway.md#invalid-utf-8).
func checkUTF8(ev *event.Request) error {
	bad := func(what, s string) error {
		if utf8.ValidString(s) {
			return nil
		}
		return fmt.Errorf("gateway: %s %q is not valid UTF-8", what, s)
	}
	if err := bad("path", ev.Path); err != nil {
		return err
	}
	for _, f := range ev.Query {
		if err := errors.Join(bad("query parameter", f.Name), bad("query parameter value", f.Value)); err != nil {
			return err
		}
	}
	for _, f := range ev.Header {
		if err := bad("header value", f.Value); err != nil {
			return err
		}
	}
	return nil
}

// domainName returns the domain the API is served on for hr: the
// configured one, or the address of the local server's listener.
func (g *Gateway) domainName(hr *http.Request) string {
	if g.api.DomainName != "" {
		return g.api.DomainName
	}
	if a, ok := hr.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return a.String()
	}
	return ""
}

// routePath returns the path of a route key ("GET /a/{b}" → "/a/{b}").
func routePath(key string) string {
	if _, p, ok := strings.Cut(key, " "); ok {
		return p
	}
	return key
}

func remoteHost(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		addr = addr[:i]
	}
	return strings.Trim(addr, "[]")
}

// A Match is the route a request takes, as [Gateway.Match] reports it.
type Match struct {
	// Stage is the stage the request names ("" for kinds without stages).
	Stage string
	// RouteKey is the route key as registered: "GET /pets/{id}",
	// "$default"; for REST APIs, the method and resource.
	RouteKey string
	// PathParameters are the route's parameters, in route order.
	PathParameters event.Params
}

// Match returns the route that takes hr, choosing the stage and the route
// as ServeHTTP does, without reading the body or calling an integration;
// when no route takes hr, it returns the response the gateway sends
// instead (a 403 or 404, or a 400 for a path an HTTP API cannot decode).
func (g *Gateway) Match(hr *http.Request) (Match, *response.Response) {
	x := g.newExchange(hr, time.Now(), "")
	if resp := g.route(x); resp != nil {
		return Match{}, resp
	}
	m := Match{RouteKey: x.routeKey, PathParameters: x.params}
	if x.stage != nil {
		m.Stage = x.stage.Name
	}
	return m, nil
}

// Event returns the event the gateway would send the integration of the
// route that takes hr, or an error naming why no route takes it. It reads
// hr's body.
func (g *Gateway) Event(hr *http.Request) (*event.Request, error) {
	return g.EventAt(hr, time.Now(), "")
}

// EventAt is [Gateway.Event] for a request received at t, with the
// request id id (empty means a fresh one): the same request, time and id
// give byte-identical events, for fixtures. The command line tool prints
// events with it.
func (g *Gateway) EventAt(hr *http.Request, t time.Time, id string) (*event.Request, error) {
	x, err := g.routed(hr, t, id)
	if err != nil {
		return nil, err
	}
	v := event.PayloadDefault
	if p, ok := x.binding.integration.(Proxy); ok {
		v = p.PayloadVersion
	}
	return g.event(x, v)
}

var _ handler.Handler = (*binding)(nil)
