package event_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/quota"
)

func TestDecodeBadInput(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000)
	for _, tt := range []struct {
		name, in, want string
	}{
		{"empty", ``, "unexpected end of input"},
		{"null", `null`, "payload is null"},
		{"array", `[]`, "want object"},
		{"truncated", `{"version":"2.0","rawPath":"/a`, "unterminated string"},
		{"truncated object", `{"version":"2.0"`, "unexpected end of input"},
		{"trailing data", `{"httpMethod":"GET"} x`, "after top-level value"},
		{"trailing comma", `{"httpMethod":"GET",}`, "after ','"},
		{"bad literal", `{"isBase64Encoded":tru}`, "invalid literal"},
		{"duplicate key", `{"httpMethod":"GET","httpMethod":"POST"}`, `duplicate key "httpMethod"`},
		{"duplicate folded key", `{"httpMethod":"GET","HTTPMETHOD":"POST"}`, `duplicate key "httpMethod"`},
		{"duplicate header", `{"httpMethod":"GET","headers":{"a":"1","a":"2"}}`, `headers: duplicate key "a"`},
		{"duplicate context key", `{"version":"2.0","requestContext":{"stage":"a","stage":"b"}}`, `requestContext.stage: duplicate key "stage"`},
		{"wrong type", `{"httpMethod":5}`, "httpMethod: invalid JSON at offset 14: unexpected '5', want string"},
		{"headers not object", `{"httpMethod":"GET","headers":[]}`, "headers: invalid JSON"},
		{"header value not string", `{"httpMethod":"GET","headers":{"a":1}}`, "want string"},
		{"epoch fraction", `{"version":"2.0","requestContext":{"timeEpoch":1.5}}`, "not a 64-bit integer"},
		{"invalid utf-8", "{\"httpMethod\":\"G\xffT\"}", "invalid UTF-8"},
		{"control char", "{\"httpMethod\":\"G\tT\"}", "control character"},
		{"bad escape", `{"httpMethod":"\q"}`, "invalid escape"},
		{"bad unicode escape", `{"httpMethod":"\u12"}`, `invalid \u escape`},
		{"invalid base64", `{"httpMethod":"GET","body":"%%%","isBase64Encoded":true}`, "body: invalid base64"},
		{"deep nesting", `{"x":` + deep + `}`, "nesting deeper than"},
		{"unknown shape", `{"Records":[]}`, "not an HTTP event of a known source"},
		{"authorizer event", `{"type":"TOKEN","methodArn":"arn:x","authorizationToken":"t"}`, "an authorizer event"},
	} {
		_, err := event.Decode([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Decode(%.60q) error = %v, want it to contain %q", tt.name, tt.in, err, tt.want)
		}
		var de *event.DecodeError
		if err != nil && !errors.As(err, &de) {
			t.Errorf("%s: error %T is not a *DecodeError", tt.name, err)
		}
	}
}

// TestDecodeLimits checks the payload and depth limits, the defaults
// (the zero Limits, and Decode) included.
func TestDecodeLimits(t *testing.T) {
	// payload returns an event of exactly n bytes (n >= 64).
	payload := func(n int) []byte {
		const head, tail = `{"httpMethod":"GET","body":"`, `"}`
		return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
	}
	// nested returns an event whose authorizer is depth levels deep.
	nested := func(depth int) []byte {
		return []byte(`{"httpMethod":"GET","requestContext":{"authorizer":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}}`)
	}
	decode := func(l *event.Limits, p []byte) error {
		if l == nil {
			_, err := event.Decode(p)
			return err
		}
		_, err := l.Decode(p)
		return err
	}
	for _, tt := range []struct {
		name       string
		limits     *event.Limits // nil: Decode
		maxPayload int
		maxDepth   int
	}{
		{"Decode", nil, quota.LambdaRequest, 1000},
		{"zero Limits", &event.Limits{}, quota.LambdaRequest, 1000},
		{"negative Limits", &event.Limits{MaxPayload: -1, MaxDepth: -1}, quota.LambdaRequest, 1000},
		{"small", &event.Limits{MaxPayload: 100, MaxDepth: 3}, 100, 3},
		{"larger than the quota", &event.Limits{MaxPayload: 10 << 20, MaxDepth: 2000}, 10 << 20, 2000},
	} {
		if err := decode(tt.limits, payload(tt.maxPayload)); err != nil {
			t.Errorf("%s: payload of %d bytes: %v", tt.name, tt.maxPayload, err)
		}
		want := fmt.Sprintf("payload of %d bytes is over the %d byte limit", tt.maxPayload+1, tt.maxPayload)
		if err := decode(tt.limits, payload(tt.maxPayload+1)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: payload of %d bytes: %v, want %q", tt.name, tt.maxPayload+1, err, want)
		}
		if err := decode(tt.limits, nested(tt.maxDepth)); err != nil {
			t.Errorf("%s: authorizer %d levels deep: %v", tt.name, tt.maxDepth, err)
		}
		want = fmt.Sprintf("nesting deeper than %d", tt.maxDepth)
		if err := decode(tt.limits, nested(tt.maxDepth+1)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: authorizer %d levels deep: %v, want %q", tt.name, tt.maxDepth+1, err, want)
		}
	}
}

