package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/iamauth"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/mapping/model"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// Options configure an import.
type Options struct {
	// Name names the definition in errors, such as its file name.
	Name string
	// Kind is event.REST or event.HTTPAPI. Zero reads it from the
	// definition: a SAM template's resource type, or an HTTP API's marks
	// (x-amazon-apigateway-importexport-version, x-amazon-apigateway-cors,
	// payloadFormatVersion, a /$default path); REST otherwise.
	Kind event.Source
	// Functions are the Lambda functions integrations invoke, by the name
	// their URI gives: a function ARN, "name:qualifier", a function name,
	// or for an Fn::Sub URI such as
	// "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${CalcFunction.Arn}/invocations"
	// the SAM logical ID (CalcFunction). A handler.Adapter runs a Handler
	// in process; gateway.Remote calls the Lambda Invoke API.
	Functions map[string]handler.Invoker
	// AnyFunction is the function of every URI that Functions does not
	// name; nil makes such a URI an error.
	AnyFunction handler.Invoker
	// Stages are the stages to serve, with their variables (a definition
	// holds none). Empty means a SAM template's StageName, or "prod"
	// (REST) or "$default" (HTTP API).
	Stages []gateway.Stage
	// HTTPClient sends HTTP integration requests; nil means the
	// gateway's default.
	HTTPClient *http.Client
	// MaxSize is the largest definition read, in bytes; zero means
	// [DefaultMaxSize].
	MaxSize int

	// JWT gives JWT authorizers their keys, by security scheme name or
	// issuer: the key fields of the jwtauth.Config (KeySet, JWKSFile,
	// JWKSURL, Client, CacheTTL, MinRefresh) with the issuer, audiences
	// and identity source of the definition, which the Config's own
	// override when set. Without one, keys are found through the
	// issuer's OpenID discovery document, as API Gateway finds them.
	JWT map[string]jwtauth.Config
	// IAM holds the credentials that callers of IAM-authorized methods
	// (x-amazon-apigateway-authtype awsSigv4, x-amazon-apigateway-auth
	// AWS_IAM) sign with; a definition that asks for IAM authorization
	// without them is an error.
	IAM *iamauth.Config
	// APIKeys and UsagePlans are a REST API's keys and the plans that
	// give them stages, which a definition does not hold. With keys and
	// no plans, one plan without throttle or quota gives every key every
	// stage served.
	APIKeys    []gateway.APIKey
	UsagePlans []gateway.UsagePlan
}

// A Result is an imported definition.
type Result struct {
	// API is the API the definition describes.
	API gateway.API
	// Gateway serves API; Import built it, so that it is checked.
	Gateway *gateway.Gateway
	// Notes are the settings of the definition the local gateway does not
	// emulate, each at its place.
	Notes []Problem
}

// Import reads a definition and returns the API API Gateway would deploy
// from it. A definition API Gateway would refuse, or one whose functions
// Options does not give, is an [*Error] listing every problem.
func Import(src []byte, opts Options) (*Result, error) {
	res, again, err := importOnce(src, opts, false)
	if again {
		res, _, err = importOnce(src, opts, true)
	}
	return res, err
}

// importOnce imports a definition. Without checkRoutes, the route keys
// are parsed and checked for conflicts once, by gateway.New, and a
// definition with any problem asks to be imported again (again) with
// checkRoutes: then each key is also registered in a router of the
// importer's own as its operation is read, so that a malformed or
// conflicting key is reported at its operation, which is then left
// out, as the rest of the definition is read. Registering every route
// once took BenchmarkColdStart/proxy/import 24% less time than twice; a
// definition with problems is read twice instead.
func importOnce(src []byte, opts Options, checkRoutes bool) (res *Result, again bool, err error) {
	r := &report{src: src}
	def := read(src, opts.MaxSize, r)
	if def == nil {
		return nil, false, &Error{Name: opts.Name, Problems: sorted(r.problems)}
	}
	im := &importer{r: r, def: def, doc: def.doc, opts: opts, rs: &resolver{functions: opts.Functions, any: opts.AnyFunction}}
	if checkRoutes {
		im.routes = map[string]string{}
	}
	api := im.api()
	var g *gateway.Gateway
	if len(r.problems) == 0 {
		if g, err = gateway.New(api); err != nil {
			if !checkRoutes {
				return nil, true, nil
			}
			im.gatewayErrors(err)
		}
	}
	if len(r.problems) > 0 {
		if !checkRoutes {
			return nil, true, nil
		}
		return nil, false, &Error{Name: opts.Name, Problems: sorted(r.problems)}
	}
	return &Result{API: api, Gateway: g, Notes: sorted(r.notes)}, false, nil
}

