package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/jsonx"
	"github.com/lambdagate/lambdagate/response"
)

// An Authorizer decides whether a request may reach its route's
// integration: a [LambdaAuthorizer], a JWT authorizer (package
// gateway/jwtauth), IAM authorization (package gateway/iamauth), or any
// other value with these methods. An API names its authorizers in
// [API.Authorizers] and each route names the one that guards it.
//
// Authorize returns the grant that lets the request through, or an
// error: a *[Refusal] is answered as it is (403 and the like);
// authorizer.ErrUnauthorized, the error a Lambda authorizer function
// returns to refuse a caller, is 401 {"message":"Unauthorized"}; any
// other error is an authorizer failure, which the gateway answers as AWS
// does (REST 500 {"message": null}, HTTP APIs 500). Authorize is called
// concurrently.
type Authorizer interface {
	Authorize(ctx context.Context, req *AuthRequest) (*Grant, error)
}

// A Checker is an Authorizer that can say, when the gateway is built,
// what is wrong with its configuration for an API of the given kind.
type Checker interface {
	Check(kind event.Source) error
}

// AuthRequest is what an [Authorizer] sees of a request. The gateway owns
// it: an authorizer reads it during Authorize and keeps nothing of it.
type AuthRequest struct {
	// Kind is the API's kind (REST, HTTPAPI or WebSocket) and Payload the payload
	// version of the route's integration (HTTP APIs), which shapes the
	// authorizer context the integration receives.
	Kind    event.Source
	Payload event.PayloadVersion
	// HTTP is the client's request (a WebSocket API's handshake); its
	// body has been read into Body.
	HTTP *http.Request
	Body []byte
	// Stage and StageVariables are the request's stage; RouteKey its
	// route key (HTTP APIs) or method and resource (REST, "GET
	// /pets/{id}"); Method and Path the method and the path after the
	// stage (as sent for REST, decoded for HTTP APIs).
	Stage          string
	StageVariables map[string]string
	RouteKey       string
	Method         string
	Path           string
	// Scopes are the route's authorization scopes (JWT authorizers).
	Scopes []string
	// Time is when the gateway received the request, on the API's clock
	// ([API.Now]).
	Time      time.Time
	RequestID string
	SourceIP  string

	g   *Gateway
	x   *exchange
	arn []byte // the method ARN, built once
}

// ARN returns the request's method ARN (REST, HTTP API payload 1.0) or
// route ARN (payload 2.0, WebSocket: …/STAGE/$connect), as authorizers
// receive it and policies match it.
func (r *AuthRequest) ARN() string { return string(r.arnBytes()) }

// arnBytes returns the ARN without converting it to a string.
func (r *AuthRequest) arnBytes() []byte {
	if len(r.arn) == 0 {
		if r.Kind == event.WebSocket {
			// A WebSocket route's ARN ends in its route key [DOC]
			// (docs/evidence/websocket.md#authorizers).
			r.arn = r.g.appendARN(r.x.auth.arnBuf[:0], r.Stage, r.RouteKey, "")
		} else {
			r.arn = r.g.appendARN(r.x.auth.arnBuf[:0], r.Stage, r.Method, r.Path)
		}
	}
	return r.arn
}

// appendARN appends the ARN of a method or route of the API.
func (g *Gateway) appendARN(b []byte, stage, method, path string) []byte {
	return event.ARN{Region: g.region, AccountID: g.accountID, APIID: g.apiID, Stage: stage, Method: method, Path: path}.Append(b)
}

// A Grant is an authorizer's yes: what the integration's event carries
// about the caller.
type Grant struct {
	// Context is requestContext.authorizer, as JSON: for HTTP API payload
	// 2.0 the whole object ({"jwt":…}, {"lambda":…} or {"iam":…}); for
	// REST and payload 1.0 the flat object. Nil means none.
	Context json.RawMessage
	// Identity, when set, replaces the caller fields of
	// requestContext.identity (REST and payload 1.0): the signer of an
	// IAM-authorized request.
	Identity *event.Identity
	// PrincipalARN and PrincipalAccount name a caller that signed its
	// request, for a resource policy's principals (aws:PrincipalArn).
	PrincipalARN, PrincipalAccount string
	// UsageIdentifierKey is the API key a Lambda authorizer names, for
	// REST APIs whose APIKeySource is AUTHORIZER.
	UsageIdentifierKey string
}

