package openapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/iamauth"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
)

// The security extensions (docs/evidence/openapi.md#security-schemes).
const (
	authorizerExtension = "x-amazon-apigateway-authorizer"
	authtypeExtension   = "x-amazon-apigateway-authtype"
	authExtension       = "x-amazon-apigateway-auth"
	keySourceExtension  = "x-amazon-apigateway-api-key-source"
	policyExtension     = "x-amazon-apigateway-policy"
)

// schemeKind is what a security scheme stands for in API Gateway.
type schemeKind uint8

const (
	badScheme     schemeKind = iota // reported where it is defined
	lambdaScheme                    // a Lambda authorizer (TOKEN or REQUEST)
	jwtScheme                       // a JWT authorizer
	iamScheme                       // IAM authorization (awsSigv4)
	apiKeyScheme                    // an API key in x-api-key
	foreignScheme                   // a scheme API Gateway cannot enforce
)

// scheme is a security scheme of the definition.
type scheme struct {
	ptr  string
	kind schemeKind
	typ  string // the OpenAPI type, for messages
}

// xAuthorizer is an x-amazon-apigateway-authorizer object.
type xAuthorizer struct {
	Type                           string `json:"type"`
	AuthorizerURI                  any    `json:"authorizerUri"`
	AuthorizerCredentials          any    `json:"authorizerCredentials"`
	AuthorizerPayloadFormatVersion any    `json:"authorizerPayloadFormatVersion"`
	EnableSimpleResponses          *bool  `json:"enableSimpleResponses"`
	IdentitySource                 any    `json:"identitySource"`
	IdentityValidationExpression   string `json:"identityValidationExpression"`
	AuthorizerResultTTLInSeconds   any    `json:"authorizerResultTtlInSeconds"`
	JWTConfiguration               *struct {
		Issuer   any `json:"issuer"`
		Audience any `json:"audience"`
	} `json:"jwtConfiguration"`
	ProviderARNs any `json:"providerARNs"`
}

// schemeRoot is where a definition keeps its security schemes.
func (im *importer) schemeRoot() string {
	if im.def.swagger {
		return "/securityDefinitions"
	}
	return "/components/securitySchemes"
}

// readSecurity reads the security schemes into api.Authorizers, and the
// API's key source, resource policy, keys and usage plans.
func (im *importer) readSecurity(api *gateway.API) {
	r, ext := im.r, im.doc.Extensions
	rest := im.kind == event.REST
	im.schemes = map[string]*scheme{}
	im.authPtrs = map[string]string{}
	if c := im.doc.Components; c != nil {
		for _, name := range slices.Sorted(maps.Keys(c.SecuritySchemes)) {
			ref := c.SecuritySchemes[name]
			ptr := join(im.schemeRoot(), name)
			s := &scheme{ptr: ptr}
			im.schemes[name] = s
			if ref == nil || ref.Value == nil {
				r.fail(ptr, "empty security scheme")
				continue
			}
			im.readScheme(api, name, s, ref.Value)
		}
	}
	if len(im.doc.Security) > 0 {
		if rest {
			r.note("/security", "root-level security is not used by API Gateway, which applies security per operation: no method is guarded by it")
		} else {
			r.fail("/security", "root-level security: API Gateway documents it as unused for REST APIs and documents nothing for HTTP APIs; put security on each operation")
		}
	}
	if v, ok := ext[keySourceExtension]; ok {
		ptr := pointer(keySourceExtension)
		s, _ := v.(string)
		switch {
		case !rest:
			r.fail(ptr, "the API key source is a REST API setting")
		case strings.EqualFold(s, "HEADER"):
			api.APIKeySource = gateway.HeaderKeySource
		case strings.EqualFold(s, "AUTHORIZER"):
			api.APIKeySource = gateway.AuthorizerKeySource
		default:
			r.fail(ptr, "API key source %v: want HEADER or AUTHORIZER", v)
		}
	}
	if v, ok := ext[policyExtension]; ok {
		api.ResourcePolicy = im.policy(v)
	}
	switch {
	case rest:
		api.APIKeys, api.UsagePlans = im.opts.APIKeys, im.opts.UsagePlans
	case len(im.opts.APIKeys) > 0 || len(im.opts.UsagePlans) > 0:
		r.note("", "HTTP APIs have no API keys or usage plans: the ones given are not used")
	}
}

