package openapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file builds kin-openapi's model of an OpenAPI 3.0 document from
// the document decoded once into plain values (encoding/json's, or the
// YAML reader's), instead of kin's UnmarshalJSON. Kin decodes every
// object twice, into its struct and again whole into a map for its
// extensions, and validates the bytes again at every level, so that a
// document costs its size times its depth: 27 ms for the 157 KB
// definition of BenchmarkColdStart/custom, against 3 ms to decode it
// into plain values. Building the model from those values and resolving
// its references here (rather than with kin's loader) took that
// benchmark's import from 58.8 ms to 23.6 ms (-60%, and -49% allocations;
// benchstat of 10 alternating runs), against 15-17 ms for the same API
// built in Go.
//
// The model holds what the importer reads: paths and their operations
// (parameters, request bodies, security, extensions), components
// (schemas as names only, since models are built from their text;
// parameters, request bodies and security schemes), root security and
// extensions. Extensions are every member an object's fixed fields do
// not name, as kin keeps them. References resolve within the document,
// which checkRefs has bounded.

// builder builds kin's model from a decoded document.
type builder struct {
	root any
	r    *report
}

// Fixed fields of the objects built, which are not extensions.
var (
	docFields       = []string{"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags", "externalDocs"}
	pathItemFields  = []string{"$ref", "summary", "description", "servers", "parameters", "additionalOperations"}
	operationFields = []string{"tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody", "responses", "callbacks", "deprecated", "security", "servers"}
	schemeFields    = []string{"type", "description", "name", "in", "scheme", "bearerFormat", "flows", "openIdConnectUrl"}
	// pathMethods are the operations of a path item, by their key, and
	// methods the methods they stand for.
	pathMethods = []string{"connect", "delete", "get", "head", "options", "patch", "post", "put", "query", "trace"}
	methods     = []string{"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE"}
)

// extensionsOf returns the members of m that are not fixed fields, or
// nil: m itself when it has no fixed fields (neither is changed).
func extensionsOf(m map[string]any, fixed []string, more ...[]string) map[string]any {
	isFixed := func(k string) bool { return slices.Contains(fixed, k) || len(more) > 0 && slices.Contains(more[0], k) }
	n := 0
	for k := range m {
		if isFixed(k) {
			n++
		}
	}
	switch n {
	case len(m):
		return nil
	case 0:
		return m
	}
	ext := make(map[string]any, len(m)-n)
	for k, v := range m {
		if !isFixed(k) {
			ext[k] = v
		}
	}
	return ext
}

// object returns v as an object, reporting anything else at ptr.
func (b *builder) object(v any, ptr, what string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		b.r.fail(ptr, "%s: want an object, not %s", what, kindOf(v))
	}
	return m, ok
}

// kindOf names the JSON kind of a decoded value, for messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// str returns m[k] as a string, reporting another kind.
func (b *builder) str(m map[string]any, k, ptr string) string {
	v, present := m[k]
	if !present {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		b.r.fail(join(ptr, k), "want a string, not %s", kindOf(v))
	}
	return s
}

// deref follows v's $ref, if it is a reference, to the value it names;
// checkRefs has reported references that do not resolve or chain too
// far.
func (b *builder) deref(v any) (target any, ref string) {
	target = v
	for range maxRefChain + 1 {
		m, ok := target.(map[string]any)
		if !ok {
			return target, ref
		}
		r, ok := m["$ref"].(string)
		if !ok || !strings.HasPrefix(r, "#") {
			return target, ref
		}
		if ref == "" {
			ref = r
		}
		if target, ok = resolvePointer(b.root, r[1:]); !ok {
			return nil, ref
		}
	}
	return nil, ref
}

// referenced returns the object v is, or the one its $ref names, and
// the reference; anything else is reported at ptr.
func (b *builder) referenced(v any, ptr, what string) (map[string]any, string, bool) {
	target, ref := b.deref(v)
	m, ok := b.object(target, ptr, what)
	return m, ref, ok
}