// TestDecodeDoesNotRetainPayload checks that reusing the payload buffer
// after Decode leaves the request unchanged.
func TestDecodeDoesNotRetainPayload(t *testing.T) {
	payload := []byte(`{"version":"2.0","rawPath":"/pets","requestContext":{"http":{"method":"GET"},"routeKey":"$default","stage":"$default"},"body":"hello"}`)
	r, err := event.Decode(payload)
	if err != nil {
		t.Fatal(err)
	}
	for i := range payload {
		payload[i] = 'x'
	}
	if r.Path != "/pets" || r.Method != "GET" || string(r.Body) != "hello" {
		t.Errorf("request changed with the payload: %q %q %q", r.Path, r.Method, r.Body)
	}
}

func TestDecodeEscapes(t *testing.T) {
	r, err := event.Decode([]byte(`{"version":"2.0","rawPath":"/caf\u00e9/\ud83d\ude00\"q\"","requestContext":{"routeKey":"$default","http":{"method":"GET"}},"headers":{"x":"a\/b\\c\n"},"body":"\u0000\u2028"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Path != "/café/😀\"q\"" || r.Header.Get("x") != "a/b\\c\n" || string(r.Body) != "\x00\u2028" {
		t.Errorf("decoded %q %q %q", r.Path, r.Header.Get("x"), r.Body)
	}
}

// uniform is what a handler reads from a request, whatever its source.
type uniform struct {
	Method, Path  string
	Header        []event.Field
	Query         []event.Field
	Cookies       []string
	Body          string
	Stage, Source string
}

func uniformOf(r *event.Request) uniform {
	return uniform{r.Method, r.Path, r.Header, r.Query, r.Cookies, string(r.Body), r.Stage, r.Source.String()}
}

// typedUniform derives the uniform view from an event decoded by
// encoding/json into aws-lambda-go's types, with the same documented
// rules, written independently of the decoder.
func typedUniform(t *testing.T, src event.Source, v1 bool, raw []byte) (uniform, bool) {
	var u uniform
	u.Source = src.String()
	body := func(s string, b64 bool) (string, bool) {
		if !b64 {
			return s, true
		}
		b, err := jsonBase64(s)
		return string(b), err == nil
	}
	switch {
	case !v1:
		var e events.APIGatewayV2HTTPRequest
		if json.Unmarshal(raw, &e) != nil {
			return u, false
		}
		u.Method, u.Stage = e.RequestContext.HTTP.Method, e.RequestContext.Stage
		u.Path = e.RawPath
		if src == event.HTTPAPI && e.RequestContext.Stage != "" && e.RequestContext.Stage != "$default" {
			if p, ok := strings.CutPrefix(e.RawPath, "/"+e.RequestContext.Stage); ok && (p == "" || p[0] == '/') {
				u.Path = p
				if p == "" {
					u.Path = "/"
				}
			}
		}
		for _, k := range sortedKeysOf(e.Headers) {
			u.Header = append(u.Header, event.Field{Name: k, Value: e.Headers[k]})
		}
		if e.RawQueryString != "" {
			for kv := range strings.SplitSeq(e.RawQueryString, "&") {
				if kv == "" {
					continue
				}
				k, v, _ := strings.Cut(kv, "=")
				u.Query = append(u.Query, event.Field{Name: unescapeQuery(k), Value: unescapeQuery(v)})
			}
		} else {
			for _, k := range sortedKeysOf(e.QueryStringParameters) {
				u.Query = append(u.Query, event.Field{Name: k, Value: e.QueryStringParameters[k]})
			}
		}
		u.Cookies = e.Cookies
		var ok bool
		if u.Body, ok = body(e.Body, e.IsBase64Encoded); !ok {
			return u, false
		}
	default:
		var e events.APIGatewayProxyRequest
		if json.Unmarshal(raw, &e) != nil {
			return u, false
		}
		u.Method, u.Path, u.Stage = e.HTTPMethod, e.Path, e.RequestContext.Stage
		if u.Method == "" {
			u.Method = e.RequestContext.HTTPMethod
		}
		for _, k := range sortedKeysOf(e.MultiValueHeaders) {
			for _, v := range e.MultiValueHeaders[k] {
				u.Header = append(u.Header, event.Field{Name: k, Value: v})
			}
		}
	single:
		for _, k := range sortedKeysOf(e.Headers) {
			for mk := range e.MultiValueHeaders {
				if strings.EqualFold(mk, k) {
					continue single
				}
			}
			u.Header = append(u.Header, event.Field{Name: k, Value: e.Headers[k]})
		}
		for _, k := range sortedKeysOf(e.MultiValueQueryStringParameters) {
			for _, v := range e.MultiValueQueryStringParameters[k] {
				u.Query = append(u.Query, event.Field{Name: k, Value: v})
			}
		}
		for _, k := range sortedKeysOf(e.QueryStringParameters) {
			if _, ok := e.MultiValueQueryStringParameters[k]; !ok {
				u.Query = append(u.Query, event.Field{Name: k, Value: e.QueryStringParameters[k]})
			}
		}
		for _, f := range u.Header {
			if strings.EqualFold(f.Name, "cookie") {
				for c := range strings.SplitSeq(f.Value, ";") {
					if c = strings.TrimSpace(c); c != "" {
						u.Cookies = append(u.Cookies, c)
					}
				}
			}
		}
		var ok bool
		if u.Body, ok = body(e.Body, e.IsBase64Encoded); !ok {
			return u, false
		}
	}
	return u, true
}

// FuzzDecode checks the decoder never panics and, for every input both
// accept, agrees with encoding/json decoding into aws-lambda-go's types on
// what a handler reads: method, paths, headers, query, cookies and body.
func FuzzDecode(f *testing.F) {
	for name := range sampleSources {
		f.Add(readSample(f, name))
	}
	for _, s := range []string{
		`{"version":"2.0","rawPath":"/dev/a","requestContext":{"stage":"dev","routeKey":"$default","http":{"method":"GET"}}}`,
		`{"httpMethod":"GET","path":"/a%20b","multiValueHeaders":{"A":["1","2"]},"headers":{"a":"2","B":"3"}}`,
		`{"httpMethod":"POST","body":"aGk=","isBase64Encoded":true}`,
		`{"version":"2.0","rawQueryString":"a=1&a=%zz&b=+","requestContext":{"routeKey":"x","http":{"method":"PUT"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := event.Decode(data)
		if err != nil {
			return
		}
		// Everything Decode accepts encodes and decodes to itself.
		b, _ := r.MarshalJSON()
		back, err := event.Decode(b)
		if err != nil {
			t.Fatalf("Decode(MarshalJSON()) of %q: %v\n%s", data, err, b)
		}
		if uniformOf(back).Method != r.Method || string(back.Body) != string(r.Body) {
			t.Fatalf("round trip changed the request: %q", data)
		}
		if r.Source == event.ALB || r.Source == event.ALBMultiValue || r.Source == event.WebSocket {
			return // their query and header rules are checked by the table tests
		}
		want, ok := typedUniform(t, r.Source, r.V1(), data)
		if !ok {
			return
		}
		got := uniformOf(r)
		sortFields(got.Header)
		sortFields(want.Header)
		if r.V1() || r.RawQuery == "" {
			sortFields(got.Query)
			sortFields(want.Query)
		}
		if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
			t.Fatalf("Decode(%q) differs from encoding/json (-json +decode):\n%s", data, diff)
		}
	})
}
