package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/mapping"
)

// ExportOptions configure an export.
type ExportOptions struct {
	// Title and Version fill the definition's info; empty means
	// "lambdagate" and "1.0".
	Title, Version string
	// Function names the Lambda function of every integration whose
	// function carries no URI of its own (an API written in Go): a
	// function name, a function ARN, or with SAM a logical ID.
	Function string
	// Functions name the function of single routes, by route key, over
	// Function.
	Functions map[string]string
	// AuthorizerFunctions name the Lambda function of each Lambda
	// authorizer whose function carries no URI of its own, by authorizer
	// name.
	AuthorizerFunctions map[string]string
	// SAM writes Lambda URIs for a SAM template's DefinitionBody:
	// {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${NAME.Arn}/invocations"}.
	SAM bool
}

// stagesExtension carries a gateway.API's stages and their variables,
// which OpenAPI has no place for; API Gateway ignores it, and Import
// serves these stages when Options.Stages is empty.
const stagesExtension = "x-lambdagate-stages"

// Export writes api as an OpenAPI 3.0 definition with API Gateway's
// extensions, as indented JSON. Every route's integration must be one
// API Gateway can describe: a Proxy, an HTTP or StageURI integration, or
// a Direct one whose handler is a mapping pipeline (a *mapping.Pipeline
// or an imported [Custom]); an API that cannot be described is an error
// listing every route that cannot.
func Export(api gateway.API, opts ExportOptions) ([]byte, error) {
	doc, err := exportDoc(api, opts)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
}

// exporter holds one export's state.
type exporter struct {
	api        gateway.API
	kind       event.Source
	opts       ExportOptions
	errs       []error
	validators map[string]map[string]bool
	schemas    map[string]any
	// apiKeys says whether a route requires an API key, and apiKeyScheme
	// names the scheme that says so.
	apiKeys      bool
	apiKeyScheme string
}

func exportDoc(api gateway.API, opts ExportOptions) (map[string]any, error) {
	kind := api.Kind
	if kind == event.Unknown {
		kind = event.HTTPAPI
	}
	if kind != event.REST && kind != event.HTTPAPI {
		return nil, fmt.Errorf("openapi: %v APIs have no OpenAPI definition; REST and HTTP APIs do", kind)
	}
	ex := &exporter{api: api, kind: kind, opts: opts, validators: map[string]map[string]bool{}, schemas: map[string]any{}}
	title, version := opts.Title, opts.Version
	if title == "" {
		title = "lambdagate"
	}
	if version == "" {
		version = "1.0"
	}
	doc := map[string]any{"openapi": "3.0.1", "info": map[string]any{"title": title, "version": version}}
	ex.apiKeyScheme = apiKeySchemeName
	for n := 2; ex.api.Authorizers[ex.apiKeyScheme] != nil; n++ {
		ex.apiKeyScheme = apiKeySchemeName + strconv.Itoa(n)
	}
	for _, rt := range api.Routes {
		ex.apiKeys = ex.apiKeys || rt.APIKeyRequired
	}
	paths := map[string]any{}
	for _, rt := range api.Routes {
		ex.route(paths, rt)
	}
	doc["paths"] = paths
	if kind == event.HTTPAPI {
		doc["x-amazon-apigateway-importexport-version"] = "1.0"
		if api.CORS != nil {
			doc["x-amazon-apigateway-cors"] = toJSONValue(api.CORS)
		}
	} else {
		if len(api.BinaryMediaTypes) > 0 {
			doc["x-amazon-apigateway-binary-media-types"] = slices.Clone(api.BinaryMediaTypes)
		}
		if api.MinimumCompressionSize != nil {
			doc["x-amazon-apigateway-minimum-compression-size"] = *api.MinimumCompressionSize
		}
		if len(api.GatewayResponses) > 0 {
			grs := map[string]any{}
			for t, gr := range api.GatewayResponses {
				m := map[string]any{}
				if gr.StatusCode != 0 {
					m["statusCode"] = strconv.Itoa(gr.StatusCode)
				}
				if len(gr.ResponseParameters) > 0 {
					m["responseParameters"] = gr.ResponseParameters
				}
				if len(gr.ResponseTemplates) > 0 {
					m["responseTemplates"] = gr.ResponseTemplates
				}
				grs[string(t)] = m
			}
			doc["x-amazon-apigateway-gateway-responses"] = grs
		}
		if len(ex.validators) > 0 {
			vs := map[string]any{}
			for name, v := range ex.validators {
				vs[name] = map[string]any{"validateRequestBody": v["body"], "validateRequestParameters": v["params"]}
			}
			doc["x-amazon-apigateway-request-validators"] = vs
		}
	}
	components := map[string]any{}
	if len(ex.schemas) > 0 {
		components["schemas"] = ex.schemas
	}
	if schemes := ex.securitySchemes(); len(schemes) > 0 {
		components["securitySchemes"] = schemes
	}
	if len(components) > 0 {
		doc["components"] = components
	}
	ex.apiSecurity(doc)
	if len(api.Stages) > 0 {
		var st []any
		for _, s := range api.Stages {
			e := map[string]any{"name": s.Name}
			if len(s.Variables) > 0 {
				e["variables"] = s.Variables
			}
			st = append(st, e)
		}
		doc[stagesExtension] = st
	}
	if len(ex.errs) > 0 {
		return nil, errors.Join(ex.errs...)
	}
	return doc, nil
}

