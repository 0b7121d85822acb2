package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// HTTP API parameter mapping: the requestParameters and responseParameters
// of an HTTP API integration, which change a request before it reaches
// the backend and the backend's response before it reaches the client
// (docs/evidence/openapi.md#http-api-parameter-mapping).
//
// Keys are ACTION:LOCATION: "overwrite:header.NAME",
// "append:header.NAME", "remove:header.NAME", the same for
// "querystring.NAME", "overwrite:path" (requests), and
// "overwrite:statuscode" (responses). Values are text with references:
// $request.header.NAME, $request.querystring.NAME, $request.path.NAME,
// $request.path, $request.body, $request.body.JSONPATH (requests);
// $response.header.NAME, $response.body, $response.body.JSONPATH
// (responses); $context.NAME and $stageVariables.NAME (both). A reference
// may be written ${...} to end it before text that would continue it.

// mapAction is what a mapping does to its target.
type mapAction uint8

const (
	mapOverwrite mapAction = iota
	mapAppend
	mapRemove
)

// mapOp is one compiled mapping: an action on a target, with its value.
type mapOp struct {
	action mapAction
	loc    string // "header", "querystring", "path" or "statuscode"
	name   string // the header or query parameter name
	value  mapValue
}

// mapValue is a value expression: text and references in order.
type mapValue []mapPart

type mapPart struct {
	text string   // static text, when ref is empty
	ref  []string // the reference's steps: "request", "header", "x-id"
}

// reservedMappingHeaders are the headers an HTTP API refuses mappings for.
var reservedMappingHeaders = []string{
	"authorization", "connection", "content-encoding", "content-length", "content-location",
	"forwarded", "keep-alive", "origin", "proxy-authenticate", "proxy-authorization", "te",
	"trailers", "transfer-encoding", "upgrade", "x-forwarded-for", "x-forwarded-host",
	"x-forwarded-proto", "via",
}

func reservedMappingHeader(name string) bool {
	n := strings.ToLower(name)
	return slices.Contains(reservedMappingHeaders, n) || strings.HasPrefix(n, "access-control-") ||
		strings.HasPrefix(n, "apigw-") || strings.HasPrefix(n, "x-amz-") || strings.HasPrefix(n, "x-amzn-")
}

// compileMappings compiles request (response false) or response
// mappings, reporting every problem.
func compileMappings(m map[string]string, response bool) ([]mapOp, error) {
	var ops []mapOp
	var errs []error
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		op, err := compileMapping(k, m[k], response)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ops = append(ops, op)
	}
	// Overwrites first, then appends, then removals (a decision: AWS
	// does not say how mappings of one target combine).
	slices.SortStableFunc(ops, func(a, b mapOp) int { return int(a.action) - int(b.action) })
	return ops, errors.Join(errs...)
}

func compileMapping(key, value string, response bool) (mapOp, error) {
	var op mapOp
	action, target, ok := strings.Cut(key, ":")
	if !ok {
		return op, fmt.Errorf("gateway: parameter mapping %q: want ACTION:LOCATION, such as overwrite:header.name", key)
	}
	switch action {
	case "overwrite":
		op.action = mapOverwrite
	case "append":
		op.action = mapAppend
	case "remove":
		op.action = mapRemove
	default:
		return op, fmt.Errorf("gateway: parameter mapping %q: unknown action %q (want overwrite, append or remove)", key, action)
	}
	loc, name, _ := strings.Cut(target, ".")
	op.loc, op.name = loc, name
	switch {
	case loc == "header" && name != "":
		if reservedMappingHeader(name) {
			return op, fmt.Errorf("gateway: parameter mapping %q: header %q is reserved", key, name)
		}
	case loc == "querystring" && name != "" && !response:
	case target == "path" && !response:
		if op.action != mapOverwrite {
			return op, fmt.Errorf("gateway: parameter mapping %q: the path can only be overwritten", key)
		}
	case target == "statuscode" && response:
		if op.action != mapOverwrite {
			return op, fmt.Errorf("gateway: parameter mapping %q: the status code can only be overwritten", key)
		}
	default:
		want := "header.NAME, querystring.NAME or path"
		if response {
			want = "header.NAME or statuscode"
		}
		return op, fmt.Errorf("gateway: parameter mapping %q: unknown location %q (want %s)", key, target, want)
	}
	if op.action == mapRemove {
		return op, nil
	}
	v, err := parseMapValue(value, response)
	if err != nil {
		return op, fmt.Errorf("gateway: parameter mapping %q: %w", key, err)
	}
	op.value = v
	if op.loc == "statuscode" && v.static() {
		if s, err := strconv.Atoi(v.String()); err != nil || s < 100 || s > 599 {
			return op, fmt.Errorf("gateway: parameter mapping %q: status code %q is not 100..599", key, value)
		}
	}
	return op, nil
}

// parseMapValue reads a value expression.
func parseMapValue(s string, response bool) (mapValue, error) {
	var v mapValue
	text := func(t string) {
		if t == "" {
			return
		}
		if n := len(v); n > 0 && v[n-1].ref == nil {
			v[n-1].text += t
			return
		}
		v = append(v, mapPart{text: t})
	}
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 || i == len(s)-1 {
			text(s)
			return v, nil
		}
		text(s[:i])
		s = s[i+1:]
		var ref string
		if s[0] == '{' {
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return nil, fmt.Errorf("unclosed ${ in %q", s)
			}
			ref, s = s[1:end], s[end+1:]
		} else {
			n := 0
			for n < len(s) && (isRefByte(s[n]) || s[n] == '.' && n+1 < len(s) && isRefByte(s[n+1])) {
				n++
			}
			if n == 0 {
				text("$")
				continue
			}
			ref, s = s[:n], s[n:]
		}
		steps := strings.Split(ref, ".")
		if err := checkRef(steps, response); err != nil {
			return nil, err
		}
		v = append(v, mapPart{ref: steps})
	}
}

func isRefByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '[' || c == ']'
}

// checkRef checks a reference's steps.
func checkRef(steps []string, response bool) error {
	ref := strings.Join(steps, ".")
	switch steps[0] {
	case "request":
		if response {
			return fmt.Errorf("$%s: responses map $response.*, $context.* and $stageVariables.*", ref)
		}
		switch {
		case len(steps) >= 3 && (steps[1] == "header" || steps[1] == "querystring") && len(steps) == 3,
			len(steps) == 2 && (steps[1] == "path" || steps[1] == "body"),
			len(steps) == 3 && steps[1] == "path",
			len(steps) >= 3 && steps[1] == "body":
			return nil
		}
	case "response":
		if !response {
			return fmt.Errorf("$%s: requests map $request.*, $context.* and $stageVariables.*", ref)
		}
		switch {
		case len(steps) == 3 && steps[1] == "header", len(steps) == 2 && steps[1] == "body", len(steps) >= 3 && steps[1] == "body":
			return nil
		}
	case "context":
		if len(steps) >= 2 {
			if _, ok := contextValue(steps[1:], mapContext{}); ok {
				return nil
			}
			return fmt.Errorf("$%s: unknown or unsupported context variable", ref)
		}
	case "stageVariables":
		if len(steps) == 2 && steps[1] != "" {
			return nil
		}
	}
	return fmt.Errorf("invalid reference $%s", ref)
}

func (v mapValue) static() bool {
	for _, p := range v {
		if p.ref != nil {
			return false
		}
	}
	return true
}

// String returns the value as written, with each reference braced.
func (v mapValue) String() string {
	var b strings.Builder
	for _, p := range v {
		if p.ref == nil {
			b.WriteString(p.text)
			continue
		}
		b.WriteString("${" + strings.Join(p.ref, ".") + "}")
	}
	return b.String()
}

// mapContext is what references read for one request.
type mapContext struct {
	header     http.Header // the request's (or the response's) headers
	query      map[string][]string
	params     map[string]string // path parameters
	path       string            // the request path without the stage
	resource   string            // the REST resource of the route
	body       []byte
	stageVars  map[string]string
	requestID  string
	apiID      string
	accountID  string
	stage      string
	routeKey   string
	method     string
	domainName string
	sourceIP   string
	userAgent  string
	epoch      int64
}

// eval returns the value of v, and false when a reference it holds has
// no value (the mapping is then skipped).
func (v mapValue) eval(c *mapContext) (string, bool) {
	var b strings.Builder
	for _, p := range v {
		if p.ref == nil {
			b.WriteString(p.text)
			continue
		}
		s, ok := refValue(p.ref, c)
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), true
}

func refValue(steps []string, c *mapContext) (string, bool) {
	switch steps[0] {
	case "request", "response":
		switch steps[1] {
		case "header":
			vs := c.header.Values(steps[2])
			return strings.Join(vs, ","), len(vs) > 0
		case "querystring":
			vs := c.query[steps[2]]
			return strings.Join(vs, ","), len(vs) > 0
		case "path":
			if len(steps) == 2 {
				return c.path, true
			}
			s, ok := c.params[steps[2]]
			return s, ok
		case "body":
			if len(steps) == 2 {
				return string(c.body), true
			}
			return bodyPath(c.body, steps[2:])
		}
	case "context":
		return contextValue(steps[1:], *c)
	case "stageVariables":
		s, ok := c.stageVars[steps[1]]
		return s, ok
	}
	return "", false
}

// mappingBodyLimit is the part of a body a JSONPath reference reads: API
// Gateway truncates bodies at 100 KB before selecting.
const mappingBodyLimit = 100 << 10

// bodyPath selects a JSONPath (names and [n] indexes) in a JSON body. A
// string is its text, other values their JSON.
func bodyPath(body []byte, steps []string) (string, bool) {
	if len(body) > mappingBodyLimit {
		body = body[:mappingBodyLimit]
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return "", false
	}
	for _, st := range steps {
		name, rest, _ := strings.Cut(st, "[")
		if name != "" {
			m, ok := v.(map[string]any)
			if !ok {
				return "", false
			}
			if v, ok = m[name]; !ok {
				return "", false
			}
		}
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			n, err := strconv.Atoi(idx)
			a, isArr := v.([]any)
			if !ok || err != nil || !isArr || n < 0 || n >= len(a) {
				return "", false
			}
			v, rest = a[n], strings.TrimPrefix(after, "[")
		}
	}
	switch v := v.(type) {
	case string:
		return v, true
	case nil:
		return "", false
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

// contextValue returns a context variable that mappings may read. With a
// zero context it tells which names exist.
func contextValue(steps []string, c mapContext) (string, bool) {
	switch strings.Join(steps, ".") {
	case "requestId", "extendedRequestId":
		return c.requestID, true
	case "apiId":
		return c.apiID, true
	case "accountId":
		return c.accountID, true
	case "stage":
		return c.stage, true
	case "routeKey":
		return c.routeKey, true
	case "httpMethod":
		return c.method, true
	case "path":
		return c.path, true
	case "domainName":
		return c.domainName, true
	case "domainPrefix":
		p, _, _ := strings.Cut(c.domainName, ".")
		return p, true
	case "identity.sourceIp":
		return c.sourceIP, true
	case "identity.userAgent":
		return c.userAgent, true
	case "requestTimeEpoch":
		return strconv.FormatInt(c.epoch, 10), true
	}
	return "", false
}
