package sam

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"os"
	"regexp"
	"slices"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/iamauth"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
)

// invocationURI matches a Lambda invocation URI and captures the
// function's ARN.
var invocationURI = regexp.MustCompile(`^arn:aws[a-z-]*:apigateway:[^:]+:lambda:path/2015-03-31/functions/(.+)/invocations$`)

// iamName is the authorizer name SAM and API Gateway give IAM
// authorization.
const iamName = "AWS_IAM"

// iamAuthorizer returns IAM authorization (SigV4) that accepts requests
// signed with this machine's credentials, the identity a developer calls
// AWS with, and notes what it does.
func (a *App) iamAuthorizer(where string) gateway.Authorizer {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	var creds []iamauth.Credential
	if id != "" && secret != "" {
		creds = append(creds, iamauth.Credential{AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"),
			AccountID: a.opts.AccountID, UserARN: "arn:aws:iam::" + a.opts.AccountID + ":user/local", UserID: "AIDALOCAL"})
		a.rep.note(where, "IAM authorization accepts requests signed with this machine's credentials (AWS_ACCESS_KEY_ID %s); IAM policies are not evaluated", id)
	} else {
		a.rep.note(where, "IAM authorization: no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, so every request to a route that needs it is refused")
	}
	au, err := iamauth.New(iamauth.Config{Credentials: creds, Region: a.opts.Region})
	if err != nil {
		a.rep.fail(where, "%v", err)
		return denyAuthorizer{}
	}
	return au
}

// A restAuthz is a REST API's Auth: its default authorizer and API key
// requirement, applied to each method.
type restAuthz struct {
	def       string
	apiKey    bool
	preflight bool // the default authorizer guards CORS preflights
}

// apply sets a method's authorizer and API key from its event's Auth.
func (z *restAuthz) apply(rt *gateway.Route, rs routeSpec) {
	name, key := z.def, z.apiKey
	if rs.auth != nil {
		if n, ok := rs.auth.str("Authorizer"); ok {
			name = n
		}
		if k, ok := rs.auth.boolean("ApiKeyRequired"); ok {
			key = k
		}
		if rs.auth.has("AuthorizationScopes") {
			rs.auth.ignore("AuthorizationScopes")
			rs.auth.rep.note(rs.auth.where, "AuthorizationScopes are for Cognito user pool authorizers, which are not emulated")
		}
		rs.auth.ignore("InvokeRole")
		rs.auth.rest()
	}
	if name == "NONE" {
		name = ""
	}
	rt.Authorizer, rt.APIKeyRequired = name, key
}

// restAuth reads an AWS::Serverless::Api's Auth: Lambda TOKEN and
// REQUEST authorizers whose function is in the template, IAM, API keys
// and the usage plan SAM makes for them.
func (a *App) restAuth(spec *apiSpec, where string, p *props, api *gateway.API, out *API, stage string) *restAuthz {
	z := &restAuthz{preflight: true}
	if !p.has("Auth") {
		p.ignore("Auth")
		return z
	}
	auth := p.obj("Auth")
	defer auth.rest()
	z.def = auth.strOr("DefaultAuthorizer", "")
	z.apiKey, _ = auth.boolean("ApiKeyRequired")
	if on, ok := auth.boolean("AddDefaultAuthorizerToCorsPreflight"); ok {
		z.preflight = on
	}
	auth.ignore("InvokeRole")
	api.Authorizers = map[string]gateway.Authorizer{}
	authorizers := auth.obj("Authorizers")
	for _, name := range slices.Sorted(maps.Keys(authorizers.m)) {
		ap := authorizers.obj(name)
		switch {
		case ap.has("FunctionArn"):
			fn := a.authorizerFunction(ap, "FunctionArn")
			if fn == nil {
				continue
			}
			la := gateway.LambdaAuthorizer{Function: fn.ref, Type: event.TokenAuthorizer}
			if t, ok := ap.str("FunctionPayloadType"); ok {
				la.Type = event.AuthorizerType(t)
			}
			id := ap.obj("Identity")
			if la.Type == event.TokenAuthorizer {
				la.IdentitySource = []string{"method.request.header." + id.strOr("Header", "Authorization")}
				la.ValidationRegex = id.strOr("ValidationExpression", "")
			} else {
				la.IdentitySource = identitySources(id, false)
			}
			ttl(id, &la)
			id.rest()
			ap.ignore("FunctionInvokeRole")
			api.Authorizers[name] = la
		case ap.has("UserPoolArn"):
			ap.ignore("UserPoolArn", "Identity", "AuthorizationScopes")
			a.rep.note(ap.where, "Cognito user pool authorizers are not emulated: the methods it guards refuse every request with 401")
			api.Authorizers[name] = denyAuthorizer{}
		default:
			a.rep.fail(ap.where, "an authorizer needs a FunctionArn (Lambda) or a UserPoolArn (Cognito)")
		}
		ap.rest()
	}
	if z.def == iamName || slices.ContainsFunc(spec.routes, func(rs routeSpec) bool {
		return rs.auth != nil && rs.auth.m["Authorizer"] == iamName
	}) {
		api.Authorizers[iamName] = a.iamAuthorizer(auth.where)
	}
	if auth.has("ResourcePolicy") {
		auth.ignore("ResourcePolicy")
		a.rep.note(path(auth.where, "ResourcePolicy"), "SAM's resource policy statements are not emulated")
	}
	if auth.has("UsagePlan") {
		a.usagePlan(auth.obj("UsagePlan"), api, out, stage)
	}
	return z
}

