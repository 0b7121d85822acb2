package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// invokeAPI serves in-process functions over the Lambda Invoke API on a
// loopback port, as a local Lambda service does, counting the invokes of
// each; the server stops when the test ends.
func invokeAPI(t *testing.T, fns map[string]handler.Invoker) (string, map[string]*atomic.Int32) {
	t.Helper()
	counts := map[string]*atomic.Int32{}
	for name := range fns {
		counts[name] = new(atomic.Int32)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/invocations")
		fn, ok := fns[name]
		if r.Method != http.MethodPost || !ok {
			http.Error(w, `{"Type":"User","message":"Function not found"}`, http.StatusNotFound)
			return
		}
		counts[name].Add(1)
		payload, _ := io.ReadAll(r.Body)
		out, err := fn.Invoke(r.Context(), payload)
		if err != nil {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			out, _ = json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "errorString"})
		}
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, counts
}

// caller answers with what the integration learned about the caller.
var caller = handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.JSON(http.StatusOK, map[string]any{"principal": req.Authorizer.PrincipalID(), "sub": req.Authorizer.Claims()["sub"],
		"lambda": req.Authorizer.Lambda(), "key": req.Context.Identity.APIKeyID, "caller": req.Context.Identity.Caller})
}))

// policyAuth allows every caller on the whole API but "deny", and refuses
// "unauth" with 401; the token or the X-User header names the caller.
var policyAuth = authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
	who := strings.TrimPrefix(req.AuthorizationToken, "Bearer ")
	if req.Request != nil {
		who = req.Request.Header.Get("X-User")
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
	return authorizer.Allow(who, all), nil
})

