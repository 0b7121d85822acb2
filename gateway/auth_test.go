package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/internal/race"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// whoami answers with the authorizer and identity fields of its event.
var whoami = handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	out := map[string]any{"routeKey": req.RouteKey, "resource": req.Resource, "apiKey": req.Context.Identity.APIKey, "apiKeyId": req.Context.Identity.APIKeyID,
		"user": req.Context.Identity.UserARN}
	if !req.Authorizer.IsZero() {
		out["authorizer"] = json.RawMessage(req.Authorizer.JSON)
	}
	return response.JSON(200, out)
})

// clock is a settable clock for API.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// tokenAuthorizer answers by token and counts its invokes; it records the
// last event it received.
type tokenAuthorizer struct {
	calls atomic.Int32
	mu    sync.Mutex
	last  *event.AuthorizerRequest
}

func (a *tokenAuthorizer) fn() authorizer.Func {
	return func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		a.calls.Add(1)
		a.mu.Lock()
		a.last = req
		a.mu.Unlock()
		tok, _, _ := strings.Cut(req.AuthorizationToken, ",") // HTTP API 1.0 joins the values
		switch {
		case len(req.IdentitySource) > 0:
			tok = req.IdentitySource[0]
		case tok == "" && req.Request != nil:
			tok = req.Request.Header.Get("Authorization")
		}
		arn, _ := event.ParseARN(req.ARN())
		switch strings.TrimPrefix(tok, "Bearer ") {
		case "allow":
			return authorizer.Allow("alice", arn.Resource("*", "*", "*")).WithContext("tier", "gold").WithContext("n", 7).WithContext("ok", true), nil
		case "this-path":
			return authorizer.Allow("alice", req.ARN()), nil
		case "deny":
			return &authorizer.Response{PrincipalID: "alice", PolicyDocument: authorizer.Policy{Version: authorizer.PolicyVersion, Statement: []authorizer.Statement{
				{Effect: authorizer.EffectAllow, Action: authorizer.Strings{authorizer.InvokeAction}, Resource: authorizer.Strings{"*"}},
				{Effect: authorizer.EffectDeny, Action: authorizer.Strings{authorizer.InvokeAction}, Resource: authorizer.Strings{arn.Resource("*", "DELETE", "*")}},
			}}}, nil
		case "elsewhere":
			return authorizer.Allow("alice", arn.Resource("*", "GET", "/elsewhere")), nil
		case "object":
			return authorizer.Allow("alice", "*").WithContext("o", map[string]any{"a": 1}), nil
		case "keyed":
			r := authorizer.Allow("alice", "*")
			r.UsageIdentifierKey = "key-value-0123456789abcdef"
			return r, nil
		case "fail":
			return nil, errors.New("database down")
		case "panic":
			panic("boom")
		case "slow":
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return nil, authorizer.ErrUnauthorized
	}
}

// withToken serves a request with the Authorization header token, or
// none when token is empty.
func withToken(s *gatewaytest.Server, method, target, token string) *http.Response {
	if token == "" {
		return s.Request(method, target, "")
	}
	return s.Request(method, target, "", "Authorization", token)
}

type outcome struct {
	status    int
	body      string // exact, unless empty
	errorType string
	contains  string // in the body
}

func checkOutcome(t *testing.T, what string, r *http.Response, want outcome) string {
	t.Helper()
	body := gatewaytest.Body(t, r)
	if r.StatusCode != want.status || want.body != "" && body != want.body || !strings.Contains(body, want.contains) ||
		r.Header.Get("X-Amzn-Errortype") != want.errorType {
		t.Errorf("%s = %d %s (x-amzn-ErrorType %q), want %d %s%s (%q)", what, r.StatusCode, body, r.Header.Get("X-Amzn-Errortype"), want.status, want.body, want.contains, want.errorType)
	}
	return body
}

