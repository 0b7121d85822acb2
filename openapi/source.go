package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

// DefaultMaxSize is the largest definition Import reads by default: 6 MB,
// API Gateway's quota for an imported definition
// (docs/evidence/openapi.md#import-and-export).
const DefaultMaxSize = 6 << 20

// definition is a document read and resolved, with what is needed to
// report on it.
type definition struct {
	doc *openapi3.T
	// schemas are the models' schemas, by name, as written; b builds
	// what the model lacks, such as x-amazon-apigateway-any-method
	// operations.
	schemas   map[string]any
	b         *builder
	stageVars map[string]string // a SAM template's stage Variables
	swagger   bool              // the file was Swagger 2.0
	stage     string            // a SAM template's StageName, if any
	samKind   string            // "rest" or "http" for a SAM template's API resource
}

// read parses src, a JSON or YAML OpenAPI 3.0 or Swagger 2.0 document or
// a SAM template, and resolves its $refs. Problems go to r.
func read(src []byte, max int, r *report) *definition {
	if max <= 0 {
		max = DefaultMaxSize
	}
	if len(src) > max {
		r.fail("", "definition of %d bytes is over the %d-byte limit", len(src), max)
		return nil
	}
	def := &definition{}
	// The document is decoded once, into plain values, from which the
	// model is built (decode.go); data is its JSON text, for Swagger 2.0.
	var v any
	var data []byte
	if !isJSON(src) {
		var n yaml.Node
		if err := yaml.Unmarshal(src, &n); err != nil {
			r.fail("", "not valid YAML: %v", err)
			return nil
		}
		if len(n.Content) == 0 {
			r.fail("", "empty document")
			return nil
		}
		r.pos = &positions{root: n.Content[0]}
		root := n.Content[0]
		if body, base, stage, kind := samDefinition(root); body != nil {
			root, r.base, def.stage, def.samKind = body, base, stage, kind
			def.stageVars = samVariables(n.Content[0], base)
		} else if isTemplate(root) {
			r.fail("/Resources", "a template without an API resource that has a DefinitionBody (AWS::Serverless::Api, AWS::Serverless::HttpApi, or an AWS::ApiGateway::RestApi or AWS::ApiGatewayV2::Api Body)")
			return nil
		}
		var err error
		if v, err = nodeValue(root, budget(len(src))); err != nil {
			r.fail("", "%v", err)
			return nil
		}
	} else {
		var ok bool
		if v, ok = decodeJSON(src); !ok {
			if err := json.Unmarshal(src, &v); err != nil {
				r.fail("", "not a valid JSON document: %v", strings.TrimPrefix(err.Error(), "json: "))
				return nil
			}
		}
		data = src
		if m, ok := v.(map[string]any); ok && m["Resources"] != nil {
			var n yaml.Node
			if err := yaml.Unmarshal(src, &n); err == nil && len(n.Content) > 0 {
				r.pos = &positions{root: n.Content[0]}
				if body, base, stage, kind := samDefinition(n.Content[0]); body != nil {
					r.base, def.stage, def.samKind = base, stage, kind
					def.stageVars = samVariables(n.Content[0], base)
					if v, err = nodeValue(body, budget(len(src))); err != nil {
						r.fail("", "%v", err)
						return nil
					}
					data = nil
				}
			}
		}
	}
	m, _ := v.(map[string]any)
	ver, v3 := m["openapi"]
	if s, _ := ver.(string); s == "" && m["swagger"] != nil {
		v3 = false
	}
	if !v3 && m["swagger"] == nil {
		r.fail("", `neither "openapi" nor "swagger" is set: not an OpenAPI definition`)
		return nil
	}
	if bytes.Contains(src, []byte("$ref")) && !checkRefs(m, r) {
		return nil
	}
	b := &builder{root: m, r: r}
	def.b = b
	if v3 {
		if s, _ := ver.(string); !strings.HasPrefix(s, "3.0") {
			r.fail("/openapi", "unsupported OpenAPI version %v: API Gateway imports OpenAPI 3.0 and Swagger 2.0", quoted(ver))
			return nil
		}
		before := len(r.problems)
		def.doc = b.doc(m)
		def.schemas = member(m, "components", "schemas")
		if len(r.problems) > before {
			return nil
		}
		return def
	}
	if data == nil {
		var err error
		if data, err = json.Marshal(m); err != nil {
			r.fail("", "%v", err)
			return nil
		}
	}
	var d2 openapi2.T
	if err := json.Unmarshal(data, &d2); err != nil {
		r.fail("", "invalid Swagger 2.0 document: %v", err)
		return nil
	}
	if d2.Swagger != "2.0" {
		r.fail("/swagger", "unsupported Swagger version %q (want 2.0)", d2.Swagger)
		return nil
	}
	def.swagger = true
	doc, err := openapi2conv.ToV3(&d2)
	if err != nil {
		r.fail("", "invalid Swagger 2.0 document: %v", err)
		return nil
	}
	def.doc = doc
	def.schemas = member(m, "definitions")
	loader := openapi3.NewLoader()
	loader.Context = context.Background()
	if err := loader.ResolveRefsIn(def.doc, nil); err != nil {
		r.fail("", "%v", err)
		return nil
	}
	return def
}

