package model

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// guideModels returns the models of the developer guide's request
// validation sample API (RequestBodyModel) and of the Calc tutorial
// (Input, Output, Result), verbatim.
func guideModels(tb testing.TB) map[string]string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "guide-models.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func mustModels(tb testing.TB, m map[string]string) *Set {
	tb.Helper()
	models, err := Compile(m)
	if err != nil {
		tb.Fatal(err)
	}
	return models
}

func TestCompileErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		models map[string]string
		want   string
	}{
		{"bad JSON", map[string]string{"A": `{"type":`}, `model "A": invalid JSON`},
		{"bad name", map[string]string{"my-model": `{}`}, `invalid model name "my-model"`},
		{"unknown model", map[string]string{"A": `{"$ref":"https://apigateway.amazonaws.com/restapis/x/models/B"}`}, `unknown model "B"`},
		{"foreign URL", map[string]string{"A": `{"$ref":"https://example.com/schema.json"}`}, `"https://example.com/schema.json" is not a model of this API`},
		{"bad schema", map[string]string{"A": `{"type": 5}`}, `model "A"`},
		{"all reported", map[string]string{"A": `{`, "B": `[`}, `model "B"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.models)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Compile(%v) error = %v, want it to contain %q", tt.models, err, tt.want)
			}
		})
	}
}

func TestModelsValidate(t *testing.T) {
	guide := guideModels(t)
	models := mustModels(t, map[string]string{
		"Input": guide["Input"], "Output": guide["Output"], "Result": guide["Result"],
		"Pet": guide["RequestBodyModel"],
		// Draft 4 spells exclusiveMaximum as a boolean; a draft-07 $schema
		// does not change how API Gateway reads the model.
		"Small": `{"$schema":"http://json-schema.org/draft-07/schema#","type":"number","maximum":10,"exclusiveMaximum":true}`,
		// A relative $ref resolves among the API's models too, and
		// #/definitions works inside a model.
		"Pair": `{"type":"array","items":{"$ref":"#/definitions/Pet"},"definitions":{"Pet":{"$ref":"Pet"}}}`,
	})
	for _, tt := range []struct {
		model, body string
		ok          bool
		reason      string
	}{
		{"Pet", `{"name":"Marco","type":"dog","price":260}`, true, "the doc's valid pet"},
		{"Pet", `{"name":"Molly","type":"bird","price":269}`, false, "type outside the enum"},
		{"Pet", `{"name":"Molly","type":"dog","price":501}`, false, "price above maximum"},
		{"Pet", `{"name":"Molly","type":"dog","price":25}`, true, "minimum is inclusive"},
		{"Pet", `{"name":"Molly","type":"dog","price":260,"id":1.5}`, false, "id must be an integer"},
		{"Pet", ``, false, "an empty body is {} and misses required properties"},
		{"Pet", `not json`, false, "not JSON"},
		{"Input", ``, true, "{} is a valid Input"},
		{"Input", `{"a":1,"b":2,"op":"+"}`, true, "tutorial body"},
		{"Input", `{"a":"1","b":2,"op":"+"}`, false, "a string is not a number"},
		{"Result", `{"input":{"a":1,"b":2,"op":"+"},"output":{"c":3}}`, true, "$ref by model URL"},
		{"Result", `{"input":{"a":1,"b":2,"op":"+"},"output":{"c":"3"}}`, false, "$ref'd Output checks c"},
		{"Small", `9.5`, true, "below exclusive maximum"},
		{"Small", `10`, false, "draft 4 boolean exclusiveMaximum"},
		{"Pair", `[{"name":"a","type":"cat","price":30}]`, true, "relative $ref"},
		{"Pair", `[{"name":"a","type":"cow","price":30}]`, false, "relative $ref checks the item"},
	} {
		err := models.Validate(tt.model, []byte(tt.body))
		if (err == nil) != tt.ok {
			t.Errorf("Validate(%q, %q) = %v, want ok=%t (%s)", tt.model, tt.body, err, tt.ok, tt.reason)
		}
	}
	if err := models.Validate("Nope", nil); err == nil || !strings.Contains(err.Error(), `no model "Nope"`) {
		t.Errorf("Validate(%q) = %v, want no model error", "Nope", err)
	}
}

// TestSources checks that a set gives back the schema texts it was
// compiled from, as a copy.
func TestSources(t *testing.T) {
	src := guideModels(t)
	m := mustModels(t, src)
	got := m.Sources()
	if !maps.Equal(got, src) {
		t.Fatalf("Sources() = %v, want %v", got, src)
	}
	for name := range got {
		got[name] = "changed"
	}
	if again := m.Sources(); !maps.Equal(again, src) {
		t.Fatal("changing Sources()'s result changed the set")
	}
	var none *Set
	if none.Sources() != nil {
		t.Fatal("a nil set has sources")
	}
}