func restAPI(t *testing.T, a gateway.Authorizer, mutate ...func(*gateway.API)) *gatewaytest.Server {
	api := gateway.API{
		Kind:        event.REST,
		Stages:      []gateway.Stage{{Name: "prod"}, {Name: "test"}},
		Authorizers: map[string]gateway.Authorizer{"auth": a},
		Routes: []gateway.Route{
			{Key: "GET /pets/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}, Authorizer: "auth"},
			{Key: "DELETE /pets/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}, Authorizer: "auth"},
			{Key: "GET /open", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}},
		},
	}
	for _, m := range mutate {
		m(&api)
	}
	return gatewaytest.New(t, api)
}

// TestRESTTokenAuthorizer covers every row of the REST outcome table with
// a TOKEN authorizer (docs/evidence/authorizers.md#rest-outcomes).
func TestRESTTokenAuthorizer(t *testing.T) {
	fn := &tokenAuthorizer{}
	s := restAPI(t, gateway.LambdaAuthorizer{Function: fn.fn(), NoCache: true, Timeout: 20 * time.Millisecond})
	for _, tt := range []struct {
		name, method, target, token string
		want                        outcome
		invoked                     bool
	}{
		{"allow", "GET", "/prod/pets/7", "allow", outcome{status: 200, contains: `"authorizer":{"principalId":"alice","n":"7","ok":"true","tier":"gold","integrationLatency":`}, true},
		{"explicit deny", "DELETE", "/prod/pets/7", "deny", outcome{403, `{"Message":"User is not authorized to access this resource with an explicit deny"}`, "AccessDeniedException", ""}, true},
		{"deny statement elsewhere", "GET", "/prod/pets/7", "deny", outcome{status: 200}, true},
		{"implicit deny", "GET", "/prod/pets/7", "elsewhere", outcome{403, `{"Message":"User is not authorized to access this resource"}`, "AccessDeniedException", ""}, true},
		{"missing token", "GET", "/prod/pets/7", "", outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""}, false},
		{"Unauthorized error", "GET", "/prod/pets/7", "who?", outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""}, true},
		{"other error", "GET", "/prod/pets/7", "fail", outcome{500, `{"message": null}`, "AuthorizerConfigurationException", ""}, true},
		{"panic", "GET", "/prod/pets/7", "panic", outcome{500, `{"message": null}`, "AuthorizerConfigurationException", ""}, true},
		{"context object", "GET", "/prod/pets/7", "object", outcome{500, `{"message": null}`, "AuthorizerConfigurationException", ""}, true},
		{"timeout", "GET", "/prod/pets/7", "slow", outcome{500, `{"message": null}`, "AuthorizerConfigurationException", ""}, true},
		{"no authorizer on the route", "GET", "/prod/open", "", outcome{status: 200}, false},
	} {
		before := fn.calls.Load()
		r := withToken(s, tt.method, tt.target, tt.token)
		checkOutcome(t, tt.name, r, tt.want)
		if invoked := fn.calls.Load() > before; invoked != tt.invoked {
			t.Errorf("%s: authorizer invoked %t, want %t", tt.name, invoked, tt.invoked)
		}
	}
	// The TOKEN event the function received.
	s.Request("GET", "/test/pets/7", "", "Authorization", "allow")
	if fn.last.Type != event.TokenAuthorizer || fn.last.AuthorizationToken != "allow" || fn.last.MethodArn != "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/test/GET/pets/7" || fn.last.Request != nil {
		t.Errorf("TOKEN event = %+v", fn.last)
	}
}

func TestRESTTokenValidation(t *testing.T) {
	fn := &tokenAuthorizer{}
	s := restAPI(t, gateway.LambdaAuthorizer{Function: fn.fn(), NoCache: true, ValidationRegex: `^Bearer [a-z-]+$`, IdentitySource: []string{"method.request.header.X-Token"}})
	checkOutcome(t, "valid", s.Request("GET", "/prod/pets/7", "", "X-Token", "Bearer allow"), outcome{status: 200})
	checkOutcome(t, "invalid", s.Request("GET", "/prod/pets/7", "", "X-Token", "allow"), outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""})
	checkOutcome(t, "other header", s.Request("GET", "/prod/pets/7", "", "Authorization", "Bearer allow"), outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""})
	if n := fn.calls.Load(); n != 1 {
		t.Errorf("authorizer invoked %d times, want 1 (the valid token)", n)
	}
}

