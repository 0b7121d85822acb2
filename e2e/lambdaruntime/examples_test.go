//go:build linux

package lambdaruntime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
)

// The examples' tests send what each example's deployment (its
// template.yaml) sends it: its source's sample events, events aimed at its
// routes, documents of no HTTP source, malformed payloads, and a large
// and an oversized request.

// expectJSON checks that body is the JSON value want.
func expectJSON(t testing.TB, body []byte, want any) {
	t.Helper()
	var got any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Errorf("body %s: %v", runtimetest.Abbrev(body), err)
		return
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var wantV any
	json.Unmarshal(w, &wantV)
	if !reflect.DeepEqual(got, wantV) {
		t.Errorf("body %s, want %s", body, w)
	}
}

// expectBytes checks that the output is exactly want.
func expectBytes(t testing.TB, r *result, want string) {
	t.Helper()
	if b, ok := r.outputBytes(t); ok && string(b) != want {
		t.Errorf("output %s, want %q", runtimetest.Abbrev(b), want)
	}
}

// expectFunctionError checks that r is exactly the function error e.
func expectFunctionError(t testing.TB, r *result, want functionError) {
	t.Helper()
	if e, ok := r.functionError(t); ok && *e != want {
		t.Errorf("function error %+v, want %+v", *e, want)
	}
}

// errorCases are the cases every example answers with a function error:
// documents of no HTTP source, malformed payloads and the oversized
// request.
func errorCases(t *testing.T, src source, base []byte, oversized []byte) []tcase {
	var cases []tcase
	ps := malformed(t, src, base)
	for _, p := range samplePayloads(t) {
		if p.src == notAnEvent {
			ps = append(ps, p)
		}
	}
	ps = append(ps, payload{name: "oversized-request", src: src, data: oversized})
	for _, p := range ps {
		cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) { r.functionError(t) }})
	}
	return cases
}

// TestCalc runs the calc example, a REST API's custom (non-proxy)
// integration: the function gets what the request templates render and
// answers the tutorial's results and "400 Invalid …" errors, which the
// integration responses map.
func TestCalc(t *testing.T) {
	t.Parallel()
	// What the GET /calc request template renders, spaces included.
	get := func(a, b, op string) []byte {
		return fmt.Appendf(nil, "{\n    \"a\":  %q,\n    \"b\":  %q, \n    \"op\": %q   \n}", a, b, op)
	}
	// What the GET /calc/{operand1}/{operand2}/{operator} template renders.
	path := func(a, b, op string) []byte {
		return fmt.Appendf(nil, "{\n   \"a\": %q,\n   \"b\": %q,\n   \"op\": %q\n   \n}", a, b, op)
	}
	f := startFunction(t, "calc", exampleBootstrap(t, "calc"), nil, get("2", "3", "add"))
	invalid := func(what string) functionError {
		return functionError{Message: "400 Invalid " + what, Type: "errorString"}
	}
	var cases []tcase
	for _, p := range samplePayloads(t, rest) {
		if p.src == rest {
			// A proxy event has no a, b or op.
			cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) { expectFunctionError(t, r, invalid("Input")) }})
		}
	}
	routes := []struct {
		name    string
		payload []byte
		output  string
		err     *functionError
	}{
		{"GET-query-add", get("2", "3", "add"), `{"a":2,"b":3,"op":"add","c":5}`, nil},
		{"POST-multiply", []byte(`{"a":6,"b":7,"op":"*"}`), `{"a":6,"b":7,"op":"*","c":42}`, nil},
		{"GET-path-divide", path("1", "2", "/"), `{"a":1,"b":2,"op":"/","c":0.5}`, nil},
		{"GET-path-divide-by-zero", path("1", "0", "div"), `{"a":1,"b":0,"op":"div","c":null}`, nil},
		{"GET-query-empty-operands", get("", "", "+"), `{"a":0,"b":0,"op":"+","c":0}`, nil},
		{"GET-path-pow", path("1", "2", "pow"), "", &functionError{"400 Invalid Operator", "errorString"}},
		{"GET-query-not-a-number", get("x", "1", "+"), "", &functionError{"400 Invalid Operand", "errorString"}},
		{"POST-missing-a", []byte(`{"b":1,"op":"+"}`), "", &functionError{"400 Invalid Input", "errorString"}},
		{"large-request", fmt.Appendf(nil, `{"a":1,"b":2,"op":"+","pad":%q}`, strings.Repeat("x", largeRequest)), `{"a":1,"b":2,"op":"+","c":3}`, nil},
	}
	for _, rt := range routes {
		cases = append(cases, tcase{payload: payload{name: "route/" + rt.name, src: notAnEvent, data: rt.payload}, check: func(t *testing.T, r *result) {
			if rt.err != nil {
				expectFunctionError(t, r, *rt.err)
				return
			}
			expectBytes(t, r, rt.output)
		}})
	}
	base := rest.event(t, request{method: "GET", path: "/calc"})
	oversized := fmt.Appendf(nil, `{"a":1,"b":2,"op":"+","pad":%q}`, strings.Repeat("x", oversizedRequest))
	cases = append(cases, errorCases(t, rest, base, oversized)...)
	run(t, f, cases)
}