// doc builds the document.
func (b *builder) doc(m map[string]any) *openapi3.T {
	t := &openapi3.T{OpenAPI: b.str(m, "openapi", ""), Extensions: extensionsOf(m, docFields)}
	if v, ok := m["info"]; ok {
		if im, ok := b.object(v, "/info", "info"); ok {
			t.Info = &openapi3.Info{Title: b.str(im, "title", "/info"), Version: b.str(im, "version", "/info")}
		}
	}
	if v, ok := m["security"]; ok {
		t.Security = b.security(v, "/security")
	}
	if v, ok := m["components"]; ok {
		if cm, ok := b.object(v, "/components", "components"); ok {
			t.Components = b.components(cm)
		}
	}
	t.Paths = openapi3.NewPaths()
	if v, ok := m["paths"]; ok {
		pm, _ := b.object(v, "/paths", "paths")
		for path, item := range pm {
			if strings.HasPrefix(path, "x-") {
				if t.Paths.Extensions == nil {
					t.Paths.Extensions = map[string]any{}
				}
				t.Paths.Extensions[path] = item
				continue
			}
			if pi := b.pathItem(item, path); pi != nil {
				t.Paths.Set(path, pi)
			}
		}
	}
	return t
}

// pathItem builds the path item of path, following a $ref. Its pointer,
// and its operations', are written only to report on them (or on their
// members).
func (b *builder) pathItem(v any, path string) *openapi3.PathItem {
	target, ref := b.deref(v)
	m, ok := target.(map[string]any)
	if !ok {
		b.object(target, pointer("paths", path), "path item")
		return nil
	}
	pi := &openapi3.PathItem{Ref: ref, Extensions: extensionsOf(m, pathItemFields, pathMethods)}
	if ps, ok := m["parameters"]; ok {
		pi.Parameters = b.parameters(ps, pointer("paths", path, "parameters"))
	}
	for i, key := range pathMethods {
		if ov, ok := m[key]; ok {
			if op := b.operation(ov, path, key); op != nil {
				pi.SetOperation(methods[i], op)
			}
		}
	}
	return pi
}

// operation builds the operation of path under key.
func (b *builder) operation(v any, path, key string) *openapi3.Operation {
	m, ok := v.(map[string]any)
	if !ok {
		b.object(v, pointer("paths", path, key), "operation")
		return nil
	}
	at := func(member string) string { return pointer("paths", path, key, member) }
	op := &openapi3.Operation{Extensions: extensionsOf(m, operationFields)}
	if _, ok := m["operationId"]; ok {
		op.OperationID = b.str(m, "operationId", pointer("paths", path, key))
	}
	if ps, ok := m["parameters"]; ok {
		op.Parameters = b.parameters(ps, at("parameters"))
	}
	if rb, ok := m["requestBody"]; ok {
		op.RequestBody = b.requestBody(rb, at("requestBody"))
	}
	if sv, ok := m["security"]; ok {
		op.Security = new(b.security(sv, at("security")))
	}
	return op
}

// parameters builds a list of parameters.
func (b *builder) parameters(v any, ptr string) openapi3.Parameters {
	return list(b, v, ptr, "parameters", b.parameter)
}

// list builds the elements of an array with build, leaving out those it
// returns nil for.
func list[V comparable](b *builder, v any, ptr, what string, build func(e any, ptr string) V) []V {
	l, ok := v.([]any)
	if !ok {
		b.r.fail(ptr, "%s: want an array, not %s", what, kindOf(v))
		return nil
	}
	out := make([]V, 0, len(l))
	var none V
	for i, e := range l {
		if x := build(e, join(ptr, strconv.Itoa(i))); x != none {
			out = append(out, x)
		}
	}
	return out
}

// parameter builds a parameter, following a $ref.
func (b *builder) parameter(v any, ptr string) *openapi3.ParameterRef {
	m, ref, ok := b.referenced(v, ptr, "parameter")
	if !ok {
		return nil
	}
	p := &openapi3.Parameter{Name: b.str(m, "name", ptr), In: b.str(m, "in", ptr)}
	if req, present := m["required"]; present {
		if p.Required, ok = req.(bool); !ok {
			b.r.fail(join(ptr, "required"), "want a boolean, not %s", kindOf(req))
		}
	}
	return &openapi3.ParameterRef{Ref: ref, Value: p}
}

