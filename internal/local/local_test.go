package local_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/local"
	"github.com/lambdagate/lambdagate/response"
)

func echo() *lambdagate.Adapter {
	return lambdagate.NewAdapter(lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		switch req.Path {
		case "/panic":
			panic("boom")
		case "/slow":
			<-ctx.Done()
			return nil, ctx.Err()
		case "/cookies":
			r := response.Text(200, "c")
			r.Cookies = []string{"a=1", "b=2"}
			return r, nil
		}
		return response.Text(200, req.Method+" "+req.Path+" "+req.Stage+" "+string(req.Body)), nil
	}))
}

func do(t *testing.T, h http.Handler, method, target, body string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, strings.NewReader(body)))
	return rec.Result()
}

func text(r *http.Response) string {
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

func TestServer(t *testing.T) {
	httpAPI := &local.Server{Invoke: echo().Invoke}
	rest := &local.Server{Source: event.REST, Invoke: echo().Invoke}
	for _, tt := range []struct {
		name   string
		srv    *local.Server
		method string
		target string
		body   string
		status int
		want   string
		header [2]string
	}{
		{"http api root", httpAPI, "POST", "/a/b", "x", 200, "POST /a/b $default x", [2]string{"Apigw-Requestid", ""}},
		{"rest under stage", rest, "GET", "/prod/a", "", 200, "GET /a prod ", [2]string{"X-Amzn-Requestid", ""}},
		{"rest outside stage", rest, "GET", "/a", "", 403, `{"message":"Missing Authentication Token"}`, [2]string{"X-Amzn-Errortype", "MissingAuthenticationTokenException"}},
		{"rest panic", rest, "GET", "/prod/panic", "", 502, `{"message":"Internal server error"}`, [2]string{"X-Amzn-Errortype", "InternalServerErrorException"}},
		{"http api panic", httpAPI, "GET", "/panic", "", 500, `{"message":"Internal Server Error"}`, [2]string{}},
		{"too large", httpAPI, "POST", "/", strings.Repeat("x", 10<<20+1), 413, `{"message":"Request Too Long"}`, [2]string{}},
		{"cookies", httpAPI, "GET", "/cookies", "", 200, "c", [2]string{"Set-Cookie", "a=1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.srv, tt.method, tt.target, tt.body)
			if got := text(r); r.StatusCode != tt.status || got != tt.want {
				t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.target, r.StatusCode, got, tt.status, tt.want)
			}
			if tt.header[0] != "" {
				v := r.Header.Get(tt.header[0])
				if v == "" || tt.header[1] != "" && v != tt.header[1] {
					t.Errorf("header %s = %q, want %q", tt.header[0], v, tt.header[1])
				}
			}
		})
	}
}

func TestServerTimeout(t *testing.T) {
	for src, want := range map[event.Source]int{event.REST: 504, event.HTTPAPI: 503} {
		s := &local.Server{Source: src, Invoke: echo().Invoke, Timeout: 50 * time.Millisecond, Stage: "$default"}
		if src == event.REST {
			s.Stage = "s"
		}
		target := "/slow"
		if src == event.REST {
			target = "/s/slow"
		}
		start := time.Now()
		r := do(t, s, "GET", target, "")
		if r.StatusCode != want || time.Since(start) > 5*time.Second {
			t.Errorf("%v: timeout status %d after %v, want %d", src, r.StatusCode, time.Since(start), want)
		}
	}
}
