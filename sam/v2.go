package sam

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
	"github.com/lambdagate/lambdagate/gateway/websocket"
	"github.com/lambdagate/lambdagate/handler"
)

// specOf returns the API a resource's ApiId (or RestApiId) names.
func (a *App) specOf(p *props, key string) *apiSpec {
	phys, ok := p.str(key)
	if !ok {
		a.rep.fail(p.where, "no %s", key)
		return nil
	}
	spec := a.specs[a.r.logical[phys]]
	if spec == nil {
		a.rep.fail(path(p.where, key), "%q is not an API of the template", phys)
	}
	return spec
}

// apiPart reads a resource that belongs to an API: a stage, or an
// ApiGatewayV2 integration, route, route response or authorizer.
func (a *App) apiPart(id, typ string) {
	where := path("Resources", id)
	p := newProps(a.rep, path(where, "Properties"), a.resources[id]["Properties"])
	key := "ApiId"
	if typ == "AWS::ApiGateway::Stage" {
		key = "RestApiId"
	}
	spec := a.specOf(p, key)
	if spec == nil {
		return
	}
	switch typ {
	case "AWS::ApiGatewayV2::Stage", "AWS::ApiGateway::Stage":
		name, ok := p.str("StageName")
		if !ok {
			a.rep.fail(p.where, "a stage needs a StageName")
			return
		}
		st := gateway.Stage{Name: name}
		if typ == "AWS::ApiGateway::Stage" {
			st.Variables = stageVariables(p, "Variables")
			st.Tracing, _ = p.boolean("TracingEnabled")
		} else {
			st.Variables = stageVariables(p, "StageVariables")
		}
		p.ignore("AutoDeploy", "DeploymentId", "Description", "Tags")
		spec.stages = append(spec.stages, st)
		p.rest()
	case "AWS::ApiGatewayV2::Integration":
		if spec.integrations == nil {
			spec.integrations = map[string]*props{}
		}
		spec.integrations[id] = p
	case "AWS::ApiGatewayV2::Route":
		spec.v2routes = append(spec.v2routes, id)
	case "AWS::ApiGatewayV2::RouteResponse":
		rid, _ := p.str("RouteId")
		if spec.twoWay == nil {
			spec.twoWay = map[string]bool{}
		}
		spec.twoWay[a.r.logical[rid]] = true
		p.ignore("RouteResponseKey", "ModelSelectionExpression", "ResponseModels", "ResponseParameters")
		p.rest()
	case "AWS::ApiGatewayV2::Authorizer":
		if spec.v2auth == nil {
			spec.v2auth = map[string]*props{}
		}
		spec.v2auth[id] = p
	}
}