// readScheme reads one security scheme.
func (im *importer) readScheme(api *gateway.API, name string, s *scheme, v *openapi3.SecurityScheme) {
	r := im.r
	s.typ = v.Type
	im.checkExtensions(s.ptr, v.Extensions, []string{authorizerExtension, authtypeExtension})
	authtype, _ := v.Extensions[authtypeExtension].(string)
	if x, ok := v.Extensions[authorizerExtension]; ok {
		im.authPtrs[name] = s.ptr
		a := im.authorizerOf(name, s, v, x)
		if a == nil {
			s.kind = badScheme
		} else {
			if api.Authorizers == nil {
				api.Authorizers = map[string]gateway.Authorizer{}
			}
			api.Authorizers[name] = a
		}
		return
	}
	switch {
	case strings.EqualFold(authtype, "awsSigv4"):
		s.kind = iamScheme
		im.authPtrs[name] = s.ptr
		if a := im.iamAuthorizer(s.ptr); a == nil {
			s.kind = badScheme
		} else {
			if api.Authorizers == nil {
				api.Authorizers = map[string]gateway.Authorizer{}
			}
			api.Authorizers[name] = a
		}
	case authtype != "":
		// API Gateway's importer: "Extension x-amazon-apigateway-authorizer
		// is required. Any methods with security: ... will not be created."
		r.fail(join(s.ptr, authtypeExtension), "x-amazon-apigateway-authtype %q without x-amazon-apigateway-authorizer: API Gateway creates no authorizer from it (only awsSigv4, IAM authorization, stands alone)", authtype)
	case v.Type == "apiKey" && strings.EqualFold(v.In, "header") && strings.EqualFold(v.Name, "x-api-key"):
		s.kind = apiKeyScheme
	case im.kind == event.REST && v.Type != "apiKey":
		r.fail(s.ptr, "security scheme of type %q: REST APIs take apiKey schemes only, with API Gateway's extensions for authorizers", v.Type)
	default:
		s.kind = foreignScheme
		r.note(s.ptr, "security scheme of type %q without API Gateway's extensions: API Gateway cannot enforce it (an authorizer needs x-amazon-apigateway-authorizer, IAM x-amazon-apigateway-authtype: awsSigv4, an API key the name x-api-key in a header)", v.Type)
	}
}

// authorizerOf reads a scheme's x-amazon-apigateway-authorizer.
func (im *importer) authorizerOf(name string, s *scheme, v *openapi3.SecurityScheme, raw any) gateway.Authorizer {
	r, rest := im.r, im.kind == event.REST
	xptr := join(s.ptr, authorizerExtension)
	var x xAuthorizer
	if err := decodeStrict(raw, &x); err != nil {
		r.fail(xptr, "%v", err)
		return nil
	}
	if x.AuthorizerCredentials != nil {
		r.note(join(xptr, "authorizerCredentials"), "authorizerCredentials is not emulated: the local gateway invokes the function itself")
	}
	typ := strings.ToLower(x.Type)
	switch {
	case typ == "cognito_user_pools":
		r.fail(join(xptr, "type"), "Cognito user pool authorizers are not emulated: the local gateway cannot verify a user pool's tokens as Cognito does")
		return nil
	case typ == "jwt" && !rest:
		s.kind = jwtScheme
		return im.jwtAuthorizer(name, s, v, &x, xptr)
	case typ == "token" && rest, typ == "request":
		s.kind = lambdaScheme
		return im.lambdaAuthorizer(s, v, &x, typ, xptr)
	case typ == "jwt" || typ == "token":
		kind := "REST"
		if !rest {
			kind = "HTTP"
		}
		r.fail(join(xptr, "type"), "%s authorizers are not a feature of %s APIs", typ, kind)
	default:
		want := "token or request"
		if !rest {
			want = "request or jwt"
		}
		r.fail(join(xptr, "type"), "unknown authorizer type %q (want %s)", x.Type, want)
	}
	return nil
}

