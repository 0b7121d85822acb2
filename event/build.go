package event

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/internal/ascii"
	"github.com/lambdagate/lambdagate/internal/fieldset"
)

// The identifiers of the API, account and region that fabricated events
// and the local gateway use when none are given: an account id of the
// form AWS's documentation uses, an API id of the form API Gateway
// assigns, and the region AWS's own tools default to.
const (
	DefaultAPIID     = "abcdef1234"
	DefaultAccountID = "123456789012"
	DefaultRegion    = "us-east-1"
)

// A Builder fabricates the event a source would send for an HTTP request,
// for unit tests and for the local gateway. The zero value builds REST
// events for stage "prod" with fixed-looking ids; set the fields to shape
// the event.
//
// What the builder does per source follows what AWS records (see the
// package documentation): REST keeps the path as sent and decodes the
// query; HTTP APIs decode the path, lowercase and comma-join headers and
// move the Cookie header into cookies; function URLs keep the path encoded
// and the cookie header beside cookies; ALB keeps the query as sent.
type Builder struct {
	Source Source
	// Version PayloadV1 builds an HTTP API event in payload format 1.0.
	Version PayloadVersion
	// Stage is the stage name. Empty means "prod" for REST and WebSocket
	// APIs and "$default" for HTTP APIs.
	Stage string
	// StageVariables are the stage's variables.
	StageVariables map[string]string
	// RouteKey (HTTP API, WebSocket) and Resource (REST) name the matched
	// route; empty means "$default" and "/{proxy+}" when the source needs one.
	RouteKey string
	Resource string
	// PathParameters are the matched route's parameters.
	PathParameters map[string]string
	// APIID, AccountID and Region identify the API; empty means
	// DefaultAPIID, DefaultAccountID and DefaultRegion.
	APIID     string
	AccountID string
	Region    string
	// DomainName is the host the client called; empty means the API's
	// default execute-api (or lambda-url) host.
	DomainName string
	// SourceIP is the client address; empty means the request's RemoteAddr
	// host, or 203.0.113.10 (a documentation address).
	SourceIP string
	// RequestID is the gateway's request id; empty means a fresh one in the
	// source's format.
	RequestID string
	// ExtendedRequestID is a REST API's extended request id; empty means
	// one derived from RequestID.
	ExtendedRequestID string
	// Trace is the X-Amzn-Trace-Id header the gateway passes on; empty
	// means a new trace derived from RequestID.
	Trace string
	// Time is when the gateway received the request; zero means now.
	Time time.Time
	// Authorizer is marshalled with encoding/json into
	// requestContext.authorizer. For HTTP APIs give the whole object, such
	// as {"jwt": {"claims": {...}, "scopes": [...]}} or {"lambda": {...}};
	// for REST, {"principalId": "...", ...context}.
	Authorizer any
	// BinaryMediaTypes are the REST API's binary media types: a request
	// body whose Content-Type matches one arrives base64-encoded.
	BinaryMediaTypes []string
	// TargetGroupARN is the ALB target group.
	TargetGroupARN string
	// ConnectionID and EventType are the WebSocket connection id and event
	// type (CONNECT, MESSAGE, DISCONNECT; empty means MESSAGE).
	ConnectionID string
	EventType    string

	// authorizerEvent makes a WebSocket CONNECT event the request of a
	// $connect authorizer's event, whose headers differ
	// (Builder.AuthorizerFromHTTP).
	authorizerEvent bool
}

// New returns the event src would send for a request with the given
// method, target and body, built by a zero [Builder] with that source.
// target is a path with an optional query, or an absolute URL; for APIs
// with stages it is the path after the stage. It panics if target is not a
// valid URL, like httptest.NewRequest, for use in tests.
func New(src Source, method, target string, body []byte) *Request {
	r, err := Builder{Source: src}.Build(method, target, nil, body)
	if err != nil {
		panic(err)
	}
	return r
}

// Build returns the event for a request with the given method, target,
// header and body. target is as for [New].
func (b Builder) Build(method, target string, header http.Header, body []byte) (*Request, error) {
	hr, err := newRequest(method, target, header, body)
	if err != nil {
		return nil, err
	}
	return b.FromHTTP(hr)
}

