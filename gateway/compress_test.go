package gateway_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// TestCompression checks when a REST API with a minimum compression size
// compresses a response, and with which coding.
func TestCompression(t *testing.T) {
	big := strings.Repeat("pets ", 40) // 200 bytes
	fn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		resp := response.New(200, "text/plain", []byte(big))
		if req.Query.Get("encoded") != "" {
			resp.Header.Set("Content-Encoding", "br")
		}
		if n := req.Query.Get("small"); n != "" {
			resp.Body = resp.Body[:10]
		}
		return resp, nil
	})
	min := 100
	g := gateway.MustNew(gateway.API{Kind: event.REST, MinimumCompressionSize: &min,
		Routes: []gateway.Route{{Key: "GET /p", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}}}})
	client := &http.Client{Transport: g}
	for _, tt := range []struct {
		target, accept, want string
	}{
		{"/prod/p", "gzip", "gzip"},
		{"/prod/p", "deflate", "deflate"},
		{"/prod/p", "deflate,gzip", "deflate"},
		{"/prod/p", "deflate;q=0.5,gzip;q=1.0", "gzip"},
		{"/prod/p", "gzip;q=1.0,identity;q=0.5,*;q=0", "gzip"},
		{"/prod/p", "br, gzip;q=0.9", ""}, // the preferred coding is unsupported
		{"/prod/p", "*", ""},
		{"/prod/p", "", ""},
		{"/prod/p", "gzip;q=0", ""},
		{"/prod/p?small=1", "gzip", ""},
		{"/prod/p?encoded=1", "gzip", "br"},
		{"/prod/nope", "gzip", ""}, // the gateway's own answers are not compressed
	} {
		req, _ := http.NewRequest("GET", "http://x"+tt.target, nil)
		if tt.accept != "" {
			req.Header.Set("Accept-Encoding", tt.accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		got := resp.Header.Get("Content-Encoding")
		if got != tt.want {
			t.Errorf("GET %s with Accept-Encoding %q: Content-Encoding %q, want %q", tt.target, tt.accept, got, tt.want)
			continue
		}
		var r io.Reader
		switch got {
		case "gzip":
			r, err = gzip.NewReader(bytes.NewReader(raw))
		case "deflate":
			r = flate.NewReader(bytes.NewReader(raw))
		default:
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(r)
		if string(plain) != big {
			t.Errorf("GET %s %s: decompressed %q", tt.target, got, plain)
		}
	}
	for _, bad := range []int{-1, gateway.MaxMinimumCompressionSize + 1} {
		if _, err := gateway.New(gateway.API{Kind: event.REST, MinimumCompressionSize: &bad, Routes: []gateway.Route{{Key: "GET /p", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}}}}); err == nil {
			t.Errorf("minimum compression size %d accepted", bad)
		}
	}
	zero := 0
	if _, err := gateway.New(gateway.API{MinimumCompressionSize: &zero, Routes: []gateway.Route{{Key: "GET /p", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}}}}); err == nil {
		t.Error("an HTTP API with a minimum compression size accepted")
	}
}
