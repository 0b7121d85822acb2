package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/event"
)

// ContextFromRequest returns $context for r: every variable API Gateway
// documents for mapping templates, filled from the request. Values the
// request does not carry are empty strings, as API Gateway renders them.
// The result is a fresh tree of map[string]any and strings; callers may
// change it before putting it in an [Input].
func ContextFromRequest(r *event.Request) map[string]any {
	id := r.Context.Identity
	identity := map[string]any{
		"cognitoIdentityPoolId":         id.CognitoIdentityPoolID,
		"accountId":                     id.AccountID,
		"cognitoIdentityId":             id.CognitoIdentityID,
		"caller":                        id.Caller,
		"sourceIp":                      r.SourceIP,
		"principalOrgId":                "",
		"accessKey":                     id.AccessKey,
		"cognitoAuthenticationType":     id.CognitoAuthenticationType,
		"cognitoAuthenticationProvider": id.CognitoAuthenticationProvider,
		"userArn":                       id.UserARN,
		"userAgent":                     r.UserAgent,
		"user":                          id.User,
		"apiKey":                        id.APIKey,
		"apiKeyId":                      id.APIKeyID,
	}
	if iam := r.Authorizer.IAM(); iam != nil && iam.PrincipalOrgID != "" {
		identity["principalOrgId"] = iam.PrincipalOrgID
	}
	method := r.Context.HTTPMethod
	if method == "" {
		method = r.Method
	}
	resourcePath := r.Context.ResourcePath
	if resourcePath == "" {
		resourcePath = r.Resource
	}
	path := r.Context.Path
	if path == "" {
		path = r.Path
		if r.Stage != "" && r.Stage != "$default" {
			path = "/" + r.Stage + r.Path
		}
	}
	protocol := r.Context.Protocol
	if protocol == "" {
		protocol = "HTTP/1.1"
	}
	requestTime := r.Context.RequestTime
	var epoch any = ""
	if !r.Time.IsZero() {
		if requestTime == "" {
			requestTime = r.Time.UTC().Format("02/Jan/2006:15:04:05 -0700")
		}
		epoch = r.Time.UnixMilli()
	}
	domainPrefix := r.Context.DomainPrefix
	if domainPrefix == "" && r.DomainName != "" {
		domainPrefix, _, _ = strings.Cut(r.DomainName, ".")
	}
	ctx := map[string]any{
		"resourceId":           r.Context.ResourceID,
		"resourcePath":         resourcePath,
		"httpMethod":           method,
		"extendedRequestId":    r.Context.ExtendedRequestID,
		"requestTime":          requestTime,
		"path":                 path,
		"accountId":            r.AccountID,
		"protocol":             protocol,
		"stage":                r.Stage,
		"domainPrefix":         domainPrefix,
		"requestTimeEpoch":     epoch,
		"requestId":            r.RequestID,
		"identity":             identity,
		"domainName":           r.DomainName,
		"deploymentId":         "",
		"apiId":                r.APIID,
		"awsEndpointRequestId": "",
		"isCanaryRequest":      "false",
		"wafResponseCode":      "",
		"webaclArn":            "",
		"error": map[string]any{
			"message":               "",
			"messageString":         "",
			"responseType":          "",
			"validationErrorString": "",
		},
	}
	if !r.Authorizer.IsZero() {
		auth := map[string]any{}
		for k, v := range r.Authorizer.Lambda() {
			switch k {
			case "claims":
				continue
			}
			auth[k] = stringify(v)
		}
		if claims := r.Authorizer.Claims(); claims != nil {
			c := map[string]any{}
			for k, v := range claims {
				c[k] = v
			}
			auth["claims"] = c
		}
		ctx["authorizer"] = auth
	}
	return ctx
}