// apply puts the grant into an integration's event; a nil grant puts
// nothing.
func (gr *Grant) apply(ev *event.Request) {
	if gr == nil {
		return
	}
	if gr.Context != nil {
		ev.Authorizer.JSON = gr.Context
	}
	if gr.Identity != nil {
		ev.Context.Identity = *gr.Identity
	}
}

// A Refusal is the error an [Authorizer] returns to refuse a request:
// the gateway answers with its status, body and headers, and, for REST
// APIs, x-amzn-ErrorType.
type Refusal struct {
	Status int
	// Body is the JSON body; [Refuse] writes {"message": …}.
	Body []byte
	// ErrorType is the x-amzn-ErrorType value REST APIs send.
	ErrorType string
	// Header holds extra headers, such as a JWT authorizer's
	// WWW-Authenticate.
	Header http.Header
	// Reason says why, for logs; it is not sent.
	Reason string
}

// Refuse returns a Refusal with the body {"message": message}.
func Refuse(status int, message, errorType, reason string) *Refusal {
	body := jsonx.AppendString([]byte(`{"message":`), message)
	return &Refusal{Status: status, Body: append(body, '}'), ErrorType: errorType, Reason: reason}
}

func (r *Refusal) Error() string {
	if r.Reason != "" {
		return fmt.Sprintf("gateway: refused with %d: %s", r.Status, r.Reason)
	}
	return fmt.Sprintf("gateway: refused with %d %s", r.Status, r.Body)
}

// response returns the refusal as the API of kind answers it.
func (r *Refusal) response(kind event.Source) *response.Response {
	resp := response.RawJSON(r.Status, r.Body)
	if kind == event.REST && r.ErrorType != "" {
		resp.Header.Add("x-amzn-ErrorType", r.ErrorType)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			resp.Header.Add(k, v)
		}
	}
	return resp
}

// The answers of the authorization step, each defined once
// (docs/evidence/authorizers.md#rest-outcomes,
// docs/evidence/authorizers.md#http-api-lambda-authorizers).
var (
	refuseUnauthorized = &Refusal{Status: http.StatusUnauthorized, Body: []byte(`{"message":"Unauthorized"}`), ErrorType: "UnauthorizedException"}
	refuseForbidden    = &Refusal{Status: http.StatusForbidden, Body: []byte(`{"message":"Forbidden"}`), ErrorType: "ForbiddenException"}
	refuseImplicit     = &Refusal{Status: http.StatusForbidden, Body: []byte(`{"Message":"User is not authorized to access this resource"}`), ErrorType: "AccessDeniedException"}
	refuseExplicit     = &Refusal{Status: http.StatusForbidden, Body: []byte(`{"Message":"User is not authorized to access this resource with an explicit deny"}`), ErrorType: "AccessDeniedException"}
	refuseThrottled    = &Refusal{Status: http.StatusTooManyRequests, Body: []byte(`{"message":"Too Many Requests"}`), ErrorType: "TooManyRequestsException"}
	refuseQuota        = &Refusal{Status: http.StatusTooManyRequests, Body: []byte(`{"message":"Limit Exceeded"}`), ErrorType: "LimitExceededException"}
	refuseARNTooLong   = &Refusal{Status: http.StatusRequestURITooLong, Body: []byte(`{"message":"Request-URI Too Long"}`)}
)

// ErrForbidden is an HTTP API authorizer's refusal of a caller it knows:
// 403 {"message":"Forbidden"}.
var ErrForbidden error = refuseForbidden

// authorizerFailure is the answer when an authorizer fails or returns
// what the gateway cannot use: REST 500 {"message": null} with
// AuthorizerConfigurationException, HTTP APIs 500 {"message":"Internal
// Server Error"}.
func authorizerFailure(kind event.Source) *response.Response {
	if kind == event.REST {
		r := response.RawJSON(http.StatusInternalServerError, []byte(`{"message": null}`))
		r.Header.Add("x-amzn-ErrorType", "AuthorizerConfigurationException")
		return r
	}
	return response.FunctionError(event.HTTPAPI)
}

// maxARN is the longest method ARN API Gateway authorizes; a longer one
// is 414 [DOC].
const maxARN = 1600

// routeAuth is what the authorization step needs of a route, compiled by
// New.
type routeAuth struct {
	name       string // the authorizer's name, for logs
	authorizer Authorizer
	scopes     []string
	apiKey     bool // apiKeyRequired
	payload    event.PayloadVersion
}

