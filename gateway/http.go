package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/response"
)

// HTTP is an HTTP proxy integration: the gateway passes the client's
// request on to an HTTP backend over the network and the backend's
// response back to the client, as a REST API's HTTP_PROXY integration
// and an HTTP API's HTTP_PROXY integration do (connection type INTERNET;
// docs/evidence/openapi.md#http-proxy-integrations).
//
// The request keeps its method (unless Method says otherwise), query
// string, headers (less the hop-by-hop ones and Host) and body; the path
// is the URI's, with {name} parts filled. The response keeps its status,
// headers (less the hop-by-hop ones) and body; a backend that cannot be
// reached is a 500 as a rejected invoke is, and one that does not answer
// in time is the API's timeout answer.
type HTTP struct {
	// URI is the backend's absolute http or https URL. Its path may hold
	// {name} parts: for REST APIs each is filled from an
	// "integration.request.path.name" request parameter; for HTTP APIs
	// from the route's path variable of that name ({proxy} for a greedy
	// {proxy+}). A URI with ${stageVariables.name} goes in a [StageURI].
	URI string
	// Method is the integration request's method; empty or "ANY" keeps
	// the client's.
	Method string
	// RequestParameters maps the request to the backend. REST APIs write
	// "integration.request.{path|querystring|header}.NAME" to a source:
	// "method.request.{path|querystring|header}.NAME",
	// "method.request.multivalue{querystring|header}.NAME",
	// "stageVariables.NAME", "context.NAME" or a 'quoted literal'. HTTP
	// APIs write parameter mappings, such as "overwrite:header.x" to
	// "$request.querystring.y" (see the package's parameter mapping
	// rules).
	RequestParameters map[string]string
	// ResponseParameters are an HTTP API's response mappings by the
	// backend's status code ("404" to {"overwrite:statuscode": "200"}).
	ResponseParameters map[string]map[string]string
	// Timeout is the integration's own timeout (timeoutInMillis); zero
	// means the API's.
	Timeout time.Duration
	// Client sends the requests; nil means a client that does not follow
	// redirects, as API Gateway passes a redirect on to the client.
	Client *http.Client
}

func (HTTP) integration() {}

// defaultHTTPClient sends HTTP integration requests: redirects reach the
// client, as API Gateway passes them on.
var defaultHTTPClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// httpIntegration is a compiled HTTP integration.
type httpIntegration struct {
	base    *url.URL // scheme, host and the URI's own query
	path    string   // the URI's path, with {name} parts
	vars    []string // the {name} parts of path
	method  string
	rest    []restParam // REST request parameters
	req     []mapOp     // HTTP API request mappings
	resp    map[int][]mapOp
	timeout time.Duration
	client  *http.Client
}

func (*httpIntegration) integration() {}

// restParam is one REST integration request parameter.
type restParam struct {
	loc, name string // header, querystring or path; the parameter
	src       string // the source expression
}

