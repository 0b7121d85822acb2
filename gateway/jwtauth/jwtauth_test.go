package jwtauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

const issuer = "https://issuer.example"

var now = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

var (
	keysOnce     sync.Once
	key1, key2   *rsa.PrivateKey
	publicKeySet jose.JSONWebKeySet
)

// keys returns two RSA keys, generated once per test binary; the set
// publishes key1 as "k1".
func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	keysOnce.Do(func() {
		var err error
		if key1, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if key2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		publicKeySet = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key1.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}
	})
	return key1, key2
}

// sign returns a token of claims signed with key under kid and alg.
func sign(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func goodClaims() map[string]any {
	return map[string]any{"iss": issuer, "aud": "api", "sub": "alice", "exp": now.Add(time.Hour).Unix(), "iat": now.Add(-time.Minute).Unix(),
		"scope": "read write", "groups": []string{"admin", "dev"}, "email_verified": true, "n": 1.5}
}

func with(changes map[string]any) map[string]any {
	c := goodClaims()
	for k, v := range changes {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestHostileTokens is the table of tokens an attacker sends; each gets
// 401 with the www-authenticate header, and none panics
// (docs/evidence/authorizers.md#jwt-authorizers).
func TestHostileTokens(t *testing.T) {
	k1, k2 := keys(t)
	pubDER, _ := x509.MarshalPKIXPublicKey(&k1.PublicKey)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	claims, _ := json.Marshal(goodClaims())
	good := sign(t, jose.RS256, k1, "k1", goodClaims())
	parts := strings.Split(good, ".")
	for _, tt := range []struct {
		name, token, desc string
	}{
		{"alg none", b64(`{"alg":"none","kid":"k1"}`) + "." + b64(string(claims)) + ".", "the token's signing algorithm is not supported"},
		{"alg none, no signature part", b64(`{"alg":"none"}`) + "." + b64(string(claims)), "the token's signing algorithm is not supported"},
		{"HS256 signed with the RSA public key", sign(t, jose.HS256, pubDER, "k1", goodClaims()), "the token's signing algorithm is not supported"},
		{"ES256", sign(t, jose.ES256, ec, "k1", goodClaims()), "the token's signing algorithm is not supported"},
		{"unknown kid", sign(t, jose.RS256, k1, "k9", goodClaims()), "the token's key id is not in the issuer's key set"},
		{"no kid", sign(t, jose.RS256, k1, "", goodClaims()), "the token has no key id"},
		{"signed by another key", sign(t, jose.RS256, k2, "k1", goodClaims()), "the token's signature is invalid"},
		{"tampered claims", parts[0] + "." + b64(strings.Replace(string(claims), `"alice"`, `"admin"`, 1)) + "." + parts[2], "the token's signature is invalid"},
		{"expired", sign(t, jose.RS256, k1, "k1", with(map[string]any{"exp": now.Add(-time.Second).Unix()})), "the token has expired"},
		{"expires now", sign(t, jose.RS256, k1, "k1", with(map[string]any{"exp": now.Unix()})), "the token has expired"},
		{"no exp", sign(t, jose.RS256, k1, "k1", with(map[string]any{"exp": nil})), "the token has no valid expiration time"},
		{"exp as a string", sign(t, jose.RS256, k1, "k1", with(map[string]any{"exp": "tomorrow"})), "the token has no valid expiration time"},
		{"not yet valid", sign(t, jose.RS256, k1, "k1", with(map[string]any{"nbf": now.Add(time.Minute).Unix()})), "the token is not valid yet"},
		{"issued in the future", sign(t, jose.RS256, k1, "k1", with(map[string]any{"iat": now.Add(time.Minute).Unix()})), "the token was issued in the future"},
		{"wrong audience", sign(t, jose.RS256, k1, "k1", with(map[string]any{"aud": "other"})), "the token does not have a valid audience"},
		{"audience list without ours", sign(t, jose.RS256, k1, "k1", with(map[string]any{"aud": []string{"x", "y"}})), "the token does not have a valid audience"},
		{"aud wins over client_id", sign(t, jose.RS256, k1, "k1", with(map[string]any{"aud": "other", "client_id": "api"})), "the token does not have a valid audience"},
		{"no audience", sign(t, jose.RS256, k1, "k1", with(map[string]any{"aud": nil})), "the token does not have a valid audience"},
		{"wrong issuer", sign(t, jose.RS256, k1, "k1", with(map[string]any{"iss": issuer + "/"})), "the token does not have a valid issuer"},
		{"oversized", sign(t, jose.RS256, k1, "k1", with(map[string]any{"pad": strings.Repeat("x", 6300)})), "the token is too large"},
		{"malformed base64", parts[0] + ".!!!." + parts[2], "the token is malformed"},
		{"two dots only", "..", "the token is malformed"},
		{"garbage", "not a token", "the token is malformed"},
		{"header not JSON", b64("{") + "." + parts[1] + "." + parts[2], "the token is malformed"},
		{"JWE shape", "a.b.c.d.e", "the token is malformed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := jwtAPI(t)
			r := s.Request("GET", "/read", "", "Authorization", "Bearer "+tt.token)
			body := gatewaytest.Body(t, r)
			want := `Bearer scope="" error="invalid_token" error_description="` + tt.desc + `"`
			if r.StatusCode != 401 || body != `{"message":"Unauthorized"}` || r.Header.Get("Www-Authenticate") != want {
				t.Errorf("= %d %s, www-authenticate %q; want 401 and %q", r.StatusCode, body, r.Header.Get("Www-Authenticate"), want)
			}
		})
	}
}

// claimsEcho answers with requestContext.authorizer.
var claimsEcho = handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.RawJSON(200, req.Authorizer.JSON), nil
})

