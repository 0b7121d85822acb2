package mapping

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping/vtl"
	"github.com/lambdagate/lambdagate/response"
)

// IntegrationType is the type of a method's integration, as API Gateway
// names it.
type IntegrationType string

// The integration types a [Pipeline] runs.
const (
	// TypeAWS is a Lambda custom (non-proxy) integration: the "AWS"
	// integration of the Lambda Invoke action, or the console's "Lambda
	// Function" integration without proxy.
	TypeAWS IntegrationType = "AWS"
	// TypeMock answers from the gateway itself: the request template's
	// statusCode selects the integration response.
	TypeMock IntegrationType = "MOCK"
	// TypeHTTP is an HTTP custom (non-proxy) integration.
	TypeHTTP IntegrationType = "HTTP"
)

// PassthroughBehavior says what happens to a request whose Content-Type
// has no request template.
type PassthroughBehavior string

// The passthrough behaviours. The zero value means WhenNoMatch, API
// Gateway's default.
const (
	// WhenNoMatch passes the body through unchanged when no template
	// matches the Content-Type.
	WhenNoMatch PassthroughBehavior = "WHEN_NO_MATCH"
	// WhenNoTemplates passes the body through only when the integration
	// has no templates at all; otherwise an unmatched Content-Type gets
	// 415.
	WhenNoTemplates PassthroughBehavior = "WHEN_NO_TEMPLATES"
	// Never passes nothing through: an unmatched Content-Type, or any
	// request when there are no templates, gets 415.
	Never PassthroughBehavior = "NEVER"
)

// A LambdaFunc is a Lambda function as a custom integration invokes it:
// the JSON payload in, the JSON result out. A non-nil error fails the
// invocation, as a function error: a *handler.FunctionError (what a
// function reached through Lambda reports) is the error document Lambda
// sent, with its errorType and the errorMessage that selection patterns
// match; any other error's message is the errorMessage and the name of
// its Go type the errorType, as the Go Lambda runtime reports them
// ("errorString" for errors.New). A *handler.InvokeError is an invoke
// Lambda refused, which the gateway answers with 500.
type LambdaFunc func(ctx context.Context, payload []byte) ([]byte, error)

// A Backend is the endpoint of an HTTP integration. It receives the
// integration request (method, path, mapped headers and query string, and
// the transformed body) and answers with the integration response. Any
// lambdagate.Handler is a Backend.
type Backend interface {
	Serve(ctx context.Context, req *event.Request) (*response.Response, error)
}

// A Method is the configuration of one REST API method with a custom
// integration: what API Gateway keeps in the method's Method, Integration
// and IntegrationResponse resources. [NewPipeline] compiles it.
type Method struct {
	// Name names the method in errors and template names, as in
	// "GET /calc".
	Name string

	// RequestValidator chooses what to validate.
	RequestValidator RequestValidator
	// RequestParameters are the method request parameters,
	// "method.request.{header|path|querystring}.{name}", each mapped to
	// whether it is required.
	RequestParameters map[string]bool
	// RequestModels maps a request media type to a model in Models.
	RequestModels map[string]string
	// Models are the API's models, as package
	// [github.com/lambdagate/lambdagate/mapping/model] compiles them.
	Models Models

	// Integration is the integration request and responses.
	Integration Integration

	// Limits bound what the method's mapping templates may cost; the
	// zero value is API Gateway's quotas.
	Limits vtl.Limits
}

// Integration is a method's custom integration.
type Integration struct {
	// Type is TypeAWS, TypeMock or TypeHTTP; it may be written in lower
	// case, as OpenAPI definitions do.
	Type IntegrationType
	// Function is the Lambda function of a TypeAWS integration.
	Function LambdaFunc
	// AsyncFunction, when set, sends an asynchronous ('Event') invocation
	// of the function, as the Lambda Invoke API does with
	// X-Amz-Invocation-Type: Event (gateway.Remote's InvokeAsync). Without
	// it, Function runs detached from the request.
	AsyncFunction func(ctx context.Context, payload []byte) error
	// Backend is the endpoint of a TypeHTTP integration.
	Backend Backend
	// HTTPMethod is the method of a TypeHTTP integration request; empty
	// keeps the method request's.
	HTTPMethod string
	// Path is the path of a TypeHTTP integration request, with {name}
	// parts filled from integration.request.path.{name}; empty keeps the
	// method request's path.
	Path string

	// PassthroughBehavior applies when no request template matches.
	PassthroughBehavior PassthroughBehavior
	// RequestParameters maps integration request parameters,
	// "integration.request.{header|querystring|path}.{name}", to their
	// source: "method.request.{header|querystring|path}.{name}",
	// "method.request.multivalueheader.{name}",
	// "method.request.multivaluequerystring.{name}",
	// "method.request.body", "method.request.body.{JSONPath}",
	// "context.{name}", "stageVariables.{name}" or a 'quoted literal'.
	// A TypeAWS integration takes its invocation type from the
	// X-Amz-Invocation-Type header ('Event' invokes asynchronously).
	RequestParameters map[string]string
	// RequestTemplates maps a request media type to a mapping template.
	// An empty template passes the body through.
	RequestTemplates map[string]string

	// Responses are the integration responses: at most one without a
	// SelectionPattern (the default), the others each with one.
	Responses []IntegrationResponse
}