// stringify turns an authorizer context value into the string API Gateway
// passes to templates: 1 → "1", true → "true".
func stringify(v any) any {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// contextOrder is the order of $context.keySet() observed on AWS; other
// keys follow in sorted order.
var contextOrder = []string{
	"resourceId", "resourcePath", "httpMethod", "extendedRequestId", "requestTime", "path",
	"accountId", "protocol", "requestOverride", "stage", "domainPrefix", "requestTimeEpoch",
	"requestId", "identity", "domainName", "deploymentId", "responseOverride", "apiId",
}

var overrideOrder = []string{"requestOverride", "responseOverride"}

var identityOrder = []string{
	"cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "sourceIp",
	"principalOrgId", "accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider",
	"userArn", "userAgent", "user",
}

// context returns $context, converting Input.Context on first use and
// adding the requestOverride and responseOverride maps.
func (st *state) context() value {
	if st.ctxMade {
		return st.ctx
	}
	st.ctxMade = true
	order := contextOrder
	if st.in.Context == nil {
		order = overrideOrder
	}
	m := st.fromGoMap(st.in.Context, order, 0)
	ro := st.ensureMap(m, "requestOverride")
	st.ensureMap(ro, "path")
	st.ensureMap(ro, "header")
	st.ensureMap(ro, "querystring")
	so := st.ensureMap(m, "responseOverride")
	st.ensureMap(so, "header")
	st.ctx = mapv(m)
	return st.ctx
}

func (st *state) ensureMap(m *vmap, key string) *vmap {
	if i := m.findString(key); i >= 0 && m.vals[i].k == kMap {
		return m.vals[i].m
	}
	sub := st.newMap()
	m.put(str(key), mapv(sub))
	return sub
}

func (st *state) fromGoMap(src map[string]any, order []string, depth int) *vmap {
	m := st.newMap()
	found := 0
	for _, k := range order {
		if v, ok := src[k]; ok {
			found++
			m.put(str(k), st.fromGo(v, k, depth))
		} else if depth == 0 && (k == "requestOverride" || k == "responseOverride") {
			// The override maps sit where AWS lists them.
			m.put(str(k), mapv(st.newMap()))
		}
	}
	if len(src) > found {
		var rest []string
		for k := range src {
			if !slices.Contains(order, k) {
				rest = append(rest, k)
			}
		}
		slices.Sort(rest)
		for _, k := range rest {
			m.put(str(k), st.fromGo(src[k], k, depth))
		}
	}
	return m
}

// fromGo converts a Go value (from encoding/json or ContextFromRequest)
// to a template value.
func (st *state) fromGo(v any, key string, depth int) value {
	if depth > MaxExecDepth {
		return null
	}
	switch v := v.(type) {
	case nil:
		return null
	case string:
		return str(v)
	case bool:
		return boolv(v)
	case int:
		return intv(int64(v))
	case int64:
		return intv(v)
	case int32:
		return intv(int64(v))
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return intv(int64(v))
		}
		return floatv(v)
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return intv(n)
		}
		f, _ := v.Float64()
		return floatv(f)
	case map[string]any:
		var order []string
		if key == "identity" {
			order = identityOrder
		}
		return mapv(st.fromGoMap(v, order, depth+1))
	case map[string]string:
		m := st.newMap()
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			m.put(str(k), str(v[k]))
		}
		return mapv(m)
	case []any:
		l := st.newList(listArrayList)
		for _, x := range v {
			l.items = append(l.items, st.fromGo(x, "", depth+1))
		}
		return listv(l)
	case []string:
		l := st.newList(listArrayList)
		for _, x := range v {
			l.items = append(l.items, str(x))
		}
		return listv(l)
	}
	return str(fmt.Sprint(v))
}

// collectOverrides copies the override maps out of $context. Values are
// rendered as strings (a list renders as its elements joined by commas,
// for multi-value headers); all strings are copied out of the arena.
func (st *state) collectOverrides(o *Overrides) {
	if !st.ctxMade || st.ctx.k != kMap {
		return
	}
	get := func(m *vmap, k string) *vmap {
		if m == nil {
			return nil
		}
		if i := m.findString(k); i >= 0 && m.vals[i].k == kMap {
			return m.vals[i].m
		}
		return nil
	}
	conv := func(m *vmap) map[string]string {
		if m == nil || len(m.keys) == 0 {
			return nil
		}
		out := make(map[string]string, len(m.keys))
		for i := range m.keys {
			k, _ := st.toString(m.keys[i])
			var v string
			if x := m.vals[i]; x.k == kList {
				parts := make([]string, 0, len(x.l.items))
				for _, it := range x.l.items {
					s, _ := st.toString(it)
					parts = append(parts, s)
				}
				v = strings.Join(parts, ",")
			} else {
				v, _ = st.toString(x)
			}
			out[strings.Clone(k)] = strings.Clone(v)
		}
		return out
	}
	ro := get(st.ctx.m, "requestOverride")
	o.Request.Header = conv(get(ro, "header"))
	o.Request.Path = conv(get(ro, "path"))
	o.Request.QueryString = conv(get(ro, "querystring"))
	so := get(st.ctx.m, "responseOverride")
	o.Response.Header = conv(get(so, "header"))
	if so != nil {
		if i := so.findString("status"); i >= 0 {
			switch v := so.vals[i]; v.k {
			case kInt:
				o.Response.Status = int(v.n)
			case kFloat:
				o.Response.Status = int(v.fl())
			case kString:
				if n, err := strconv.Atoi(strings.TrimSpace(v.s)); err == nil {
					o.Response.Status = n
				}
			}
		}
	}
}