// importer holds one import's state.
type importer struct {
	r      *report
	def    *definition
	doc    *openapi3.T
	opts   Options
	rs     *resolver
	kind   event.Source
	models *model.Set
	// modelNames are the models by schema name; inline request schemas
	// get models of their own.
	modelTexts map[string]string
	validators map[string]mapping.RequestValidator
	defaultVal string
	// routes are the route keys read, each with the pointer of its
	// operation, when the importer checks keys itself (importOnce); nil
	// otherwise.
	routes map[string]string
	// schemes are the security schemes by name; authPtrs the pointers of
	// the API's authorizers by name.
	schemes   map[string]*scheme
	authPtrs  map[string]string
	anyOps    map[*openapi3.PathItem]*openapi3.Operation // x-amazon-apigateway-any-method, built once
	iam       gateway.Authorizer                         // IAM authorization, built once
	iamFailed bool
	keysNoted bool
}

// The extensions this package reads, at the root, on paths and on
// operations. Other x-amazon-apigateway-* extensions are reported.
var (
	rootExtensions = []string{
		"x-amazon-apigateway-binary-media-types", "x-amazon-apigateway-minimum-compression-size",
		"x-amazon-apigateway-gateway-responses", "x-amazon-apigateway-request-validators",
		"x-amazon-apigateway-request-validator", "x-amazon-apigateway-cors",
		"x-amazon-apigateway-importexport-version", keySourceExtension, policyExtension,
	}
	opExtensions = []string{"x-amazon-apigateway-integration", "x-amazon-apigateway-request-validator", authExtension}
	// noted extensions change nothing a local client sees, or ask for
	// what is not emulated; they are reported.
	notedExtensions = map[string]string{
		"x-amazon-apigateway-endpoint-configuration": "endpoint configuration (edge, regional, private; disableExecuteApiEndpoint) is not emulated",
		"x-amazon-apigateway-documentation":          "documentation parts are not emulated",
		"x-amazon-apigateway-tag-value":              "tags are not emulated",
	}
)

func (im *importer) api() gateway.API {
	doc, r := im.doc, im.r
	im.kind = im.detectKind()
	api := gateway.API{Kind: im.kind}
	im.checkExtensions("", doc.Extensions, rootExtensions)
	ext := doc.Extensions
	rest := im.kind == event.REST
	if v, ok := ext["x-amazon-apigateway-binary-media-types"]; ok {
		ptr := "/x-amazon-apigateway-binary-media-types"
		if !rest {
			r.fail(ptr, "binary media types are a REST API setting")
		} else if list, ok := stringList(v); ok {
			for _, t := range list {
				api.BinaryMediaTypes = append(api.BinaryMediaTypes, strings.ReplaceAll(t, "~1", "/"))
			}
		} else {
			r.fail(ptr, "want a list of media types")
		}
	}
	if v, ok := ext["x-amazon-apigateway-minimum-compression-size"]; ok {
		ptr := "/x-amazon-apigateway-minimum-compression-size"
		n, ok := intValue(v)
		switch {
		case !rest:
			r.fail(ptr, "the minimum compression size is a REST API setting")
		case !ok || n < 0 || n > gateway.MaxMinimumCompressionSize:
			r.fail(ptr, "want an integer 0..%d, not %v", gateway.MaxMinimumCompressionSize, v)
		default:
			api.MinimumCompressionSize = &n
		}
	}
	if v, ok := ext["x-amazon-apigateway-gateway-responses"]; ok {
		api.GatewayResponses = im.gatewayResponses(v)
	}
	if v, ok := ext["x-amazon-apigateway-cors"]; ok {
		ptr := "/x-amazon-apigateway-cors"
		var c cors.Config
		if rest {
			r.fail(ptr, "x-amazon-apigateway-cors is an HTTP API setting; REST APIs answer CORS in their methods")
		} else if err := decodeStrict(v, &c); err != nil {
			r.fail(ptr, "%v", err)
		} else if _, err := cors.New(c); err != nil {
			r.fail(ptr, "%v", err)
		} else {
			api.CORS = &c
		}
	}
	im.readValidators()
	im.readModels()
	api.Stages = im.stages()
	im.readSecurity(&api)
	api.Routes = im.routesOf(&api)
	if len(api.APIKeys) > 0 && len(api.UsagePlans) == 0 {
		api.UsagePlans = []gateway.UsagePlan{localPlan(api)}
	}
	return api
}

