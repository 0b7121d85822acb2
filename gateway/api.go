package gateway

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
)

// API describes what sits in front of Lambda functions: an API Gateway
// HTTP or REST API, an Application Load Balancer target group, or a
// function URL, with its stages, routes and their integrations, and
// settings. It is configuration data; [New] checks it and builds a
// [Gateway].
type API struct {
	// Kind is the kind of API, named by the event source it sends:
	// event.HTTPAPI (the zero value, event.Unknown, means it too),
	// event.REST, event.WebSocket, event.ALB (a target group without
	// multi-value headers), event.ALBMultiValue (with them) or
	// event.FunctionURL.
	Kind event.Source
	// ID, AccountID and Region appear in events; empty means
	// event.DefaultAPIID, event.DefaultAccountID and event.DefaultRegion.
	ID        string
	AccountID string
	Region    string
	// DomainName is the domain the API is served on, which events carry
	// as requestContext.domainName (and domainPrefix). Empty means the
	// address the local server listens on, or, served in process, the
	// API's default execute-api (or lambda-url) domain. As in AWS, the
	// client's Host header does not choose it.
	DomainName string
	// Stages are the deployed stages of an API Gateway API. None means the
	// "$default" stage for an HTTP API (served at the root) and a "prod"
	// stage for a REST or WebSocket API. HTTP APIs serve a named stage
	// under /NAME/ and $default at the root; REST APIs serve every stage
	// under /NAME/, and WebSocket APIs at /NAME (with the Management API
	// under /NAME/@connections/). ALB
	// target groups and function URLs have no stages.
	Stages []Stage
	// Routes are the routes (HTTP APIs: route keys such as
	// "GET /pets/{id}" or "$default"; WebSocket APIs: "$connect",
	// "$disconnect", "$default" and custom keys) or methods on resources
	// (REST: "GET /pets/{id}", "ANY /{proxy+}"), each with its
	// integration. An
	// ALB target group or a function URL has one route, "$default": the
	// function everything goes to.
	Routes []Route
	// IgnoreTrailingSlash makes an HTTP API match "/pets/" as "/pets":
	// whether HTTP APIs do is unverified, and by default they do not (see
	// route.Config). REST APIs always ignore a trailing slash.
	IgnoreTrailingSlash bool
	// CORS is an HTTP API's CORS configuration; nil means none.
	CORS *cors.Config
	// BinaryMediaTypes are a REST API's binary media types.
	BinaryMediaTypes []string
	// Timeout is the integration timeout: 50 ms to 29 s for REST and
	// WebSocket APIs (default 29 s), 50 ms to 30 s for HTTP APIs (default
	// 30 s). For ALB target groups and function URLs it stands for the function's own timeout,
	// at most Lambda's 15 minutes (the default); a function that runs
	// past it is a function error, 502.
	Timeout time.Duration
	// Limits are the size quotas of requests and outputs; the zero value
	// means AWS's for the kind.
	Limits Limits
	// BodyTimeout bounds the time a client may take to send a request
	// body (when the server supports read deadlines, as net/http's
	// does); zero means [DefaultBodyTimeout].
	BodyTimeout time.Duration
	// Upgrader is the WebSocket protocol under a WebSocket API, which
	// New requires for one: websocket.Upgrader{} of package
	// gateway/websocket. It is a field rather than an import of package
	// gateway's so that programs serving other kinds of API do not carry
	// a WebSocket library.
	Upgrader Upgrader
	// RouteSelectionExpression is a WebSocket API's route selection
	// expression, evaluated on each message's JSON body to find its route
	// (see route.NewWebSocket); empty means "$request.body.action".
	RouteSelectionExpression string
	// Logger receives one structured access line per request; nil means
	// no access log.
	Logger *slog.Logger

	// Authorizers are the API's authorizers by name, which routes name
	// in Route.Authorizer: a [LambdaAuthorizer], a JWT authorizer
	// (gateway/jwtauth), IAM authorization (gateway/iamauth).
	Authorizers map[string]Authorizer
	// ResourcePolicy is a REST API's resource policy, evaluated before
	// any authorizer; nil means none. Resources may use the
	// "execute-api:/STAGE/VERB/PATH" shorthand.
	ResourcePolicy *authorizer.Policy
	// APIKeySource is where a REST API reads the API key of a method that
	// requires one: HeaderKeySource (x-api-key, the default) or
	// AuthorizerKeySource (a Lambda authorizer's usageIdentifierKey).
	APIKeySource APIKeySource
	// APIKeys are a REST API's API keys, and UsagePlans the plans that
	// give them access to stages, with throttling and quotas.
	APIKeys    []APIKey
	UsagePlans []UsagePlan
	// Now is the API's clock, which authorizer caching, throttling,
	// quotas and token lifetimes read; nil means time.Now. Tests set it to
	// move time without sleeping.
	Now func() time.Time
	// GatewayResponses customize a REST API's own answers by type
	// (gatewayresponses.go).
	GatewayResponses map[ResponseType]GatewayResponse
	// MinimumCompressionSize turns on a REST API's response compression:
	// bodies of at least this many bytes (0 to 10,485,760) are compressed
	// for clients that ask (compress.go); nil means no compression.
	MinimumCompressionSize *int
}

