package handler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

func payload(t testing.TB, src event.Source, method, target string, body []byte) []byte {
	t.Helper()
	b, err := event.New(src, method, target, body).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var sources = []event.Source{event.REST, event.HTTPAPI, event.FunctionURL, event.ALB, event.ALBMultiValue, event.WebSocket}

// gatewayView reads an output the way the request's source does.
func gatewayView(src event.Source, out []byte) *response.Response {
	r, _ := gateway.OutputReader{Kind: src}.Read(out, false)
	return r
}

func TestInvokeEcho(t *testing.T) {
	h := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.JSON(http.StatusOK, map[string]any{
			"method": req.Method, "path": req.Path, "q": req.Query.Get("q"), "body": string(req.Body), "source": req.Source.String(),
		})
	})
	a := handler.NewAdapter(h)
	for _, src := range sources {
		out, err := a.Invoke(context.Background(), payload(t, src, "POST", "/items/1?q=x%20y", []byte("hello")))
		if err != nil {
			t.Fatalf("%v: Invoke: %v", src, err)
		}
		got := gatewayView(src, out)
		var m map[string]string
		if err := json.Unmarshal(got.Body, &m); err != nil {
			t.Fatalf("%v: body %q: %v", src, got.Body, err)
		}
		wantMethod, wantPath := "POST", "/items/1"
		if src == event.WebSocket {
			wantMethod, wantPath = "", "" // a MESSAGE event has neither
		}
		if got.Status() != 200 || m["method"] != wantMethod || m["path"] != wantPath || m["body"] != "hello" || m["source"] != src.String() {
			t.Errorf("%v: response %d %v", src, got.Status(), m)
		}
		if src != event.WebSocket && m["q"] != "x y" {
			t.Errorf("%v: query q = %q, want %q", src, m["q"], "x y")
		}
	}
}

// TestInvokeFailures checks that handler errors, panics, nil responses and
// unencodable responses become the gateway's error response for each
// source, or a function error where the source has no body of its own.
func TestInvokeFailures(t *testing.T) {
	handlers := map[string]handler.Func{
		"error": func(context.Context, *event.Request) (*response.Response, error) { return nil, errors.New("db down") },
		"panic": func(context.Context, *event.Request) (*response.Response, error) { panic("nil map") },
		"nil":   func(context.Context, *event.Request) (*response.Response, error) { return nil, nil },
		"crlf": func(context.Context, *event.Request) (*response.Response, error) {
			return &response.Response{Header: event.Header{{Name: "X", Value: "a\r\nInjected: 1"}}}, nil
		},
	}
	for name, h := range handlers {
		for _, src := range sources {
			var logs bytes.Buffer
			a := &handler.Adapter{Handler: h, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
			req := event.New(src, "GET", "/", nil)
			p, _ := req.MarshalJSON()
			out, err := a.Invoke(context.Background(), p)
			switch src {
			case event.ALB, event.ALBMultiValue, event.FunctionURL, event.WebSocket:
				if err == nil {
					t.Errorf("%s/%v: Invoke = %s, want a function error", name, src, out)
				}
			case event.REST:
				var v1 events.APIGatewayProxyResponse
				if err != nil || json.Unmarshal(out, &v1) != nil || v1.StatusCode != 502 ||
					v1.Body != `{"message":"Internal server error"}` ||
					fmt.Sprint(v1.MultiValueHeaders["x-amzn-ErrorType"]) != "[InternalServerErrorException]" {
					t.Errorf("%s/%v: Invoke = %s, %v; want the REST 502", name, src, out, err)
				}
			case event.HTTPAPI:
				var v2 events.APIGatewayV2HTTPResponse
				if err != nil || json.Unmarshal(out, &v2) != nil || v2.StatusCode != 500 || v2.Body != `{"message":"Internal Server Error"}` {
					t.Errorf("%s/%v: Invoke = %s, %v; want the HTTP API 500", name, src, out, err)
				}
			}
			if !strings.Contains(logs.String(), `"requestId":"`+req.RequestID+`"`) {
				t.Errorf("%s/%v: log lacks the request id: %s", name, src, logs.String())
			}
			if name == "panic" && !strings.Contains(logs.String(), "adapter_test.go") {
				t.Errorf("panic log lacks the stack: %s", logs.String())
			}
		}
	}
}

func TestInvokeNotAnEvent(t *testing.T) {
	a := handler.NewAdapter(handler.Func(func(context.Context, *event.Request) (*response.Response, error) {
		t.Error("handler called for a payload that is not an event")
		return nil, nil
	}))
	a.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, p := range []string{``, `{`, `{"Records":[]}`, `{"httpMethod":"GET","body":"%","isBase64Encoded":true}`} {
		if out, err := a.Invoke(context.Background(), []byte(p)); err == nil {
			t.Errorf("Invoke(%q) = %s, want an error", p, out)
		}
	}
}

// TestInvokeConcurrent runs many invokes at once, as the runtime does with
// AWS_LAMBDA_MAX_CONCURRENCY; run with -race.
func TestInvokeConcurrent(t *testing.T) {
	a := handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.Text(200, req.Query.Get("n")), nil
	}))
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := sources[i%len(sources)]
			if src == event.WebSocket {
				src = event.REST
			}
			out, err := a.Invoke(context.Background(), payload(t, src, "GET", fmt.Sprintf("/?n=%d", i), nil))
			if err != nil {
				t.Error(err)
				return
			}
			if got := gatewayView(src, out); string(got.Body) != fmt.Sprint(i) {
				t.Errorf("invoke %d got body %q", i, got.Body)
			}
		}()
	}
	wg.Wait()
}