// newRequest returns the request a client sends for method, target,
// header and body, as [Builder.FromHTTP] takes it.
func newRequest(method, target string, header http.Header, body []byte) (*http.Request, error) {
	u, err := parseTarget(target)
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequest(method, "/", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	hr.URL = u
	if header != nil {
		hr.Header = header.Clone()
	}
	if hr.URL.Host != "" {
		hr.Host = hr.URL.Host
	} else {
		hr.Host = ""
	}
	hr.RemoteAddr = ""
	return hr, nil
}

// parseTarget parses a request target: an absolute URL, or a path with an
// optional query taken literally (so "//x" is a path, not a host).
func parseTarget(target string) (*url.URL, error) {
	if !strings.HasPrefix(target, "/") {
		u, err := url.Parse(target)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("event: target %q is neither a path nor an absolute URL", target)
		}
		return u, nil
	}
	p, q, _ := strings.Cut(target, "?")
	p, _, _ = strings.Cut(p, "#")
	dec, err := url.PathUnescape(p)
	if err != nil {
		return nil, fmt.Errorf("event: target %q: %w", target, err)
	}
	u := &url.URL{Path: dec, RawQuery: q}
	if u.EscapedPath() != p {
		u.RawPath = p
	}
	return u, nil
}

// FromHTTP returns the event for hr, which is the request a client sent to
// the gateway, with hr.URL.Path (and RawPath) the path after the stage. It
// reads hr.Body to the end.
func (b Builder) FromHTTP(hr *http.Request) (*Request, error) {
	src := b.Source
	if src == Unknown {
		src = REST
	}
	var body []byte
	if hr.Body != nil && hr.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(hr.Body); err != nil {
			return nil, fmt.Errorf("event: reading body: %w", err)
		}
	}
	r := &Request{Source: src, Method: hr.Method, Body: body}
	if len(body) == 0 {
		r.Body = nil
	}
	ids := newIDSource(b.RequestID)
	b.ids(r, hr)

	escaped := hr.URL.EscapedPath()
	if escaped == "" {
		escaped = "/"
	}
	decoded := hr.URL.Path
	if decoded == "" {
		decoded = "/"
	}
	ct := hr.Header.Get("Content-Type")
	switch src {
	case REST, WebSocket:
		b.rest(r, hr, escaped, ct, ids)
	case HTTPAPI:
		if b.Version == PayloadV1 {
			b.rest(r, hr, escaped, ct, ids)
			r.Version = PayloadV1
			r.Context.ResourceID = ""
			break
		}
		b.v2(r, hr, decoded, ct, ids)
	case FunctionURL:
		b.v2(r, hr, escaped, ct, ids)
	case ALB, ALBMultiValue:
		r.RawPath, r.Path = escaped, escaped
		raw := rawPairs(hr.URL.RawQuery)
		if src == ALB {
			// Without multi-value headers the load balancer keeps the
			// last value of a repeated query parameter.
			raw = lastOfEach(raw, false)
		}
		r.RawQuery = joinQuery(raw)
		r.Query = unescapeParams(raw)
		r.Context = Context{TargetGroupARN: b.TargetGroupARN}
		if r.Context.TargetGroupARN == "" {
			r.Context.TargetGroupARN = "arn:aws:elasticloadbalancing:" + b.region() + ":" + r.AccountID + ":targetgroup/lambda-target/0123456789abcdef"
		}
		r.Header = lowerHeader(hr, r, ids)
		r.Cookies = splitCookies(r.Header)
		if src == ALB {
			r.Header = lastValues(r.Header)
		}
		r.AccountID, r.APIID, r.RequestID, r.DomainName, r.Time = "", "", "", "", time.Time{}
		// A text body that is not UTF-8 travels base64-encoded too, as
		// for REST: JSON cannot carry it unaltered
		// (docs/evidence/gateway.md#invalid-utf-8).
		r.IsBase64Encoded = len(body) > 0 && (!textType(ct) || !utf8.Valid(body))
	default:
		return nil, fmt.Errorf("event: unknown source %v", src)
	}
	if b.Trace != "" {
		for i := range r.Header {
			if ascii.EqualFold(r.Header[i].Name, "X-Amzn-Trace-Id") {
				r.Header[i].Value = b.Trace
			}
		}
	}
	if !b.authorizerZero() {
		j, err := json.Marshal(b.Authorizer)
		if err != nil {
			return nil, fmt.Errorf("event: encoding authorizer: %w", err)
		}
		r.Authorizer.JSON = j
	}
	return r, nil
}