// smartpathOrder is the order smartpath's printed curl sends, in
// windows-1252.
const smartpathOrder = "<order><customer>Ren\xe9e</customer><item name=\"caf\xe9\" qty=\"2\"/></order>"

// TestSmartpath runs the smartpath example, a REST API's Lambda proxy
// integration taking XML: text/xml is a binary media type of the API
// (template.yaml), so its bodies arrive base64-encoded, byte for byte.
func TestSmartpath(t *testing.T) {
	t.Parallel()
	xml := func(contentType string, body string) request {
		return request{method: "POST", path: "/smartpath", route: "/smartpath",
			header: [][2]string{{"Content-Type", contentType}}, body: []byte(body), binary: true}
	}
	health := rest.event(t, xml("text/xml", "<order><customer>Ann</customer></order>"))
	f := startFunction(t, "smartpath", exampleBootstrap(t, "smartpath"), nil, health)
	cors := func(t *testing.T, o *output) {
		t.Helper()
		expectHeader(t, o, "Access-Control-Allow-Origin", "*")
	}
	var cases []tcase
	for _, p := range samplePayloads(t, rest) {
		if p.src == rest {
			// The samples send JSON.
			cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) {
				if o, ok := expectOutput(t, rest, r); ok {
					expectStatus(t, o, 415)
					cors(t, o)
				}
			}})
		}
	}
	type order struct {
		Customer string `json:"customer"`
		Items    []struct {
			Name string `json:"name"`
			Qty  int    `json:"qty"`
		} `json:"items"`
	}
	routes := []struct {
		name   string
		req    request
		status int
		body   any // the JSON body, when status is 200
	}{
		// The curl the example prints: the charset only in Content-Type.
		{"printed-curl-windows-1252", xml("text/xml; charset=windows-1252", smartpathOrder), 200,
			map[string]any{"lines": 1, "received": map[string]any{"customer": "Renée", "items": []any{map[string]any{"name": "café", "qty": 2}}}}},
		{"encoding-in-xml-declaration", xml("text/xml", `<?xml version="1.0" encoding="windows-1252"?><order><customer>Ren`+"\xe9"+`e</customer></order>`), 200,
			map[string]any{"lines": 0, "received": map[string]any{"customer": "Renée", "items": nil}}},
		{"utf-8", xml("application/xml", "<order><customer>Zoë</customer></order>"), 200,
			map[string]any{"lines": 0, "received": map[string]any{"customer": "Zoë", "items": nil}}},
		{"invalid-xml", xml("text/xml", "<order><customer>"), 400, nil},
		{"json", xml("application/json", `{"customer":"Ann"}`), 415, nil},
		// Base64 makes the event 4/3 of the body: 4 MiB stays under the quota.
		{"large-request", xml("text/xml", "<order><!--"+strings.Repeat("x", 4<<20)+"--><customer>Ann</customer></order>"), 200,
			map[string]any{"lines": 0, "received": map[string]any{"customer": "Ann", "items": nil}}},
	}
	for _, rt := range routes {
		p := payload{name: "route/" + rt.name, src: rest, data: rest.event(t, rt.req)}
		cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) {
			o, ok := expectOutput(t, rest, r)
			if !ok {
				return
			}
			expectStatus(t, o, rt.status)
			cors(t, o)
			if rt.body != nil {
				expectJSON(t, o.body(), rt.body)
			}
		}})
	}
	// The example's deliberate bug: a body that is a JSON object, which
	// API Gateway answers with 502. The runtime must pass it on as it is.
	mistake := xml("text/xml", "<order/>")
	mistake.query = "mistake=object-body"
	cases = append(cases, tcase{payload: payload{name: "route/mistake-object-body", src: rest, data: rest.event(t, mistake)}, check: func(t *testing.T, r *result) {
		expectBytes(t, r, `{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":{"lines":1}}`)
		if _, err := parseOutput(rest, r.body); err == nil {
			t.Errorf("the REST output check accepts a body that is not a string: %s", r.body)
		}
	}})
	base := rest.event(t, xml("text/xml", "<order/>"))
	oversized := rest.event(t, xml("text/xml", "<order><!--"+strings.Repeat("x", oversizedRequest)+"--></order>"))
	cases = append(cases, errorCases(t, rest, base, oversized)...)
	run(t, f, cases)
}

