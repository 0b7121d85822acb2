package iamauth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/gateway/iamauth"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

var now = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// caller answers with the identity and authorizer fields of its event.
var caller = handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	id := req.Context.Identity
	return response.JSON(200, map[string]any{"accessKey": id.AccessKey, "accountId": id.AccountID, "caller": id.Caller,
		"user": id.User, "userArn": id.UserARN, "authorizer": json.RawMessage(orNull(req.Authorizer.JSON)), "body": string(req.Body)})
})

func orNull(b []byte) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return b
}

var alice = iamauth.Credential{AccessKeyID: "AKIAALICE", SecretAccessKey: "alice-secret", AccountID: "111122223333", UserARN: "arn:aws:iam::111122223333:user/alice", UserID: "AIDAALICE"}

func api(t *testing.T, kind event.Source, mutate ...func(*gateway.API)) *gatewaytest.Server {
	readOnly := &authorizer.Policy{Version: authorizer.PolicyVersion, Statement: []authorizer.Statement{
		{Effect: authorizer.EffectAllow, Action: authorizer.Strings{"execute-api:*"}, Resource: authorizer.Strings{"arn:aws:execute-api:*:*:*/*/GET/*"}},
		{Effect: authorizer.EffectDeny, Action: authorizer.Strings{"execute-api:Invoke"}, Resource: authorizer.Strings{"*/GET/secret"}},
	}}
	a, err := iamauth.New(iamauth.Config{Credentials: []iamauth.Credential{
		alice,
		{AccessKeyID: "AKIABOB", SecretAccessKey: "bob-secret", Policy: readOnly},
		{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "session-1"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := gateway.API{Kind: kind, Now: func() time.Time { return now }, Authorizers: map[string]gateway.Authorizer{"iam": a},
		Routes: []gateway.Route{
			{Key: "ANY /{proxy+}", Integration: gateway.Proxy{Function: handler.NewAdapter(caller)}, Authorizer: "iam"},
		}}
	for _, m := range mutate {
		m(&cfg)
	}
	return gatewaytest.New(t, cfg)
}

// signed returns a request signed with the AWS SDK's signer, as a client
// using the SDK would send it.
func signed(t *testing.T, method, url, body string, key, secret, token, region string, at time.Time) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "test-client/1.0")
	sum := sha256.Sum256([]byte(body))
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: secret, SessionToken: token},
		r, hex.EncodeToString(sum[:]), "execute-api", region, at)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestIAM covers SigV4 verification and the caller's policy
// (docs/evidence/authorizers.md#iam-authorization).
func TestIAM(t *testing.T) {
	s := api(t, event.REST)
	const host = "https://abcdef1234.execute-api.us-east-1.amazonaws.com"
	for _, tt := range []struct {
		name      string
		r         func() *http.Request
		status    int
		errorType string
		contains  string
	}{
		{"signed GET", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets/7?q=a%20b&x=1", "", "AKIAALICE", "alice-secret", "", "us-east-1", now)
		}, 200, "", `"accessKey":"AKIAALICE","accountId":"111122223333","authorizer":null,"body":"","caller":"AIDAALICE","user":"AIDAALICE","userArn":"arn:aws:iam::111122223333:user/alice"`},
		{"signed POST with a body", func() *http.Request {
			return signed(t, "POST", host+"/prod/pets", `{"name":"Rex"}`, "AKIAALICE", "alice-secret", "", "us-east-1", now)
		}, 200, "", `"body":"{\"name\":\"Rex\"}"`},
		{"escaped path", func() *http.Request {
			return signed(t, "GET", host+"/prod/files/a%20b/c%2Fd", "", "AKIAALICE", "alice-secret", "", "us-east-1", now)
		}, 200, "", `"accessKey":"AKIAALICE"`},
		{"tampered body", func() *http.Request {
			r := signed(t, "POST", host+"/prod/pets", `{"name":"Rex"}`, "AKIAALICE", "alice-secret", "", "us-east-1", now)
			r.Body = http.NoBody
			r.Body = &readCloser{strings.NewReader(`{"name":"Max"}`)}
			return r
		}, 403, "InvalidSignatureException", "does not match the signature you provided"},
		{"tampered query", func() *http.Request {
			r := signed(t, "GET", host+"/prod/pets?x=1", "", "AKIAALICE", "alice-secret", "", "us-east-1", now)
			r.URL.RawQuery = "x=2"
			return r
		}, 403, "InvalidSignatureException", "does not match"},
		{"tampered signed header", func() *http.Request {
			r := signed(t, "GET", host+"/prod/pets", "", "AKIAALICE", "alice-secret", "", "us-east-1", now)
			r.Header.Set("Content-Type", "text/plain")
			return r
		}, 403, "InvalidSignatureException", "does not match"},
		{"unsigned header added", func() *http.Request {
			r := signed(t, "GET", host+"/prod/pets", "", "AKIAALICE", "alice-secret", "", "us-east-1", now)
			r.Header.Set("X-Extra", "1")
			return r
		}, 200, "", `"accessKey":"AKIAALICE"`},
		{"no signature", func() *http.Request {
			r, _ := http.NewRequest("GET", host+"/prod/pets", nil)
			return r
		}, 403, "MissingAuthenticationTokenException", `{"message":"Missing Authentication Token"}`},
		{"unknown key", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets", "", "AKIAEVE", "x", "", "us-east-1", now)
		}, 403, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"wrong secret", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets", "", "AKIAALICE", "guess", "", "us-east-1", now)
		}, 403, "InvalidSignatureException", "does not match"},
		{"wrong region", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets", "", "AKIAALICE", "alice-secret", "", "eu-west-1", now)
		}, 403, "InvalidSignatureException", "does not match"},
		{"stale", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets", "", "AKIAALICE", "alice-secret", "", "us-east-1", now.Add(-6*time.Minute))
		}, 403, "InvalidSignatureException", "Signature expired: 20261202T095400Z is now earlier than 20261202T095500Z (20261202T100000Z - 5 min.)"},
		{"in the future", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets", "", "AKIAALICE", "alice-secret", "", "us-east-1", now.Add(6*time.Minute))
		}, 403, "InvalidSignatureException", "Signature not yet current"},
		{"malformed header", func() *http.Request {
			r, _ := http.NewRequest("GET", host+"/prod/pets", nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAALICE")
			return r
		}, 403, "IncompleteSignatureException", "Authorization header requires"},
		{"session token", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets", "", "ASIATEMP", "temp-secret", "session-1", "us-east-1", now)
		}, 200, "", `"accessKey":"ASIATEMP"`},
		{"wrong session token", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets", "", "ASIATEMP", "temp-secret", "session-2", "us-east-1", now)
		}, 403, "UnrecognizedClientException", "invalid"},
		{"policy allows GET", func() *http.Request {
			return signed(t, "GET", host+"/prod/pets", "", "AKIABOB", "bob-secret", "", "us-east-1", now)
		}, 200, "", `"accessKey":"AKIABOB"`},
		{"policy does not allow POST", func() *http.Request {
			return signed(t, "POST", host+"/prod/pets", "", "AKIABOB", "bob-secret", "", "us-east-1", now)
		}, 403, "AccessDeniedException", `{"Message":"User: arn:aws:iam::123456789012:user/AKIABOB is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:abcdef1234/prod/POST/pets"}`},
		{"policy denies", func() *http.Request {
			return signed(t, "GET", host+"/prod/secret", "", "AKIABOB", "bob-secret", "", "us-east-1", now)
		}, 403, "AccessDeniedException", "with an explicit deny"},
	} {
		r := s.Do(tt.r())
		body := gatewaytest.Body(t, r)
		if r.StatusCode != tt.status || r.Header.Get("X-Amzn-Errortype") != tt.errorType || !strings.Contains(body, tt.contains) {
			t.Errorf("%s: = %d %s (%q), want %d containing %s (%q)", tt.name, r.StatusCode, body, r.Header.Get("X-Amzn-Errortype"), tt.status, tt.contains, tt.errorType)
		}
	}
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// TestIAMHTTPAPI checks the caller in requestContext.authorizer.iam
// (payload 2.0), as the sample event has it.
func TestIAMHTTPAPI(t *testing.T) {
	s := api(t, event.HTTPAPI)
	r := s.Do(signed(t, "GET", "https://abcdef1234.execute-api.us-east-1.amazonaws.com/pets", "", "AKIAALICE", "alice-secret", "", "us-east-1", now))
	body := gatewaytest.Body(t, r)
	want := `"authorizer":{"iam":{"accessKey":"AKIAALICE","accountId":"111122223333","callerId":"AIDAALICE","cognitoIdentity":null,"principalOrgId":null,"userArn":"arn:aws:iam::111122223333:user/alice","userId":"AIDAALICE"}}`
	if r.StatusCode != 200 || !strings.Contains(body, want) {
		t.Errorf("= %d %s, want %s", r.StatusCode, body, want)
	}
	var iam struct {
		Authorizer struct {
			IAM event.IAM `json:"iam"`
		} `json:"authorizer"`
	}
	json.Unmarshal([]byte(body), &iam)
	if iam.Authorizer.IAM.UserARN != alice.UserARN {
		t.Errorf("event.IAM reads %+v", iam.Authorizer.IAM)
	}
}

