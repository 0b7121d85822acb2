package sam

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/openapi"
)

// An apiSpec is an API being read: its resource, the routes functions'
// events add to it, and the resources that belong to it (stages,
// ApiGatewayV2 integrations, routes and authorizers).
type apiSpec struct {
	id     string
	kind   event.Source
	typ    string
	res    map[string]any
	routes []routeSpec
	stages []gateway.Stage

	integrations map[string]*props // ApiGatewayV2 integrations, by logical ID
	v2routes     []string          // ApiGatewayV2 routes, by logical ID
	twoWay       map[string]bool   // routes with a route response, by logical ID
	v2auth       map[string]*props // ApiGatewayV2 authorizers, by logical ID
}

// buildAPI builds the gateway API of a spec, or reports why it cannot.
func (a *App) buildAPI(spec *apiSpec) *API {
	where := path("Resources", spec.id)
	implicit, _ := spec.res[implicitKey].(bool)
	if implicit {
		where = spec.id + " (made by SAM for the functions' events)"
	}
	p := newProps(a.rep, path(where, "Properties"), spec.res["Properties"])
	if implicit {
		p.where = where
	}
	out := &API{Name: spec.id}
	api := gateway.API{Kind: spec.kind, ID: a.r.physicalID(spec.id), Region: a.opts.Region, AccountID: a.opts.AccountID}
	var ok bool
	switch spec.typ {
	case "AWS::Serverless::Api":
		ok = a.serverlessREST(spec, where, p, &api, out)
	case "AWS::Serverless::HttpApi":
		ok = a.serverlessHTTP(spec, where, p, &api)
	case "AWS::ApiGateway::RestApi":
		ok = a.rawREST(spec, where, p, &api)
	case "AWS::ApiGatewayV2::Api":
		ok = a.v2API(spec, where, p, &api)
	}
	p.rest()
	if !ok {
		return nil
	}
	if _, err := gateway.New(api); err != nil {
		for _, e := range splitErrors(err) {
			a.rep.fail(where, "%s", e)
		}
		return nil
	}
	out.API = api
	return out
}

// splitErrors returns the lines of a joined error.
func splitErrors(err error) []string {
	return strings.Split(err.Error(), "\n")
}

// stageVariables reads a stage's variables.
func stageVariables(p *props, key string) map[string]string {
	vars := p.strMap(key)
	if len(vars) == 0 {
		return nil
	}
	return vars
}

// serverlessREST reads an AWS::Serverless::Api.
func (a *App) serverlessREST(spec *apiSpec, where string, p *props, api *gateway.API, out *API) bool {
	stage, ok := p.str("StageName")
	if !ok {
		a.rep.fail(path(where, "Properties", "StageName"), "an AWS::Serverless::Api needs a StageName")
		return false
	}
	st := gateway.Stage{Name: stage, Variables: stageVariables(p, "Variables")}
	if on, ok := p.boolean("TracingEnabled"); ok {
		st.Tracing = on
	}
	stages := append([]gateway.Stage{st}, spec.stages...)
	if !a.definition(spec, where, p, api, stages) {
		api.Stages = stages
	}
	for _, t := range p.strs("BinaryMediaTypes") {
		api.BinaryMediaTypes = append(api.BinaryMediaTypes, strings.ReplaceAll(t, "~1", "/"))
	}
	if n, ok := p.num("MinimumCompressionSize"); ok {
		api.MinimumCompressionSize = &n
	}
	if p.has("GatewayResponses") {
		api.GatewayResponses = a.gatewayResponses(p.obj("GatewayResponses"))
	}
	auth := a.restAuth(spec, where, p, api, out, stage)
	for _, rs := range spec.routes {
		if slices.ContainsFunc(api.Routes, func(r gateway.Route) bool { return r.Key == rs.key }) {
			continue // the definition has the method already, as SAM leaves it
		}
		rt := gateway.Route{Key: rs.key, Integration: gateway.Proxy{Function: rs.fn.ref, Timeout: rs.timeout}}
		auth.apply(&rt, rs)
		api.Routes = append(api.Routes, rt)
	}
	if p.has("Cors") {
		a.restCORS(p, api, auth)
	}
	p.ignore("Name", "Description", "Tags", "PropagateTags", "OpenApiVersion", "AlwaysDeploy")
	return true
}

