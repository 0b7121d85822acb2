package route

import (
	"strings"
	"testing"
)

// FuzzParsePattern checks that parsing never panics, that a parsed key's
// canonical form parses to the same pattern, and that errors carry the
// package prefix and an offset.
func FuzzParsePattern(f *testing.F) {
	for _, tc := range patternTests {
		f.Add(tc.key)
	}
	f.Fuzz(func(t *testing.T, key string) {
		p, err := parsePattern(key)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "route: parsing ") || !strings.Contains(err.Error(), ": at offset ") {
				t.Fatalf("parsePattern(%q) error %q lacks prefix or offset", key, err)
			}
			return
		}
		q, err := parsePattern(p.key)
		if err != nil {
			t.Fatalf("parsePattern(%q) = %q, but parsing that fails: %v", key, p.key, err)
		}
		if q.key != p.key || q.shape != p.shape || strings.Join(q.params, ",") != strings.Join(p.params, ",") {
			t.Fatalf("round trip of %q: %q (%s) != %q (%s)", key, q.key, q.shape, p.key, p.shape)
		}
		if !p.isDefault {
			// The example path of a pattern is a path it matches.
			r := New(Config{})
			if err := r.Register(p.key, echo(p.key)); err != nil {
				t.Fatalf("Register(%q): %v", p.key, err)
			}
			m := p.method
			if m == "ANY" {
				m = "GET"
			}
			if got, _ := r.Lookup(m, p.examplePath()); got != p.key {
				t.Fatalf("Lookup(%q, %q) = %q, want %q", m, p.examplePath(), got, p.key)
			}
		}
	})
}

// FuzzMatch compares the router with the oracle on fuzzed route sets (one
// key a line) and requests.
func FuzzMatch(f *testing.F) {
	f.Add(false, "GET /pets/dog/1\nGET /pets/dog/{id}\nGET /pets/{proxy+}\nANY /{proxy+}\n$default", "GET", "/pets/dog/2")
	f.Add(true, "POST /test\nANY /test/any\nOPTIONS /{proxy+}", "OPTIONS", "/test")
	f.Add(true, "GET /part1\nGET /{param+}\nGET /part1/hardcoded-value", "GET", "/part1/random-value")
	f.Add(true, "ANY /{proxy+}\nANY /hardcoded", "GET", "//proxy-value//x/")
	f.Add(false, "GET /metrics\nGET /metrics/{proxy+}", "GET", "/metrics/")
	f.Add(false, "GET /a/{x}/c\nGET /a/b/{y}\nGET /g/{x}/{p+}\nGET /g/{q+}", "GET", "/g/1/2")
	f.Add(false, "GET /subscribers/{id}\nGET /subscription/x\nGET /abcdefgh\nGET /abcdefgh1/{p+}\nGET /{v}/x", "GET", "/subscription/x")
	f.Add(true, "GET /k0\nGET /k1\nGET /k2\nGET /k3\nGET /k4\nGET /k5\nGET /k6\nGET /k7\nGET /k8/{id}\nGET /abcdefghijklmnopq", "GET", "/abcdefghijklmnopr")
	f.Add(false, "GET /abcdefghijklmnopqrstuvwxy/{id}\nGET /abcdefghijkXmnopqrstuvwxy/z\nGET /{v}/z\nGET /abcdefgh-tail", "GET", "/abcdefghijkXmnopqrstuvwxy/z")
	f.Fuzz(func(t *testing.T, rest bool, routes, method, path string) {
		if len(routes) > 4096 || len(path) > 4096 {
			return
		}
		api := HTTP
		if rest {
			api = REST
		}
		compare(t, api, strings.Split(routes, "\n"), [][2]string{{method, path}})
	})
}

// FuzzEvaluate checks route selection on arbitrary message bodies: the
// scanning evaluation gives the key the decoding one gives, whenever it
// gives one, and Evaluate never panics.
func FuzzEvaluate(f *testing.F) {
	for _, seed := range []string{
		`{"action":"sendmessage","data":"hi"}`, `{"action":"a","action":"b"}`, `{"service":"chat","action":"join"}`,
		`{"m":{"kind":"ping"}}`, `{"action":1.50e3}`, `{"action":true}`, `{"action":null}`, `{"action":{"b":1,"a":2}}`,
		`{"action":"\u00e9\ud83d\ude00"}`, `[1,2]`, `"action"`, `not json`, `{"action":"x"} trailing`, `{"action":"\xff"}`,
		` {"action" : "spaced" } `, `{"m":[{"kind":"x"}]}`, ``,
	} {
		f.Add(seed, "$request.body.action")
		f.Add(seed, "${request.body.service}/${request.body.action}")
		f.Add(seed, "$request.body.m.kind")
	}
	f.Fuzz(func(t *testing.T, body, expr string) {
		w, err := NewWebSocket(expr)
		if err != nil || w.parts == nil {
			return
		}
		got, ok := w.Evaluate([]byte(body))
		want, wantOK := w.evaluateDecode([]byte(body))
		if got != want || ok != wantOK {
			t.Errorf("Evaluate(%q) with %q = %q, %v; decoding gives %q, %v", body, expr, got, ok, want, wantOK)
		}
	})
}
