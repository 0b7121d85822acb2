package vtl

import (
	"encoding/json"
	"fmt"
	"maps"
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
// adding the requestOverride and responseOverride maps: those an earlier
// template left when Input.Overrides carries them, else empty ones.
func (st *state) context() (value, error) {
	if st.ctxMade {
		return st.ctx, nil
	}
	order := contextOrder
	if st.in.Context == nil {
		order = overrideOrder
	}
	m, err := st.fromGoMap(st.in.Context, order, 0)
	if err != nil {
		return null, err
	}
	var carried [2]value
	if o := st.in.Overrides; o != nil {
		carried = o.carried
	}
	for i, name := range overrideOrder {
		if carried[i].k == kMap {
			v, err := st.copyValue(carried[i], false, 0)
			if err != nil {
				return null, err
			}
			m.put(str(name), v, nil)
			continue
		}
		o, err := st.ensureMap(m, name)
		if err != nil {
			return null, err
		}
		subs := []string{"header"}
		if name == "requestOverride" {
			subs = []string{"path", "header", "querystring"}
		}
		for _, sub := range subs {
			if _, err := st.ensureMap(o, sub); err != nil {
				return null, err
			}
		}
	}
	st.ctx, st.ctxMade = mapv(m), true
	return st.ctx, nil
}

func (st *state) ensureMap(m *vmap, key string) (*vmap, error) {
	if i := m.findString(key); i >= 0 && m.vals[i].k == kMap {
		return m.vals[i].m, nil
	}
	sub, err := st.newMap()
	if err != nil {
		return nil, err
	}
	m.put(str(key), mapv(sub), nil)
	return sub, nil
}

// fromGoMap converts a map of Input.Context: the keys in order first,
// then the others sorted.
func (st *state) fromGoMap(src map[string]any, order []string, depth int) (*vmap, error) {
	m, err := st.newMap()
	if err != nil {
		return nil, err
	}
	found := 0
	for _, k := range order {
		if v, ok := src[k]; ok {
			found++
			x, err := st.fromGo(v, k, depth)
			if err != nil {
				return nil, err
			}
			m.add(str(k), x)
		} else if depth == 0 && (k == "requestOverride" || k == "responseOverride") {
			// The override maps sit where AWS lists them.
			sub, err := st.newMap()
			if err != nil {
				return nil, err
			}
			m.add(str(k), mapv(sub))
		}
	}
	if len(src) > found {
		if err := st.charge(len(src)); err != nil {
			return nil, err
		}
		var rest []string
		for k := range src {
			if !slices.Contains(order, k) {
				rest = append(rest, k)
			}
		}
		slices.Sort(rest)
		for _, k := range rest {
			x, err := st.fromGo(src[k], k, depth)
			if err != nil {
				return nil, err
			}
			m.add(str(k), x)
		}
	}
	return m, nil
}

// fromGo converts a Go value (from encoding/json or ContextFromRequest)
// to a template value.
func (st *state) fromGo(v any, key string, depth int) (value, error) {
	if depth > st.lim.ExecDepth {
		return null, nil
	}
	if err := st.charge(1); err != nil {
		return null, err
	}
	switch v := v.(type) {
	case nil:
		return null, nil
	case string:
		return str(v), nil
	case bool:
		return boolv(v), nil
	case int:
		return intv(int64(v)), nil
	case int64:
		return intv(v), nil
	case int32:
		return intv(int64(v)), nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return intv(int64(v)), nil
		}
		return floatv(v), nil
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return intv(n), nil
		}
		f, _ := v.Float64()
		return floatv(f), nil
	case map[string]any:
		var order []string
		if key == "identity" {
			order = identityOrder
		}
		m, err := st.fromGoMap(v, order, depth+1)
		if err != nil {
			return null, err
		}
		return mapv(m), nil
	case map[string]string:
		p := make(event.Params, 0, len(v))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			p = append(p, event.Field{Name: k, Value: v[k]})
		}
		return st.paramMap(p)
	case []any:
		return st.listFromGo(v, depth)
	case []string:
		l, err := st.newList(listArrayList)
		if err != nil {
			return null, err
		}
		if err := st.charge(len(v)); err != nil {
			return null, err
		}
		for _, x := range v {
			l.items = append(l.items, str(x))
		}
		return listv(l), nil
	}
	return str(fmt.Sprint(v)), nil
}

