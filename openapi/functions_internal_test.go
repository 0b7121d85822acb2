package openapi

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The regular expressions that lambdaFunction and integrationService
// read as: the oracle they are checked against.
var (
	lambdaURIOracle  = regexp.MustCompile(`^arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):apigateway:(?:\$\{[^}]*\}|[^:]+):lambda:path/2015-03-31/functions/(.+)/invocations$`)
	serviceURIOracle = regexp.MustCompile(`^arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):apigateway:(?:\$\{[^}]*\}|[^:]+):([a-z0-9-]+):(path|action)/`)
)

// integrationURIs are URIs of every shape: written and templated
// partitions and regions, regions holding colons or braces, functions
// holding /invocations, and near misses.
var integrationURIs = []string{
	"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations",
	"arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/f:live/invocations",
	"arn:aws-us-gov:apigateway:r:lambda:path/2015-03-31/functions/${F.Arn}/invocations",
	"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${F.Arn}/invocations",
	"arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${stageVariables.fn}/invocations",
	"arn:aws:apigateway:${a:lambda:path/2015-03-31/functions/x}:lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:apigateway:${a}b:lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:apigateway:${a:lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:apigateway:${}:lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f/invocations/invocations",
	"arn:aws:apigateway:r:lambda:path/2015-03-31/functions//invocations",
	"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/invocations",
	"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f\n/invocations",
	"arn:aws:apigateway:${\n}:lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:apigateway:r\n:lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f/invocations\n",
	"arn:aws:apigateway::lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f/invocation",
	"arn:aws:apigateway:r:lambda:path/2016-03-31/functions/f/invocations",
	"arn:aws:apigateway:r:lambda:action/Invoke",
	"arn:aws:apigateway:us-east-1:s3:path/bucket/key",
	"arn:aws:apigateway:us-east-1:dynamodb:action/PutItem",
	"arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/q",
	"arn:aws:apigateway:us-east-1:S3:path/bucket",
	"arn:aws:apigateway:us-east-1:s3:paths/bucket",
	"arn:aws:apigateway:us-east-1::path/bucket",
	"arn:awz:apigateway:r:lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws1:apigateway:r:lambda:path/2015-03-31/functions/f/invocations",
	"arn:${AWS::Partition}x:apigateway:r:lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:execute-api:r:lambda:path/2015-03-31/functions/f/invocations",
	"https://example.com/lambda:path/2015-03-31/functions/f/invocations",
	"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/\xff/invocations",
	"",
}

// sameAsOracle checks lambdaFunction and integrationService against
// the regular expressions on uri.
func sameAsOracle(t *testing.T, uri string) {
	t.Helper()
	want, wantOK := "", false
	if m := lambdaURIOracle.FindStringSubmatch(uri); m != nil {
		want, wantOK = m[1], true
	}
	if got, ok := lambdaFunction(uri); got != want || ok != wantOK {
		t.Errorf("lambdaFunction(%q) = %q, %v; the expression gives %q, %v", uri, got, ok, want, wantOK)
	}
	want, wantOK = "", false
	if m := serviceURIOracle.FindStringSubmatch(uri); m != nil {
		want, wantOK = m[1], true
	}
	if got, ok := integrationService(uri); got != want || ok != wantOK {
		t.Errorf("integrationService(%q) = %q, %v; the expression gives %q, %v", uri, got, ok, want, wantOK)
	}
}

// TestIntegrationURIs checks the reading of integration URIs against the
// regular expressions they are described by.
func TestIntegrationURIs(t *testing.T) {
	matched := 0
	for _, uri := range integrationURIs {
		sameAsOracle(t, uri)
		if lambdaURIOracle.MatchString(uri) || serviceURIOracle.MatchString(uri) {
			matched++
		}
	}
	if matched < 10 || matched == len(integrationURIs) {
		t.Errorf("%d of %d URIs match: want both matches and misses", matched, len(integrationURIs))
	}
}

// FuzzIntegrationURIs checks the reading of any URI against the regular
// expressions.
func FuzzIntegrationURIs(f *testing.F) {
	for _, uri := range integrationURIs {
		f.Add(uri)
	}
	f.Fuzz(sameAsOracle)
}

// functionKeysOracle is functionKeys written plainly, with slices.
func functionKeysOracle(fn string) []string {
	keys := []string{fn}
	if strings.HasPrefix(fn, "${") && strings.HasSuffix(fn, "}") && strings.Count(fn, "${") == 1 {
		id := strings.TrimSuffix(fn[2:len(fn)-1], ".Arn")
		id, _, _ = strings.Cut(id, ".")
		return append(keys, id)
	}
	if rest, ok := strings.CutPrefix(fn, "arn:"); ok {
		parts := strings.Split(rest, ":")
		if len(parts) >= 6 && parts[4] == "function" {
			if len(parts) == 7 {
				keys = append(keys, parts[5]+":"+parts[6])
			}
			keys = append(keys, parts[5])
		}
	}
	return keys
}

// sameKeys checks functionKeys against functionKeysOracle.
func sameKeys(t *testing.T, fn string) {
	t.Helper()
	keys, n := functionKeys(fn)
	if want := functionKeysOracle(fn); !slices.Equal(keys[:n], want) {
		t.Errorf("functionKeys(%q) = %q, want %q", fn, keys[:n], want)
	}
}

// TestFunctionKeys checks the names a function is looked up by.
func TestFunctionKeys(t *testing.T) {
	for _, tt := range []struct {
		fn   string
		want []string
	}{
		{"arn:aws:lambda:us-east-1:123456789012:function:f", []string{"arn:aws:lambda:us-east-1:123456789012:function:f", "f"}},
		{"arn:aws:lambda:us-east-1:123456789012:function:f:live", []string{"arn:aws:lambda:us-east-1:123456789012:function:f:live", "f:live", "f"}},
		{"arn:aws:lambda:us-east-1:123456789012:function:f:live:x", []string{"arn:aws:lambda:us-east-1:123456789012:function:f:live:x", "f"}},
		{"arn:aws:lambda:r:a:function:f:", []string{"arn:aws:lambda:r:a:function:f:", "f:", "f"}},
		{"arn:aws:lambda:r:a:layer:f", []string{"arn:aws:lambda:r:a:layer:f"}},
		{"arn:aws:lambda:r:function", []string{"arn:aws:lambda:r:function"}},
		{"${CalcFunction.Arn}", []string{"${CalcFunction.Arn}", "CalcFunction"}},
		{"${F.Alias.Arn}", []string{"${F.Alias.Arn}", "F"}},
		{"${F}", []string{"${F}", "F"}},
		{"f", []string{"f"}},
	} {
		if keys, n := functionKeys(tt.fn); !slices.Equal(keys[:n], tt.want) {
			t.Errorf("functionKeys(%q) = %q, want %q", tt.fn, keys[:n], tt.want)
		}
		sameKeys(t, tt.fn)
	}
}

// FuzzFunctionKeys checks functionKeys against functionKeysOracle.
func FuzzFunctionKeys(f *testing.F) {
	f.Add("arn:aws:lambda:us-east-1:123456789012:function:f:live")
	f.Add("${F.Arn}")
	f.Fuzz(sameKeys)
}
