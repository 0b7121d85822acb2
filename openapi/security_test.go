package openapi_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/iamauth"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/openapi"
	"github.com/lambdagate/lambdagate/response"
)

// The credentials of IAM-authorized requests, and a valid API key.
const (
	accessKey = "AKIDLOCALTEST"
	secretKey = "local-secret"
	apiKey    = "a-key-of-twenty-or-more-chars"
)

func iamConfig() *iamauth.Config {
	return &iamauth.Config{Credentials: []iamauth.Credential{{AccessKeyID: accessKey, SecretAccessKey: secretKey}}}
}

// whoami answers with what the integration learned about the caller.
var whoami = handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.JSON(http.StatusOK, map[string]any{
		"principal": req.Authorizer.PrincipalID(),
		"lambda":    req.Authorizer.Lambda(),
		"claims":    req.Authorizer.Claims()["sub"],
		"apiKeyId":  req.Context.Identity.APIKeyID,
		"caller":    req.Context.Identity.Caller,
	})
}))

// counting counts the invokes of an authorizer function.
type counting struct {
	n  atomic.Int32
	fn handler.Invoker
}

func (c *counting) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	c.n.Add(1)
	return c.fn.Invoke(ctx, payload)
}

// tokenAuth is a policy authorizer: the token or X-User header names the
// caller; "deny" is explicitly denied, "unauth" is 401, anyone else
// allowed on the whole API (so that cached results serve every method).
var tokenAuth = authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
	who := strings.TrimPrefix(req.AuthorizationToken, "Bearer ")
	if req.Request != nil {
		who = req.Request.Header.Get("X-User")
		if who == "" {
			who = req.Request.Header.Get("Authorization")
		}
	}
	arn, err := event.ParseARN(req.ARN())
	if err != nil {
		return nil, err
	}
	all := event.ARN{Region: arn.Region, AccountID: arn.AccountID, APIID: arn.APIID, Stage: "*", Method: "*", Path: "/*"}.String()
	switch who {
	case "", "unauth":
		return nil, authorizer.ErrUnauthorized
	case "deny":
		return authorizer.Deny(who, all), nil
	}
	resp := authorizer.Allow(who, all).WithContext("who", who)
	if key := req.Request; key != nil && key.Header.Get("X-Key") != "" {
		resp.UsageIdentifierKey = key.Header.Get("X-Key")
	} else if strings.HasPrefix(req.AuthorizationToken, "Bearer ") {
		resp.UsageIdentifierKey = apiKey
	}
	return resp, nil
})

// operatorAuth is a simple-response authorizer knowing one token.
var operatorAuth = authorizer.SimpleFunc(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.SimpleResponse, error) {
	ok := len(req.IdentitySource) == 1 && req.IdentitySource[0] == "op-token"
	return &authorizer.SimpleResponse{IsAuthorized: ok, Context: map[string]any{"team": "ops"}}, nil
})

// signedReq signs a request with SigV4 for execute-api, as a caller of
// an IAM-authorized method does.
func signedReq(t *testing.T, method, url string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, url, http.NoBody)
	sum := sha256.Sum256(nil)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey},
		r, hex.EncodeToString(sum[:]), "execute-api", event.DefaultRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

// issuerKey signs the JWTs of the tests' issuer.
var (
	issuerOnce sync.Once
	issuerKey  *rsa.PrivateKey
	issuerSet  jose.JSONWebKeySet
)

func jwtKeys(t testing.TB) *jose.JSONWebKeySet {
	issuerOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		issuerKey = k
		issuerSet = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &k.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}
	})
	return &issuerSet
}

