package openapi_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/examples/calc/calc"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/openapi"
)

// TestRoundTripCalcGo exports the Go-defined Calc API and imports the
// export: the imported API answers every request as the Go one does.
func TestRoundTripCalcGo(t *testing.T) {
	fn := calc.Function()
	goAPI, err := calc.API(fn.Invoke)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi.Export(goAPI, openapi.ExportOptions{Title: "Calc", Function: "Calc"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := openapi.Import(doc, openapi.Options{Name: "export", Functions: map[string]handler.Invoker{"Calc": fn}})
	if err != nil {
		t.Fatalf("Import(Export(calc)): %v\n%s", err, doc)
	}
	if got := res.API.Stages; len(got) != 1 || got[0].Name != "test" {
		t.Errorf("stages = %v, want test", got)
	}
	sameAnswers(t, gateway.MustNew(goAPI), res.Gateway, calcRequests(), "operand_1", "operand_2", "operator", "x-amzn-ErrorType")
}

// extensions collects every x-amazon-apigateway-* value of a definition
// by JSON pointer, normalized as API Gateway reads them: status codes as
// strings, types and passthrough behaviours in lower case.
func extensions(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	// A SAM template's definition is its API's DefinitionBody.
	if res, ok := v.(map[string]any)["Resources"].(map[string]any); ok {
		for _, r := range res {
			rm, _ := r.(map[string]any)
			props, _ := rm["Properties"].(map[string]any)
			if body, ok := props["DefinitionBody"]; ok {
				v = body
			}
		}
	}
	// Shared HTTP API integrations are compared where they are used:
	// exports write them inline.
	var shared map[string]any
	if c, ok := v.(map[string]any)["components"].(map[string]any); ok {
		shared, _ = c["x-amazon-apigateway-integrations"].(map[string]any)
		delete(c, "x-amazon-apigateway-integrations")
	}
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, e := range m {
			p := ptr + "/" + strings.ReplaceAll(k, "/", "~1")
			if p == "/securityDefinitions" {
				p = "/components/securitySchemes" // where OpenAPI 3.0 keeps Swagger 2.0's
			}
			if strings.HasPrefix(k, "x-amazon-apigateway-") && k != "x-amazon-apigateway-any-method" {
				if em, isMap := e.(map[string]any); isMap && k == "x-amazon-apigateway-integration" && em["$ref"] != nil {
					ref, _ := em["$ref"].(string)
					e = shared[strings.TrimPrefix(ref, "#/components/x-amazon-apigateway-integrations/")]
				}
				out[p] = normalize(e)
				continue
			}
			walk(e, p)
		}
	}
	walk(v, "")
	return out
}

func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			switch k {
			case "statusCode":
				if f, ok := e.(float64); ok {
					e = strings.TrimSuffix(strings.TrimSuffix(json.Number(jsonNum(f)).String(), ".0"), "")
				}
			case "payloadFormatVersion":
				if f, ok := e.(float64); ok {
					e = strconv.FormatFloat(f, 'f', 1, 64)
				}
			case "type", "passthroughBehavior":
				if s, ok := e.(string); ok {
					e = strings.ToLower(s)
				}
			case "Action", "NotAction", "Resource", "NotResource":
				// IAM reads one string as a list of one.
				if s, ok := e.(string); ok {
					e = []any{s}
				}
			case "Condition":
				if ops, ok := e.(map[string]any); ok {
					for _, keys := range ops {
						if km, ok := keys.(map[string]any); ok {
							for k, v := range km {
								if s, ok := v.(string); ok {
									km[k] = []any{s}
								}
							}
						}
					}
				}
			}
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

func jsonNum(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// keepsExtensions checks that export(import(file)) holds every extension
// of the file with the same value, and every operation the same security
// requirements; the export may add settings the file left to their
// defaults (connectionType, passthroughBehavior, a token authorizer's
// identitySource), operation-level request validators that the file set
// at the root, and may leave out x-amazon-apigateway-auth NONE, the
// default.
func keepsExtensions(t *testing.T, file string, opts openapi.Options, eopts openapi.ExportOptions) {
	t.Helper()
	src := readFile(t, file)
	res := mustImport(t, file, opts)
	out, err := openapi.Export(res.API, eopts)
	if err != nil {
		t.Fatalf("Export(Import(%s)): %v", file, err)
	}
	want := extensions(t, jsonOf(t, src))
	got := extensions(t, out)
	for ptr, w := range want {
		g, ok := got[ptr]
		if m, isMap := w.(map[string]any); !ok && isMap && strings.HasSuffix(ptr, "/x-amazon-apigateway-auth") && m["type"] == "none" {
			continue
		}
		if !ok {
			t.Errorf("%s: export lost %s", file, ptr)
			continue
		}
		if diff := cmp.Diff(w, g, cmp.FilterPath(func(p cmp.Path) bool {
			// Settings the export writes out where the file left AWS's
			// default.
			mi, ok := p.Last().(cmp.MapIndex)
			if !ok {
				return false
			}
			k := mi.Key().String()
			return (k == "connectionType" || k == "passthroughBehavior" || k == "timeoutInMillis" || k == "identitySource") && !mapHas(w, p)
		}, cmp.Ignore())); diff != "" {
			t.Errorf("%s: %s changed (-file +export):\n%s", file, ptr, diff)
		}
	}
	if diff := cmp.Diff(security(t, jsonOf(t, src)), security(t, out)); diff != "" {
		t.Errorf("%s: operations' security changed (-file +export):\n%s", file, diff)
	}
	// And the export imports back to an API with the same routes.
	again, err := openapi.Import(out, opts)
	if err != nil {
		t.Fatalf("Import(Export(Import(%s))): %v", file, err)
	}
	if len(again.API.Routes) != len(res.API.Routes) {
		t.Errorf("%s: %d routes after a round trip, want %d", file, len(again.API.Routes), len(res.API.Routes))
	}
}

func mapHas(root any, p cmp.Path) bool {
	v := root
	for _, st := range p[1:] {
		mi, ok := st.(cmp.MapIndex)
		if !ok {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = m[mi.Key().String()]; !ok {
			return false
		}
	}
	return true
}

// jsonOf returns a YAML or JSON document as JSON.
func jsonOf(t *testing.T, src []byte) []byte {
	t.Helper()
	out, err := openapi.JSON(src)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRoundTripCalcSwagger(t *testing.T) {
	keepsExtensions(t, "testdata/calc-swagger.json",
		openapi.Options{Functions: map[string]handler.Invoker{"Calc": calc.Function()}, Stages: []gateway.Stage{{Name: "test"}}},
		openapi.ExportOptions{})
}

// security returns the scheme names (with their scopes) each operation
// of a definition requires, by path and method, whichever requirement
// object names them: how API Gateway reads them
// (docs/evidence/openapi.md#security-requirements).
func security(t *testing.T, doc []byte) map[string]map[string][]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	if res, ok := v["Resources"].(map[string]any); ok {
		for _, r := range res {
			rm, _ := r.(map[string]any)
			props, _ := rm["Properties"].(map[string]any)
			if body, ok := props["DefinitionBody"].(map[string]any); ok {
				v = body
			}
		}
	}
	out := map[string]map[string][]any{}
	paths, _ := v["paths"].(map[string]any)
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method, op := range ops {
			om, _ := op.(map[string]any)
			reqs, _ := om["security"].([]any)
			for _, req := range reqs {
				rm, _ := req.(map[string]any)
				for name, scopes := range rm {
					if out[path+" "+method] == nil {
						out[path+" "+method] = map[string][]any{}
					}
					out[path+" "+method][name], _ = scopes.([]any)
				}
			}
		}
	}
	return out
}
