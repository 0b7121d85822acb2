package main

import (
	"context"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/examples/exampletest"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
)

// TestAuthzAPI drives the API over a loopback socket as a client of the
// deployed API would, with the issuer's JWKS served from a loopback
// server and found through OpenID discovery, as API Gateway finds it;
// lambdagate serve's test sends the same table to the template's
// function processes.
func TestAuthzAPI(t *testing.T) {
	iss := exampletest.NewIssuer(t)
	users, err := jwtauth.New(jwtauth.Config{Issuer: iss.URL, Audience: []string{Audience}})
	if err != nil {
		t.Fatal(err)
	}
	exampletest.Run(t, gatewaytest.New(t, API(Handler(), users, Authorizer)), exampletest.Authz(t, iss, Audience))
}

// TestAuthorizerFunction unit-tests the Lambda authorizer with
// fabricated events, through the bytes path Lambda runs.
func TestAuthorizerFunction(t *testing.T) {
	for _, tt := range []struct{ token, want string }{
		{"op-token-billing", `{"isAuthorized":true,"context":{"route":"GET /admin/stats","team":"billing"}}`},
		{"nope", `{"isAuthorized":false}`},
	} {
		ev, err := event.Builder{Source: event.HTTPAPI, RouteKey: "GET /admin/stats"}.BuildAuthorizer(event.RequestAuthorizer, "GET", "/admin/stats", nil, tt.token)
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := ev.MarshalJSON()
		out, err := Authorizer.Invoke(context.Background(), payload)
		if err != nil || string(out) != tt.want {
			t.Errorf("Invoke(%s) = %s, %v; want %s", tt.token, out, err, tt.want)
		}
	}
}