// lambdaAuthorizer builds a Lambda authorizer, its function found as
// integration functions are.
func (im *importer) lambdaAuthorizer(s *scheme, v *openapi3.SecurityScheme, x *xAuthorizer, typ, xptr string) gateway.Authorizer {
	r := im.r
	la := gateway.LambdaAuthorizer{Type: event.RequestAuthorizer, ValidationRegex: x.IdentityValidationExpression}
	if typ == "token" {
		la.Type = event.TokenAuthorizer
	}
	ok := true
	if x.AuthorizerURI == nil {
		r.fail(xptr, "a Lambda authorizer needs an authorizerUri")
		ok = false
	} else if text, err := uriString(x.AuthorizerURI); err != nil {
		r.fail(join(xptr, "authorizerUri"), "%v", err)
		ok = false
	} else if strings.Contains(text, "${stageVariables.") {
		r.fail(join(xptr, "authorizerUri"), "stage variables in an authorizer URI are not emulated: name the function")
		ok = false
	} else if fn, err := im.rs.function(text); err != nil {
		r.fail(join(xptr, "authorizerUri"), "%v", err)
		ok = false
	} else {
		la.Function = Function{URI: x.AuthorizerURI, Invoker: fn}
	}
	srcs, good := identitySources(x.IdentitySource)
	if !good {
		r.fail(join(xptr, "identitySource"), "want a comma-separated list of identity sources, not %v", x.IdentitySource)
		ok = false
	}
	la.IdentitySource = srcs
	if len(srcs) == 0 && la.Type == event.TokenAuthorizer {
		// A TOKEN authorizer reads the header its scheme names.
		if !strings.EqualFold(v.In, "header") || v.Name == "" {
			r.fail(s.ptr, "a token authorizer reads the header its scheme names: want in: header and a name")
			ok = false
		}
		la.IdentitySource = []string{"method.request.header." + v.Name}
	}
	if x.AuthorizerResultTTLInSeconds != nil {
		n, good := intValue(x.AuthorizerResultTTLInSeconds)
		max := int(gateway.MaxAuthorizerTTL / time.Second)
		switch {
		case !good || n < 0 || n > max:
			r.fail(join(xptr, "authorizerResultTtlInSeconds"), "want an integer 0..%d, not %v", max, x.AuthorizerResultTTLInSeconds)
			ok = false
		case n == 0:
			la.NoCache = true
		default:
			la.TTL = time.Duration(n) * time.Second
		}
	}
	if im.kind == event.HTTPAPI {
		switch p := x.AuthorizerPayloadFormatVersion.(type) {
		case nil:
			r.fail(xptr, "authorizerPayloadFormatVersion is required for HTTP API Lambda authorizers (1.0 or 2.0)")
			ok = false
		case string:
			la.PayloadVersion = event.PayloadVersion(p)
		case float64:
			la.PayloadVersion = event.PayloadVersion(strconv.FormatFloat(p, 'f', 1, 64))
		}
		if x.EnableSimpleResponses != nil {
			la.SimpleResponses = *x.EnableSimpleResponses
		}
	} else if x.AuthorizerPayloadFormatVersion != nil || x.EnableSimpleResponses != nil {
		r.fail(xptr, "authorizerPayloadFormatVersion and enableSimpleResponses are HTTP API settings")
		ok = false
	}
	if x.JWTConfiguration != nil || x.ProviderARNs != nil {
		r.fail(xptr, "jwtConfiguration and providerARNs are not Lambda authorizer settings")
		ok = false
	}
	if !ok {
		return nil
	}
	return la
}