// TestInvokeAllocs guards the invoke path's allocation count, the figure
// the benchmarks compare with aws-lambda-go.
func TestInvokeAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts in -short mode are not meaningful with -race")
	}
	body := []byte(`{"ok":true}`)
	a := handler.NewAdapter(handler.Func(func(context.Context, *event.Request) (*response.Response, error) {
		return response.RawJSON(200, body), nil
	}))
	for _, tt := range []struct {
		src  event.Source
		max  float64
		body []byte
	}{
		{event.HTTPAPI, 10, nil},
		{event.REST, 20, nil},
	} {
		p := payload(t, tt.src, "GET", "/pets/1?a=1", tt.body)
		n := testing.AllocsPerRun(200, func() {
			if _, err := a.Invoke(context.Background(), p); err != nil {
				t.Fatal(err)
			}
		})
		if n > tt.max {
			t.Errorf("%v: Invoke allocates %.0f times, want at most %.0f", tt.src, n, tt.max)
		}
	}
}

func TestInvokeStream(t *testing.T) {
	pr, pw := io.Pipe()
	a := handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		r := response.Stream(200, "text/plain", pr)
		r.Cookies = []string{"a=1"}
		return r, nil
	}))
	for _, src := range []event.Source{event.FunctionURL, event.REST} {
		pr, pw = io.Pipe()
		out, err := a.InvokeStream(context.Background(), payload(t, src, "GET", "/", nil))
		if err != nil {
			t.Fatal(err)
		}
		if ct, ok := out.(interface{ ContentType() string }); !ok || ct.ContentType() != handler.StreamContentType {
			t.Fatalf("stream output has no ContentType %q", handler.StreamContentType)
		}
		// Each chunk is readable before the next is written.
		go func() {
			for _, c := range []string{"one ", "two ", "three"} {
				pw.Write([]byte(c))
			}
			pw.Close()
		}()
		all, err := io.ReadAll(out)
		if err != nil {
			t.Fatal(err)
		}
		prelude, body, ok := bytes.Cut(all, make([]byte, 8))
		if !ok || string(body) != "one two three" {
			t.Fatalf("%v: stream output %q", src, all)
		}
		var p map[string]any
		if err := json.Unmarshal(prelude, &p); err != nil || p["statusCode"] != 200.0 {
			t.Errorf("%v: prelude %s: %v", src, prelude, err)
		}
		if src == event.FunctionURL && fmt.Sprint(p["cookies"]) != "[a=1]" {
			t.Errorf("function URL prelude %s lacks cookies", prelude)
		}
		if src == event.REST && !strings.Contains(string(prelude), `"Set-Cookie":["a=1"]`) {
			t.Errorf("REST prelude %s lacks Set-Cookie", prelude)
		}
	}
}

func TestChain(t *testing.T) {
	var order []string
	mw := func(name string) handler.Middleware {
		return func(next handler.Handler) handler.Handler {
			return handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
				order = append(order, name)
				return next.Serve(ctx, req)
			})
		}
	}
	h := handler.Chain(handler.Func(func(context.Context, *event.Request) (*response.Response, error) {
		order = append(order, "handler")
		return response.NoContent(), nil
	}), mw("a"), mw("b"))
	h.Serve(context.Background(), event.New(event.REST, "GET", "/", nil))
	if strings.Join(order, ",") != "a,b,handler" {
		t.Errorf("order = %v", order)
	}
}
