package authorizer_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
)

// TestResponseJSON checks that a Response encodes as aws-lambda-go's
// authorizer response type (the shape AWS documents) reads it.
func TestResponseJSON(t *testing.T) {
	r := authorizer.Allow("user-1", "arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/pets/*").
		WithContext("tier", "gold").WithContext("n", 7)
	r.UsageIdentifierKey = "key-1"
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayCustomAuthorizerResponse
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: "user-1",
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{{
			Action: []string{"execute-api:Invoke"}, Effect: "Allow", Resource: []string{"arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/pets/*"},
		}}},
		Context:            map[string]any{"tier": "gold", "n": float64(7)},
		UsageIdentifierKey: "key-1",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("response (-want +got):\n%s", d)
	}
	if err := r.Check(authorizer.RESTFormat); err != nil {
		t.Errorf("Check: %v", err)
	}
	s, _ := json.Marshal(authorizer.SimpleResponse{IsAuthorized: true, Context: map[string]any{"a": []int{1}}})
	if string(s) != `{"isAuthorized":true,"context":{"a":[1]}}` {
		t.Errorf("simple response = %s", s)
	}
}

// TestReadOutput covers what API Gateway accepts from an authorizer and
// what it refuses with 500 (docs/evidence/authorizers.md#authorizer-output
// and docs/evidence/authorizers.md#authorizer-context).
func TestReadOutput(t *testing.T) {
	const pol = `"policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"*"}]}`
	for _, tt := range []struct {
		name, out string
		f         authorizer.Format
		err       string // "" for accepted
		ctx       map[string]string
	}{
		{"policy", `{"principalId":"u",` + pol + `}`, authorizer.RESTFormat, "", nil},
		{"context stringified", `{"principalId":"u",` + pol + `,"context":{"s":"x","n":1.50,"b":true,"i":-3}}`, authorizer.RESTFormat, "", map[string]string{"s": "x", "n": "1.50", "b": "true", "i": "-3"}},
		{"context object", `{"principalId":"u",` + pol + `,"context":{"o":{"a":1}}}`, authorizer.RESTFormat, "only strings, numbers and booleans", nil},
		{"context array", `{"principalId":"u",` + pol + `,"context":{"a":[1]}}`, authorizer.HTTPV1Format, "only strings, numbers and booleans", nil},
		{"context null value", `{"principalId":"u",` + pol + `,"context":{"a":null}}`, authorizer.RESTFormat, "only strings, numbers and booleans", nil},
		{"claims reserved in 1.0", `{"principalId":"u",` + pol + `,"context":{"claims":"x"}}`, authorizer.HTTPV1Format, `"claims" is reserved`, nil},
		{"claims allowed in REST", `{"principalId":"u",` + pol + `,"context":{"claims":"x"}}`, authorizer.RESTFormat, "", map[string]string{"claims": "x"}},
		{"anything in 2.0", `{"principalId":"u",` + pol + `,"context":{"o":{"a":[1,{"b":null}]}}}`, authorizer.HTTPV2Format, "", nil},
		{"no principal", `{` + pol + `}`, authorizer.RESTFormat, "without principalId", nil},
		{"no principal, HTTP API", `{` + pol + `}`, authorizer.HTTPV2Format, "", nil},
		{"no policy", `{"principalId":"u"}`, authorizer.RESTFormat, "without policyDocument", nil},
		{"bad effect", `{"principalId":"u","policyDocument":{"Statement":[{"Action":"*","Effect":"Maybe","Resource":"*"}]}}`, authorizer.RESTFormat, `effect "Maybe"`, nil},
		{"not an object", `"Allow"`, authorizer.RESTFormat, "not a JSON object", nil},
		{"not JSON", `{principalId}`, authorizer.RESTFormat, "response", nil},
		{"simple", `{"isAuthorized":false,"context":{"why":"no"}}`, authorizer.SimpleFormat, "", nil},
		{"simple without isAuthorized", `{"context":{}}`, authorizer.SimpleFormat, "without isAuthorized", nil},
		{"simple as a string", `{"isAuthorized":"true"}`, authorizer.SimpleFormat, "simple response", nil},
		{"policy to a simple authorizer", `{"principalId":"u",` + pol + `}`, authorizer.SimpleFormat, "without isAuthorized", nil},
	} {
		r, err := authorizer.ReadOutput([]byte(tt.out), tt.f)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: ReadOutput = %v", tt.name, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: ReadOutput = %v, want an error containing %q", tt.name, err, tt.err)
		case err == nil && tt.ctx != nil && !maps.Equal(r.StringContext(), tt.ctx):
			t.Errorf("%s: StringContext = %v, want %v", tt.name, r.StringContext(), tt.ctx)
		}
	}
}

func allowAll(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
	switch req.AuthorizationToken {
	case "allow":
		arn, err := event.ParseARN(req.ARN())
		if err != nil {
			return nil, err
		}
		return authorizer.Allow("user", arn.Resource("*", "*", "*")).WithContext("token", req.AuthorizationToken), nil
	case "deny":
		return authorizer.Deny("user", req.ARN()), nil
	case "panic":
		panic("boom")
	case "nil":
		return nil, nil
	case "fail":
		return nil, errors.New("database down")
	}
	return nil, authorizer.ErrUnauthorized
}

