package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
)

// TestAuthzAPI drives the API over a loopback socket as a client of the
// deployed API would, with the issuer's JWKS served from a loopback
// server and found through OpenID discovery, as API Gateway finds it.
func TestAuthzAPI(t *testing.T) {
	demo, err := newDemoIssuer()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	issuer := httptest.NewServer(mux)
	t.Cleanup(issuer.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": issuer.URL, "jwks_uri": issuer.URL + "/jwks.json"})
	})
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, r *http.Request) { json.NewEncoder(w).Encode(demo.set) })
	users, err := jwtauth.New(jwtauth.Config{Issuer: issuer.URL, Audience: []string{Audience}, Client: issuer.Client()})
	if err != nil {
		t.Fatal(err)
	}
	s := gatewaytest.New(t, API(Handler(), users, Authorizer))
	token := func(sub, scope string) string {
		tok, err := demo.token(issuer.URL, sub, scope)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	reader, writer := token("alice", "pets/read"), token("bob", "pets/read pets/write")
	other, err := demo.token("https://other.example", "eve", "pets/write")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, method, path, body string
		header                   []string
		status                   int
		want                     string
		wwwAuth                  string
	}{
		{"open", "GET", "/health", "", nil, 200, "ok", ""},
		{"no token", "GET", "/pets", "", nil, 401, `{"message":"Unauthorized"}`, ""},
		{"reader", "GET", "/pets", "", []string{"Authorization", reader}, 200, `{"for":"alice","pets":["Rex","Tom"]}`, ""},
		{"reader may not write", "POST", "/pets", `{"name":"Kit"}`, []string{"Authorization", reader}, 403, `{"message":"Forbidden"}`,
			`Bearer scope="pets/write" error="insufficient_scope" error_description="the token does not have the required scope"`},
		{"writer", "POST", "/pets", `{"name":"Kit"}`, []string{"Authorization", writer, "Content-Type", "application/json"}, 201, `{"added":"Kit","by":"bob"}`, ""},
		{"another issuer", "GET", "/pets", "", []string{"Authorization", "Bearer " + other}, 401, `{"message":"Unauthorized"}`,
			`Bearer scope="" error="invalid_token" error_description="the token does not have a valid issuer"`},
		{"operator", "GET", "/admin/stats", "", []string{"X-Api-Token", "op-token-ops"}, 200, `{"pets":3,"team":"ops"}`, ""},
		{"unknown operator", "GET", "/admin/stats", "", []string{"X-Api-Token", "guess"}, 403, `{"message":"Forbidden"}`, ""},
		{"no operator token", "GET", "/admin/stats", "", nil, 401, `{"message":"Unauthorized"}`, ""},
		{"a user token is no operator token", "GET", "/admin/stats", "", []string{"Authorization", writer}, 401, `{"message":"Unauthorized"}`, ""},
	} {
		resp, body := s.Fetch(tt.method, tt.path, tt.body, tt.header...)
		if resp.StatusCode != tt.status || body != tt.want || resp.Header.Get("Www-Authenticate") != tt.wwwAuth {
			t.Errorf("%s: %s %s = %d %s (www-authenticate %q), want %d %s (%q)", tt.name, tt.method, tt.path, resp.StatusCode, body,
				resp.Header.Get("Www-Authenticate"), tt.status, tt.want, tt.wwwAuth)
		}
	}
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
