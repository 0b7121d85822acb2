package lambdagate

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
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
		return response.Text(200, req.Source.String()+" "+string(req.Version)+" "+req.Stage+" "+req.Path), nil
	})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	custom := gateway.API{Kind: event.REST, Stages: []gateway.Stage{{Name: "v1"}},
		Routes: []gateway.Route{{Key: "GET /only", Integration: gateway.Proxy{Function: NewAdapter(h)}}}}
	for _, tt := range []struct {
		env    map[string]string
		args   []string
		local  Local
		target string
		want   string
	}{
		{nil, []string{"-addr=127.0.0.1:0"}, Local{}, "/pets", "http 2.0 $default /pets"},
		{map[string]string{"LAMBDAGATE_SOURCE": "rest", "LAMBDAGATE_ADDR": "127.0.0.1:0"}, nil, Local{}, "/prod/pets", "rest  prod /pets"},
		{map[string]string{"LAMBDAGATE_SOURCE": "http1"}, []string{"--addr", "127.0.0.1:0"}, Local{Stage: "dev"}, "/dev/pets", "http 1.0 dev /pets"},
		{nil, []string{"-addr=127.0.0.1:0"}, Local{Kind: event.FunctionURL}, "/pets", "url 2.0  /pets"},
		{nil, []string{"-addr=127.0.0.1:0"}, Local{Kind: event.ALBMultiValue}, "/pets", "alb-multivalue   /pets"},
		{nil, []string{"-addr=127.0.0.1:0"}, Local{API: &custom}, "/v1/only", "rest  v1 /only"},
	} {
		var root string
		tt.local.Ready = func(u string) { root = u }
		f := Function{Handler: h, Logger: quiet, Local: tt.local}
		fn, err := f.function()
		if err != nil {
			t.Fatal(err)
		}
		srv, ln, err := f.listenLocal(fn, tt.args, func(k string) string { return tt.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		hs := &http.Server{Handler: srv}
		go hs.Serve(ln)
		resp, err := http.Get(root + tt.target)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		hs.Close()
		if string(b) != tt.want {
			t.Errorf("env %v args %q: GET %s%s = %q, want %q", tt.env, tt.args, root, tt.target, b, tt.want)
		}
	}
	f := Function{Handler: h}
	fn, _ := f.function()
	if _, _, err := f.listenLocal(fn, nil, func(k string) string {
		return map[string]string{"LAMBDAGATE_SOURCE": "sqs"}[k]
	}); err == nil || !strings.Contains(err.Error(), `"sqs"`) {
		t.Errorf("unknown LAMBDAGATE_SOURCE: %v", err)
	}
	for _, bad := range []Function{{}, {Handler: h, Invoker: NewAdapter(h)}, {Invoker: invokerOnly{}, InvokeMode: ResponseStream}} {
		if _, err := bad.function(); err == nil {
			t.Errorf("Function %+v: no error", bad)
		}
	}
}

type invokerOnly struct{}

func (invokerOnly) Invoke(context.Context, []byte) ([]byte, error) { return nil, nil }
