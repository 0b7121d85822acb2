package openapi

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v4"
)

// sameAsStrict checks that decodeIntegration reads v as decodeStrict
// does, the same value or the same error, and reports whether it read v
// directly.
func sameAsStrict(t *testing.T, name string, v any) bool {
	t.Helper()
	var want xIntegration
	wantErr := decodeStrict(v, &want)
	got, err := decodeIntegration(v)
	switch {
	case (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error():
		t.Errorf("%s: decodeIntegration error %v, decodeStrict's %v", name, err, wantErr)
	case err == nil:
		if d := cmp.Diff(want, *got); d != "" {
			t.Errorf("%s: decodeIntegration differs from decodeStrict (-strict +got):\n%s", name, d)
		}
	}
	_, plain := plainIntegration(v)
	if plain && wantErr != nil {
		t.Errorf("%s: read directly, but decodeStrict refuses it: %v", name, wantErr)
	}
	return plain
}

// integrations returns the integration objects of a decoded document.
func integrations(v any, depth int, out []any) []any {
	if depth > maxDepth {
		return out
	}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			switch k {
			case "x-amazon-apigateway-integration":
				out = append(out, e)
			case "x-amazon-apigateway-integrations":
				if m, ok := e.(map[string]any); ok {
					for _, i := range m {
						out = append(out, i)
					}
				}
			}
			out = integrations(e, depth+1, out)
		}
	case []any:
		for _, e := range v {
			out = integrations(e, depth+1, out)
		}
	}
	return out
}

// TestDecodeIntegration checks decodeIntegration against decodeStrict on
// every integration object of the test definitions and on objects that
// a JSON round trip changes or refuses.
func TestDecodeIntegration(t *testing.T) {
	plain := 0
	for _, d := range testDefinitions(t) {
		for _, in := range integrations(d.def.b.root, 0, nil) {
			if sameAsStrict(t, d.name, in) {
				plain++
			}
		}
	}
	if plain < 20 {
		t.Errorf("%d integration objects of the test definitions read directly, want most of them", plain)
	}
	for _, tt := range []struct {
		name, yaml string
		plain      bool
	}{
		{"proxy", `{type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f/invocations", timeoutInMillis: 3000, payloadFormatVersion: "2.0"}`, true},
		{"custom", `{type: aws, uri: {"Fn::Sub": ["arn:${P}", {P: x}]}, requestTemplates: {a/b: "$input.body"}, requestParameters: {"integration.request.header.a": "'x'"},
			responses: {default: {statusCode: "200", responseTemplates: {a/b: x}}, "4\\d{2}": {statusCode: 400, responseParameters: {"method.response.header.a": "'y'"}, contentHandling: CONVERT_TO_TEXT}},
			passthroughBehavior: when_no_match, cacheKeyParameters: [], tlsConfig: {insecureSkipVerification: true}, credentials: null}`, true},
		{"http api", `{type: http_proxy, responseParameters: {"200": {"overwrite:header.a": x}}, connectionType: INTERNET, description: d, responseTransferMode: BUFFERED}`, true},
		{"case", `{Type: aws_proxy, URI: x}`, false},
		{"unknown field", `{type: mock, shiny: true}`, false},
		{"unknown response field", `{type: mock, responses: {default: {statusCode: 200, shiny: true}}}`, false},
		{"null string", `{type: null}`, false},
		{"null map", `{type: mock, requestTemplates: null}`, false},
		{"null template", `{type: mock, requestTemplates: {a/b: null}}`, false},
		{"number for string", `{type: 1}`, false},
		{"infinite timeout", `{type: mock, timeoutInMillis: .inf}`, false},
		{"not a number", `{type: mock, uri: {a: [.nan]}}`, false},
		{"list", `[type, mock]`, false},
		{"string", `mock`, false},
	} {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(tt.yaml), &n); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		v, err := nodeValue(&n, budget(len(tt.yaml)))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := sameAsStrict(t, tt.name, v); got != tt.plain {
			t.Errorf("%s: read directly %v, want %v", tt.name, got, tt.plain)
		}
	}
	// Invalid UTF-8, which neither decoder of documents gives, and which
	// json.Marshal replaces.
	for _, v := range []map[string]any{{"type": "\xff"}, {"uri": []any{"\xff"}}, {"requestTemplates": map[string]any{"\xff": "x"}}} {
		if sameAsStrict(t, "invalid UTF-8", v) {
			t.Errorf("%q read directly", v)
		}
	}
}

// FuzzDecodeIntegration checks decodeIntegration against decodeStrict on
// any JSON value.
func FuzzDecodeIntegration(f *testing.F) {
	f.Add([]byte(`{"type":"aws_proxy","httpMethod":"POST","uri":"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f/invocations"}`))
	f.Add([]byte(`{"type":"aws","uri":{"Fn::Sub":"x"},"responses":{"default":{"statusCode":"200","responseTemplates":{"a/b":"x"}}},"cacheKeyParameters":["a"]}`))
	f.Add([]byte(`{"Type":"mock","responseParameters":{"200":{"a":"b"}},"timeoutInMillis":1e3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		sameAsStrict(t, "fuzz", v)
	})
}
