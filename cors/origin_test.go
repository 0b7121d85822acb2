package cors

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var originTests = []struct {
	patterns []string
	origin   string
	want     string // Access-Control-Allow-Origin, "" when refused
	reason   string
}{
	{[]string{"https://example.com"}, "https://example.com", "https://example.com", "exact"},
	{[]string{"https://example.com"}, "https://EXAMPLE.com", "https://EXAMPLE.com", "case-insensitive, echoed as sent"},
	{[]string{"https://Example.COM"}, "https://example.com", "https://example.com", "pattern case does not matter"},
	{[]string{"https://example.com"}, "http://example.com", "", "scheme differs"},
	{[]string{"https://example.com"}, "https://example.com:8443", "", "port differs"},
	{[]string{"https://example.com:8443"}, "https://example.com:8443", "https://example.com:8443", "port kept"},
	{[]string{"https://example.com"}, "https://example.com.evil.com", "", "no prefix match"},
	{[]string{"https://example.com"}, "https://example.com/", "", "a trailing slash is not the origin"},
	{[]string{"https://example.com"}, "", "", "no Origin"},
	{[]string{"https://example.com"}, "null", "", "opaque origin"},
	{[]string{"*"}, "null", "*", "* allows every origin, even null"},
	{[]string{"*"}, "https://a.b", "*", "* is sent as *"},
	{[]string{"*", "https://a.b"}, "https://a.b", "*", "* wins over an exact origin"},
	{[]string{"*"}, "", "", "no Origin, no headers, even with *"},
	{[]string{"https://*"}, "https://anything.example:444", "https://anything.example:444", "scheme wildcard"},
	{[]string{"https://*"}, "http://example.com", "", "scheme wildcard, other scheme"},
	{[]string{"https://*"}, "https://", "", "scheme wildcard, empty host"},
	{[]string{"https://*"}, "https://a.com, https://b.com", "", "a joined list is no origin"},
	{[]string{"http://*"}, "http://[::1]:3000", "http://[::1]:3000", "scheme wildcard, IPv6"},
	{[]string{"http://*"}, "http://127.0.0.1:8080", "http://127.0.0.1:8080", "scheme wildcard, IPv4"},
	{[]string{"https://*.example.com"}, "https://a.example.com", "https://a.example.com", "subdomain"},
	{[]string{"https://*.example.com"}, "https://a.b.example.com", "https://a.b.example.com", "nested subdomain"},
	{[]string{"https://*.example.com"}, "https://example.com", "", "the domain itself is not a subdomain"},
	{[]string{"https://*.example.com"}, "https://.example.com", "", "empty label"},
	{[]string{"https://*.example.com"}, "https://evilexample.com", "", "suffix must start at a dot"},
	{[]string{"https://*.example.com"}, "https://a.example.com.evil.com", "", "suffix is anchored"},
	{[]string{"https://*.example.com"}, "https://a.example.com:8443", "", "port must match"},
	{[]string{"https://*.example.com:8443"}, "https://a.example.com:8443", "https://a.example.com:8443", "port matches"},
	{[]string{"https://*.example.com"}, "http://a.example.com", "", "scheme must match"},
	{[]string{"https://*.example.com"}, "https://a_b.example.com", "", "underscore is no DNS label character"},
	{[]string{"https://*.example.com"}, "https://evil.com/.example.com", "", "a path is no subdomain"},
	{[]string{"https://*.example.com"}, "https://evil.com:1.example.com", "", "a port is no subdomain"},
	{[]string{"https://a.com", "https://*.b.com", "http://*"}, "http://c.org", "http://c.org", "several patterns"},
	{nil, "https://example.com", "", "the zero Config allows nothing"},
	{[]string{"https://example.com"}, "https://" + strings.Repeat("A", MaxOriginLen), "", "too long"},
}

func TestAllowOrigin(t *testing.T) {
	for _, tt := range originTests {
		c, err := New(Config{AllowOrigins: tt.patterns})
		if err != nil {
			t.Fatalf("New(%q): %v", tt.patterns, err)
		}
		got, ok := c.AllowOrigin(tt.origin)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: New(%q).AllowOrigin(%q) = %q, %t; want %q", tt.reason, tt.patterns, tt.origin, got, ok, tt.want)
		}
	}
}

// oracle is a direct implementation of the origin rules of the package
// documentation, written independently of the fast path: regular
// expressions and strings functions on lower-cased text.
type oracle struct{ patterns []string }