// authConfig is the gateway's compiled authorization settings.
type authConfig struct {
	authorizers map[string]Authorizer
	policy      *authorizer.Policy // the REST resource policy
	keys        *keyring
	throttles   *throttles
}

// authState is the authorization step's part of an exchange.
type authState struct {
	req    AuthRequest
	grant  *Grant
	apiKey *APIKey
	env    authorizer.Env
	// arnBuf and keyBuf hold the method ARN and a cache key, so that a
	// request with a cached authorizer result allocates nothing more.
	arnBuf [160]byte
	keyBuf [128]byte
}

// authorize runs the authorization step of x: stage and route throttling,
// the resource policy, the route's authorizer, the API key and its usage
// plan, in that order (docs/evidence/authorizers.md#order-of-checks). It
// returns the gateway's answer when the request may not go on, and nil
// otherwise.
func (g *Gateway) authorize(x *exchange) *response.Response {
	ra := x.binding.auth
	if ra == nil && g.authz.policy == nil && g.authz.throttles == nil {
		return nil
	}
	now := g.now()
	if g.authz.throttles != nil && !g.authz.throttles.allow(x.stageName(), x.routeKey, now) {
		return refuseThrottled.response(g.kind)
	}
	a := &x.auth
	g.newAuthRequest(x, ra, now)
	if len(a.req.arnBytes()) > maxARN {
		return refuseARNTooLong.response(g.kind)
	}
	decision := authorizer.Allowed
	if g.authz.policy != nil {
		a.env = authorizer.Env{Time: now, UserAgent: x.hr.UserAgent(), Referer: x.hr.Referer(), SecureTransport: x.hr.TLS != nil}
		a.env.SourceIP, _ = netip.ParseAddr(a.req.SourceIP)
		decision = g.authz.policy.Evaluate(authorizer.InvokeAction, jsonx.View(a.req.arnBytes()), &a.env, true)
		if decision == authorizer.Denied {
			return g.policyRefusal(x, true).response(g.kind)
		}
	}
	if ra != nil && ra.authorizer != nil {
		if resp := g.runAuthorizer(x, ra); resp != nil {
			return resp
		}
		if grant := a.grant; g.authz.policy != nil && grant != nil && grant.PrincipalARN != "" {
			// The caller is now known: a resource policy may name it.
			a.env.PrincipalARN, a.env.PrincipalAccount = grant.PrincipalARN, grant.PrincipalAccount
			switch g.authz.policy.Evaluate(authorizer.InvokeAction, jsonx.View(a.req.arnBytes()), &a.env, true) {
			case authorizer.Denied:
				return g.policyRefusal(x, true).response(g.kind)
			case authorizer.Allowed:
			}
		}
	} else if decision != authorizer.Allowed {
		return g.policyRefusal(x, false).response(g.kind)
	}
	if ra != nil && ra.apiKey && g.authz.keys != nil {
		if ref := g.authz.keys.check(x, a); ref != nil {
			return ref.response(g.kind)
		}
	}
	return nil
}

// runAuthorizer runs the route's authorizer on x's AuthRequest and keeps
// its grant in x, or returns the gateway's answer: the authorizer's
// refusal, or the answer to an authorizer that failed.
func (g *Gateway) runAuthorizer(x *exchange, ra *routeAuth) *response.Response {
	grant, err := ra.authorizer.Authorize(x.hr.Context(), &x.auth.req)
	if err != nil {
		var ref *Refusal
		if errors.As(err, &ref) {
			return ref.response(g.kind)
		}
		if errors.Is(err, authorizer.ErrUnauthorized) {
			return refuseUnauthorized.response(g.kind)
		}
		g.logAuthError(x, ra.name, err)
		return authorizerFailure(g.kind)
	}
	x.auth.grant = grant
	return nil
}

// newAuthRequest fills x's AuthRequest.
func (g *Gateway) newAuthRequest(x *exchange, ra *routeAuth, now time.Time) {
	a := &x.auth
	a.req = AuthRequest{Kind: g.kind, HTTP: x.hr, Body: x.body, Stage: x.stageName(), RouteKey: x.routeKey,
		Method: x.method, Path: x.arnPath(), Time: now, RequestID: x.requestID, SourceIP: remoteHost(x.hr.RemoteAddr), g: g, x: x}
	if x.stage != nil {
		a.req.StageVariables = x.stage.Variables
	}
	if ra != nil {
		a.req.Scopes, a.req.Payload = ra.scopes, ra.payload
	}
}