// localPlan is the usage plan that gives every key of api every stage
// it serves.
func localPlan(api gateway.API) gateway.UsagePlan {
	p := gateway.UsagePlan{ID: "local"}
	for _, s := range api.Stages {
		p.Stages = append(p.Stages, s.Name)
	}
	if len(p.Stages) == 0 {
		p.Stages = []string{"prod"} // a REST API's default stage
	}
	for _, k := range api.APIKeys {
		p.Keys = append(p.Keys, k.ID)
	}
	return p
}

// detectKind returns the kind of API the definition is.
func (im *importer) detectKind() event.Source {
	if im.opts.Kind != event.Unknown {
		return im.opts.Kind
	}
	switch im.def.samKind {
	case "rest":
		return event.REST
	case "http":
		return event.HTTPAPI
	}
	ext := im.doc.Extensions
	if _, ok := ext["x-amazon-apigateway-importexport-version"]; ok {
		return event.HTTPAPI
	}
	if _, ok := ext["x-amazon-apigateway-cors"]; ok {
		return event.HTTPAPI
	}
	if im.doc.Paths != nil {
		var ops []op
		for path, pi := range im.doc.Paths.Map() {
			if path == "/$default" {
				return event.HTTPAPI
			}
			ops = im.operations(ops[:0], pi, path)
			for _, op := range ops {
				if m, ok := op.op.Extensions["x-amazon-apigateway-integration"].(map[string]any); ok {
					if _, ok := m["payloadFormatVersion"]; ok {
						return event.HTTPAPI
					}
					if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#/components/x-amazon-apigateway-integrations/") {
						return event.HTTPAPI
					}
				}
			}
		}
	}
	return event.REST
}

// checkExtensions reports the x-amazon-apigateway-* extensions at ptr
// that are not in known: refused, noted or unknown.
func (im *importer) checkExtensions(ptr string, ext map[string]any, known []string) {
	var keys []string
	for k := range ext {
		if strings.HasPrefix(k, "x-amazon-apigateway-") && !slices.Contains(known, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := join(ptr, k)
		switch {
		case notedExtensions[k] != "":
			im.r.note(p, "%s", notedExtensions[k])
		default:
			im.r.note(p, "unknown or misplaced extension %s: ignored", k)
		}
	}
}

// stages returns the stages to serve.
func (im *importer) stages() []gateway.Stage {
	if len(im.opts.Stages) > 0 {
		return im.opts.Stages
	}
	if s := im.def.stage; s != "" {
		return []gateway.Stage{{Name: s, Variables: im.def.stageVars}}
	}
	if v, ok := im.doc.Extensions[stagesExtension]; ok {
		var st []struct {
			Name      string            `json:"name"`
			Variables map[string]string `json:"variables"`
		}
		if err := decodeStrict(v, &st); err != nil {
			im.r.fail(pointer(stagesExtension), "%v", err)
			return nil
		}
		var stages []gateway.Stage
		for _, s := range st {
			stages = append(stages, gateway.Stage{Name: s.Name, Variables: s.Variables})
		}
		return stages
	}
	return nil
}

// op is an operation with its method and pointer.
type op struct {
	isDefault bool   // x-amazon-apigateway-any-method with isDefaultRoute
	method    string // GET, ..., or ANY
	key       string // the token under the path: "get", "x-amazon-apigateway-any-method"
	op        *openapi3.Operation
}

// operations returns a path item's operations,
// x-amazon-apigateway-any-method included, in method order, appended to
// ops (whose array callers reuse from path to path).
func (im *importer) operations(ops []op, pi *openapi3.PathItem, path string) []op {
	for i, m := range methods {
		if o := pi.GetOperation(m); o != nil {
			ops = append(ops, op{method: m, key: pathMethods[i], op: o})
		}
	}
	for m, o := range pi.AdditionalOperations {
		if shadowed := slices.Contains(methods, m) && pi.GetOperation(m) != nil; o != nil && !shadowed {
			ops = append(ops, op{method: strings.ToUpper(m), key: strings.ToLower(m), op: o})
		}
	}
	if v, ok := pi.Extensions["x-amazon-apigateway-any-method"]; ok {
		key := "x-amazon-apigateway-any-method"
		o, built := im.anyOps[pi]
		if !built {
			// Built once: its problems are reported once.
			if o = im.def.b.operation(v, path, key); o == nil {
				o = &openapi3.Operation{}
			}
			if im.anyOps == nil {
				im.anyOps = map[*openapi3.PathItem]*openapi3.Operation{}
			}
			im.anyOps[pi] = o
		}
		d, _ := v.(map[string]any)["isDefaultRoute"].(bool)
		ops = append(ops, op{method: "ANY", key: key, op: o, isDefault: d})
	}
	slices.SortFunc(ops, func(a, b op) int { return strings.Compare(a.method, b.method) })
	return ops
}

// segmentChars are the characters API Gateway allows in a path segment.
func validSegment(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.,:{}+$", c) >= 0) {
			return false
		}
	}
	return true
}

