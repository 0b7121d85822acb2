package gateway

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// cachedExchange returns a gateway whose route has a Lambda authorizer
// with a cached result for the returned exchange's identity, and the
// exchange, routed.
func cachedExchange(tb testing.TB) (*Gateway, *exchange) {
	fn := handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.RawJSON(200, []byte(`{}`)), nil
	}))
	auth := authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		return authorizer.Allow("u", "arn:aws:execute-api:*:*:*/*/GET/items/*").WithContext("tier", "gold"), nil
	})
	g := MustNew(API{
		Authorizers: map[string]Authorizer{"a": LambdaAuthorizer{Function: auth}},
		Routes:      []Route{{Key: "GET /items/{id}", Integration: Proxy{Function: fn}, Authorizer: "a"}},
	})
	hr := httptest.NewRequest("GET", "/items/7", nil)
	hr.Header.Set("Authorization", "Bearer token-1")
	x := &exchange{w: httptest.NewRecorder(), hr: hr, requestID: "r"}
	if resp := g.route(x); resp != nil {
		tb.Fatal(resp.Status())
	}
	if resp := g.authorize(x); resp != nil { // fills the cache
		tb.Fatal(resp.Status())
	}
	return g, x
}

// TestAuthorizeStepAllocs checks that the authorization step allocates
// nothing for a request whose authorizer result is cached.
func TestAuthorizeStepAllocs(t *testing.T) {
	g, x := cachedExchange(t)
	if n := testing.AllocsPerRun(100, func() {
		x.auth = authState{}
		if g.authorize(x) != nil {
			t.Fatal("refused")
		}
	}); n != 0 {
		t.Errorf("the authorization step allocates %.1f times with a cached result", n)
	}
	if string(x.auth.grant.Context) != `{"lambda":{"tier":"gold"}}` {
		t.Errorf("grant %s", x.auth.grant.Context)
	}
}

// BenchmarkAuthorizeStep measures the authorization step alone for a
// request whose Lambda authorizer result is cached: identity sources read
// into the cache key, the cache looked up, the policy evaluated against
// the method ARN. The end-to-end comparison is bench/'s
// BenchmarkAuthorizer, whose goroutine switches make it noisier.
func BenchmarkAuthorizeStep(b *testing.B) {
	g, x := cachedExchange(b)
	b.ReportAllocs()
	for b.Loop() {
		x.auth = authState{}
		if g.authorize(x) != nil {
			b.Fatal("refused")
		}
	}
}