// TestRESTRequestAuthorizer covers identity sources of a REQUEST
// authorizer and the event it receives
// (docs/evidence/authorizers.md#identity-sources).
func TestRESTRequestAuthorizer(t *testing.T) {
	fn := &tokenAuthorizer{}
	srcs := []string{"method.request.header.Authorization", "method.request.querystring.team", "stageVariables.env", "context.httpMethod"}
	stages := func(api *gateway.API) {
		api.Stages = []gateway.Stage{{Name: "prod", Variables: map[string]string{"env": "production"}}, {Name: "test"}}
	}
	s := restAPI(t, gateway.LambdaAuthorizer{Function: fn.fn(), Type: event.RequestAuthorizer, IdentitySource: srcs}, stages)
	checkOutcome(t, "all sources", s.Request("GET", "/prod/pets/7?team=red", "", "Authorization", "allow"), outcome{status: 200})
	a := fn.last
	if a.Type != event.RequestAuthorizer || a.MethodArn != "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets/7" || a.Request == nil ||
		a.Request.Resource != "/pets/{id}" || a.Request.PathParameters.Get("id") != "7" || a.Request.Query.Get("team") != "red" ||
		a.Request.StageVariables.Get("env") != "production" || a.Request.Header.Get("authorization") != "allow" {
		t.Errorf("REQUEST event = %+v, request %+v", a, a.Request)
	}
	calls := fn.calls.Load()
	checkOutcome(t, "no query", s.Request("GET", "/prod/pets/7", "", "Authorization", "allow"), outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""})
	checkOutcome(t, "empty query value", s.Request("GET", "/prod/pets/7?team=", "", "Authorization", "allow"), outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""})
	checkOutcome(t, "no stage variable", s.Request("GET", "/test/pets/7?team=red", "", "Authorization", "allow"), outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""})
	if fn.calls.Load() != calls {
		t.Error("the authorizer was invoked without its identity sources")
	}
	// Without caching, REST REQUEST authorizers do not check identity
	// sources: the function decides.
	fn2 := &tokenAuthorizer{}
	s2 := restAPI(t, gateway.LambdaAuthorizer{Function: fn2.fn(), Type: event.RequestAuthorizer, IdentitySource: srcs, NoCache: true}, stages)
	checkOutcome(t, "no cache, no query", s2.Request("GET", "/prod/pets/7", "", "Authorization", "allow"), outcome{status: 200})
	if fn2.calls.Load() != 1 {
		t.Error("without caching the authorizer should be invoked")
	}
}

// TestAuthorizerCache covers result caching: hits skip the function,
// the TTL expires on the API's clock, the key is the identity sources and
// the stage, and a cached policy scoped to one path refuses the caller's
// other paths (docs/evidence/authorizers.md#result-caching).
func TestAuthorizerCache(t *testing.T) {
	c := newClock()
	fn := &tokenAuthorizer{}
	s := restAPI(t, gateway.LambdaAuthorizer{Function: fn.fn(), TTL: time.Minute}, func(api *gateway.API) { api.Now = c.Now })
	get := func(target, token string) *http.Response {
		return s.Request("GET", target, "", "Authorization", token)
	}
	first := checkOutcome(t, "first", get("/prod/pets/1", "allow"), outcome{status: 200})
	second := checkOutcome(t, "cached", get("/prod/pets/2", "allow"), outcome{status: 200})
	if fn.calls.Load() != 1 {
		t.Errorf("invokes = %d, want 1", fn.calls.Load())
	}
	if !strings.Contains(first, `"integrationLatency":`) || !strings.Contains(second, `"integrationLatency":0}`) {
		t.Errorf("a cached result should report no integration latency: %s, then %s", first, second)
	}
	get("/test/pets/2", "allow") // another stage, another key
	get("/prod/pets/2", "allow2")
	if fn.calls.Load() != 3 {
		t.Errorf("invokes = %d, want 3 (another stage, another token)", fn.calls.Load())
	}
	c.Add(61 * time.Second)
	get("/prod/pets/2", "allow")
	if fn.calls.Load() != 4 {
		t.Errorf("invokes = %d, want 4 after the TTL", fn.calls.Load())
	}
	// The trap: a policy naming only the first path.
	checkOutcome(t, "first path", get("/prod/pets/1", "this-path"), outcome{status: 200})
	checkOutcome(t, "second path, cached policy", get("/prod/pets/2", "this-path"), outcome{403, `{"Message":"User is not authorized to access this resource"}`, "AccessDeniedException", ""})
	c.Add(61 * time.Second)
	checkOutcome(t, "second path, fresh", get("/prod/pets/2", "this-path"), outcome{status: 200})
	// A cached Unauthorized is not cached: the next request asks again.
	n := fn.calls.Load()
	get("/prod/pets/1", "nobody")
	get("/prod/pets/1", "nobody")
	if fn.calls.Load() != n+2 {
		t.Errorf("refusals by error should not be cached")
	}
}

