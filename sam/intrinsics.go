package sam

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/awslabs/goformation/v7/intrinsics"
)

// unresolvedKey marks a value that an intrinsic function could not give
// on this machine (an export of another stack, an attribute of a resource
// that is not emulated). The marker travels through the functions that
// use it, so that a value the template never uses (the false branch of an
// Fn::If) costs nothing, and one it uses is reported where it is used.
const unresolvedKey = "lambdagate::Unresolved"

func unresolved(format string, args ...any) map[string]any {
	return map[string]any{unresolvedKey: fmt.Sprintf(format, args...)}
}

// isUnresolved returns the reason of an unresolved marker.
func isUnresolved(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	s, ok := m[unresolvedKey].(string)
	return s, ok
}

// maxResolveDepth bounds the nesting of resolutions: a physical name
// computed from an intrinsic, an AWS::Include that includes another.
const maxResolveDepth = 8

// maxIncludes bounds the AWS::Include transforms of one template.
const maxIncludes = 64

// A resolver resolves a template's intrinsic functions, as CloudFormation
// does at deployment, with the values they have on this machine.
type resolver struct {
	opts Options
	rep  *report
	pi   *intrinsics.ProcessorOptions

	params    map[string]any // parameter values: a string, or a list
	mappings  map[string]any
	condExprs map[string]any
	conds     map[string]int // 1 while being evaluated, 2 once done
	condVals  map[string]bool

	types    map[string]string         // the live resources' types, by logical ID
	props    map[string]map[string]any // their raw properties
	absent   map[string]bool           // resources whose condition is false
	physical map[string]string         // physical ids, by logical ID
	logical  map[string]string         // logical IDs, by physical id
	naming   map[string]bool           // physical names being computed

	depth    int
	includes int
}

func newResolver(opts Options, rep *report) *resolver {
	r := &resolver{opts: opts, rep: rep, params: map[string]any{}, conds: map[string]int{}, condVals: map[string]bool{},
		types: map[string]string{}, props: map[string]map[string]any{}, absent: map[string]bool{},
		physical: map[string]string{}, logical: map[string]string{}, naming: map[string]bool{}}
	r.pi = &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: map[string]intrinsics.IntrinsicHandler{
		"Ref":             r.ref,
		"Fn::GetAtt":      r.getAtt,
		"Fn::Sub":         r.sub,
		"Fn::Join":        r.join,
		"Fn::Select":      r.selectFn,
		"Fn::Split":       r.split,
		"Fn::FindInMap":   r.findInMap,
		"Fn::If":          r.ifFn,
		"Fn::Equals":      r.boolFn,
		"Fn::And":         r.boolFn,
		"Fn::Or":          r.boolFn,
		"Fn::Not":         r.boolFn,
		"Fn::GetAZs":      r.getAZs,
		"Fn::ImportValue": r.notHere,
		"Fn::Cidr":        r.notHere,
		"Fn::Transform":   r.transform,
		"Fn::ToJsonString": func(_ string, in, _ any) any {
			b, err := json.Marshal(in)
			if err != nil {
				return unresolved("Fn::ToJsonString: %v", err)
			}
			return string(b)
		},
		"Fn::Length": func(_ string, in, _ any) any {
			if l, ok := in.([]any); ok {
				return float64(len(l))
			}
			return unresolved("Fn::Length: want a list")
		},
	}}
	return r
}

