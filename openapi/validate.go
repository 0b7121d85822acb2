package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/mapping/model"
)

// Validation is an imported REST method's request validation: the
// request validator that applies to it and what it checks, as a
// gateway.Validator. Exports write it back as
// x-amazon-apigateway-request-validator(s), parameters and request
// bodies.
type Validation struct {
	// Name is the validator's name in x-amazon-apigateway-request-validators.
	Name string
	// Validator says what is checked.
	Validator mapping.RequestValidator
	// Parameters are the method request parameters,
	// "method.request.{header|path|querystring}.NAME" to whether each is
	// required.
	Parameters map[string]bool
	// Models maps a request media type to a model name.
	Models map[string]string
	// ModelSources are the API's models, by name, as JSON Schema text.
	ModelSources map[string]string

	pipeline *mapping.Pipeline
}

// Validate runs the method's request validation. It uses a mapping
// pipeline with a MOCK integration, which validates exactly as a
// pipeline does before any integration runs.
func (v *Validation) Validate(req *event.Request) *gateway.GatewayError {
	resp, err := v.pipeline.Serve(context.Background(), req)
	if err != nil || resp.Status() != http.StatusBadRequest {
		return nil
	}
	var body struct{ Message string }
	json.Unmarshal(resp.Body, &body)
	t := gateway.ResponseBadRequestBody
	if strings.HasPrefix(body.Message, "Missing required request parameters") {
		t = gateway.ResponseBadRequestParameters
	}
	return &gateway.GatewayError{Type: t, Message: body.Message}
}

// readValidators reads x-amazon-apigateway-request-validators and the
// API's default validator.
func (im *importer) readValidators() {
	ext := im.doc.Extensions
	im.validators = map[string]mapping.RequestValidator{}
	if v, ok := ext["x-amazon-apigateway-request-validators"]; ok {
		ptr := "/x-amazon-apigateway-request-validators"
		var m map[string]struct {
			Body   bool `json:"validateRequestBody"`
			Params bool `json:"validateRequestParameters"`
		}
		if im.kind != event.REST {
			im.r.fail(ptr, "request validators are a REST API setting")
		} else if err := decodeStrict(v, &m); err != nil {
			im.r.fail(ptr, "%v", err)
		}
		for name, c := range m {
			im.validators[name] = mapping.RequestValidator{ValidateRequestBody: c.Body, ValidateRequestParameters: c.Params}
		}
	}
	if v, ok := ext["x-amazon-apigateway-request-validator"]; ok {
		name, _ := v.(string)
		if _, known := im.validators[name]; !known {
			im.r.fail("/x-amazon-apigateway-request-validator", "request validator %q is not in x-amazon-apigateway-request-validators", v)
		}
		im.defaultVal = name
	}
}

// schemaRoot is where a definition keeps its schemas.
func (im *importer) schemaRoot() string {
	if im.def.swagger {
		return "/definitions"
	}
	return "/components/schemas"
}

// modelURL is how a model names another: API Gateway's model URL, with
// any API id (mapping resolves it among the API's models).
const modelURL = "https://apigateway.amazonaws.com/restapis/api/models/"

// readModels compiles the schemas as API Gateway models.
func (im *importer) readModels() {
	if im.kind != event.REST || len(im.def.schemas) == 0 {
		return
	}
	im.modelTexts = map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(im.def.schemas)) {
		s := im.def.schemas[name]
		ptr := join(im.schemaRoot(), name)
		if _, ok := s.(map[string]any); !ok {
			im.r.fail(ptr, "a model's schema must be an object, not %s", kindOf(s))
			continue
		}
		text, err := schemaText(s)
		if err != nil {
			im.r.fail(ptr, "%v", err)
			continue
		}
		im.modelTexts[name] = text
	}
	models, err := model.Compile(im.modelTexts)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			ptr := im.schemaRoot()
			if _, rest, ok := strings.Cut(line, "model "); ok {
				if name, err := strconv.Unquote(strings.SplitN(rest, ":", 2)[0]); err == nil {
					ptr = join(ptr, name)
				}
			}
			im.r.fail(ptr, "%s", line)
		}
		return
	}
	im.models = models
}

// schemaText writes a schema, as the definition holds it, as a model:
// JSON with references to other schemas written as model URLs.
func schemaText(s any) (string, error) {
	b, err := json.Marshal(s)
	if err != nil || !bytes.Contains(b, []byte(`"$ref"`)) {
		return string(b), err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	v = rewriteRefs(v, 0)
	b, err = json.Marshal(v)
	return string(b), err
}

// rewriteRefs turns #/components/schemas/NAME and #/definitions/NAME
// references into model URLs.
func rewriteRefs(v any, depth int) any {
	return mapRefs(v, depth, func(ref string) string {
		for _, p := range []string{"#/components/schemas/", "#/definitions/"} {
			if name, ok := strings.CutPrefix(ref, p); ok {
				return modelURL + name
			}
		}
		return ref
	})
}

// mapRefs replaces every $ref string of a decoded JSON value by f's
// result, in place.
func mapRefs(v any, depth int, f func(string) string) any {
	if depth > maxDepth {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && k == "$ref" {
				v[k] = f(s)
				continue
			}
			v[k] = mapRefs(e, depth+1, f)
		}
	case []any:
		for i, e := range v {
			v[i] = mapRefs(e, depth+1, f)
		}
	}
	return v
}