// TestHTTPAPILambdaAuthorizer covers HTTP API Lambda authorizers with
// simple responses and policies, payload 1.0 and 2.0
// (docs/evidence/authorizers.md#http-api-lambda-authorizers).
func TestHTTPAPILambdaAuthorizer(t *testing.T) {
	var last atomic.Pointer[event.AuthorizerRequest]
	simple := authorizer.SimpleFunc(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.SimpleResponse, error) {
		last.Store(req)
		switch req.IdentitySource[0] {
		case "yes":
			return &authorizer.SimpleResponse{IsAuthorized: true, Context: map[string]any{"user": "bob", "roles": []string{"a", "b"}, "n": 1}}, nil
		case "error":
			return nil, errors.New("boom")
		case "unauth":
			return nil, authorizer.ErrUnauthorized
		}
		return &authorizer.SimpleResponse{IsAuthorized: false}, nil
	})
	pol := &tokenAuthorizer{}
	api := gateway.API{
		Authorizers: map[string]gateway.Authorizer{
			"simple": gateway.LambdaAuthorizer{Function: simple, SimpleResponses: true, NoCache: true},
			"policy": gateway.LambdaAuthorizer{Function: pol.fn(), NoCache: true},
			"v1":     gateway.LambdaAuthorizer{Function: pol.fn(), PayloadVersion: event.PayloadV1, IdentitySource: []string{"$request.header.Authorization", "$request.querystring.q"}, NoCache: true},
		},
		Routes: []gateway.Route{
			{Key: "GET /s", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}, Authorizer: "simple"},
			{Key: "GET /s1", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami), PayloadVersion: event.PayloadV1}, Authorizer: "simple"},
			{Key: "ANY /p/{x}", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}, Authorizer: "policy"},
			{Key: "GET /v1", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami), PayloadVersion: event.PayloadV1}, Authorizer: "v1"},
		},
	}
	s := gatewaytest.New(t, api)
	for _, tt := range []struct {
		name, method, target, token string
		want                        outcome
	}{
		{"simple yes", "GET", "/s", "yes", outcome{status: 200, contains: `"authorizer":{"lambda":{"n":1,"roles":["a","b"],"user":"bob"}}`}},
		{"simple yes, payload 1.0 integration", "GET", "/s1", "yes", outcome{status: 200, contains: `"authorizer":{"n":"1"`}},
		{"simple no", "GET", "/s", "no", outcome{status: 403, body: `{"message":"Forbidden"}`}},
		{"simple error", "GET", "/s", "error", outcome{status: 500, body: `{"message":"Internal Server Error"}`}},
		{"simple Unauthorized", "GET", "/s", "unauth", outcome{status: 401, body: `{"message":"Unauthorized"}`}},
		{"missing identity", "GET", "/s", "", outcome{status: 401, body: `{"message":"Unauthorized"}`}},
		{"policy allow", "GET", "/p/1", "allow", outcome{status: 200, contains: `"authorizer":{"lambda":{"n":7,"ok":true,"tier":"gold"}}`}},
		{"policy explicit deny", "DELETE", "/p/1", "deny", outcome{status: 403, body: `{"message":"Forbidden"}`}},
		{"policy implicit deny", "GET", "/p/1", "elsewhere", outcome{status: 403, body: `{"message":"Forbidden"}`}},
		{"payload 1.0", "GET", "/v1?q=z", "allow", outcome{status: 200, contains: `"authorizer":{"n":"7","ok":"true","tier":"gold"}`}},
		{"payload 1.0, missing query", "GET", "/v1", "allow", outcome{status: 401, body: `{"message":"Unauthorized"}`}},
	} {
		r := withToken(s, tt.method, tt.target, tt.token)
		checkOutcome(t, tt.name, r, tt.want)
	}
	s.Request("GET", "/s?q=1", "", "Authorization", "yes")
	if a := last.Load(); a.Version != event.PayloadV2 || a.RouteArn != "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/GET/s" ||
		a.Request.RouteKey != "GET /s" || a.Request.RawQuery != "q=1" || len(a.IdentitySource) != 1 {
		t.Errorf("2.0 event = %+v %+v", a, a.Request)
	}
	s.Request("GET", "/v1?q=z", "", "Authorization", "allow")
	if a := pol.last; a.Version != event.PayloadV1 || a.AuthorizationToken != "allow,z" || !strings.HasSuffix(a.MethodArn, "/$default/GET/v1") {
		t.Errorf("1.0 event = %+v", a)
	}
}