func jwtAPI(t *testing.T) *gatewaytest.Server {
	keys(t)
	a, err := jwtauth.New(jwtauth.Config{Issuer: issuer, Audience: []string{"api", "web"}, KeySet: &publicKeySet})
	if err != nil {
		t.Fatal(err)
	}
	return gatewaytest.New(t, gateway.API{
		Now:         func() time.Time { return now },
		Authorizers: map[string]gateway.Authorizer{"jwt": a},
		Routes: []gateway.Route{
			{Key: "GET /read", Integration: gateway.Proxy{Function: handler.NewAdapter(claimsEcho)}, Authorizer: "jwt"},
			{Key: "GET /admin", Integration: gateway.Proxy{Function: handler.NewAdapter(claimsEcho)}, Authorizer: "jwt", AuthorizationScopes: []string{"admin", "root"}},
			{Key: "GET /scoped", Integration: gateway.Proxy{Function: handler.NewAdapter(claimsEcho)}, Authorizer: "jwt", AuthorizationScopes: []string{"write"}},
			{Key: "GET /v1", Integration: gateway.Proxy{Function: handler.NewAdapter(claimsEcho), PayloadVersion: event.PayloadV1}, Authorizer: "jwt", AuthorizationScopes: []string{"read"}},
		},
	})
}

