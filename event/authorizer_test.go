package event_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lambdagate/lambdagate/event"
)

// authorizerSamples are aws-lambda-go's sample authorizer events, each
// with the typed event of aws-lambda-go that reads it
// (docs/evidence/authorizers.md#authorizer-input).
var authorizerSamples = []struct {
	file    string
	typ     event.AuthorizerType
	version event.PayloadVersion
	typed   func() any
}{
	{"apigw-custom-auth-request.json", event.TokenAuthorizer, "", func() any { return new(events.APIGatewayCustomAuthorizerRequest) }},
	{"apigw-custom-auth-request-type-request.json", event.RequestAuthorizer, "", func() any { return new(events.APIGatewayCustomAuthorizerRequestTypeRequest) }},
	{"apigw-v2-custom-authorizer-v1-request.json", event.RequestAuthorizer, event.PayloadV1, func() any { return new(events.APIGatewayV2CustomAuthorizerV1Request) }},
	{"apigw-v2-custom-authorizer-v2-request.json", event.RequestAuthorizer, event.PayloadV2, func() any { return new(events.APIGatewayV2CustomAuthorizerV2Request) }},
}

// TestAuthorizerSamples decodes every sample authorizer event, encodes it
// again, and checks with aws-lambda-go's own types (the oracle) that the
// encoding says what the sample says.
func TestAuthorizerSamples(t *testing.T) {
	for _, s := range authorizerSamples {
		t.Run(s.file, func(t *testing.T) {
			raw := readSample(t, s.file)
			a, err := event.DecodeAuthorizer(raw)
			if err != nil {
				t.Fatalf("DecodeAuthorizer: %v", err)
			}
			if a.Type != s.typ || a.Version != s.version {
				t.Errorf("type, version = %q, %q; want %q, %q", a.Type, a.Version, s.typ, s.version)
			}
			if _, err := event.Decode(raw); err == nil {
				t.Errorf("Decode accepted an authorizer event")
			}
			enc, _ := a.MarshalJSON()
			want, got := s.typed(), s.typed()
			if err := json.Unmarshal(raw, want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(enc, got); err != nil {
				t.Fatalf("re-encoded event does not decode: %v\n%s", err, enc)
			}
			// Empty maps and null ones are the same to a function; the
			// encoder writes absent collections as AWS does.
			if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("re-encoded event differs from the sample (-sample +ours):\n%s\n%s", d, enc)
			}
			again, err := event.DecodeAuthorizer(enc)
			if err != nil {
				t.Fatalf("DecodeAuthorizer(re-encoded): %v", err)
			}
			enc2, _ := again.MarshalJSON()
			if !bytes.Equal(enc, enc2) {
				t.Errorf("encoding is not stable:\n%s\n%s", enc, enc2)
			}
			if s.typ == event.RequestAuthorizer && a.Request == nil {
				t.Errorf("REQUEST event without its request")
			}
		})
	}
}