// compileHTTP checks and compiles in for a route of an API of kind.
func compileHTTP(kind event.Source, routeKey string, in HTTP) (*httpIntegration, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("gateway: route %q: HTTP integration: "+format, append([]any{routeKey}, args...)...)
	}
	if kind != event.REST && kind != event.HTTPAPI {
		return nil, fail("%v APIs have no HTTP integrations", kind)
	}
	if strings.Contains(in.URI, "${") {
		return nil, fail("URI %q uses stage variables: put the integration in a gateway.StageURI", in.URI)
	}
	u, err := url.Parse(in.URI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fail("URI %q is not an absolute http or https URL", in.URI)
	}
	h := &httpIntegration{base: u, path: u.EscapedPath(), method: strings.ToUpper(in.Method), timeout: in.Timeout, client: in.Client}
	// {name} parts are kept as written: EscapedPath escapes braces.
	if p, _, ok := strings.Cut(strings.TrimPrefix(in.URI, u.Scheme+"://"+u.Host), "?"); ok || p != "" {
		h.path = p
	}
	if h.path == "" {
		h.path = "/"
	}
	if h.method == "ANY" {
		h.method = ""
	}
	if h.client == nil {
		h.client = defaultHTTPClient
	}
	if max := defaultTimeout(kind); in.Timeout != 0 && (in.Timeout < 50*time.Millisecond || in.Timeout > max) {
		return nil, fail("timeout %v outside 50ms..%v", in.Timeout, max)
	}
	for rest := h.path; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fail("URI %q has an unclosed {", in.URI)
		}
		h.vars = append(h.vars, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
	var errs []error
	if kind == event.REST {
		if len(in.ResponseParameters) > 0 {
			errs = append(errs, fail("REST proxy integrations have no response parameters"))
		}
		mapped := map[string]bool{}
		for _, k := range slices.Sorted(maps.Keys(in.RequestParameters)) {
			rest, ok := strings.CutPrefix(k, "integration.request.")
			loc, name, ok2 := strings.Cut(rest, ".")
			if !ok || !ok2 || name == "" || (loc != "header" && loc != "querystring" && loc != "path") {
				errs = append(errs, fail("invalid request parameter %q (want integration.request.{header|querystring|path}.NAME)", k))
				continue
			}
			src := in.RequestParameters[k]
			if !validRESTSource(src) {
				errs = append(errs, fail("%q: invalid source %q", k, src))
				continue
			}
			if loc == "path" {
				mapped[name] = true
			}
			h.rest = append(h.rest, restParam{loc, name, src})
		}
		for _, v := range h.vars {
			if !mapped[v] {
				errs = append(errs, fail("URI path parameter {%s} has no integration.request.path.%s request parameter", v, v))
			}
		}
	} else {
		ops, err := compileMappings(in.RequestParameters, false)
		if err != nil {
			errs = append(errs, fmt.Errorf("gateway: route %q: %w", routeKey, err))
		}
		h.req = ops
		vars := routeVars(routeKey)
		for _, v := range h.vars {
			if !slices.Contains(vars, v) {
				errs = append(errs, fail("URI path variable {%s} is not a variable of the route", v))
			}
		}
		for _, code := range slices.Sorted(maps.Keys(in.ResponseParameters)) {
			status, err := strconv.Atoi(code)
			if err != nil || status < 100 || status > 599 {
				errs = append(errs, fail("response parameters for %q: want a status code", code))
				continue
			}
			ops, err := compileMappings(in.ResponseParameters[code], true)
			if err != nil {
				errs = append(errs, fmt.Errorf("gateway: route %q: %w", routeKey, err))
			}
			if h.resp == nil {
				h.resp = map[int][]mapOp{}
			}
			h.resp[status] = ops
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return h, nil
}

// validRESTSource reports whether s is a REST request parameter source.
func validRESTSource(s string) bool {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return true
	}
	for _, p := range []string{"method.request.path.", "method.request.querystring.", "method.request.header.",
		"method.request.multivaluequerystring.", "method.request.multivalueheader.", "stageVariables.", "context."} {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" {
			if p == "context." {
				_, ok := contextValue(strings.Split(rest, "."), mapContext{})
				return ok
			}
			return true
		}
	}
	return false
}

// routeVars returns the path variables of a route key, without "+".
func routeVars(key string) []string {
	var vars []string
	for _, seg := range strings.Split(routePath(key), "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			vars = append(vars, strings.TrimSuffix(seg[1:len(seg)-1], "+"))
		}
	}
	return vars
}

// hopByHop are the headers that concern one connection and do not pass
// through a proxy (RFC 9110, section 7.6.1).
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Authenticate", "Proxy-Authorization"}