// token signs a token of the test issuer for sub with scopes.
func token(t testing.TB, sub, scope string) string {
	t.Helper()
	jwtKeys(t)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: issuerKey, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, err := jwt.Signed(s).Claims(map[string]any{"iss": "https://issuer.example", "aud": "pets-api", "sub": sub, "scope": scope,
		"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix()}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// authCase is one request of an authorization table: the request, and
// the status and a part of the body that AWS answers with.
type authCase struct {
	name    string
	req     func() *http.Request
	status  int
	body    string // a substring of the body
	invokes int32  // the authorizer invokes it costs, -1 for any
}

func request(method, target string, header ...string) func() *http.Request {
	return func() *http.Request {
		r := httptest.NewRequest(method, "http://api.test"+target, http.NoBody)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		return r
	}
}

// runAuthCases serves each request in order and checks the answer and
// how many times auth was invoked.
func runAuthCases(t *testing.T, g http.Handler, auth *counting, cases []authCase) {
	t.Helper()
	for _, c := range cases {
		before := auth.n.Load()
		w := httptest.NewRecorder()
		g.ServeHTTP(w, c.req())
		got := w.Body.String()
		if w.Code != c.status || !strings.Contains(got, c.body) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, w.Code, got, c.status, c.body)
		}
		if n := auth.n.Load() - before; c.invokes >= 0 && n != c.invokes {
			t.Errorf("%s: %d authorizer invokes, want %d", c.name, n, c.invokes)
		}
	}
}

// TestRESTAuthorizersSwagger imports a Swagger 2.0 REST definition with
// TOKEN and REQUEST Lambda authorizers, IAM authorization, API keys and a
// resource policy, and checks AWS's answers
// (docs/evidence/authorizers.md#rest-outcomes).
func TestRESTAuthorizersSwagger(t *testing.T) {
	auth := &counting{fn: tokenAuth}
	res := mustImport(t, "testdata/authorizers-rest.json", openapi.Options{
		Functions: map[string]handler.Invoker{"pets": whoami, "auth": auth},
		IAM:       iamConfig(),
		APIKeys:   []gateway.APIKey{{ID: "k1", Value: apiKey}},
	})
	if n := len(res.API.Authorizers); n != 3 {
		t.Errorf("%d authorizers, want token-auth, request-auth and sigv4", n)
	}
	fromDenied := func() *http.Request {
		r := request("GET", "/prod/public")()
		r.RemoteAddr = "198.51.100.7:1234"
		return r
	}
	runAuthCases(t, res.Gateway, auth, []authCase{
		{"open method", request("GET", "/prod/public"), 200, `"principal":""`, 0},
		{"resource policy denies the source IP", fromDenied, 403, "explicit deny", 0},
		{"token missing", request("GET", "/prod/pets"), 401, `{"message":"Unauthorized"}`, 0},
		{"token fails the validation expression", request("GET", "/prod/pets", "Authorization", "Bearer x1"), 401, "Unauthorized", 0},
		{"token allowed", request("GET", "/prod/pets", "Authorization", "Bearer alice"), 200, `"principal":"alice"`, 1},
		{"token cached", request("GET", "/prod/pets", "Authorization", "Bearer alice"), 200, `"principal":"alice"`, 0},
		{"explicit deny", request("GET", "/prod/pets", "Authorization", "Bearer deny"), 403, "User is not authorized to access this resource with an explicit deny", 1},
		{"function says Unauthorized", request("GET", "/prod/pets", "Authorization", "Bearer unauth"), 401, "Unauthorized", 1},
		{"request authorizer and API key", request("GET", "/prod/pets/7?tenant=t", "X-User", "bob", "x-api-key", apiKey), 200, `"apiKeyId":"k1"`, 1},
		{"not cached (TTL 0)", request("GET", "/prod/pets/7?tenant=t", "X-User", "bob", "x-api-key", apiKey), 200, `"principal":"bob"`, 1},
		{"API key missing", request("GET", "/prod/pets/7?tenant=t", "X-User", "bob"), 403, `{"message":"Forbidden"}`, 1},
		{"API key wrong", request("GET", "/prod/pets/7", "X-User", "bob", "x-api-key", "not-a-key-of-the-plan!"), 403, "Forbidden", 1},
		{"IAM unsigned", request("POST", "/prod/admin"), 403, "Missing Authentication Token", 0},
		{"IAM signed", func() *http.Request { return signedReq(t, "POST", "http://api.test/prod/admin") }, 200, `"caller":"` + accessKey + `"`, 0},
		{"API key only, auth NONE", request("GET", "/prod/keys-only", "x-api-key", apiKey), 200, `{"key": "k1"}`, 0},
		{"API key only, none sent", request("GET", "/prod/keys-only"), 403, "Forbidden", 0},
	})
}

// TestHTTPAuthorizers imports an HTTP API with a JWT authorizer, Lambda
// authorizers of both payload versions and IAM authorization
// (docs/evidence/authorizers.md#http-api-lambda-authorizers).
func TestHTTPAuthorizers(t *testing.T) {
	ops := &counting{fn: operatorAuth}
	legacy := &counting{fn: tokenAuth}
	res := mustImport(t, "testdata/authorizers-http.yaml", openapi.Options{
		Functions: map[string]handler.Invoker{"app": whoami, "operators": ops, "legacy": legacy},
		JWT:       map[string]jwtauth.Config{"https://issuer.example": {KeySet: jwtKeys(t)}},
		IAM:       iamConfig(),
	})
	reader, writer := token(t, "alice", "pets/read"), token(t, "bob", "pets/read pets/write")
	runAuthCases(t, res.Gateway, ops, []authCase{
		{"open route", request("GET", "/health"), 200, `"claims":""`, 0},
		{"JWT missing", request("GET", "/pets"), 401, `{"message":"Unauthorized"}`, 0},
		{"JWT with a route scope", request("GET", "/pets", "Authorization", "Bearer "+reader), 200, `"claims":"alice"`, 0},
		{"JWT without the route's scope", request("POST", "/pets", "Authorization", "Bearer "+reader), 403, `{"message":"Forbidden"}`, 0},
		{"JWT with the route's scope", request("POST", "/pets", "Authorization", "Bearer "+writer), 200, `"claims":"bob"`, 0},
		{"JWT forged", request("GET", "/pets", "Authorization", "Bearer "+reader[:len(reader)-4]+"AAAA"), 401, "Unauthorized", 0},
		{"simple response yes", request("GET", "/admin/stats", "X-Api-Token", "op-token"), 200, `"team":"ops"`, 1},
		{"simple response cached", request("GET", "/admin/stats", "X-Api-Token", "op-token"), 200, `"team":"ops"`, 0},
		{"simple response no", request("GET", "/admin/stats", "X-Api-Token", "guess"), 403, `{"message":"Forbidden"}`, 1},
		{"identity source missing", request("GET", "/admin/stats"), 401, `{"message":"Unauthorized"}`, 0},
		{"IAM unsigned", request("GET", "/signed"), 403, "Missing Authentication Token", 0},
		{"IAM signed", func() *http.Request { return signedReq(t, "GET", "http://api.test/signed") }, 200, `"principal":""`, 0},
	})
	runAuthCases(t, res.Gateway, legacy, []authCase{
		{"payload 1.0 policy allows", request("GET", "/legacy?tenant=t", "Authorization", "carol"), 200, `"lambda":{"who":"carol"}`, 1},
		{"payload 1.0 not cached", request("GET", "/legacy?tenant=t", "Authorization", "carol"), 200, `"lambda":{"who":"carol"}`, 1},
		{"payload 1.0 policy denies", request("GET", "/legacy?tenant=t", "Authorization", "deny"), 403, `{"message":"Forbidden"}`, 1},
		{"second identity source missing", request("GET", "/legacy", "Authorization", "carol"), 401, "Unauthorized", 0},
	})
}

// TestSAMAuthorizers imports a SAM template whose definition carries the
// security SAM writes: the authorizer's key is the API key of a method
// that requires one (x-amazon-apigateway-api-key-source AUTHORIZER).
func TestSAMAuthorizers(t *testing.T) {
	auth := &counting{fn: tokenAuth}
	res := mustImport(t, "testdata/authorizers-sam.yaml", openapi.Options{
		Functions: map[string]handler.Invoker{"OrdersFunction": whoami, "AuthFunction": auth},
		IAM:       iamConfig(),
		APIKeys:   []gateway.APIKey{{ID: "k1", Value: apiKey}},
	})
	if res.API.APIKeySource != gateway.AuthorizerKeySource {
		t.Errorf("APIKeySource = %v, want AUTHORIZER", res.API.APIKeySource)
	}
	runAuthCases(t, res.Gateway, auth, []authCase{
		{"authorizer names the key", request("GET", "/dev/orders", "Authorization", "Bearer dana"), 200, `"apiKeyId":"k1"`, 1},
		{"no token", request("GET", "/dev/orders"), 401, "Unauthorized", 0},
		{"IAM unsigned", request("DELETE", "/dev/orders/1"), 403, "Missing Authentication Token", 0},
		{"IAM signed", func() *http.Request { return signedReq(t, "DELETE", "http://api.test/dev/orders/1") }, 200, `"caller":"` + accessKey + `"`, 0},
	})
}

// TestSecurityImport checks how each security setting is read, refused
// or noted (docs/evidence/openapi.md#security-schemes).
func TestSecurityImport(t *testing.T) {
	const (
		lambdaURI = `"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"`
		mock      = `"x-amazon-apigateway-integration":{"type":"mock","requestTemplates":{"application/json":"{\"statusCode\":200}"},"responses":{"default":{"statusCode":"200"}}}`
		proxy     = `"x-amazon-apigateway-integration":{"type":"aws_proxy","httpMethod":"POST","payloadFormatVersion":"2.0","uri":` + lambdaURI + `}`
	)
	rest := func(schemes, security, extra string) string {
		return `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{` + security + mock + `}}},"components":{"securitySchemes":{` + schemes + `}}` + extra + `}`
	}
	httpAPI := func(schemes, security, extra string) string {
		return `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"x-amazon-apigateway-importexport-version":"1.0","paths":{"/a":{"get":{` + security + proxy + `}}},"components":{"securitySchemes":{` + schemes + `}}` + extra + `}`
	}
	const (
		token    = `"tok":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authtype":"custom","x-amazon-apigateway-authorizer":{"type":"token","authorizerUri":` + lambdaURI + `}}`
		request  = `"req":{"type":"apiKey","name":"Unused","in":"header","x-amazon-apigateway-authorizer":{"type":"request","identitySource":"$request.header.X","authorizerPayloadFormatVersion":"2.0","authorizerUri":` + lambdaURI + `}}`
		jwtOK    = `"jwt":{"type":"oauth2","x-amazon-apigateway-authorizer":{"type":"jwt","jwtConfiguration":{"issuer":"https://issuer.example","audience":["a"]}}}`
		sigv4    = `"iam":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authtype":"awsSigv4"}`
		keys     = `"api_key":{"type":"apiKey","name":"x-api-key","in":"header"}`
		basic    = `"basic":{"type":"http","scheme":"basic"}`
		cognito  = `"cog":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authtype":"cognito_user_pools","x-amazon-apigateway-authorizer":{"type":"cognito_user_pools","providerARNs":["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"]}}`
		useTok   = `"security":[{"tok":[]}],`
		useReq   = `"security":[{"req":[]}],`
		useIAM   = `"security":[{"iam":[]}],`
		allOpts  = "all"
		iamNone  = "no IAM"
		keysNone = "no keys"
	)
	for _, tt := range []struct {
		name, doc string
		opts      string
		want      string // a problem (a pointer and a message), or with note a note
		note      bool
	}{
		{"cognito", rest(cognito, `"security":[{"cog":[]}],`, ""), allOpts, "/components/securitySchemes/cog/x-amazon-apigateway-authorizer/type: Cognito user pool authorizers are not emulated", false},
		{"undefined scheme", rest(token, `"security":[{"nope":[]}],`, ""), allOpts, `/paths/~1a/get/security/0/nope: security scheme "nope" is not defined in /components/securitySchemes`, false},
		{"two authorizers on a REST method", rest(token+","+sigv4, `"security":[{"tok":[]},{"iam":[]}],`, ""), allOpts, `/paths/~1a/get/security/1/iam: a method has one authorizer: "tok" and "iam"`, false},
		{"two authorizers on an HTTP route", httpAPI(request+","+jwtOK, `"security":[{"jwt":[],"req":[]}],`, ""), allOpts, `a method has one authorizer: "jwt" and "req"`, false},
		{"JWT on a REST API", rest(jwtOK, `"security":[{"jwt":[]}],`, ""), allOpts, "/components/securitySchemes/jwt/x-amazon-apigateway-authorizer/type: jwt authorizers are not a feature of REST APIs", false},
		{"token on an HTTP API", httpAPI(token, useTok, ""), allOpts, "token authorizers are not a feature of HTTP APIs", false},
		{"unknown authorizer type", rest(strings.Replace(token, `"type":"token"`, `"type":"lambda"`, 1), useTok, ""), allOpts, `unknown authorizer type "lambda" (want token or request)`, false},
		{"IAM without credentials", rest(sigv4, useIAM, ""), iamNone, "/components/securitySchemes/iam: IAM authorization (awsSigv4) verifies signatures against the credentials callers sign with: give them in Options.IAM", false},
		{"authtype without an authorizer", rest(`"c":{"type":"apiKey","name":"A","in":"header","x-amazon-apigateway-authtype":"custom"}`, "", ""), allOpts, `/components/securitySchemes/c/x-amazon-apigateway-authtype: x-amazon-apigateway-authtype "custom" without x-amazon-apigateway-authorizer`, false},
		{"basic auth on a REST API", rest(basic, "", ""), allOpts, `/components/securitySchemes/basic: security scheme of type "http": REST APIs take apiKey schemes only`, false},
		{"basic auth on an HTTP API, unused", httpAPI(basic, "", ""), allOpts, `security scheme of type "http" without API Gateway's extensions`, true},
		{"basic auth on an HTTP API, used", httpAPI(basic, `"security":[{"basic":[]}],`, ""), allOpts, `/paths/~1a/get/security/0/basic: security scheme "basic" (http) cannot be enforced by API Gateway`, false},
		{"root-level security, REST", rest(token, "", `,"security":[{"tok":[]}]`), allOpts, "/security: root-level security is not used by API Gateway", true},
		{"root-level security, HTTP API", httpAPI(request, "", `,"security":[{"req":[]}]`), allOpts, "/security: root-level security: API Gateway documents it as unused for REST APIs", false},
		{"key source", rest(keys, "", `,"x-amazon-apigateway-api-key-source":"QUERY"`), allOpts, "/x-amazon-apigateway-api-key-source: API key source QUERY: want HEADER or AUTHORIZER", false},
		{"key source, HTTP API", httpAPI(request, "", `,"x-amazon-apigateway-api-key-source":"HEADER"`), allOpts, "/x-amazon-apigateway-api-key-source: the API key source is a REST API setting", false},
		{"policy, HTTP API", httpAPI(request, "", `,"x-amazon-apigateway-policy":{}`), allOpts, "/x-amazon-apigateway-policy: resource policies are a REST API setting", false},
		{"policy without statements", rest(keys, "", `,"x-amazon-apigateway-policy":{"Version":"2012-10-17"}`), allOpts, "/x-amazon-apigateway-policy: authorizer: policy without statements", false},
		{"policy naming a deployed API", rest(keys, "", `,"x-amazon-apigateway-policy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*"}]}`), allOpts, `/x-amazon-apigateway-policy/Statement/0: resource "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*" names a deployed API`, true},
		{"policy with an unresolvable Fn::Sub", rest(keys, "", `,"x-amazon-apigateway-policy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":[{"Fn::Sub":"arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:*"}]}]}`), allOpts, "/x-amazon-apigateway-policy/Statement/0/Resource/0: \"arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:*\" has variables", false},
		{"authorizer function not given", rest(strings.Replace(token, "function:auth", "function:other", 1), useTok, ""), allOpts, `/components/securitySchemes/tok/x-amazon-apigateway-authorizer/authorizerUri: no function for arn:aws:lambda:us-east-1:123456789012:function:other: give one under "other"`, false},
		{"authorizer URI with a stage variable", rest(strings.Replace(token, "function:auth", "function:${stageVariables.fn}", 1), useTok, ""), allOpts, "stage variables in an authorizer URI are not emulated", false},
		{"authorizer without a URI", rest(`"tok":{"type":"apiKey","name":"A","in":"header","x-amazon-apigateway-authorizer":{"type":"token"}}`, useTok, ""), allOpts, "/components/securitySchemes/tok/x-amazon-apigateway-authorizer: a Lambda authorizer needs an authorizerUri", false},
		{"TTL over the maximum", rest(strings.Replace(token, `"type":"token"`, `"type":"token","authorizerResultTtlInSeconds":4000`, 1), useTok, ""), allOpts, "authorizerResultTtlInSeconds: want an integer 0..3600, not 4000", false},
		{"unknown authorizer field", rest(strings.Replace(token, `"type":"token"`, `"type":"token","ttl":5`, 1), useTok, ""), allOpts, `/components/securitySchemes/tok/x-amazon-apigateway-authorizer: invalid value: unknown field "ttl"`, false},
		{"HTTP authorizer without a payload version", httpAPI(strings.Replace(request, `"authorizerPayloadFormatVersion":"2.0",`, "", 1), useReq, ""), allOpts, "authorizerPayloadFormatVersion is required for HTTP API Lambda authorizers", false},
		{"payload version on a REST authorizer", rest(strings.Replace(token, `"type":"token"`, `"type":"token","authorizerPayloadFormatVersion":"2.0"`, 1), useTok, ""), allOpts, "authorizerPayloadFormatVersion and enableSimpleResponses are HTTP API settings", false},
		{"validation expression on a REQUEST authorizer", rest(`"r":{"type":"apiKey","name":"Unused","in":"header","x-amazon-apigateway-authorizer":{"type":"request","identitySource":"method.request.header.X","identityValidationExpression":"^x$","authorizerUri":`+lambdaURI+`}}`, `"security":[{"r":[]}],`, ""), allOpts, `/components/securitySchemes/r: gateway: authorizer "r": token validation is for TOKEN authorizers`, false},
		{"simple responses with payload 1.0", httpAPI(strings.Replace(request, `"2.0"`, `"1.0","enableSimpleResponses":true`, 1), useReq, ""), allOpts, `/components/securitySchemes/req: gateway: authorizer "req": simple responses need payload version 2.0`, false},
		{"auth type unknown", rest(token, `"x-amazon-apigateway-auth":{"type":"CUSTOM"},`, ""), allOpts, `/paths/~1a/get/x-amazon-apigateway-auth/type: authorization type "CUSTOM": want NONE or AWS_IAM`, false},
		{"auth NONE with an authorizer", rest(token, useTok+`"x-amazon-apigateway-auth":{"type":"none"},`, ""), allOpts, `authorization type NONE, but security requires "tok"`, false},
		{"auth AWS_IAM with a Lambda authorizer", rest(token, useTok+`"x-amazon-apigateway-auth":{"type":"AWS_IAM"},`, ""), allOpts, `authorization type AWS_IAM, but security requires the authorizer "tok"`, false},
		{"auth AWS_IAM without credentials", rest(keys, `"x-amazon-apigateway-auth":{"type":"aws_iam"},`, ""), iamNone, "/paths/~1a/get/x-amazon-apigateway-auth: IAM authorization (awsSigv4)", false},
		{"JWT issuer not text", httpAPI(`"jwt":{"type":"oauth2","x-amazon-apigateway-authorizer":{"type":"jwt","jwtConfiguration":{"issuer":{"Ref":"Issuer"},"audience":["a"]}}}`, `"security":[{"jwt":[]}],`, ""), allOpts, `jwtConfiguration/issuer: the issuer is not text (a template parameter?): give it in Options.JWT["jwt"]`, false},
		{"JWT with two identity sources", httpAPI(`"jwt":{"type":"oauth2","x-amazon-apigateway-authorizer":{"type":"jwt","identitySource":"$request.header.A, $request.header.B","jwtConfiguration":{"issuer":"https://i","audience":["a"]}}}`, "", ""), allOpts, "a JWT authorizer has one identity source", false},
		{"JWT without an audience", httpAPI(`"jwt":{"type":"oauth2","x-amazon-apigateway-authorizer":{"type":"jwt","jwtConfiguration":{"issuer":"https://i"}}}`, "", ""), allOpts, "/components/securitySchemes/jwt/x-amazon-apigateway-authorizer: jwtauth: no audience", false},
		{"authorizer credentials", rest(strings.Replace(token, `"type":"token"`, `"type":"token","authorizerCredentials":"arn:aws:iam::123456789012:role/r"`, 1), useTok, ""), allOpts, "authorizerCredentials is not emulated", true},
		{"scopes on a Lambda authorizer", rest(token, `"security":[{"tok":["a/b"]}],`, ""), allOpts, "/paths/~1a/get/security/0/tok: authorization scopes are used by JWT (and Cognito) authorizers only", true},
		{"API key on an HTTP API", httpAPI(keys, `"security":[{"api_key":[]}],`, ""), allOpts, `HTTP APIs have no API keys: API Gateway does not enforce "api_key"`, true},
		{"API keys given to an HTTP API", httpAPI(request, "", ""), allOpts, "HTTP APIs have no API keys or usage plans: the ones given are not used", true},
		{"API keys required, none given", rest(keys, `"security":[{"api_key":[]}],`, ""), keysNone, "/paths/~1a/get: methods require API keys, and none are given", true},
		{"scheme extension misplaced", rest(strings.Replace(token, `"in":"header",`, `"in":"header","x-amazon-apigateway-policy":{},`, 1), useTok, ""), allOpts, "/components/securitySchemes/tok/x-amazon-apigateway-policy: unknown or misplaced extension", true},
	} {
		opts := openapi.Options{Name: "d", AnyFunction: placeholder{}, IAM: iamConfig(), APIKeys: []gateway.APIKey{{ID: "k", Value: apiKey}}}
		switch tt.opts {
		case iamNone:
			opts.IAM = nil
		case keysNone:
			opts.APIKeys = nil
		}
		if strings.Contains(tt.name, "not given") {
			opts.AnyFunction, opts.Functions = nil, map[string]handler.Invoker{"auth": placeholder{}}
		}
		res, err := openapi.Import([]byte(tt.doc), opts)
		expectImport(t, tt.name, res, err, tt.want, tt.note)
	}
}

// TestSecurityImportReads checks what the importer builds from valid
// schemes: defaults, openIdConnectUrl, Options.JWT overrides, Fn::Sub
// resources.
func TestSecurityImportReads(t *testing.T) {
	doc := `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"x-amazon-apigateway-importexport-version":"1.0",
		"paths":{"/a":{"get":{"security":[{"oidc":["s1","s2"]}],"x-amazon-apigateway-integration":{"type":"http_proxy","httpMethod":"GET","uri":"http://127.0.0.1:9/"}}}},
		"components":{"securitySchemes":{"oidc":{"type":"openIdConnect","openIdConnectUrl":"https://idp.example/pool/.well-known/openid-configuration",
			"x-amazon-apigateway-authorizer":{"type":"jwt","jwtConfiguration":{"audience":["x"]}}}}}}`
	res, err := openapi.Import([]byte(doc), openapi.Options{JWT: map[string]jwtauth.Config{"oidc": {Audience: []string{"override"}, KeySet: jwtKeys(t)}}})
	if err != nil {
		t.Fatal(err)
	}
	a, ok := res.API.Authorizers["oidc"].(*jwtauth.Authorizer)
	if !ok {
		t.Fatalf("authorizer = %T, want *jwtauth.Authorizer", res.API.Authorizers["oidc"])
	}
	if c := a.Config(); c.Issuer != "https://idp.example/pool" || len(c.Audience) != 1 || c.Audience[0] != "override" || c.KeySet == nil {
		t.Errorf("config = %+v: want the issuer of openIdConnectUrl, the audience and keys of Options.JWT", c)
	}
	if rt := res.API.Routes[0]; rt.Authorizer != "oidc" || strings.Join(rt.AuthorizationScopes, " ") != "s1 s2" {
		t.Errorf("route = %+v", rt)
	}

	rest := `{"openapi":"3.0.1","info":{"title":"x","version":"1"},
		"paths":{"/a":{"get":{"security":[{"t":[]}],"x-amazon-apigateway-integration":{"type":"mock"}}}},
		"components":{"securitySchemes":{"t":{"type":"apiKey","name":"X-Token","in":"header","x-amazon-apigateway-authorizer":{"type":"TOKEN","authorizerUri":{"Fn::Sub":"arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Auth.Arn}/invocations"},"authorizerResultTtlInSeconds":"0"}}}},
		"x-amazon-apigateway-policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":{\"Fn::Sub\":[\"execute-api:/${s}/*\",{\"s\":\"prod\"}]}}]}"}`
	res, err = openapi.Import([]byte(rest), openapi.Options{Functions: map[string]handler.Invoker{"Auth": placeholder{}}})
	if err != nil {
		t.Fatal(err)
	}
	la, ok := res.API.Authorizers["t"].(gateway.LambdaAuthorizer)
	if !ok || la.Type != event.TokenAuthorizer || !la.NoCache || strings.Join(la.IdentitySource, ",") != "method.request.header.X-Token" {
		t.Errorf("authorizer = %#v: want a TOKEN authorizer reading X-Token, without caching", res.API.Authorizers["t"])
	}
	if p := res.API.ResourcePolicy; p == nil || p.Statement[0].Resource[0] != "execute-api:/prod/*" {
		t.Errorf("resource policy = %+v: want the Fn::Sub resource filled", p)
	}

	// x-amazon-apigateway-auth AWS_IAM without a scheme: the API's IAM
	// authorization, named AWS_IAM.
	iam := `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{"/a":{"x-amazon-apigateway-any-method":{"x-amazon-apigateway-auth":{"type":"aws_iam"},"x-amazon-apigateway-integration":{"type":"aws_proxy","httpMethod":"POST","uri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations"}}}}}`
	res, err = openapi.Import([]byte(iam), openapi.Options{Kind: event.REST, AnyFunction: whoami, IAM: iamConfig()})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.API.Authorizers["AWS_IAM"].(*iamauth.Authorizer); !ok || res.API.Routes[0].Authorizer != "AWS_IAM" {
		t.Errorf("authorizers %v, route %+v: want IAM authorization named AWS_IAM", res.API.Authorizers, res.API.Routes[0])
	}
	runAuthCases(t, res.Gateway, &counting{}, []authCase{
		{"unsigned", request("PUT", "/prod/a"), 403, "Missing Authentication Token", 0},
		{"signed", func() *http.Request { return signedReq(t, "PUT", "http://api.test/prod/a") }, 200, `"caller":"` + accessKey + `"`, 0},
	})
}

// readJSON decodes a JSON document for inspection.
func readJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// guardedDefinition is a REST definition of n routes, each guarded by
// its own TOKEN authorizer and an API key, and, with bad, each naming a
// scheme that does not exist besides.
func guardedDefinition(n int, bad bool) []byte {
	var b strings.Builder
	b.WriteString(`{"openapi":"3.0.1","info":{"title":"g","version":"1"},"paths":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		extra := ""
		if bad {
			extra = fmt.Sprintf(`,{"missing%d":[]}`, i)
		}
		fmt.Fprintf(&b, `"/r%d":{"get":{"security":[{"a%d":[]},{"api_key":[]}%s],"x-amazon-apigateway-integration":{"type":"mock"}}}`, i, i, extra)
	}
	b.WriteString(`},"components":{"securitySchemes":{"api_key":{"type":"apiKey","name":"x-api-key","in":"header"}`)
	for i := range n {
		fmt.Fprintf(&b, `,"a%d":{"type":"apiKey","name":"Authorization","in":"header","x-amazon-apigateway-authorizer":{"type":"token","authorizerUri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/a%d/invocations"}}`, i, i)
	}
	b.WriteString(`}}}`)
	return []byte(b.String())
}

// TestSecurityCostIsLinear measures the allocations of importing guarded
// definitions of n and 2n routes, valid and with a problem at every
// route: twice the routes cost about twice the memory.
func TestSecurityCostIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("imports large definitions")
	}
	opts := openapi.Options{AnyFunction: placeholder{}, APIKeys: []gateway.APIKey{{ID: "k", Value: apiKey}}}
	for _, bad := range []bool{false, true} {
		cost := func(n int) uint64 {
			doc := guardedDefinition(n, bad)
			_, err := openapi.Import(doc, opts)
			if (err != nil) != bad {
				t.Fatalf("bad=%t: Import = %v", bad, err)
			}
			var e *openapi.Error
			if bad && (!errors.As(err, &e) || len(e.Problems) != n) {
				t.Fatalf("%v: want %d problems", err, n)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			openapi.Import(doc, opts)
			runtime.ReadMemStats(&after)
			return after.Mallocs - before.Mallocs
		}
		a1, a2 := cost(200), cost(400)
		if r := float64(a2) / float64(a1); r > 2.3 {
			t.Errorf("bad=%t: allocations grew %.2fx (%d, %d) for twice the routes", bad, r, a1, a2)
		}
	}
}