// sharedKey is the API key of the usage plan SAM shares between the
// template's APIs (CreateUsagePlan: SHARED).
func (a *App) sharedKey() string {
	if a.shared == "" {
		a.shared = newAPIKey()
	}
	return a.shared
}

// newAPIKey returns a random API key value, as API Gateway generates
// one: 40 characters.
func newAPIKey() string {
	var b [20]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// usagePlan reads Auth.UsagePlan: SAM makes a usage plan and an API key
// for the API (PER_API) or for all of the template's APIs (SHARED).
func (a *App) usagePlan(up *props, api *gateway.API, out *API, stage string) {
	defer up.rest()
	mode := up.strOr("CreateUsagePlan", "NONE")
	up.ignore("Description", "Tags", "UsagePlanName")
	if mode == "NONE" {
		return
	}
	plan := gateway.UsagePlan{ID: api.ID + "-plan", Stages: []string{stage}}
	key := gateway.APIKey{ID: api.ID + "-key"}
	switch mode {
	case "PER_API":
		key.Value = newAPIKey()
	case "SHARED":
		key.ID, key.Value = "shared-key", a.sharedKey()
	default:
		a.rep.fail(path(up.where, "CreateUsagePlan"), "want PER_API, SHARED or NONE, not %q", mode)
		return
	}
	plan.Keys = []string{key.ID}
	if q := up.obj("Quota"); q.m != nil {
		l, _ := q.num("Limit")
		o, _ := q.num("Offset")
		plan.Quota = &gateway.Quota{Limit: l, Offset: o, Period: gateway.QuotaPeriod(q.strOr("Period", ""))}
		q.rest()
	}
	if t := up.obj("Throttle"); t.m != nil {
		b, _ := t.num("BurstLimit")
		var rate float64
		if v, ok := t.raw("RateLimit"); ok {
			rate, _ = v.(float64)
		}
		plan.Throttle = &gateway.Throttle{Rate: rate, Burst: b}
		t.rest()
	}
	api.APIKeys = append(api.APIKeys, key)
	api.UsagePlans = append(api.UsagePlans, plan)
	out.APIKeys = append(out.APIKeys, key.Value)
}

// An httpAuthz is an HTTP API's Auth: its default authorizer, applied
// to each route.
type httpAuthz struct {
	def string
}

func (z *httpAuthz) apply(rt *gateway.Route, rs routeSpec) {
	name := z.def
	if rs.auth != nil {
		if n, ok := rs.auth.str("Authorizer"); ok {
			name = n
		}
		rt.AuthorizationScopes = rs.auth.strs("AuthorizationScopes")
		rs.auth.rest()
	}
	if name == "NONE" {
		name = ""
	}
	rt.Authorizer = name
}

// httpAuth reads an AWS::Serverless::HttpApi's Auth: JWT authorizers,
// Lambda authorizers whose function is in the template, and IAM.
func (a *App) httpAuth(where string, p *props, api *gateway.API) *httpAuthz {
	z := &httpAuthz{}
	if !p.has("Auth") {
		p.ignore("Auth")
		return z
	}
	auth := p.obj("Auth")
	defer auth.rest()
	z.def = auth.strOr("DefaultAuthorizer", "")
	api.Authorizers = map[string]gateway.Authorizer{}
	if on, _ := auth.boolean("EnableIamAuthorizer"); on || z.def == iamName {
		api.Authorizers[iamName] = a.iamAuthorizer(auth.where)
	}
	authorizers := auth.obj("Authorizers")
	for _, name := range slices.Sorted(maps.Keys(authorizers.m)) {
		ap := authorizers.obj(name)
		switch {
		case ap.has("JwtConfiguration"):
			jc := ap.obj("JwtConfiguration")
			cfg := jwtauth.Config{Issuer: jc.strOr("issuer", ""), Audience: jc.strs("audience"), IdentitySource: ap.strOr("IdentitySource", "")}
			jc.rest()
			au, err := jwtauth.New(cfg)
			if err != nil {
				a.rep.fail(ap.where, "%v", err)
				continue
			}
			api.Authorizers[name] = au
		case ap.has("FunctionArn"):
			fn := a.authorizerFunction(ap, "FunctionArn")
			if fn == nil {
				continue
			}
			la := gateway.LambdaAuthorizer{Function: fn.ref, Type: event.RequestAuthorizer}
			switch v := ap.strOr("AuthorizerPayloadFormatVersion", ""); v {
			case "1.0", "1":
				la.PayloadVersion = event.PayloadV1
			case "2.0", "2":
				la.PayloadVersion = event.PayloadV2
			default:
				a.rep.fail(path(ap.where, "AuthorizerPayloadFormatVersion"), "want 1.0 or 2.0, not %q", v)
			}
			la.SimpleResponses, _ = ap.boolean("EnableSimpleResponses")
			id := ap.obj("Identity")
			la.IdentitySource = identitySources(id, true)
			ttl(id, &la)
			id.rest()
			ap.ignore("FunctionInvokeRole", "EnableFunctionDefaultPermissions")
			api.Authorizers[name] = la
		default:
			a.rep.fail(ap.where, "an authorizer needs a JwtConfiguration or a FunctionArn")
		}
		ap.rest()
	}
	return z
}

// authorizerFunction returns the template function an authorizer's
// property (a function ARN or a Lambda invocation URI) names, or reports
// that it names none: only the template's functions run locally.
func (a *App) authorizerFunction(ap *props, key string) *Function {
	v, _ := ap.str(key)
	fn := a.functionByARN(v)
	if fn == nil {
		a.rep.fail(path(ap.where, key), "%q is not a function of the template: only those run locally", v)
	}
	return fn
}