// definition reads an API's DefinitionBody or DefinitionUri (or a raw
// API's Body or BodyS3Location) with package openapi, into api. It
// reports whether there was one.
func (a *App) definition(spec *apiSpec, where string, p *props, api *gateway.API, stages []gateway.Stage) bool {
	bodyKey, uriKey := "DefinitionBody", "DefinitionUri"
	if spec.typ == "AWS::ApiGateway::RestApi" || spec.typ == "AWS::ApiGatewayV2::Api" {
		bodyKey, uriKey = "Body", "BodyS3Location"
	}
	var src []byte
	name := path(where, "Properties", bodyKey)
	if body, ok := p.raw(bodyKey); ok {
		b, err := json.Marshal(body)
		if err != nil {
			a.rep.fail(name, "%v", err)
			return true
		}
		src = b
	} else if v, ok := p.raw(uriKey); ok {
		name = path(where, "Properties", uriKey)
		file, isFile := v.(string)
		if !isFile || strings.Contains(file, "://") {
			a.rep.fail(name, "only a local file is read, not %v", short(v))
			return true
		}
		if !filepath.IsAbs(file) {
			file = filepath.Join(a.dir, file)
		}
		b, err := readFile(file, openapi.DefaultMaxSize)
		if err != nil {
			a.rep.fail(name, "%v", err)
			return true
		}
		src = b
	} else {
		return false
	}
	functions := map[string]handler.Invoker{}
	for id, f := range a.fns {
		functions[id] = f.ref
		functions[f.Config.Name] = f.ref
	}
	res, err := openapi.Import(src, openapi.Options{Name: name, Kind: spec.kind, Functions: functions, Stages: stages})
	if err != nil {
		if oe, ok := err.(*openapi.Error); ok {
			for _, pr := range oe.Problems {
				a.rep.fail(name, "%s", strings.TrimSpace(pr.String()))
			}
		} else {
			a.rep.fail(name, "%v", err)
		}
		return true
	}
	for _, n := range res.Notes {
		a.rep.note(name, "%s", strings.TrimSpace(n.String()))
	}
	imported := res.API
	imported.ID, imported.Region, imported.AccountID = api.ID, api.Region, api.AccountID
	*api = imported
	return true
}

// restCORS adds the OPTIONS methods SAM's Cors adds to a REST API: for
// each path, a MOCK integration that answers 200 with the configured
// headers (docs/evidence/sam.md#cors).
func (a *App) restCORS(p *props, api *gateway.API, auth *restAuthz) {
	c := p.obj("Cors")
	headers := map[string]string{}
	if origin, ok := p.m["Cors"].(string); ok {
		p.used["Cors"] = true
		headers["Access-Control-Allow-Origin"] = origin
	} else {
		origin, ok := c.str("AllowOrigin")
		if !ok {
			a.rep.fail(c.where, "Cors needs an AllowOrigin")
			return
		}
		headers["Access-Control-Allow-Origin"] = origin
		if v, ok := c.str("AllowHeaders"); ok {
			headers["Access-Control-Allow-Headers"] = v
		}
		if v, ok := c.str("AllowMethods"); ok {
			headers["Access-Control-Allow-Methods"] = v
		}
		if v, ok := c.str("MaxAge"); ok {
			headers["Access-Control-Max-Age"] = v
		}
		if on, _ := c.boolean("AllowCredentials"); on {
			headers["Access-Control-Allow-Credentials"] = "'true'"
		}
		c.rest()
	}
	methods := map[string][]string{}
	for _, rt := range api.Routes {
		m, pth, _ := strings.Cut(rt.Key, " ")
		methods[pth] = append(methods[pth], m)
	}
	for _, pth := range slices.Sorted(maps.Keys(methods)) {
		if slices.Contains(methods[pth], "OPTIONS") {
			continue
		}
		params := map[string]string{}
		for k, v := range headers {
			params["method.response.header."+k] = v
		}
		if _, set := headers["Access-Control-Allow-Methods"]; !set {
			params["method.response.header.Access-Control-Allow-Methods"] = "'" + allowedMethods(methods[pth]) + "'"
		}
		key := "OPTIONS " + pth
		pl, err := mapping.NewPipeline(mapping.Method{
			Name: key,
			Integration: mapping.Integration{
				Type:             mapping.TypeMock,
				RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
				Responses: []mapping.IntegrationResponse{{
					StatusCode:         200,
					ResponseParameters: params,
					ResponseTemplates:  map[string]string{"application/json": ""},
				}},
			},
		})
		if err != nil {
			a.rep.fail(c.where, "%v", err)
			return
		}
		rt := gateway.Route{Key: key, Integration: gateway.Direct{Handler: pl}}
		if auth.preflight {
			auth.apply(&rt, routeSpec{})
		}
		api.Routes = append(api.Routes, rt)
	}
}

// allowedMethods lists a path's methods and OPTIONS, as SAM computes
// Access-Control-Allow-Methods when Cors does not set it.
func allowedMethods(ms []string) string {
	set := map[string]bool{"OPTIONS": true}
	for _, m := range ms {
		if m == "ANY" {
			for _, all := range []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"} {
				set[all] = true
			}
			continue
		}
		set[m] = true
	}
	return strings.Join(slices.Sorted(maps.Keys(set)), ",")
}

