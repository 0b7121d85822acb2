package event_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
)

var update = flag.Bool("update", false, "update golden test files")

// captureTarget is the request of the live captures
// (docs/evidence/events.md#recorded-captures), sent to every source.
const captureTarget = "/capture/space%20value?repeat=one&repeat=two&redirect=https%3A%2F%2Fexample.com%2Fa%2Fb&literalPlus=a+b&encodedPlus=a%2Bb&empty="

func captureRequest(t testing.TB, src event.Source) *event.Request {
	t.Helper()
	h := http.Header{}
	h.Set("Cookie", "session=abc123; theme=dark")
	h.Add("X-Probe", "first")
	h.Add("X-Probe", "second")
	r, err := event.Builder{Source: src, Stage: stageFor(src), RequestID: "fixed-id", Time: time.Unix(1752148800, 0)}.
		Build("POST", captureTarget, h, []byte(`{"k":"v"}`))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func stageFor(src event.Source) string {
	switch src {
	case event.REST, event.WebSocket, event.HTTPAPI:
		return "live"
	}
	return ""
}

// TestBuilderCapture checks the fabricated events against what AWS sent
// for the same request in the recorded captures (docs/evidence/events.md#recorded-captures).
func TestBuilderCapture(t *testing.T) {
	for _, tt := range []struct {
		src        event.Source
		rawPath    string // the event's path field
		path       string // routing path
		ctxPath    string
		query      [][2]string // decoded query, in order
		rawQuery   string
		cookies    []string
		cookieHdr  bool // the Cookie header stays in headers
		probe      []string
		headerCase string // the name the X-Probe header carries
	}{
		{event.REST, "/capture/space%20value", "/capture/space%20value", "/live/capture/space%20value",
			[][2]string{{"repeat", "one"}, {"repeat", "two"}, {"redirect", "https://example.com/a/b"}, {"literalPlus", "a b"}, {"encodedPlus", "a+b"}, {"empty", ""}},
			"repeat=one&repeat=two&redirect=https%3A%2F%2Fexample.com%2Fa%2Fb&literalPlus=a+b&encodedPlus=a%2Bb&empty=",
			[]string{"session=abc123", "theme=dark"}, true, []string{"first", "second"}, "X-Probe"},
		{event.HTTPAPI, "/live/capture/space value", "/capture/space value", "/live/capture/space value",
			[][2]string{{"repeat", "one"}, {"repeat", "two"}, {"redirect", "https://example.com/a/b"}, {"literalPlus", "a b"}, {"encodedPlus", "a+b"}, {"empty", ""}},
			strings.TrimPrefix(captureTarget[strings.IndexByte(captureTarget, '?'):], "?"),
			[]string{"session=abc123", "theme=dark"}, false, []string{"first", "second"}, "x-probe"},
		{event.FunctionURL, "/capture/space%20value", "/capture/space%20value", "/capture/space value",
			[][2]string{{"repeat", "one"}, {"repeat", "two"}, {"redirect", "https://example.com/a/b"}, {"literalPlus", "a b"}, {"encodedPlus", "a+b"}, {"empty", ""}},
			strings.TrimPrefix(captureTarget[strings.IndexByte(captureTarget, '?'):], "?"),
			[]string{"session=abc123", "theme=dark"}, true, []string{"first", "second"}, "x-probe"},
		{event.ALBMultiValue, "/capture/space%20value", "/capture/space%20value", "",
			[][2]string{{"repeat", "one"}, {"repeat", "two"}, {"redirect", "https://example.com/a/b"}, {"literalPlus", "a b"}, {"encodedPlus", "a+b"}, {"empty", ""}},
			strings.TrimPrefix(captureTarget[strings.IndexByte(captureTarget, '?'):], "?"),
			[]string{"session=abc123", "theme=dark"}, true, []string{"first", "second"}, "x-probe"},
	} {
		t.Run(tt.src.String(), func(t *testing.T) {
			built := captureRequest(t, tt.src)
			// Everything below must hold both for the built request and
			// for the request decoded from its JSON.
			b, _ := built.MarshalJSON()
			decoded, err := event.Decode(b)
			if err != nil {
				t.Fatalf("Decode(MarshalJSON()): %v\n%s", err, b)
			}
			for name, r := range map[string]*event.Request{"built": built, "decoded": decoded} {
				if r.RawPath != tt.rawPath || r.Path != tt.path || r.Context.Path != tt.ctxPath {
					t.Errorf("%s: RawPath, Path, Context.Path = %q, %q, %q; want %q, %q, %q", name, r.RawPath, r.Path, r.Context.Path, tt.rawPath, tt.path, tt.ctxPath)
				}
				var q [][2]string
				for _, f := range r.Query {
					q = append(q, [2]string{f.Name, f.Value})
				}
				if !cmp.Equal(q, tt.query) {
					t.Errorf("%s: Query = %q, want %q", name, q, tt.query)
				}
				if r.RawQuery != tt.rawQuery {
					t.Errorf("%s: RawQuery = %q, want %q", name, r.RawQuery, tt.rawQuery)
				}
				if !cmp.Equal(r.Cookies, tt.cookies) {
					t.Errorf("%s: Cookies = %q, want %q", name, r.Cookies, tt.cookies)
				}
				if r.Header.Has("Cookie") != tt.cookieHdr {
					t.Errorf("%s: Cookie header present = %v, want %v", name, r.Header.Has("Cookie"), tt.cookieHdr)
				}
				probe := r.Header.Values("x-probe")
				if tt.src == event.HTTPAPI || tt.src == event.FunctionURL {
					probe = strings.Split(r.Header.Get("x-probe"), ",")
				}
				if !cmp.Equal(probe, tt.probe) {
					t.Errorf("%s: X-Probe = %q, want %q", name, probe, tt.probe)
				}
				if !strings.Contains(string(b), `"`+tt.headerCase+`"`) {
					t.Errorf("%s: header name %q not in event %s", name, tt.headerCase, b)
				}
				if string(r.Body) != `{"k":"v"}` {
					t.Errorf("%s: Body = %q", name, r.Body)
				}
			}
		})
	}
}

// TestBuilderGolden pins every source's fabricated event byte for byte.
// The ids derive from the fixed RequestID, so the files are stable.
func TestBuilderGolden(t *testing.T) {
	for _, src := range []event.Source{event.REST, event.HTTPAPI, event.FunctionURL, event.ALB, event.ALBMultiValue, event.WebSocket} {
		r := captureRequest(t, src)
		got, _ := json.MarshalIndent(r, "", "  ")
		file := filepath.Join("testdata", "built-"+src.String()+".json")
		if *update {
			os.WriteFile(file, append(got, '\n'), 0o644)
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(append(got, '\n'), want) {
			t.Errorf("%s differs:\n%s", file, got)
		}
	}
	v1 := event.Builder{Source: event.HTTPAPI, Version: "1.0", RequestID: "fixed-id", Time: time.Unix(1752148800, 0)}
	r, err := v1.Build("GET", "/pets?a=1", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.MarshalJSON()
	var m map[string]any
	json.Unmarshal(b, &m)
	if m["version"] != "1.0" || m["httpMethod"] != "GET" || m["requestContext"].(map[string]any)["stage"] != "$default" {
		t.Errorf("HTTP API payload 1.0 event = %s", b)
	}
}

// TestBuiltRoundTrip decodes every built event and checks it equals the
// request it was built from.
func TestBuiltRoundTrip(t *testing.T) {
	for _, src := range []event.Source{event.REST, event.HTTPAPI, event.FunctionURL, event.ALB, event.ALBMultiValue, event.WebSocket} {
		for _, target := range []string{"/", "/a/b%2Fc?x=1&x=2&y=%E2%9C%93", "/pets/1"} {
			for _, body := range [][]byte{nil, []byte("text"), {0xff, 0x00, 0x10}} {
				h := http.Header{"Content-Type": {"application/octet-stream"}}
				r, err := event.Builder{Source: src, BinaryMediaTypes: []string{"application/octet-stream"}}.Build("PUT", target, h, body)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := r.MarshalJSON()
				back, err := event.Decode(b)
				if err != nil {
					t.Fatalf("%v %s: Decode: %v\n%s", src, target, err, b)
				}
				if diff := cmp.Diff(r, back, jsonEqual, anyOrder); diff != "" {
					t.Errorf("%v %s %q: round trip (-built +decoded):\n%s", src, target, body, diff)
				}
			}
		}
	}
}

func TestBuilderRules(t *testing.T) {
	// HTTP APIs send text types as text and everything else in base64,
	// a missing Content-Type included [3P] (docs/evidence/events.md#http-api-bodies).
	for ct, want := range map[string]bool{
		"text/plain": false, "application/json; charset=utf-8": false, "application/xml": false,
		"application/javascript": false, "": true, "application/x-www-form-urlencoded": true,
		"multipart/form-data; boundary=x": true, "application/octet-stream": true,
	} {
		h := http.Header{}
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		r, _ := event.Builder{Source: event.HTTPAPI}.Build("POST", "/", h, []byte("x"))
		if r.IsBase64Encoded != want {
			t.Errorf("HTTP API body with Content-Type %q: IsBase64Encoded = %v, want %v", ct, r.IsBase64Encoded, want)
		}
	}
	// REST sends binary only for binaryMediaTypes [DOC] (docs/evidence/events.md#rest-bodies).
	for _, tt := range []struct {
		types []string
		ct    string
		want  bool
	}{
		{nil, "image/png", false},
		{[]string{"image/png"}, "image/png", true},
		{[]string{"image/*"}, "image/jpeg", true},
		{[]string{"*/*"}, "text/plain", true},
		{[]string{"image/png"}, "image/jpeg", false},
	} {
		r, _ := event.Builder{Source: event.REST, BinaryMediaTypes: tt.types}.Build("POST", "/", http.Header{"Content-Type": {tt.ct}}, []byte("x"))
		if r.IsBase64Encoded != tt.want {
			t.Errorf("REST binaryMediaTypes %q, Content-Type %q: IsBase64Encoded = %v, want %v", tt.types, tt.ct, r.IsBase64Encoded, tt.want)
		}
	}
	// REST collapses leading duplicate slashes in path only [REC] (docs/evidence/events.md#rest-paths).
	r := event.Builder{Source: event.REST, Stage: "stage"}
	req, _ := r.Build("GET", "//proxy-value", nil, nil)
	if req.RawPath != "/proxy-value" || req.Context.Path != "/stage//proxy-value" {
		t.Errorf("REST //proxy-value: path %q, requestContext.path %q", req.RawPath, req.Context.Path)
	}
	// A named HTTP API stage prefixes rawPath, but not the routing path.
	req, _ = event.Builder{Source: event.HTTPAPI, Stage: "dev"}.Build("GET", "/pets", nil, nil)
	if req.RawPath != "/dev/pets" || req.Path != "/pets" || req.Stage != "dev" {
		t.Errorf("HTTP API stage dev: RawPath %q Path %q Stage %q", req.RawPath, req.Path, req.Stage)
	}
	// Absent collections: null for REST, omitted for payload 2.0 [REC] (docs/evidence/events.md#absent-collections).
	b, _ := event.New(event.REST, "GET", "/", nil).MarshalJSON()
	for _, k := range []string{`"queryStringParameters":null`, `"multiValueQueryStringParameters":null`, `"pathParameters":null`, `"stageVariables":null`, `"body":null`} {
		if !bytes.Contains(b, []byte(k)) {
			t.Errorf("REST event lacks %s: %s", k, b)
		}
	}
	b, _ = event.New(event.HTTPAPI, "GET", "/", nil).MarshalJSON()
	for _, k := range []string{`"queryStringParameters"`, `"pathParameters"`, `"stageVariables"`, `"body"`, `"cookies"`} {
		if bytes.Contains(b, []byte(k)) {
			t.Errorf("HTTP API event has %s: %s", k, b)
		}
	}
}

func TestNewPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New with a bad target did not panic")
		}
	}()
	event.New(event.REST, "GET", "no-slash", nil)
}

func ExampleNew() {
	req := event.New(event.HTTPAPI, "GET", "/pets/7?fields=name", nil)
	fmt.Println(req.Source, req.Method, req.Path, req.Query.Get("fields"), req.RouteKey)
	// Output: http GET /pets/7 name $default
}
