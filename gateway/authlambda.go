package gateway

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/internal/jsonx"
)

// LambdaAuthorizer is a Lambda authorizer: a function the gateway invokes
// with the authorizer event (event.AuthorizerRequest) and whose answer, an
// IAM policy or a simple response (package authorizer), decides whether
// the request goes on. The gateway reproduces API Gateway's handling
// (docs/evidence/authorizers.md):
//
//   - Identity sources are read first; a missing or empty one is 401
//     {"message":"Unauthorized"} without invoking the function (REST
//     REQUEST authorizers check them only when caching is on). A TOKEN
//     authorizer's token must match ValidationRegex, if set, or it is 401
//     too.
//   - Results are cached by identity source values (and stage) for TTL;
//     a cached policy is evaluated against each later request's method
//     ARN, so a policy that names only the first request's path refuses
//     the caller's other paths (403), as on AWS.
//   - A policy is evaluated as IAM does (authorizer.Policy.Evaluate):
//     REST answers an explicit deny with 403 {"Message":"User is not
//     authorized to access this resource with an explicit deny"} and no
//     allow with 403 {"Message":"User is not authorized to access this
//     resource"}; HTTP APIs answer both, and isAuthorized false, with 403
//     {"message":"Forbidden"}.
//   - A function error with the message "Unauthorized" is 401; any other
//     error, a timeout or output the API cannot read is 500.
//   - principalId and the context reach the integration in
//     requestContext.authorizer (REST, stringified; HTTP API payload 1.0,
//     stringified) or requestContext.authorizer.lambda (payload 2.0).
//
// A WebSocket API runs it for $connect, the only route that takes one:
// a REQUEST authorizer whose event is the handshake's, with identity
// sources "route.request.header.name", "route.request.querystring.name",
// "stageVariables.name" and "context.name", all of which the handshake
// must have or it is refused with 401. Its results are never cached (AWS
// refuses a TTL for WebSocket APIs), a deny is 403 and a failure 500, and
// principalId, the context (stringified) and integrationLatency reach
// requestContext.authorizer of every event of the connection
// (docs/evidence/websocket.md#authorizers).
type LambdaAuthorizer struct {
	// Function is the authorizer function, such as an authorizer.Func,
	// a handler.Invoker, an aws-lambda-go lambda.Handler or a Remote.
	Function handler.Invoker
	// Type is TOKEN (the REST default) or REQUEST (the only type of HTTP
	// and WebSocket APIs).
	Type event.AuthorizerType
	// IdentitySource lists the identity sources: REST mapping
	// expressions ("method.request.header.Authorization",
	// "method.request.querystring.name", "stageVariables.name",
	// "context.name"), HTTP API selection expressions
	// ("$request.header.Authorization", "$request.querystring.name",
	// "$stageVariables.name", "$context.name"), WebSocket ones
	// "route.request.header.name" and "route.request.querystring.name"
	// beside REST's last two. A TOKEN authorizer has
	// one header; it and HTTP API authorizers default to the
	// Authorization header.
	IdentitySource []string
	// ValidationRegex is a REST TOKEN authorizer's token validation
	// expression; empty means none.
	ValidationRegex string
	// TTL is how long results are cached: zero means API Gateway's
	// default, 300 s; at most 3600 s. NoCache turns caching off (AWS's
	// TTL of 0). WebSocket authorizers cache nothing and take no TTL.
	TTL     time.Duration
	NoCache bool
	// PayloadVersion is an HTTP API authorizer's payload format: "2.0"
	// (the default) or "1.0". SimpleResponses (2.0 only) makes the
	// function answer with isAuthorized rather than a policy.
	PayloadVersion  event.PayloadVersion
	SimpleResponses bool
	// Timeout bounds each invoke; zero means 10 s, API Gateway's limit
	// for authorizers.
	Timeout time.Duration
}

// Authorize is not called: New builds, from an API's LambdaAuthorizer,
// the authorizer that runs it, with its result cache. Called on its own,
// it refuses with an error that says so.
func (LambdaAuthorizer) Authorize(context.Context, *AuthRequest) (*Grant, error) {
	return nil, errors.New("gateway: a LambdaAuthorizer runs only in a Gateway whose API.Authorizers holds it")
}

// DefaultAuthorizerTTL is how long API Gateway caches authorizer results
// unless told otherwise, and MaxAuthorizerTTL the longest it allows.
const (
	DefaultAuthorizerTTL = 300 * time.Second
	MaxAuthorizerTTL     = 3600 * time.Second
)