// AuthorizerEventAt returns the event the Lambda authorizer of the route
// that takes hr would receive for it, received at t with request id id
// (empty means a fresh one), without invoking anything: for fixtures, as
// [Gateway.EventAt] is for integrations. It is an error when no route
// takes hr, when the route has no Lambda authorizer, or when the request
// lacks an identity source the authorizer needs (the gateway would answer
// 401 without invoking it).
func (g *Gateway) AuthorizerEventAt(hr *http.Request, t time.Time, id string) (*event.AuthorizerRequest, error) {
	x, err := g.routed(hr, t, id)
	if err != nil {
		return nil, err
	}
	ra := x.binding.auth
	la, ok := (*lambdaAuth)(nil), false
	if ra != nil {
		la, ok = ra.authorizer.(*lambdaAuth)
	}
	if !ok {
		return nil, fmt.Errorf("gateway: route %q has no Lambda authorizer", x.routeKey)
	}
	g.newAuthRequest(x, ra, t)
	if _, ok := la.identity(&x.auth.req); !ok {
		return nil, fmt.Errorf("gateway: %s %s lacks an identity source of authorizer %q (or fails its validation expression): the gateway answers 401 without invoking it", hr.Method, hr.URL.EscapedPath(), la.name)
	}
	return la.event(&x.auth.req)
}

// routed returns the exchange of hr, received at t with request id id
// (empty means a fresh one), routed and with its body read, or an error
// naming the gateway's answer when one of those steps refuses it.
func (g *Gateway) routed(hr *http.Request, t time.Time, id string) (*exchange, error) {
	x := g.newExchange(hr, t, id)
	if resp := g.route(x); resp != nil {
		return nil, fmt.Errorf("gateway: no route takes %s %s: the gateway answers %d %s", hr.Method, hr.URL.EscapedPath(), resp.Status(), resp.Body)
	}
	if resp := g.readBody(x); resp != nil {
		return nil, fmt.Errorf("gateway: %s %s: the gateway answers %d %s", hr.Method, hr.URL.EscapedPath(), resp.Status(), resp.Body)
	}
	return x, nil
}

// policyRefusal is the answer to a request the resource policy refuses,
// naming the caller: anonymous unless it signed the request.
func (g *Gateway) policyRefusal(x *exchange, explicit bool) *Refusal {
	user := "anonymous"
	if x.auth.env.PrincipalARN != "" {
		user = x.auth.env.PrincipalARN
	}
	return AccessDenied(&x.auth.req, user, explicit)
}

// AccessDenied returns API Gateway's 403 for a caller (an IAM ARN, or
// "anonymous") that a policy does not allow to invoke r's method: the
// message names the caller and the method ARN with all but the last four
// digits of the account masked, and ends in "with an explicit deny" when
// a statement denied it (docs/evidence/authorizers.md#resource-policies).
func AccessDenied(r *AuthRequest, user string, explicit bool) *Refusal {
	acct := r.g.accountID
	cut := max(len(acct)-4, 0)
	masked := strings.Repeat("*", cut) + acct[cut:]
	arn := strings.Replace(r.ARN(), ":"+acct+":", ":"+masked+":", 1)
	msg := "User: " + user + " is not authorized to perform: execute-api:Invoke on resource: " + arn
	if explicit {
		msg += " with an explicit deny"
	}
	body := jsonx.AppendString([]byte(`{"Message":`), msg)
	return &Refusal{Status: http.StatusForbidden, Body: append(body, '}'), ErrorType: "AccessDeniedException"}
}

func (g *Gateway) logAuthError(x *exchange, name string, err error) {
	if g.logger == nil {
		return
	}
	g.logger.ErrorContext(x.hr.Context(), "lambdagate: authorizer failed", "requestId", x.requestID, "authorizer", name, "error", err)
}

// stageName returns the exchange's stage name, "" for kinds without.
func (x *exchange) stageName() string {
	if x.stage == nil {
		return ""
	}
	return x.stage.Name
}

// arnPath returns the path a method ARN names: as sent for REST APIs,
// decoded for HTTP APIs (docs/evidence/authorizers.md#method-arns).
func (x *exchange) arnPath() string {
	return x.path
}