// requestBody builds a request body: its media types and the schemas
// they name.
func (b *builder) requestBody(v any, ptr string) *openapi3.RequestBodyRef {
	m, ref, ok := b.referenced(v, ptr, "request body")
	if !ok {
		return nil
	}
	rb := &openapi3.RequestBody{Content: openapi3.Content{}}
	if cv, ok := m["content"]; ok {
		cm, _ := b.object(cv, join(ptr, "content"), "content")
		for mt, mv := range cm {
			mm, ok := b.object(mv, join(ptr, "content", mt), "media type")
			if !ok {
				continue
			}
			media := &openapi3.MediaType{}
			if sv, ok := mm["schema"]; ok {
				media.Schema = b.schemaRef(sv)
			}
			rb.Content[mt] = media
		}
	}
	return &openapi3.RequestBodyRef{Ref: ref, Value: rb}
}

// schemaRef names a schema: its reference, if any. Schemas are read
// from their text (definition.schemas), so the value is empty.
func (b *builder) schemaRef(v any) *openapi3.SchemaRef {
	ref := ""
	if m, ok := v.(map[string]any); ok {
		ref, _ = m["$ref"].(string)
	}
	return &openapi3.SchemaRef{Ref: ref, Value: &openapi3.Schema{}}
}

// security builds a list of security requirements.
func (b *builder) security(v any, ptr string) openapi3.SecurityRequirements {
	reqs := list(b, v, ptr, "security", func(e any, p string) *openapi3.SecurityRequirement {
		m, ok := b.object(e, p, "security requirement")
		if !ok {
			return nil
		}
		req := openapi3.SecurityRequirement{}
		for name, sv := range m {
			scopes, ok := stringList(sv)
			if !ok {
				b.r.fail(join(p, name), "want a list of scopes, not %s", kindOf(sv))
				continue
			}
			req[name] = scopes
		}
		return &req
	})
	if reqs == nil {
		return nil
	}
	out := make(openapi3.SecurityRequirements, len(reqs))
	for i, r := range reqs {
		out[i] = *r
	}
	return out
}

// components builds the components the importer reads.
func (b *builder) components(m map[string]any) *openapi3.Components {
	c := &openapi3.Components{Extensions: extensionsOf(m, []string{"schemas", "responses", "parameters", "examples", "requestBodies",
		"headers", "securitySchemes", "links", "callbacks"})}
	c.Schemas = component(b, m, "schemas", func(v any, _ string) *openapi3.SchemaRef { return b.schemaRef(v) })
	c.Parameters = component(b, m, "parameters", b.parameter)
	c.RequestBodies = component(b, m, "requestBodies", b.requestBody)
	c.SecuritySchemes = component(b, m, "securitySchemes", b.securityScheme)
	return c
}

// component builds the components of one kind, by name, with build;
// nil when there are none.
func component[V comparable](b *builder, m map[string]any, kind string, build func(v any, ptr string) V) map[string]V {
	v, ok := m[kind]
	if !ok {
		return nil
	}
	cm, _ := b.object(v, pointer("components", kind), kind)
	out := make(map[string]V, len(cm))
	var none V
	for name, e := range cm {
		if c := build(e, pointer("components", kind, name)); c != none {
			out[name] = c
		}
	}
	return out
}

// securityScheme builds a security scheme, following a $ref.
func (b *builder) securityScheme(v any, ptr string) *openapi3.SecuritySchemeRef {
	m, ref, ok := b.referenced(v, ptr, "security scheme")
	if !ok {
		return &openapi3.SecuritySchemeRef{Ref: ref}
	}
	return &openapi3.SecuritySchemeRef{Ref: ref, Value: &openapi3.SecurityScheme{
		Type: b.str(m, "type", ptr), Description: b.str(m, "description", ptr), Name: b.str(m, "name", ptr), In: b.str(m, "in", ptr),
		Scheme: b.str(m, "scheme", ptr), BearerFormat: b.str(m, "bearerFormat", ptr), OpenIdConnectUrl: b.str(m, "openIdConnectUrl", ptr),
		Extensions: extensionsOf(m, schemeFields),
	}}
}

// member returns the object at a path of members of m, or nil.
func member(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	return m
}
