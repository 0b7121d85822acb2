package lambdagate

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

func TestFlagValue(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
		ok   bool
	}{
		{[]string{"-addr=127.0.0.1:1"}, "127.0.0.1:1", true},
		{[]string{"--addr", "127.0.0.1:2"}, "127.0.0.1:2", true},
		{[]string{"-v", "-addr", "x:3", "rest"}, "x:3", true},
		{[]string{"--", "-addr=no"}, "", false},
		{[]string{"-address=no"}, "", false},
		{[]string{"-addr"}, "", false},
	} {
		got, ok := flagValue(tt.args, "addr")
		if got != tt.want || ok != tt.ok {
			t.Errorf("flagValue(%q) = %q, %v; want %q, %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
}

// TestStartLocal serves a handler the way Start does outside Lambda, on a
// loopback port, and calls it with a real client.
func TestStartLocal(t *testing.T) {
	h := HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.Text(200, req.Source.String()+" "+req.Stage+" "+req.Path), nil
	})
	a := &Adapter{Handler: h, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, tt := range []struct {
		env    map[string]string
		args   []string
		opts   []Option
		target string
		want   string
	}{
		{nil, []string{"-addr=127.0.0.1:0"}, nil, "/pets", "http $default /pets"},
		{map[string]string{"LAMBDAGATE_SOURCE": "rest", "LAMBDAGATE_ADDR": "127.0.0.1:0"}, nil, nil, "/pets", "rest prod /pets"},
		{map[string]string{"LAMBDAGATE_SOURCE": "http1"}, []string{"--addr", "127.0.0.1:0"}, []Option{WithLocalStage("dev")}, "/pets", "http dev /pets"},
		{nil, []string{"-addr=127.0.0.1:0"}, []Option{WithLocal(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "custom "+r.URL.Path)
		}))}, "/pets", "custom /pets"},
	} {
		var c startConfig
		for _, o := range tt.opts {
			o.apply(&c)
		}
		var base string
		c.ready = func(u string) { base = u }
		srv, ln, err := listenLocal(a, &c, tt.args, func(k string) string { return tt.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		hs := &http.Server{Handler: srv}
		go hs.Serve(ln)
		resp, err := http.Get(base + tt.target)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		hs.Close()
		if string(b) != tt.want {
			t.Errorf("env %v args %q: GET %s%s = %q, want %q", tt.env, tt.args, base, tt.target, b, tt.want)
		}
	}
	if _, _, err := listenLocal(a, &startConfig{}, nil, func(k string) string {
		return map[string]string{"LAMBDAGATE_SOURCE": "sqs"}[k]
	}); err == nil || !strings.Contains(err.Error(), `"sqs"`) {
		t.Errorf("unknown LAMBDAGATE_SOURCE: %v", err)
	}
}