// mapContext returns what parameter mappings and REST sources read for x.
func (g *Gateway) mapContext(x *exchange) *mapContext {
	c := &mapContext{
		header: x.hr.Header, query: x.hr.URL.Query(), params: map[string]string{}, body: x.body,
		requestID: x.requestID, apiID: g.api.ID, accountID: g.api.AccountID, routeKey: x.routeKey,
		method: x.method, domainName: g.domainName(x.hr), sourceIP: remoteHost(x.hr.RemoteAddr),
		userAgent: x.hr.UserAgent(), epoch: x.start.UnixMilli(), path: x.path, resource: x.resource,
	}
	for _, p := range x.params {
		c.params[p.Name] = p.Value
	}
	if x.stage != nil {
		c.stage, c.stageVars = x.stage.Name, x.stage.Variables
	}
	if c.apiID == "" {
		c.apiID = "abcdef1234"
	}
	return c
}

// restSourceValue returns the value of a REST request parameter source.
func restSourceValue(src string, c *mapContext) (string, bool) {
	if len(src) >= 2 && src[0] == '\'' {
		return src[1 : len(src)-1], true
	}
	loc, name, _ := strings.Cut(strings.TrimPrefix(src, "method.request."), ".")
	switch {
	case strings.HasPrefix(src, "stageVariables."):
		v, ok := c.stageVars[strings.TrimPrefix(src, "stageVariables.")]
		return v, ok
	case strings.HasPrefix(src, "context."):
		return contextValue(strings.Split(strings.TrimPrefix(src, "context."), "."), *c)
	case loc == "path":
		v, ok := c.params[name]
		return v, ok
	case loc == "querystring", loc == "multivaluequerystring":
		vs := c.query[name]
		if len(vs) == 0 {
			return "", false
		}
		if loc == "querystring" {
			return vs[len(vs)-1], true
		}
		return strings.Join(vs, ","), true
	case loc == "header", loc == "multivalueheader":
		vs := c.header.Values(name)
		if len(vs) == 0 {
			return "", false
		}
		if loc == "header" {
			return vs[len(vs)-1], true
		}
		return strings.Join(vs, ","), true
	}
	return "", false
}

// httpProxy runs an HTTP integration for x.
func (g *Gateway) httpProxy(ctx context.Context, x *exchange, in *httpIntegration) (*response.Response, bool) {
	c := g.mapContext(x)
	header := x.hr.Header.Clone()
	for _, h := range hopByHop {
		header.Del(h)
	}
	query := x.hr.URL.Query()
	for k, vs := range in.base.Query() {
		query[k] = append(query[k], vs...)
	}
	pathVals := map[string]string{}
	if g.kind == event.HTTPAPI {
		for k, v := range c.params {
			pathVals[k] = url.PathEscape(v)
			if strings.Contains(v, "/") { // a greedy variable keeps its slashes
				pathVals[k] = escapeSegments(v)
			}
		}
	}
	for _, p := range in.rest {
		v, ok := restSourceValue(p.src, c)
		if !ok {
			continue
		}
		switch p.loc {
		case "header":
			header.Set(p.name, v)
		case "querystring":
			query.Set(p.name, v)
		case "path":
			pathVals[p.name] = v // REST path parameters are kept encoded
		}
	}
	path := in.path
	for _, v := range in.vars {
		path = strings.Replace(path, "{"+v+"}", pathVals[v], 1)
	}
	for _, op := range in.req {
		v := ""
		if op.action != mapRemove {
			var ok bool
			if v, ok = op.value.eval(c); !ok {
				continue
			}
		}
		switch op.loc {
		case "header":
			switch op.action {
			case mapOverwrite:
				header.Set(op.name, v)
			case mapAppend:
				if old := header.Get(op.name); old != "" {
					v = old + "," + v
				}
				header.Set(op.name, v)
			default:
				header.Del(op.name)
			}
		case "querystring":
			switch op.action {
			case mapOverwrite:
				query.Set(op.name, v)
			case mapAppend:
				query.Add(op.name, v)
			default:
				query.Del(op.name)
			}
		case "path":
			path = v
		}
	}
	method := in.method
	if method == "" {
		method = x.method
	}
	u := *in.base
	u.Path, u.RawPath = "", ""
	u.Opaque = "//" + u.Host + path
	u.RawQuery = query.Encode()
	if len(query) == 0 {
		u.RawQuery = ""
	}
	if in.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, in.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(x.body))
	if err != nil {
		return rejectedResponse(g.kind), true
	}
	req.Header = header
	req.Header.Del("Host")
	res, err := in.client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return timeoutResponse(g.kind), true
		}
		// The backend could not be reached: API Gateway answers 500
		// (docs/evidence/openapi.md#http-proxy-integrations).
		return rejectedResponse(g.kind), true
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, quota.GatewayPayload+1))
	if err != nil || len(body) > quota.GatewayPayload {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return timeoutResponse(g.kind), true
		}
		return response.FunctionError(g.kind), true
	}
	resp := &response.Response{StatusCode: res.StatusCode, Body: body}
	for _, h := range hopByHop {
		res.Header.Del(h)
	}
	if ops, ok := in.resp[res.StatusCode]; ok {
		g.mapResponse(resp, res.Header, ops, c)
	}
	for _, k := range slices.Sorted(maps.Keys(res.Header)) {
		if k == "Content-Length" {
			continue
		}
		for _, v := range res.Header[k] {
			resp.Header.Add(k, v)
		}
	}
	return resp, false
}