// DefaultBodyTimeout is the time a client has to send a request body.
// AWS does not document one; API Gateway's integration timeout (29 s
// and 30 s) bounds a whole request, and this bounds the upload apart.
const DefaultBodyTimeout = 30 * time.Second

// Stage is a deployed stage.
type Stage struct {
	Name      string
	Variables map[string]string
	// AccessLog is the stage's access log in API Gateway's format; the
	// zero value means none (the gateway then logs its own structured
	// line to API.Logger).
	AccessLog AccessLog
	// Tracing is X-Ray active tracing, a REST stage setting: the gateway
	// samples requests and passes its segment id on as the trace's
	// Parent. Without it, a client's trace header is passed on as it is,
	// or a new one made.
	Tracing bool
	// Throttle is the stage's default per-route (HTTP APIs) or per-method
	// (REST) throttle; nil means none. RouteThrottle overrides it for
	// the routes it names by key ("GET /pets/{id}", for REST the method
	// and resource).
	Throttle      *Throttle
	RouteThrottle map[string]Throttle
}

// Route is one route (HTTP API, WebSocket API) or method (REST) and its
// integration.
type Route struct {
	Key         string
	Integration Integration
	// Authorizer names the route's authorizer in API.Authorizers; empty
	// means none.
	Authorizer string
	// AuthorizationScopes are the scopes a JWT authorizer requires: the
	// token must carry at least one of them.
	AuthorizationScopes []string
	// APIKeyRequired makes a REST method require an API key of a usage
	// plan that includes the stage.
	APIKeyRequired bool
	// TwoWay makes a WebSocket route two-way, as a route response does:
	// the body of the integration's output goes back to the client as a
	// message. A one-way route (the default) sends nothing back.
	TwoWay bool
	// Validator checks a REST method's requests before the integration
	// runs, as a request validator does; nil means none.
	Validator Validator
}

// An Integration is what a route calls: [Proxy] (a Lambda proxy
// integration, in process or through the Lambda Invoke API) or [Direct] (a
// handler that answers the method request itself, such as a mapping
// pipeline for a Lambda custom integration or a MOCK).
type Integration interface{ integration() }

// Proxy is a Lambda proxy integration: the gateway sends the function the
// event the source would send, with the route's key, resource and path
// parameters, and turns the function's output into the response as the
// source does.
type Proxy struct {
	// Function is the Lambda function: a [handler.Adapter] runs a Handler
	// in process through the bytes path a deployed function runs, and
	// [Remote] calls one over the Lambda Invoke API.
	Function handler.Invoker
	// PayloadVersion is an HTTP API integration's payload format:
	// event.PayloadV2 (the default) or event.PayloadV1. Other kinds send
	// their only format.
	PayloadVersion event.PayloadVersion
	// InvokeMode is how the function returns its output: handler.Buffered
	// (the default) or handler.ResponseStream, which function URLs
	// (InvokeMode RESPONSE_STREAM) and REST APIs (a streaming integration)
	// support. Streaming needs a Function that is also a
	// handler.StreamInvoker, as an Adapter is.
	InvokeMode handler.InvokeMode
	// Timeout is the integration's own timeout (timeoutInMillis); zero
	// means the API's.
	Timeout time.Duration
}