// TestFuncInvoke runs an authorizer through its bytes path, as Lambda
// and the local gateway call it.
func TestFuncInvoke(t *testing.T) {
	f := authorizer.Func(allowAll)
	for _, tt := range []struct {
		token, out, err string
	}{
		{"allow", `{"principalId":"user","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke"],"Resource":["arn:aws:execute-api:us-east-1:123456789012:abcdef1234/*/*/*"]}]},"context":{"token":"allow"}}`, ""},
		{"deny", `{"principalId":"user","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["execute-api:Invoke"],"Resource":["arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets"]}]}}`, ""},
		{"who?", "", "Unauthorized"},
		{"fail", "", "database down"},
		{"panic", "", "authorizer: panic: boom"},
		{"nil", "", "nil response"},
	} {
		payload, _ := event.NewAuthorizer(tt.token, "GET", "/pets").MarshalJSON()
		out, err := f.Invoke(context.Background(), payload)
		if string(out) != tt.out || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("Invoke(%s) = %s, %v; want %s, %q", tt.token, out, err, tt.out, tt.err)
		}
		if tt.err == "Unauthorized" && err.Error() != "Unauthorized" {
			t.Errorf("the 401 error's message is %q, not exactly Unauthorized", err)
		}
	}
	if _, err := f.Invoke(context.Background(), []byte(`{"httpMethod":"GET"}`)); err == nil {
		t.Error("a request event was accepted")
	}
	simple := authorizer.SimpleFunc(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.SimpleResponse, error) {
		return &authorizer.SimpleResponse{IsAuthorized: req.IdentitySource[0] == "ok", Context: map[string]any{"route": req.Request.RouteKey}}, nil
	})
	a, _ := event.Builder{Source: event.HTTPAPI, RouteKey: "GET /pets"}.BuildAuthorizer(event.RequestAuthorizer, "GET", "/pets", nil, "ok")
	payload, _ := a.MarshalJSON()
	out, err := simple.Invoke(context.Background(), payload)
	if err != nil || string(out) != `{"isAuthorized":true,"context":{"route":"GET /pets"}}` {
		t.Errorf("SimpleFunc.Invoke = %s, %v", out, err)
	}
}

// TestAWSLambdaGoAuthorizer runs an authorizer written with
// aws-lambda-go's own types and entry (lambda.NewHandler) on the events
// this package's builder fabricates, and reads its output with
// ReadOutput: the two sides agree on both documents.
func TestAWSLambdaGoAuthorizer(t *testing.T) {
	h := lambda.NewHandler(func(ctx context.Context, req events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		if req.AuthorizationToken != "Bearer good" {
			return events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized")
		}
		return events.APIGatewayCustomAuthorizerResponse{
			PrincipalID: "alice",
			PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
				{Action: []string{"execute-api:Invoke"}, Effect: "Allow", Resource: []string{req.MethodArn}},
			}},
			Context: map[string]any{"groups": "admin", "level": 3},
		}, nil
	})
	payload, _ := event.NewAuthorizer("Bearer good", "GET", "/pets/7").MarshalJSON()
	out, err := h.Invoke(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	r, err := authorizer.ReadOutput(out, authorizer.RESTFormat)
	if err != nil {
		t.Fatalf("ReadOutput(%s): %v", out, err)
	}
	if r.PrincipalID != "alice" || r.Policy.Evaluate(authorizer.InvokeAction, "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets/7", &authorizer.Env{}, false) != authorizer.Allowed ||
		!maps.Equal(r.StringContext(), map[string]string{"groups": "admin", "level": "3"}) {
		t.Errorf("result = %+v, context %v", r, r.StringContext())
	}
	payload, _ = event.NewAuthorizer("Bearer bad", "GET", "/pets/7").MarshalJSON()
	if _, err := h.Invoke(context.Background(), payload); err == nil || err.Error() != "Unauthorized" {
		t.Errorf("bad token: %v", err)
	}
}

// TestWebSocketAuthorizer runs an authorizer on a WebSocket API's
// $connect event, written with this package and with aws-lambda-go's
// REQUEST type (which reads the same members), and evaluates what each
// returns against the route ARN as the gateway does.
func TestWebSocketAuthorizer(t *testing.T) {
	a, err := event.Builder{Source: event.WebSocket, Stage: "live"}.BuildAuthorizer(event.RequestAuthorizer, "GET", "/?token=good", http.Header{"Upgrade": {"websocket"}})
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := a.MarshalJSON()
	const arn = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/live/$connect"
	ours := authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		if req.Source() != event.WebSocket || req.Request.Query.Get("token") != "good" || req.Request.Context.EventType != "CONNECT" {
			return nil, authorizer.ErrUnauthorized
		}
		return authorizer.Allow("alice", req.MethodArn).WithContext("n", 1), nil
	})
	theirs := lambda.NewHandler(func(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		if req.QueryStringParameters["token"] != "good" || req.Headers["Connection"] != "upgrade" {
			return events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized")
		}
		return events.APIGatewayCustomAuthorizerResponse{PrincipalID: "alice", Context: map[string]any{"n": 1},
			PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
				{Action: []string{"execute-api:Invoke"}, Effect: "Allow", Resource: []string{req.MethodArn}}}}}, nil
	})
	for name, fn := range map[string]interface {
		Invoke(context.Context, []byte) ([]byte, error)
	}{"authorizer.Func": ours, "aws-lambda-go": theirs} {
		out, err := fn.Invoke(context.Background(), payload)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r, err := authorizer.ReadOutput(out, authorizer.RESTFormat)
		if err != nil || r.Policy.Evaluate(authorizer.InvokeAction, arn, &authorizer.Env{}, false) != authorizer.Allowed ||
			!maps.Equal(r.StringContext(), map[string]string{"n": "1"}) {
			t.Errorf("%s: %s read as %+v, %v", name, out, r, err)
		}
	}
}
