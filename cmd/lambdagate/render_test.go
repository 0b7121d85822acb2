package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		stdin    string
		code     int
		out, err string
	}{
		{"calcGET", nil, `{"template": "{\n   \"a\": \"$input.params('operand1')\",\n   \"op\": #if($input.params('operator')=='%2F')\"/\"#{else}\"$input.params('operator')\"#end\n}", "body": null, "params": {"path": {"operand1": "1", "operator": "%2F"}}}`,
			0, "{\n   \"a\": \"1\",\n   \"op\": \"/\"}", ""},
		{"exactBytes", nil, `{"template": "$input.body", "body": "  raw \n"}`, 0, "  raw \n", ""},
		{"emptyBody", nil, `{"template": "$input.body"}`, 0, "{}", ""},
		{"paramsOrder", nil, `{"template": "$input.params().header", "params": {"header": {"Z": "1", "A": "2"}}}`, 0, "{Z=1, A=2}", ""},
		{"contextAndStage", nil, `{"template": "$context.stage $context.requestTimeEpoch $stageVariables.v", "context": {"stage": "prod", "requestTimeEpoch": 1700000000000}, "stageVariables": {"v": "x"}}`, 0, "prod 1700000000000 x", ""},
		{"overrides", []string{"-overrides"}, `{"template": "#set($context.responseOverride.status = 404)$context.requestOverride.header.put('X', 'y')#set($context.responseOverride.custom = {'a': [1, 'b']})"}`, 0,
			"{\n  \"requestOverride\": {\n    \"path\": {},\n    \"header\": {\n      \"X\": \"y\"\n    },\n    \"querystring\": {}\n  },\n  \"responseOverride\": {\n    \"header\": {},\n    \"status\": 404,\n    \"custom\": {\n      \"a\": [\n        1,\n        \"b\"\n      ]\n    }\n  }\n}\n", ""},
		{"regexTooDeep", nil, `{"template": "#set($s = 'a')$s.replaceAll('` + strings.Repeat("(", 999) + "a" + strings.Repeat(")", 999) + `', 'b')"}`, 1, "", "expression nests too deeply"},
		{"stepLimit", nil, `{"template": "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])#end#end#end"}`, 1, "", "more than 2000000 steps"},
		{"parseError", []string{"-name", "calc"}, `{"template": "#if(true)"}`, 1, "", "mapping: calc:1:1: unclosed #if: missing #end\n"},
		{"execError", nil, `{"template": "$input.json('$')", "body": "{a"}`, 1, "", "mapping: template:1:7: invalid JSON payload: Unexpected End Of File position 1: null\n"},
		{"badJSON", nil, `{`, 1, "", "not a render request"},
		{"noTemplate", nil, `{}`, 1, "", `has no "template"`},
		{"badParams", nil, `{"template": "", "params": {"path": []}}`, 1, "", "want an object"},
		{"extraArg", []string{"x"}, `{}`, 2, "", `unexpected argument "x"`},
		{"help", []string{"-h"}, ``, 0, "", "usage: lambdagate render"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"render"}, tc.args...), strings.NewReader(tc.stdin), &out, &errOut)
			if code != tc.code {
				t.Fatalf("exit code = %d, want %d (stderr %q)", code, tc.code, errOut.String())
			}
			if out.String() != tc.out {
				t.Errorf("stdout = %q, want %q", out.String(), tc.out)
			}
			if tc.err == "" && errOut.Len() > 0 || !strings.Contains(errOut.String(), tc.err) {
				t.Errorf("stderr = %q, want %q", errOut.String(), tc.err)
			}
		})
	}
}
