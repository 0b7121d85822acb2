package bench

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// BenchmarkAuthorizer measures one request through the gateway to an
// in-process handler, without an authorizer (noauth) and behind a Lambda
// authorizer whose result is cached (lambdagate): the difference is what
// the authorization step costs a request that hits the cache (the
// target: at most 1 µs and no allocation more).
func BenchmarkAuthorizer(b *testing.B) {
	body := []byte(smallJSON)
	fn := handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.RawJSON(http.StatusOK, body), nil
	}))
	auth := authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		arn, _ := event.ParseARN(req.ARN())
		return authorizer.Allow("user", arn.Resource("*", "GET", "/items/*")).WithContext("tier", "gold"), nil
	})
	apis := map[string]gateway.API{
		"noauth": {Routes: []gateway.Route{{Key: "GET /items/{id}", Integration: gateway.Proxy{Function: fn}}}},
		"lambdagate": {
			Authorizers: map[string]gateway.Authorizer{"a": gateway.LambdaAuthorizer{Function: auth}},
			Routes:      []gateway.Route{{Key: "GET /items/{id}", Integration: gateway.Proxy{Function: fn}, Authorizer: "a"}},
		},
	}
	for _, name := range []string{"lambdagate", "noauth"} {
		g := gateway.MustNew(apis[name])
		req := httptest.NewRequest("GET", "/items/7", nil)
		req.Header.Set("Authorization", "Bearer token-1")
		req.Header.Set("User-Agent", "bench")
		g.ServeHTTP(httptest.NewRecorder(), req) // fills the cache
		b.Run("cached/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				g.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatal(w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkJWT measures verifying a token with a cached key set: the JWT
// authorizer's Verify (lambdagate: parse, kid lookup, signature, iss,
// aud, exp, nbf, iat) against go-jose's bare parse and verify of the same
// token into the same claims map (gojose); the target is at most 1.2x.
func BenchmarkJWT(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	token, err := jwt.Signed(signer).Claims(map[string]any{"iss": "https://issuer.example", "aud": "api", "sub": "alice",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "scope": "read write"}).Serialize()
	if err != nil {
		b.Fatal(err)
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Use: "sig"}}}
	a, err := jwtauth.New(jwtauth.Config{Issuer: "https://issuer.example", Audience: []string{"api"}, KeySet: &set})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("lambdagate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.Verify(context.Background(), token, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gojose", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				b.Fatal(err)
			}
			var claims jwtauth.Claims
			if err := tok.Claims(&key.PublicKey, &claims); err != nil {
				b.Fatal(err)
			}
		}
	})
}
