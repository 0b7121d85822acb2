package authorizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Effect is a policy statement's effect, Allow or Deny.
type Effect string

const (
	EffectAllow Effect = "Allow"
	EffectDeny  Effect = "Deny"
)

// InvokeAction is the action an API Gateway policy controls:
// calling a method or route.
const InvokeAction = "execute-api:Invoke"

// PolicyVersion is the policy language version a Policy declares.
const PolicyVersion = "2012-10-17"

// MaxResourceLen is the longest Resource ARN API Gateway accepts in an
// authorizer's policy.
const MaxResourceLen = 512

// A Policy is an IAM policy document as API Gateway reads it: the policy
// a Lambda authorizer returns, or a REST API's resource policy. Its JSON
// form is the document's.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// A Statement is one statement of a policy. Action and Resource (or their
// Not forms) list patterns matched as [Match] matches; Principal and
// Condition are read in resource policies.
type Statement struct {
	Sid         string     `json:"Sid,omitempty"`
	Effect      Effect     `json:"Effect"`
	Principal   *Principal `json:"Principal,omitempty"`
	Action      Strings    `json:"Action,omitempty"`
	NotAction   Strings    `json:"NotAction,omitempty"`
	Resource    Strings    `json:"Resource,omitempty"`
	NotResource Strings    `json:"NotResource,omitempty"`
	// Condition maps an operator (IpAddress, StringEquals, ...) to the
	// condition keys it tests and their values.
	Condition map[string]map[string]Strings `json:"Condition,omitempty"`
}

// Strings is a list of strings that a policy document may write as one
// string or as an array.
type Strings []string

// UnmarshalJSON reads a string or an array of strings.
func (s *Strings) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = Strings{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("authorizer: want a string or an array of strings")
	}
	*s = many
	return nil
}

// A Principal is the Principal of a resource policy statement: "*"
// (anyone, signed or not) or AWS account ids and IAM ARNs.
type Principal struct {
	Any bool    // "*" or {"AWS": "*"}
	AWS Strings // account ids ("123456789012"), account root ARNs or IAM user and role ARNs
}

// UnmarshalJSON reads "*" or {"AWS": …}.
func (p *Principal) UnmarshalJSON(b []byte) error {
	var star string
	if json.Unmarshal(b, &star) == nil {
		if star != "*" {
			return fmt.Errorf("authorizer: principal %q: want \"*\" or {\"AWS\": ...}", star)
		}
		p.Any = true
		return nil
	}
	var v map[string]Strings
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("authorizer: principal: want \"*\" or {\"AWS\": ...}")
	}
	for k, vs := range v {
		if k != "AWS" {
			return fmt.Errorf("authorizer: principal type %q: only \"AWS\" principals call APIs", k)
		}
		if slices.Contains(vs, "*") {
			p.Any = true
		}
		p.AWS = vs
	}
	return nil
}

// MarshalJSON writes "*" or {"AWS": […]}.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Any {
		return []byte(`"*"`), nil
	}
	return json.Marshal(map[string][]string{"AWS": p.AWS})
}

// A Decision is the outcome of evaluating a policy.
type Decision uint8

const (
	// NotAllowed: no statement allows the request (an implicit deny).
	NotAllowed Decision = iota
	// Allowed: a statement allows it and none denies it.
	Allowed
	// Denied: a statement denies it, whatever others allow (an explicit
	// deny).
	Denied
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case Denied:
		return "explicitly denied"
	}
	return "not allowed"
}

// Env is the request context a policy is evaluated in: the values of the
// condition keys API Gateway knows for a request. The zero Env is an
// anonymous caller with no address, at the zero time.
type Env struct {
	SourceIP  netip.Addr // aws:SourceIp
	Time      time.Time  // aws:CurrentTime, aws:EpochTime
	UserAgent string     // aws:UserAgent
	Referer   string     // aws:Referer
	// PrincipalARN and PrincipalAccount identify a caller that signed
	// its request (aws:PrincipalArn, aws:PrincipalAccount); empty for an
	// anonymous one.
	PrincipalARN     string
	PrincipalAccount string
	SecureTransport  bool // aws:SecureTransport
}

