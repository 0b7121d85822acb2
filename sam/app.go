package sam

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/lambdaservice"
)

// An App is a template read for running: its functions and the APIs in
// front of them. Read it with [Open] or [Read]; run it with [Start].
type App struct {
	// Name is the template's name, as Options.Name gives it.
	Name string
	// Functions are the template's functions, by logical ID.
	Functions []*Function
	// APIs are what serves HTTP: the template's APIs by logical ID, then
	// its function URLs.
	APIs []*API
	// Notes are what the template uses and lambdagate does not emulate,
	// each at its place.
	Notes []Note

	dir       string
	opts      Options
	rep       *report
	r         *resolver
	resources map[string]map[string]any // resolved, by logical ID
	fns       map[string]*Function      // by logical ID
	specs     map[string]*apiSpec       // APIs being built, by logical ID
	shared    string                    // the value of SAM's SHARED usage plan key
}

// A Function is one of the template's functions.
type Function struct {
	// LogicalID is the function's logical ID in the template.
	LogicalID string
	// Runtime is the template's Runtime.
	Runtime string
	// BuildMethod is Metadata's BuildMethod: go1.x, makefile, or empty
	// for a CodeUri that holds a built bootstrap.
	BuildMethod string
	// Config is the function's configuration for lambdaservice: its name
	// (FunctionName, or the logical ID), Package (the CodeUri) or
	// Executable, Handler, Environment, Timeout, MemorySize, Architecture
	// and Concurrency (ReservedConcurrentExecutions).
	Config lambdaservice.FunctionConfig
	// Unsupported says why the function does not run locally (a runtime
	// other than Go's, an image, code in S3); empty when it runs. An
	// invoke of an unsupported function fails with a 502 invoke error.
	Unsupported string

	ref *funcRef
}

// Invoker returns the function as its APIs invoke it: it runs on the
// lambdaservice function Start gave it.
func (f *Function) Invoker() handler.Invoker { return f.ref }

// An API is an API of the template, or a function URL, as a gateway
// serves it.
type API struct {
	// Name is the API's logical ID (ServerlessRestApi and
	// ServerlessHttpApi for the implicit APIs), or FUNCTIONUrl for a
	// function's URL, the logical ID SAM gives the AWS::Lambda::Url it
	// makes.
	Name string
	// API is the API, its Lambda integrations invoking the functions'
	// Invoker.
	API gateway.API
	// APIKeys are the values of the API keys of the usage plans SAM makes
	// (Auth.UsagePlan): the cloud generates them, lambdagate makes them
	// up and prints them.
	APIKeys []string
}

// Function returns the function with the given logical ID, or nil.
func (a *App) Function(logicalID string) *Function { return a.fns[logicalID] }

// API returns the API (or function URL) with the given name, or nil.
func (a *App) API(name string) *API {
	for _, api := range a.APIs {
		if api.Name == name {
			return api
		}
	}
	return nil
}

// A funcRef is a function as integrations and authorizers invoke it:
// the lambdaservice function Start binds, or an error saying why the
// function does not run.
type funcRef struct {
	id     string
	fn     atomic.Pointer[lambdaservice.Function]
	refuse *handler.InvokeError // set for a function that never runs
}

func (r *funcRef) target() (*lambdaservice.Function, error) {
	if r.refuse != nil {
		return nil, r.refuse
	}
	f := r.fn.Load()
	if f == nil {
		return nil, &handler.InvokeError{Status: 502, Code: "ServiceException", Message: "function " + r.id + " is not running: the stack has not started, or it has stopped"}
	}
	return f, nil
}

func (r *funcRef) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	f, err := r.target()
	if err != nil {
		return nil, err
	}
	return f.Invoke(ctx, payload)
}

func (r *funcRef) InvokeStream(ctx context.Context, payload []byte) (io.Reader, error) {
	f, err := r.target()
	if err != nil {
		return nil, err
	}
	return f.InvokeStream(ctx, payload)
}

// functionName is Lambda's rule for a function name.
var functionName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// goRuntimes are the runtimes of Go functions.
var goRuntimes = map[string]bool{"provided.al2023": true, "provided.al2": true, "provided": true, "go1.x": true}

