package cors

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
)

// This file checks the helper's answers the way a browser does, with the
// rules of the Fetch standard's CORS protocol
// (https://fetch.spec.whatwg.org/#http-cors-protocol). The e2e module runs
// the same kinds of request in a real browser.

// A browserReq is a fetch() call made by a page.
type browserReq struct {
	method      string
	headers     []string // "Name: value" set by the script
	credentials bool     // credentials: "include"
	read        string   // response header the script reads, if any
}

type outcome struct {
	ok          bool
	reason      string
	preflighted bool
	readable    bool // the script can read browserReq.read
	cache       int  // seconds the preflight answer is cached
}

var safelistedMethods = []string{"GET", "HEAD", "POST"}

func safelistedHeader(name, value string) bool {
	switch strings.ToLower(name) {
	case "accept", "accept-language", "content-language":
		return true
	case "content-type":
		mt, _, _ := strings.Cut(strings.ToLower(value), ";")
		return slices.Contains([]string{"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}, strings.TrimSpace(mt))
	}
	return false
}

func parseList(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// corsCheck is the Fetch standard's CORS check.
func corsCheck(h event.Header, origin string, credentials bool) string {
	acao := h.Values("Access-Control-Allow-Origin")
	switch {
	case len(acao) == 0:
		return "no Access-Control-Allow-Origin"
	case len(acao) > 1:
		return "several Access-Control-Allow-Origin"
	case acao[0] == "*" && !credentials:
		return ""
	case acao[0] != origin:
		return "Access-Control-Allow-Origin " + strconv.Quote(acao[0]) + " is not the origin"
	case credentials && h.Get("Access-Control-Allow-Credentials") != "true":
		return "credentials without Access-Control-Allow-Credentials: true"
	}
	return ""
}

// browse runs a fetch() from origin through c.Middleware as a browser
// would, returning whether the script gets the response.
func browse(c *CORS, origin string, br browserReq) outcome {
	var unsafe []string
	for _, f := range br.headers {
		n, v, _ := strings.Cut(f, ": ")
		if !safelistedHeader(n, v) {
			unsafe = append(unsafe, strings.ToLower(n))
		}
	}
	slices.Sort(unsafe)
	h := c.Middleware(&backend{status: 200, header: []string{"X-Request-Id: 42", "Content-Type: application/json"}})
	var out outcome
	if !slices.Contains(safelistedMethods, br.method) || len(unsafe) > 0 {
		out.preflighted = true
		req := &event.Request{Method: "OPTIONS", Path: "/", Header: event.Header{
			{Name: "Origin", Value: origin}, {Name: "Access-Control-Request-Method", Value: br.method}}}
		if len(unsafe) > 0 {
			req.Header.Add("Access-Control-Request-Headers", strings.Join(unsafe, ","))
		}
		resp, _ := h.Serve(context.Background(), req)
		if s := resp.Status(); s < 200 || s > 299 {
			out.reason = "preflight status " + strconv.Itoa(s)
			return out
		}
		if out.reason = corsCheck(resp.Header, origin, br.credentials); out.reason != "" {
			out.reason = "preflight: " + out.reason
			return out
		}
		methods := parseList(resp.Header.Get("Access-Control-Allow-Methods"))
		if !slices.Contains(methods, br.method) && !slices.Contains(safelistedMethods, br.method) &&
			!(slices.Contains(methods, "*") && !br.credentials) {
			out.reason = "method " + br.method + " not allowed"
			return out
		}
		names := parseList(resp.Header.Get("Access-Control-Allow-Headers"))
		for _, n := range unsafe {
			if n == "authorization" && !containsFold(names, n) {
				out.reason = "authorization is never covered by *"
				return out
			}
			if !containsFold(names, n) && !(slices.Contains(names, "*") && !br.credentials) {
				out.reason = "header " + n + " not allowed"
				return out
			}
		}
		out.cache = 5
		if v, ok := resp.Header.Lookup("Access-Control-Max-Age"); ok && isDigits(v) {
			out.cache, _ = strconv.Atoi(v)
		}
	}
	req := &event.Request{Method: br.method, Path: "/", Header: event.Header{{Name: "Origin", Value: origin}}}
	for _, f := range br.headers {
		n, v, _ := strings.Cut(f, ": ")
		req.Header.Add(n, v)
	}
	resp, _ := h.Serve(context.Background(), req)
	if out.reason = corsCheck(resp.Header, origin, br.credentials); out.reason != "" {
		return out
	}
	out.ok = true
	if br.read != "" {
		expose := parseList(resp.Header.Get("Access-Control-Expose-Headers"))
		out.readable = containsFold([]string{"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}, br.read) ||
			containsFold(expose, br.read) || slices.Contains(expose, "*") && !br.credentials
	}
	return out
}

func TestFetchRules(t *testing.T) {
	const app = "https://app.example.com"
	starHeaders := Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"*"}, AllowHeaders: []string{"*"}, ExposeHeaders: []string{"*"}}
	credStar := Config{AllowOrigins: []string{app}, AllowMethods: []string{"*"}, AllowHeaders: []string{"*"}, ExposeHeaders: []string{"*"}, AllowCredentials: true}
	credApp := Config{AllowOrigins: []string{app}, AllowMethods: []string{"PUT"}, AllowHeaders: []string{"Authorization", "Content-Type"}, ExposeHeaders: []string{"X-Request-Id"}, AllowCredentials: true}
	noCred := Config{AllowOrigins: []string{app}, AllowMethods: []string{"PUT"}}
	for _, tt := range []struct {
		name   string
		cfg    Config
		origin string
		req    browserReq
		want   outcome
	}{
		{"simple GET", appCfg, app, browserReq{method: "GET"}, outcome{ok: true}},
		{"simple GET from another origin", appCfg, "https://evil.example", browserReq{method: "GET"},
			outcome{reason: "no Access-Control-Allow-Origin"}},
		{"PUT with JSON and a custom header", appCfg, app,
			browserReq{method: "PUT", headers: []string{"Content-Type: application/json", "X-Trace: 1"}},
			outcome{ok: true, preflighted: true, cache: 300}},
		{"PUT with an unlisted header", appCfg, app, browserReq{method: "PUT", headers: []string{"X-Other: 1"}},
			outcome{reason: "header x-other not allowed", preflighted: true}},
		{"DELETE not listed", appCfg, app, browserReq{method: "DELETE"},
			outcome{reason: "method DELETE not allowed", preflighted: true}},
		{"preflight from another origin", appCfg, "https://evil.example", browserReq{method: "PUT"},
			outcome{reason: "preflight: no Access-Control-Allow-Origin", preflighted: true}},
		{"refused preflight with 403", Config{AllowOrigins: []string{app}, DisallowedPreflightStatus: 403}, "https://evil.example",
			browserReq{method: "PUT"}, outcome{reason: "preflight status 403", preflighted: true}},
		{"* covers methods and headers without credentials", starHeaders, app,
			browserReq{method: "PATCH", headers: []string{"X-Anything: 1"}}, outcome{ok: true, preflighted: true, cache: 5}},
		{"* never covers Authorization", starHeaders, app,
			browserReq{method: "GET", headers: []string{"Authorization: Bearer t"}},
			outcome{reason: "authorization is never covered by *", preflighted: true}},
		{"Authorization listed by name", credApp, app,
			browserReq{method: "PUT", headers: []string{"Authorization: Bearer t"}, credentials: true},
			outcome{ok: true, preflighted: true, cache: 5}},
		{"credentials with an allowed origin", credApp, app, browserReq{method: "GET", credentials: true}, outcome{ok: true}},
		{"credentials without AllowCredentials", noCred, app, browserReq{method: "GET", credentials: true},
			outcome{reason: "credentials without Access-Control-Allow-Credentials: true"}},
		{"* methods are literal with credentials", credStar, app, browserReq{method: "PUT", credentials: true},
			outcome{reason: "method PUT not allowed", preflighted: true}},
		{"* headers are literal with credentials", credStar, app,
			browserReq{method: "POST", headers: []string{"X-Trace: 1"}, credentials: true},
			outcome{reason: "header x-trace not allowed", preflighted: true}},
		{"exposed header is readable", appCfg, app, browserReq{method: "GET", read: "X-Request-Id"}, outcome{ok: true, readable: true}},
		{"unexposed header is not", noCred, app, browserReq{method: "GET", read: "X-Request-Id"}, outcome{ok: true}},
		{"safelisted response header is", noCred, app, browserReq{method: "GET", read: "Content-Type"}, outcome{ok: true, readable: true}},
		{"* exposes without credentials", starHeaders, app, browserReq{method: "GET", read: "X-Request-Id"}, outcome{ok: true, readable: true}},
		{"* exposes nothing with credentials", credStar, app, browserReq{method: "GET", read: "X-Request-Id", credentials: true}, outcome{ok: true}},
		{"max age -1 disables the cache", Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"PUT"}, MaxAge: -1}, app,
			browserReq{method: "PUT"}, outcome{ok: true, preflighted: true, cache: 0}},
		{"max age 86400", Config{AllowOrigins: []string{"*"}, AllowMethods: []string{"PUT"}, MaxAge: 86400}, app,
			browserReq{method: "PUT"}, outcome{ok: true, preflighted: true, cache: 86400}},
		{"subdomain wildcard with credentials", credCfg, "https://a.example.com",
			browserReq{method: "POST", credentials: true}, outcome{ok: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := browse(MustNew(tt.cfg), tt.origin, tt.req)
			if got != tt.want {
				t.Errorf("fetch %+v from %s =\n %+v\nwant %+v", tt.req, tt.origin, got, tt.want)
			}
		})
	}
}

// TestRESTMockInBrowser checks that the console's mock OPTIONS answer
// lets a browser send a preflighted request.
func TestRESTMockInBrowser(t *testing.T) {
	m, err := NewREST(RESTConfig{Methods: []string{"PUT"}})
	if err != nil {
		t.Fatal(err)
	}
	resp := m.Response()
	if reason := corsCheck(resp.Header, "https://app.example.com", false); reason != "" {
		t.Errorf("mock answer fails the CORS check: %s", reason)
	}
	if !slices.Contains(parseList(resp.Header.Get("Access-Control-Allow-Methods")), "PUT") {
		t.Errorf("mock answer does not allow PUT: %v", resp.Header)
	}
}
