package nethttp_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/nethttp"
)

// FuzzServe feeds arbitrary paths, queries and header values of every
// source to a wrapped handler: it never panics, answers 200 or net/http's
// 400, and a handler that runs sees a path that round-trips through its
// RequestURI.
func FuzzServe(f *testing.F) {
	for _, s := range []string{"/", "/files/100%", "/users/me?admin=true", "/a%2Fb", "/%zz", "/a\nb", "//x", "/v1/pets/42"} {
		for src := event.REST; src <= event.FunctionURL; src++ {
			f.Add(uint8(src), s, "a=1&b=%zz", "v\r\n")
		}
	}
	h := nethttp.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.RequestURI == "" || !strings.HasPrefix(r.URL.EscapedPath(), "/") && r.URL.EscapedPath() != "" {
			panic("bad request URI " + r.RequestURI)
		}
		w.Header().Set("X-Path", r.URL.Path)
		w.Write([]byte(r.URL.Path))
	}))
	f.Fuzz(func(t *testing.T, src uint8, path, query, value string) {
		s := event.Source(src%6 + 1)
		req := &event.Request{Source: s, Method: "GET", Path: path, RawQuery: query, Header: event.Header{{Name: "X-V", Value: value}}, Resource: "/{proxy+}",
			PathParameters: event.Params{{Name: "proxy", Value: strings.TrimPrefix(path, "/")}}, RouteKey: "GET /{proxy+}"}
		if s == event.HTTPAPI || s == event.FunctionURL {
			req.Version = "2.0"
		}
		resp, err := h.Serve(context.Background(), req)
		if err != nil {
			t.Fatalf("Serve(%v %q %q): %v", s, path, query, err)
		}
		if st := resp.Status(); st != 200 && st != 400 {
			t.Fatalf("Serve(%v %q %q) = %d", s, path, query, st)
		}
		if _, err := (&handler.Adapter{Handler: h}).Invoke(context.Background(), mustMarshal(t, req)); err != nil && s != event.ALB && s != event.ALBMultiValue && s != event.FunctionURL {
			t.Fatalf("Invoke(%v %q %q): %v", s, path, query, err)
		}
	})
}

func mustMarshal(t *testing.T, r *event.Request) []byte {
	b, err := r.MarshalJSON()
	if err != nil {
		t.Skip(err)
	}
	return b
}