// defaultAuthorizerTimeout bounds an authorizer invoke (10,000 ms [DOC]).
const defaultAuthorizerTimeout = 10 * time.Second

// maxCacheEntries bounds the memory a result cache may hold.
const maxCacheEntries = 4096

// lambdaAuth is a LambdaAuthorizer compiled for one gateway, with its
// result cache.
type lambdaAuth struct {
	g       *Gateway
	name    string
	cfg     LambdaAuthorizer
	sources []identitySource
	regex   *regexp.Regexp
	ttl     time.Duration // 0: no caching
	format  authorizer.Format

	mu    sync.Mutex
	cache map[string]*cacheEntry
}

// A cacheEntry is a cached authorizer result. It is never changed once
// stored, so requests read it without holding the lock.
type cacheEntry struct {
	expires time.Time
	result  *authorizer.Result
	grants  [2]*Grant // the grant for payload 1.0 shapes (and REST), for 2.0
}

// compile returns the authorizer that runs cfg in g.
func (cfg LambdaAuthorizer) compile(g *Gateway, name string) (Authorizer, error) {
	la, err := newLambdaAuth(g, name, cfg)
	if err != nil {
		return nil, err
	}
	return la, nil
}

func newLambdaAuth(g *Gateway, name string, cfg LambdaAuthorizer) (*lambdaAuth, error) {
	kind := g.kind
	la := &lambdaAuth{g: g, name: name, cfg: cfg, cache: map[string]*cacheEntry{}}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("gateway: authorizer %q: "+format, append([]any{name}, args...)...))
	}
	if cfg.Function == nil {
		bad("no function")
	}
	switch kind {
	case event.REST:
		if la.cfg.Type == "" {
			la.cfg.Type = event.TokenAuthorizer
		}
		if la.cfg.PayloadVersion != "" || cfg.SimpleResponses {
			bad("payload versions and simple responses are HTTP API settings")
		}
		la.format = authorizer.RESTFormat
	case event.HTTPAPI:
		if la.cfg.Type == "" {
			la.cfg.Type = event.RequestAuthorizer
		}
		if la.cfg.Type != event.RequestAuthorizer {
			bad("HTTP APIs have REQUEST authorizers only, not %s", la.cfg.Type)
		}
		switch la.cfg.PayloadVersion {
		case event.PayloadDefault:
			la.cfg.PayloadVersion = event.PayloadV2
		case event.PayloadV1, event.PayloadV2:
		default:
			bad("payload version %q is not 1.0 or 2.0", cfg.PayloadVersion)
		}
		la.format = authorizer.HTTPV2Format
		if la.cfg.PayloadVersion == event.PayloadV1 {
			la.format = authorizer.HTTPV1Format
		}
		if cfg.SimpleResponses {
			if la.cfg.PayloadVersion != event.PayloadV2 {
				bad("simple responses need payload version 2.0")
			}
			la.format = authorizer.SimpleFormat
		}
		if cfg.ValidationRegex != "" {
			bad("token validation is a REST TOKEN authorizer setting")
		}
	case event.WebSocket:
		// A REQUEST authorizer on $connect, read as REST reads its
		// answer (docs/evidence/websocket.md#authorizers).
		if la.cfg.Type == "" {
			la.cfg.Type = event.RequestAuthorizer
		}
		if la.cfg.Type != event.RequestAuthorizer {
			bad("WebSocket APIs have REQUEST authorizers only, not %s", la.cfg.Type)
		}
		if la.cfg.PayloadVersion != "" || cfg.SimpleResponses {
			bad("payload versions and simple responses are HTTP API settings")
		}
		if cfg.TTL != 0 {
			// CreateAuthorizer refuses a TTL for WebSocket APIs [DOC, 3P].
			bad("TTL %v: AuthorizerResultTtlInSeconds cannot be set for WEBSOCKET protocol APIs; API Gateway caches no WebSocket authorizer results", cfg.TTL)
		}
		la.format = authorizer.RESTFormat
	}
	if la.cfg.Type != event.TokenAuthorizer && la.cfg.Type != event.RequestAuthorizer {
		bad("unknown type %q", cfg.Type)
	}
	srcs := cfg.IdentitySource
	if len(srcs) == 0 && (la.cfg.Type == event.TokenAuthorizer || kind == event.HTTPAPI) {
		srcs = []string{identityPrefixes[kind][0] + "Authorization"}
	}
	for _, expr := range srcs {
		s, err := parseIdentitySource(kind, expr)
		if err != nil {
			bad("%v", err)
			continue
		}
		la.sources = append(la.sources, s)
	}
	if la.cfg.Type == event.TokenAuthorizer && (len(la.sources) != 1 || la.sources[0].where != 'h') {
		bad("a TOKEN authorizer has one identity source, a header")
	}
	if cfg.ValidationRegex != "" {
		if la.cfg.Type != event.TokenAuthorizer {
			bad("token validation is for TOKEN authorizers")
		}
		re, err := regexp.Compile(cfg.ValidationRegex)
		if err != nil {
			bad("validation expression: %v", err)
		}
		la.regex = re
	}
	switch {
	case cfg.NoCache || kind == event.WebSocket:
	case cfg.TTL < 0 || cfg.TTL > MaxAuthorizerTTL:
		bad("TTL %v outside 0..%v", cfg.TTL, MaxAuthorizerTTL)
	case cfg.TTL == 0:
		la.ttl = DefaultAuthorizerTTL
	default:
		la.ttl = cfg.TTL
	}
	if la.ttl > 0 && len(la.sources) == 0 {
		bad("caching needs identity sources (they are the cache key); list some, or set NoCache")
	}
	if cfg.Timeout < 0 {
		bad("negative timeout")
	}
	return la, errors.Join(errs...)
}