// TestIAMWithResourcePolicy: once IAM has named the caller, a resource
// policy may deny it by principal
// (docs/evidence/authorizers.md#resource-policies).
func TestIAMWithResourcePolicy(t *testing.T) {
	p, err := authorizer.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"execute-api:Invoke","Resource":"execute-api:/*/DELETE/*"}]}`), true)
	if err != nil {
		t.Fatal(err)
	}
	s := api(t, event.REST, func(a *gateway.API) { a.ResourcePolicy = p })
	const host = "https://abcdef1234.execute-api.us-east-1.amazonaws.com"
	if r := s.Do(signed(t, "GET", host+"/prod/pets/1", "", "AKIAALICE", "alice-secret", "", "us-east-1", now)); r.StatusCode != 200 {
		t.Errorf("GET = %d %s", r.StatusCode, gatewaytest.Body(t, r))
	}
	r := s.Do(signed(t, "DELETE", host+"/prod/pets/1", "", "AKIAALICE", "alice-secret", "", "us-east-1", now))
	want := `{"Message":"User: arn:aws:iam::111122223333:user/alice is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:abcdef1234/prod/DELETE/pets/1 with an explicit deny"}`
	if body := gatewaytest.Body(t, r); r.StatusCode != 403 || body != want {
		t.Errorf("DELETE = %d %s, want 403 %s", r.StatusCode, body, want)
	}
}

func TestConfig(t *testing.T) {
	_, err := iamauth.New(iamauth.Config{Credentials: []iamauth.Credential{{AccessKeyID: "A"}, {AccessKeyID: "B", SecretAccessKey: "s"}, {AccessKeyID: "B", SecretAccessKey: "t"},
		{AccessKeyID: "C", SecretAccessKey: "s", Policy: &authorizer.Policy{}}}})
	for _, want := range []string{"credential 0 needs", `duplicate access key id "B"`, `credential "C": authorizer: policy without statements`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New: missing %q in %v", want, err)
		}
	}
	if _, err := iamauth.New(iamauth.Config{}); err == nil {
		t.Error("no credentials accepted")
	}
}