// route adds one route's operation to paths.
func (ex *exporter) route(paths map[string]any, rt gateway.Route) {
	method, path, ok := strings.Cut(rt.Key, " ")
	if rt.Key == "$default" {
		method, path, ok = "ANY", "/$default", true
	}
	if !ok {
		ex.errs = append(ex.errs, fmt.Errorf("openapi: route %q: not an API Gateway route key", rt.Key))
		return
	}
	item, _ := paths[path].(map[string]any)
	if item == nil {
		item = map[string]any{}
		paths[path] = item
	}
	opKey := strings.ToLower(method)
	if method == "ANY" {
		opKey = "x-amazon-apigateway-any-method"
	}
	op := map[string]any{}
	var params []any
	for _, v := range routeVars(path) {
		params = append(params, map[string]any{"name": v, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	responses := map[string]any{}
	integ, err := ex.integration(rt.Key, rt.Integration)
	if err != nil {
		ex.errs = append(ex.errs, err)
		return
	}
	op["x-amazon-apigateway-integration"] = integ.ext
	for _, st := range integ.statuses {
		r := map[string]any{"description": st + " response"}
		if hs := integ.headers[st]; len(hs) > 0 {
			h := map[string]any{}
			for _, name := range hs {
				h[name] = map[string]any{"schema": map[string]any{"type": "string"}}
			}
			r["headers"] = h
		}
		responses[st] = r
	}
	if len(responses) == 0 {
		responses["200"] = map[string]any{"description": "200 response"}
	}
	op["responses"] = responses
	v := integ.validation
	if val, ok := rt.Validator.(*Validation); ok {
		v = &validationDesc{name: val.Name, cfg: val.Validator, params: val.Parameters, models: val.Models, sources: val.ModelSources}
	} else if rt.Validator != nil {
		ex.errs = append(ex.errs, fmt.Errorf("openapi: route %q: a validator other than an imported Validation cannot be exported", rt.Key))
	}
	if v != nil {
		params = ex.validation(op, params, v)
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if sec := ex.routeSecurity(rt); len(sec) > 0 {
		op["security"] = sec
	}
	item[opKey] = op
}

// validationDesc is what a route validates.
type validationDesc struct {
	name    string
	cfg     mapping.RequestValidator
	params  map[string]bool
	models  map[string]string
	sources map[string]string
}

// validation writes a method's validator, parameters and request body.
func (ex *exporter) validation(op map[string]any, params []any, v *validationDesc) []any {
	for _, k := range slices.Sorted(maps.Keys(v.params)) {
		loc, name, _ := strings.Cut(strings.TrimPrefix(k, "method.request."), ".")
		in := map[string]string{"querystring": "query", "header": "header", "path": "path"}[loc]
		if in == "" || in == "path" {
			continue // path parameters come from the route
		}
		params = append(params, map[string]any{"name": name, "in": in, "required": v.params[k], "schema": map[string]any{"type": "string"}})
	}
	if len(v.models) > 0 {
		content := map[string]any{}
		for mt, model := range v.models {
			content[mt] = map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + model}}
		}
		op["requestBody"] = map[string]any{"content": content}
	}
	for name, src := range v.sources {
		var s any
		if json.Unmarshal([]byte(src), &s) == nil {
			ex.schemas[name] = unrewriteRefs(s, 0)
		}
	}
	if !v.cfg.ValidateRequestBody && !v.cfg.ValidateRequestParameters {
		return params
	}
	name := v.name
	if name == "" {
		switch {
		case v.cfg.ValidateRequestBody && v.cfg.ValidateRequestParameters:
			name = "all"
		case v.cfg.ValidateRequestBody:
			name = "body"
		default:
			name = "params"
		}
	}
	ex.validators[name] = map[string]bool{"body": v.cfg.ValidateRequestBody, "params": v.cfg.ValidateRequestParameters}
	op["x-amazon-apigateway-request-validator"] = name
	return params
}

// unrewriteRefs turns model URLs back into #/components/schemas/NAME.
func unrewriteRefs(v any, depth int) any {
	return mapRefs(v, depth, func(ref string) string {
		if _, name, ok := strings.Cut(ref, "/models/"); ok && strings.HasPrefix(ref, "https://apigateway.amazonaws.com/restapis/") {
			return "#/components/schemas/" + name
		}
		return ref
	})
}

// integrationDesc is an exported integration.
type integrationDesc struct {
	ext        map[string]any
	statuses   []string            // method response status codes
	headers    map[string][]string // method response headers by status
	validation *validationDesc
}

// integration describes one integration.
func (ex *exporter) integration(key string, in gateway.Integration) (*integrationDesc, error) {
	switch i := in.(type) {
	case *gateway.Proxy:
		if i != nil {
			return ex.integration(key, *i)
		}
	case *gateway.Direct:
		if i != nil {
			return ex.integration(key, *i)
		}
	case *gateway.HTTP:
		if i != nil {
			return ex.integration(key, *i)
		}
	case *gateway.StageURI:
		if i != nil {
			return ex.integration(key, *i)
		}
	case gateway.Proxy:
		ext := map[string]any{"type": "aws_proxy", "httpMethod": "POST", "connectionType": "INTERNET"}
		uri, err := ex.lambdaURI(key, i.Function)
		if err != nil {
			return nil, err
		}
		ext["uri"] = uri
		if ex.kind == event.HTTPAPI {
			v := string(i.PayloadVersion)
			if v == "" {
				v = "2.0"
			}
			ext["payloadFormatVersion"] = v
		} else {
			ext["passthroughBehavior"] = "when_no_match"
		}
		ex.timeout(ext, i.Timeout)
		return &integrationDesc{ext: ext}, nil
	case gateway.HTTP:
		method := i.Method
		if method == "" {
			method = "ANY"
		}
		ext := map[string]any{"type": "http_proxy", "httpMethod": method, "uri": i.URI, "connectionType": "INTERNET"}
		if len(i.RequestParameters) > 0 {
			ext["requestParameters"] = i.RequestParameters
		}
		if len(i.ResponseParameters) > 0 {
			ext["responseParameters"] = i.ResponseParameters
		}
		if ex.kind == event.HTTPAPI {
			ext["payloadFormatVersion"] = "1.0"
		} else {
			ext["passthroughBehavior"] = "when_no_match"
		}
		ex.timeout(ext, i.Timeout)
		return &integrationDesc{ext: ext}, nil
	case gateway.StageURI:
		if i.Integration == nil {
			return nil, fmt.Errorf("openapi: route %q: StageURI without an Integration function", key)
		}
		inner, err := i.Integration(i.URI)
		if err != nil {
			return nil, fmt.Errorf("openapi: route %q: describing %q: %w", key, i.URI, err)
		}
		d, err := ex.integration(key, inner)
		if err != nil {
			return nil, err
		}
		d.ext["uri"] = i.URI
		return d, nil
	case gateway.Direct:
		var p *mapping.Pipeline
		var uri any
		switch h := i.Handler.(type) {
		case Custom:
			p, uri = h.Pipeline, h.URI
		case *Custom:
			p, uri = h.Pipeline, h.URI
		case *mapping.Pipeline:
			p = h
		}
		if p == nil {
			return nil, fmt.Errorf("openapi: route %q: a Direct integration whose handler (%T) is not a mapping pipeline has no OpenAPI description", key, i.Handler)
		}
		d, err := ex.custom(key, p.Method(), uri)
		if err != nil {
			return nil, err
		}
		ex.timeout(d.ext, i.Timeout)
		return d, nil
	}
	return nil, fmt.Errorf("openapi: route %q: integration %T has no OpenAPI description", key, in)
}

// timeout writes an integration's timeout, or the API's.
func (ex *exporter) timeout(ext map[string]any, own interface{ Milliseconds() int64 }) {
	ms := own.Milliseconds()
	if ms == 0 {
		ms = ex.api.Timeout.Milliseconds()
	}
	if ms != 0 {
		ext["timeoutInMillis"] = ms
	}
}

// custom describes a REST custom integration from its mapping method.
func (ex *exporter) custom(key string, m mapping.Method, uri any) (*integrationDesc, error) {
	in := m.Integration
	typ := strings.ToLower(string(in.Type))
	ext := map[string]any{"type": typ}
	if in.PassthroughBehavior != "" {
		ext["passthroughBehavior"] = strings.ToLower(string(in.PassthroughBehavior))
	}
	if len(in.RequestParameters) > 0 {
		ext["requestParameters"] = in.RequestParameters
	}
	if len(in.RequestTemplates) > 0 {
		ext["requestTemplates"] = in.RequestTemplates
	}
	switch in.Type {
	case mapping.TypeAWS, "aws":
		ext["httpMethod"] = "POST"
		ext["connectionType"] = "INTERNET"
		if uri == nil {
			u, err := ex.lambdaURI(key, nil)
			if err != nil {
				return nil, err
			}
			uri = u
		}
		ext["uri"] = uri
	case mapping.TypeHTTP, "http":
		method := in.HTTPMethod
		if method == "" {
			method = "ANY"
		}
		ext["httpMethod"] = method
		if uri == nil {
			b, ok := in.Backend.(gateway.HTTPBackend)
			if !ok {
				return nil, fmt.Errorf("openapi: route %q: an HTTP integration whose backend (%T) is not a gateway.HTTPBackend has no URI", key, in.Backend)
			}
			uri = strings.TrimRight(b.URL, "/") + in.Path
		}
		ext["uri"] = uri
		ext["connectionType"] = "INTERNET"
	}
	d := &integrationDesc{ext: ext, headers: map[string][]string{}}
	responses := map[string]any{}
	for _, r := range in.Responses {
		key := r.SelectionPattern
		if key == "" {
			key = "default"
		}
		resp := map[string]any{"statusCode": strconv.Itoa(r.StatusCode)}
		if len(r.ResponseParameters) > 0 {
			resp["responseParameters"] = r.ResponseParameters
		}
		if len(r.ResponseTemplates) > 0 {
			resp["responseTemplates"] = r.ResponseTemplates
		}
		responses[key] = resp
		st := strconv.Itoa(r.StatusCode)
		if !slices.Contains(d.statuses, st) {
			d.statuses = append(d.statuses, st)
		}
		for k := range r.ResponseParameters {
			if h, ok := strings.CutPrefix(k, "method.response.header."); ok && !slices.Contains(d.headers[st], h) {
				d.headers[st] = append(d.headers[st], h)
			}
		}
	}
	for st := range d.headers {
		slices.Sort(d.headers[st])
	}
	if len(responses) > 0 {
		ext["responses"] = responses
	}
	if m.RequestValidator != (mapping.RequestValidator{}) || len(m.RequestParameters) > 0 || len(m.RequestModels) > 0 {
		var sources map[string]string
		if m.Models != nil {
			described, ok := m.Models.(interface{ Sources() map[string]string })
			if !ok {
				return nil, fmt.Errorf("openapi: method %q: models of type %T cannot give their schemas back; compile them with model.Compile", m.Name, m.Models)
			}
			sources = described.Sources()
		}
		d.validation = &validationDesc{cfg: m.RequestValidator, params: m.RequestParameters, models: m.RequestModels, sources: sources}
	}
	return d, nil
}

// lambdaURI returns the integration URI of a route's Lambda function:
// the imported URI, or one built from the options' name.
func (ex *exporter) lambdaURI(key string, fn any) (any, error) {
	if uri := importedURI(fn); uri != nil {
		return uri, nil
	}
	name := ex.opts.Functions[key]
	if name == "" {
		name = ex.opts.Function
	}
	if name == "" {
		return nil, fmt.Errorf("openapi: route %q: name its Lambda function (ExportOptions.Function or Functions)", key)
	}
	return ex.functionURI(name), nil
}

// importedURI returns the URI an imported function was named by, or nil.
func importedURI(fn any) any {
	switch f := fn.(type) {
	case Function:
		return f.URI
	case *Function:
		if f != nil {
			return f.URI
		}
	}
	return nil
}

// functionURI returns the invocation URI of the function a name, an ARN
// or (with SAM) a logical ID names.
func (ex *exporter) functionURI(name string) any {
	const path = ":lambda:path/2015-03-31/functions/"
	if ex.opts.SAM && !strings.HasPrefix(name, "arn:") {
		return map[string]any{"Fn::Sub": "arn:aws:apigateway:${AWS::Region}" + path + "${" + name + ".Arn}/invocations"}
	}
	region, account := ex.api.Region, ex.api.AccountID
	if region == "" {
		region = event.DefaultRegion
	}
	if account == "" {
		account = event.DefaultAccountID
	}
	arn := name
	if !strings.HasPrefix(name, "arn:") {
		arn = "arn:aws:lambda:" + region + ":" + account + ":function:" + name
	} else if parts := strings.Split(name, ":"); len(parts) > 3 {
		region = parts[3]
	}
	return "arn:aws:apigateway:" + region + path + arn + "/invocations"
}

// routeVars returns the path variables of a path, as route keys write
// them ("proxy+" for a greedy one).
func routeVars(path string) []string {
	var vars []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			vars = append(vars, strings.TrimSuffix(seg[1:len(seg)-1], "+"))
		}
	}
	return vars
}

