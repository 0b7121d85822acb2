//go:build linux

package lambdaruntime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// A source is where an invoke payload comes from, and so the shape the
// function's output must have.
type source int

const (
	rest        source = iota // API Gateway REST API (payload 1.0)
	httpAPI                   // API Gateway HTTP API, payload 2.0
	webSocket                 // API Gateway WebSocket API
	alb                       // Application Load Balancer, single-value headers
	albMulti                  // Application Load Balancer, multi-value headers
	functionURL               // Lambda function URL
	notAnEvent                // no HTTP request: an authorizer's input, a response, another service's event
)

var sourceNames = [...]string{"rest", "http", "websocket", "alb", "alb-multivalue", "url", "not-an-event"}

func (s source) String() string { return sourceNames[s] }

// A payload is one invoke payload with a name for the subtest.
type payload struct {
	name string
	src  source
	data []byte
}

// nonHTTPSamples are sample events of other services: JSON documents of
// no HTTP source.
var nonHTTPSamples = []string{"s3-event.json", "sqs-event.json"}

// samplePayloads returns aws-lambda-go's sample events of the sources
// srcs, and the documents no HTTP source sends (authorizer inputs,
// responses, other services' events), each with its source.
func samplePayloads(t testing.TB, srcs ...source) []payload {
	t.Helper()
	dir := sampleDir(t)
	var names []string
	for _, pattern := range []string{"apigw-*.json", "alb-*.json", "lambda-urls-*.json"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range m {
			names = append(names, filepath.Base(path))
		}
	}
	names = append(names, nonHTTPSamples...)
	sort.Strings(names)
	var ps []payload
	counts := make(map[source]int)
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		src := classify(name, data)
		counts[src]++
		if src == notAnEvent || contains(srcs, src) {
			ps = append(ps, payload{name: "sample/" + strings.TrimSuffix(name, ".json"), src: src, data: data})
		}
	}
	for _, src := range srcs {
		if counts[src] == 0 {
			t.Fatalf("no aws-lambda-go sample event of source %v in %s", src, dir)
		}
	}
	return ps
}

// classify tells a sample event's source from its file name, as
// aws-lambda-go names them, and ALB's header mode from the document.
func classify(name string, data []byte) source {
	switch {
	case strings.HasSuffix(name, "-response.json"),
		strings.HasPrefix(name, "apigw-custom-auth-"),
		strings.HasPrefix(name, "apigw-v2-custom-authorizer-"),
		contains(nonHTTPSamples, name):
		return notAnEvent
	case strings.HasPrefix(name, "apigw-websocket-"):
		return webSocket
	case strings.HasPrefix(name, "apigw-v2-"):
		return httpAPI
	case strings.HasPrefix(name, "apigw-"):
		return rest
	case strings.HasPrefix(name, "alb-"):
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) == nil && m["multiValueHeaders"] != nil {
			return albMulti
		}
		return alb
	case strings.HasPrefix(name, "lambda-urls-"):
		return functionURL
	}
	return notAnEvent
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// A request is what a client sends; a source's event carries it.
type request struct {
	method  string
	path    string // as the client sent it, percent-encoded, without the stage
	query   string // the raw query string
	header  [][2]string
	cookies []string // name=value pairs
	body    []byte
	binary  bool   // the body arrives base64-encoded
	stage   string // default "prod" (REST), "$default" (HTTP API)
	route   string // HTTP API route key or REST resource; default "$default" or "/{proxy+}"
	params  map[string]string
}

// event is the event src sends for r, made from aws-lambda-go's sample
// event of the source with the request's parts replaced.
func (src source) event(t testing.TB, r request) []byte {
	t.Helper()
	switch src {
	case rest:
		return restEvent(t, r)
	case httpAPI:
		return httpEvent(t, r)
	case alb, albMulti:
		return albEvent(t, r, src == albMulti)
	case functionURL:
		return urlEvent(t, r)
	}
	t.Fatalf("no request events for source %v", src)
	return nil
}

// sample decodes one of aws-lambda-go's sample events.
func sample(t testing.TB, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sampleDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("sample event %s: %v", name, err)
	}
	return m
}

// marshal encodes an edited event as AWS does, without HTML escaping.
func marshal(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		m = make(map[string]any)
	}
	return m
}

// headerList is r's headers with host first and the Cookie header last.
func (r request) headerList(host string) [][2]string {
	h := append([][2]string{{"Host", host}}, r.header...)
	if len(r.cookies) > 0 {
		h = append(h, [2]string{"Cookie", strings.Join(r.cookies, "; ")})
	}
	return h
}