// routesOf reads every path's operations.
func (im *importer) routesOf(api *gateway.API) []gateway.Route {
	r := im.r
	if im.doc.Paths == nil {
		return nil
	}
	var check *route.Router
	if im.routes != nil {
		check = route.New(route.Config{Source: im.kind})
	}
	routes := make([]gateway.Route, 0, im.doc.Paths.Len())
	var ops []op
	for _, path := range slices.Sorted(maps.Keys(im.doc.Paths.Map())) {
		pi := im.doc.Paths.Value(path)
		// The pointers of a path and its operations are written only to
		// report on them or to find them again.
		pptr := func() string { return pointer("paths", path) }
		if len(pi.Extensions) > 0 {
			im.checkExtensions(pptr(), pi.Extensions, []string{"x-amazon-apigateway-any-method"})
		}
		if !strings.HasPrefix(path, "/") {
			r.fail(pptr(), "path %q does not start with /", path)
			continue
		}
		bad := false
		for seg := range strings.SplitSeq(path[1:], "/") {
			if !validSegment(seg) {
				r.fail(pptr(), "path segment %q: API Gateway allows letters, digits, _ - . , : and {name} parameters", seg)
				bad = true
				break
			}
		}
		if bad {
			continue
		}
		ops = im.operations(ops[:0], pi, path)
		for _, o := range ops {
			// The operation's pointer begins its integration's: one string.
			iptr := pointer("paths", path, o.key, "x-amazon-apigateway-integration")
			ptr := iptr[:len(iptr)-len("/x-amazon-apigateway-integration")]
			key := o.method + " " + path
			if im.kind == event.HTTPAPI && (path == "/$default" || o.isDefault) {
				if o.method != "ANY" {
					r.fail(ptr, "the $default route takes x-amazon-apigateway-any-method only")
					continue
				}
				key = "$default"
			}
			im.checkExtensions(ptr, o.op.Extensions, opExtensions)
			if check != nil {
				if err := check.Register(key, noop); err != nil {
					var ce *route.ConflictError
					if errors.As(err, &ce) {
						r.fail(ptr, "%q conflicts with %q (%s): %s", ce.Route, ce.Existing, im.routes[ce.Existing], ce.Reason)
					} else {
						r.fail(pptr(), "%s", strings.TrimPrefix(err.Error(), "route: "))
					}
					continue
				}
				im.routes[key] = ptr
			}
			rt, ok := im.routeOf(key, ptr, iptr, pi, o)
			if !im.routeSecurity(api, &rt, ptr, o) || !ok {
				continue
			}
			routes = append(routes, rt)
		}
	}
	return routes
}

var noop = handler.Func(func(context.Context, *event.Request) (*response.Response, error) { return nil, nil })