// TestPets runs the pets example, an HTTP API (payload 2.0) whose one
// function routes with API Gateway's route keys, on the $default stage and
// the named stage v1.
func TestPets(t *testing.T) {
	t.Parallel()
	getPet := request{method: "GET", path: "/pets/1", route: "GET /pets/{id}", params: map[string]string{"id": "1"}}
	f := startFunction(t, "pets", exampleBootstrap(t, "pets"), nil, httpAPI.event(t, getPet))
	rex := map[string]any{"id": 1, "name": "Rex", "type": "dog", "price": 249.99}
	tom := map[string]any{"id": 2, "name": "Tom", "type": "cat", "price": 124.99}
	nemo := map[string]any{"id": 3, "name": "Nemo", "type": "fish", "price": 0.99}
	var cases []tcase
	for _, p := range samplePayloads(t, httpAPI) {
		if p.src == httpAPI {
			// The samples take the $default route, for paths with no pets.
			cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) {
				if o, ok := expectOutput(t, httpAPI, r); ok {
					expectStatus(t, o, 404)
				}
			}})
		}
	}
	jsonBody := [][2]string{{"Content-Type", "application/json"}}
	v1Pet := getPet
	v1Pet.stage = "v1"
	routes := []struct {
		name   string
		req    request
		status int
		body   any
		check  func(t *testing.T, o *output)
	}{
		{"list", request{method: "GET", path: "/pets", route: "GET /pets"}, 200, []any{rex, tom, nemo},
			func(t *testing.T, o *output) {
				if o.shorthand == nil {
					t.Errorf("GET /pets answers with statusCode, want the payload 2.0 shorthand (the bare list)")
				}
			}},
		{"list-cats", request{method: "GET", path: "/pets", query: "type=cat", route: "GET /pets"}, 200, []any{tom}, nil},
		{"get", getPet, 200, rex, func(t *testing.T, o *output) { expectHeader(t, o, "Content-Type", "application/json") }},
		{"get-stage-v1", v1Pet, 200, rex, nil},
		{"get-missing", request{method: "GET", path: "/pets/99", route: "GET /pets/{id}", params: map[string]string{"id": "99"}}, 404, nil, nil},
		{"get-not-a-number", request{method: "GET", path: "/pets/abc", route: "GET /pets/{id}", params: map[string]string{"id": "abc"}}, 400, nil, nil},
		{"add", request{method: "POST", path: "/pets", route: "POST /pets", header: jsonBody, body: []byte(`{"name":"Kit","type":"cat","price":10}`)}, 201,
			map[string]any{"id": 4, "name": "Kit", "type": "cat", "price": 10},
			func(t *testing.T, o *output) {
				expectHeader(t, o, "Location", "/pets/4")
				expectCookies(t, httpAPI, o, "last_pet=4; Path=/; HttpOnly", "visited=1; Path=/")
			}},
		{"add-invalid", request{method: "POST", path: "/pets", route: "POST /pets", header: jsonBody, body: []byte(`{"type":"cat"}`)}, 400, nil, nil},
		{"proxy", request{method: "DELETE", path: "/pets/1/toys/ball", route: "ANY /pets/{proxy+}", params: map[string]string{"proxy": "1/toys/ball"}}, 200,
			map[string]any{"route": "ANY /pets/{proxy+}", "method": "DELETE", "rest": "1/toys/ball", "stage": "$default"}, nil},
		{"default", request{method: "GET", path: "/owners"}, 404, nil, nil},
		{"preflight", request{method: "OPTIONS", path: "/pets", header: [][2]string{{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "POST"}}}, 204, nil, nil},
		{"large-request", request{method: "POST", path: "/pets", route: "POST /pets", header: jsonBody,
			body: fmt.Appendf(nil, `{"name":"Big","type":"dog","notes":%q}`, strings.Repeat("x", largeRequest))}, 201,
			map[string]any{"id": 5, "name": "Big", "type": "dog", "price": 0}, nil},
	}
	for _, rt := range routes {
		p := payload{name: "route/" + rt.name, src: httpAPI, data: httpAPI.event(t, rt.req)}
		cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) {
			o, ok := expectOutput(t, httpAPI, r)
			if !ok {
				return
			}
			expectStatus(t, o, rt.status)
			if rt.body != nil {
				expectJSON(t, o.body(), rt.body)
			}
			if rt.check != nil {
				rt.check(t, o)
			}
		}})
	}
	oversized := httpAPI.event(t, request{method: "POST", path: "/pets", route: "POST /pets", header: jsonBody,
		body: fmt.Appendf(nil, `{"name":"Big","notes":%q}`, strings.Repeat("x", oversizedRequest))})
	cases = append(cases, errorCases(t, httpAPI, httpAPI.event(t, getPet), oversized)...)
	run(t, f, cases)
}

