package gateway_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// sampleDir is aws-lambda-go's events/testdata in the module cache.
func sampleDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("AWS_LAMBDA_GO_TESTDATA"); d != "" {
		return d
	}
	out, err := execGo("list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go")
	if err != nil {
		t.Skipf("aws-lambda-go's sample events are not in the module cache: %v", err)
	}
	return filepath.Join(strings.TrimSpace(out), "events", "testdata")
}

// keyPaths lists the object member paths of a JSON document: a.b.c,
// with array elements as [].
func keyPaths(v any, prefix string, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := prefix + "." + k
			out[p] = true
			keyPaths(x, p, out)
		}
	case []any:
		for _, x := range v {
			keyPaths(x, prefix+"[]", out)
		}
	}
}

// TestEventShapes sends a request through the gateway of every kind and
// compares the event the function gets, member by member, with
// aws-lambda-go's sample event of that source. Members that depend on the
// request or the configuration are listed with the reason they may
// differ.
func TestEventShapes(t *testing.T) {
	dir := sampleDir(t)
	var got []byte
	capture := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		got, _ = req.MarshalJSON()
		return response.Text(200, "ok"), nil
	})
	for _, tt := range []struct {
		sample string
		server func(t *testing.T) *gatewaytest.Server
		target string
		// members of the sample a request like ours need not have, and
		// members of ours the sample lacks, each for a stated reason
		optional []string
	}{
		{"alb-lambda-target-request-headers-only.json", func(t *testing.T) *gatewaytest.Server { return gatewaytest.ALB(t, capture, false) }, "/lambda?query=1234ABCD", nil},
		{"alb-lambda-target-request-multivalue-headers.json", func(t *testing.T) *gatewaytest.Server { return gatewaytest.ALB(t, capture, true) }, "/lambda?query=1234ABCD", nil},
		{"lambda-urls-request.json", func(t *testing.T) *gatewaytest.Server {
			return gatewaytest.FunctionURL(t, capture, handler.Buffered)
		}, "/my/path?parameter1=value1&parameter1=value2&parameter2=value", []string{
			// the sample's authorizer (IAM auth) and its fields
			".requestContext.authorizer", ".requestContext.authorizer.iam", ".requestContext.authorizer.iam.accessKey",
			".requestContext.authorizer.iam.accountId", ".requestContext.authorizer.iam.callerId",
			".requestContext.authorizer.iam.cognitoIdentity", ".requestContext.authorizer.iam.principalOrgId",
			".requestContext.authorizer.iam.userArn", ".requestContext.authorizer.iam.userId",
		}},
		{"apigw-v2-request-no-authorizer.json", func(t *testing.T) *gatewaytest.Server {
			return gatewaytest.New(t, gateway.API{Routes: []gateway.Route{{Key: "POST /my/{path}", Integration: gateway.Proxy{Function: handler.NewAdapter(capture)}}}})
		}, "/my/path?parameter1=value1&parameter1=value2&parameter2=value", []string{
			".stageVariables", ".stageVariables.stageVariable1", ".stageVariables.stageVariable2", // none configured
			// the sample's client came with a TLS client certificate (mutual TLS)
			".requestContext.authentication", ".requestContext.authentication.clientCert",
			".requestContext.authentication.clientCert.clientCertPem", ".requestContext.authentication.clientCert.issuerDN",
			".requestContext.authentication.clientCert.serialNumber", ".requestContext.authentication.clientCert.subjectDN",
			".requestContext.authentication.clientCert.validity", ".requestContext.authentication.clientCert.validity.notAfter",
			".requestContext.authentication.clientCert.validity.notBefore",
			// the sample has no body, cookies or parameters; ours does
			".body", ".cookies", ".pathParameters", ".queryStringParameters",
		}},
	} {
		t.Run(tt.sample, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.sample))
			if err != nil {
				t.Skipf("sample: %v", err)
			}
			var sample map[string]any
			if err := json.Unmarshal(b, &sample); err != nil {
				t.Fatal(err)
			}
			s := tt.server(t)
			got = nil
			r := s.Request("POST", s.Gateway.BaseURL()+tt.target, "hello", "Cookie", "cookie1=a; cookie2=b", "Content-Type", "text/plain",
				"Header1", "value1", "Header2", "value2")
			gatewaytest.Body(t, r)
			var ours map[string]any
			if err := json.Unmarshal(got, &ours); err != nil {
				t.Fatalf("event %s: %v", got, err)
			}
			want, have := map[string]bool{}, map[string]bool{}
			keyPaths(sample, "", want)
			keyPaths(ours, "", have)
			var missing, extra []string
			for k := range want {
				if !have[k] && !isHeaderOrParam(k) && !slices.Contains(tt.optional, k) {
					missing = append(missing, k)
				}
			}
			for k := range have {
				if !want[k] && !isHeaderOrParam(k) && !slices.Contains(tt.optional, k) {
					extra = append(extra, k)
				}
			}
			sort.Strings(missing)
			sort.Strings(extra)
			if len(missing) > 0 || len(extra) > 0 {
				t.Errorf("event members differ from %s:\nmissing %q\nextra %q\nevent %s", tt.sample, missing, extra, got)
			}
		})
	}
}

// isHeaderOrParam reports whether a member path names one header, query
// parameter, path parameter or cookie: those follow the request.
func isHeaderOrParam(p string) bool {
	for _, m := range []string{".headers.", ".multiValueHeaders.", ".queryStringParameters.", ".multiValueQueryStringParameters.", ".pathParameters."} {
		if strings.HasPrefix(p, m) {
			return true
		}
	}
	return false
}

func execGo(args ...string) (string, error) {
	out, err := exec.Command("go", args...).Output()
	return string(out), err
}