// An IntegrationResponse maps an integration's result to the method
// response.
type IntegrationResponse struct {
	// StatusCode is the method response status.
	StatusCode int
	// SelectionPattern is a regular expression matched against the whole
	// Lambda errorMessage (TypeAWS, empty for a successful invocation) or
	// against the integration status code (TypeHTTP, TypeMock). Empty
	// marks the default response.
	SelectionPattern string
	// ResponseParameters maps "method.response.header.{name}" to a source:
	// "integration.response.header.{name}",
	// "integration.response.multivalueheader.{name}",
	// "integration.response.body", "integration.response.body.{JSONPath}",
	// "context.{name}", "stageVariables.{name}" or a 'quoted literal'.
	ResponseParameters map[string]string
	// ResponseTemplates maps a response media type to a mapping template.
	// An empty template passes the body through.
	ResponseTemplates map[string]string
}

// A source is a parsed parameter-mapping expression.
type source struct {
	kind srcKind
	name string   // parameter, header, context or stage variable name; literal value
	path []string // JSONPath steps for body sources: names, or "[n]" indexes
}

type srcKind uint8

const (
	srcLiteral srcKind = iota
	srcReqPath
	srcReqQuery
	srcReqHeader
	srcReqMultiQuery
	srcReqMultiHeader
	srcReqBody
	srcRespHeader
	srcRespMultiHeader
	srcRespBody
	srcContext
	srcStageVar
)

// parseSource parses a mapping expression. request says whether it maps
// an integration request (method.request.* sources) or a method response
// (integration.response.* sources).
func parseSource(expr string, request bool) (source, error) {
	bad := func(hint string) (source, error) {
		return source{}, fmt.Errorf("mapping: invalid mapping expression %q (%s)", expr, hint)
	}
	if len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' {
		return source{kind: srcLiteral, name: expr[1 : len(expr)-1]}, nil
	}
	if name, ok := strings.CutPrefix(expr, "context."); ok && name != "" {
		return source{kind: srcContext, path: strings.Split(name, ".")}, nil
	}
	if name, ok := strings.CutPrefix(expr, "stageVariables."); ok && name != "" {
		return source{kind: srcStageVar, name: name}, nil
	}
	prefix, kinds := "integration.response.", map[string]srcKind{
		"header": srcRespHeader, "multivalueheader": srcRespMultiHeader,
	}
	body := srcRespBody
	if request {
		prefix, kinds = "method.request.", map[string]srcKind{
			"path": srcReqPath, "querystring": srcReqQuery, "header": srcReqHeader,
			"multivaluequerystring": srcReqMultiQuery, "multivalueheader": srcReqMultiHeader,
		}
		body = srcReqBody
	}
	rest, ok := strings.CutPrefix(expr, prefix)
	if !ok {
		return bad("want " + prefix + "*, context.*, stageVariables.* or a 'literal'")
	}
	if rest == "body" {
		return source{kind: body}, nil
	}
	if p, ok := strings.CutPrefix(rest, "body."); ok {
		path, err := parseBodyPath(p)
		if err != nil {
			return bad(err.Error())
		}
		return source{kind: body, path: path}, nil
	}
	loc, name, ok := strings.Cut(rest, ".")
	kind, known := kinds[loc]
	if !ok || !known || name == "" {
		return bad("unknown location")
	}
	return source{kind: kind, name: name}, nil
}

