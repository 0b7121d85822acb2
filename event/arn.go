package event

import (
	"fmt"
	"strings"
)

// An ARN is the execute-api ARN of a method or route, as a Lambda
// authorizer receives it (methodArn for REST APIs and HTTP API payload
// 1.0, routeArn for payload 2.0) and as IAM policies name it:
//
//	arn:aws:execute-api:REGION:ACCOUNT:APIID/STAGE/VERB/RESOURCE-PATH
//
// Path is the request path after the stage, with its leading slash
// ("/pets/7"; "/" for the root, which AWS writes as a trailing slash
// after the verb); empty when the ARN ends at the verb. A part may be a
// policy wildcard: "*" for every stage, verb or path.
type ARN struct {
	Partition string // "aws" when empty
	Region    string
	AccountID string
	APIID     string
	Stage     string
	Method    string
	Path      string
}

// ParseARN parses an execute-api ARN. Missing trailing parts (no verb, no
// path) are left empty, as in "arn:aws:execute-api:us-east-1:123:api/*".
func ParseARN(s string) (ARN, error) {
	var a ARN
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return a, fmt.Errorf("event: ARN %q does not start with \"arn:\"", s)
	}
	parts := strings.SplitN(rest, ":", 5)
	if len(parts) != 5 {
		return a, fmt.Errorf("event: ARN %q has fewer than six colon-separated parts", s)
	}
	if parts[1] != "execute-api" {
		return a, fmt.Errorf("event: ARN %q is not an execute-api ARN", s)
	}
	a.Partition, a.Region, a.AccountID = parts[0], parts[2], parts[3]
	res := parts[4]
	a.APIID, res, _ = strings.Cut(res, "/")
	a.Stage, res, ok = strings.Cut(res, "/")
	if !ok {
		return a, nil
	}
	a.Method, res, ok = strings.Cut(res, "/")
	if ok {
		a.Path = "/" + res
	}
	if a.APIID == "" {
		return a, fmt.Errorf("event: ARN %q has no API id", s)
	}
	return a, nil
}

// String returns the ARN.
func (a ARN) String() string {
	return string(a.Append(nil))
}

// Append appends the ARN to b.
func (a ARN) Append(b []byte) []byte {
	p := a.Partition
	if p == "" {
		p = "aws"
	}
	b = append(b, "arn:"...)
	b = append(b, p...)
	b = append(b, ":execute-api:"...)
	b = append(b, a.Region...)
	b = append(b, ':')
	b = append(b, a.AccountID...)
	b = append(b, ':')
	b = append(b, a.APIID...)
	b = append(b, '/')
	b = append(b, a.Stage...)
	if a.Method == "" && a.Path == "" {
		return b
	}
	b = append(b, '/')
	b = append(b, a.Method...)
	if a.Path == "" {
		return b
	}
	if a.Path[0] != '/' {
		b = append(b, '/')
	}
	return append(b, a.Path...)
}

// Resource returns the ARN of this API with the given stage, verb and
// path (empty means the root, "/"), each of which may be a policy
// wildcard, for the Resource of a policy statement: a.Resource("*", "GET", "/pets/*") allows GET on every
// path under /pets in every stage of the API.
func (a ARN) Resource(stage, method, path string) string {
	a.Stage, a.Method, a.Path = stage, method, path
	if path == "" {
		a.Path = "/"
	}
	return a.String()
}