// identitySources reads an identitySource: a comma-separated string
// (as API Gateway documents it) or a list of strings.
func identitySources(v any) ([]string, bool) {
	var list []string
	switch v := v.(type) {
	case nil:
		return nil, true
	case string:
		list = strings.Split(v, ",")
	default:
		l, ok := stringList(v)
		if !ok {
			return nil, false
		}
		list = l
	}
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out, true
}

// jwtAuthorizer builds a JWT authorizer; its keys come from
// Options.JWT, or from the issuer's discovery document.
func (im *importer) jwtAuthorizer(name string, s *scheme, v *openapi3.SecurityScheme, x *xAuthorizer, xptr string) gateway.Authorizer {
	r := im.r
	var cfg jwtauth.Config
	issuer := ""
	var audience []string
	if j := x.JWTConfiguration; j != nil {
		if j.Issuer != nil {
			issuer, _ = j.Issuer.(string)
			if issuer == "" {
				issuer = "\x00" // not text: reported unless Options.JWT gives one
			}
		}
		if j.Audience != nil {
			var ok bool
			if audience, ok = stringList(j.Audience); !ok {
				audience = []string{"\x00"}
			}
		}
	}
	if issuer == "" && v.OpenIdConnectUrl != "" {
		// API Gateway finds the issuer from openIdConnectUrl.
		issuer = strings.TrimSuffix(v.OpenIdConnectUrl, "/.well-known/openid-configuration")
	}
	keys, found := im.opts.JWT[name]
	if !found {
		keys, found = im.opts.JWT[issuer]
	}
	if found {
		cfg = keys
	}
	if cfg.Issuer == "" {
		cfg.Issuer = issuer
	}
	if len(cfg.Audience) == 0 {
		cfg.Audience = audience
	}
	if cfg.IdentitySource == "" {
		srcs, ok := identitySources(x.IdentitySource)
		if !ok || len(srcs) > 1 {
			r.fail(join(xptr, "identitySource"), "a JWT authorizer has one identity source, not %v", x.IdentitySource)
			return nil
		}
		if len(srcs) == 1 {
			cfg.IdentitySource = srcs[0]
		}
	}
	bad := false
	if cfg.Issuer == "\x00" {
		r.fail(join(xptr, "jwtConfiguration", "issuer"), "the issuer is not text (a template parameter?): give it in Options.JWT[%q]", name)
		bad = true
	}
	if slices.Contains(cfg.Audience, "\x00") {
		r.fail(join(xptr, "jwtConfiguration", "audience"), "the audiences are not a list of text (template parameters?): give them in Options.JWT[%q]", name)
		bad = true
	}
	if x.AuthorizerURI != nil || x.AuthorizerResultTTLInSeconds != nil || x.IdentityValidationExpression != "" ||
		x.AuthorizerPayloadFormatVersion != nil || x.EnableSimpleResponses != nil {
		r.fail(xptr, "authorizerUri, authorizerResultTtlInSeconds, identityValidationExpression, authorizerPayloadFormatVersion and enableSimpleResponses are Lambda authorizer settings")
		bad = true
	}
	if bad {
		return nil
	}
	a, err := jwtauth.New(cfg)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			r.fail(xptr, "%s", line)
		}
		return nil
	}
	return a
}

// iamAuthorizer returns the API's IAM authorization, built once from
// Options.IAM; ptr is where the definition asks for it.
func (im *importer) iamAuthorizer(ptr string) gateway.Authorizer {
	if im.iam != nil || im.iamFailed {
		return im.iam
	}
	im.iamFailed = true
	if im.opts.IAM == nil {
		im.r.fail(ptr, "IAM authorization (awsSigv4) verifies signatures against the credentials callers sign with: give them in Options.IAM (lambdagate serve: --iam-credential)")
		return nil
	}
	a, err := iamauth.New(*im.opts.IAM)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			im.r.fail(ptr, "Options.IAM: %s", line)
		}
		return nil
	}
	im.iam, im.iamFailed = a, false
	return a
}

