package openapi

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
)

// kinModel decodes an OpenAPI 3.0 JSON document with kin-openapi's own
// decoder and loader: the oracle the builder is checked against.
func kinModel(data []byte) (*openapi3.T, error) {
	var t openapi3.T
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, err
	}
	l := openapi3.NewLoader()
	l.Context = context.Background()
	if err := l.ResolveRefsIn(&t, nil); err != nil {
		return nil, err
	}
	return &t, nil
}

// summary is what the importer reads of a model, in comparable form.
type summary struct {
	Extensions map[string]any
	Security   *openapi3.SecurityRequirements
	Ops        map[string]opSummary
	PathExt    map[string]map[string]any
	Schemes    map[string]openapi3.SecurityScheme
	CompExt    map[string]any
	Schemas    []string
}

type opSummary struct {
	Extensions map[string]any
	Security   *openapi3.SecurityRequirements
	Params     []string
	Body       map[string]string // media type → schema $ref
}

func nonEmpty(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	return m
}

func summarize(t *openapi3.T) summary {
	s := summary{Extensions: nonEmpty(t.Extensions), Ops: map[string]opSummary{}, PathExt: map[string]map[string]any{}, Schemes: map[string]openapi3.SecurityScheme{}}
	if len(t.Security) > 0 {
		s.Security = &t.Security
	}
	params := func(ps openapi3.Parameters) []string {
		var out []string
		for _, p := range ps {
			if p.Value != nil {
				req := ""
				if p.Value.Required {
					req = " required"
				}
				out = append(out, p.Ref+" "+p.Value.In+" "+p.Value.Name+req)
			}
		}
		return out
	}
	if t.Paths != nil {
		for path, pi := range t.Paths.Map() {
			s.PathExt[path] = nonEmpty(pi.Extensions)
			for m, op := range pi.Operations() {
				o := opSummary{Extensions: nonEmpty(op.Extensions), Security: op.Security, Params: append(params(pi.Parameters), params(op.Parameters)...)}
				if rb := op.RequestBody; rb != nil && rb.Value != nil {
					o.Body = map[string]string{}
					for mt, media := range rb.Value.Content {
						if media.Schema != nil {
							o.Body[mt] = media.Schema.Ref
						}
					}
				}
				s.Ops[m+" "+path] = o
			}
		}
	}
	if c := t.Components; c != nil {
		s.CompExt = nonEmpty(c.Extensions)
		s.Schemas = slices.Sorted(maps.Keys(c.Schemas))
		for name, ss := range c.SecuritySchemes {
			if ss.Value != nil {
				v := *ss.Value
				v.Flows, v.Extensions = nil, nonEmpty(v.Extensions)
				s.Schemes[name] = v
			}
		}
	}
	return s
}