// payload 1.0 header maps: the last value of each name, and every value.
func headerMaps(h [][2]string, lower bool) (map[string]any, map[string]any) {
	single, multi := make(map[string]any), make(map[string]any)
	for _, f := range h {
		name := f[0]
		if lower {
			name = strings.ToLower(name)
		}
		single[name] = f[1]
		vs, _ := multi[name].([]any)
		multi[name] = append(vs, f[1])
	}
	return single, multi
}

// joinedHeaders is payload 2.0's header map: lowercase names, repeated
// values joined with commas.
func joinedHeaders(h [][2]string) map[string]any {
	m := make(map[string]any)
	for _, f := range h {
		name := strings.ToLower(f[0])
		if v, ok := m[name].(string); ok {
			m[name] = v + "," + f[1]
		} else {
			m[name] = f[1]
		}
	}
	return m
}

func setBody(m map[string]any, r request, absent any) {
	switch {
	case len(r.body) == 0:
		if absent == nil {
			delete(m, "body")
		} else {
			m["body"] = absent
		}
		m["isBase64Encoded"] = false
	case r.binary:
		m["body"] = base64.StdEncoding.EncodeToString(r.body)
		m["isBase64Encoded"] = true
	default:
		m["body"] = string(r.body)
		m["isBase64Encoded"] = false
	}
}

func restEvent(t testing.TB, r request) []byte {
	m := sample(t, "apigw-request.json")
	resource, stage := r.route, r.stage
	if resource == "" {
		resource = "/{proxy+}"
	}
	if stage == "" {
		stage = "prod"
	}
	host, _ := obj(m["headers"])["Host"].(string)
	single, multi := headerMaps(r.headerList(host), false)
	m["resource"], m["path"], m["httpMethod"] = resource, r.path, r.method
	m["headers"], m["multiValueHeaders"] = single, multi
	m["queryStringParameters"], m["multiValueQueryStringParameters"] = nil, nil
	if q, _ := url.ParseQuery(r.query); len(q) > 0 {
		last, all := make(map[string]any), make(map[string]any)
		for k, vs := range q {
			last[k] = vs[len(vs)-1]
			all[k] = vs
		}
		m["queryStringParameters"], m["multiValueQueryStringParameters"] = last, all
	}
	params := r.params
	if params == nil && resource == "/{proxy+}" {
		params = map[string]string{"proxy": strings.TrimPrefix(r.path, "/")}
	}
	m["pathParameters"] = nil
	if params != nil {
		m["pathParameters"] = params
	}
	rc := obj(m["requestContext"])
	rc["path"], rc["resourcePath"], rc["httpMethod"], rc["stage"] = "/"+stage+r.path, resource, r.method, stage
	setBody(m, r, nil)
	if len(r.body) == 0 {
		m["body"] = nil // REST sends null
	}
	return marshal(t, m)
}

func httpEvent(t testing.TB, r request) []byte {
	m := sample(t, "apigw-v2-request-no-authorizer.json")
	stage, route := r.stage, r.route
	if stage == "" {
		stage = "$default"
	}
	if route == "" {
		route = "$default"
	}
	rawPath := r.path
	if stage != "$default" {
		rawPath = "/" + stage + r.path
	}
	host, _ := obj(m["headers"])["host"].(string)
	h := [][2]string{{"host", host}}
	m["headers"] = joinedHeaders(append(h, r.header...))
	m["routeKey"], m["rawPath"], m["rawQueryString"] = route, rawPath, r.query
	delete(m, "cookies")
	if len(r.cookies) > 0 {
		m["cookies"] = r.cookies
	}
	delete(m, "queryStringParameters")
	if q := joinedQuery(r.query); len(q) > 0 {
		m["queryStringParameters"] = q
	}
	delete(m, "pathParameters")
	if len(r.params) > 0 {
		m["pathParameters"] = r.params
	}
	rc := obj(m["requestContext"])
	rc["routeKey"], rc["stage"] = route, stage
	hc := obj(rc["http"])
	hc["method"], hc["path"] = r.method, rawPath
	setBody(m, r, nil)
	return marshal(t, m)
}

// joinedQuery is payload 2.0's query map: decoded values of a name joined
// with commas.
func joinedQuery(raw string) map[string]any {
	q, _ := url.ParseQuery(raw)
	m := make(map[string]any)
	for k, vs := range q {
		m[k] = strings.Join(vs, ",")
	}
	return m
}