// quoted writes a string value quoted and any other as it is.
func quoted(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

func isJSON(src []byte) bool {
	s := bytes.TrimLeft(src, " \t\r\n")
	return len(s) > 0 && s[0] == '{'
}

// checkRefs reports every $ref of a decoded document that does not
// resolve within it; API Gateway resolves no other
// (docs/evidence/openapi.md#references).
func checkRefs(root any, r *report) bool {
	ok := true
	var walk func(v any, ptr string, depth int)
	walk = func(v any, ptr string, depth int) {
		if depth > maxDepth {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			if ref, isRef := v["$ref"].(string); isRef {
				if !strings.HasPrefix(ref, "#") {
					r.fail(join(ptr, "$ref"), "$ref %q: only references within the definition are resolved", ref)
					ok = false
				} else if target, found := resolvePointer(root, ref[1:]); !found {
					r.fail(join(ptr, "$ref"), "$ref %q does not resolve", ref)
					ok = false
				} else if n := refChain(root, target); n > maxRefChain {
					r.fail(join(ptr, "$ref"), "$ref %q starts a chain of more than %d references to references (or a cycle of them)", ref, maxRefChain)
					ok = false
				}
			}
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(v[k], join(ptr, k), depth+1)
			}
		case []any:
			for i, e := range v {
				walk(e, join(ptr, strconv.Itoa(i)), depth+1)
			}
		}
	}
	walk(root, "", 0)
	return ok
}

// maxDepth bounds the nesting the importer walks.
const maxDepth = 256

// maxRefChain bounds a chain of references whose targets are references
// themselves: resolving such chains costs the OpenAPI library time and
// memory that grow with the square of their length, and a cycle of them
// names nothing.
const maxRefChain = 32

// refChain returns how many references to references follow target,
// stopping past maxRefChain.
func refChain(root, target any) int {
	n := 0
	for n <= maxRefChain {
		m, ok := target.(map[string]any)
		if !ok {
			return n
		}
		ref, ok := m["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#") {
			return n
		}
		if target, ok = resolvePointer(root, ref[1:]); !ok {
			return n
		}
		n++
	}
	return n
}