// xIntegration is an x-amazon-apigateway-integration object.
type xIntegration struct {
	Type                 string                       `json:"type"`
	URI                  any                          `json:"uri"`
	HTTPMethod           string                       `json:"httpMethod"`
	ConnectionType       string                       `json:"connectionType"`
	ConnectionID         string                       `json:"connectionId"`
	Credentials          any                          `json:"credentials"`
	PassthroughBehavior  string                       `json:"passthroughBehavior"`
	ContentHandling      string                       `json:"contentHandling"`
	TimeoutInMillis      any                          `json:"timeoutInMillis"`
	PayloadFormatVersion any                          `json:"payloadFormatVersion"`
	IntegrationSubtype   string                       `json:"integrationSubtype"`
	RequestParameters    map[string]string            `json:"requestParameters"`
	RequestTemplates     map[string]string            `json:"requestTemplates"`
	Responses            map[string]xResponse         `json:"responses"`
	ResponseParameters   map[string]map[string]string `json:"responseParameters"`
	CacheKeyParameters   []string                     `json:"cacheKeyParameters"`
	CacheNamespace       string                       `json:"cacheNamespace"`
	TLSConfig            any                          `json:"tlsConfig"`
	ResponseTransferMode string                       `json:"responseTransferMode"`
	Description          string                       `json:"description"`
}

// xResponse is an x-amazon-apigateway-integration.response object.
type xResponse struct {
	StatusCode         any               `json:"statusCode"`
	ResponseParameters map[string]string `json:"responseParameters"`
	ResponseTemplates  map[string]string `json:"responseTemplates"`
	ContentHandling    string            `json:"contentHandling"`
}

// integrationOf returns an operation's integration object and its
// pointer, following a $ref to components/x-amazon-apigateway-integrations;
// ptr is the operation's pointer and iptr the pointer of its
// x-amazon-apigateway-integration.
func (im *importer) integrationOf(ptr, iptr string, o op) (*xIntegration, string, bool) {
	v, ok := o.op.Extensions["x-amazon-apigateway-integration"]
	if !ok {
		im.r.fail(ptr, "no x-amazon-apigateway-integration: API Gateway cannot deploy a method without an integration")
		return nil, "", false
	}
	if m, isMap := v.(map[string]any); isMap {
		if ref, isRef := m["$ref"].(string); isRef {
			name, found := strings.CutPrefix(ref, "#/components/x-amazon-apigateway-integrations/")
			var target any
			if found && im.doc.Components != nil {
				if all, ok := im.doc.Components.Extensions["x-amazon-apigateway-integrations"].(map[string]any); ok {
					target, found = all[name]
				} else {
					found = false
				}
			}
			if !found {
				im.r.fail(join(iptr, "$ref"), "$ref %q does not name an integration of components/x-amazon-apigateway-integrations", ref)
				return nil, "", false
			}
			v, iptr = target, pointer("components", "x-amazon-apigateway-integrations", name)
		}
	}
	in, err := decodeIntegration(v)
	if err != nil {
		im.r.fail(iptr, "%v", err)
		return nil, "", false
	}
	return in, iptr, true
}