// TestAuthorizerSampleFields checks the fields a typed authorizer reads.
func TestAuthorizerSampleFields(t *testing.T) {
	tok, err := event.DecodeAuthorizer(readSample(t, "apigw-custom-auth-request.json"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AuthorizationToken != "allow" || tok.ARN() != "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/" || tok.Request != nil || tok.Source() != event.REST {
		t.Errorf("TOKEN event = %+v", tok)
	}
	req, _ := event.DecodeAuthorizer(readSample(t, "apigw-custom-auth-request-type-request.json"))
	if r := req.Request; r.Header.Get("headerauth1") != "headerValue1" || r.Query.Get("QueryString1") != "queryValue1" ||
		r.StageVariables.Get("StageVar1") != "stageValue1" || r.Stage != "test" || r.Method != "GET" || r.Resource != "/request" {
		t.Errorf("REQUEST event request = %+v", r)
	}
	v1, _ := event.DecodeAuthorizer(readSample(t, "apigw-v2-custom-authorizer-v1-request.json"))
	if v1.AuthorizationToken != "user1,123" || v1.Source() != event.HTTPAPI || v1.Request.Source != event.HTTPAPI {
		t.Errorf("HTTP API 1.0 event = %+v", v1)
	}
	v2, _ := event.DecodeAuthorizer(readSample(t, "apigw-v2-custom-authorizer-v2-request.json"))
	if !slices.Equal(v2.IdentitySource, []string{"user1", "123"}) || v2.RouteArn == "" || v2.Request.RouteKey != "$default" ||
		!slices.Equal(v2.Request.Cookies, []string{"cookie1", "cookie2"}) || v2.Request.PathParameters.Get("parameter1") != "value1" {
		t.Errorf("HTTP API 2.0 event = %+v %+v", v2, v2.Request)
	}
}

func TestDecodeAuthorizerBadInput(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"authorizationToken":"x","methodArn":"arn:aws:execute-api:r:a:i/s/GET/"}`, "no authorizer type"},
		{`{"type":"COOKIE","methodArn":"arn:aws:execute-api:r:a:i/s/GET/"}`, `unknown authorizer type "COOKIE"`},
		{`{"type":"TOKEN","authorizationToken":"x"}`, "without methodArn"},
		{`{"type":"TOKEN","type":"TOKEN","methodArn":"a"}`, "duplicate"},
		{`{"type":"REQUEST","httpMethod":"GET","path":"/"}`, "without methodArn or routeArn"},
		{`{"type":"REQUEST","methodArn":"a","requestContext":{"elb":{"targetGroupArn":"x"}},"httpMethod":"GET"}`, "authorizer event of a alb"},
		{`{"type":"REQUEST","methodArn":"a"}`, "no version, httpMethod"},
		{`{"type":"TOKEN","methodArn":7}`, "methodArn"},
		{`{"version":"2.0","type":"REQUEST","routeArn":"a","identitySource":[1],"routeKey":"$default"}`, "identitySource"},
		{`[]`, "object"},
	} {
		_, err := event.DecodeAuthorizer([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DecodeAuthorizer(%s) = %v, want an error containing %q", tt.in, err, tt.want)
		}
		var de *event.DecodeError
		if err != nil && !errors.As(err, &de) {
			t.Errorf("DecodeAuthorizer(%s) error %T is not a *DecodeError", tt.in, err)
		}
	}
}

// TestBuildAuthorizer fabricates each kind of authorizer event and checks
// it against the sample of its kind: the same members, in a document that
// aws-lambda-go's type reads, and that DecodeAuthorizer reads back.
func TestBuildAuthorizer(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	h := http.Header{"Authorization": {"Bearer abc"}, "X-Team": {"red"}}
	for _, tt := range []struct {
		sample   string
		b        event.Builder
		typ      event.AuthorizerType
		identity []string
		arn      string
	}{
		{"apigw-custom-auth-request.json", event.Builder{}, event.TokenAuthorizer, nil, "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets/7"},
		{"apigw-custom-auth-request-type-request.json", event.Builder{Stage: "test"}, event.RequestAuthorizer, []string{"Bearer abc"}, "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/test/GET/pets/7"},
		{"apigw-v2-custom-authorizer-v1-request.json", event.Builder{Source: event.HTTPAPI, Version: event.PayloadV1}, event.RequestAuthorizer, []string{"Bearer abc", "red"}, "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/GET/pets/7"},
		{"apigw-v2-custom-authorizer-v2-request.json", event.Builder{Source: event.HTTPAPI, Region: "eu-west-1"}, event.RequestAuthorizer, []string{"Bearer abc", "red"}, "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/$default/GET/pets/7"},
	} {
		t.Run(tt.sample, func(t *testing.T) {
			tt.b.Time, tt.b.RequestID = at, "id-1"
			a, err := tt.b.BuildAuthorizer(tt.typ, "GET", "/pets/7?q=1", h, tt.identity...)
			if err != nil {
				t.Fatal(err)
			}
			if a.ARN() != tt.arn {
				t.Errorf("ARN = %q, want %q", a.ARN(), tt.arn)
			}
			enc, _ := a.MarshalJSON()
			var got, sample map[string]json.RawMessage
			if err := json.Unmarshal(enc, &got); err != nil {
				t.Fatalf("%v\n%s", err, enc)
			}
			json.Unmarshal(readSample(t, tt.sample), &sample)
			// The members the sample has, less the optional ones a request
			// without them omits.
			for k := range sample {
				if _, ok := got[k]; !ok && k != "cookies" && k != "pathParameters" && k != "stageVariables" {
					t.Errorf("member %q missing:\n%s", k, enc)
				}
			}
			for k := range got {
				if _, ok := sample[k]; !ok {
					t.Errorf("member %q not in the sample", k)
				}
			}
			back, err := event.DecodeAuthorizer(enc)
			if err != nil {
				t.Fatal(err)
			}
			if back.AuthorizationToken != a.AuthorizationToken || !slices.Equal(back.IdentitySource, a.IdentitySource) || back.ARN() != a.ARN() {
				t.Errorf("decoded %+v, built %+v", back, a)
			}
		})
	}
	if a := event.NewAuthorizer("tok", "DELETE", "/"); a.AuthorizationToken != "tok" || !strings.HasSuffix(a.MethodArn, "/prod/DELETE/") {
		t.Errorf("NewAuthorizer = %+v", a)
	}
	if _, err := (event.Builder{Source: event.HTTPAPI}).BuildAuthorizer(event.TokenAuthorizer, "GET", "/", nil); err == nil {
		t.Error("an HTTP API TOKEN event was built")
	}
	if _, err := (event.Builder{Source: event.ALB}).BuildAuthorizer(event.RequestAuthorizer, "GET", "/", nil); err == nil {
		t.Error("an ALB authorizer event was built")
	}
}

func TestARN(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want event.ARN
		ok   bool
	}{
		{"arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/7", event.ARN{"aws", "us-east-1", "123456789012", "abc", "prod", "GET", "/pets/7"}, true},
		{"arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/", event.ARN{"aws", "us-west-2", "123456789012", "ymy8tbxw7b", "*", "GET", "/"}, true},
		{"arn:aws-cn:execute-api:cn-north-1:1:abc/$default/$default", event.ARN{"aws-cn", "cn-north-1", "1", "abc", "$default", "$default", ""}, true},
		{"arn:aws:execute-api:us-east-1:1:abc/*", event.ARN{"aws", "us-east-1", "1", "abc", "*", "", ""}, true},
		{"arn:aws:lambda:us-east-1:1:function:f", event.ARN{}, false},
		{"execute-api:us-east-1:1:abc/*", event.ARN{}, false},
		{"arn:aws:execute-api:us-east-1", event.ARN{}, false},
		{"arn:aws:execute-api:us-east-1:1:/s/GET/", event.ARN{}, false},
	} {
		got, err := event.ParseARN(tt.in)
		if (err == nil) != tt.ok || tt.ok && got != tt.want {
			t.Errorf("ParseARN(%q) = %+v, %v; want %+v, ok %t", tt.in, got, err, tt.want, tt.ok)
			continue
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("ParseARN(%q).String() = %q", tt.in, got.String())
		}
	}
	a, _ := event.ParseARN("arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/7")
	for _, tt := range []struct{ stage, method, path, want string }{
		{"*", "GET", "/pets/*", "arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/pets/*"},
		{"prod", "*", "*", "arn:aws:execute-api:us-east-1:123456789012:abc/prod/*/*"},
		{"prod", "GET", "", "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/"},
	} {
		if got := a.Resource(tt.stage, tt.method, tt.path); got != tt.want {
			t.Errorf("Resource(%q, %q, %q) = %q, want %q", tt.stage, tt.method, tt.path, got, tt.want)
		}
	}
}

// FuzzDecodeAuthorizer checks that DecodeAuthorizer never panics and that
// what it accepts encodes to a document it reads back the same.
func FuzzDecodeAuthorizer(f *testing.F) {
	for _, s := range authorizerSamples {
		f.Add(readSample(f, s.file))
	}
	f.Add([]byte(`{"type":"TOKEN","authorizationToken":"\u00e9","methodArn":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := event.DecodeAuthorizer(b)
		if err != nil {
			return
		}
		enc, _ := a.MarshalJSON()
		back, err := event.DecodeAuthorizer(enc)
		if err != nil {
			t.Fatalf("re-encoded event does not decode: %v\n%s", err, enc)
		}
		enc2, _ := back.MarshalJSON()
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable:\n%s\n%s", enc, enc2)
		}
	})
}