// applyGrant puts what the authorizer granted into the integration's
// event.
func (g *Gateway) applyGrant(x *exchange, ev *event.Request) {
	a := &x.auth
	a.grant.apply(ev)
	if a.apiKey != nil {
		ev.Context.Identity.APIKey, ev.Context.Identity.APIKeyID = a.apiKey.Value, a.apiKey.ID
	}
}

// A compiler is an authorizer configuration that New turns into the
// Authorizer that runs it, such as a LambdaAuthorizer with its cache.
// Reaching it only through this interface keeps its code, and what it
// imports, out of programs that never configure one.
type compiler interface {
	compile(g *Gateway, name string) (Authorizer, error)
}

// compileAuth checks the API's authorization settings and builds what
// the authorization step needs, reporting every problem.
func (g *Gateway) compileAuth(api *API) []error {
	var errs []error
	kind := g.kind
	auth := kind == event.REST || kind == event.HTTPAPI
	switch {
	case kind == event.WebSocket && (len(api.APIKeys) > 0 || len(api.UsagePlans) > 0):
		errs = append(errs, errors.New("gateway: API keys and usage plans of WebSocket APIs are not emulated; their authorizers are"))
	case !auth && kind != event.WebSocket && (len(api.Authorizers) > 0 || api.ResourcePolicy != nil || len(api.APIKeys) > 0 || len(api.UsagePlans) > 0):
		errs = append(errs, fmt.Errorf("gateway: %v APIs have no authorizers, resource policies, API keys or usage plans", kind))
	}
	g.authz.authorizers = map[string]Authorizer{}
	for _, name := range slices.Sorted(maps.Keys(api.Authorizers)) {
		a := api.Authorizers[name]
		switch v := a.(type) {
		case nil:
			errs = append(errs, fmt.Errorf("gateway: authorizer %q is nil", name))
			continue
		case compiler:
			c, err := v.compile(g, name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			a = c
		case Checker:
			if err := v.Check(kind); err != nil {
				errs = append(errs, fmt.Errorf("gateway: authorizer %q: %w", name, err))
			}
		}
		g.authz.authorizers[name] = a
	}
	if api.ResourcePolicy != nil {
		if kind != event.REST {
			errs = append(errs, errors.New("gateway: resource policies are a REST API feature"))
		} else if p, err := g.resourcePolicy(api.ResourcePolicy); err != nil {
			errs = append(errs, err)
		} else {
			g.authz.policy = p
		}
	}
	keys, kerrs := newKeyring(g, api)
	errs = append(errs, kerrs...)
	g.authz.keys = keys
	th, terrs := newThrottles(g, api)
	errs = append(errs, terrs...)
	g.authz.throttles = th
	return errs
}

// routeAuth returns the compiled authorization settings of rt, or nil
// when the route has none.
func (g *Gateway) routeAuth(api *API, rt Route, payload event.PayloadVersion) (*routeAuth, error) {
	if rt.Authorizer == "" && len(rt.AuthorizationScopes) == 0 && !rt.APIKeyRequired {
		return nil, nil
	}
	var errs []error
	ra := &routeAuth{name: rt.Authorizer, scopes: slices.Clone(rt.AuthorizationScopes), apiKey: rt.APIKeyRequired, payload: payload}
	if rt.Authorizer != "" {
		a, ok := g.authz.authorizers[rt.Authorizer]
		if !ok {
			if _, declared := api.Authorizers[rt.Authorizer]; !declared {
				errs = append(errs, fmt.Errorf("gateway: route %q: no authorizer named %q in API.Authorizers", rt.Key, rt.Authorizer))
			}
		}
		ra.authorizer = a
	}
	if len(rt.AuthorizationScopes) > 0 && rt.Authorizer == "" {
		errs = append(errs, fmt.Errorf("gateway: route %q: authorization scopes without an authorizer", rt.Key))
	}
	if rt.APIKeyRequired && g.kind != event.REST {
		errs = append(errs, fmt.Errorf("gateway: route %q: API keys are a REST API feature; HTTP APIs have none", rt.Key))
	}
	return ra, errors.Join(errs...)
}

// payloadVersion returns the payload version of an integration's events.
func payloadVersion(in Integration) event.PayloadVersion {
	if p, ok := in.(Proxy); ok {
		return p.PayloadVersion
	}
	return event.PayloadDefault
}

// now returns the time on the API's clock.
func (g *Gateway) now() time.Time {
	if g.api.Now != nil {
		return g.api.Now()
	}
	return time.Now()
}