func (b Builder) authorizerZero() bool {
	return b.Authorizer == nil
}

func (b Builder) region() string {
	if b.Region != "" {
		return b.Region
	}
	return DefaultRegion
}

// ids fills the identifiers, time and client fields common to sources.
func (b Builder) ids(r *Request, hr *http.Request) {
	r.APIID = b.APIID
	if r.APIID == "" {
		r.APIID = DefaultAPIID
	}
	r.AccountID = b.AccountID
	if r.AccountID == "" {
		r.AccountID = DefaultAccountID
	}
	r.DomainName = b.DomainName
	if r.DomainName == "" {
		if r.Source == FunctionURL {
			r.DomainName = r.APIID + ".lambda-url." + b.region() + ".on.aws"
		} else {
			r.DomainName = r.APIID + ".execute-api." + b.region() + ".amazonaws.com"
		}
	}
	r.Context.DomainPrefix, _, _ = strings.Cut(r.DomainName, ".")
	r.SourceIP = b.SourceIP
	if r.SourceIP == "" {
		r.SourceIP = remoteIP(hr.RemoteAddr)
	}
	r.UserAgent = hr.Header.Get("User-Agent")
	r.Time = b.Time
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	r.Time = r.Time.UTC().Truncate(time.Millisecond)
	r.Context.RequestTime = r.Time.Format(RequestTimeLayout)
	r.Context.Protocol = "HTTP/1.1"
	if hr.ProtoMajor == 2 {
		r.Context.Protocol = "HTTP/2.0"
	}
	r.RequestID = b.RequestID
	r.StageVariables = ParamsFromMap(b.StageVariables)
	r.PathParameters = ParamsFromMap(b.PathParameters)
}

// RequestTimeLayout is the layout of requestContext.requestTime and time.
const RequestTimeLayout = "02/Jan/2006:15:04:05 -0700"

func remoteIP(addr string) string {
	if addr == "" {
		return "203.0.113.10"
	}
	if i := strings.LastIndexByte(addr, ':'); i >= 0 && !strings.HasSuffix(addr, "]") {
		addr = addr[:i]
	}
	return strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
}

// rest fills a payload 1.0 REST (or WebSocket) event.
func (b Builder) rest(r *Request, hr *http.Request, escaped, ct string, ids *idSource) {
	r.Stage = b.Stage
	if r.Stage == "" {
		r.Stage = "prod"
		if r.Source == HTTPAPI {
			r.Stage = "$default"
		}
	}
	// AWS collapses leading duplicate slashes in path but keeps them in
	// requestContext.path.
	p := escaped
	for strings.HasPrefix(p, "//") {
		p = p[1:]
	}
	r.RawPath, r.Path = p, p
	r.Context.Path = "/" + r.Stage + escaped
	if r.Source == HTTPAPI {
		r.Context.Path = escaped
	}
	r.Context.HTTPMethod = r.Method
	r.Resource = b.Resource
	r.RouteKey = b.RouteKey
	if r.Source == REST && r.Resource == "" {
		r.Resource = "/{proxy+}"
		if len(r.PathParameters) == 0 && p != "/" {
			r.PathParameters = Params{{"proxy", strings.Trim(p, "/")}}
		}
	}
	if r.Source == HTTPAPI && r.RouteKey == "" {
		r.RouteKey = "$default"
	}
	r.Context.ResourcePath = r.Resource
	r.Context.ResourceID = ids.hex(3)
	r.Context.ExtendedRequestID = ids.b64(10)
	if b.ExtendedRequestID != "" {
		r.Context.ExtendedRequestID = b.ExtendedRequestID
	}
	if r.RequestID == "" {
		r.RequestID = ids.uuid()
	}
	r.Query = parseQuery(hr.URL.RawQuery)
	if len(r.Query) == 0 {
		r.Query = nil
	}
	if len(r.Query) > 0 {
		r.RawQuery = r.Query.Encode()
	}
	r.Header = restHeader(hr, r, ids)
	r.Cookies = splitCookies(r.Header)
	if r.Source == WebSocket {
		b.websocket(r, ids)
		return
	}
	// A body of a binary media type arrives in base64 [DOC]
	// (docs/evidence/events.md#rest-bodies). So does one
	// that is not valid UTF-8, which a JSON string cannot carry; AWS's
	// behaviour there is not recorded, and an emulator checked against
	// AWS does this.
	r.IsBase64Encoded = len(r.Body) > 0 && (matchBinary(b.BinaryMediaTypes, ct) || !utf8.Valid(r.Body))
}

