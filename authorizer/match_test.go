package authorizer

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var matchTests = []struct {
	pattern, s string
	want       bool
	reason     string
}{
	{"arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets", true, "literal"},
	{"arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets/7", false, "the whole ARN must match"},
	{"arn:aws:execute-api:us-east-1:1:abc/prod/GET/Pets", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets", false, "case-sensitive"},
	{"arn:aws:execute-api:us-east-1:1:abc/*/GET/*", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets/7/toys", true, "* crosses /"},
	{"arn:aws:execute-api:*", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets", true, "* crosses :"},
	{"*", "anything at all", true, "a lone star"},
	{"*", "", true, "a star matches nothing too"},
	{"", "", true, "empty matches empty"},
	{"", "x", false, "empty matches nothing else"},
	{"arn:aws:execute-api:us-east-1:1:abc/prod/?ET/pets", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets", true, "? is one character"},
	{"arn:aws:execute-api:us-east-1:1:abc/prod/??GET/pets", "arn:aws:execute-api:us-east-1:1:abc/prod/GET/pets", false, "? is exactly one"},
	{"a?c", "aλc", true, "? is one character, not one byte"},
	{"*/GET/", "arn:aws:execute-api:r:1:abc/prod/GET/", true, "the root path ends in a slash"},
	{"*/GET/", "arn:aws:execute-api:r:1:abc/prod/GET/x", false, "and nothing after"},
	{"a*b*c", "aXXbYYbZZc", true, "backtracking over two stars"},
	{"a*b*c", "aXXbYYbZZ", false, "no final c"},
	{"*a*a*a*a*b", strings.Repeat("a", 200), false, "many stars, no b"},
	{"**", "x", true, "adjacent stars"},
	{"abc/*/GET/*", "abc/prod/POST/pets", false, "another verb"},
}

func TestMatch(t *testing.T) {
	for _, tt := range matchTests {
		if got := Match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %t, want %t (%s)", tt.pattern, tt.s, got, tt.want, tt.reason)
		}
	}
	if !matchFold("execute-api:invoke", InvokeAction) || !matchFold("EXECUTE-API:*", InvokeAction) || matchFold("execute-api:ManageConnections", InvokeAction) {
		t.Error("actions should match case-insensitively")
	}
}

// reference is the obvious ArnLike matcher, with a regular expression:
// '*' is .*, '?' is one character, everything else literal.
func reference(pattern, s string) bool {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String()).MatchString(s)
}

// FuzzMatch compares Match with the regular expression reference, seeded
// from the table.
func FuzzMatch(f *testing.F) {
	for _, tt := range matchTests {
		f.Add(tt.pattern, tt.s)
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 64 || len(s) > 256 || !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return // the reference compiles a regexp per call; keep it cheap
		}
		if got, want := Match(pattern, s), reference(pattern, s); got != want {
			t.Errorf("Match(%q, %q) = %t, reference says %t", pattern, s, got, want)
		}
	})
}

// TestMatchCost bounds the work of a hostile pattern: it grows with the
// product of the lengths, which API Gateway's limits cap, and a match
// allocates nothing.
func TestMatchCost(t *testing.T) {
	p := strings.Repeat("*a", 256)[:MaxResourceLen-1] + "b"
	s := strings.Repeat("a", 1600)
	if Match(p, s) {
		t.Fatal("matched")
	}
	if n := testing.AllocsPerRun(10, func() { Match(p, s) }); n != 0 {
		t.Errorf("Match allocates %.1f times", n)
	}
}

// BenchmarkMatch matches the patterns authorizers commonly return
// against a method ARN.
func BenchmarkMatch(b *testing.B) {
	const arn = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/items/7/reviews"
	patterns := []string{"arn:aws:execute-api:*:*:*/*/GET/items/*", "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/*/*/*", "*", "*/DELETE/*"}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range patterns {
			Match(p, arn)
		}
	}
}