// parseBodyPath parses the JSONPath of a body mapping expression, written
// without its leading "$.": "a.b[0].c".
func parseBodyPath(p string) ([]string, error) {
	var steps []string
	for _, part := range strings.Split(p, ".") {
		name, idx, _ := strings.Cut(part, "[")
		if name == "" && idx == "" {
			return nil, fmt.Errorf("empty step")
		}
		if name != "" {
			steps = append(steps, name)
		}
		for idx != "" {
			n, rest, ok := strings.Cut(idx, "]")
			if _, err := strconv.Atoi(n); !ok || err != nil {
				return nil, fmt.Errorf("bad index %q", n)
			}
			steps = append(steps, "["+n+"]")
			if rest == "" {
				break
			}
			if rest[0] != '[' {
				return nil, fmt.Errorf("bad step %q", part)
			}
			idx = rest[1:]
		}
	}
	return steps, nil
}

// bodyPath evaluates a body path on a JSON document. It returns the value
// as a header gets it (a string unquoted, anything else as compact JSON),
// whether the path exists, and an error when the body looks like a JSON
// object or array but does not parse. When errMessage is set, a string
// "errorMessage" member holding JSON is read as that JSON, as API Gateway
// does for Lambda custom errors.
func bodyPath(body []byte, steps []string, errMessage bool) (string, bool, error) {
	doc := trimSpace(body)
	if len(doc) == 0 || (doc[0] != '{' && doc[0] != '[') {
		return "", false, nil
	}
	if !json.Valid(doc) {
		return "", false, fmt.Errorf("mapping: integration response body is not valid JSON")
	}
	for i, step := range steps {
		if errMessage && i == 1 && steps[0] == "errorMessage" && len(doc) > 0 && doc[0] == '"' {
			var s string
			if json.Unmarshal(doc, &s) == nil && json.Valid([]byte(s)) {
				doc = trimSpace([]byte(s))
			}
		}
		var ok bool
		if n, isIndex := strings.CutPrefix(step, "["); isIndex {
			k, _ := strconv.Atoi(strings.TrimSuffix(n, "]"))
			doc, ok = jsonIndex(doc, k)
		} else {
			doc, ok = jsonMember(doc, step)
		}
		if !ok {
			return "", false, nil
		}
	}
	switch {
	case len(doc) == 0 || string(doc) == "null":
		return "", false, nil
	case doc[0] == '"':
		if bytes.IndexByte(doc, '\\') < 0 && utf8.Valid(doc) {
			return string(doc[1 : len(doc)-1]), true, nil
		}
		var s string
		if err := json.Unmarshal(doc, &s); err != nil {
			return "", false, nil
		}
		return s, true, nil
	case bytes.ContainsAny(doc, " \t\r\n"):
		var b bytes.Buffer
		if err := json.Compact(&b, doc); err != nil {
			return "", false, nil
		}
		return b.String(), true, nil
	}
	return string(doc), true, nil
}

// jsonMember returns the value of the named member of a valid JSON
// object; with duplicate names the last one wins.
func jsonMember(obj []byte, name string) ([]byte, bool) {
	if len(obj) == 0 || obj[0] != '{' {
		return nil, false
	}
	var found []byte
	i := skipSpace(obj, 1)
	for i < len(obj) && obj[i] == '"' {
		kEnd := skipValue(obj, i)
		key := obj[i:kEnd]
		i = skipSpace(obj, kEnd)
		i = skipSpace(obj, i+1) // ':'
		vEnd := skipValue(obj, i)
		if keyEquals(key, name) {
			found = obj[i:vEnd]
		}
		i = skipSpace(obj, vEnd)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
	return found, found != nil
}

// jsonIndex returns element k of a valid JSON array.
func jsonIndex(arr []byte, k int) ([]byte, bool) {
	if len(arr) == 0 || arr[0] != '[' || k < 0 {
		return nil, false
	}
	i := skipSpace(arr, 1)
	for n := 0; i < len(arr) && arr[i] != ']'; n++ {
		end := skipValue(arr, i)
		if n == k {
			return arr[i:end], true
		}
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
	return nil, false
}

// keyEquals reports whether the quoted JSON string key is name.
func keyEquals(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 && utf8.Valid(key) {
		return string(key[1:len(key)-1]) == name
	}
	var s string
	return json.Unmarshal(key, &s) == nil && s == name
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i], which is
// known to be valid.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		for i++; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return i
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipValue(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}

func trimSpace(b []byte) []byte {
	return bytes.TrimSpace(b)
}