// build turns the resolved resources into the App.
func (a *App) build() {
	a.fns = map[string]*Function{}
	a.specs = map[string]*apiSpec{}
	ids := slices.Sorted(maps.Keys(a.resources))
	for _, id := range ids {
		switch a.r.types[id] {
		case "AWS::Serverless::Api", "AWS::ApiGateway::RestApi":
			a.specs[id] = &apiSpec{id: id, kind: event.REST, typ: a.r.types[id], res: a.resources[id]}
		case "AWS::Serverless::HttpApi":
			a.specs[id] = &apiSpec{id: id, kind: event.HTTPAPI, typ: a.r.types[id], res: a.resources[id]}
		case "AWS::ApiGatewayV2::Api":
			kind := event.HTTPAPI
			if pt, _ := props0(a.resources[id])["ProtocolType"].(string); pt == "WEBSOCKET" {
				kind = event.WebSocket
			}
			a.specs[id] = &apiSpec{id: id, kind: kind, typ: a.r.types[id], res: a.resources[id]}
		}
	}
	for _, id := range ids {
		if a.r.types[id] == "AWS::Serverless::Function" {
			a.function(id, a.resources[id])
		}
	}
	var permissions []string
	for _, id := range ids {
		where := path("Resources", id)
		switch typ := a.r.types[id]; typ {
		case "AWS::Serverless::Function", "AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api":
			// read above, or with their API
		case "AWS::ApiGatewayV2::Stage", "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Route",
			"AWS::ApiGatewayV2::RouteResponse", "AWS::ApiGatewayV2::Authorizer", "AWS::ApiGateway::Stage":
			a.apiPart(id, typ)
		case "AWS::ApiGateway::Deployment", "AWS::ApiGatewayV2::Deployment":
			// deploys the stages read above
		case "AWS::Lambda::Permission":
			permissions = append(permissions, id)
		case "AWS::Lambda::Url":
			a.lambdaURL(id)
		default:
			a.rep.note(where, "resource type %s is not emulated", typ)
		}
	}
	if len(permissions) > 0 {
		a.rep.note(path("Resources", permissions[0]), "AWS::Lambda::Permission is not enforced: locally every API and authorizer may invoke every function (%d permissions)", len(permissions))
	}
	for _, id := range slices.Sorted(maps.Keys(a.specs)) {
		if api := a.buildAPI(a.specs[id]); api != nil {
			a.APIs = append(a.APIs, api)
		}
	}
	for _, f := range a.Functions {
		if api := a.functionURL(f); api != nil {
			a.APIs = append(a.APIs, api)
		}
	}
	// APIs first, then function URLs, each by name.
	slices.SortStableFunc(a.APIs, func(x, y *API) int {
		if ux, uy := x.API.Kind == event.FunctionURL, y.API.Kind == event.FunctionURL; ux != uy {
			if ux {
				return 1
			}
			return -1
		}
		return strings.Compare(x.Name, y.Name)
	})
}

// props0 returns a resource's properties.
func props0(res map[string]any) map[string]any {
	p, _ := res["Properties"].(map[string]any)
	return p
}

