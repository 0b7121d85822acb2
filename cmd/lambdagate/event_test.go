package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
)

func TestEventCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "body.bin")
	os.WriteFile(file, []byte{0x89, 'P', 'N', 'G'}, 0o644)
	for _, tt := range []struct {
		args   []string
		stdin  string
		check  func(t *testing.T, r *event.Request)
		status int
	}{
		{[]string{"--source", "http", "-H", "X-A: 1", "--stage", "dev", "/pets/1?q=a+b"}, "", func(t *testing.T, r *event.Request) {
			if r.Source != event.HTTPAPI || r.Method != "GET" || r.RawPath != "/dev/pets/1" || r.Query.Get("q") != "a b" || r.Header.Get("x-a") != "1" {
				t.Errorf("http event: %+v", r)
			}
		}, 0},
		{[]string{"--source", "rest", "-X", "PUT", "-d", `{"a":1}`, "-H", "Content-Type: application/json", "https://api.example.com/items"}, "", func(t *testing.T, r *event.Request) {
			if r.Source != event.REST || r.Method != "PUT" || string(r.Body) != `{"a":1}` || r.Stage != "prod" || r.Host() != "api.example.com" {
				t.Errorf("rest event: %+v", r)
			}
		}, 0},
		{[]string{"--source", "url", "--data-binary", "@" + file, "-H", "Content-Type: image/png", "/up"}, "", func(t *testing.T, r *event.Request) {
			if r.Source != event.FunctionURL || r.Method != "POST" || !r.IsBase64Encoded || string(r.Body) != "\x89PNG" {
				t.Errorf("url event: %+v", r)
			}
		}, 0},
		{[]string{"--source", "alb", "-d", "@-", "/x?a=%2B"}, "from stdin", func(t *testing.T, r *event.Request) {
			if r.Source != event.ALB || string(r.Body) != "from stdin" || r.RawQuery != "a=%2B" || r.Query.Get("a") != "+" {
				t.Errorf("alb event: %+v", r)
			}
		}, 0},
		{[]string{"--source", "ws", "-d", "hi", "--route", "sendmessage", "/"}, "", func(t *testing.T, r *event.Request) {
			if r.Source != event.WebSocket || r.RouteKey != "sendmessage" || r.Context.EventType != "MESSAGE" {
				t.Errorf("ws event: %+v", r)
			}
		}, 0},
		{[]string{"--route", "GET /pets/{id}", "/pets/1"}, "", func(t *testing.T, r *event.Request) {
			if r.RouteKey != "GET /pets/{id}" || r.PathParameters.Get("id") != "1" {
				t.Errorf("routed http event: route %q params %v", r.RouteKey, r.PathParameters)
			}
		}, 0},
		{[]string{"--source", "rest", "--route", "GET /pets/{id}", "--stage-var", "env=dev", "/pets/1"}, "", func(t *testing.T, r *event.Request) {
			if r.Resource != "/pets/{id}" || r.PathParameters.Get("id") != "1" || r.StageVariables.Get("env") != "dev" || r.Context.ResourcePath != "/pets/{id}" {
				t.Errorf("routed rest event: resource %q params %v stage variables %v", r.Resource, r.PathParameters, r.StageVariables)
			}
		}, 0},
		{[]string{"--source", "rest", "--route", "/files/{proxy+}", "/files/a/b"}, "", func(t *testing.T, r *event.Request) {
			if r.Resource != "/files/{proxy+}" || r.PathParameters.Get("proxy") != "a/b" {
				t.Errorf("rest resource route: resource %q params %v", r.Resource, r.PathParameters)
			}
		}, 0},
		{[]string{"--route", "GET /pets/{id}", "--param", "id=9", "--param", "extra=x", "/pets/1"}, "", func(t *testing.T, r *event.Request) {
			if r.PathParameters.Get("id") != "9" || r.PathParameters.Get("extra") != "x" {
				t.Errorf("--param: params %v", r.PathParameters)
			}
		}, 0},
		{[]string{"--authorizer", `{"lambda":{"user":"u1"}}`, "/"}, "", func(t *testing.T, r *event.Request) {
			var a struct{ Lambda struct{ User string } }
			if json.Unmarshal(r.Authorizer.JSON, &a) != nil || a.Lambda.User != "u1" {
				t.Errorf("--authorizer: authorizer %s", r.Authorizer.JSON)
			}
		}, 0},
		{[]string{"--source", "ws", "--route", "$connect", "/"}, "", func(t *testing.T, r *event.Request) {
			if r.Context.EventType != "CONNECT" || r.RouteKey != "$connect" || r.Method != "" {
				t.Errorf("ws $connect: event type %q route %q method %q", r.Context.EventType, r.RouteKey, r.Method)
			}
		}, 0},
		{[]string{"--source", "ws", "--route", "$disconnect", "/"}, "", func(t *testing.T, r *event.Request) {
			if r.Context.EventType != "DISCONNECT" || r.RouteKey != "$disconnect" {
				t.Errorf("ws $disconnect: event type %q route %q", r.Context.EventType, r.RouteKey)
			}
		}, 0},
		{[]string{"--source", "alb", "/x"}, "", func(t *testing.T, r *event.Request) {
			if !strings.HasSuffix(r.Host(), ".elb.amazonaws.com") || r.Header.Get("x-forwarded-port") != "80" || r.Header.Get("x-forwarded-proto") != "http" {
				t.Errorf("alb event: host %q port %q proto %q", r.Host(), r.Header.Get("x-forwarded-port"), r.Header.Get("x-forwarded-proto"))
			}
		}, 0},
		{[]string{"--source", "url", "https://abc.lambda-url.eu-west-1.on.aws/x"}, "", func(t *testing.T, r *event.Request) {
			if r.Host() != "abc.lambda-url.eu-west-1.on.aws" || r.DomainName != "abc.lambda-url.eu-west-1.on.aws" {
				t.Errorf("absolute URL: host %q domain %q", r.Host(), r.DomainName)
			}
		}, 0},
		{[]string{"--route", "GET /cats/{id}", "/pets/1"}, "", nil, 1},
		{[]string{"--param", "noequals", "/"}, "", nil, 2},
		{[]string{"--authorizer", "[1]", "/"}, "", nil, 2},
		{[]string{"--source", "nope", "/"}, "", nil, 2},
		{[]string{"-H", "bad", "/"}, "", nil, 2},
		{[]string{"relative"}, "", nil, 1},
		{[]string{}, "", nil, 2},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"event"}, tt.args...), strings.NewReader(tt.stdin), &out, &errOut)
		if code != tt.status {
			t.Errorf("lambdagate event %q: exit %d, want %d (%s)", tt.args, code, tt.status, errOut.String())
			continue
		}
		if tt.check == nil {
			continue
		}
		r, err := event.Decode(out.Bytes())
		if err != nil {
			t.Errorf("lambdagate event %q printed an event Decode refuses: %v\n%s", tt.args, err, out.String())
			continue
		}
		tt.check(t, r)
	}
}

// TestEventCommandNoHTMLEscaping checks that the printed event keeps &, <
// and > as they are, as AWS's events do, inside strings only.
func TestEventCommandNoHTMLEscaping(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"event", "-H", `X-Tricky: a\u0026<b>`, "/x?a=1&b=%3C2%3E"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{`"rawQueryString": "a=1&b=%3C2%3E"`, `"b": "<2>"`, `"x-tricky": "a\\u0026<b>"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), `\u003c`) || strings.Contains(out.String(), `\u0026`+"1") {
		t.Errorf("output HTML-escaped:\n%s", out.String())
	}
	if _, err := event.Decode(out.Bytes()); err != nil {
		t.Errorf("the unescaped output does not decode: %v", err)
	}
}

func TestEventCommandReproducible(t *testing.T) {
	args := []string{"event", "--source", "rest", "--request-id", "r1", "--time", "2026-01-02T03:04:05Z", "/a"}
	var a, b bytes.Buffer
	run(args, nil, &a, new(bytes.Buffer))
	run(args, nil, &b, new(bytes.Buffer))
	if a.String() != b.String() || !json.Valid(a.Bytes()) {
		t.Errorf("fixed request id and time gave different events:\n%s\n%s", a.String(), b.String())
	}
}
