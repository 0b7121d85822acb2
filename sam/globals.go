package sam

import (
	"maps"
	"slices"
	"strings"
)

// globalTypes are the resource types each Globals section applies to.
var globalTypes = map[string]string{
	"Function":     "AWS::Serverless::Function",
	"Api":          "AWS::Serverless::Api",
	"HttpApi":      "AWS::Serverless::HttpApi",
	"SimpleTable":  "AWS::Serverless::SimpleTable",
	"StateMachine": "AWS::Serverless::StateMachine",
}

// applyGlobals merges the Globals sections into the properties of the
// resources of their types, as SAM does (docs/evidence/sam.md#globals):
// a value the resource sets replaces a primitive, maps are merged (the
// resource's entries win), lists are joined (the global entries first),
// and an intrinsic function counts as a primitive. A resource's
// IgnoreGlobals ("*" or a list of property names) keeps it from the
// globals it names.
func applyGlobals(v any, live map[string]any, rep *report) {
	if v == nil {
		return
	}
	globals, ok := v.(map[string]any)
	if !ok {
		rep.fail("Globals", "want a mapping of resource kinds to properties")
		return
	}
	for _, kind := range slices.Sorted(maps.Keys(globals)) {
		typ, ok := globalTypes[kind]
		g, isMap := globals[kind].(map[string]any)
		if !ok || !isMap {
			rep.fail(path("Globals", kind), "SAM has Globals for %s only", strings.Join(slices.Sorted(maps.Keys(globalTypes)), ", "))
			continue
		}
		for _, id := range slices.Sorted(maps.Keys(live)) {
			res := live[id].(map[string]any)
			if res["Type"] != typ {
				continue
			}
			props, _ := res["Properties"].(map[string]any)
			if props == nil {
				props = map[string]any{}
			}
			ignore := ignoredGlobals(props["IgnoreGlobals"])
			delete(props, "IgnoreGlobals")
			for _, k := range slices.Sorted(maps.Keys(g)) {
				if ignore["*"] || ignore[k] {
					continue
				}
				if l, set := props[k]; set {
					props[k] = mergeGlobal(g[k], l)
				} else {
					props[k] = g[k]
				}
			}
			res["Properties"] = props
		}
	}
}

func ignoredGlobals(v any) map[string]bool {
	out := map[string]bool{}
	switch v := v.(type) {
	case string:
		out[v] = true
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				out[s] = true
			}
		}
	}
	return out
}

// mergeGlobal merges a global value g with a resource's value l.
func mergeGlobal(g, l any) any {
	if isIntrinsic(g) || isIntrinsic(l) {
		return l
	}
	switch gv := g.(type) {
	case map[string]any:
		lv, ok := l.(map[string]any)
		if !ok {
			return l
		}
		out := maps.Clone(gv)
		for k, v := range lv {
			if gk, set := gv[k]; set {
				out[k] = mergeGlobal(gk, v)
			} else {
				out[k] = v
			}
		}
		return out
	case []any:
		lv, ok := l.([]any)
		if !ok {
			return l
		}
		return append(slices.Clone(gv), lv...)
	}
	return l
}

// isIntrinsic reports whether v is an intrinsic function call.
func isIntrinsic(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// The logical IDs of the APIs SAM makes for function events that name
// none (docs/evidence/sam.md#implicit-apis).
const (
	implicitRestAPI = "ServerlessRestApi"
	implicitHTTPAPI = "ServerlessHttpApi"
)

// addImplicitAPIs adds the implicit ServerlessRestApi and
// ServerlessHttpApi for the Api and HttpApi events that name no API, with
// the Globals of their kind, as SAM makes them: the REST API's stage is
// Prod, the HTTP API's $default.
func addImplicitAPIs(globals any, live map[string]any) {
	var rest, http bool
	for _, v := range live {
		res := v.(map[string]any)
		if res["Type"] != "AWS::Serverless::Function" {
			continue
		}
		props, _ := res["Properties"].(map[string]any)
		events, _ := props["Events"].(map[string]any)
		for _, e := range events {
			ev, _ := e.(map[string]any)
			ep, _ := ev["Properties"].(map[string]any)
			switch ev["Type"] {
			case "Api":
				if _, set := ep["RestApiId"]; !set {
					rest = true
				}
			case "HttpApi":
				if _, set := ep["ApiId"]; !set {
					http = true
				}
			}
		}
	}
	g, _ := globals.(map[string]any)
	add := func(id, typ, kind, stage string) {
		if _, taken := live[id]; taken {
			return
		}
		props := map[string]any{"StageName": stage}
		if gp, ok := g[kind].(map[string]any); ok {
			for k, v := range gp {
				props[k] = v
			}
		}
		live[id] = map[string]any{"Type": typ, "Properties": props, implicitKey: true}
	}
	if rest {
		add(implicitRestAPI, "AWS::Serverless::Api", "Api", "Prod")
	}
	if http {
		add(implicitHTTPAPI, "AWS::Serverless::HttpApi", "HttpApi", "$default")
	}
}

// implicitKey marks an API SAM makes itself.
const implicitKey = "lambdagate::Implicit"