func (b Builder) websocket(r *Request, ids *idSource) {
	c := &r.Context
	c.EventType = b.EventType
	if c.EventType == "" {
		c.EventType = "MESSAGE"
	}
	// A WebSocket API's ids share one format: 16 characters of base64
	// ending in "=", and requestId repeats extendedRequestId [DOC samples]
	// (docs/evidence/websocket.md#event-fields).
	if b.RequestID == "" {
		r.RequestID = ids.websocket()
	}
	c.ExtendedRequestID = r.RequestID
	c.ConnectionID = b.ConnectionID
	if c.ConnectionID == "" {
		c.ConnectionID = ids.websocket()
	}
	c.MessageDirection = "IN"
	c.ConnectedAt = r.Time.UnixMilli()
	r.RouteKey = b.RouteKey
	if r.RouteKey == "" {
		switch c.EventType {
		case "CONNECT":
			r.RouteKey = "$connect"
		case "DISCONNECT":
			r.RouteKey = "$disconnect"
		default:
			r.RouteKey = "$default"
		}
	}
	// No event carries the method, path, resource or account; only
	// CONNECT carries the handshake's headers (without Upgrade) and
	// query, and DISCONNECT four fixed headers.
	r.AccountID = ""
	r.Resource, r.PathParameters, c.ResourcePath, c.ResourceID = "", nil, "", ""
	r.Method, r.RawPath, r.Path, c.Path, c.HTTPMethod = "", "", "", "", ""
	switch {
	case c.EventType == "CONNECT" && b.authorizerEvent:
		// A $connect authorizer sees the handshake's Upgrade and its
		// Connection (as "upgrade") and a content-length of 0, the
		// headers sorted by name whatever their case [DOC, 3P]
		// (docs/evidence/websocket.md#authorizer-event). Every
		// handshake has the first two; a fabricated one gets them.
		if r.Header.Get("Upgrade") == "" {
			r.Header = append(r.Header, Field{"Upgrade", "websocket"})
		}
		r.Header = append(r.Header, Field{"Connection", "upgrade"}, Field{"content-length", "0"})
		slices.SortStableFunc(r.Header, func(x, y Field) int { return compareFold(x.Name, y.Name) })
	case c.EventType == "CONNECT":
		r.Header.Del("Upgrade")
	case c.EventType == "DISCONNECT":
		r.Header = Header{{"Host", r.DomainName}, {"x-api-key", ""}, {"X-Forwarded-For", ""}, {"x-restapi", ""}}
		r.Query, r.RawQuery, r.Cookies = nil, "", nil
	default:
		r.Header, r.Query, r.RawQuery, r.Cookies = nil, nil, "", nil
		c.MessageID = json.RawMessage(`"` + ids.websocket() + `"`)
	}
	// WebSocket events carry neither domainPrefix nor protocol; binary
	// frames arrive base64-encoded.
	c.DomainPrefix, c.Protocol = "", ""
	r.IsBase64Encoded = !utf8.Valid(r.Body)
}

// compareFold compares ASCII names as their lowercase forms compare.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return int(x) - int(y)
		}
	}
	return len(a) - len(b)
}

