package gateway

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
)

// Throttle is a token bucket: Rate requests a second on average, Burst at
// once (docs/evidence/authorizers.md#throttling). A bucket with Burst 0
// refuses every request.
type Throttle struct {
	Rate  float64
	Burst int
}

func (t Throttle) check() error {
	if t.Rate < 0 || math.IsNaN(t.Rate) || math.IsInf(t.Rate, 0) || t.Burst < 0 {
		return fmt.Errorf("throttle rate %v and burst %d must be finite and not negative", t.Rate, t.Burst)
	}
	return nil
}

func (t Throttle) limiter() *rate.Limiter { return rate.NewLimiter(rate.Limit(t.Rate), t.Burst) }

// throttles are the stage and route throttles of an API: a bucket per
// stage and route, so that each method (REST) or route (HTTP API) of a
// stage has its own, as API Gateway's per-method limits do.
type throttles struct {
	buckets map[string]map[string]*rate.Limiter // stage → route key → bucket
}

// allow takes a token from the bucket of stage and route at now, and
// reports whether there was one. Routes without a throttle always pass.
func (t *throttles) allow(stage, route string, now time.Time) bool {
	l := t.buckets[stage][route]
	return l == nil || l.AllowN(now, 1)
}

func newThrottles(g *Gateway, api *API) (*throttles, []error) {
	var errs []error
	t := &throttles{buckets: map[string]map[string]*rate.Limiter{}}
	keys := g.routeKeys(api)
	for _, st := range g.stages {
		if st.Throttle == nil && len(st.RouteThrottle) == 0 {
			continue
		}
		if st.Throttle != nil {
			if err := st.Throttle.check(); err != nil {
				errs = append(errs, fmt.Errorf("gateway: stage %q: %w", st.Name, err))
			}
		}
		m := map[string]*rate.Limiter{}
		for _, k := range slices.Sorted(maps.Keys(st.RouteThrottle)) {
			th := st.RouteThrottle[k]
			if !contains(keys, k) {
				errs = append(errs, fmt.Errorf("gateway: stage %q: throttle for route %q, which the API does not have", st.Name, k))
				continue
			}
			if err := th.check(); err != nil {
				errs = append(errs, fmt.Errorf("gateway: stage %q: route %q: %w", st.Name, k, err))
			}
			m[k] = th.limiter()
		}
		if st.Throttle != nil {
			for _, k := range keys {
				if m[k] == nil {
					m[k] = st.Throttle.limiter()
				}
			}
		}
		t.buckets[st.Name] = m
	}
	if len(t.buckets) == 0 {
		return nil, errs
	}
	if g.kind != event.REST && g.kind != event.HTTPAPI {
		errs = append(errs, fmt.Errorf("gateway: %v APIs have no stage throttling", g.kind))
	}
	return t, errs
}

// routeKeys returns the route keys the API's routes have as the gateway
// names matched routes: the key as registered, for REST with the
// method's own spelling of the resource.
func (g *Gateway) routeKeys(api *API) []string {
	keys := make([]string, 0, len(api.Routes))
	for _, rt := range api.Routes {
		keys = append(keys, strings.Replace(strings.Replace(rt.Key, "<", "{", -1), ">", "}", -1))
	}
	return keys
}

// APIKeySource is where a REST API reads API keys.
type APIKeySource uint8

const (
	// HeaderKeySource reads the x-api-key header.
	HeaderKeySource APIKeySource = iota
	// AuthorizerKeySource reads a Lambda authorizer's
	// usageIdentifierKey.
	AuthorizerKeySource
)

// An APIKey is a REST API key. ID is its id (requestContext.identity
// .apiKeyId); Value the secret clients send (identity.apiKey). A disabled
// key is refused.
type APIKey struct {
	ID       string
	Value    string
	Disabled bool
}

// A UsagePlan gives API keys access to stages, with a throttle and a
// quota per key.
type UsagePlan struct {
	ID string
	// Stages are the stages the plan covers.
	Stages []string
	// Keys are the IDs of the plan's API keys.
	Keys []string
	// Throttle is each key's token bucket; nil means none.
	Throttle *Throttle
	// Quota is each key's request quota; nil means none.
	Quota *Quota
}

// A Quota is the number of requests a key may make in a period: Limit per
// DAY, WEEK or MONTH, less Offset in the first period
// (docs/evidence/authorizers.md#usage-plans).
type Quota struct {
	Limit  int
	Offset int
	Period QuotaPeriod
}

// QuotaPeriod is a quota's period.
type QuotaPeriod string

const (
	Day   QuotaPeriod = "DAY"
	Week  QuotaPeriod = "WEEK"
	Month QuotaPeriod = "MONTH"
)