// v2API reads an AWS::ApiGatewayV2::Api (HTTP or WEBSOCKET), with its
// stages, integrations, routes, route responses and authorizers.
func (a *App) v2API(spec *apiSpec, where string, p *props, api *gateway.API) bool {
	pt := p.strOr("ProtocolType", "")
	stages := spec.stages
	switch pt {
	case "HTTP":
		if len(stages) == 0 {
			stages = []gateway.Stage{{Name: "$default"}}
			if !p.has("Target") {
				a.rep.note(where, "no AWS::ApiGatewayV2::Stage of this API: served at the $default stage")
			}
		}
	case "WEBSOCKET":
		api.Upgrader = websocket.Upgrader{}
		api.RouteSelectionExpression = p.strOr("RouteSelectionExpression", "")
		if len(stages) == 0 {
			a.rep.note(where, "no AWS::ApiGatewayV2::Stage of this API: served at stage \"prod\"")
			stages = []gateway.Stage{{Name: "prod"}}
		}
	default:
		a.rep.fail(path(where, "Properties", "ProtocolType"), "want HTTP or WEBSOCKET, not %q", pt)
		return false
	}
	if a.definition(spec, where, p, api, stages) {
		return true
	}
	api.Stages = stages
	if p.has("CorsConfiguration") {
		api.CORS = a.httpCORS(p, "CorsConfiguration")
	}
	if target, ok := p.str("Target"); ok {
		// Quick create: one route to one Lambda function.
		fn := a.functionByARN(target)
		if fn == nil {
			a.rep.fail(path(where, "Properties", "Target"), "%q is not a function of the template", target)
			return false
		}
		api.Routes = append(api.Routes, gateway.Route{Key: p.strOr("RouteKey", "$default"), Integration: gateway.Proxy{Function: fn.ref, PayloadVersion: event.PayloadV2}})
	}
	authorizers := a.v2Authorizers(spec, api)
	for _, rid := range spec.v2routes {
		rp := newProps(a.rep, path("Resources", rid, "Properties"), a.resources[rid]["Properties"])
		rp.ignore("ApiId", "RouteResponseSelectionExpression", "OperationName", "ModelSelectionExpression", "RequestModels")
		key, ok := rp.str("RouteKey")
		if !ok {
			a.rep.fail(rp.where, "a route needs a RouteKey")
			continue
		}
		rt := gateway.Route{Key: key, TwoWay: spec.twoWay[rid]}
		target, _ := rp.str("Target")
		ip := spec.integrations[a.r.logical[strings.TrimPrefix(target, "integrations/")]]
		if ip == nil {
			a.rep.fail(path(rp.where, "Target"), "%q names no AWS::ApiGatewayV2::Integration of this API", target)
			continue
		}
		in := a.v2Integration(ip, spec.kind)
		if in == nil {
			continue
		}
		rt.Integration = in
		switch at := rp.strOr("AuthorizationType", "NONE"); at {
		case "NONE":
		case "AWS_IAM":
			if api.Authorizers == nil {
				api.Authorizers = map[string]gateway.Authorizer{}
			}
			if api.Authorizers[iamName] == nil {
				api.Authorizers[iamName] = a.iamAuthorizer(rp.where)
			}
			rt.Authorizer = iamName
		case "JWT", "CUSTOM":
			aid, _ := rp.str("AuthorizerId")
			rt.Authorizer = authorizers[aid]
			if rt.Authorizer == "" {
				a.rep.fail(path(rp.where, "AuthorizerId"), "%q names no AWS::ApiGatewayV2::Authorizer of this API", aid)
			}
			rt.AuthorizationScopes = rp.strs("AuthorizationScopes")
		default:
			a.rep.fail(path(rp.where, "AuthorizationType"), "want NONE, AWS_IAM, JWT or CUSTOM, not %q", at)
		}
		rp.rest()
		api.Routes = append(api.Routes, rt)
	}
	for _, ip := range spec.integrations {
		ip.rest()
	}
	p.ignore("Name", "Description", "Tags", "Version", "ApiKeySelectionExpression", "DisableSchemaValidation", "FailOnWarnings")
	return true
}

// v2Integration reads an AWS::ApiGatewayV2::Integration.
func (a *App) v2Integration(ip *props, kind event.Source) gateway.Integration {
	ip.ignore("ApiId", "Description", "IntegrationMethod", "CredentialsArn", "ConnectionType", "ContentHandlingStrategy", "PassthroughBehavior")
	uri, _ := ip.str("IntegrationUri")
	var timeout time.Duration
	if n, ok := ip.num("TimeoutInMillis"); ok {
		timeout = time.Duration(n) * time.Millisecond
	}
	switch typ := ip.strOr("IntegrationType", ""); typ {
	case "AWS_PROXY":
		fn := a.functionByARN(uri)
		if fn == nil {
			a.rep.fail(path(ip.where, "IntegrationUri"), "%q names no function of the template", uri)
			return nil
		}
		version := event.PayloadDefault
		if kind == event.HTTPAPI {
			version = event.PayloadV2
			if v, ok := ip.str("PayloadFormatVersion"); ok && (v == "1.0" || v == "1") {
				version = event.PayloadV1
			}
		}
		ip.ignore("PayloadFormatVersion")
		return gateway.Proxy{Function: fn.ref, PayloadVersion: version, Timeout: timeout}
	case "HTTP_PROXY":
		ip.used["IntegrationMethod"] = true
		return gateway.HTTP{URI: uri, Method: ip.strOr("IntegrationMethod", ""), Timeout: timeout}
	default:
		a.rep.note(ip.where, "integration type %s is not emulated: its routes are left out", typ)
		return nil
	}
}