// signedSend sends a request signed with SigV4 for execute-api.
func signedSend(t *testing.T, method, url, key, secret string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(nil)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "execute-api", event.DefaultRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

// TestServeRESTAuthorizers serves the REST test definition with Lambda
// authorizers, IAM authorization, API keys and a resource policy over
// loopback, its functions behind a Lambda Invoke API, and checks AWS's
// answers, caching included.
func TestServeRESTAuthorizers(t *testing.T) {
	lambda, invokes := invokeAPI(t, map[string]handler.Invoker{"pets": caller, "auth": policyAuth})
	const key = "a-key-of-twenty-or-more-chars"
	base := startServe(t, "--openapi", "../../openapi/testdata/authorizers-rest.json",
		"--function", "pets="+lambda+"#pets", "--function", "auth="+lambda+"#auth",
		"--iam-credential", "AKIDSERVE:serve-secret", "--api-key", key)
	for _, c := range []struct {
		name           string
		method, path   string
		header         []string
		status         int
		body, errType  string
		authorizations int32
	}{
		{"open", "GET", "/public", nil, 200, `"principal":""`, "", 0},
		{"no token", "GET", "/pets", nil, 401, `{"message":"Unauthorized"}`, "UnauthorizedException", 0},
		{"token", "GET", "/pets", []string{"Authorization", "Bearer alice"}, 200, `"principal":"alice"`, "", 1},
		{"token cached", "GET", "/pets", []string{"Authorization", "Bearer alice"}, 200, `"principal":"alice"`, "", 0},
		{"explicit deny", "GET", "/pets", []string{"Authorization", "Bearer deny"}, 403, "with an explicit deny", "AccessDeniedException", 1},
		{"Unauthorized error", "GET", "/pets", []string{"Authorization", "Bearer unauth"}, 401, "Unauthorized", "UnauthorizedException", 1},
		{"request authorizer and key", "GET", "/pets/7?tenant=t", []string{"X-User", "bob", "X-Api-Key", key}, 200, `"key":"key1"`, "", 1},
		{"no key", "GET", "/pets/7?tenant=t", []string{"X-User", "bob"}, 403, `{"message":"Forbidden"}`, "ForbiddenException", 1},
		{"unsigned", "POST", "/admin", nil, 403, "Missing Authentication Token", "MissingAuthenticationTokenException", 0},
	} {
		before := invokes["auth"].Load()
		resp, got := get(t, c.method, base+c.path, "", c.header...)
		if resp.StatusCode != c.status || !strings.Contains(got, c.body) || resp.Header.Get("X-Amzn-ErrorType") != c.errType {
			t.Errorf("%s: %d %s (%s), want %d with %q (%s)", c.name, resp.StatusCode, got, resp.Header.Get("X-Amzn-ErrorType"), c.status, c.body, c.errType)
		}
		if n := invokes["auth"].Load() - before; n != c.authorizations {
			t.Errorf("%s: %d authorizer invokes, want %d", c.name, n, c.authorizations)
		}
	}
	if resp, got := signedSend(t, "POST", base+"/admin", "AKIDSERVE", "serve-secret"); resp.StatusCode != 200 || !strings.Contains(got, `"caller":"AKIDSERVE"`) {
		t.Errorf("signed: %d %s", resp.StatusCode, got)
	}
	if resp, got := signedSend(t, "POST", base+"/admin", "AKIDOTHER", "serve-secret"); resp.StatusCode != 403 || !strings.Contains(got, "security token included in the request is invalid") {
		t.Errorf("signed with an unknown key: %d %s", resp.StatusCode, got)
	}
}

// TestServeHTTPAuthorizers serves the HTTP API test definition with a JWT
// authorizer whose keys come from a file (--jwks), and Lambda authorizers.
func TestServeHTTPAuthorizers(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	jwks := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwks, set, 0o600); err != nil {
		t.Fatal(err)
	}
	sign := func(sub, scope string) string {
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			t.Fatal(err)
		}
		tok, err := jwt.Signed(s).Claims(map[string]any{"iss": "https://issuer.example", "aud": "pets-api", "sub": sub, "scope": scope,
			"exp": time.Now().Add(time.Hour).Unix()}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	ops := authorizer.SimpleFunc(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.SimpleResponse, error) {
		return &authorizer.SimpleResponse{IsAuthorized: req.IdentitySource[0] == "op-token", Context: map[string]any{"team": "ops"}}, nil
	})
	lambda, invokes := invokeAPI(t, map[string]handler.Invoker{"app": caller, "operators": ops, "legacy": policyAuth})
	base := startServe(t, "--openapi", "../../openapi/testdata/authorizers-http.yaml", "--jwks", "users="+jwks,
		"--function", "app="+lambda+"#app", "--function", "operators="+lambda+"#operators", "--function", "legacy="+lambda+"#legacy",
		"--iam-credential", "AKIDSERVE:serve-secret")
	base = strings.TrimRight(base, "/")
	reader := sign("alice", "pets/read")
	for _, c := range []struct {
		name         string
		method, path string
		header       []string
		status       int
		body         string
		operators    int32
	}{
		{"open", "GET", "/health", nil, 200, `"sub":""`, 0},
		{"no token", "GET", "/pets", nil, 401, `{"message":"Unauthorized"}`, 0},
		{"token", "GET", "/pets", []string{"Authorization", "Bearer " + reader}, 200, `"sub":"alice"`, 0},
		{"token without the scope", "POST", "/pets", []string{"Authorization", "Bearer " + reader}, 403, `{"message":"Forbidden"}`, 0},
		{"operator", "GET", "/admin/stats", []string{"X-Api-Token", "op-token"}, 200, `"team":"ops"`, 1},
		{"operator cached", "GET", "/admin/stats", []string{"X-Api-Token", "op-token"}, 200, `"team":"ops"`, 0},
		{"operator refused", "GET", "/admin/stats", []string{"X-Api-Token", "guess"}, 403, `{"message":"Forbidden"}`, 1},
		{"unsigned", "GET", "/signed", nil, 403, "Missing Authentication Token", 0},
	} {
		before := invokes["operators"].Load()
		resp, got := get(t, c.method, base+c.path, "", c.header...)
		if resp.StatusCode != c.status || !strings.Contains(got, c.body) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, resp.StatusCode, got, c.status, c.body)
		}
		if n := invokes["operators"].Load() - before; n != c.operators {
			t.Errorf("%s: %d authorizer invokes, want %d", c.name, n, c.operators)
		}
	}
	if resp, _ := get(t, "GET", base+"/pets", "", "Authorization", "Bearer "+reader); resp.Header.Get("Www-Authenticate") != "" {
		t.Errorf("an accepted token got www-authenticate %q", resp.Header.Get("Www-Authenticate"))
	}
	if resp, _ := get(t, "GET", base+"/pets", "", "Authorization", "Bearer "+reader+"x"); resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("Www-Authenticate"), "invalid_token") {
		t.Errorf("a forged token: %d, www-authenticate %q", resp.StatusCode, resp.Header.Get("Www-Authenticate"))
	}
}

// TestServeAuthorizerErrors checks the flags that give authorizers what a
// definition does not hold, and the errors when they are missing.
func TestServeAuthorizerErrors(t *testing.T) {
	var stderr bytes.Buffer
	code := serve(context.Background(), []string{"--openapi", "../../openapi/testdata/authorizers-rest.json", "--addr", "127.0.0.1:0",
		"--function", "pets=http://127.0.0.1:9", "--function", "auth=http://127.0.0.1:9"}, io.Discard, &stderr, nil)
	if code != 1 || !strings.Contains(stderr.String(), "/securityDefinitions/sigv4: IAM authorization (awsSigv4)") || !strings.Contains(stderr.String(), "--iam-credential") {
		t.Errorf("serve without IAM credentials = %d %s", code, stderr.String())
	}
	for _, args := range [][]string{
		{"--openapi", "x.yaml", "--jwks", "nope"},
		{"--openapi", "x.yaml", "--iam-credential", "AKID"},
		{"--openapi", "x.yaml", "--iam-credential", ":secret"},
	} {
		stderr.Reset()
		if code := serve(context.Background(), args, io.Discard, &stderr, nil); code != 2 {
			t.Errorf("serve %q = %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}