// start returns the start of the period that holds t: midnight UTC of the
// day, of the week's Monday, or of the month's first day.
func (p QuotaPeriod) start(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch p {
	case Week:
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day
}

// keyring holds a REST API's keys and each key's usage per plan.
type keyring struct {
	source  APIKeySource
	byValue map[string]*keyUsage
	created time.Time // when the quotas' first period began
}

// keyUsage is one key's usage plans by stage.
type keyUsage struct {
	key    *APIKey
	stages map[string]*planUsage
}

// planUsage is a key's bucket and quota count in one plan.
type planUsage struct {
	bucket *rate.Limiter
	quota  *Quota

	mu     sync.Mutex
	period time.Time // start of the counted period
	used   int
}

func newKeyring(g *Gateway, api *API) (*keyring, []error) {
	var errs []error
	if len(api.APIKeys) == 0 && len(api.UsagePlans) == 0 {
		return nil, nil
	}
	if g.kind != event.REST {
		return nil, nil // compileAuth reports it
	}
	k := &keyring{source: api.APIKeySource, byValue: map[string]*keyUsage{}, created: g.now()}
	byID := map[string]*keyUsage{}
	for i := range api.APIKeys {
		key := &api.APIKeys[i]
		switch {
		case key.ID == "" || key.Value == "":
			errs = append(errs, fmt.Errorf("gateway: API key %d needs an ID and a value", i))
			continue
		case len(key.Value) < 20:
			errs = append(errs, fmt.Errorf("gateway: API key %q: API Gateway requires values of at least 20 characters", key.ID))
		case byID[key.ID] != nil || k.byValue[key.Value] != nil:
			errs = append(errs, fmt.Errorf("gateway: API key %q: duplicate ID or value", key.ID))
			continue
		}
		u := &keyUsage{key: key, stages: map[string]*planUsage{}}
		byID[key.ID], k.byValue[key.Value] = u, u
	}
	for _, p := range api.UsagePlans {
		if p.Throttle != nil {
			if err := p.Throttle.check(); err != nil {
				errs = append(errs, fmt.Errorf("gateway: usage plan %q: %w", p.ID, err))
			}
		}
		if q := p.Quota; q != nil {
			if q.Period != Day && q.Period != Week && q.Period != Month || q.Limit < 0 || q.Offset < 0 || q.Offset > q.Limit {
				errs = append(errs, fmt.Errorf("gateway: usage plan %q: quota %+v: want a limit, an offset below it and DAY, WEEK or MONTH", p.ID, *q))
			}
		}
		for _, st := range p.Stages {
			if g.stages[st] == nil {
				errs = append(errs, fmt.Errorf("gateway: usage plan %q: no stage %q", p.ID, st))
			}
		}
		for _, id := range p.Keys {
			u := byID[id]
			if u == nil {
				errs = append(errs, fmt.Errorf("gateway: usage plan %q: no API key %q", p.ID, id))
				continue
			}
			for _, st := range p.Stages {
				if u.stages[st] != nil {
					errs = append(errs, fmt.Errorf("gateway: API key %q is in two usage plans for stage %q", id, st))
					continue
				}
				pu := &planUsage{quota: p.Quota}
				if p.Throttle != nil {
					pu.bucket = p.Throttle.limiter()
				}
				u.stages[st] = pu
			}
		}
	}
	return k, errs
}

// check finds the request's API key and applies its usage plan: 403
// {"message":"Forbidden"} without a valid key of a plan for the stage,
// 429 when its bucket is empty or its quota spent. It records the key in
// a for the event.
func (k *keyring) check(x *exchange, a *authState) *Refusal {
	if k == nil {
		return refuseForbidden
	}
	var value string
	if k.source == AuthorizerKeySource {
		if a.grant != nil {
			value = a.grant.UsageIdentifierKey
		}
	} else if vs := x.hr.Header["X-Api-Key"]; len(vs) > 0 {
		value = vs[len(vs)-1]
	}
	u := k.byValue[value]
	if u == nil || u.key.Disabled {
		return refuseForbidden
	}
	pu := u.stages[a.req.Stage]
	if pu == nil {
		return refuseForbidden
	}
	now := a.req.Time
	if pu.bucket != nil && !pu.bucket.AllowN(now, 1) {
		return refuseThrottled
	}
	if q := pu.quota; q != nil {
		pu.mu.Lock()
		start := q.Period.start(now)
		if !start.Equal(pu.period) {
			pu.period, pu.used = start, 0
		}
		limit := q.Limit
		if start.Equal(q.Period.start(k.created)) {
			limit -= q.Offset
		}
		ok := pu.used < limit
		if ok {
			pu.used++
		}
		pu.mu.Unlock()
		if !ok {
			return refuseQuota
		}
	}
	a.apiKey = u.key
	return nil
}

// resourcePolicy returns the REST API's resource policy with the
// "execute-api:/…" shorthand of its resources written out as the API's
// ARNs, checked.
func (g *Gateway) resourcePolicy(p *authorizer.Policy) (*authorizer.Policy, error) {
	cp := *p
	cp.Statement = append([]authorizer.Statement(nil), p.Statement...)
	prefix := "arn:aws:execute-api:" + g.region + ":" + g.accountID + ":" + g.apiID + "/"
	expand := func(rs authorizer.Strings) authorizer.Strings {
		out := make(authorizer.Strings, len(rs))
		for i, r := range rs {
			if rest, ok := strings.CutPrefix(r, "execute-api:/"); ok {
				r = prefix + rest
			}
			out[i] = r
		}
		return out
	}
	for i := range cp.Statement {
		st := &cp.Statement[i]
		st.Resource, st.NotResource = expand(st.Resource), expand(st.NotResource)
	}
	if err := cp.Check(true); err != nil {
		return nil, errors.New("gateway: resource policy: " + err.Error())
	}
	return &cp, nil
}