func albEvent(t testing.TB, r request, multi bool) []byte {
	name := "alb-lambda-target-request-headers-only.json"
	if multi {
		name = "alb-lambda-target-request-multivalue-headers.json"
	}
	m := sample(t, name)
	host := ""
	if multi {
		if vs, _ := obj(m["multiValueHeaders"])["host"].([]any); len(vs) > 0 {
			host, _ = vs[0].(string)
		}
	} else {
		host, _ = obj(m["headers"])["host"].(string)
	}
	single, all := headerMaps(r.headerList(host), true)
	m["httpMethod"], m["path"] = r.method, r.path
	// ALB sends query names and values as the client sent them.
	qs, qm := make(map[string]any), make(map[string]any)
	for _, kv := range strings.Split(r.query, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		qs[k] = v
		vs, _ := qm[k].([]any)
		qm[k] = append(vs, v)
	}
	if multi {
		m["multiValueHeaders"], m["multiValueQueryStringParameters"] = all, qm
	} else {
		m["headers"], m["queryStringParameters"] = single, qs
	}
	setBody(m, r, "")
	return marshal(t, m)
}

func urlEvent(t testing.TB, r request) []byte {
	m := sample(t, "lambda-urls-request.json")
	rc := obj(m["requestContext"])
	// The sample's ids are placeholders ("<url-id>"), not a host name.
	const id = "abcdefghijklmnopqrstuvwxyz012345"
	host := id + ".lambda-url.us-west-2.on.aws"
	rc["domainName"], rc["domainPrefix"], rc["apiId"] = host, id, id
	h := [][2]string{{"host", host}}
	m["headers"] = joinedHeaders(append(h, r.header...))
	m["rawPath"], m["rawQueryString"] = r.path, r.query
	delete(m, "cookies")
	if len(r.cookies) > 0 {
		m["cookies"] = r.cookies
	}
	delete(m, "queryStringParameters")
	if q := joinedQuery(r.query); len(q) > 0 {
		m["queryStringParameters"] = q
	}
	hc := obj(rc["http"])
	hc["method"], hc["path"] = r.method, r.path
	setBody(m, r, nil)
	return marshal(t, m)
}

// deepNesting is the depth of the nested payloads: far past any decoder's
// limit (the library's is 1,000, encoding/json's 10,000).
const deepNesting = 100_000

// malformed returns payloads no source sends, made from base, a valid
// event of src: not JSON, cut short, JSON of no event, wrong types, deep
// nesting, invalid UTF-8, a duplicate member, an invalid base64 body.
func malformed(t testing.TB, src source, base []byte) []payload {
	t.Helper()
	var ps []payload
	add := func(name string, data []byte) {
		ps = append(ps, payload{name: "malformed/" + name, src: notAnEvent, data: data})
	}
	add("not-json", []byte("hello, lambda"))
	add("empty", nil)
	add("nul", []byte{0})
	add("truncated", base[:len(base)/2])
	add("null", []byte("null"))
	add("array", []byte("[]"))
	add("number", []byte("42"))
	add("string", []byte(`"GET /"`))
	add("empty-object", []byte("{}"))
	add("unknown-object", []byte(`{"foo":"bar","items":[1,2,3]}`))
	add("byte-order-mark", append([]byte("\xef\xbb\xbf"), base...))
	add("deep-array", []byte(strings.Repeat("[", deepNesting)+strings.Repeat("]", deepNesting)))
	deep := strings.Repeat(`{"a":`, deepNesting) + "1" + strings.Repeat("}", deepNesting)
	add("deep-in-event", append([]byte(`{"x":`+deep+`,`), base[1:]...))
	add("duplicate-member", append([]byte(`{"requestContext":{},`), base[1:]...))

	var m map[string]any
	if err := json.Unmarshal(base, &m); err != nil {
		t.Fatalf("base event of %v: %v", src, err)
	}
	wrong := []struct {
		key   string
		value any
	}{
		{"httpMethod", 42},
		{"rawPath", 7},
		{"headers", "x"},
		{"multiValueHeaders", map[string]any{"a": "b"}},
		{"body", map[string]any{"a": 1}},
		{"isBase64Encoded", "yes"},
		{"requestContext", []any{}},
		{"cookies", "a=b"},
		{"queryStringParameters", []any{1}},
	}
	for _, w := range wrong {
		if _, ok := m[w.key]; !ok {
			continue
		}
		c := clone(t, m)
		c[w.key] = w.value
		add("wrong-type-"+w.key, marshal(t, c))
	}
	c := clone(t, m)
	if _, ok := c["multiValueHeaders"].(map[string]any); ok {
		obj(c["multiValueHeaders"])["x-bad"] = []any{"@BAD@"}
	}
	if _, ok := c["headers"].(map[string]any); ok {
		obj(c["headers"])["x-bad"] = "@BAD@"
	}
	add("invalid-utf8", bytes.ReplaceAll(marshal(t, c), []byte("@BAD@"), []byte("\xff\xfe")))
	c = clone(t, m)
	c["body"], c["isBase64Encoded"] = "*** not base64 ***", true
	add("invalid-base64-body", marshal(t, c))
	return ps
}

func clone(t testing.TB, m map[string]any) map[string]any {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(marshal(t, m), &c); err != nil {
		t.Fatal(err)
	}
	return c
}
