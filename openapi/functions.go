package openapi

import (
	"errors"
	"fmt"
	"regexp"
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

// lambdaURI matches a Lambda invocation URI and captures the function's
// ARN or name: arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations.
var lambdaURI = regexp.MustCompile(`^arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):apigateway:(?:\$\{[^}]*\}|[^:]+):lambda:path/2015-03-31/functions/(.+)/invocations$`)

// serviceURI matches the URI of an AWS service integration.
var serviceURI = regexp.MustCompile(`^arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):apigateway:(?:\$\{[^}]*\}|[^:]+):([a-z0-9-]+):(path|action)/`)

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
// ${Logical.Arn} or ${Logical} the logical ID.
func functionKeys(fn string) []string {
	keys := []string{fn}
	if strings.HasPrefix(fn, "${") && strings.HasSuffix(fn, "}") && strings.Count(fn, "${") == 1 {
		id := fn[2 : len(fn)-1]
		id = strings.TrimSuffix(id, ".Arn")
		id, _, _ = strings.Cut(id, ".")
		return append(keys, id)
	}
	if rest, ok := strings.CutPrefix(fn, "arn:"); ok {
		parts := strings.Split(rest, ":")
		// aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
		if len(parts) >= 6 && parts[4] == "function" {
			name := parts[5]
			if len(parts) == 7 {
				keys = append(keys, name+":"+parts[6])
			}
			keys = append(keys, name)
		}
	}
	return keys
}

// resolver finds the functions integrations name.
type resolver struct {
	functions map[string]handler.Invoker
	any       handler.Invoker
}

// function returns the function of a Lambda invocation URI text.
func (rs *resolver) function(text string) (handler.Invoker, error) {
	m := lambdaURI.FindStringSubmatch(text)
	if m == nil {
		return nil, fmt.Errorf("%q is not a Lambda invocation URI (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations)", text)
	}
	keys := functionKeys(m[1])
	for _, k := range keys {
		if fn, ok := rs.functions[k]; ok && fn != nil {
			return fn, nil
		}
	}
	if rs.any != nil {
		return rs.any, nil
	}
	return nil, fmt.Errorf("no function for %s: give one under %q", m[1], keys[len(keys)-1])
}

// Custom is an imported REST custom integration (AWS, MOCK or HTTP): a
// mapping pipeline, with the URI that named its function or endpoint.
// Exports write the URI back.
type Custom struct {
	URI any
	*mapping.Pipeline
}