// conditionKeys are the condition keys a local evaluation can answer,
// lowercased as IAM compares keys.
var conditionKeys = []string{"aws:sourceip", "aws:currenttime", "aws:epochtime", "aws:useragent", "aws:referer",
	"aws:principalarn", "aws:principalaccount", "aws:securetransport"}

// Evaluate returns the decision of p for calling resource (a method or
// route ARN) with action, in env: Denied if a statement that applies
// denies it, otherwise Allowed if one allows it, otherwise NotAllowed.
// Principals are ignored when checkPrincipal is false, as for the
// policies Lambda authorizers return, which apply to their caller.
//
// It does not allocate for statements without conditions.
func (p *Policy) Evaluate(action, resource string, env *Env, checkPrincipal bool) Decision {
	d := NotAllowed
	for i := range p.Statement {
		st := &p.Statement[i]
		if !st.applies(action, resource, env, checkPrincipal) {
			continue
		}
		if st.Effect == EffectDeny {
			return Denied
		}
		d = Allowed
	}
	return d
}

func (st *Statement) applies(action, resource string, env *Env, checkPrincipal bool) bool {
	if len(st.Action) > 0 && !anyMatch(st.Action, action, true) || len(st.NotAction) > 0 && anyMatch(st.NotAction, action, true) {
		return false
	}
	if len(st.Resource) > 0 && !anyMatch(st.Resource, resource, false) || len(st.NotResource) > 0 && anyMatch(st.NotResource, resource, false) {
		return false
	}
	if checkPrincipal && !st.Principal.matches(env) {
		return false
	}
	for op, keys := range st.Condition {
		for key, values := range keys {
			if !condition(op, key, values, env) {
				return false
			}
		}
	}
	return true
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if match(p, s, fold) {
			return true
		}
	}
	return false
}

// matches reports whether the principal names env's caller. A statement
// without a principal applies to no one, as in a resource policy it must
// have one.
func (p *Principal) matches(env *Env) bool {
	if p == nil {
		return false
	}
	if p.Any {
		return true
	}
	if env.PrincipalARN == "" {
		return false
	}
	for _, a := range p.AWS {
		switch {
		case a == env.PrincipalARN,
			a == env.PrincipalAccount,
			a == "arn:aws:iam::"+env.PrincipalAccount+":root":
			return true
		}
	}
	return false
}

// condition evaluates one condition operator on one key, IAM's way: any
// of the values may match; a key the request lacks fails every operator
// but the negated ones and those ending in IfExists.
func condition(op, key string, values []string, env *Env) bool {
	base, ifExists := strings.CutSuffix(op, "IfExists")
	v, ok := conditionValue(strings.ToLower(key), env)
	if !ok {
		return ifExists || strings.HasPrefix(base, "Not") || strings.Contains(base, "NotEquals") || strings.Contains(base, "NotLike")
	}
	switch base {
	case "IpAddress", "NotIpAddress":
		hit := false
		if ip, err := netip.ParseAddr(v); err == nil {
			for _, c := range values {
				if pr, err := parsePrefix(c); err == nil && pr.Contains(ip) {
					hit = true
					break
				}
			}
		}
		return hit == (base == "IpAddress")
	case "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		hit := false
		for _, c := range values {
			if c == v || strings.HasSuffix(base, "IgnoreCase") && strings.EqualFold(c, v) {
				hit = true
				break
			}
		}
		return hit == !strings.Contains(base, "Not")
	case "StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals":
		hit := anyMatch(values, v, false)
		return hit == !strings.Contains(base, "Not")
	case "Bool":
		return slices.ContainsFunc(values, func(c string) bool { return strings.EqualFold(c, v) })
	case "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
		"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		date := strings.HasPrefix(base, "Date")
		x, err := number(v, date)
		if err != nil {
			return false
		}
		for _, c := range values {
			y, err := number(c, date)
			if err != nil {
				continue
			}
			var hit bool
			switch strings.TrimPrefix(strings.TrimPrefix(base, "Date"), "Numeric") {
			case "Equals":
				hit = x == y
			case "NotEquals":
				hit = x != y
			case "LessThan":
				hit = x < y
			case "LessThanEquals":
				hit = x <= y
			case "GreaterThan":
				hit = x > y
			case "GreaterThanEquals":
				hit = x >= y
			}
			if hit {
				return true
			}
		}
		return false
	}
	return false
}