// sameAsKin checks that the builder's model of a JSON document reads as
// kin's does.
func sameAsKin(t *testing.T, name string, data []byte) {
	t.Helper()
	want, err := kinModel(data)
	if err != nil {
		t.Logf("%s: kin refuses it (%v)", name, err)
		return
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	r := &report{src: data}
	got := (&builder{root: v, r: r}).doc(v)
	if len(r.problems) > 0 {
		t.Errorf("%s: the builder reports %v where kin decodes", name, r.problems)
		return
	}
	if diff := cmp.Diff(summarize(want), summarize(got)); diff != "" {
		t.Errorf("%s: the model differs from kin's (-kin +builder):\n%s", name, diff)
	}
}

// A testDefinition is a test definition file, read.
type testDefinition struct {
	name string
	src  []byte
	def  *definition
}

// testDefinitions reads the test definitions that read accepts.
func testDefinitions(t *testing.T) []testDefinition {
	t.Helper()
	files, _ := filepath.Glob("testdata/*")
	var defs []testDefinition
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.IsDir() {
			continue // the fuzz corpus
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if def := read(b, 0, &report{src: b}); def != nil {
			defs = append(defs, testDefinition{f, b, def})
		}
	}
	return defs
}

// addJSONDefinitions seeds a fuzz test with the JSON test definitions.
func addJSONDefinitions(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

// TestBuilderMatchesKin decodes every OpenAPI 3.0 test definition (and
// edge cases of references and extensions) with kin and with the
// builder: the importer reads the same model from both.
func TestBuilderMatchesKin(t *testing.T) {
	compared := 0
	for _, d := range testDefinitions(t) {
		if d.def.swagger || d.def.samKind != "" {
			continue
		}
		data, err := JSON(d.src)
		if err != nil {
			t.Fatal(err)
		}
		sameAsKin(t, d.name, data)
		compared++
	}
	if compared < 3 {
		t.Errorf("compared %d test definitions with kin's reading, want the OpenAPI 3.0 ones", compared)
	}
	for name, doc := range map[string]string{
		"references": `{"openapi":"3.0.1","info":{"title":"t","version":"1"},"paths":{"/a/{id}":{"parameters":[{"$ref":"#/components/parameters/id"}],
			"get":{"parameters":[{"$ref":"#/components/parameters/q"}],"requestBody":{"$ref":"#/components/requestBodies/b"},"security":[{"s":["x"]},{}]}}},
			"components":{"parameters":{"id":{"name":"id","in":"path","required":true},"q":{"$ref":"#/components/parameters/q2"},"q2":{"name":"q","in":"query"}},
			"requestBodies":{"b":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/M"}},"text/plain":{"schema":{"type":"string"}}}}},
			"schemas":{"M":{"type":"object"},"N":{"$ref":"#/components/schemas/M"}},
			"securitySchemes":{"s":{"type":"oauth2","flows":{},"x-amazon-apigateway-authorizer":{"type":"jwt"}},"t":{"$ref":"#/components/securitySchemes/s"}},"x-amazon-apigateway-integrations":{"i":{"type":"mock"}}}}`,
		"extensions": `{"openapi":"3.0.1","x-a":1,"other":"kept","paths":{"x-p":true,"/a":{"x-amazon-apigateway-any-method":{"security":[]},"summary":"s","get":{"x-amazon-apigateway-integration":{"type":"mock"},"odd":[1],"tags":["t"],"responses":{"200":{"description":"ok"}}}}},"security":[{"a":[]}]}`,
	} {
		sameAsKin(t, name, []byte(doc))
	}
}

// TestBuilderProblems checks that a document of the wrong shape is
// refused at the place of each problem, where kin's decoder would refuse
// it as a whole.
func TestBuilderProblems(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{`{"openapi":"3.0.1","paths":[]}`, "/paths: paths: want an object, not an array"},
		{`{"openapi":"3.0.1","paths":{"/a":"x"}}`, "/paths/~1a: path item: want an object, not a string"},
		{`{"openapi":"3.0.1","paths":{"/a":{"get":1}}}`, "/paths/~1a/get: operation: want an object, not a number"},
		{`{"openapi":"3.0.1","paths":{"/a":{"get":{"parameters":{}}}}}`, "/paths/~1a/get/parameters: parameters: want an array, not an object"},
		{`{"openapi":"3.0.1","paths":{"/a":{"get":{"parameters":[{"name":1,"in":"query","required":"yes"}]}}}}`, "/paths/~1a/get/parameters/0/name: want a string, not a number"},
		{`{"openapi":"3.0.1","paths":{"/a":{"get":{"parameters":[{"name":"q","in":"query","required":"yes"}]}}}}`, "/paths/~1a/get/parameters/0/required: want a boolean, not a string"},
		{`{"openapi":"3.0.1","paths":{"/a":{"get":{"security":{}}}}}`, "/paths/~1a/get/security: security: want an array, not an object"},
		{`{"openapi":"3.0.1","paths":{"/a":{"get":{"security":[{"s":"x"}]}}}}`, "/paths/~1a/get/security/0/s: want a list of scopes, not a string"},
		{`{"openapi":"3.0.1","paths":{"/a":{"get":{"requestBody":{"content":{"a/b":null}}}}}}`, "/paths/~1a/get/requestBody/content/a~1b: media type: want an object, not null"},
		{`{"openapi":"3.0.1","paths":{},"components":{"securitySchemes":{"s":[]}}}`, "/components/securitySchemes/s: security scheme: want an object, not an array"},
		{`{"openapi":"3.0.1","paths":{},"info":"x"}`, "/info: info: want an object, not a string"},
		{`{"openapi":3}`, `/openapi: unsupported OpenAPI version 3`},
		{`{"openapi":"3.0.1","paths":{},"components":{"schemas":{"M":true}}}`, "/components/schemas/M: a model's schema must be an object, not a boolean"},
	} {
		_, err := Import([]byte(tt.doc), Options{Kind: 1})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Import = %v, want %q", tt.doc, err, tt.want)
		}
	}
}

// FuzzBuilder checks the builder against kin on any JSON document kin
// reads and API Gateway could: the importer sees the same model.
func FuzzBuilder(f *testing.F) {
	addJSONDefinitions(f)
	f.Add([]byte(`{"openapi":"3.0.1","paths":{"/a":{"get":{"parameters":[{"$ref":"#/components/parameters/p"}]}}},"components":{"parameters":{"p":{"name":"p","in":"query"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v map[string]any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		if s, _ := v["openapi"].(string); !strings.HasPrefix(s, "3.0") {
			return
		}
		r := &report{src: data}
		if !checkRefs(v, r) || caseVariant(v, 0) {
			return
		}
		sameAsKin(t, "fuzz", data)
	})
}

// fixedNames are the field names of the objects the builder reads.
var fixedNames = slices.Concat(docFields, pathItemFields, pathMethods, operationFields, schemeFields,
	[]string{"name", "in", "required", "content", "schema", "schemas", "parameters", "requestBodies", "securitySchemes", "title", "version"})

// caseVariant reports whether a document spells a field name in another
// case ("Paths"): OpenAPI's field names are case-sensitive, and the
// builder reads them so, where kin's decoder, through encoding/json,
// matches them in any case.
func caseVariant(v any, depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			for _, f := range fixedNames {
				if k != f && strings.EqualFold(k, f) {
					return true
				}
			}
			if caseVariant(e, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if caseVariant(e, depth+1) {
				return true
			}
		}
	}
	return false
}
