package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// BenchmarkServeHTTP measures one request through the gateway to an
// in-process handler: the work bench/gateway.sh loads over sockets.
func BenchmarkServeHTTP(b *testing.B) {
	body := []byte(`{"message":"hello","id":42}`)
	fn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.RawJSON(http.StatusOK, body), nil
	})
	g := gateway.MustNew(gateway.API{Routes: []gateway.Route{{Key: "GET /items/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}}}})
	req := httptest.NewRequest("GET", "/items/7", nil)
	req.Header.Set("User-Agent", "wrk")
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		g.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