// routeOf builds the route of one operation, at ptr, whose
// x-amazon-apigateway-integration is at iptr.
func (im *importer) routeOf(key, ptr, iptr string, pi *openapi3.PathItem, o op) (gateway.Route, bool) {
	r := im.r
	in, iptr, ok := im.integrationOf(ptr, iptr, o)
	if !ok {
		return gateway.Route{}, false
	}
	rt := gateway.Route{Key: key}
	rest := im.kind == event.REST
	typ := strings.ToLower(in.Type)
	switch typ {
	case "aws_proxy", "http_proxy", "aws", "mock", "http":
	default:
		r.fail(join(iptr, "type"), "unknown integration type %q (want aws_proxy, aws, http_proxy, http or mock)", in.Type)
		return rt, false
	}
	timeout, timeoutOK := im.timeout(iptr, in)
	for _, f := range [...]struct {
		name string
		set  bool
	}{
		{"contentHandling", in.ContentHandling != ""},
		{"cacheKeyParameters", len(in.CacheKeyParameters) > 0},
		{"credentials", in.Credentials != nil},
		{"tlsConfig", in.TLSConfig != nil},
		{"responseTransferMode", in.ResponseTransferMode != "" && !strings.EqualFold(in.ResponseTransferMode, "BUFFERED")},
	} {
		if f.set {
			r.note(join(iptr, f.name), "%s is not emulated", f.name)
		}
	}
	if strings.EqualFold(in.ConnectionType, "VPC_LINK") {
		r.note(join(iptr, "connectionType"), "private integrations through a VPC link are not emulated: the route answers 500")
		rt.Integration = im.notEmulated()
		return rt, true
	} else if in.ConnectionType != "" && !strings.EqualFold(in.ConnectionType, "INTERNET") {
		r.fail(join(iptr, "connectionType"), "unknown connection type %q (want INTERNET or VPC_LINK)", in.ConnectionType)
		return rt, false
	}
	uriText := ""
	if in.URI != nil {
		t, err := uriString(in.URI)
		if err != nil {
			r.fail(join(iptr, "uri"), "%v", err)
			return rt, false
		}
		uriText = t
	} else if typ != "mock" {
		r.fail(iptr, "a %s integration needs a uri", in.Type)
		return rt, false
	}
	switch typ {
	case "aws_proxy":
		if !rest {
			if in.IntegrationSubtype != "" {
				r.note(join(iptr, "integrationSubtype"), "AWS service integrations (%s) are not emulated: the route answers 500", in.IntegrationSubtype)
				rt.Integration = im.notEmulated()
				return rt, true
			}
			if len(in.RequestParameters) > 0 {
				r.note(join(iptr, "requestParameters"), "parameter mapping on Lambda proxy integrations is not emulated")
			}
			if len(in.ResponseParameters) > 0 {
				r.note(join(iptr, "responseParameters"), "parameter mapping on Lambda proxy integrations is not emulated")
			}
		} else if len(in.RequestParameters) > 0 {
			r.note(join(iptr, "requestParameters"), "Lambda proxy integrations send the whole request: request parameters do not apply")
		}
		v, ok := im.payloadVersion(iptr, in)
		if !ok {
			return rt, false
		}
		rt.Integration = im.lambda(iptr, in, uriText, func(fn handler.Invoker) gateway.Integration {
			return gateway.Proxy{Function: Function{URI: in.URI, Invoker: fn}, PayloadVersion: v, Timeout: timeout}
		})
	case "http_proxy":
		if rest && len(in.ResponseParameters) > 0 {
			r.fail(join(iptr, "responseParameters"), "REST integrations map responses in responses.*.responseParameters")
			return rt, false
		}
		if _, ok := im.payloadVersion(iptr, in); !ok {
			return rt, false
		}
		make := func(uri string) gateway.HTTP {
			return gateway.HTTP{URI: uri, Method: in.HTTPMethod, RequestParameters: in.RequestParameters,
				ResponseParameters: in.ResponseParameters, Timeout: timeout, Client: im.opts.HTTPClient}
		}
		if strings.Contains(uriText, "${stageVariables.") {
			rt.Integration = gateway.StageURI{URI: uriText, Integration: func(uri string) (gateway.Integration, error) { return make(uri), nil }}
		} else {
			rt.Integration = make(uriText)
		}
	case "aws", "mock", "http":
		if !rest {
			r.fail(join(iptr, "type"), "HTTP APIs have no %s integrations (want aws_proxy or http_proxy)", in.Type)
			return rt, false
		}
		m, ok := im.method(key, iptr, in)
		if !ok {
			return rt, false
		}
		build := func(m mapping.Method, uri any) (gateway.Integration, error) {
			p, err := mapping.NewPipeline(m)
			if err != nil {
				return nil, err
			}
			return gateway.Direct{Handler: Custom{URI: uri, Pipeline: p}, Timeout: timeout}, nil
		}
		switch typ {
		case "mock":
			m.Integration.Type = mapping.TypeMock
			in, err := build(m, in.URI)
			if err != nil {
				r.fail(iptr, "%v", err)
				return rt, false
			}
			rt.Integration = in
		case "http":
			m.Integration.Type = mapping.TypeHTTP
			m.Integration.HTTPMethod = strings.ToUpper(in.HTTPMethod)
			if m.Integration.HTTPMethod == "ANY" {
				m.Integration.HTTPMethod = ""
			}
			withURI := func(uri string) (gateway.Integration, error) {
				u, err := url.Parse(uri)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return nil, fmt.Errorf("URI %q is not an absolute http or https URL", uri)
				}
				mm := m
				mm.Integration.Backend = gateway.HTTPBackend{URL: u.Scheme + "://" + u.Host, Client: im.opts.HTTPClient}
				mm.Integration.Path = strings.TrimPrefix(uri, u.Scheme+"://"+u.Host)
				if mm.Integration.Path == "" {
					mm.Integration.Path = "/"
				}
				return build(mm, in.URI)
			}
			if strings.Contains(uriText, "${stageVariables.") {
				rt.Integration = gateway.StageURI{URI: uriText, Integration: withURI}
			} else {
				in, err := withURI(uriText)
				if err != nil {
					r.fail(join(iptr, "uri"), "%v", err)
					return rt, false
				}
				rt.Integration = in
			}
		case "aws":
			if service, ok := integrationService(uriText); ok && service != "lambda" {
				r.note(join(iptr, "uri"), "AWS service integrations (%s) are not emulated: the route answers 500", service)
				rt.Integration = im.notEmulated()
				return rt, true
			}
			m.Integration.Type = mapping.TypeAWS
			rt.Integration = im.lambda(iptr, in, uriText, func(fn handler.Invoker) gateway.Integration {
				mm := m
				mm.Integration.Function = fn.Invoke
				integ, err := build(mm, in.URI)
				if err != nil {
					r.fail(iptr, "%v", err)
					return nil
				}
				return integ
			})
		}
	default:
		r.fail(join(iptr, "type"), "unknown integration type %q (want aws_proxy, aws, http_proxy, http or mock)", in.Type)
		return rt, false
	}
	if rt.Integration == nil || !timeoutOK {
		return rt, false
	}
	if rest {
		rt.Validator = im.validator(key, ptr, pi, o)
	}
	return rt, true
}