func (st *state) listFromGo(v []any, depth int) (value, error) {
	l, err := st.newList(listArrayList)
	if err != nil {
		return null, err
	}
	for _, x := range v {
		e, err := st.fromGo(x, "", depth+1)
		if err != nil {
			return null, err
		}
		l.items = append(l.items, e)
	}
	return listv(l), nil
}

// copyValue copies v deeply, paying for each element. With fresh, the
// copy is made of new maps, lists and strings that outlive the execution
// (objects such as $input become their rendering); without, it is made
// in the heap, for an execution to use and change.
func (st *state) copyValue(v value, fresh bool, depth int) (value, error) {
	if depth > st.lim.ExecDepth {
		return null, limitErr("ExecDepth", st.lim.ExecDepth, "values nested deeper than %d", st.lim.ExecDepth)
	}
	if err := st.charge(1); err != nil {
		return null, err
	}
	switch v.k {
	case kString, kBig:
		if fresh {
			if err := st.chargeBytes(len(v.s)); err != nil {
				return null, err
			}
			v.s = strings.Clone(v.s)
		}
		return v, nil
	case kObj:
		if !fresh {
			return v, nil
		}
		s, err := st.toString(v)
		return str(strings.Clone(s)), err
	case kMap:
		return st.copyMap(v.m, fresh, depth)
	case kList:
		return st.copyList(v.l, fresh, depth)
	}
	return v, nil
}

func (st *state) copyMap(src *vmap, fresh bool, depth int) (value, error) {
	m := &vmap{}
	if !fresh {
		var err error
		if m, err = st.newMap(); err != nil {
			return null, err
		}
	}
	for i := range src.keys {
		k, err := st.copyValue(src.keys[i], fresh, depth+1)
		if err != nil {
			return null, err
		}
		x, err := st.copyValue(src.vals[i], fresh, depth+1)
		if err != nil {
			return null, err
		}
		m.add(k, x)
	}
	return mapv(m), nil
}

func (st *state) copyList(src *vlist, fresh bool, depth int) (value, error) {
	l := &vlist{kind: src.kind}
	if !fresh {
		var err error
		if l, err = st.newList(src.kind); err != nil {
			return null, err
		}
	}
	for _, x := range src.items {
		c, err := st.copyValue(x, fresh, depth+1)
		if err != nil {
			return null, err
		}
		l.items = append(l.items, c)
	}
	return listv(l), nil
}

// collectOverrides copies the override maps out of $context into o: as
// values for the next template, as JSON, and as the typed fields API
// Gateway applies. Everything is copied out of the heap.
func (st *state) collectOverrides(o *Overrides) error {
	if !st.ctxMade || st.ctx.k != kMap {
		if st.in.Overrides != nil {
			*o = *st.in.Overrides
		}
		return nil
	}
	json := []byte(`{`)
	for i, name := range overrideOrder {
		j := st.ctx.m.findString(name)
		if j < 0 || st.ctx.m.vals[j].k != kMap {
			continue
		}
		v, err := st.copyValue(st.ctx.m.vals[j], true, 0)
		if err != nil {
			return err
		}
		o.carried[i] = v
		if len(json) > 1 {
			json = append(json, ',')
		}
		json = appendJSONString(json, name)
		if json, err = st.appendJSON(append(json, ':'), v, 0); err != nil {
			return err
		}
	}
	o.json = append(json, '}')
	return st.typedOverrides(o)
}

// overrideParams are, for each map of overrideOrder, the keys that hold
// maps of parameters.
var overrideParams = [2][]string{{"path", "header", "querystring"}, {"header"}}

