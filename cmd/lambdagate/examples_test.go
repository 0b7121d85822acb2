package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/openapi"
)

var update = flag.Bool("update", false, "rewrite the examples' openapi.yaml from their Go APIs")

// exampleFunctions are the logical IDs of the examples' functions in
// their templates.
var exampleFunctions = map[string]string{"calc": "CalcFunction", "pets": "PetsFunction", "smartpath": "SmartpathFunction"}

// TestExampleDefinitions checks that each example's openapi.yaml is the
// export of its Go API ("lambdagate export --sam"); -update rewrites them.
func TestExampleDefinitions(t *testing.T) {
	for name, fn := range exampleFunctions {
		var out, stderr bytes.Buffer
		title := name
		if name == "calc" {
			title = "Calc"
		}
		if code := run([]string{"export", "--sam", "--function", fn, "--title", title, "example:" + name}, nil, &out, &stderr); code != 0 {
			t.Fatalf("export example:%s = %d: %s", name, code, stderr.String())
		}
		file := "../../examples/" + name + "/openapi.yaml"
		if *update {
			if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), out.String()); diff != "" {
			t.Errorf("%s differs from the export of the Go API (-file +export; go test -update rewrites it):\n%s", file, diff)
		}
	}
}

// template reads an example's template.yaml as JSON values.
func template(t *testing.T, name string) map[string]any {
	t.Helper()
	src, err := os.ReadFile("../../examples/" + name + "/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := openapi.JSON(src)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func exampleAPI(t *testing.T, name string) gateway.API {
	t.Helper()
	api, err := exampleAPIs[name]()
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// TestCalcTemplate checks that the Calc template's DefinitionBody is the
// export of the Go API, extension for extension, and that it deploys the
// Go API's stage.
func TestCalcTemplate(t *testing.T) {
	tm := template(t, "calc")
	body := path(tm, "Resources", "CalcApi", "Properties", "DefinitionBody")
	api := exampleAPI(t, "calc")
	doc, err := openapi.Export(api, openapi.ExportOptions{SAM: true, Function: "CalcFunction"})
	if err != nil {
		t.Fatal(err)
	}
	var exported any
	json.Unmarshal(doc, &exported)
	want, got := apiExtensions(body), apiExtensions(exported)
	if len(want) == 0 {
		t.Fatal("no extensions in the template")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("template.yaml's DefinitionBody and the Go API's export differ (-template +export):\n%s", diff)
	}
	if st := path(tm, "Resources", "CalcApi", "Properties", "StageName"); st != api.Stages[0].Name {
		t.Errorf("template stage %v, Go API stage %q", st, api.Stages[0].Name)
	}
}

// apiExtensions returns each operation's integration and validator, and
// the root's validators, normalized as API Gateway reads them.
func apiExtensions(doc any) map[string]any {
	out := map[string]any{}
	paths, _ := path(doc, "paths").(map[string]any)
	for p, item := range paths {
		for m, op := range item.(map[string]any) {
			for _, k := range []string{"x-amazon-apigateway-integration", "x-amazon-apigateway-request-validator"} {
				if v := path(op, k); v != nil {
					out[m+" "+p+" "+k] = normalize(v)
				}
			}
		}
	}
	if v := path(doc, "x-amazon-apigateway-request-validators"); v != nil {
		// Only the validators operations use.
		used := map[string]bool{}
		for k, v := range out {
			if strings.HasSuffix(k, "validator") {
				used[v.(string)] = true
			}
		}
		vs := map[string]any{}
		for name, c := range v.(map[string]any) {
			if used[name] {
				vs[name] = c
			}
		}
		out["validators"] = vs
	}
	return out
}

// normalize drops what API Gateway reads as its default.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if k == "connectionType" && e == "INTERNET" {
				continue
			}
			if s, ok := e.(string); ok && (k == "type" || k == "passthroughBehavior") {
				e = strings.ToLower(s)
			}
			out[k] = normalize(e)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = normalize(e)
		}
	}
	return v
}