// TestWebapp runs the webapp example, a net/http ServeMux behind a
// function URL in RESPONSE_STREAM mode (the ResponseStream invoke mode): every
// answer is aws-lambda-go's streamed HTTP response, and GET /countdown
// must reach the Runtime API as the handler flushes it.
func TestWebapp(t *testing.T) {
	t.Parallel()
	hello := request{method: "GET", path: "/hello/gopher"}
	f := startFunction(t, "webapp", exampleBootstrap(t, "webapp"), nil, functionURL.event(t, hello))
	var cases []tcase
	for _, p := range samplePayloads(t, functionURL) {
		if p.src == functionURL {
			// The sample's domain name is a placeholder ("<url-id>…"),
			// a Host net/http refuses with 400: any status will do.
			cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) { expectStream(t, functionURL, r) }})
		}
	}
	text := [][2]string{{"Content-Type", "text/plain"}}
	routes := []struct {
		name   string
		req    request
		status int
		check  func(t *testing.T, o *output, body []byte, r *result)
	}{
		{"page", request{method: "GET", path: "/"}, 200, func(t *testing.T, o *output, body []byte, r *result) {
			expectHeader(t, o, "Content-Type", "text/html; charset=utf-8")
			if !bytes.Contains(body, []byte("<h1>Hello from ")) {
				t.Errorf("page %s, want the greeting", runtimetest.Abbrev(body))
			}
		}},
		{"hello", hello, 200, func(t *testing.T, o *output, body []byte, r *result) {
			if string(body) != "hello, gopher\n" {
				t.Errorf("body %q, want %q", body, "hello, gopher\n")
			}
		}},
		{"echo", request{method: "POST", path: "/echo", header: text, body: []byte("ping")}, 200, func(t *testing.T, o *output, body []byte, r *result) {
			if string(body) != "ping" {
				t.Errorf("body %q, want %q", body, "ping")
			}
			expectHeader(t, o, "Content-Type", "text/plain")
			expectCookies(t, functionURL, o, "echoed=4; Path=/")
		}},
		{"logo", request{method: "GET", path: "/logo.png"}, 200, func(t *testing.T, o *output, body []byte, r *result) {
			expectHeader(t, o, "Content-Type", "image/png")
			expectHeader(t, o, "Cache-Control", "max-age=3600")
			checkPNG(t, body, nil, 32)
		}},
		{"report", request{method: "GET", path: "/report.csv"}, 200, func(t *testing.T, o *output, body []byte, r *result) {
			expectHeader(t, o, "Content-Disposition", `attachment; filename="report.csv"`)
			if string(body) != "pet,count\ndog,3\ncat,2\n" {
				t.Errorf("body %q", body)
			}
		}},
		{"countdown", request{method: "GET", path: "/countdown"}, 200, checkCountdown},
		{"missing", request{method: "GET", path: "/missing"}, 404, nil},
		{"large-request", request{method: "POST", path: "/echo", header: text, body: bytes.Repeat([]byte("x"), largeRequest)}, 200,
			func(t *testing.T, o *output, body []byte, r *result) {
				// The handler reads at most 1 MiB.
				if len(body) != 1<<20 {
					t.Errorf("echoed %d bytes, want %d", len(body), 1<<20)
				}
				expectCookies(t, functionURL, o, "echoed=1048576; Path=/")
			}},
	}
	for _, rt := range routes {
		p := payload{name: "route/" + rt.name, src: functionURL, data: functionURL.event(t, rt.req)}
		cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) {
			o, body, ok := expectStream(t, functionURL, r)
			if !ok {
				return
			}
			expectStatus(t, o, rt.status)
			if rt.check != nil {
				rt.check(t, o, body, r)
			}
		}})
	}
	oversized := functionURL.event(t, request{method: "POST", path: "/echo", header: text, body: bytes.Repeat([]byte("x"), oversizedRequest)})
	cases = append(cases, errorCases(t, functionURL, functionURL.event(t, hello), oversized)...)
	run(t, f, cases)
}

