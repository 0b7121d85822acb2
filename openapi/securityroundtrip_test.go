package openapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/iamauth"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/openapi"
)

// TestRoundTripAuthorizerFiles checks that export(import(file)) keeps
// every security extension and requirement of the test definitions.
func TestRoundTripAuthorizerFiles(t *testing.T) {
	fns := map[string]handler.Invoker{"pets": whoami, "auth": tokenAuth, "app": whoami, "operators": operatorAuth, "legacy": tokenAuth,
		"OrdersFunction": whoami, "AuthFunction": tokenAuth}
	opts := openapi.Options{Functions: fns, IAM: iamConfig(), APIKeys: []gateway.APIKey{{ID: "k1", Value: apiKey}},
		JWT: map[string]jwtauth.Config{"https://issuer.example": {KeySet: jwtKeys(t)}}}
	for _, file := range []string{"testdata/authorizers-rest.json", "testdata/authorizers-http.yaml"} {
		keepsExtensions(t, file, opts, openapi.ExportOptions{})
	}
	keepsExtensions(t, "testdata/authorizers-sam.yaml", opts, openapi.ExportOptions{SAM: true})
}

// sameAuthAnswers sends each case's request to both gateways: the
// client gets the same status and body.
func sameAuthAnswers(t *testing.T, want, got http.Handler, cases []authCase) {
	t.Helper()
	for _, c := range cases {
		w1, w2 := httptest.NewRecorder(), httptest.NewRecorder()
		want.ServeHTTP(w1, c.req())
		got.ServeHTTP(w2, c.req())
		if w1.Code != w2.Code || w1.Body.String() != w2.Body.String() || w1.Header().Get("X-Amzn-ErrorType") != w2.Header().Get("X-Amzn-ErrorType") {
			t.Errorf("%s: %d %s, want %d %s", c.name, w2.Code, w2.Body, w1.Code, w1.Body)
		}
		if w1.Code != c.status {
			t.Errorf("%s: the Go API answers %d, want %d", c.name, w1.Code, c.status)
		}
	}
}

