package vtl

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
)

func testRequest() *event.Request {
	return &event.Request{
		Source:     event.REST,
		Method:     "GET",
		Path:       "/pets/7",
		Stage:      "prod",
		Resource:   "/pets/{petId}",
		RequestID:  "abcdefg-000-000-0000-abcdefg",
		APIID:      "abcd1234",
		AccountID:  "111122223333",
		DomainName: "abcd1234.execute-api.us-east-1.amazonaws.com",
		SourceIP:   "192.0.2.1",
		UserAgent:  "curl/7.84.0",
		Time:       time.Date(2024, 3, 4, 5, 6, 7, 8e6, time.UTC),
		Authorizer: event.Authorizer{JSON: json.RawMessage(`{"principalId":"user1","numKey":1,"boolKey":true,"key":"value","claims":{"sub":"abc"}}`)},
		Context: event.Context{
			ResourceID:        "efg567",
			ExtendedRequestID: "ext-1",
			Protocol:          "HTTP/1.1",
			Identity: event.Identity{
				AccountID: "111122223333", APIKey: "MyTestKey", APIKeyID: "key-id", Caller: "ABCD-0000-12345",
				User: "ABCD-0000-12345", UserARN: "arn:aws:sts::111122223333:assumed-role/Admin/carlos-salazar",
			},
		},
	}
}

// contextVariables are the $context variables docs/evidence/mapping.md §11 lists for
// mapping templates (the authorizer ones are tested separately).
var contextVariables = []string{
	"accountId", "apiId", "awsEndpointRequestId", "domainName", "domainPrefix",
	"error.message", "error.messageString", "error.responseType", "error.validationErrorString",
	"extendedRequestId", "httpMethod", "identity.accountId", "identity.apiKey", "identity.apiKeyId",
	"identity.caller", "identity.cognitoAuthenticationProvider", "identity.cognitoAuthenticationType",
	"identity.cognitoIdentityId", "identity.cognitoIdentityPoolId", "identity.principalOrgId",
	"identity.sourceIp", "identity.user", "identity.userAgent", "identity.userArn", "path", "protocol",
	"requestId", "requestTime", "requestTimeEpoch", "resourceId", "resourcePath", "stage",
	"wafResponseCode", "webaclArn", "isCanaryRequest", "deploymentId",
}

func TestContextFromRequest(t *testing.T) {
	ctx := ContextFromRequest(testRequest())
	for _, v := range contextVariables {
		var cur any = ctx
		for _, part := range strings.Split(v, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("$context.%s: %q is not a map", v, part)
			}
			if cur, ok = m[part]; !ok {
				t.Errorf("$context.%s is missing", v)
				break
			}
		}
	}
	for _, tc := range []struct{ tmpl, want string }{
		{"$context.path", "/prod/pets/7"},
		{"$context.resourcePath", "/pets/{petId}"},
		{"$context.httpMethod $context.stage $context.protocol", "GET prod HTTP/1.1"},
		{"$context.requestTime", "04/Mar/2024:05:06:07 +0000"},
		{"$context.requestTimeEpoch", "1709528767008"},
		{"$context.domainPrefix", "abcd1234"},
		{"$context.identity.sourceIp $context.identity.userAgent $context.identity.apiKey", "192.0.2.1 curl/7.84.0 MyTestKey"},
		{"$context.authorizer.principalId $context.authorizer.numKey $context.authorizer.boolKey $context.authorizer.key", "user1 1 true value"},
		{"$context.authorizer.claims.sub", "abc"},
		{"[$context.identity.cognitoIdentityId]", "[]"},
		{"$context.keySet()", "[resourceId, resourcePath, httpMethod, extendedRequestId, requestTime, path, accountId, protocol, requestOverride, stage, domainPrefix, requestTimeEpoch, requestId, identity, domainName, deploymentId, responseOverride, apiId, authorizer, awsEndpointRequestId, error, isCanaryRequest, wafResponseCode, webaclArn]"},
		{"$context.identity.keySet()", "[cognitoIdentityPoolId, accountId, cognitoIdentityId, caller, sourceIp, principalOrgId, accessKey, cognitoAuthenticationType, cognitoAuthenticationProvider, userArn, userAgent, user, apiKey, apiKeyId]"},
	} {
		res, err := Must(Parse("ctx", tc.tmpl)).Execute(&Input{Context: ctx})
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Output) != tc.want {
			t.Errorf("%s = %q, want %q", tc.tmpl, res.Output, tc.want)
		}
	}
}

func TestContextFromRequestHTTPAPI(t *testing.T) {
	r := &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: "POST", Path: "/x", Stage: "$default"}
	ctx := ContextFromRequest(r)
	if ctx["path"] != "/x" || ctx["httpMethod"] != "POST" || ctx["requestTimeEpoch"] != "" {
		t.Errorf("context = %v", ctx)
	}
	if _, ok := ctx["authorizer"]; ok {
		t.Error("authorizer present without an authorizer")
	}
}

func TestContextExtraKeys(t *testing.T) {
	res, err := Must(Parse("x", "$context.keySet()")).Execute(&Input{Context: map[string]any{"zeta": 1, "alpha": "a", "stage": "s"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "[requestOverride, stage, responseOverride, alpha, zeta]"; string(res.Output) != want {
		t.Errorf("keySet = %q, want %q", res.Output, want)
	}
}