func (Proxy) integration() {}

// Direct is an integration whose handler receives the method request as an
// event.Request (REST shape for REST APIs) and returns the method
// response: a mapping.Pipeline for a Lambda custom integration or a MOCK.
type Direct struct {
	Handler handler.Handler
	// Timeout is the integration's own timeout (timeoutInMillis); zero
	// means the API's.
	Timeout time.Duration
}

func (Direct) integration() {}

// CatchAll returns the routes that send every request of an API of the
// given kind to one integration: "$default" for HTTP APIs, ALB target
// groups and function URLs; "ANY /" and "ANY /{proxy+}" for REST APIs.
// lambdagate.Start serves a function locally behind them.
func CatchAll(kind event.Source, in Integration) []Route {
	if kind == event.REST {
		return []Route{{Key: "ANY /", Integration: in}, {Key: "ANY /{proxy+}", Integration: in}}
	}
	return []Route{{Key: "$default", Integration: in}}
}

// kind returns the API's kind, HTTPAPI for the zero value.
func (api *API) kind() event.Source {
	if api.Kind == event.Unknown {
		return event.HTTPAPI
	}
	return api.Kind
}

// defaultTimeout returns the integration timeout of kind, which is also
// its largest allowed value.
func defaultTimeout(kind event.Source) time.Duration {
	switch kind {
	case event.REST, event.WebSocket:
		return 29 * time.Second
	case event.HTTPAPI:
		return 30 * time.Second
	}
	return 15 * time.Minute // Lambda's largest function timeout
}

// check reports every problem of api's settings other than its routes.
func (api *API) check() []error {
	var errs []error
	kind := api.kind()
	switch kind {
	case event.HTTPAPI, event.REST, event.ALB, event.ALBMultiValue, event.FunctionURL, event.WebSocket:
	default:
		errs = append(errs, fmt.Errorf("gateway: unknown API kind %v", kind))
	}
	if max := defaultTimeout(kind); api.Timeout != 0 && (api.Timeout < 50*time.Millisecond || api.Timeout > max) {
		errs = append(errs, fmt.Errorf("gateway: timeout %v outside 50ms..%v", api.Timeout, max))
	}
	hasStages := kind == event.HTTPAPI || kind == event.REST || kind == event.WebSocket
	if !hasStages && len(api.Stages) > 0 {
		errs = append(errs, fmt.Errorf("gateway: %v APIs have no stages", kind))
	}
	seen := map[string]bool{}
	for _, s := range api.Stages {
		switch {
		case s.Name == "":
			errs = append(errs, errors.New("gateway: stage with an empty name"))
		case s.Name == "$default" && kind != event.HTTPAPI:
			errs = append(errs, fmt.Errorf(`gateway: %v APIs have no "$default" stage`, kind))
		case strings.ContainsAny(s.Name, "/?#%"):
			errs = append(errs, fmt.Errorf("gateway: invalid stage name %q", s.Name))
		case kind != event.HTTPAPI && !restStageName(s.Name):
			errs = append(errs, fmt.Errorf("gateway: invalid stage name %q: %v stage names have only letters, digits, '-' and '_', at most 128", s.Name, kind))
		}
		if s.Tracing && kind != event.REST {
			errs = append(errs, fmt.Errorf("gateway: stage %q: X-Ray tracing is a REST stage setting", s.Name))
		}
		if seen[s.Name] {
			errs = append(errs, fmt.Errorf("gateway: duplicate stage %q", s.Name))
		}
		seen[s.Name] = true
	}
	if api.CORS != nil && kind != event.HTTPAPI {
		errs = append(errs, fmt.Errorf("gateway: only HTTP APIs have built-in CORS; a %v API answers CORS in its integrations (for REST, cors.NewREST)", kind))
	}
	if m := api.MinimumCompressionSize; m != nil && (kind != event.REST || *m < 0 || *m > MaxMinimumCompressionSize) {
		errs = append(errs, fmt.Errorf("gateway: minimum compression size %d: a REST API setting of 0..%d", *m, MaxMinimumCompressionSize))
	}
	if len(api.BinaryMediaTypes) > 0 && kind != event.REST {
		errs = append(errs, fmt.Errorf("gateway: binary media types are a REST API setting, not a %v one", kind))
	}
	return errs
}

