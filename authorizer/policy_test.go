package authorizer

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"
)

const arnGETPet = "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/7"

func stmt(e Effect, resources ...string) Statement {
	return Statement{Effect: e, Action: Strings{InvokeAction}, Resource: resources}
}

// TestEvaluate covers the policy outcomes of an authorizer's policy
// (docs/evidence/authorizers.md#policy-evaluation).
func TestEvaluate(t *testing.T) {
	for _, tt := range []struct {
		name string
		st   []Statement
		arn  string
		want Decision
	}{
		{"allow matching", []Statement{stmt(EffectAllow, arnGETPet)}, arnGETPet, Allowed},
		{"allow other path", []Statement{stmt(EffectAllow, "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/8")}, arnGETPet, NotAllowed},
		{"allow wildcard", []Statement{stmt(EffectAllow, "arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/*")}, arnGETPet, Allowed},
		{"deny wins over allow", []Statement{stmt(EffectAllow, "*"), stmt(EffectDeny, arnGETPet)}, arnGETPet, Denied},
		{"deny first, allow later", []Statement{stmt(EffectDeny, "*/GET/*"), stmt(EffectAllow, "*")}, arnGETPet, Denied},
		{"deny elsewhere", []Statement{stmt(EffectAllow, "*"), stmt(EffectDeny, "*/DELETE/*")}, arnGETPet, Allowed},
		{"no statements apply", []Statement{stmt(EffectDeny, "*/POST/*")}, arnGETPet, NotAllowed},
		{"one of several resources", []Statement{stmt(EffectAllow, "*/POST/*", "*/GET/pets/*")}, arnGETPet, Allowed},
		{"ANY is not a wildcard verb", []Statement{stmt(EffectAllow, "arn:aws:execute-api:us-east-1:123456789012:abc/prod/ANY/pets/7")}, arnGETPet, NotAllowed},
		{"other action", []Statement{{Effect: EffectAllow, Action: Strings{"execute-api:ManageConnections"}, Resource: Strings{"*"}}}, arnGETPet, NotAllowed},
		{"action wildcard", []Statement{{Effect: EffectAllow, Action: Strings{"execute-api:*"}, Resource: Strings{"*"}}}, arnGETPet, Allowed},
		{"action case", []Statement{{Effect: EffectAllow, Action: Strings{"Execute-API:invoke"}, Resource: Strings{"*"}}}, arnGETPet, Allowed},
		{"not resource", []Statement{{Effect: EffectAllow, Action: Strings{"*"}, NotResource: Strings{"*/DELETE/*"}}}, arnGETPet, Allowed},
		{"not resource excludes", []Statement{{Effect: EffectAllow, Action: Strings{"*"}, NotResource: Strings{"*/GET/*"}}}, arnGETPet, NotAllowed},
		{"not action", []Statement{{Effect: EffectDeny, NotAction: Strings{InvokeAction}, Resource: Strings{"*"}}, stmt(EffectAllow, "*")}, arnGETPet, Allowed},
	} {
		p := Policy{Version: PolicyVersion, Statement: tt.st}
		if got := p.Evaluate(InvokeAction, tt.arn, &Env{}, false); got != tt.want {
			t.Errorf("%s: Evaluate = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestEvaluateResourcePolicy covers principals and conditions, as a REST
// API's resource policy uses them
// (docs/evidence/authorizers.md#resource-policies).
func TestEvaluateResourcePolicy(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
		{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc/*"},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc/*",
		 "Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}},
		{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/mallory"},"Action":"execute-api:*","Resource":"*"},
		{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*/DELETE/*",
		 "Condition":{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}]}`
	p, err := ParsePolicy([]byte(doc), true)
	if err != nil {
		t.Fatal(err)
	}
	in := netip.MustParseAddr("192.0.2.7")
	out := netip.MustParseAddr("198.51.100.1")
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		arn  string
		env  Env
		want Decision
	}{
		{"inside the range", arnGETPet, Env{SourceIP: in, Time: now}, Allowed},
		{"IPv6 inside", arnGETPet, Env{SourceIP: netip.MustParseAddr("2001:db8::1"), Time: now}, Allowed},
		{"outside the range", arnGETPet, Env{SourceIP: out, Time: now}, Denied},
		{"denied principal", arnGETPet, Env{SourceIP: in, Time: now, PrincipalARN: "arn:aws:iam::123456789012:user/mallory", PrincipalAccount: "123456789012"}, Denied},
		{"other principal", arnGETPet, Env{SourceIP: in, Time: now, PrincipalARN: "arn:aws:iam::123456789012:user/alice", PrincipalAccount: "123456789012"}, Allowed},
		{"delete after the date", strings.Replace(arnGETPet, "GET", "DELETE", 1), Env{SourceIP: in, Time: now}, Allowed},
		{"delete before the date", strings.Replace(arnGETPet, "GET", "DELETE", 1), Env{SourceIP: in, Time: now.AddDate(-1, 0, 0)}, Denied},
		{"another API", "arn:aws:execute-api:us-east-1:123456789012:xyz/prod/GET/", Env{SourceIP: in, Time: now}, NotAllowed},
	} {
		if got := p.Evaluate(InvokeAction, tt.arn, &tt.env, true); got != tt.want {
			t.Errorf("%s: Evaluate = %v, want %v", tt.name, got, tt.want)
		}
	}
	noPrincipal := Policy{Statement: []Statement{stmt(EffectAllow, "*")}}
	if got := noPrincipal.Evaluate(InvokeAction, arnGETPet, &Env{}, true); got != NotAllowed {
		t.Errorf("a statement without a principal applied: %v", got)
	}
}

func TestCondition(t *testing.T) {
	env := &Env{SourceIP: netip.MustParseAddr("203.0.113.9"), UserAgent: "curl/8", SecureTransport: true, Time: time.Unix(1700000000, 0)}
	for _, tt := range []struct {
		op, key string
		values  []string
		want    bool
	}{
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, true},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.9"}, true},
		{"IpAddress", "aws:sourceip", []string{"10.0.0.0/8"}, false},
		{"NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, true},
		{"StringEquals", "aws:UserAgent", []string{"curl/8"}, true},
		{"StringNotEquals", "aws:UserAgent", []string{"curl/8"}, false},
		{"StringEqualsIgnoreCase", "aws:UserAgent", []string{"CURL/8"}, true},
		{"StringLike", "aws:UserAgent", []string{"curl/*"}, true},
		{"StringNotLike", "aws:UserAgent", []string{"curl/*"}, false},
		{"Bool", "aws:SecureTransport", []string{"true"}, true},
		{"Bool", "aws:SecureTransport", []string{"false"}, false},
		{"NumericGreaterThan", "aws:EpochTime", []string{"1600000000"}, true},
		{"DateGreaterThan", "aws:CurrentTime", []string{"2024-01-01T00:00:00Z"}, false},
		{"StringEquals", "aws:Referer", []string{"x"}, false},           // missing key
		{"StringNotEquals", "aws:Referer", []string{"x"}, true},         // missing key, negated
		{"StringEqualsIfExists", "aws:Referer", []string{"x"}, true},    // missing key, IfExists
		{"ArnLike", "aws:PrincipalArn", []string{"arn:aws:*"}, false},   // anonymous
		{"StringLike", "aws:UserAgent", []string{"wget/*", "c*"}, true}, // any value
	} {
		if got := condition(tt.op, tt.key, tt.values, env); got != tt.want {
			t.Errorf("condition(%s, %s, %q) = %t, want %t", tt.op, tt.key, tt.values, got, tt.want)
		}
	}
}

func TestPolicyCheck(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		rp   bool
		want []string
	}{
		{`{"Version":"2012-10-17","Statement":[]}`, false, []string{"without statements"}},
		{`{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, false, []string{`version "2012-10-18"`}},
		{`{"Statement":[{"Effect":"allow","Action":"*"}]}`, false, []string{`effect "allow"`, "no Resource"}},
		{`{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, true, []string{"no Action", "no Principal"}},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"` + strings.Repeat("x", 513) + `"}]}`, false, []string{"over API Gateway's 512"}},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"v"}}}]}`, true, []string{`condition key "aws:SourceVpce"`}},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"Fancy":{"aws:SourceIp":"v"}}}]}`, true, []string{`operator "Fancy"`}},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Service":"x"},"Action":"*","Resource":"*"}]}`, true, []string{`principal type "Service"`}},
		{`{"Statement":[{"Effect":"Allow","Action":7,"Resource":"*"}]}`, false, []string{"string or an array"}},
	} {
		_, err := ParsePolicy([]byte(tt.doc), tt.rp)
		for _, w := range tt.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("ParsePolicy(%s) = %v, want an error containing %q", tt.doc, err, w)
			}
		}
	}
	p, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}}`), false)
	if err == nil {
		t.Errorf("a single statement object was accepted: %+v", p)
	}
}

func TestPolicyJSON(t *testing.T) {
	p := Policy{Version: PolicyVersion, Statement: []Statement{{Effect: EffectDeny, Principal: &Principal{Any: true}, Action: Strings{InvokeAction}, Resource: Strings{"*"}}}}
	b, _ := json.Marshal(p)
	if want := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["execute-api:Invoke"],"Resource":["*"]}]}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil || !back.Statement[0].Principal.Any {
		t.Errorf("Unmarshal = %+v, %v", back, err)
	}
	var pr Principal
	if err := json.Unmarshal([]byte(`{"AWS":["123456789012","*"]}`), &pr); err != nil || !pr.Any {
		t.Errorf("AWS * principal = %+v, %v", pr, err)
	}
}

// TestEvaluateAllocs checks that evaluating an authorizer's policy, which
// the gateway does on every request with a cached result, allocates
// nothing.
func TestEvaluateAllocs(t *testing.T) {
	p := Policy{Version: PolicyVersion, Statement: []Statement{stmt(EffectAllow, "*/GET/pets/*"), stmt(EffectDeny, "*/DELETE/*")}}
	env := &Env{}
	if n := testing.AllocsPerRun(100, func() { p.Evaluate(InvokeAction, arnGETPet, env, false) }); n != 0 {
		t.Errorf("Evaluate allocates %.1f times", n)
	}
}