// lambda resolves the function of a Lambda integration URI and builds
// the integration with make; a URI with stage variables resolves per
// stage.
func (im *importer) lambda(iptr string, in *xIntegration, uri string, make func(handler.Invoker) gateway.Integration) gateway.Integration {
	if strings.Contains(uri, "${stageVariables.") {
		return gateway.StageURI{URI: uri, Integration: func(u string) (gateway.Integration, error) {
			if strings.Contains(u, "${stageVariables.") {
				// Unfilled: describe the integration for exports.
				return make(placeholder{}), nil
			}
			fn, err := im.rs.function(u)
			if err != nil {
				return nil, err
			}
			if integ := make(fn); integ != nil {
				return integ, nil
			}
			return nil, errors.New("openapi: integration could not be built")
		}}
	}
	if !strings.EqualFold(in.HTTPMethod, "POST") && in.HTTPMethod != "" {
		im.r.fail(join(iptr, "httpMethod"), "Lambda integrations are invoked with POST, not %q", in.HTTPMethod)
		return nil
	}
	fn, err := im.rs.function(uri)
	if err != nil {
		im.r.fail(join(iptr, "uri"), "%v", err)
		return nil
	}
	return make(fn)
}

// placeholder stands for a function a stage variable names, in the
// description of an integration.
type placeholder struct{}

func (placeholder) Invoke(context.Context, []byte) ([]byte, error) {
	return nil, errors.New("openapi: a placeholder function was invoked")
}

// notEmulated is the integration of a method whose integration the local
// gateway cannot run: 500 with the kind's error body.
func (im *importer) notEmulated() gateway.Integration {
	msg := "Internal server error"
	if im.kind == event.HTTPAPI {
		msg = "Internal Server Error"
	}
	return gateway.Direct{Handler: notEmulated(msg)}
}

type notEmulated string

func (m notEmulated) Serve(context.Context, *event.Request) (*response.Response, error) {
	return response.Error(http.StatusInternalServerError, string(m)), nil
}

