package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// Audience is the audience the pet store's tokens carry.
const Audience = "pets-api"

// operators are the API tokens the Lambda authorizer knows, and whose.
var operators = map[string]string{"op-token-ops": "ops", "op-token-billing": "billing"}

// Authorizer is the Lambda authorizer: an HTTP API authorizer with
// simple responses, reading the X-Api-Token header (its identity source).
var Authorizer = authorizer.SimpleFunc(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.SimpleResponse, error) {
	team, ok := operators[req.IdentitySource[0]]
	if !ok {
		return &authorizer.SimpleResponse{IsAuthorized: false}, nil // 403 Forbidden
	}
	return &authorizer.SimpleResponse{IsAuthorized: true, Context: map[string]any{"team": team, "route": req.Request.RouteKey}}, nil
})

// store holds the pets; invokes may run concurrently.
type store struct {
	mu   sync.Mutex
	pets []string
}

// Handler returns the API's function: a router with its route keys.
func Handler() *route.Router {
	s := &store{pets: []string{"Rex", "Tom"}}
	r := route.New(route.Config{Source: event.HTTPAPI})
	r.Handle("GET /health", lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.Text(http.StatusOK, "ok"), nil
	}))
	r.Handle("GET /pets", lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return response.JSON(http.StatusOK, map[string]any{"pets": s.pets, "for": req.Authorizer.Claims()["sub"]})
	}))
	r.Handle("POST /pets", lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		var p struct{ Name string }
		if json.Unmarshal(req.Body, &p) != nil || strings.TrimSpace(p.Name) == "" {
			return response.Error(http.StatusBadRequest, "want a JSON pet with a name"), nil
		}
		s.mu.Lock()
		s.pets = append(s.pets, p.Name)
		s.mu.Unlock()
		return response.JSON(http.StatusCreated, map[string]string{"added": p.Name, "by": req.Authorizer.Claims()["sub"]})
	}))
	r.Handle("GET /admin/stats", lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		s.mu.Lock()
		n := len(s.pets)
		s.mu.Unlock()
		return response.JSON(http.StatusOK, map[string]any{"pets": n, "team": req.Authorizer.Lambda()["team"]})
	}))
	return r
}

// API is the HTTP API template.yaml deploys, with the JWT authorizer jwt
// and the Lambda authorizer fn.
func API(h *route.Router, jwt *jwtauth.Authorizer, fn lambdagate.Invoker) gateway.API {
	proxy := gateway.Proxy{Function: lambdagate.NewAdapter(h)}
	return gateway.API{
		Kind: event.HTTPAPI,
		Authorizers: map[string]gateway.Authorizer{
			"users":     jwt,
			"operators": gateway.LambdaAuthorizer{Function: fn, SimpleResponses: true, IdentitySource: []string{"$request.header.X-Api-Token"}, TTL: time.Minute},
		},
		Routes: []gateway.Route{
			{Key: "GET /health", Integration: proxy},
			{Key: "GET /pets", Integration: proxy, Authorizer: "users", AuthorizationScopes: []string{"pets/read", "pets/write"}},
			{Key: "POST /pets", Integration: proxy, Authorizer: "users", AuthorizationScopes: []string{"pets/write"}},
			{Key: "GET /admin/stats", Integration: proxy, Authorizer: "operators"},
		},
	}
}

// demoIssuer stands for the identity provider when the API runs
// locally: a key made at start, published as a key set, and tokens
// signed with it.
type demoIssuer struct {
	key *rsa.PrivateKey
	set jose.JSONWebKeySet
}

const demoIssuerURL = "https://issuer.example"

func newDemoIssuer() (*demoIssuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &demoIssuer{key: key, set: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "demo", Algorithm: "RS256", Use: "sig"}}}}, nil
}

// token signs a token for sub with the given scopes, valid for an hour.
func (d *demoIssuer) token(iss, sub, scope string) (string, error) {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: d.key, KeyID: "demo"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	now := time.Now()
	return jwt.Signed(s).Claims(map[string]any{"iss": iss, "aud": Audience, "sub": sub, "scope": scope,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}).Serialize()
}

func main() {
	if os.Getenv("AUTHZ_ROLE") == "authorizer" {
		lambdagate.Function{Invoker: Authorizer}.Start()
		return
	}
	h := Handler()
	if lambdagate.InLambda() {
		lambdagate.Start(h) // API Gateway checks the tokens in the cloud
		return
	}
	demo, err := newDemoIssuer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "authz:", err)
		os.Exit(1)
	}
	users, err := jwtauth.New(jwtauth.Config{Issuer: demoIssuerURL, Audience: []string{Audience}, KeySet: &demo.set})
	if err != nil {
		fmt.Fprintln(os.Stderr, "authz:", err)
		os.Exit(1)
	}
	reader, _ := demo.token(demoIssuerURL, "alice", "pets/read")
	writer, _ := demo.token(demoIssuerURL, "bob", "pets/read pets/write")
	api := API(h, users, Authorizer)
	lambdagate.Function{Handler: h, Local: lambdagate.Local{API: &api, Ready: func(base string) {
		fmt.Fprintf(os.Stderr, "try:\n  curl %s/health\n  curl -i %s/pets\n  curl -H 'Authorization: Bearer %s' %s/pets\n"+
			"  curl -i -X POST -H 'Authorization: Bearer %s' -d '{\"name\":\"Kit\"}' %s/pets\n"+
			"  curl -X POST -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d '{\"name\":\"Kit\"}' %s/pets\n"+
			"  curl -H 'X-Api-Token: op-token-ops' %s/admin/stats\n  curl -i -H 'X-Api-Token: guess' %s/admin/stats\n",
			base, base, reader, base, reader, base, writer, base, base, base)
	}}}.Start()
}