// mapResponse applies HTTP API response mappings to a backend response
// whose headers are h (changed in place).
func (g *Gateway) mapResponse(resp *response.Response, h http.Header, ops []mapOp, c *mapContext) {
	rc := *c
	rc.header, rc.body = h.Clone(), resp.Body
	for _, op := range ops {
		v := ""
		if op.action != mapRemove {
			var ok bool
			if v, ok = op.value.eval(&rc); !ok {
				continue
			}
		}
		switch {
		case op.loc == "statuscode":
			if s, err := strconv.Atoi(v); err == nil && s >= 100 && s <= 599 {
				resp.StatusCode = s
			}
		case op.action == mapOverwrite:
			h.Set(op.name, v)
		case op.action == mapAppend:
			h.Add(op.name, v)
		default:
			h.Del(op.name)
		}
	}
}

// escapeSegments escapes each segment of a decoded path.
func escapeSegments(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// HTTPBackend is the endpoint of an HTTP custom (non-proxy) integration
// on the network: a mapping.Backend (and a handler.Handler) that sends
// the integration request a mapping pipeline built to URL, whose scheme
// and host (and any base path) come before the request's mapped path, and
// returns the endpoint's response.
type HTTPBackend struct {
	// URL is the endpoint's base, such as "https://petstore.example.com".
	URL string
	// Client sends the requests; nil means one that does not follow
	// redirects.
	Client *http.Client
}

// Serve sends req to the endpoint. An endpoint that cannot be reached is
// an error, which a pipeline answers with 500.
func (b HTTPBackend) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	path := req.RawPath
	if path == "" {
		path = req.Path
	}
	target := strings.TrimRight(b.URL, "/") + path
	if req.RawQuery != "" {
		target += "?" + req.RawQuery
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, target, bytes.NewReader(req.Body))
	if err != nil {
		return nil, fmt.Errorf("gateway: HTTP backend %q: %w", b.URL, err)
	}
	for _, f := range req.Header {
		hr.Header.Add(f.Name, f.Value)
	}
	client := b.Client
	if client == nil {
		client = defaultHTTPClient
	}
	res, err := client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("gateway: HTTP backend %q: %w", b.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, quota.GatewayPayload+1))
	if err != nil || len(body) > quota.GatewayPayload {
		return nil, fmt.Errorf("gateway: HTTP backend %q: response body unreadable or over %d bytes", b.URL, quota.GatewayPayload)
	}
	resp := &response.Response{StatusCode: res.StatusCode, Body: body}
	for _, k := range slices.Sorted(maps.Keys(res.Header)) {
		if k == "Content-Length" || slices.Contains(hopByHop, k) {
			continue
		}
		for _, v := range res.Header[k] {
			resp.Header.Add(k, v)
		}
	}
	return resp, nil
}