// joinValues merges repeated headers into one comma-joined value, as
// payload 2.0 sources do, under the first spelling of the name.
func joinValues(h Header) Header {
	var g fieldset.Groups
	fieldset.Group(&g, h, true)
	repeated := false
	for i := range h {
		if g.Next(i) >= 0 {
			repeated = true
			break
		}
	}
	if !repeated {
		return h
	}
	out := h[:0:0]
	for i, f := range h {
		if g.First(i) != i {
			continue
		}
		if g.Next(i) < 0 {
			out = append(out, f)
			continue
		}
		n := len(f.Value)
		for j := g.Next(i); j >= 0; j = g.Next(j) {
			n += 1 + len(h[j].Value)
		}
		var b strings.Builder
		b.Grow(n)
		b.WriteString(f.Value)
		for j := g.Next(i); j >= 0; j = g.Next(j) {
			b.WriteByte(',')
			b.WriteString(h[j].Value)
		}
		out = append(out, Field{f.Name, b.String()})
	}
	return out
}

// lastValues keeps the last value of each header, as an ALB target group
// without multi-value headers does.
func lastValues(h Header) Header {
	return lastOfEach(h, true)
}

// lastOfEach keeps the fields that are the last of their name, names
// compared ignoring case when fold is set.
func lastOfEach[L ~[]Field](fs L, fold bool) L {
	var g fieldset.Groups
	fieldset.Group(&g, fs, fold)
	out := fs[:0:0]
	for i, f := range fs {
		if g.Next(i) < 0 {
			out = append(out, f)
		}
	}
	return out
}

// v2 fills an HTTP API payload 2.0 or function URL event; path is the
// decoded path for HTTP APIs, the escaped one for function URLs.
func (b Builder) v2(r *Request, hr *http.Request, path, ct string, ids *idSource) {
	r.Version = PayloadV2
	if r.Source == HTTPAPI {
		r.Stage = b.Stage
		if r.Stage == "" {
			r.Stage = "$default"
		}
		r.RouteKey = b.RouteKey
		if r.RouteKey == "" {
			r.RouteKey = "$default"
		}
		if r.RequestID == "" {
			r.RequestID = ids.b64(10)
		}
	} else if r.RequestID == "" {
		r.RequestID = ids.uuid()
	}
	r.Path = path
	r.RawPath = path
	if r.Stage != "" && r.Stage != "$default" {
		r.RawPath = "/" + r.Stage + path
	}
	r.Context.Path = r.RawPath
	if r.Source == FunctionURL {
		// A function URL sends rawPath as the client sent it and
		// requestContext.http.path decoded [REC] (docs/evidence/events.md#recorded-captures).
		r.Context.Path = hr.URL.Path
		if r.Context.Path == "" {
			r.Context.Path = "/"
		}
	}
	r.RawQuery = hr.URL.RawQuery
	r.Query = parseQuery(r.RawQuery)
	if len(r.Query) == 0 {
		r.Query = nil
	}
	r.Header = joinValues(lowerHeader(hr, r, ids))
	r.Cookies = splitCookies(r.Header)
	if r.Source == HTTPAPI {
		r.Header.Del("cookie")
	}
	r.IsBase64Encoded = len(r.Body) > 0 && (!textType(ct) || !utf8.Valid(r.Body))
}

// restHeader returns the headers a REST API forwards: as sent, without
// Content-Length and Connection, with the gateway's own added.
func restHeader(hr *http.Request, r *Request, ids *idSource) Header {
	h := make(Header, 0, len(hr.Header)+6)
	host := hr.Host
	if host == "" {
		host = r.DomainName
	}
	h = append(h, Field{"Host", host})
	for _, k := range sortedKeys(hr.Header) {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Connection", "Host", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Amzn-Trace-Id":
			continue
		}
		for _, v := range hr.Header[k] {
			h = append(h, Field{k, v})
		}
	}
	xff := r.SourceIP
	if prev := hr.Header.Get("X-Forwarded-For"); prev != "" {
		xff = prev + ", " + r.SourceIP
	}
	h = append(h,
		Field{"X-Amzn-Trace-Id", ids.trace(r.Time)},
		Field{"X-Forwarded-For", xff},
		Field{"X-Forwarded-Port", "443"},
		Field{"X-Forwarded-Proto", "https"})
	return h
}