// restStageName reports whether name is a valid REST stage name: letters,
// digits, hyphens and underscores, at most 128 of them
// (docs/evidence/gateway.md#stage-selection).
func restStageName(name string) bool {
	if len(name) > 128 {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkIntegration returns the route's integration, checked for the
// API's kind.
func (api *API) checkIntegration(rt Route) (Integration, error) {
	kind := api.kind()
	switch in := rt.Integration.(type) {
	case *Proxy:
		if in != nil {
			return api.checkIntegration(Route{Key: rt.Key, Integration: *in})
		}
	case *Direct:
		if in != nil {
			return api.checkIntegration(Route{Key: rt.Key, Integration: *in})
		}
	case HTTP:
		return compileHTTP(kind, rt.Key, in)
	case *httpIntegration, *stageIntegration:
		return in, nil
	case Proxy:
		if err := checkOwnTimeout(kind, rt.Key, in.Timeout); err != nil {
			return nil, err
		}
		if in.Function == nil {
			return nil, fmt.Errorf("gateway: route %q: proxy integration without a function", rt.Key)
		}
		v, ok := in.PayloadVersion, true
		switch kind {
		case event.HTTPAPI:
			if v == event.PayloadDefault {
				v = event.PayloadV2
			}
			ok = v == event.PayloadV1 || v == event.PayloadV2
		case event.FunctionURL:
			ok = v == event.PayloadDefault || v == event.PayloadV2
		case event.REST:
			ok = v == event.PayloadDefault || v == event.PayloadV1
		default:
			ok = v == event.PayloadDefault
		}
		if !ok {
			return nil, fmt.Errorf("gateway: route %q: payload version %q is not one a %v API sends", rt.Key, v, kind)
		}
		if kind == event.HTTPAPI {
			in.PayloadVersion = v
		} else {
			in.PayloadVersion = event.PayloadDefault
		}
		if in.InvokeMode == handler.ResponseStream {
			if kind != event.FunctionURL && kind != event.REST {
				return nil, fmt.Errorf("gateway: route %q: %v APIs do not stream responses; function URLs and REST APIs do", rt.Key, kind)
			}
			if _, ok := in.Function.(handler.StreamInvoker); !ok {
				return nil, fmt.Errorf("gateway: route %q: a streaming integration needs a function with InvokeStream, such as a handler.Adapter", rt.Key)
			}
		}
		return in, nil
	case Direct:
		if err := checkOwnTimeout(kind, rt.Key, in.Timeout); err != nil {
			return nil, err
		}
		if in.Handler == nil {
			return nil, fmt.Errorf("gateway: route %q: direct integration without a handler", rt.Key)
		}
		return in, nil
	}
	return nil, fmt.Errorf("gateway: route %q has no integration", rt.Key)
}

// checkOwnTimeout checks an integration's own timeout.
func checkOwnTimeout(kind event.Source, key string, t time.Duration) error {
	if max := defaultTimeout(kind); t != 0 && (t < 50*time.Millisecond || t > max) {
		return fmt.Errorf("gateway: route %q: integration timeout %v outside 50ms..%v", key, t, max)
	}
	return nil
}