// TestJWTAuthorizer covers accepted tokens, the claims and scopes the
// integration receives, scopes, and the missing token
// (docs/evidence/authorizers.md#jwt-claims-in-events).
func TestJWTAuthorizer(t *testing.T) {
	k1, _ := keys(t)
	s := jwtAPI(t)
	tok := sign(t, jose.RS256, k1, "k1", goodClaims())
	claims := fmt.Sprintf(`"claims":{"aud":"api","email_verified":"true","exp":"%d","groups":"[admin dev]","iat":"%d","iss":"https://issuer.example","n":"1.5","scope":"read write","sub":"alice"}`,
		now.Add(time.Hour).Unix(), now.Add(-time.Minute).Unix())
	for _, tt := range []struct {
		name, target, auth string
		status             int
		body, wwwAuth      string
	}{
		{"bearer", "/read", "Bearer " + tok, 200, `{"jwt":{` + claims + `,"scopes":null}}`, ""},
		{"lowercase bearer", "/read", "bearer " + tok, 200, `{"jwt":{` + claims + `,"scopes":null}}`, ""},
		{"no prefix", "/read", tok, 200, `{"jwt":{` + claims + `,"scopes":null}}`, ""},
		{"route scope", "/scoped", "Bearer " + tok, 200, `{"jwt":{` + claims + `,"scopes":["read","write"]}}`, ""},
		{"payload 1.0", "/v1", "Bearer " + tok, 200, `{` + claims + `,"scopes":["read","write"]}`, ""},
		{"missing scope", "/admin", "Bearer " + tok, 403, `{"message":"Forbidden"}`, `Bearer scope="admin root" error="insufficient_scope" error_description="the token does not have the required scope"`},
		{"no token", "/read", "", 401, `{"message":"Unauthorized"}`, ""},
		{"empty bearer", "/read", "Bearer ", 401, `{"message":"Unauthorized"}`, `Bearer scope="" error="invalid_token" error_description="the token is malformed"`},
	} {
		var r *http.Response
		if tt.auth != "" {
			r = s.Request("GET", tt.target, "", "Authorization", tt.auth)
		} else {
			r = s.Request("GET", tt.target, "")
		}
		body := gatewaytest.Body(t, r)
		if r.StatusCode != tt.status || body != tt.body || r.Header.Get("Www-Authenticate") != tt.wwwAuth {
			t.Errorf("%s: = %d %s (www-authenticate %q), want %d %s (%q)", tt.name, r.StatusCode, body, r.Header.Get("Www-Authenticate"), tt.status, tt.body, tt.wwwAuth)
		}
	}
	// client_id stands in for a missing aud; scp for scope.
	tok = sign(t, jose.RS256, k1, "k1", with(map[string]any{"aud": nil, "client_id": "web", "scope": nil, "scp": []string{"write"}}))
	if r := s.Request("GET", "/scoped", "", "Authorization", "Bearer "+tok); r.StatusCode != 200 {
		t.Errorf("client_id and scp: %d %s", r.StatusCode, gatewaytest.Body(t, r))
	}
}