// lowerHeader returns the headers an HTTP API, function URL or ALB
// forwards: names lowercased, with the gateway's own added. API Gateway
// and function URLs serve HTTPS only (port 443); an ALB listener is HTTP
// on port 80 unless the request came over TLS, and its host is the load
// balancer's name.
func lowerHeader(hr *http.Request, r *Request, ids *idSource) Header {
	hh := hr.Header
	h := make(Header, 0, len(hh)+6)
	host := hr.Host
	if host == "" {
		host = hh.Get("Host")
	}
	alb := r.Source == ALB || r.Source == ALBMultiValue
	if host == "" {
		host = r.DomainName
		if alb {
			host = albHost(r)
		}
	}
	if r.Source != ALB && r.Source != ALBMultiValue && r.Source != FunctionURL {
		h = append(h, Field{"content-length", strconv.Itoa(len(r.Body))})
	}
	h = append(h, Field{"host", host})
	for _, k := range sortedKeys(hh) {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Connection", "Host", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Amzn-Trace-Id":
			continue
		}
		lk, ok := lowerNames[k]
		if !ok {
			lk = strings.ToLower(k)
		}
		for _, v := range hh[k] {
			h = append(h, Field{lk, v})
		}
	}
	xff := r.SourceIP
	if prev := hh.Get("X-Forwarded-For"); prev != "" {
		xff = prev + ", " + r.SourceIP
	}
	port, proto := "443", "https"
	if alb && hr.TLS == nil {
		port, proto = "80", "http"
	}
	return append(h,
		Field{"x-amzn-trace-id", ids.trace(r.Time)},
		Field{"x-forwarded-for", xff},
		Field{"x-forwarded-port", port},
		Field{"x-forwarded-proto", proto})
}

// albHost returns the DNS name of the load balancer in front of a target
// group, as an ALB event's host header carries it when the client gave
// none.
func albHost(r *Request) string {
	region := DefaultRegion
	if arn := strings.Split(r.Context.TargetGroupARN, ":"); len(arn) > 3 && arn[3] != "" {
		region = arn[3]
	}
	return "lambda-alb-123456789." + region + ".elb.amazonaws.com"
}

// lowerNames holds the lowercase forms of common header names, so that
// lowering them does not allocate.
var lowerNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language", "Authorization",
		"Cache-Control", "Content-Encoding", "Content-Type", "Cookie", "Dnt", "If-Match", "If-Modified-Since",
		"If-None-Match", "Origin", "Pragma", "Referer", "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site",
		"Te", "Upgrade-Insecure-Requests", "User-Agent", "X-Api-Key", "X-Request-Id", "X-Requested-With",
		"Access-Control-Request-Method", "Access-Control-Request-Headers", "X-Http-Method-Override"} {
		m[n] = strings.ToLower(n)
	}
	return m
}()

// textType reports whether an HTTP API (or function URL, or ALB) sends a
// body of this content type as text: text/*, application/json,
// application/xml and application/javascript. Anything else, a missing
// type included, arrives base64-encoded. Suffix types such as +json are
// treated as binary, as the recorded rule lists only these.
func textType(ct string) bool {
	mt := MediaType(ct)
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "application/json", mt == "application/xml", mt == "application/javascript":
		return true
	}
	return false
}

// matchBinary reports whether content type ct matches a REST API binary
// media type: exactly, by a type/* entry, or by */*.
func matchBinary(types []string, ct string) bool {
	mt := MediaType(ct)
	if mt == "" {
		return false
	}
	for _, t := range types {
		t = MediaType(t)
		if t == "*/*" || t == mt {
			return true
		}
		if base, ok := strings.CutSuffix(t, "/*"); ok && strings.HasPrefix(mt, base+"/") {
			return true
		}
	}
	return false
}

// NewRequestID returns a fresh gateway request id in the source's format:
// a UUID for REST APIs and function URLs, a short base64 id for HTTP APIs
// ("LV7fzho-PHcEJPw=") and WebSocket APIs ("R1koeHsUtjMFbRw=").
func NewRequestID(src Source) string {
	ids := newIDSource("")
	switch src {
	case HTTPAPI:
		return ids.b64(10)
	case WebSocket:
		return ids.websocket()
	}
	return ids.uuid()
}

// idSource makes the random-looking ids of an event. When the builder has
// a RequestID the ids derive from it, so a fixed RequestID and Time give
// byte-identical events (for golden files); otherwise they are random.
type idSource struct {
	seeded bool
	state  uint64
}

