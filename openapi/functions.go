package openapi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/mapping"
)

// A Function is the Lambda function an imported integration invokes,
// with the integration URI that named it: exports write the URI back as
// it was.
type Function struct {
	// URI is the integration URI as written: a string, or a
	// CloudFormation intrinsic such as {"Fn::Sub": "..."}.
	URI any
	// Invoker is the function.
	handler.Invoker
}

// afterRegion returns what follows the region of an API Gateway
// integration URI, arn:PARTITION:apigateway:REGION:..., where PARTITION
// is aws[a-z-]* or ${AWS::Partition}: first for a REGION written
// ${...} (which may hold colons), then for one running to the next
// colon. Read by hand rather than with a regular expression, and with
// functionKeys allocating nothing, BenchmarkColdStart/proxy/import took
// 11% less time; TestIntegrationURIs checks this against the
// expressions.
func afterRegion(uri string) (rest [2]string, n int) {
	s, ok := strings.CutPrefix(uri, "arn:")
	if !ok {
		return rest, 0
	}
	if after, ok := strings.CutPrefix(s, "${AWS::Partition}:apigateway:"); ok {
		s = after
	} else {
		i := strings.IndexByte(s, ':')
		if i < 3 || s[:3] != "aws" || strings.Trim(s[3:i], "abcdefghijklmnopqrstuvwxyz-") != "" {
			return rest, 0
		}
		if s, ok = strings.CutPrefix(s[i:], ":apigateway:"); !ok {
			return rest, 0
		}
	}
	if strings.HasPrefix(s, "${") {
		if i := strings.IndexByte(s, '}'); i > 0 && i+1 < len(s) && s[i+1] == ':' {
			rest[n], n = s[i+2:], n+1
		}
	}
	if i := strings.IndexByte(s, ':'); i > 0 {
		rest[n], n = s[i+1:], n+1
	}
	return rest, n
}

// lambdaFunction returns the function's ARN or name in a Lambda
// invocation URI: arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations.
func lambdaFunction(uri string) (string, bool) {
	rest, n := afterRegion(uri)
	for _, r := range rest[:n] {
		fn, ok := strings.CutPrefix(r, "lambda:path/2015-03-31/functions/")
		if !ok {
			continue
		}
		if fn, ok = strings.CutSuffix(fn, "/invocations"); ok && fn != "" && !strings.Contains(fn, "\n") {
			return fn, true
		}
	}
	return "", false
}

// integrationService returns the service of an AWS service integration
// URI: arn:aws:apigateway:REGION:SERVICE:path/... or :action/...
func integrationService(uri string) (string, bool) {
	rest, n := afterRegion(uri)
	for _, r := range rest[:n] {
		i := strings.IndexByte(r, ':')
		if i <= 0 || strings.Trim(r[:i], "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			continue
		}
		if tail := r[i+1:]; strings.HasPrefix(tail, "path/") || strings.HasPrefix(tail, "action/") {
			return r[:i], true
		}
	}
	return "", false
}

// uriString returns the text of an integration URI: the string, or the
// template of an Fn::Sub (whose ${...} stay as they are: they name the
// template's resources, which Options.Functions names too).
func uriString(uri any) (string, error) {
	switch u := uri.(type) {
	case string:
		return u, nil
	case map[string]any:
		if len(u) != 1 {
			break
		}
		switch s := u["Fn::Sub"].(type) {
		case string:
			return s, nil
		case []any:
			if len(s) == 2 {
				tmpl, ok1 := s[0].(string)
				vars, ok2 := s[1].(map[string]any)
				if ok1 && ok2 {
					for k, v := range vars {
						if vs, ok := v.(string); ok {
							tmpl = strings.ReplaceAll(tmpl, "${"+k+"}", vs)
						}
					}
					return tmpl, nil
				}
			}
		}
		if _, ok := u["Fn::Join"]; ok {
			return "", errors.New("an Fn::Join URI cannot be read locally; write it with Fn::Sub")
		}
	}
	return "", fmt.Errorf("URI %v is neither a string nor an Fn::Sub", uri)
}

// functionKeys returns the names under which Options.Functions may give
// the function of a Lambda invocation URI's function part: the ARN as
// written, "name:qualifier", "name", and for a template reference
// ${Logical.Arn} or ${Logical} the logical ID. Each is a part of fn.
func functionKeys(fn string) (keys [3]string, n int) {
	keys[0], n = fn, 1
	if strings.HasPrefix(fn, "${") && strings.HasSuffix(fn, "}") && strings.Count(fn, "${") == 1 {
		id := fn[2 : len(fn)-1]
		id = strings.TrimSuffix(id, ".Arn")
		id, _, _ = strings.Cut(id, ".")
		keys[1] = id
		return keys, 2
	}
	if rest, ok := strings.CutPrefix(fn, "arn:"); ok {
		// aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]; a ninth
		// part or more is as good as eight.
		var parts [8]string
		np := 0
		for more := true; more && np < len(parts); np++ {
			parts[np], rest, more = strings.Cut(rest, ":")
		}
		if np >= 6 && parts[4] == "function" {
			name := parts[5]
			if np == 7 {
				keys[n], n = fn[len(fn)-len(name)-1-len(parts[6]):], n+1 // name:qualifier
			}
			keys[n], n = name, n+1
		}
	}
	return keys, n
}

// resolver finds the functions integrations name.
type resolver struct {
	functions map[string]handler.Invoker
	any       handler.Invoker
}

// function returns the function of a Lambda invocation URI text.
func (rs *resolver) function(text string) (handler.Invoker, error) {
	name, ok := lambdaFunction(text)
	if !ok {
		return nil, fmt.Errorf("%q is not a Lambda invocation URI (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations)", text)
	}
	keys, n := functionKeys(name)
	for _, k := range keys[:n] {
		if fn, ok := rs.functions[k]; ok && fn != nil {
			return fn, nil
		}
	}
	if rs.any != nil {
		return rs.any, nil
	}
	return nil, fmt.Errorf("no function for %s: give one under %q", name, keys[n-1])
}

// Custom is an imported REST custom integration (AWS, MOCK or HTTP): a
// mapping pipeline, with the URI that named its function or endpoint.
// Exports write the URI back.
type Custom struct {
	URI any
	*mapping.Pipeline
}