// routeSecurity sets a route's authorizer, scopes and API key from its
// operation's security and x-amazon-apigateway-auth
// (docs/evidence/openapi.md#security-requirements). It reports whether
// the route can be served.
func (im *importer) routeSecurity(api *gateway.API, rt *gateway.Route, ptr string, o op) bool {
	r, rest := im.r, im.kind == event.REST
	ok := true
	name, namePtr := "", ""
	if o.op.Security != nil {
		for i, req := range *o.op.Security {
			for _, n := range slices.Sorted(maps.Keys(req)) {
				p := join(ptr, "security", strconv.Itoa(i), n)
				scopes := req[n]
				s := im.schemes[n]
				if s == nil {
					r.fail(p, "security scheme %q is not defined in %s", n, im.schemeRoot())
					ok = false
					continue
				}
				switch s.kind {
				case badScheme:
					ok = false // reported where it is defined
					continue
				case foreignScheme:
					r.fail(p, "security scheme %q (%s) cannot be enforced by API Gateway: the method would be open in the cloud", n, s.typ)
					ok = false
					continue
				case apiKeyScheme:
					if !rest {
						r.note(p, "HTTP APIs have no API keys: API Gateway does not enforce %q", n)
						continue
					}
					rt.APIKeyRequired = true
					if len(scopes) > 0 {
						r.note(p, "scopes of an API key scheme are not used")
					}
					continue
				}
				if name != "" && name != n {
					r.fail(p, "a method has one authorizer: %q and %q are both required (%s)", name, n, namePtr)
					ok = false
					continue
				}
				name, namePtr = n, p
				if len(scopes) == 0 {
					continue
				}
				if s.kind == jwtScheme {
					rt.AuthorizationScopes = slices.Clone(scopes)
				} else {
					r.note(p, "authorization scopes are used by JWT (and Cognito) authorizers only: API Gateway ignores them here")
				}
			}
		}
	}
	if v, present := o.op.Extensions[authExtension]; present {
		p := join(ptr, authExtension)
		var a struct {
			Type string `json:"type"`
		}
		if err := decodeStrict(v, &a); err != nil {
			r.fail(p, "%v", err)
			return false
		}
		switch strings.ToUpper(a.Type) {
		case "NONE":
			if name != "" {
				r.fail(p, "authorization type NONE, but security requires %q", name)
				ok = false
			}
		case "AWS_IAM":
			if name != "" && im.schemes[name].kind != iamScheme {
				r.fail(p, "authorization type AWS_IAM, but security requires the authorizer %q", name)
				ok = false
				break
			}
			if name == "" {
				name = im.iamName(api, p)
				ok = ok && name != ""
			}
		default:
			r.fail(join(p, "type"), "authorization type %q: want NONE or AWS_IAM", a.Type)
			ok = false
		}
	}
	rt.Authorizer = name
	if rt.APIKeyRequired && len(im.opts.APIKeys) == 0 && !im.keysNoted {
		im.keysNoted = true
		r.note(ptr, "methods require API keys, and none are given (Options.APIKeys; lambdagate serve: --api-key): every request to them is refused with 403, as AWS refuses a key no usage plan holds")
	}
	return ok
}

// iamName returns the name of the API's IAM authorizer for an operation
// with x-amazon-apigateway-auth AWS_IAM: an awsSigv4 scheme's, or
// "AWS_IAM".
func (im *importer) iamName(api *gateway.API, ptr string) string {
	for _, n := range slices.Sorted(maps.Keys(im.schemes)) {
		if im.schemes[n].kind == iamScheme {
			return n
		}
	}
	const name = "AWS_IAM"
	if _, taken := im.schemes[name]; taken {
		im.r.fail(ptr, "the security scheme %q is not IAM authorization", name)
		return ""
	}
	im.schemes[name] = &scheme{ptr: ptr, kind: iamScheme}
	im.authPtrs[name] = ptr
	a := im.iamAuthorizer(ptr)
	if a == nil {
		return ""
	}
	if api.Authorizers == nil {
		api.Authorizers = map[string]gateway.Authorizer{}
	}
	api.Authorizers[name] = a
	return name
}