// resolvePointer follows a JSON pointer (URL-encoded, as in a $ref
// fragment) in a decoded document.
func resolvePointer(root any, ptr string) (any, bool) {
	if p, err := url.PathUnescape(ptr); err == nil {
		ptr = p
	}
	if ptr == "" {
		return root, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	v := root
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapeToken.Replace(tok)
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// isTemplate reports whether a YAML document is a CloudFormation template.
func isTemplate(n *yaml.Node) bool {
	return mapValue(n, "Resources") != nil || mapValue(n, "AWSTemplateFormatVersion") != nil
}

// samDefinition finds the OpenAPI definition of a template's API
// resource: the first (by logical ID) AWS::Serverless::Api or
// AWS::Serverless::HttpApi with a DefinitionBody, or AWS::ApiGateway::RestApi
// or AWS::ApiGatewayV2::Api with a Body. It returns its node, its pointer,
// the StageName and the kind.
func samDefinition(root *yaml.Node) (body *yaml.Node, base, stage, kind string) {
	res := mapValue(root, "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return nil, "", "", ""
	}
	type cand struct{ id string }
	ids := []string{}
	for i := 0; i+1 < len(res.Content); i += 2 {
		ids = append(ids, res.Content[i].Value)
	}
	slices.Sort(ids)
	for _, id := range ids {
		r := mapValue(res, id)
		typ := mapValue(r, "Type")
		props := mapValue(r, "Properties")
		if typ == nil || props == nil {
			continue
		}
		field, k := "", ""
		switch typ.Value {
		case "AWS::Serverless::Api":
			field, k = "DefinitionBody", "rest"
		case "AWS::Serverless::HttpApi":
			field, k = "DefinitionBody", "http"
		case "AWS::ApiGateway::RestApi":
			field, k = "Body", "rest"
		case "AWS::ApiGatewayV2::Api":
			field, k = "Body", "http"
		default:
			continue
		}
		b := mapValue(props, field)
		if b == nil {
			continue
		}
		if s := mapValue(props, "StageName"); s != nil && s.Kind == yaml.ScalarNode {
			stage = s.Value
		}
		return b, pointer("Resources", id, "Properties", field), stage, k
	}
	return nil, "", "", ""
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// budget is the number of values a YAML document of n bytes may expand
// to: aliases may repeat parts of a document, but not without bound (a
// "billion laughs" document expands exponentially).
func budget(n int) *int {
	b := 16*n + 10000
	return &b
}

// nodeValue converts a YAML node to the value JSON would decode to,
// turning CloudFormation's short-form tags (!Sub, !Ref, !GetAtt, ...)
// into their long form ({"Fn::Sub": ...}), as CloudFormation reads them.
// Each value produced spends one of budget.
func nodeValue(n *yaml.Node, budget *int) (any, error) {
	return convert(n, budget, 0)
}

func convert(n *yaml.Node, budget *int, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("document nested too deeply")
	}
	if *budget--; *budget < 0 {
		return nil, errors.New("document expands to too many values (YAML aliases?)")
	}
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, errors.New("dangling YAML alias")
		}
		n = n.Alias
	}
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return convert(n.Content[0], budget, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a mapping key that is not a scalar", k.Line)
			}
			val, err := convert(n.Content[i+1], budget, depth+1)
			if err != nil {
				return nil, err
			}
			if k.Value == "<<" && k.Tag == "!!merge" {
				if mm, ok := val.(map[string]any); ok {
					for mk, mv := range mm {
						if _, set := m[mk]; !set {
							m[mk] = mv
						}
					}
				}
				continue
			}
			m[k.Value] = val
		}
		v = m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := convert(c, budget, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, val)
		}
		v = s
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			v = nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, err
			}
			v = b
		case "!!int", "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, err
			}
			v = f
		default:
			v = n.Value
		}
	}
	if tag := n.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		name := "Fn::" + tag[1:]
		if tag == "!Ref" || tag == "!Condition" {
			name = tag[1:]
		}
		if tag == "!GetAtt" {
			if s, ok := v.(string); ok {
				a, b, _ := strings.Cut(s, ".")
				v = []any{a, b}
			}
		}
		return map[string]any{name: v}, nil
	}
	return v, nil
}

// samVariables returns the stage variables of the API resource whose
// definition is at base (Properties.Variables): the scalar ones, since
// others are intrinsics a template resolves at deployment.
func samVariables(root *yaml.Node, base string) map[string]string {
	parts := strings.Split(strings.TrimPrefix(base, "/"), "/")
	if len(parts) < 2 {
		return nil
	}
	vars := mapValue(mapValue(mapValue(mapValue(root, "Resources"), parts[1]), "Properties"), "Variables")
	if vars == nil || vars.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(vars.Content); i += 2 {
		if v := vars.Content[i+1]; v.Kind == yaml.ScalarNode && v.Tag != "" && !strings.HasPrefix(v.Tag, "!") || v.Kind == yaml.ScalarNode {
			if !strings.HasPrefix(v.Tag, "!") || strings.HasPrefix(v.Tag, "!!") {
				out[vars.Content[i].Value] = v.Value
			}
		}
	}
	return out
}
