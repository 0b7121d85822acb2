package route

import (
	"strings"
	"testing"
)

// patternTests is shared by TestParsePattern and the fuzz seeds.
var patternTests = []struct {
	key    string
	want   string // canonical key; "" when parsing fails
	shape  string
	err    string // substring of the error
	reason string
}{
	{key: "GET /pets/{id}", want: "GET /pets/{id}", shape: "/pets/{}", reason: "variable"},
	{key: "ANY /pets", want: "ANY /pets", shape: "/pets"},
	{key: "POST /files/{proxy+}", want: "POST /files/{proxy+}", shape: "/files/{+}", reason: "greedy"},
	{key: "$default", want: "$default", reason: "HTTP API catch-all"},
	{key: "GET /", want: "GET /", shape: "/", reason: "root"},
	{key: "GET /pets/<id>", want: "GET /pets/{id}", shape: "/pets/{}", reason: "Powertools spelling"},
	{key: "DELETE /<proxy+>", want: "DELETE /{proxy+}", shape: "/{+}"},
	{key: "OPTIONS /a.b/c-d/{x_y.z-1}", want: "OPTIONS /a.b/c-d/{x_y.z-1}", shape: "/a.b/c-d/{}"},
	{key: "PATCH /caf\u00e9/%20", want: "PATCH /caf\u00e9/%20", shape: "/caf\u00e9/%20", reason: "UTF-8 and % in literals"},
	{key: "HEAD /a/{b}/{c+}", want: "HEAD /a/{b}/{c+}", shape: "/a/{}/{+}"},

	{key: "", err: "at offset 0: empty route key"},
	{key: "GET", err: `at offset 0: want "METHOD /path" or "$default"`},
	{key: "/pets", err: `missing method (want "GET /pets")`},
	{key: "get /pets", err: `at offset 0: method "get" must be upper case (want "GET")`},
	{key: "FETCH /pets", err: `at offset 0: unknown method "FETCH"`},
	{key: "GET pets", err: `at offset 4: path must begin with "/"`},
	{key: "GET  /pets", err: "at offset 4: more than one space"},
	{key: "GET ", err: `at offset 4: path must begin with "/"`},
	{key: "GET /pets/", err: `at offset 9: path must not end in "/"`, reason: "HTTP APIs refuse a route ending in /"},
	{key: "GET /a//b", err: `at offset 7: empty path segment`},
	{key: "GET /{proxy+}/x", err: "at offset 5: a greedy variable must be the last segment"},
	{key: "GET /a/{p+}/{q}", err: "at offset 7: a greedy variable must be the last segment"},
	{key: "GET /a/{id", err: `at offset 7: unclosed '{'`},
	{key: "GET /a/<id", err: `at offset 7: unclosed '<'`},
	{key: "GET /a/{id}x", err: `at offset 11: variable "{id}x" must be a whole segment`},
	{key: "GET /a/x{id}", err: `at offset 8: variable in "x{id}" must be a whole segment`},
	{key: "GET /a/{}", err: "at offset 8: empty variable name"},
	{key: "GET /a/{+}", err: "at offset 8: empty variable name"},
	{key: "GET /a/{i d}", err: `at offset 9: bad variable name "i d"`},
	{key: "GET /a/{id}/{id}", err: `at offset 12: duplicate variable name "id"`},
	{key: "GET /a/{id}/<id+>", err: `duplicate variable name "id"`},
	{key: "GET /a b", err: `at offset 6: bad character ' ' in path`},
	{key: "GET /a?b=1", err: `at offset 6: bad character '?' in path (a route key has no query`},
	{key: "GET /a#b", err: `bad character '#'`},
	{key: "GET /a\x00", err: `at offset 6: bad character '\x00'`},
	{key: "GET /a\xff", err: "at offset 6: invalid UTF-8"},
	{key: "$connect", err: `want "METHOD /path" or "$default"`},
}

func TestParsePattern(t *testing.T) {
	for _, tc := range patternTests {
		p, err := parsePattern(tc.key)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parsePattern(%q) error = %v, want %q (%s)", tc.key, err, tc.err, tc.reason)
			} else if !strings.HasPrefix(err.Error(), "route: parsing ") {
				t.Errorf("parsePattern(%q) error = %v, want prefix %q", tc.key, err, "route: parsing ")
			}
			continue
		}
		if err != nil {
			t.Errorf("parsePattern(%q) = %v (%s)", tc.key, err, tc.reason)
			continue
		}
		if p.key != tc.want {
			t.Errorf("parsePattern(%q).key = %q, want %q", tc.key, p.key, tc.want)
		}
		if !p.isDefault && p.shape != tc.shape {
			t.Errorf("parsePattern(%q).shape = %q, want %q", tc.key, p.shape, tc.shape)
		}
	}
}