// restGuarded is a REST API guarded in every way an export describes.
func restGuarded(t *testing.T) gateway.API {
	iam, err := iamauth.New(*iamConfig())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := authorizer.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/DELETE/*"}]}`), true)
	if err != nil {
		t.Fatal(err)
	}
	proxy := gateway.Proxy{Function: whoami}
	return gateway.API{
		Kind: event.REST,
		Authorizers: map[string]gateway.Authorizer{
			"tok": gateway.LambdaAuthorizer{Function: tokenAuth, ValidationRegex: "^Bearer [a-z]+$", TTL: time.Minute},
			"req": &gateway.LambdaAuthorizer{Function: tokenAuth, Type: event.RequestAuthorizer,
				IdentitySource: []string{"method.request.header.X-User", "method.request.querystring.tenant"}, NoCache: true},
			"iam": iam,
		},
		ResourcePolicy: policy,
		APIKeys:        []gateway.APIKey{{ID: "k1", Value: apiKey}},
		UsagePlans:     []gateway.UsagePlan{{ID: "p", Stages: []string{"prod"}, Keys: []string{"k1"}}},
		Routes: []gateway.Route{
			{Key: "GET /open", Integration: proxy},
			{Key: "GET /pets", Integration: proxy, Authorizer: "tok"},
			{Key: "GET /pets/{id}", Integration: proxy, Authorizer: "req", APIKeyRequired: true},
			{Key: "DELETE /pets/{id}", Integration: proxy, Authorizer: "tok"},
			{Key: "POST /admin", Integration: proxy, Authorizer: "iam"},
		},
	}
}

var restGuardedCases = []authCase{
	{"open", request("GET", "/prod/open"), 200, "", -1},
	{"no token", request("GET", "/prod/pets"), 401, "", -1},
	{"bad token", request("GET", "/prod/pets", "Authorization", "Bearer 1"), 401, "", -1},
	{"token", request("GET", "/prod/pets", "Authorization", "Bearer alice"), 200, "", -1},
	{"denied", request("GET", "/prod/pets", "Authorization", "Bearer deny"), 403, "", -1},
	{"request and key", request("GET", "/prod/pets/1?tenant=t", "X-User", "bob", "x-api-key", apiKey), 200, "", -1},
	{"request without key", request("GET", "/prod/pets/1?tenant=t", "X-User", "bob"), 403, "", -1},
	{"resource policy deny", request("DELETE", "/prod/pets/1", "Authorization", "Bearer alice"), 403, "", -1},
	{"unsigned", request("POST", "/prod/admin"), 403, "", -1},
}

// TestRoundTripAuthorizersGo exports Go-defined APIs with every kind of
// authorizer, imports the export (and its Swagger 2.0 form), and checks
// that the imported API answers every request as the Go one does.
func TestRoundTripAuthorizersGo(t *testing.T) {
	t.Run("REST", func(t *testing.T) {
		api := restGuarded(t)
		doc, err := openapi.Export(api, openapi.ExportOptions{Function: "pets", AuthorizerFunctions: map[string]string{"tok": "auth", "req": "auth"}})
		if err != nil {
			t.Fatal(err)
		}
		v := readJSON(t, doc)
		if v["x-amazon-apigateway-api-key-source"] != "HEADER" || v["x-amazon-apigateway-policy"] == nil {
			t.Errorf("export lacks the key source or the policy:\n%s", doc)
		}
		opts := openapi.Options{Functions: map[string]handler.Invoker{"pets": whoami, "auth": tokenAuth}, IAM: iamConfig(),
			APIKeys: api.APIKeys, UsagePlans: api.UsagePlans}
		swagger, err := openapi.Swagger2(doc)
		if err != nil {
			t.Fatal(err)
		}
		want := gateway.MustNew(api)
		for name, d := range map[string][]byte{"openapi 3": doc, "swagger 2": swagger} {
			res, err := openapi.Import(d, opts)
			if err != nil {
				t.Fatalf("%s: Import(Export(api)): %v\n%s", name, err, d)
			}
			sameAuthAnswers(t, want, res.Gateway, restGuardedCases)
			signed := func() *http.Request { return signedReq(t, "POST", "http://api.test/prod/admin") }
			sameAuthAnswers(t, want, res.Gateway, []authCase{{"signed", signed, 200, "", -1}})
		}
	})
	t.Run("HTTP", func(t *testing.T) {
		iam, _ := iamauth.New(*iamConfig())
		jwtA, err := jwtauth.New(jwtauth.Config{Issuer: "https://issuer.example", Audience: []string{"pets-api"}, KeySet: jwtKeys(t)})
		if err != nil {
			t.Fatal(err)
		}
		proxy := gateway.Proxy{Function: whoami}
		api := gateway.API{
			Authorizers: map[string]gateway.Authorizer{
				"users": jwtA,
				"ops":   gateway.LambdaAuthorizer{Function: operatorAuth, SimpleResponses: true, IdentitySource: []string{"$request.header.X-Api-Token"}, TTL: time.Minute},
				"v1":    gateway.LambdaAuthorizer{Function: tokenAuth, PayloadVersion: event.PayloadV1, NoCache: true},
				"iam":   iam,
			},
			Routes: []gateway.Route{
				{Key: "GET /open", Integration: proxy},
				{Key: "GET /pets", Integration: proxy, Authorizer: "users", AuthorizationScopes: []string{"pets/read"}},
				{Key: "GET /ops", Integration: proxy, Authorizer: "ops"},
				{Key: "GET /v1", Integration: proxy, Authorizer: "v1"},
				{Key: "GET /iam", Integration: proxy, Authorizer: "iam"},
			},
		}
		doc, err := openapi.Export(api, openapi.ExportOptions{Function: "app", AuthorizerFunctions: map[string]string{"ops": "ops", "v1": "v1"}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := openapi.Import(doc, openapi.Options{Functions: map[string]handler.Invoker{"app": whoami, "ops": operatorAuth, "v1": tokenAuth},
			IAM: iamConfig(), JWT: map[string]jwtauth.Config{"users": {KeySet: jwtKeys(t)}}})
		if err != nil {
			t.Fatalf("Import(Export(api)): %v\n%s", err, doc)
		}
		reader, other := token(t, "alice", "pets/read"), token(t, "eve", "pets/write")
		sameAuthAnswers(t, gateway.MustNew(api), res.Gateway, []authCase{
			{"open", request("GET", "/open"), 200, "", -1},
			{"JWT", request("GET", "/pets", "Authorization", "Bearer "+reader), 200, "", -1},
			{"JWT without the scope", request("GET", "/pets", "Authorization", "Bearer "+other), 403, "", -1},
			{"no JWT", request("GET", "/pets"), 401, "", -1},
			{"simple yes", request("GET", "/ops", "X-Api-Token", "op-token"), 200, "", -1},
			{"simple no", request("GET", "/ops", "X-Api-Token", "nope"), 403, "", -1},
			{"policy 1.0", request("GET", "/v1", "Authorization", "carol"), 200, "", -1},
			{"policy 1.0 deny", request("GET", "/v1", "Authorization", "deny"), 403, "", -1},
			{"unsigned", request("GET", "/iam"), 403, "", -1},
			{"signed", func() *http.Request { return signedReq(t, "GET", "http://api.test/iam") }, 200, "", -1},
		})
	})
}

// TestExportSecurityErrors checks what an export cannot describe.
func TestExportSecurityErrors(t *testing.T) {
	proxy := gateway.Proxy{Function: whoami}
	for _, tt := range []struct {
		name string
		api  gateway.API
		want string
	}{
		{"unnamed authorizer function", gateway.API{Kind: event.REST, Authorizers: map[string]gateway.Authorizer{"a": gateway.LambdaAuthorizer{Function: tokenAuth}},
			Routes: []gateway.Route{{Key: "GET /", Integration: proxy, Authorizer: "a"}}}, `openapi: authorizer "a": name its Lambda function (ExportOptions.AuthorizerFunctions)`},
		{"an authorizer of its own", gateway.API{Kind: event.REST, Authorizers: map[string]gateway.Authorizer{"mine": denyAll{}},
			Routes: []gateway.Route{{Key: "GET /", Integration: proxy, Authorizer: "mine"}}}, `openapi: authorizer "mine": openapi_test.denyAll has no OpenAPI description`},
		{"resource policy on an HTTP API", gateway.API{ResourcePolicy: &authorizer.Policy{}, Routes: []gateway.Route{{Key: "GET /", Integration: proxy}}},
			"openapi: resource policies are a REST API feature"},
	} {
		_, err := openapi.Export(tt.api, openapi.ExportOptions{Function: "f"})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Export = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// denyAll is an authorizer written in Go that OpenAPI cannot describe.
type denyAll struct{}

func (denyAll) Authorize(ctx context.Context, r *gateway.AuthRequest) (*gateway.Grant, error) {
	return nil, gateway.Refuse(http.StatusForbidden, "Forbidden", "", "")
}