// policy reads x-amazon-apigateway-policy: a resource policy, as an
// object or as JSON text, whose resources may be Fn::Sub templates.
func (im *importer) policy(v any) *authorizer.Policy {
	ptr := pointer(policyExtension)
	if im.kind != event.REST {
		im.r.fail(ptr, "resource policies are a REST API setting")
		return nil
	}
	if s, ok := v.(string); ok {
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			im.r.fail(ptr, "want a policy document: %v", err)
			return nil
		}
	}
	if m, ok := v.(map[string]any); ok {
		sts, _ := m["Statement"].([]any)
		if st, single := m["Statement"].(map[string]any); single {
			sts = []any{st}
		}
		for i, st := range sts {
			stm, _ := st.(map[string]any)
			for _, field := range []string{"Resource", "NotResource"} {
				if !im.subResources(stm, field, join(ptr, "Statement", strconv.Itoa(i), field)) {
					return nil
				}
			}
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		im.r.fail(ptr, "%v", err)
		return nil
	}
	p, err := authorizer.ParsePolicy(b, true)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			im.r.fail(ptr, "%s", line)
		}
		return nil
	}
	for i, st := range p.Statement {
		for _, res := range slices.Concat(st.Resource, st.NotResource) {
			if strings.HasPrefix(res, "arn:") && !strings.Contains(res, ":"+event.DefaultAPIID+"/") {
				im.r.note(join(ptr, "Statement", strconv.Itoa(i)), "resource %q names a deployed API: it matches local requests only if the gateway.API has its region, account and id; execute-api:/STAGE/VERB/PATH matches any", res)
			}
		}
	}
	return p
}

// subResources replaces the Fn::Sub templates of a statement's field by
// their text, reporting those whose variables it cannot fill.
func (im *importer) subResources(st map[string]any, field, ptr string) bool {
	v, present := st[field]
	if !present {
		return true
	}
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	out := make([]any, len(list))
	for i, e := range list {
		if s, ok := e.(string); ok {
			out[i] = s
			continue
		}
		text, err := uriString(e)
		if err == nil && strings.Contains(text, "${") {
			err = fmt.Errorf("%q has variables the local gateway cannot fill; write resources as execute-api:/STAGE/VERB/PATH", text)
		}
		if err != nil {
			p := ptr
			if isList {
				p = join(ptr, strconv.Itoa(i))
			}
			im.r.fail(p, "%v", err)
			return false
		}
		out[i] = text
	}
	st[field] = out
	return true
}

// apiKeySchemeName is the name exports give the API key scheme, as SAM
// names it.
const apiKeySchemeName = "api_key"

// securitySchemes describes the API's authorizers and, when a route
// requires an API key, its API key scheme.
func (ex *exporter) securitySchemes() map[string]any {
	schemes := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(ex.api.Authorizers)) {
		switch a := ex.api.Authorizers[name].(type) {
		case gateway.LambdaAuthorizer:
			schemes[name] = ex.lambdaScheme(name, a)
		case *gateway.LambdaAuthorizer:
			if a != nil {
				schemes[name] = ex.lambdaScheme(name, *a)
				continue
			}
			ex.errs = append(ex.errs, fmt.Errorf("openapi: authorizer %q is nil", name))
		case *jwtauth.Authorizer:
			c := a.Config()
			src := c.IdentitySource
			if src == "" {
				src = "$request.header.Authorization"
			}
			schemes[name] = map[string]any{"type": "oauth2", authorizerExtension: map[string]any{
				"type": "jwt", "identitySource": src,
				"jwtConfiguration": map[string]any{"issuer": c.Issuer, "audience": slices.Clone(c.Audience)},
			}}
		case *iamauth.Authorizer:
			schemes[name] = map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", authtypeExtension: "awsSigv4"}
		default:
			ex.errs = append(ex.errs, fmt.Errorf("openapi: authorizer %q: %T has no OpenAPI description (a gateway.LambdaAuthorizer, a jwtauth or an iamauth Authorizer has)", name, a))
		}
	}
	if ex.apiKeys {
		schemes[ex.apiKeyScheme] = map[string]any{"type": "apiKey", "name": "x-api-key", "in": "header"}
	}
	return schemes
}