// TestCapturedPreflight: an HTTP API route that captures CORS preflights
// runs its authorizer for them, so a preflight without credentials is
// refused; one no route captures is answered by the gateway
// (docs/evidence/authorizers.md#cors-preflights-and-authorizers).
func TestCapturedPreflight(t *testing.T) {
	fn := &tokenAuthorizer{}
	s := gatewaytest.New(t, gateway.API{
		CORS:        &cors.Config{AllowOrigins: []string{"https://app.example"}, AllowMethods: []string{"GET", "PUT"}},
		Authorizers: map[string]gateway.Authorizer{"auth": gateway.LambdaAuthorizer{Function: fn.fn()}},
		Routes: []gateway.Route{
			{Key: "ANY /guarded", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}, Authorizer: "auth"},
			{Key: "PUT /free", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}, Authorizer: "auth"},
		},
	})
	pre := []string{"Origin", "https://app.example", "Access-Control-Request-Method", "PUT"}
	checkOutcome(t, "captured preflight", s.Request("OPTIONS", "/guarded", "", pre...), outcome{status: 401, body: `{"message":"Unauthorized"}`})
	r := s.Request("OPTIONS", "/free", "", pre...)
	checkOutcome(t, "uncaptured preflight", r, outcome{status: 204})
	if r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("preflight headers = %v", r.Header)
	}
	if fn.calls.Load() != 0 {
		t.Error("the authorizer ran for a request without its identity source")
	}
}

