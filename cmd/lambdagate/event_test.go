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

func TestEventCommandReproducible(t *testing.T) {
	args := []string{"event", "--source", "rest", "--request-id", "r1", "--time", "2026-01-02T03:04:05Z", "/a"}
	var a, b bytes.Buffer
	run(args, nil, &a, new(bytes.Buffer))
	run(args, nil, &b, new(bytes.Buffer))
	if a.String() != b.String() || !json.Valid(a.Bytes()) {
		t.Errorf("fixed request id and time gave different events:\n%s\n%s", a.String(), b.String())
	}
}