// v2Authorizers reads an ApiGatewayV2 API's authorizers into api and
// returns their names by physical id.
func (a *App) v2Authorizers(spec *apiSpec, api *gateway.API) map[string]string {
	names := map[string]string{}
	for _, id := range slices.Sorted(maps.Keys(spec.v2auth)) {
		ap := spec.v2auth[id]
		ap.ignore("ApiId", "Name", "AuthorizerCredentialsArn")
		if api.Authorizers == nil {
			api.Authorizers = map[string]gateway.Authorizer{}
		}
		name := id
		names[a.r.physicalID(id)] = name
		sources := ap.strs("IdentitySource")
		switch typ := ap.strOr("AuthorizerType", ""); typ {
		case "JWT":
			jc := ap.obj("JwtConfiguration")
			cfg := jwtauth.Config{Issuer: jc.strOr("Issuer", ""), Audience: jc.strs("Audience")}
			jc.rest()
			if len(sources) > 0 {
				cfg.IdentitySource = sources[0]
			}
			au, err := jwtauth.New(cfg)
			if err != nil {
				a.rep.fail(ap.where, "%v", err)
				continue
			}
			api.Authorizers[name] = au
		case "REQUEST":
			fn := a.authorizerFunction(ap, "AuthorizerUri")
			if fn == nil {
				continue
			}
			la := gateway.LambdaAuthorizer{Function: fn.ref, Type: event.RequestAuthorizer, IdentitySource: sources}
			if spec.kind == event.HTTPAPI {
				la.PayloadVersion = event.PayloadV2
				if v, _ := ap.str("AuthorizerPayloadFormatVersion"); v == "1.0" {
					la.PayloadVersion = event.PayloadV1
				}
				la.SimpleResponses, _ = ap.boolean("EnableSimpleResponses")
			}
			if n, ok := ap.num("AuthorizerResultTtlInSeconds"); ok {
				if n == 0 {
					la.NoCache = true
				} else {
					la.TTL = time.Duration(n) * time.Second
				}
			}
			api.Authorizers[name] = la
		default:
			a.rep.fail(path(ap.where, "AuthorizerType"), "want JWT or REQUEST, not %q", typ)
		}
		ap.rest()
	}
	return names
}

// httpCORS reads an HTTP API's CORS configuration: SAM's
// CorsConfiguration (an object, or true) or an ApiGatewayV2::Api's.
func (a *App) httpCORS(p *props, key string) *cors.Config {
	if on, ok := p.m[key].(bool); ok {
		p.used[key] = true
		if !on {
			return nil
		}
		// true allows every origin (docs/evidence/sam.md#cors).
		return &cors.Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"*"}, AllowHeaders: []string{"*"}}
	}
	c := p.obj(key)
	cfg := &cors.Config{AllowOrigins: c.strs("AllowOrigins"), AllowMethods: c.strs("AllowMethods"),
		AllowHeaders: c.strs("AllowHeaders"), ExposeHeaders: c.strs("ExposeHeaders")}
	cfg.AllowCredentials, _ = c.boolean("AllowCredentials")
	if n, ok := c.num("MaxAge"); ok {
		cfg.MaxAge = n
	}
	c.rest()
	return cfg
}

// urlAPI returns the function URL API of a function.
func (a *App) urlAPI(name string, f *Function, p *props) *API {
	mode := handler.Buffered
	switch m := p.strOr("InvokeMode", "BUFFERED"); m {
	case "BUFFERED":
	case "RESPONSE_STREAM":
		mode = handler.ResponseStream
	default:
		a.rep.fail(path(p.where, "InvokeMode"), "want BUFFERED or RESPONSE_STREAM, not %q", m)
	}
	switch at := p.strOr("AuthType", ""); at {
	case "NONE":
	case "AWS_IAM":
		a.rep.note(path(p.where, "AuthType"), "AWS_IAM is not emulated for function URLs: the URL is served without checking signatures")
	default:
		a.rep.fail(path(p.where, "AuthType"), "want NONE or AWS_IAM, not %q", at)
	}
	if p.has("Cors") {
		p.ignore("Cors")
		a.rep.note(path(p.where, "Cors"), "function URL CORS is not emulated: the function's own CORS headers reach the client")
	}
	api := gateway.API{Kind: event.FunctionURL, ID: a.r.hashID(name, 32), Region: a.opts.Region, AccountID: a.opts.AccountID,
		Routes: gateway.CatchAll(event.FunctionURL, gateway.Proxy{Function: f.ref, InvokeMode: mode})}
	p.rest()
	return &API{Name: name, API: api}
}

// functionURL returns the URL a function's FunctionUrlConfig makes, or
// nil.
func (a *App) functionURL(f *Function) *API {
	v, ok := props0(a.resources[f.LogicalID])["FunctionUrlConfig"]
	if !ok || v == nil {
		return nil
	}
	return a.urlAPI(f.LogicalID+"Url", f, newProps(a.rep, path("Resources", f.LogicalID, "Properties", "FunctionUrlConfig"), v))
}

// lambdaURL reads an AWS::Lambda::Url.
func (a *App) lambdaURL(id string) {
	p := newProps(a.rep, path("Resources", id, "Properties"), a.resources[id]["Properties"])
	target, _ := p.str("TargetFunctionArn")
	fn := a.functionByARN(target)
	if fn == nil {
		a.rep.fail(path(p.where, "TargetFunctionArn"), "%q names no function of the template", target)
		return
	}
	if p.has("Qualifier") {
		p.ignore("Qualifier")
		a.rep.note(path(p.where, "Qualifier"), "versions and aliases are not emulated: the URL invokes $LATEST")
	}
	a.APIs = append(a.APIs, a.urlAPI(id, fn, p))
}