var (
	reLabel = `[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?`
	reDNS   = regexp.MustCompile(`^` + reLabel + `(?:\.` + reLabel + `)*$`)
	reIPv6  = regexp.MustCompile(`^\[[0-9a-f:.]*:[0-9a-f:.]*\]$`)
	rePort  = regexp.MustCompile(`^[1-9][0-9]{0,4}$`)
)

func oracleHost(h string) bool {
	if strings.HasPrefix(h, "[") {
		return len(h) >= 4 && reIPv6.MatchString(h)
	}
	return len(h) <= 253 && reDNS.MatchString(h)
}

func oracleHostPort(s string) bool {
	host, port := s, ""
	if i := strings.LastIndex(s, ":"); i >= 0 && !strings.HasSuffix(s, "]") {
		host, port = s[:i], s[i+1:]
		if !rePort.MatchString(port) {
			return false
		}
		if n, _ := strconv.Atoi(port); n > 65535 {
			return false
		}
	}
	return oracleHost(host)
}

// lowerASCII lowers the ASCII letters of s byte by byte, as origins
// compare: strings.ToLower would also fold non-ASCII letters and turn
// invalid UTF-8 into U+FFFD.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (o oracle) allow(origin string) (string, bool) {
	if origin == "" {
		return "", false
	}
	for _, p := range o.patterns {
		if p == "*" {
			return "*", true
		}
	}
	if len(origin) > MaxOriginLen {
		return "", false
	}
	lo := lowerASCII(origin)
	for _, p := range o.patterns {
		p = lowerASCII(p)
		scheme, host, _ := strings.Cut(p, "://")
		switch {
		case host == "*":
			if rest, ok := strings.CutPrefix(lo, scheme+"://"); ok && oracleHostPort(rest) {
				return origin, true
			}
		case strings.HasPrefix(host, "*."):
			rest, ok := strings.CutPrefix(lo, scheme+"://")
			if !ok {
				continue
			}
			rest, ok = strings.CutSuffix(rest, host[1:])
			if !ok {
				continue
			}
			domain, _, _ := strings.Cut(host[1:], ":")
			if reDNS.MatchString(rest) && len(rest)+len(domain) <= 253 {
				return origin, true
			}
		default:
			if lo == p {
				return origin, true
			}
		}
	}
	return "", false
}

// Building blocks for generated origins and patterns, chosen around the
// edges of the rules.
var (
	genSchemes = []string{"https", "http", "HTTPS", "ftp"}
	genHosts   = []string{"example.com", "a.example.com", "b.a.example.com", "EXAMPLE.com", "A.Example.Com",
		"example.com.evil.com", "evilexample.com", "localhost", "127.0.0.1", "[::1]", "[FE80::1]", "",
		"-a.example.com", "a-.example.com", "a..example.com", "a_b.example.com", ".example.com",
		strings.Repeat("a", 63) + ".example.com", strings.Repeat("a", 64) + ".example.com",
		strings.Repeat("a.", 120) + "example.com", "[:]", "[::1"}
	genPorts = []string{"", ":8080", ":443", ":0", ":65535", ":65536", ":08080", ":", ":80a"}
	genTails = []string{"", "/", " ", ",https://x.y", "/path"}
)

func genOrigins() []string {
	var out []string
	for _, s := range genSchemes {
		for _, h := range genHosts {
			for _, p := range genPorts {
				for _, tail := range genTails {
					out = append(out, s+"://"+h+p+tail)
				}
			}
		}
	}
	return append(out, "", "null", "https://", "https:/example.com", "example.com")
}

func genPatterns() []string {
	out := []string{"*"}
	for _, s := range genSchemes {
		out = append(out, s+"://*")
		for _, p := range genPorts {
			for _, d := range []string{"example.com", "a.example.com", "EXAMPLE.com"} {
				out = append(out, s+"://*."+d+p)
			}
			for _, h := range genHosts {
				out = append(out, s+"://"+h+p)
			}
		}
	}
	return out
}

