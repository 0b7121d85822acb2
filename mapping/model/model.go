// Package model compiles the models of a REST API, the JSON Schema
// documents API Gateway validates request bodies against, and validates
// bodies with them as API Gateway does: schemas are read as draft 4
// whatever their $schema says, and models reference each other by their
// API Gateway URL.
//
// It is a package of its own, apart from package mapping, because its
// JSON Schema validator compiles the JSON Schema meta-schemas when a
// program starts (about 3 to 5 ms and 1.7 MB, measured with
// GODEBUG=inittrace=1): a function that never validates request bodies
// does not import it and does not pay that.
package model

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// modelURLPrefix is where API Gateway puts an API's models; a model
// references another as
// https://apigateway.amazonaws.com/restapis/{restapi_id}/models/{model_name}.
const modelURLPrefix = "https://apigateway.amazonaws.com/restapis/"

// A Set is the compiled models of an API: JSON Schema draft 4 documents
// that may reference each other with $ref. It is immutable and safe for
// concurrent use. A *Set is the mapping.Models of a method.
type Set struct {
	schemas map[string]*jsonschema.Schema
	sources map[string]string // the schema texts by model name
}

// Compile compiles an API's models, given as model name to schema text,
// once for all the methods that validate against them.
//
// A model references another model by its API Gateway URL,
// https://apigateway.amazonaws.com/restapis/{restapi_id}/models/{name}, with
// any restapi_id, and its own parts with "#/definitions/...". Schemas are
// read as draft 4 whatever their $schema says, as API Gateway reads them.
// Every problem found is reported, joined into one error.
func Compile(models map[string]string) (*Set, error) {
	docs := make(map[string]any, len(models))
	var errs []error
	names := make([]string, 0, len(models))
	for name := range models {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !validName(name) {
			errs = append(errs, fmt.Errorf("model: invalid model name %q (want letters and digits)", name))
			continue
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(models[name]))
		if err != nil {
			errs = append(errs, fmt.Errorf("model: model %q: invalid JSON: %v", name, err))
			continue
		}
		if obj, ok := doc.(map[string]any); ok {
			// API Gateway validates with draft 4 only.
			delete(obj, "$schema")
		}
		docs[name] = doc
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseLoader(modelLoader(docs))
	m := &Set{schemas: make(map[string]*jsonschema.Schema, len(docs)), sources: maps.Clone(models)}
	for _, name := range names {
		sch, err := c.Compile(modelURLPrefix + "local/models/" + name)
		if err != nil {
			errs = append(errs, fmt.Errorf("model: model %q: %v", name, err))
			continue
		}
		m.schemas[name] = sch
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// Sources returns the schema text of each model, by model name, as
// [Compile] received them, so that a tool can describe the models again
// (package openapi exports them). The map is a copy.
func (m *Set) Sources() map[string]string {
	if m == nil {
		return nil
	}
	return maps.Clone(m.sources)
}

// Has reports whether m holds a model called name.
func (m *Set) Has(name string) bool {
	if m == nil {
		return false
	}
	_, ok := m.schemas[name]
	return ok
}

// Validate reports whether the JSON document body is valid against the
// named model. An empty body is validated as the empty object {}, as API
// Gateway does. The error describes the first problems found.
func (m *Set) Validate(name string, body []byte) error {
	if m == nil {
		return fmt.Errorf("model: no model %q", name)
	}
	sch, ok := m.schemas[name]
	if !ok {
		return fmt.Errorf("model: no model %q", name)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("model: body is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		return err
	}
	return nil
}

// modelLoader resolves API Gateway model URLs to the API's own models and
// refuses every other URL, so that compiling never touches the network or
// the file system.
type modelLoader map[string]any

func (l modelLoader) Load(url string) (any, error) {
	rest, ok := strings.CutPrefix(url, modelURLPrefix)
	if ok {
		if _, name, ok := strings.Cut(rest, "/models/"); ok {
			if doc, ok := l[name]; ok {
				return doc, nil
			}
			return nil, fmt.Errorf("model: $ref to unknown model %q", name)
		}
	}
	return nil, fmt.Errorf("model: $ref %q is not a model of this API (want %s{restapi_id}/models/{name})", url, modelURLPrefix)
}

// validName reports whether name is a model name API Gateway accepts:
// letters and digits.
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