// unseeded is the shared source of random ids; it has no state.
var unseeded = &idSource{}

func newIDSource(requestID string) *idSource {
	if requestID == "" {
		return unseeded
	}
	h := fnv.New64a()
	h.Write([]byte(requestID))
	return &idSource{seeded: true, state: h.Sum64()}
}

func (g *idSource) bytes(n int) []byte {
	b := make([]byte, n)
	g.fill(b)
	return b
}

// fill fills b with the source's next bytes.
func (g *idSource) fill(b []byte) {
	n := len(b)
	if !g.seeded {
		// Ids need to be unique, not secret: the runtime's fast generator
		// serves them without a system call.
		for i := 0; i < n; i += 8 {
			v := rand.Uint64()
			for j := i; j < n && j < i+8; j++ {
				b[j] = byte(v)
				v >>= 8
			}
		}
		return
	}
	for i := range b {
		// splitmix64
		g.state += 0x9e3779b97f4a7c15
		z := g.state
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		b[i] = byte(z ^ z>>31)
	}
}

func (g *idSource) hex(n int) string { return hex.EncodeToString(g.bytes(n)) }

func (g *idSource) b64(n int) string {
	return strings.TrimRight(base64.URLEncoding.EncodeToString(g.bytes(n)), "=") + "="
}

// websocket returns an id in a WebSocket API's format: 11 random bytes
// in base64, 16 characters ending in "=" ("R1kmxc2VNjMCFIA=").
func (g *idSource) websocket() string { return string(g.appendWebSocket(make([]byte, 0, 16))) }

// appendWebSocket appends an id in a WebSocket API's format to dst: the
// padded base64 of 11 bytes is 15 characters and one "=".
func (g *idSource) appendWebSocket(dst []byte) []byte {
	var b [11]byte
	g.fill(b[:])
	return base64.URLEncoding.AppendEncode(dst, b[:])
}

func (g *idSource) uuid() string {
	b := g.bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

func (g *idSource) trace(t time.Time) string {
	var e [4]byte
	binary.BigEndian.PutUint32(e[:], uint32(t.Unix()))
	return "Root=1-" + hex.EncodeToString(e[:]) + "-" + g.hex(12)
}

// HTTPRequest returns the request as net/http would have built it for the
// client's original request: method, URL with the path as the source
// delivered it (RawPath keeps escapes such as %2F), query, Host, headers
// with every value (and a Cookie header rebuilt from Cookies for sources
// that moved it), body, RequestURI and RemoteAddr from the source IP.
func (r *Request) HTTPRequest() (*http.Request, error) {
	u := &url.URL{RawQuery: r.RawQuery}
	if err := r.setURLPath(u); err != nil {
		return nil, err
	}
	hr := &http.Request{
		Method:     r.Method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, len(r.Header)+1),
		Host:       r.Host(),
		RemoteAddr: r.SourceIP,
		RequestURI: u.RequestURI(),
	}
	if hr.Method == "" {
		hr.Method = http.MethodGet
	}
	for _, f := range r.Header {
		k := http.CanonicalHeaderKey(f.Name)
		hr.Header[k] = append(hr.Header[k], f.Value)
	}
	if !r.V1() && r.Source != FunctionURL && len(r.Cookies) > 0 && !r.Header.Has("Cookie") {
		hr.Header.Set("Cookie", strings.Join(r.Cookies, "; "))
	}
	hr.Body = http.NoBody
	if len(r.Body) > 0 {
		hr.Body = io.NopCloser(bytes.NewReader(r.Body))
		hr.ContentLength = int64(len(r.Body))
	}
	return hr, nil
}

// setURLPath sets u's Path and RawPath from the request path in the
// source's encoding.
func (r *Request) setURLPath(u *url.URL) error {
	p := r.Path
	if p == "" {
		p = "/"
	}
	if r.Source == HTTPAPI && !r.V1() {
		u.Path = p
		return nil
	}
	dec, err := url.PathUnescape(p)
	if err != nil {
		return fmt.Errorf("event: path %q: %w", p, err)
	}
	u.Path = dec
	if u.EscapedPath() != p {
		u.RawPath = p
	}
	return nil
}