// noteOverride is called before a template puts v at key k of map m
// (#set, put, putAll, putIfAbsent). When that overrides a parameter (a
// header, path or query string parameter in $context.requestOverride, a
// header or the status in $context.responseOverride) it records it, and
// fails if the execution already overrode it: API Gateway applies each
// override once a template and answers a 5XX when a template sets one
// twice (docs/evidence/mapping.md §11). Putting a whole map of
// parameters, as #set($context.requestOverride.header = $m) does,
// overrides each of its keys.
func (st *state) noteOverride(m *vmap, k, v value) error {
	if !st.ctxMade || st.ctx.k != kMap {
		return nil
	}
	for i, name := range overrideOrder {
		o := sub(st.ctx, name)
		if o.k != kMap {
			continue
		}
		if o.m != m {
			for _, p := range overrideParams[i] {
				if s := sub(o, p); s.k == kMap && s.m == m {
					return st.overrideOnce(name+"."+p, k)
				}
			}
			continue
		}
		switch {
		case k.k != kString:
		case i == 1 && k.s == "status":
			return st.overrideOnce(name, k)
		case v.k == kMap && slices.Contains(overrideParams[i], k.s):
			for _, pk := range v.m.keys {
				if err := st.overrideOnce(name+"."+k.s, pk); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return nil
}

// overrideOnce records that the execution overrides parameter key of the
// override map at path, and fails if it already did.
func (st *state) overrideOnce(path string, key value) error {
	k, err := st.toString(key)
	if err != nil {
		return err
	}
	if err := st.charge(1); err != nil {
		return err
	}
	param := "$context." + path + "." + k
	if _, dup := st.overridden[param]; dup {
		return fmt.Errorf("override %q set twice: an override may be set only once in a template", param)
	}
	if st.overridden == nil {
		st.overridden = make(map[string]struct{})
	}
	st.overridden[param] = struct{}{}
	return nil
}

// typedOverrides fills the typed fields of o from its carried maps.
func (st *state) typedOverrides(o *Overrides) error {
	req, resp := o.carried[0], o.carried[1]
	var err error
	for _, f := range []struct {
		m   value
		key string
		dst *map[string]string
	}{
		{req, "header", &o.Request.Header},
		{req, "path", &o.Request.Path},
		{req, "querystring", &o.Request.QueryString},
		{resp, "header", &o.Response.Header},
	} {
		if *f.dst, err = st.stringMap(sub(f.m, f.key)); err != nil {
			return err
		}
	}
	if s := sub(resp, "status"); s.k != kNull {
		o.Response.Status = status(s)
	}
	return nil
}

// sub returns m[key], or null.
func sub(m value, key string) value {
	if m.k != kMap {
		return null
	}
	if i := m.m.findString(key); i >= 0 {
		return m.m.vals[i]
	}
	return null
}

// stringMap renders a map's keys and values as strings; a list value
// becomes its elements joined by commas, as multi-value headers are sent.
func (st *state) stringMap(m value) (map[string]string, error) {
	if m.k != kMap || len(m.m.keys) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(m.m.keys))
	for i := range m.m.keys {
		k, err := st.toString(m.m.keys[i])
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if x := m.m.vals[i]; x.k == kList {
			for j, it := range x.l.items {
				s, err := st.toString(it)
				if err != nil {
					return nil, err
				}
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(s)
			}
		} else {
			s, err := st.toString(x)
			if err != nil {
				return nil, err
			}
			b.WriteString(s)
		}
		out[strings.Clone(k)] = b.String()
	}
	return out, nil
}

// status reads $context.responseOverride.status: a number, or a string
// holding one; anything else is 0.
func status(v value) int {
	switch v.k {
	case kInt:
		return int(v.n)
	case kFloat:
		return int(v.fl())
	case kString:
		if n, err := strconv.Atoi(strings.TrimSpace(v.s)); err == nil {
			return n
		}
	}
	return 0
}

// jsonMarshal is json.Marshal, for Overrides without carried maps.
func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