// function reads an AWS::Serverless::Function.
func (a *App) function(id string, res map[string]any) {
	where := path("Resources", id)
	p := newProps(a.rep, path(where, "Properties"), res["Properties"])
	f := &Function{LogicalID: id, ref: &funcRef{id: id}}
	a.fns[id] = f
	a.Functions = append(a.Functions, f)
	name := a.r.physicalID(id)
	p.ignore("FunctionName")
	if !functionName.MatchString(name) {
		a.rep.fail(path(where, "Properties", "FunctionName"), "invalid function name %q (want 1 to 64 letters, digits, hyphens and underscores)", name)
	}
	f.Config.Name = name
	f.Runtime = p.strOr("Runtime", "")
	unsupported := func(format string, args ...any) {
		if f.Unsupported == "" {
			f.Unsupported = fmt.Sprintf(format, args...)
		}
	}
	if pt := p.strOr("PackageType", "Zip"); pt != "Zip" {
		unsupported("PackageType %s: only Zip functions run locally", pt)
	}
	if p.has("InlineCode") || p.has("ImageUri") {
		p.ignore("InlineCode", "ImageUri")
		unsupported("inline code and images do not run locally")
	}
	if !goRuntimes[f.Runtime] {
		unsupported("runtime %q: only Go functions (provided.al2023, provided.al2, go1.x) run locally", f.Runtime)
	}
	dir := ""
	switch v, _ := p.raw("CodeUri"); v := v.(type) {
	case string:
		if strings.Contains(v, "://") {
			unsupported("CodeUri %q: only a local directory runs", v)
		} else if filepath.IsAbs(v) {
			dir = v
		} else {
			dir = filepath.Join(a.dir, v)
		}
	case nil:
		unsupported("no CodeUri")
	default:
		unsupported("CodeUri in S3: only a local directory runs")
	}
	md := newProps(a.rep, path(where, "Metadata"), res["Metadata"])
	f.BuildMethod = md.strOr("BuildMethod", "")
	if md.has("BuildProperties") {
		a.rep.note(path(where, "Metadata", "BuildProperties"), "not emulated: the function is built with go build's defaults")
	}
	if f.Unsupported == "" && dir != "" {
		switch f.BuildMethod {
		case "go1.x":
			f.Config.Package = dir
		case "makefile":
			f.Config.Package = dir
			// sam build runs the target build-LOGICALID with
			// ARTIFACTS_DIR set (docs/evidence/sam.md#building).
			f.Config.BuildCommand = []string{"make", "build-" + id}
		case "":
			if st, err := os.Stat(filepath.Join(dir, "bootstrap")); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				f.Config.Executable = filepath.Join(dir, "bootstrap")
				f.Config.Dir = dir
			} else {
				f.Config.Package = dir
				a.rep.note(path(where, "Metadata"), "no BuildMethod and no built bootstrap in %s: built with go build, as BuildMethod go1.x would", dir)
			}
		default:
			unsupported("BuildMethod %q: lambdagate builds go1.x and makefile", f.BuildMethod)
		}
	}
	f.Config.Handler = p.strOr("Handler", "")
	if archs := p.strs("Architectures"); len(archs) > 1 {
		a.rep.fail(path(where, "Properties", "Architectures"), "a function has one architecture, not %v", archs)
	} else if len(archs) == 1 {
		f.Config.Architecture = archs[0]
	}
	env := p.obj("Environment")
	f.Config.Environment = env.strMap("Variables")
	env.rest()
	if n, ok := p.num("Timeout"); ok {
		f.Config.Timeout = time.Duration(n) * time.Second
	}
	if n, ok := p.num("MemorySize"); ok {
		f.Config.MemorySize = n
	}
	if n, ok := p.num("ReservedConcurrentExecutions"); ok {
		switch {
		case n == 0:
			// A reserved concurrency of zero throttles every invoke
			// (docs/evidence/sam.md#concurrency).
			f.ref.refuse = &handler.InvokeError{Status: 429, Code: "TooManyRequestsException", Message: "Rate Exceeded."}
		case n < 0:
			a.rep.fail(path(where, "Properties", "ReservedConcurrentExecutions"), "negative concurrency %d", n)
		default:
			f.Config.Concurrency = n
		}
	}
	p.ignore("Description", "Tags", "PropagateTags")
	for _, k := range []string{"Role", "Policies", "AssumeRolePolicyDocument", "PermissionsBoundary", "RolePath"} {
		if p.has(k) {
			p.ignore(k)
			a.rep.note(path(where, "Properties", k), "the execution role is not emulated: the function calls AWS with this machine's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), if any")
		}
	}
	p.ignore("FunctionUrlConfig")
	if f.Unsupported != "" {
		f.ref.refuse = &handler.InvokeError{Status: 502, Code: "ServiceException", Message: "function " + id + " does not run locally: " + f.Unsupported}
		a.rep.note(where, "the function does not run locally: %s; invokes of it fail", f.Unsupported)
	}
	events, _ := p.raw("Events")
	if events != nil {
		em, ok := events.(map[string]any)
		if !ok {
			a.rep.fail(path(where, "Properties", "Events"), "want a mapping of events")
		}
		for _, name := range slices.Sorted(maps.Keys(em)) {
			a.event(f, path(where, "Properties", "Events", name), em[name])
		}
	}
	p.rest()
}