// timeout reads timeoutInMillis.
func (im *importer) timeout(iptr string, in *xIntegration) (time.Duration, bool) {
	if in.TimeoutInMillis == nil {
		return 0, true
	}
	n, ok := intValue(in.TimeoutInMillis)
	max := 29000
	if im.kind == event.HTTPAPI {
		max = 30000
	}
	if !ok || n < 50 || n > max {
		im.r.fail(join(iptr, "timeoutInMillis"), "want an integer 50..%d, not %v", max, in.TimeoutInMillis)
		return 0, false
	}
	return time.Duration(n) * time.Millisecond, true
}

// payloadVersion reads payloadFormatVersion.
func (im *importer) payloadVersion(iptr string, in *xIntegration) (event.PayloadVersion, bool) {
	const field = "payloadFormatVersion"
	v := ""
	switch p := in.PayloadFormatVersion.(type) {
	case nil:
	case string:
		v = p
	case float64:
		v = strconv.FormatFloat(p, 'f', 1, 64)
	}
	if im.kind == event.REST {
		if in.PayloadFormatVersion != nil && v != "1.0" {
			im.r.fail(join(iptr, field), "REST APIs send payload format 1.0 only")
			return "", false
		}
		return event.PayloadDefault, true
	}
	switch {
	case v == "" && strings.EqualFold(in.Type, "http_proxy"):
		return event.PayloadV1, true
	case v == "":
		im.r.fail(iptr, "payloadFormatVersion is required for HTTP API Lambda integrations (1.0 or 2.0)")
	case v == "1.0":
		return event.PayloadV1, true
	case v == "2.0" && strings.EqualFold(in.Type, "aws_proxy"):
		return event.PayloadV2, true
	default:
		im.r.fail(join(iptr, field), "payload format %q: want 1.0 or, for Lambda, 2.0", v)
	}
	return "", false
}

// method builds the mapping method of a REST custom integration, without
// its validation (which the route's validator does).
func (im *importer) method(key, iptr string, in *xIntegration) (mapping.Method, bool) {
	m := mapping.Method{Name: key, Integration: mapping.Integration{
		PassthroughBehavior: mapping.PassthroughBehavior(strings.ToUpper(in.PassthroughBehavior)),
		RequestParameters:   in.RequestParameters,
		RequestTemplates:    in.RequestTemplates,
	}}
	ok := true
	for _, pattern := range slices.Sorted(maps.Keys(in.Responses)) {
		resp := in.Responses[pattern]
		rptr := join(iptr, "responses", pattern)
		status, good := intValue(resp.StatusCode)
		if !good {
			im.r.fail(join(rptr, "statusCode"), "want a status code, not %v", resp.StatusCode)
			ok = false
			continue
		}
		if resp.ContentHandling != "" {
			im.r.note(join(rptr, "contentHandling"), "contentHandling is not emulated")
		}
		sel := pattern
		if pattern == "default" {
			sel = ""
		}
		m.Integration.Responses = append(m.Integration.Responses, mapping.IntegrationResponse{
			StatusCode: status, SelectionPattern: sel,
			ResponseParameters: resp.ResponseParameters, ResponseTemplates: resp.ResponseTemplates,
		})
	}
	return m, ok
}

// gatewayErrors reports the errors gateway.New found, at the operation
// whose route each names.
func (im *importer) gatewayErrors(err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		if e == nil {
			continue
		}
		msg := e.Error()
		ptr := ""
		for key, p := range im.routes {
			if strings.Contains(msg, strconv.Quote(key)) {
				ptr = p
				break
			}
		}
		if ptr == "" {
			for name, p := range im.authPtrs {
				if strings.Contains(msg, "authorizer "+strconv.Quote(name)) {
					ptr = p
					break
				}
			}
		}
		if ptr == "" && strings.Contains(msg, "resource polic") {
			ptr = pointer(policyExtension)
		}
		im.r.fail(ptr, "%s", msg)
	}
}

// intValue reads an integer written as a number or a string.
func intValue(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		if n == float64(int(n)) {
			return int(n), true
		}
	case string:
		i, err := strconv.Atoi(strings.TrimSpace(n))
		return i, err == nil
	case json.Number:
		i, err := strconv.Atoi(string(n))
		return i, err == nil
	}
	return 0, false
}

// stringList reads a list of strings.
func stringList(v any) ([]string, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
