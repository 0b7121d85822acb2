package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
)

// TestAuthorizerEventCommand prints the events Lambda authorizers get,
// as the local gateway builds them.
func TestAuthorizerEventCommand(t *testing.T) {
	fixed := []string{"--request-id", "r1", "--time", "2026-12-02T10:00:00Z"}
	for _, tt := range []struct {
		args  []string
		check func(t *testing.T, a *event.AuthorizerRequest)
		fail  string
	}{
		{[]string{"--source", "rest", "--authorizer-event", "token", "-H", "Authorization: Bearer abc", "/pets/7"}, func(t *testing.T, a *event.AuthorizerRequest) {
			if a.Type != event.TokenAuthorizer || a.AuthorizationToken != "Bearer abc" || a.MethodArn != "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets/7" {
				t.Errorf("TOKEN event %+v", a)
			}
		}, ""},
		{[]string{"--source", "rest", "--authorizer-event", "token", "--identity-source", "method.request.header.X-Key", "-H", "X-Key: k", "--stage", "dev", "-X", "DELETE", "/"}, func(t *testing.T, a *event.AuthorizerRequest) {
			if a.AuthorizationToken != "k" || !strings.HasSuffix(a.MethodArn, "/dev/DELETE/") {
				t.Errorf("TOKEN event %+v", a)
			}
		}, ""},
		{[]string{"--source", "rest", "--authorizer-event", "request", "--route", "GET /pets/{id}", "--stage-var", "env=x", "/pets/7?q=1"}, func(t *testing.T, a *event.AuthorizerRequest) {
			if a.Type != event.RequestAuthorizer || a.Request == nil || a.Request.Resource != "/pets/{id}" || a.Request.PathParameters.Get("id") != "7" || a.Request.StageVariables.Get("env") != "x" {
				t.Errorf("REQUEST event %+v", a)
			}
		}, ""},
		{[]string{"--source", "http", "--authorizer-event", "request", "--identity-source", "$request.querystring.k", "/pets/7?k=v"}, func(t *testing.T, a *event.AuthorizerRequest) {
			if a.Version != event.PayloadV2 || !slices.Equal(a.IdentitySource, []string{"v"}) || !strings.HasSuffix(a.RouteArn, "/$default/GET/pets/7") || a.Request.RawQuery != "k=v" {
				t.Errorf("2.0 event %+v", a)
			}
		}, ""},
		{[]string{"--source", "http1", "--authorizer-event", "request", "-H", "Authorization: a,b", "/x"}, func(t *testing.T, a *event.AuthorizerRequest) {
			if a.Version != event.PayloadV1 || a.AuthorizationToken != "a,b" || a.MethodArn == "" {
				t.Errorf("1.0 event %+v", a)
			}
		}, ""},
		{[]string{"--source", "websocket", "--authorizer-event", "request", "--stage", "live", "-H", "Token: t", "/?room=r1"}, func(t *testing.T, a *event.AuthorizerRequest) {
			if a.Source() != event.WebSocket || !strings.HasSuffix(a.MethodArn, "/live/$connect") || a.Request.Header.Get("Token") != "t" || a.Request.Query.Get("room") != "r1" {
				t.Errorf("WebSocket authorizer event = %+v", a)
			}
		}, ""},
		{[]string{"--source", "websocket", "--authorizer-event", "token", "/"}, nil, "REQUEST authorizers only"},
		{[]string{"--source", "rest", "--authorizer-event", "token", "/pets"}, nil, "lacks an identity source"},
		{[]string{"--source", "http", "--authorizer-event", "token", "/pets"}, nil, "HTTP APIs have REQUEST authorizers only"},
		{[]string{"--source", "alb", "--authorizer-event", "request", "/pets"}, nil, "no Lambda authorizers"},
		{[]string{"--source", "rest", "--authorizer-event", "cookie", "/pets"}, nil, "want token or request"},
		{[]string{"--source", "http", "--authorizer-event", "request", "--identity-source", "method.request.header.A", "/pets"}, nil, "spelled for another kind of API"},
	} {
		var out, errOut bytes.Buffer
		code := runEvent(append(append([]string{}, fixed...), tt.args...), strings.NewReader(""), &out, &errOut)
		if tt.fail != "" {
			if code == 0 || !strings.Contains(errOut.String(), tt.fail) {
				t.Errorf("%q: exit %d, stderr %q; want a failure containing %q", tt.args, code, errOut.String(), tt.fail)
			}
			continue
		}
		if code != 0 {
			t.Errorf("%q: exit %d: %s", tt.args, code, errOut.String())
			continue
		}
		a, err := event.DecodeAuthorizer(out.Bytes())
		if err != nil {
			t.Errorf("%q: output does not decode: %v\n%s", tt.args, err, out.String())
			continue
		}
		tt.check(t, a)
	}
}