// TestAllowOriginOracle compares AllowOrigin with the oracle on every
// generated origin, for every single valid generated pattern and for
// random sets of them.
func TestAllowOriginOracle(t *testing.T) {
	origins := genOrigins()
	var valid []string
	for _, p := range genPatterns() {
		if _, err := New(Config{AllowOrigins: []string{p}}); err == nil {
			valid = append(valid, p)
		}
	}
	if len(valid) < 50 {
		t.Fatalf("only %d valid generated patterns; the generator is broken", len(valid))
	}
	check := func(patterns []string) {
		c := MustNew(Config{AllowOrigins: patterns})
		o := oracle{patterns}
		for _, origin := range origins {
			got, gotOK := c.AllowOrigin(origin)
			want, wantOK := o.allow(origin)
			if got != want || gotOK != wantOK {
				t.Fatalf("New(%q).AllowOrigin(%q) = %q, %t; oracle says %q, %t", patterns, origin, got, gotOK, want, wantOK)
			}
		}
	}
	allowed := 0
	for _, p := range valid {
		check([]string{p})
		for _, origin := range origins {
			if _, ok := (oracle{[]string{p}}).allow(origin); ok {
				allowed++
			}
		}
	}
	if allowed < 100 {
		t.Fatalf("only %d allowed pairs; the generator does not exercise matches", allowed)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		n := 1 + r.IntN(4)
		set := make([]string, n)
		for i := range set {
			set[i] = valid[r.IntN(len(valid))]
		}
		check(set)
	}
}

var badOriginTests = []struct {
	pattern string
	errText string
}{
	{"", "empty origin"},
	{"null", `"null" is sent`},
	{"example.com", "missing scheme"},
	{"*.example.com", "missing scheme"},
	{"https://example.com/", "no path"},
	{"https://example.com/api", "no path"},
	{"https://example.com?x", "no path"},
	{"https://user@example.com", "no user information"},
	{"https://example.com:443", "default port 443"},
	{"http://example.com:80", "default port 80"},
	{"https://example.com:0", "invalid port"},
	{"https://example.com:65536", "invalid port"},
	{"https://example.com:", "invalid port"},
	{"https://example.com:08", "invalid port"},
	{"https://ex*.com", "a wildcard is allowed only"},
	{"https://*.*.example.com", "only one wildcard"},
	{"https://*.com", "top-level domain"},
	{"https://*:8080", "a wildcard is allowed only"},
	{"https://a.*", "a wildcard is allowed only"},
	{"https://exa mple.com", "contains a space"},
	{"https://exämple.com", "non-ASCII"},
	{"1http://example.com", "invalid scheme"},
	{"://example.com", "invalid scheme"},
	{"https://-a.com", "invalid host"},
	{"https://a_b.com", "invalid host"},
	{"https://[::1", "unclosed '['"},
	{"https://[::1]x", "unexpected"},
	{"https://[zz]", "invalid host"},
}

func TestParseOriginErrors(t *testing.T) {
	for _, tt := range badOriginTests {
		_, err := New(Config{AllowOrigins: []string{tt.pattern}})
		if err == nil {
			t.Errorf("New(AllowOrigins: %q) succeeded; want error containing %q", tt.pattern, tt.errText)
			continue
		}
		want := "cors: invalid origin " + strconv.Quote(tt.pattern)
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.errText) {
			t.Errorf("New(AllowOrigins: %q) error = %q; want it to contain %q and %q", tt.pattern, err, want, tt.errText)
		}
	}
}

// FuzzOrigin checks that building a configuration from any pattern never
// panics, and that a valid one matches exactly as the oracle does.
func FuzzOrigin(f *testing.F) {
	for _, tt := range originTests {
		for _, p := range tt.patterns {
			f.Add(p, tt.origin)
		}
	}
	for _, tt := range badOriginTests {
		f.Add(tt.pattern, "https://a.example.com")
	}
	f.Fuzz(func(t *testing.T, pattern, origin string) {
		c, err := New(Config{AllowOrigins: []string{pattern}})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "cors: ") {
				t.Fatalf("New(%q) error %q lacks the package prefix", pattern, err)
			}
			return
		}
		got, gotOK := c.AllowOrigin(origin)
		want, wantOK := oracle{[]string{pattern}}.allow(origin)
		if got != want || gotOK != wantOK {
			t.Fatalf("New(%q).AllowOrigin(%q) = %q, %t; oracle says %q, %t", pattern, origin, got, gotOK, want, wantOK)
		}
		if gotOK && got != "*" && got != origin {
			t.Fatalf("AllowOrigin(%q) = %q; an allowed origin is echoed unchanged", origin, got)
		}
	})
}