// samRoutes returns the route keys of a template's function events.
func samRoutes(tm map[string]any, function string) map[string]string {
	routes := map[string]string{}
	events, _ := path(tm, "Resources", function, "Properties", "Events").(map[string]any)
	for _, e := range events {
		p := path(e, "Properties")
		key := "$default"
		if pp, ok := path(p, "Path").(string); ok {
			key = strings.ToUpper(path(p, "Method").(string)) + " " + pp
		}
		v, _ := path(p, "PayloadFormatVersion").(string)
		routes[key] = v
	}
	return routes
}

// TestPetsTemplate checks the pets template against the Go API: the
// function's HttpApi events are its routes (payload 2.0), CorsConfiguration
// its CORS, and the stages its stages.
func TestPetsTemplate(t *testing.T) {
	tm := template(t, "pets")
	api := exampleAPI(t, "pets")
	want := map[string]string{}
	for _, rt := range api.Routes {
		p, ok := rt.Integration.(gateway.Proxy)
		if !ok {
			t.Fatalf("route %s: %T", rt.Key, rt.Integration)
		}
		v := string(p.PayloadVersion)
		if v == "" {
			v = "2.0"
		}
		want[rt.Key] = v
	}
	if diff := cmp.Diff(want, samRoutes(tm, "PetsFunction")); diff != "" {
		t.Errorf("routes (-Go +template):\n%s", diff)
	}
	var c cors.Config
	b, _ := json.Marshal(path(tm, "Resources", "PetsApi", "Properties", "CorsConfiguration"))
	// CloudFormation capitalizes the names; encoding/json matches them
	// without regard to case.
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("CorsConfiguration %s", b)
	}
	if diff := cmp.Diff(*api.CORS, c); diff != "" {
		t.Errorf("CORS (-Go +template):\n%s", diff)
	}
	stages := []string{path(tm, "Resources", "PetsApi", "Properties", "StageName").(string)}
	for _, r := range path(tm, "Resources").(map[string]any) {
		if path(r, "Type") == "AWS::ApiGatewayV2::Stage" {
			stages = append(stages, path(r, "Properties", "StageName").(string))
		}
	}
	var goStages []string
	for _, s := range api.Stages {
		goStages = append(goStages, s.Name)
	}
	slices.Sort(stages)
	slices.Sort(goStages)
	if !slices.Equal(stages, goStages) {
		t.Errorf("stages: template %v, Go %v", stages, goStages)
	}
}

// TestSmartpathTemplate checks the smartpath template against the Go API:
// its Api event is the proxy route, its Cors the OPTIONS mock's headers,
// its binary media types and stage the API's.
func TestSmartpathTemplate(t *testing.T) {
	tm := template(t, "smartpath")
	api := exampleAPI(t, "smartpath")
	props := path(tm, "Resources", "SmartpathApi", "Properties")
	var preflight mapping.Method
	proxies := map[string]string{}
	for _, rt := range api.Routes {
		switch in := rt.Integration.(type) {
		case gateway.Proxy:
			proxies[rt.Key] = ""
		case gateway.Direct:
			preflight = in.Handler.(*mapping.Pipeline).Method()
		}
	}
	if diff := cmp.Diff(proxies, samRoutes(tm, "SmartpathFunction")); diff != "" {
		t.Errorf("proxy routes (-Go +template):\n%s", diff)
	}
	headers := preflight.Integration.Responses[0].ResponseParameters
	for k, prop := range map[string]string{"Access-Control-Allow-Methods": "AllowMethods", "Access-Control-Allow-Headers": "AllowHeaders", "Access-Control-Allow-Origin": "AllowOrigin"} {
		if got, want := path(props, "Cors", prop), headers["method.response.header."+k]; got != want {
			t.Errorf("Cors.%s = %v, Go OPTIONS mock %v", prop, got, want)
		}
	}
	var types []string
	for _, v := range path(props, "BinaryMediaTypes").([]any) {
		types = append(types, strings.ReplaceAll(v.(string), "~1", "/"))
	}
	if !slices.Equal(types, api.BinaryMediaTypes) {
		t.Errorf("binary media types: template %v, Go %v", types, api.BinaryMediaTypes)
	}
	if st := path(props, "StageName"); st != api.Stages[0].Name {
		t.Errorf("stage: template %v, Go %q", st, api.Stages[0].Name)
	}
	if api.Kind != event.REST {
		t.Errorf("kind %v", api.Kind)
	}
}