// lambdaScheme describes a Lambda authorizer as its scheme.
func (ex *exporter) lambdaScheme(name string, a gateway.LambdaAuthorizer) map[string]any {
	rest := ex.kind == event.REST
	x := map[string]any{}
	uri := importedURI(a.Function)
	if uri == nil {
		fn := ex.opts.AuthorizerFunctions[name]
		if fn == "" {
			ex.errs = append(ex.errs, fmt.Errorf("openapi: authorizer %q: name its Lambda function (ExportOptions.AuthorizerFunctions)", name))
		}
		uri = ex.functionURI(fn)
	}
	x["authorizerUri"] = uri
	typ := a.Type
	if typ == "" {
		typ = event.RequestAuthorizer
		if rest {
			typ = event.TokenAuthorizer
		}
	}
	x["type"] = strings.ToLower(string(typ))
	srcs := a.IdentitySource
	if len(srcs) == 0 && (typ == event.TokenAuthorizer || !rest) {
		// The gateway's default, written out.
		srcs = []string{"$request.header.Authorization"}
		if rest {
			srcs = []string{"method.request.header.Authorization"}
		}
	}
	header := "Unused" // API Gateway's word for a scheme whose name is not the identity source
	if typ == event.TokenAuthorizer && len(srcs) == 1 {
		header = strings.TrimPrefix(srcs[0], "method.request.header.")
	}
	if len(srcs) > 0 {
		x["identitySource"] = strings.Join(srcs, ", ")
	}
	if a.ValidationRegex != "" {
		x["identityValidationExpression"] = a.ValidationRegex
	}
	switch {
	case a.NoCache:
		x["authorizerResultTtlInSeconds"] = 0
	case a.TTL != 0:
		x["authorizerResultTtlInSeconds"] = int(a.TTL / time.Second)
	}
	scheme := map[string]any{"type": "apiKey", "name": header, "in": "header", authorizerExtension: x}
	if rest {
		scheme[authtypeExtension] = "custom"
	} else {
		v := a.PayloadVersion
		if v == "" {
			v = event.PayloadV2
		}
		x["authorizerPayloadFormatVersion"] = string(v)
		if a.SimpleResponses {
			x["enableSimpleResponses"] = true
		}
	}
	return scheme
}

// routeSecurity returns an operation's security requirements: one for
// its authorizer, with its scopes, and one for its API key, as SAM
// writes them.
func (ex *exporter) routeSecurity(rt gateway.Route) []any {
	var sec []any
	if rt.Authorizer != "" {
		scopes := []string{}
		if len(rt.AuthorizationScopes) > 0 {
			scopes = slices.Clone(rt.AuthorizationScopes)
		}
		sec = append(sec, map[string]any{rt.Authorizer: scopes})
	}
	if rt.APIKeyRequired {
		sec = append(sec, map[string]any{ex.apiKeyScheme: []string{}})
	}
	return sec
}

// apiSecurity writes the API's resource policy and API key source.
func (ex *exporter) apiSecurity(doc map[string]any) {
	rest := ex.kind == event.REST
	if p := ex.api.ResourcePolicy; p != nil {
		if !rest {
			ex.errs = append(ex.errs, fmt.Errorf("openapi: resource policies are a REST API feature, not a %v one", ex.kind))
		} else {
			doc[policyExtension] = toJSONValue(p)
		}
	}
	switch {
	case !rest:
	case ex.api.APIKeySource == gateway.AuthorizerKeySource:
		doc[keySourceExtension] = "AUTHORIZER"
	case ex.apiKeys:
		doc[keySourceExtension] = "HEADER"
	}
}