// event reads one of a function's Events.
func (a *App) event(f *Function, where string, v any) {
	e := newProps(a.rep, where, v)
	typ := e.strOr("Type", "")
	switch typ {
	case "Api":
		a.apiEvent(f, where, e.obj("Properties"))
	case "HttpApi":
		a.httpEvent(f, where, e.obj("Properties"))
	default:
		e.ignore("Properties")
		a.rep.note(where, "event source %s is not emulated: invoke the function through the Lambda Invoke API to try it", typ)
	}
	e.rest()
}

// A routeSpec is a route a function's event adds to an API.
type routeSpec struct {
	where   string
	key     string
	fn      *Function
	auth    *props // the event's Auth, nil when unset
	timeout time.Duration
	version event.PayloadVersion
}

// eventAPI returns the API an event names (RestApiId or ApiId), or the
// implicit one.
func (a *App) eventAPI(where, key, implicit string, p *props, kind event.Source) *apiSpec {
	id := implicit
	if p.has(key) {
		phys, _ := p.str(key)
		id = a.r.logical[phys]
		if id == "" {
			id = phys
		}
	} else {
		p.ignore(key)
	}
	spec := a.specs[id]
	if spec == nil || spec.kind != kind {
		want := "an AWS::Serverless::Api"
		if kind == event.HTTPAPI {
			want = "an AWS::Serverless::HttpApi"
		}
		a.rep.fail(path(where, "Properties", key), "%q is not %s of the template: SAM takes a Ref to one", id, want)
		return nil
	}
	return spec
}

// apiEvent reads an Api event: a REST method.
func (a *App) apiEvent(f *Function, where string, p *props) {
	spec := a.eventAPI(where, "RestApiId", implicitRestAPI, p, event.REST)
	pth, okp := p.str("Path")
	method, okm := p.str("Method")
	if !okp || !okm {
		a.rep.fail(where, "an Api event needs a Path and a Method")
		return
	}
	rs := routeSpec{where: where, key: strings.ToUpper(method) + " " + pth, fn: f}
	if p.has("Auth") {
		rs.auth = p.obj("Auth")
	}
	if n, ok := p.num("TimeoutInMillis"); ok {
		rs.timeout = time.Duration(n) * time.Millisecond
	}
	// Request parameters mark parameters required in the method; API
	// Gateway checks them only with a request validator, which an Api
	// event does not add (docs/evidence/sam.md#request-parameters).
	p.ignore("RequestParameters")
	p.rest()
	a.addRoute(spec, rs)
}

// httpEvent reads an HttpApi event: a route.
func (a *App) httpEvent(f *Function, where string, p *props) {
	spec := a.eventAPI(where, "ApiId", implicitHTTPAPI, p, event.HTTPAPI)
	pth, okp := p.str("Path")
	method, okm := p.str("Method")
	rs := routeSpec{where: where, key: "$default", fn: f, version: event.PayloadV2}
	switch {
	case okp && okm:
		rs.key = strings.ToUpper(method) + " " + pth
		if strings.EqualFold(method, "any") {
			rs.key = "ANY " + pth
		}
	case okp || okm:
		a.rep.fail(where, "an HttpApi event needs both Path and Method, or neither (the $default route)")
		return
	}
	if v, ok := p.raw("PayloadFormatVersion"); ok {
		switch s, _ := scalar(v); s {
		case "1.0", "1":
			rs.version = event.PayloadV1
		case "2.0", "2":
		default:
			a.rep.fail(path(where, "Properties", "PayloadFormatVersion"), "want 1.0 or 2.0, not %v", v)
		}
	}
	if p.has("Auth") {
		rs.auth = p.obj("Auth")
	}
	if n, ok := p.num("TimeoutInMillis"); ok {
		rs.timeout = time.Duration(n) * time.Millisecond
	}
	p.rest()
	a.addRoute(spec, rs)
}

// addRoute adds an event's route to its API, refusing a second event
// for the same route, as API Gateway has one integration per route.
func (a *App) addRoute(spec *apiSpec, rs routeSpec) {
	if spec == nil {
		return
	}
	for _, other := range spec.routes {
		if other.key == rs.key {
			a.rep.fail(rs.where, "the route %q of %s is also the route of %s", rs.key, spec.id, other.where)
			return
		}
	}
	spec.routes = append(spec.routes, rs)
}