// TestJWKSFetch serves the key set from a loopback server through OpenID
// discovery and checks caching and the refresh on an unknown kid, bounded
// by MinRefresh.
func TestJWKSFetch(t *testing.T) {
	k1, k2 := keys(t)
	var fetches atomic.Int32
	var set atomic.Pointer[jose.JSONWebKeySet]
	set.Store(&publicKeySet)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys"})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		json.NewEncoder(w).Encode(set.Load())
	})
	a, err := jwtauth.New(jwtauth.Config{Issuer: srv.URL, Audience: []string{"api"}, Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	clock := now
	verify := func(key *rsa.PrivateKey, kid string) error {
		_, err := a.Verify(context.Background(), sign(t, jose.RS256, key, kid, with(map[string]any{"iss": srv.URL})), clock)
		return err
	}
	if err := verify(k1, "k1"); err != nil || fetches.Load() != 1 {
		t.Fatalf("first token: %v, %d fetches", err, fetches.Load())
	}
	verify(k1, "k1")
	if fetches.Load() != 1 {
		t.Errorf("a cached key set was fetched again")
	}
	// The issuer rotates in k2: a token naming it makes the gateway fetch.
	set.Store(&jose.JSONWebKeySet{Keys: []jose.JSONWebKey{publicKeySet.Keys[0], {Key: &k2.PublicKey, KeyID: "k2", Use: "sig"}}})
	clock = clock.Add(2 * time.Minute)
	if err := verify(k2, "k2"); err != nil || fetches.Load() != 2 {
		t.Errorf("rotated key: %v, %d fetches", err, fetches.Load())
	}
	// Unknown kids fetch at most once per MinRefresh.
	for range 5 {
		if err := verify(k1, "nope"); err == nil {
			t.Error("an unknown kid was accepted")
		}
	}
	if fetches.Load() != 2 {
		t.Errorf("unknown kids caused %d fetches within MinRefresh, want none", fetches.Load()-2)
	}
	clock = clock.Add(2 * time.Minute)
	verify(k1, "nope")
	if fetches.Load() != 3 {
		t.Errorf("after MinRefresh an unknown kid should fetch once: %d", fetches.Load())
	}
	// After CacheTTL the set is fetched again.
	clock = clock.Add(2 * time.Hour)
	verify(k1, "k1")
	if fetches.Load() != 4 {
		t.Errorf("a stale set was not fetched again: %d", fetches.Load())
	}
}

func TestJWKSFile(t *testing.T) {
	k1, _ := keys(t)
	b, _ := json.Marshal(publicKeySet)
	path := filepath.Join(t.TempDir(), "jwks.json")
	os.WriteFile(path, b, 0o600)
	a, err := jwtauth.New(jwtauth.Config{Issuer: issuer, Audience: []string{"api"}, JWKSFile: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Verify(context.Background(), sign(t, jose.RS256, k1, "k1", goodClaims()), now); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestConfig(t *testing.T) {
	_, err := jwtauth.New(jwtauth.Config{IdentitySource: "$request.path.x", KeySet: &jose.JSONWebKeySet{}, JWKSURL: "http://x"})
	for _, want := range []string{"no issuer", "no audience", `identity source "$request.path.x"`, "give one of KeySet, JWKSFile and JWKSURL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New: missing %q in %v", want, err)
		}
	}
	if _, err := jwtauth.New(jwtauth.Config{Issuer: issuer, Audience: []string{"a"}, KeySet: &jose.JSONWebKeySet{}}); err == nil || !strings.Contains(err.Error(), "no RSA signing keys") {
		t.Errorf("empty key set: %v", err)
	}
	keys(t)
	a, _ := jwtauth.New(jwtauth.Config{Issuer: issuer, Audience: []string{"a"}, KeySet: &publicKeySet})
	_, err = gateway.New(gateway.API{Kind: event.REST, Authorizers: map[string]gateway.Authorizer{"jwt": a},
		Routes: []gateway.Route{{Key: "GET /", Integration: gateway.Proxy{Function: handler.NewAdapter(claimsEcho)}, Authorizer: "jwt"}}})
	if err == nil || !strings.Contains(err.Error(), "JWT authorizers are an HTTP API feature") {
		t.Errorf("REST API with a JWT authorizer: %v", err)
	}
	c := a.Config()
	if c.Issuer != issuer || len(c.Audience) != 1 || c.Audience[0] != "a" || c.KeySet != &publicKeySet || c.CacheTTL != time.Hour || c.MinRefresh != time.Minute {
		t.Errorf("Config() = %+v: want the configuration given, with default CacheTTL and MinRefresh", c)
	}
}

// FuzzVerify sends arbitrary tokens through Verify: never a panic, and
// nothing but a valid token is accepted.
func FuzzVerify(f *testing.F) {
	k1, k2 := keys(f)
	f.Add(sign(f, jose.RS256, k1, "k1", goodClaims()))
	f.Add(sign(f, jose.RS256, k2, "k1", goodClaims()))
	f.Add(b64(`{"alg":"none","kid":"k1"}`) + "." + b64(`{}`) + ".")
	f.Add("a.b.c")
	a, err := jwtauth.New(jwtauth.Config{Issuer: issuer, Audience: []string{"api"}, KeySet: &publicKeySet})
	if err != nil {
		f.Fatal(err)
	}
	valid := sign(f, jose.RS256, k1, "k1", goodClaims())
	f.Fuzz(func(t *testing.T, token string) {
		claims, err := a.Verify(context.Background(), token, now)
		if err == nil && token != valid {
			// Only a token signed by k1 can pass; the seed is the one.
			if string(claims["iss"]) != `"`+issuer+`"` {
				t.Errorf("accepted %q with claims %v", token, claims)
			}
		}
	})
}

// TestEscapedClaims: a token may escape characters of its claims (such as
// "\/"); they compare decoded.
func TestEscapedClaims(t *testing.T) {
	k1, _ := keys(t)
	s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k1, KeyID: "k1"}}, nil)
	payload := fmt.Sprintf(`{"iss":"https:\/\/issuer.example","aud":["x","\u0061pi"],"exp":%d}`, now.Add(time.Hour).Unix())
	obj, err := s.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := obj.CompactSerialize()
	a, _ := jwtauth.New(jwtauth.Config{Issuer: issuer, Audience: []string{"api"}, KeySet: &publicKeySet})
	if _, err := a.Verify(context.Background(), tok, now); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