// validator returns the route's validation, or nil when no validator
// applies or it checks nothing.
func (im *importer) validator(key, ptr string, pi *openapi3.PathItem, o op) gateway.Validator {
	name := im.defaultVal
	vptr := "/x-amazon-apigateway-request-validator"
	if v, ok := o.op.Extensions["x-amazon-apigateway-request-validator"]; ok {
		name, _ = v.(string)
		vptr = join(ptr, "x-amazon-apigateway-request-validator")
	}
	if name == "" {
		return nil
	}
	cfg, ok := im.validators[name]
	if !ok {
		if vptr != "/x-amazon-apigateway-request-validator" { // the default is reported once, by readValidators
			im.r.fail(vptr, "request validator %q is not in x-amazon-apigateway-request-validators", name)
		}
		return nil
	}
	if !cfg.ValidateRequestBody && !cfg.ValidateRequestParameters {
		return nil
	}
	v := &Validation{Name: name, Validator: cfg, Parameters: map[string]bool{}, ModelSources: im.modelTexts}
	for _, params := range []openapi3.Parameters{pi.Parameters, o.op.Parameters} {
		for _, p := range params {
			if p == nil || p.Value == nil {
				continue
			}
			switch p.Value.In {
			case "query", "header", "path":
				loc := map[string]string{"query": "querystring", "header": "header", "path": "path"}[p.Value.In]
				v.Parameters["method.request."+loc+"."+p.Value.Name] = p.Value.Required || p.Value.In == "path"
			}
		}
	}
	if rb := o.op.RequestBody; rb != nil && rb.Value != nil {
		for _, mt := range slices.Sorted(maps.Keys(rb.Value.Content)) {
			s := rb.Value.Content[mt].Schema
			if s == nil {
				continue
			}
			model := ""
			for _, p := range []string{"#/components/schemas/", "#/definitions/"} {
				if n, ok := strings.CutPrefix(s.Ref, p); ok {
					model = n
				}
			}
			if model == "" {
				im.r.note(join(ptr, "requestBody", "content", mt, "schema"), "an inline request schema is not validated: API Gateway validates against models; reference one from %s", im.schemaRoot())
				continue
			}
			if mt == "*/*" {
				mt = "application/json" // Swagger 2.0's body parameter
			}
			if v.Models == nil {
				v.Models = map[string]string{}
			}
			v.Models[mt] = model
		}
	}
	p, err := mapping.NewPipeline(mapping.Method{
		Name: key, RequestValidator: cfg, RequestParameters: v.Parameters, RequestModels: v.Models, Models: im.models,
		Integration: mapping.Integration{Type: mapping.TypeMock},
	})
	if err != nil {
		im.r.fail(ptr, "%v", err)
		return nil
	}
	v.pipeline = p
	return v
}

// gatewayResponses reads x-amazon-apigateway-gateway-responses.
func (im *importer) gatewayResponses(v any) map[gateway.ResponseType]gateway.GatewayResponse {
	ptr := "/x-amazon-apigateway-gateway-responses"
	if im.kind != event.REST {
		im.r.fail(ptr, "gateway responses are a REST API setting")
		return nil
	}
	var m map[string]struct {
		StatusCode         any               `json:"statusCode"`
		ResponseParameters map[string]string `json:"responseParameters"`
		ResponseTemplates  map[string]string `json:"responseTemplates"`
		DefaultResponse    *bool             `json:"defaultResponse"`
	}
	if err := decodeStrict(v, &m); err != nil {
		im.r.fail(ptr, "%v", err)
		return nil
	}
	out := map[gateway.ResponseType]gateway.GatewayResponse{}
	for _, t := range slices.Sorted(maps.Keys(m)) {
		gr := m[t]
		p := join(ptr, t)
		status := 0
		if gr.StatusCode != nil {
			n, ok := intValue(gr.StatusCode)
			if !ok {
				im.r.fail(join(p, "statusCode"), "want a status code, not %v", gr.StatusCode)
				continue
			}
			status = n
		}
		out[gateway.ResponseType(t)] = gateway.GatewayResponse{StatusCode: status, ResponseParameters: gr.ResponseParameters, ResponseTemplates: gr.ResponseTemplates}
	}
	if _, err := gateway.New(gateway.API{Kind: event.REST, GatewayResponses: out}); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			p := ptr
			for t := range out {
				if strings.Contains(line, " "+string(t)) || strings.Contains(line, fmt.Sprintf("%q", string(t))) {
					p = join(ptr, string(t))
				}
			}
			im.r.fail(p, "%s", line)
		}
		return nil
	}
	return out
}