// TestResourcePolicy covers a REST resource policy alone and with a
// Lambda authorizer (docs/evidence/authorizers.md#resource-policies).
func TestResourcePolicy(t *testing.T) {
	p, err := authorizer.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/*"},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*",
		 "Condition":{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}]}`), true)
	if err != nil {
		t.Fatal(err)
	}
	fn := &tokenAuthorizer{}
	s := restAPI(t, gateway.LambdaAuthorizer{Function: fn.fn(), NoCache: true}, func(api *gateway.API) { api.ResourcePolicy = p })
	from := func(ip, method, target string, header ...string) *http.Response {
		r := httptest.NewRequest(method, target, nil)
		r.RemoteAddr = ip + ":4711"
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Add(header[i], header[i+1])
		}
		return s.Do(r)
	}
	checkOutcome(t, "allowed", from("192.0.2.1", "GET", "/prod/open"), outcome{status: 200})
	checkOutcome(t, "denied address", from("198.51.100.9", "GET", "/prod/open"), outcome{403,
		`{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:abcdef1234/prod/GET/open with an explicit deny"}`, "AccessDeniedException", ""})
	checkOutcome(t, "not allowed (other stage)", from("192.0.2.1", "GET", "/test/open"), outcome{403,
		`{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:abcdef1234/test/GET/open"}`, "AccessDeniedException", ""})
	// With an authorizer: not allowed by the policy, allowed by the
	// authorizer, goes on; an explicit deny stops it before the authorizer.
	checkOutcome(t, "authorizer decides", from("192.0.2.1", "DELETE", "/prod/pets/1", "Authorization", "allow"), outcome{status: 200})
	n := fn.calls.Load()
	checkOutcome(t, "denied before the authorizer", from("198.51.100.9", "GET", "/prod/pets/1", "Authorization", "allow"), outcome{status: 403, errorType: "AccessDeniedException", contains: "explicit deny"})
	if fn.calls.Load() != n {
		t.Error("the authorizer ran after the resource policy's explicit deny")
	}
}

const keyValue = "key-value-0123456789abcdef"

// TestAPIKeys covers apiKeyRequired methods
// (docs/evidence/authorizers.md#api-keys).
func TestAPIKeys(t *testing.T) {
	keys := func(api *gateway.API) {
		api.APIKeys = []gateway.APIKey{{ID: "k1", Value: keyValue}, {ID: "k2", Value: "disabled-0123456789abcdef", Disabled: true}, {ID: "k3", Value: "other-stage-0123456789abc"}}
		api.UsagePlans = []gateway.UsagePlan{{ID: "p1", Stages: []string{"prod"}, Keys: []string{"k1", "k2"}}, {ID: "p2", Stages: []string{"test"}, Keys: []string{"k3"}}}
		api.Routes = append(api.Routes, gateway.Route{Key: "GET /keyed", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}, APIKeyRequired: true})
	}
	s := restAPI(t, gateway.LambdaAuthorizer{Function: (&tokenAuthorizer{}).fn(), NoCache: true}, keys)
	forbidden := outcome{403, `{"message":"Forbidden"}`, "ForbiddenException", ""}
	checkOutcome(t, "no key", s.Request("GET", "/prod/keyed", ""), forbidden)
	checkOutcome(t, "unknown key", s.Request("GET", "/prod/keyed", "", "X-Api-Key", "nope-0123456789abcdefgh"), forbidden)
	checkOutcome(t, "disabled key", s.Request("GET", "/prod/keyed", "", "X-Api-Key", "disabled-0123456789abcdef"), forbidden)
	checkOutcome(t, "key of another stage", s.Request("GET", "/prod/keyed", "", "X-Api-Key", "other-stage-0123456789abc"), forbidden)
	checkOutcome(t, "valid key", s.Request("GET", "/prod/keyed", "", "X-Api-Key", keyValue), outcome{status: 200, contains: `"apiKey":"` + keyValue + `","apiKeyId":"k1"`})
	checkOutcome(t, "no key needed", s.Request("GET", "/prod/open", ""), outcome{status: 200})

	// Keys from the authorizer's usageIdentifierKey.
	s2 := restAPI(t, gateway.LambdaAuthorizer{Function: (&tokenAuthorizer{}).fn(), NoCache: true}, keys, func(api *gateway.API) {
		api.APIKeySource = gateway.AuthorizerKeySource
		api.Routes[0].APIKeyRequired = true
	})
	checkOutcome(t, "authorizer key", s2.Request("GET", "/prod/pets/1", "", "Authorization", "keyed"), outcome{status: 200, contains: `"apiKeyId":"k1"`})
	checkOutcome(t, "authorizer without key", s2.Request("GET", "/prod/pets/1", "", "Authorization", "allow", "X-Api-Key", keyValue), forbidden)
}

// TestUsagePlans covers a plan's token bucket and quota, on the API's
// clock (docs/evidence/authorizers.md#usage-plans).
func TestUsagePlans(t *testing.T) {
	c := newClock() // a Wednesday
	s := restAPI(t, gateway.LambdaAuthorizer{Function: (&tokenAuthorizer{}).fn(), NoCache: true}, func(api *gateway.API) {
		api.Now = c.Now
		api.APIKeys = []gateway.APIKey{{ID: "k1", Value: keyValue}, {ID: "k2", Value: "quota-key-0123456789abcd"}}
		api.UsagePlans = []gateway.UsagePlan{
			{ID: "burst", Stages: []string{"prod"}, Keys: []string{"k1"}, Throttle: &gateway.Throttle{Rate: 1, Burst: 2}},
			{ID: "quota", Stages: []string{"prod"}, Keys: []string{"k2"}, Quota: &gateway.Quota{Limit: 3, Offset: 1, Period: gateway.Week}},
		}
		api.Routes = append(api.Routes, gateway.Route{Key: "GET /keyed", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}, APIKeyRequired: true})
	})
	get := func(key string) *http.Response { return s.Request("GET", "/prod/keyed", "", "X-Api-Key", key) }
	throttled := outcome{429, `{"message":"Too Many Requests"}`, "TooManyRequestsException", ""}
	checkOutcome(t, "burst 1", get(keyValue), outcome{status: 200})
	checkOutcome(t, "burst 2", get(keyValue), outcome{status: 200})
	checkOutcome(t, "over the burst", get(keyValue), throttled)
	c.Add(time.Second)
	checkOutcome(t, "a second later", get(keyValue), outcome{status: 200})
	checkOutcome(t, "again at once", get(keyValue), throttled)

	exceeded := outcome{429, `{"message":"Limit Exceeded"}`, "LimitExceededException", ""}
	checkOutcome(t, "quota 1", get("quota-key-0123456789abcd"), outcome{status: 200})
	checkOutcome(t, "quota 2", get("quota-key-0123456789abcd"), outcome{status: 200})
	checkOutcome(t, "quota, first week less the offset", get("quota-key-0123456789abcd"), exceeded)
	c.Add(4 * 24 * time.Hour) // Sunday: the same week
	checkOutcome(t, "same week", get("quota-key-0123456789abcd"), exceeded)
	c.Add(24 * time.Hour) // Monday: a new week, the whole limit
	for i := range 3 {
		checkOutcome(t, "next week", get("quota-key-0123456789abcd"), outcome{status: 200})
		_ = i
	}
	checkOutcome(t, "next week, spent", get("quota-key-0123456789abcd"), exceeded)
}

// TestStageThrottling covers stage and route throttles for both kinds
// (docs/evidence/authorizers.md#throttling).
func TestStageThrottling(t *testing.T) {
	for _, kind := range []event.Source{event.REST, event.HTTPAPI} {
		c := newClock()
		stage := gateway.Stage{Name: "prod", Throttle: &gateway.Throttle{Rate: 1, Burst: 1}, RouteThrottle: map[string]gateway.Throttle{"GET /b": {Rate: 0, Burst: 0}}}
		s := gatewaytest.New(t, gateway.API{Kind: kind, Now: c.Now, Stages: []gateway.Stage{stage},
			Routes: []gateway.Route{
				{Key: "GET /a", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}},
				{Key: "GET /b", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}},
				{Key: "GET /c", Integration: gateway.Proxy{Function: handler.NewAdapter(whoami)}},
			}})
		throttled := outcome{status: 429, body: `{"message":"Too Many Requests"}`}
		if kind == event.REST {
			throttled.errorType = "TooManyRequestsException"
		}
		checkOutcome(t, kind.String()+" a", s.Get("/prod/a"), outcome{status: 200})
		checkOutcome(t, kind.String()+" a again", s.Get("/prod/a"), throttled)
		checkOutcome(t, kind.String()+" c has its own bucket", s.Get("/prod/c"), outcome{status: 200})
		checkOutcome(t, kind.String()+" b is closed", s.Get("/prod/b"), throttled)
		c.Add(time.Second)
		checkOutcome(t, kind.String()+" a a second later", s.Get("/prod/a"), outcome{status: 200})
	}
}

func TestARNTooLong(t *testing.T) {
	s := restAPI(t, gateway.LambdaAuthorizer{Function: (&tokenAuthorizer{}).fn(), NoCache: true})
	checkOutcome(t, "long ARN", s.Request("GET", "/prod/pets/"+strings.Repeat("x", 1600), "", "Authorization", "allow"),
		outcome{status: 414, body: `{"message":"Request-URI Too Long"}`})
}

// TestAuthConfig checks that New reports every problem of the
// authorization settings at once.
func TestAuthConfig(t *testing.T) {
	fn := (&tokenAuthorizer{}).fn()
	proxy := gateway.Proxy{Function: handler.NewAdapter(whoami)}
	_, err := gateway.New(gateway.API{
		Kind:   event.REST,
		Stages: []gateway.Stage{{Name: "prod", Throttle: &gateway.Throttle{Rate: -1}, RouteThrottle: map[string]gateway.Throttle{"GET /none": {}}}},
		Authorizers: map[string]gateway.Authorizer{
			"nofn":     gateway.LambdaAuthorizer{},
			"regex":    gateway.LambdaAuthorizer{Function: fn, ValidationRegex: "("},
			"ttl":      gateway.LambdaAuthorizer{Function: fn, TTL: 2 * time.Hour},
			"nokey":    gateway.LambdaAuthorizer{Function: fn, Type: event.RequestAuthorizer},
			"spelling": gateway.LambdaAuthorizer{Function: fn, IdentitySource: []string{"$request.header.Authorization"}},
			"path":     gateway.LambdaAuthorizer{Function: fn, Type: event.RequestAuthorizer, IdentitySource: []string{"method.request.path.id"}},
			"ctx":      gateway.LambdaAuthorizer{Function: fn, Type: event.RequestAuthorizer, IdentitySource: []string{"context.authorizer.x"}},
			"simple":   gateway.LambdaAuthorizer{Function: fn, SimpleResponses: true},
			"nil":      nil,
		},
		APIKeys:    []gateway.APIKey{{ID: "k", Value: "short"}, {ID: "k2", Value: keyValue}},
		UsagePlans: []gateway.UsagePlan{{ID: "p", Stages: []string{"prod", "gone"}, Keys: []string{"k2", "missing"}}, {ID: "q", Stages: []string{"prod"}, Keys: []string{"k2"}, Quota: &gateway.Quota{Limit: 1, Period: "YEAR"}}},
		Routes: []gateway.Route{
			{Key: "GET /a", Integration: proxy, Authorizer: "unknown"},
			{Key: "GET /b", Integration: proxy, AuthorizationScopes: []string{"read"}},
		},
	})
	for _, want := range []string{
		`authorizer "nofn": no function`,
		`authorizer "regex": validation expression`,
		`authorizer "ttl": TTL 2h0m0s outside`,
		`authorizer "nokey": caching needs identity sources`,
		`identity source "$request.header.Authorization" is spelled for another kind of API`,
		`path parameters cannot be identity sources`,
		`the local gateway knows these context variables`,
		`authorizer "simple": payload versions and simple responses are HTTP API settings`,
		`authorizer "nil" is nil`,
		`API Gateway requires values of at least 20 characters`,
		`usage plan "p": no stage "gone"`,
		`usage plan "p": no API key "missing"`,
		`API key "k2" is in two usage plans for stage "prod"`,
		`usage plan "q": quota`,
		`no authorizer named "unknown"`,
		`authorization scopes without an authorizer`,
		`stage "prod": throttle rate -1`,
		`throttle for route "GET /none", which the API does not have`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New: missing %q in:\n%v", want, err)
		}
	}
	_, err = gateway.New(gateway.API{
		Authorizers:    map[string]gateway.Authorizer{"tok": gateway.LambdaAuthorizer{Function: fn, Type: event.TokenAuthorizer}, "re": gateway.LambdaAuthorizer{Function: fn, ValidationRegex: "x"}},
		ResourcePolicy: &authorizer.Policy{},
		Routes:         []gateway.Route{{Key: "GET /a", Integration: proxy, APIKeyRequired: true}},
	})
	for _, want := range []string{"HTTP APIs have REQUEST authorizers only", "token validation is a REST TOKEN authorizer setting", "resource policies are a REST API feature", "API keys are a REST API feature"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New (HTTP API): missing %q in:\n%v", want, err)
		}
	}
}

// TestCachedAuthorizerAllocs checks that a request whose authorizer
// result is cached allocates no more than the same request without an
// authorizer.
func TestCachedAuthorizerAllocs(t *testing.T) {
	if testing.Short() || race.Enabled {
		t.Skip("allocation counts")
	}
	fn := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.RawJSON(200, []byte(`{}`)), nil
	})
	auth := authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		return authorizer.Allow("u", "*").WithContext("tier", "gold"), nil
	})
	plain := gateway.MustNew(gateway.API{Routes: []gateway.Route{{Key: "GET /items/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}}}})
	guarded := gateway.MustNew(gateway.API{
		Authorizers: map[string]gateway.Authorizer{"a": gateway.LambdaAuthorizer{Function: auth}},
		Routes:      []gateway.Route{{Key: "GET /items/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(fn)}, Authorizer: "a"}},
	})
	req := httptest.NewRequest("GET", "/items/7", nil)
	req.Header.Set("Authorization", "Bearer token")
	count := func(g *gateway.Gateway) float64 {
		return testing.AllocsPerRun(200, func() {
			w := httptest.NewRecorder()
			g.ServeHTTP(w, req)
			if w.Code != 200 {
				t.Fatal(w.Code, w.Body)
			}
		})
	}
	count(guarded) // fills the cache
	p, g := count(plain), count(guarded)
	t.Logf("allocations per request: %.1f without an authorizer, %.1f with a cached one", p, g)
	if g > p {
		t.Errorf("allocations with a cached authorizer: %.1f, without an authorizer: %.1f", g, p)
	}
}

// authorizerFunc is a gateway.Authorizer written in Go.
type authorizerFunc func(ctx context.Context, r *gateway.AuthRequest) (*gateway.Grant, error)

func (f authorizerFunc) Authorize(ctx context.Context, r *gateway.AuthRequest) (*gateway.Grant, error) {
	return f(ctx, r)
}

// TestGoAuthorizerErrors checks how the gateway answers the errors of an
// authorizer written in Go: authorizer.ErrUnauthorized, wrapped or not,
// is 401 as a Lambda authorizer's "Unauthorized" is; a Refusal is
// answered as it is; any other error is an authorizer failure.
func TestGoAuthorizerErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want outcome
	}{
		{"ErrUnauthorized", authorizer.ErrUnauthorized, outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""}},
		{"wrapped", fmt.Errorf("no session: %w", authorizer.ErrUnauthorized), outcome{401, `{"message":"Unauthorized"}`, "UnauthorizedException", ""}},
		{"refusal", gateway.Refuse(403, "go away", "AccessDeniedException", ""), outcome{403, `{"message":"go away"}`, "AccessDeniedException", ""}},
		{"failure", errors.New("database down"), outcome{500, `{"message": null}`, "AuthorizerConfigurationException", ""}},
	} {
		s := restAPI(t, authorizerFunc(func(context.Context, *gateway.AuthRequest) (*gateway.Grant, error) { return nil, tt.err }))
		checkOutcome(t, tt.name, s.Request("GET", "/prod/pets/7", ""), tt.want)
	}
}