// resolve returns v with every intrinsic function resolved, by
// goformation's processor calling the resolver's handlers.
func (r *resolver) resolve(v any) any {
	if r.depth >= maxResolveDepth {
		return unresolved("intrinsic functions nested too deeply")
	}
	r.depth++
	defer func() { r.depth-- }()
	b, err := json.Marshal(map[string]any{"v": v})
	if err != nil {
		return unresolved("%v", err)
	}
	out, err := intrinsics.ProcessJSON(b, r.pi)
	if err != nil {
		return unresolved("%v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		return unresolved("%v", err)
	}
	return m["v"]
}

// scalar returns a scalar's string, as CloudFormation turns numbers and
// booleans into strings where it wants a string.
func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// firstUnresolved returns the first unresolved marker among vs.
func firstUnresolved(vs ...any) (any, bool) {
	for _, v := range vs {
		if _, ok := isUnresolved(v); ok {
			return v, true
		}
	}
	return nil, false
}

// parameters reads the Parameters section with the overrides.
func (r *resolver) parameters(v any) {
	params, _ := v.(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(r.opts.Parameters)) {
		if _, ok := params[name]; !ok {
			r.rep.fail(path("Parameters", name), "--parameter-overrides names a parameter the template does not declare")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		p, ok := params[name].(map[string]any)
		where := path("Parameters", name)
		if !ok {
			r.rep.fail(where, "a parameter must be a mapping")
			continue
		}
		typ, _ := p["Type"].(string)
		val, set := r.opts.Parameters[name]
		if !set {
			d, has := p["Default"]
			if !has {
				r.rep.fail(where, "no value: the parameter has no Default; give one with --parameter-overrides %s=VALUE", name)
				continue
			}
			if val, set = scalar(d); !set {
				r.rep.fail(where, "Default %v is not a string or a number", d)
				continue
			}
		}
		if err := checkParameter(typ, val, p); err != nil {
			r.rep.fail(where, "value %q: %v", val, err)
			continue
		}
		switch {
		case strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<"):
			r.params[name] = unresolved("parameter %s is read from SSM Parameter Store (%q), which is not emulated", name, val)
			r.rep.note(where, "SSM parameter types are not read locally: give the value itself with --parameter-overrides and a plain type")
		case typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<"):
			var list []any
			for _, e := range strings.Split(val, ",") {
				list = append(list, e)
			}
			r.params[name] = list
		default:
			r.params[name] = val
		}
	}
}

// checkParameter checks a parameter's value against its declaration.
func checkParameter(typ, val string, p map[string]any) error {
	if typ == "" {
		return fmt.Errorf("the parameter has no Type")
	}
	if typ == "Number" {
		if _, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err != nil {
			return fmt.Errorf("not a number")
		}
	}
	if allowed, ok := p["AllowedValues"].([]any); ok {
		found := false
		for _, a := range allowed {
			if s, ok := scalar(a); ok && s == val {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("not one of the AllowedValues %v", allowed)
		}
	}
	if pat, ok := p["AllowedPattern"].(string); ok {
		re, err := regexp.Compile("^(?:" + pat + ")$")
		if err == nil && !re.MatchString(val) {
			return fmt.Errorf("does not match the AllowedPattern %q", pat)
		}
	}
	if n, ok := p["MinLength"].(float64); ok && float64(len(val)) < n {
		return fmt.Errorf("shorter than MinLength %v", n)
	}
	if n, ok := p["MaxLength"].(float64); ok && float64(len(val)) > n {
		return fmt.Errorf("longer than MaxLength %v", n)
	}
	if typ == "Number" {
		f, _ := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if n, ok := p["MinValue"].(float64); ok && f < n {
			return fmt.Errorf("less than MinValue %v", n)
		}
		if n, ok := p["MaxValue"].(float64); ok && f > n {
			return fmt.Errorf("more than MaxValue %v", n)
		}
	}
	return nil
}

// conditionsOf records the Conditions section; conditions are evaluated
// when first needed, once.
func (r *resolver) conditionsOf(v any) {
	if v == nil {
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		r.rep.fail("Conditions", "want a mapping of condition names to conditions")
		return
	}
	r.condExprs = m
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if _, err := r.condition(name); err != nil {
			r.rep.fail(path("Conditions", name), "%v", err)
		}
	}
}

// condition returns the value of the named condition.
func (r *resolver) condition(name string) (bool, error) {
	switch r.conds[name] {
	case 2:
		return r.condVals[name], nil
	case 1:
		return false, fmt.Errorf("condition %q depends on itself", name)
	}
	expr, ok := r.condExprs[name]
	if !ok {
		return false, fmt.Errorf("no condition %q in Conditions", name)
	}
	r.conds[name] = 1
	v, err := r.evalCondition(expr, 0)
	r.conds[name] = 2
	r.condVals[name] = v
	if err != nil {
		return false, fmt.Errorf("condition %q: %w", name, err)
	}
	return v, nil
}

// evalCondition evaluates a condition function: Fn::Equals, Fn::And,
// Fn::Or, Fn::Not, or a reference to another condition.
func (r *resolver) evalCondition(e any, d int) (bool, error) {
	if d > maxDepth {
		return false, fmt.Errorf("nested too deeply")
	}
	if b, ok := e.(bool); ok {
		return b, nil
	}
	m, ok := e.(map[string]any)
	if !ok || len(m) != 1 {
		return false, fmt.Errorf("%v is not a condition function", e)
	}
	for fn, arg := range m {
		if fn == "Condition" {
			name, _ := arg.(string)
			return r.condition(name)
		}
		args, _ := arg.([]any)
		switch fn {
		case "Fn::Equals":
			if len(args) != 2 {
				return false, fmt.Errorf("Fn::Equals takes two values")
			}
			a, b := r.resolve(args[0]), r.resolve(args[1])
			if u, ok := firstUnresolved(a, b); ok {
				why, _ := isUnresolved(u)
				return false, fmt.Errorf("cannot be evaluated locally: %s", why)
			}
			return equal(a, b), nil
		case "Fn::Not":
			if len(args) != 1 {
				return false, fmt.Errorf("Fn::Not takes one condition")
			}
			v, err := r.evalCondition(args[0], d+1)
			return !v, err
		case "Fn::And", "Fn::Or":
			if len(args) < 2 || len(args) > 10 {
				return false, fmt.Errorf("%s takes 2 to 10 conditions", fn)
			}
			and := fn == "Fn::And"
			for _, a := range args {
				v, err := r.evalCondition(a, d+1)
				if err != nil {
					return false, err
				}
				if v != and {
					return v, nil
				}
			}
			return and, nil
		}
		return false, fmt.Errorf("%s is not a condition function", fn)
	}
	return false, nil
}

// equal compares two values as Fn::Equals does: scalars by their string.
func equal(a, b any) bool {
	sa, oka := scalar(a)
	sb, okb := scalar(b)
	if oka && okb {
		return sa == sb
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// index records the live resources and gives each its physical id.
func (r *resolver) index(live map[string]any) {
	for id, v := range live {
		res := v.(map[string]any)
		r.types[id], _ = res["Type"].(string)
		r.props[id], _ = res["Properties"].(map[string]any)
	}
	for _, id := range slices.Sorted(maps.Keys(live)) {
		r.physicalID(id)
	}
}

// physicalID returns the name or id the resource has on this machine:
// a function's FunctionName, or its logical ID; an API's id, ten
// characters derived from the stack and logical ID; a stage's name.
func (r *resolver) physicalID(id string) string {
	if p, ok := r.physical[id]; ok {
		return p
	}
	p := id
	switch r.types[id] {
	case "AWS::Serverless::Function", "AWS::Lambda::Function":
		if name, ok := r.props[id]["FunctionName"]; ok && !r.naming[id] {
			r.naming[id] = true
			if s, ok := r.resolve(name).(string); ok && s != "" {
				p = s
			}
			delete(r.naming, id)
		}
	case "AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api":
		p = r.hashID(id, 10)
	case "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Authorizer", "AWS::ApiGateway::Authorizer":
		p = r.hashID(id, 7)
	case "AWS::ApiGatewayV2::Stage", "AWS::ApiGateway::Stage":
		if s, ok := r.resolve(r.props[id]["StageName"]).(string); ok && s != "" {
			p = s
		}
	}
	r.physical[id] = p
	if _, taken := r.logical[p]; !taken {
		r.logical[p] = id
	}
	return p
}

// hashID returns an id of n lowercase letters and digits derived from the
// stack's name and a logical ID, as API Gateway's ids look.
func (r *resolver) hashID(id string, n int) string {
	sum := sha256.Sum256([]byte(r.opts.StackName + "/" + id))
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[int(sum[i])%len(chars)]
	}
	return string(b)
}

// functionARN returns the ARN of the function whose physical name is name.
func (r *resolver) functionARN(name string) string {
	return "arn:aws:lambda:" + r.opts.Region + ":" + r.opts.AccountID + ":function:" + name
}

// ref is Ref: a parameter's value, a pseudo parameter, or a resource's
// physical id.
func (r *resolver) ref(_ string, in, _ any) any {
	name, ok := in.(string)
	if !ok {
		if u, ok := firstUnresolved(in); ok {
			return u
		}
		return unresolved("Ref %v: want a name", in)
	}
	switch name {
	case "AWS::Region":
		return r.opts.Region
	case "AWS::AccountId":
		return r.opts.AccountID
	case "AWS::Partition":
		return "aws"
	case "AWS::URLSuffix":
		return "amazonaws.com"
	case "AWS::StackName":
		return r.opts.StackName
	case "AWS::StackId":
		return "arn:aws:cloudformation:" + r.opts.Region + ":" + r.opts.AccountID + ":stack/" + r.opts.StackName + "/" + r.hashID("AWS::StackId", 8)
	case "AWS::NoValue":
		return nil
	case "AWS::NotificationARNs":
		return []any{}
	}
	if v, ok := r.params[name]; ok {
		return v
	}
	if _, ok := r.types[name]; ok {
		return r.physicalID(name)
	}
	if r.absent[name] {
		return unresolved("resource %s is not created: its condition is false", name)
	}
	return unresolved("Ref %s: no parameter or resource of that name", name)
}

// getAtt is Fn::GetAtt for the attributes that have a value locally.
func (r *resolver) getAtt(_ string, in, _ any) any {
	var id, attr string
	switch v := in.(type) {
	case []any:
		if u, ok := firstUnresolved(v...); ok {
			return u
		}
		if len(v) == 2 {
			id, _ = v[0].(string)
			attr, _ = v[1].(string)
		}
	case string:
		id, attr, _ = strings.Cut(v, ".")
	}
	if id == "" || attr == "" {
		return unresolved("Fn::GetAtt %v: want [LogicalId, Attribute]", in)
	}
	typ, ok := r.types[id]
	if !ok {
		if base, isURL := strings.CutSuffix(id, "Url"); isURL && r.types[base] == "AWS::Serverless::Function" && r.props[base]["FunctionUrlConfig"] != nil {
			switch attr {
			case "FunctionUrl":
				return "https://" + r.hashID(id, 32) + ".lambda-url." + r.opts.Region + ".on.aws/"
			case "FunctionArn":
				return r.functionARN(r.physicalID(base))
			}
		}
		if r.absent[id] {
			return unresolved("resource %s is not created: its condition is false", id)
		}
		return unresolved("Fn::GetAtt %s.%s: no resource %s in the template", id, attr, id)
	}
	switch typ {
	case "AWS::Serverless::Function", "AWS::Lambda::Function":
		if attr == "Arn" {
			return r.functionARN(r.physicalID(id))
		}
	case "AWS::Serverless::Api", "AWS::ApiGateway::RestApi":
		if attr == "RootResourceId" {
			return r.hashID(id+"/", 10)
		}
	case "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api":
		switch attr {
		case "ApiEndpoint":
			scheme := "https"
			if pt, _ := r.props[id]["ProtocolType"].(string); pt == "WEBSOCKET" {
				scheme = "wss"
			}
			return scheme + "://" + r.physicalID(id) + ".execute-api." + r.opts.Region + ".amazonaws.com"
		case "ApiId":
			return r.physicalID(id)
		}
	}
	return unresolved("Fn::GetAtt %s.%s: the attribute of a %s has no local value", id, attr, typ)
}

// sub is Fn::Sub, with ${!Literal} escapes.
func (r *resolver) sub(_ string, in, _ any) any {
	var tmpl string
	var vars map[string]any
	switch v := in.(type) {
	case string:
		tmpl = v
	case []any:
		if u, ok := firstUnresolved(v...); ok {
			return u
		}
		if len(v) != 2 {
			return unresolved("Fn::Sub takes a string, or a string and a mapping of variables")
		}
		s, ok1 := v[0].(string)
		m, ok2 := v[1].(map[string]any)
		if !ok1 || !ok2 {
			return unresolved("Fn::Sub takes a string, or a string and a mapping of variables")
		}
		tmpl, vars = s, m
	default:
		return unresolved("Fn::Sub %v: want a string", in)
	}
	var b strings.Builder
	for {
		i := strings.Index(tmpl, "${")
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		tmpl = tmpl[i+2:]
		if rest, ok := strings.CutPrefix(tmpl, "!"); ok {
			b.WriteString("${")
			tmpl = rest
			continue
		}
		j := strings.IndexByte(tmpl, '}')
		if j < 0 {
			b.WriteString("${" + tmpl)
			break
		}
		name := strings.TrimSpace(tmpl[:j])
		tmpl = tmpl[j+1:]
		var val any
		if v, ok := vars[name]; ok {
			val = v
		} else if a, attr, dotted := strings.Cut(name, "."); dotted {
			val = r.getAtt("", []any{a, attr}, nil)
		} else {
			val = r.ref("", name, nil)
		}
		if _, ok := isUnresolved(val); ok {
			return val
		}
		s, ok := scalar(val)
		if !ok {
			return unresolved("Fn::Sub ${%s}: %v is not a string", name, val)
		}
		b.WriteString(s)
	}
	return b.String()
}

// join is Fn::Join.
func (r *resolver) join(_ string, in, _ any) any {
	args, ok := in.([]any)
	if !ok || len(args) != 2 {
		return unresolved("Fn::Join takes a delimiter and a list")
	}
	if u, ok := firstUnresolved(args...); ok {
		return u
	}
	delim, ok := args[0].(string)
	list, ok2 := args[1].([]any)
	if !ok || !ok2 {
		return unresolved("Fn::Join takes a delimiter and a list")
	}
	parts := make([]string, 0, len(list))
	for _, e := range list {
		if _, ok := isUnresolved(e); ok {
			return e
		}
		s, ok := scalar(e)
		if !ok {
			return unresolved("Fn::Join: %v is not a string", e)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, delim)
}

// selectFn is Fn::Select.
func (r *resolver) selectFn(_ string, in, _ any) any {
	args, ok := in.([]any)
	if !ok || len(args) != 2 {
		return unresolved("Fn::Select takes an index and a list")
	}
	if u, ok := firstUnresolved(args...); ok {
		return u
	}
	s, _ := scalar(args[0])
	i, err := strconv.Atoi(s)
	list, ok := args[1].([]any)
	if err != nil || !ok {
		return unresolved("Fn::Select takes an index and a list")
	}
	if i < 0 || i >= len(list) {
		return unresolved("Fn::Select: index %d out of a list of %d", i, len(list))
	}
	return list[i]
}

// split is Fn::Split.
func (r *resolver) split(_ string, in, _ any) any {
	args, ok := in.([]any)
	if !ok || len(args) != 2 {
		return unresolved("Fn::Split takes a delimiter and a string")
	}
	if u, ok := firstUnresolved(args...); ok {
		return u
	}
	delim, ok1 := args[0].(string)
	s, ok2 := args[1].(string)
	if !ok1 || !ok2 || delim == "" {
		return unresolved("Fn::Split takes a delimiter and a string")
	}
	var out []any
	for _, p := range strings.Split(s, delim) {
		out = append(out, p)
	}
	return out
}

// findInMap is Fn::FindInMap, with the default value of the language
// extensions' form.
func (r *resolver) findInMap(_ string, in, _ any) any {
	args, ok := in.([]any)
	if !ok || len(args) < 3 {
		return unresolved("Fn::FindInMap takes a map name and two keys")
	}
	if u, ok := firstUnresolved(args[:3]...); ok {
		return u
	}
	var keys [3]string
	for i := range keys {
		if keys[i], ok = scalar(args[i]); !ok {
			return unresolved("Fn::FindInMap: %v is not a key", args[i])
		}
	}
	m1, _ := r.mappings[keys[0]].(map[string]any)
	m2, _ := m1[keys[1]].(map[string]any)
	if v, ok := m2[keys[2]]; ok {
		return v
	}
	if len(args) == 4 {
		if d, ok := args[3].(map[string]any); ok {
			if v, ok := d["DefaultValue"]; ok {
				return v
			}
		}
	}
	return unresolved("Fn::FindInMap: no %s/%s/%s in Mappings", keys[0], keys[1], keys[2])
}

// ifFn is Fn::If.
func (r *resolver) ifFn(_ string, in, _ any) any {
	args, ok := in.([]any)
	if !ok || len(args) != 3 {
		return unresolved("Fn::If takes a condition name and two values")
	}
	name, ok := args[0].(string)
	if !ok {
		return unresolved("Fn::If: %v is not a condition name", args[0])
	}
	v, err := r.condition(name)
	if err != nil {
		return unresolved("Fn::If: %v", err)
	}
	if v {
		return args[1]
	}
	return args[2]
}

// boolFn evaluates a condition function met outside Conditions.
func (r *resolver) boolFn(name string, in, _ any) any {
	v, err := r.evalCondition(map[string]any{name: in}, 0)
	if err != nil {
		return unresolved("%s: %v", name, err)
	}
	return v
}

// getAZs is Fn::GetAZs: three zones of the region.
func (r *resolver) getAZs(_ string, in, _ any) any {
	region, _ := in.(string)
	if region == "" {
		region = r.opts.Region
	}
	return []any{region + "a", region + "b", region + "c"}
}

// notHere is an intrinsic function whose value only the cloud has.
func (r *resolver) notHere(name string, in, _ any) any {
	return unresolved("%s %v is not emulated: its value exists only in the cloud", name, in)
}

// transform is Fn::Transform: AWS::Include of a local file, whose
// contents are read (and their intrinsic functions resolved) in its
// place, as sam package uploads and CloudFormation includes them.
func (r *resolver) transform(_ string, in, _ any) any {
	m, _ := in.(map[string]any)
	name, _ := m["Name"].(string)
	params, _ := m["Parameters"].(map[string]any)
	loc, _ := params["Location"].(string)
	if name != "AWS::Include" {
		return unresolved("Fn::Transform %q is not emulated", name)
	}
	if loc == "" || strings.HasPrefix(loc, "s3://") || strings.Contains(loc, "://") {
		return unresolved("AWS::Include of %q: only a local file is read", loc)
	}
	if r.includes++; r.includes > maxIncludes {
		return unresolved("AWS::Include: more than %d includes", maxIncludes)
	}
	file := loc
	if !filepath.IsAbs(file) {
		file = filepath.Join(r.opts.Dir, file)
	}
	src, err := readFile(file, r.opts.MaxSize)
	if err != nil {
		return unresolved("AWS::Include: %v", err)
	}
	v, err := decodeDocument(src, r.opts.MaxSize)
	if err != nil {
		return unresolved("AWS::Include of %s: %v", loc, err)
	}
	return r.resolve(v)
}