// gatewayResponses reads a REST API's GatewayResponses.
func (a *App) gatewayResponses(p *props) map[gateway.ResponseType]gateway.GatewayResponse {
	out := map[gateway.ResponseType]gateway.GatewayResponse{}
	for _, typ := range slices.Sorted(maps.Keys(p.m)) {
		r := p.obj(typ)
		var gr gateway.GatewayResponse
		if n, ok := r.num("StatusCode"); ok {
			gr.StatusCode = n
		}
		rp := r.obj("ResponseParameters")
		for _, kind := range []struct{ key, prefix string }{{"Headers", "gatewayresponse.header."}, {"Paths", "gatewayresponse.path."}, {"QueryStrings", "gatewayresponse.querystring."}} {
			for k, v := range rp.strMap(kind.key) {
				if gr.ResponseParameters == nil {
					gr.ResponseParameters = map[string]string{}
				}
				gr.ResponseParameters[kind.prefix+k] = v
			}
		}
		rp.rest()
		gr.ResponseTemplates = r.strMap("ResponseTemplates")
		r.rest()
		out[gateway.ResponseType(typ)] = gr
	}
	return out
}

// serverlessHTTP reads an AWS::Serverless::HttpApi.
func (a *App) serverlessHTTP(spec *apiSpec, where string, p *props, api *gateway.API) bool {
	stage := p.strOr("StageName", "$default")
	stages := append([]gateway.Stage{{Name: stage, Variables: stageVariables(p, "StageVariables")}}, spec.stages...)
	if !a.definition(spec, where, p, api, stages) {
		api.Stages = stages
	}
	if p.has("CorsConfiguration") {
		api.CORS = a.httpCORS(p, "CorsConfiguration")
	}
	auth := a.httpAuth(where, p, api)
	for _, rs := range spec.routes {
		if slices.ContainsFunc(api.Routes, func(r gateway.Route) bool { return r.Key == rs.key }) {
			continue
		}
		rt := gateway.Route{Key: rs.key, Integration: gateway.Proxy{Function: rs.fn.ref, PayloadVersion: rs.version, Timeout: rs.timeout}}
		auth.apply(&rt, rs)
		api.Routes = append(api.Routes, rt)
	}
	p.ignore("Name", "Description", "Tags", "PropagateTags", "FailOnWarnings")
	return true
}

// rawREST reads an AWS::ApiGateway::RestApi: its Body or BodyS3Location,
// served at its AWS::ApiGateway::Stage resources' stages.
func (a *App) rawREST(spec *apiSpec, where string, p *props, api *gateway.API) bool {
	stages := spec.stages
	if len(stages) == 0 {
		a.rep.note(where, "no AWS::ApiGateway::Stage of this API: served at stage \"prod\"")
		stages = []gateway.Stage{{Name: "prod"}}
	}
	if !a.definition(spec, where, p, api, stages) {
		a.rep.fail(where, "an AWS::ApiGateway::RestApi is read from its Body or BodyS3Location; its AWS::ApiGateway::Method resources are not emulated")
		return false
	}
	for _, t := range p.strs("BinaryMediaTypes") {
		api.BinaryMediaTypes = append(api.BinaryMediaTypes, strings.ReplaceAll(t, "~1", "/"))
	}
	if n, ok := p.num("MinimumCompressionSize"); ok {
		api.MinimumCompressionSize = &n
	}
	p.ignore("Name", "Description", "Tags", "FailOnWarnings", "Mode", "Parameters")
	return true
}

// A denyAuthorizer stands for an authorizer lambdagate does not emulate:
// it refuses every request, so that a route it guards is never served
// open.
type denyAuthorizer struct{}

func (denyAuthorizer) Authorize(context.Context, *gateway.AuthRequest) (*gateway.Grant, error) {
	return nil, authorizer.ErrUnauthorized
}

// functionByARN returns the template function a Lambda ARN or
// invocation URI names.
func (a *App) functionByARN(v string) *Function {
	if m := invocationURI.FindStringSubmatch(v); m != nil {
		v = m[1]
	}
	name := v
	if rest, ok := strings.CutPrefix(v, "arn:"); ok {
		parts := strings.Split(rest, ":")
		if len(parts) < 6 || parts[4] != "function" {
			return nil
		}
		name = parts[5]
	}
	for _, f := range a.Functions {
		if f.Config.Name == name {
			return f
		}
	}
	return nil
}

// identitySources turns a SAM Identity's lists into identity sources:
// REST mapping expressions, or HTTP API selection expressions.
func identitySources(id *props, http bool) []string {
	var out []string
	add := func(key, restPrefix, httpPrefix string) {
		for _, v := range id.strs(key) {
			if http {
				out = append(out, httpPrefix+v)
			} else {
				out = append(out, restPrefix+v)
			}
		}
	}
	add("Headers", "method.request.header.", "$request.header.")
	add("QueryStrings", "method.request.querystring.", "$request.querystring.")
	add("StageVariables", "stageVariables.", "$stageVariables.")
	add("Context", "context.", "$context.")
	return out
}

// ttl reads ReauthorizeEvery: seconds, 0 turning caching off.
func ttl(id *props, la *gateway.LambdaAuthorizer) {
	if n, ok := id.num("ReauthorizeEvery"); ok {
		if n == 0 {
			la.NoCache = true
		} else {
			la.TTL = time.Duration(n) * time.Second
		}
	}
}