// Authorize runs the Lambda authorizer for r.
func (la *lambdaAuth) Authorize(ctx context.Context, r *AuthRequest) (*Grant, error) {
	rest := la.g.kind == event.REST
	key, ok := la.identity(r)
	if !ok {
		return nil, refuseUnauthorized
	}
	e := la.lookup(key, r.Time)
	if e == nil {
		fresh, cached, err := la.call(ctx, r)
		if err != nil {
			return nil, err
		}
		if la.ttl > 0 {
			la.store(string(key), cached)
		}
		e = fresh
	}
	res := e.result
	if res.Policy == nil {
		if !res.Authorized {
			return nil, refuseForbidden
		}
	} else {
		switch res.Policy.Evaluate(authorizer.InvokeAction, jsonx.View(r.arnBytes()), &authorizer.Env{}, false) {
		case authorizer.Denied:
			if rest {
				return nil, refuseExplicit
			}
			return nil, refuseForbidden
		case authorizer.NotAllowed:
			if rest {
				return nil, refuseImplicit
			}
			return nil, refuseForbidden
		}
	}
	if r.Payload == event.PayloadV2 {
		return e.grants[1], nil
	}
	return e.grants[0], nil
}

// identity reads r's identity sources into the cache key (the stage,
// then each value, length first) and reports whether the request may go
// to the function: every identity source present where API Gateway checks
// them (docs/evidence/authorizers.md#identity-sources), and a TOKEN
// authorizer's token valid.
func (la *lambdaAuth) identity(r *AuthRequest) ([]byte, bool) {
	g, x := la.g, r.x
	key := append(x.auth.keyBuf[:0], r.Stage...)
	missing := false
	for _, s := range la.sources {
		n := len(key)
		key = append(key, 0, 0, 0, 0)
		var ok bool
		if key, ok = g.appendValue(key, s, x); !ok {
			missing = true
		}
		binary.BigEndian.PutUint32(key[n:], uint32(len(key)-n-4))
	}
	if missing && (g.kind != event.REST || la.cfg.Type == event.TokenAuthorizer || la.ttl > 0) {
		return nil, false
	}
	if la.regex != nil && !la.regex.MatchString(la.token(x)) {
		return nil, false
	}
	return key, true
}