// countdownGap is the least time between the first line of GET
// /countdown and its last reaching the Runtime API. The handler flushes
// six lines 200 ms apart, so a body streamed as it is flushed spreads
// over a second (load only stretches it), and a body buffered before it
// is sent arrives at once.
const countdownGap = 300 * time.Millisecond

func checkCountdown(t *testing.T, o *output, body []byte, r *result) {
	t.Helper()
	expectHeader(t, o, "Content-Type", "text/plain; charset=utf-8")
	expectHeader(t, o, "X-Content-Type-Options", "nosniff")
	if string(body) != "5\n4\n3\n2\n1\n0\n" {
		t.Errorf("body %q, want the countdown", body)
		return
	}
	posted := r.post.body
	first, ok1 := r.post.firstAt(len(posted) - len(body) + 2) // prelude, separator, "5\n"
	last, ok2 := r.post.firstAt(len(posted))
	if !ok1 || !ok2 {
		t.Fatalf("no arrival times for the countdown: %v", r.post.arrivals)
	}
	gap := last.Sub(first)
	t.Logf("the countdown reached the Runtime API over %v, in %d reads", gap, len(r.post.arrivals))
	if gap < countdownGap {
		t.Errorf("the countdown's first line reached the Runtime API %v before its last, want at least %v: the response was not streamed as the handler flushed it", gap, countdownGap)
	}
}