// number reads a number, or a date (RFC 3339 or epoch seconds) as epoch
// seconds.
func number(s string, date bool) (float64, error) {
	if date {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return float64(t.Unix()), nil
		}
	}
	return strconv.ParseFloat(s, 64)
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return a.Prefix(a.BitLen())
}

// conditionValue returns the value of a condition key for env.
func conditionValue(key string, env *Env) (string, bool) {
	switch key {
	case "aws:sourceip":
		return env.SourceIP.String(), env.SourceIP.IsValid()
	case "aws:currenttime":
		return env.Time.UTC().Format(time.RFC3339), !env.Time.IsZero()
	case "aws:epochtime":
		return strconv.FormatInt(env.Time.Unix(), 10), !env.Time.IsZero()
	case "aws:useragent":
		return env.UserAgent, env.UserAgent != ""
	case "aws:referer":
		return env.Referer, env.Referer != ""
	case "aws:principalarn":
		return env.PrincipalARN, env.PrincipalARN != ""
	case "aws:principalaccount":
		return env.PrincipalAccount, env.PrincipalAccount != ""
	case "aws:securetransport":
		return strconv.FormatBool(env.SecureTransport), true
	}
	return "", false
}

// conditionOps are the operators Evaluate knows, without IfExists.
var conditionOps = []string{"IpAddress", "NotIpAddress", "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
	"StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals", "Bool",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"}

// Check reports every problem of p that makes API Gateway refuse it, or
// that a local evaluation cannot answer: no statements, an effect other
// than Allow or Deny, a statement without Action or Resource (or their
// Not forms), a Resource over [MaxResourceLen], a condition operator or
// key it does not know. resourcePolicy says whether p is a resource
// policy, whose statements need a Principal.
func (p *Policy) Check(resourcePolicy bool) error {
	var errs []error
	if p.Version != "" && p.Version != PolicyVersion && p.Version != "2008-10-17" {
		errs = append(errs, fmt.Errorf("authorizer: policy version %q is not 2012-10-17 or 2008-10-17", p.Version))
	}
	if len(p.Statement) == 0 {
		errs = append(errs, errors.New("authorizer: policy without statements"))
	}
	for i, st := range p.Statement {
		at := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("authorizer: statement %d: "+format, append([]any{i}, args...)...))
		}
		if st.Effect != EffectAllow && st.Effect != EffectDeny {
			at("effect %q is not Allow or Deny", st.Effect)
		}
		if len(st.Action) == 0 && len(st.NotAction) == 0 {
			at("no Action")
		}
		if len(st.Resource) == 0 && len(st.NotResource) == 0 {
			at("no Resource")
		}
		for _, r := range slices.Concat(st.Resource, st.NotResource) {
			if len(r) > MaxResourceLen {
				at("resource of %d characters is over API Gateway's %d", len(r), MaxResourceLen)
			}
		}
		if resourcePolicy && st.Principal == nil {
			at("no Principal")
		}
		for op, keys := range st.Condition {
			if !slices.Contains(conditionOps, strings.TrimSuffix(op, "IfExists")) {
				at("condition operator %q is not one the local gateway evaluates", op)
			}
			for key := range keys {
				if !slices.Contains(conditionKeys, strings.ToLower(key)) {
					at("condition key %q is not one the local gateway knows (%s)", key, strings.Join(conditionKeys, ", "))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// ParsePolicy reads a policy document, checked as [Policy.Check] checks
// it.
func ParsePolicy(doc []byte, resourcePolicy bool) (*Policy, error) {
	var p Policy
	if err := json.Unmarshal(doc, &p); err != nil {
		return nil, fmt.Errorf("authorizer: policy: %w", err)
	}
	if err := p.Check(resourcePolicy); err != nil {
		return nil, err
	}
	return &p, nil
}