// token returns a TOKEN authorizer's token: the last value of its header,
// as the REST event's headers hold it.
func (la *lambdaAuth) token(x *exchange) string {
	vs := x.hr.Header[la.sources[0].name]
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

func (la *lambdaAuth) lookup(key []byte, now time.Time) *cacheEntry {
	if la.ttl == 0 {
		return nil
	}
	la.mu.Lock()
	defer la.mu.Unlock()
	e := la.cache[string(key)]
	if e == nil {
		return nil
	}
	if !now.Before(e.expires) {
		delete(la.cache, string(key))
		return nil
	}
	return e
}

func (la *lambdaAuth) store(key string, e *cacheEntry) {
	la.mu.Lock()
	defer la.mu.Unlock()
	if len(la.cache) >= maxCacheEntries {
		for k, old := range la.cache {
			if !e.expires.After(old.expires) || len(la.cache) >= maxCacheEntries {
				delete(la.cache, k)
			}
			if len(la.cache) < maxCacheEntries/2 {
				break
			}
		}
	}
	la.cache[key] = e
}

// call invokes the authorizer function and reads its answer: the result
// for this request, and the one to cache for later requests.
func (la *lambdaAuth) call(ctx context.Context, r *AuthRequest) (fresh, cached *cacheEntry, err error) {
	g := la.g
	ev, err := la.event(r)
	if err != nil {
		return nil, nil, err
	}
	timeout := la.cfg.Timeout
	if timeout == 0 {
		timeout = defaultAuthorizerTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	out, err := invoke(ctx, la.cfg.Function, ev.AppendJSON(nil), g.limits.Output)
	latency := time.Since(start)
	if err != nil {
		if functionErrorMessage(err) == "Unauthorized" {
			return nil, nil, refuseUnauthorized
		}
		return nil, nil, fmt.Errorf("gateway: authorizer %q: %w", la.name, err)
	}
	res, err := authorizer.ReadOutput(out, la.format)
	if err != nil {
		return nil, nil, fmt.Errorf("gateway: authorizer %q: %w", la.name, err)
	}
	fresh = &cacheEntry{result: res, expires: r.Time.Add(la.ttl)}
	fresh.grants = [2]*Grant{la.grant(res, latency), {Context: lambdaContextV2(res), UsageIdentifierKey: res.UsageIdentifierKey}}
	// Later requests read the cached result, which took no time.
	c := *fresh
	c.grants[0] = la.grant(res, 0)
	return fresh, &c, nil
}

// event returns the event the authorizer function receives for r.
func (la *lambdaAuth) event(r *AuthRequest) (*event.AuthorizerRequest, error) {
	g, x := la.g, r.x
	if x.ws != nil {
		return x.ws.authorizerEvent(x.hr)
	}
	ev := &event.AuthorizerRequest{Type: la.cfg.Type}
	if la.cfg.Type == event.TokenAuthorizer {
		ev.AuthorizationToken, ev.MethodArn = la.token(x), r.ARN()
	} else {
		v := event.PayloadDefault
		if g.kind == event.HTTPAPI {
			v = la.cfg.PayloadVersion
		}
		req, err := g.event(x, v)
		if err != nil {
			return nil, err
		}
		ev.Request, ev.Version = req, v
		values := make([]string, 0, len(la.sources))
		for _, s := range la.sources {
			b, _ := g.appendValue(nil, s, x)
			values = append(values, string(b))
		}
		switch v {
		case event.PayloadV2:
			ev.RouteArn, ev.IdentitySource = r.ARN(), values
		case event.PayloadV1:
			ev.MethodArn = r.ARN()
			for i, s := range values {
				if i > 0 {
					ev.AuthorizationToken += ","
				}
				ev.AuthorizationToken += s
			}
		default:
			ev.MethodArn = r.ARN()
		}
	}
	return ev, nil
}

// grant returns the payload 1.0 (and REST and WebSocket) grant of a
// result: the flat requestContext.authorizer with principalId (REST,
// WebSocket), the context values as strings, and integrationLatency in
// milliseconds (REST, WebSocket).
func (la *lambdaAuth) grant(res *authorizer.Result, latency time.Duration) *Grant {
	b := []byte{'{'}
	rest := la.g.kind == event.REST || la.g.kind == event.WebSocket
	if rest {
		b = append(jsonx.AppendKey(b, "principalId"), jsonx.AppendString(nil, res.PrincipalID)...)
	}
	ctx := res.StringContext()
	for _, k := range slices.Sorted(maps.Keys(ctx)) {
		b = jsonx.AppendString(jsonx.AppendKey(b, k), ctx[k])
	}
	if rest {
		b = strconv.AppendInt(jsonx.AppendKey(b, "integrationLatency"), latency.Milliseconds(), 10)
	}
	b = append(b, '}')
	return &Grant{Context: b, UsageIdentifierKey: res.UsageIdentifierKey}
}

// lambdaContextV2 returns requestContext.authorizer of a payload 2.0
// event: {"lambda": context}, the context as the function returned it.
func lambdaContextV2(res *authorizer.Result) json.RawMessage {
	ctx := res.Context
	if ctx == nil {
		ctx = json.RawMessage(`{}`)
	}
	return append(append([]byte(`{"lambda":`), ctx...), '}')
}

// functionErrorMessage returns the message of a function error: the
// errorMessage of a remote function's error document, or the error text
// of an in-process function.
func functionErrorMessage(err error) string {
	var fe *handler.FunctionError
	if errors.As(err, &fe) {
		return fe.Message
	}
	var f *functionErr
	if errors.As(err, &f) {
		return f.cause.Error()
	}
	return ""
}