func toJSONValue(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

// Swagger2 converts an OpenAPI 3.0 definition (as Export writes it) to
// Swagger 2.0, with the same extensions, as indented JSON.
func Swagger2(doc3 []byte) ([]byte, error) {
	var d openapi3.T
	if err := json.Unmarshal(doc3, &d); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	d2, err := openapi2conv.FromV3(&d)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return json.MarshalIndent(d2, "", "  ")
}

// YAML rewrites a JSON definition as YAML, indented by two spaces, with
// the document's sections in OpenAPI's order (openapi or swagger, info,
// paths, components or definitions, then extensions) and other keys
// sorted.
func YAML(doc []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(v, true)); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	enc.Close()
	return []byte(b.String()), nil
}

// topOrder is the order of a definition's first sections.
var topOrder = []string{"openapi", "swagger", "info", "host", "basePath", "schemes", "servers", "paths", "components", "definitions"}

// yamlNode converts a decoded JSON value to a YAML node.
func yamlNode(v any, top bool) *yaml.Node {
	switch v := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := slices.Sorted(maps.Keys(v))
		if top {
			slices.SortStableFunc(keys, func(a, b string) int {
				ia, ib := slices.Index(topOrder, a), slices.Index(topOrder, b)
				if ia < 0 {
					ia = len(topOrder)
				}
				if ib < 0 {
					ib = len(topOrder)
				}
				return ia - ib
			})
		}
		for _, k := range keys {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, yamlNode(v[k], false))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range v {
			n.Content = append(n.Content, yamlNode(e, false))
		}
		return n
	}
	var n yaml.Node
	n.Encode(v)
	return &n
}

// JSON returns a JSON or YAML document (with CloudFormation's short-form
// tags read as their long form) as JSON.
func JSON(doc []byte) ([]byte, error) {
	if isJSON(doc) {
		return doc, nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal(doc, &n); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	v, err := nodeValue(&n, budget(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	return json.Marshal(v)
}
