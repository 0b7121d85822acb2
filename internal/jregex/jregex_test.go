package jregex

import (
	"errors"
	"strings"
	"testing"
)

func TestReplace(t *testing.T) {
	for _, tt := range []struct {
		pat, s, repl, want string
		first              bool
	}{
		{`([a-z])(\d+)`, "a1b22c", "$2$1", "1a22bc", false},
		{`\d`, "a1b22c", "#", "a#b22c", true},
		{`x*`, "a1b", "-", "-a-1-b-", false},
		{`a*`, "baaa", "-", "-b--", false}, // Java keeps the empty match after "aaa"
		{`(?<n>b)`, "abc", "[${n}]", "a[b]c", false},
		{`.`, "a\nb", "x", "x\nx", false}, // '.' does not match line terminators
		{`(?s).`, "a\nb", "x", "xxx", false},
		{`\s`, "a\u00a0b c", "_", "a\u00a0b_c", false}, // Java's \s is ASCII
		{`\Q.*\E`, "a.*b", "-", "a-b", false},
		{`\\'`, `it\'s`, "'", "it's", false},
		{`a`, "aaa", `\$1`, "$1$1$1", false},
	} {
		re, err := Compile(tt.pat)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.pat, err)
		}
		n := -1
		if tt.first {
			n = 1
		}
		got, err := re.Replace(tt.s, tt.repl, n, 1000, 1000)
		if err != nil || got != tt.want {
			t.Errorf("Compile(%q).Replace(%q, %q) = %q, %v; want %q", tt.pat, tt.s, tt.repl, got, err, tt.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	deep := strings.Repeat("(", 999) + "a" + strings.Repeat(")", 999)
	for _, tt := range []struct{ pat, want string }{
		{`(a)\1`, "backreference is not supported"},
		{`(?=a)`, "lookahead is not supported"},
		{`a++`, "possessive quantifier is not supported"},
		{`[a[b]]`, "nested character class is not supported"},
		{`*a`, "dangling meta character"},
		{`a{x}`, "illegal repetition"},
		{deep, "expression nests too deeply"},
		{`a{1001}`, "invalid repeat count"},
		{`(?:(?:a{1000}){1000}){1000}`, "Go's regexp cannot run it"},
	} {
		re, err := Compile(tt.pat)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Compile(%.40q) = %v, %v; want an error containing %q", tt.pat, re, err, tt.want)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("Compile(%.40q) error is %d bytes long; want the pattern shortened", tt.pat, len(err.Error()))
		}
	}
}

func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		pat, s string
		limit  int
		want   string
	}{
		{",", "a,b,,c,,", 0, "a|b||c"},
		{",", "a,b,c", 2, "a|b,c"},
		{",", "a,b,c,,", -1, "a|b|c||"},
		{"", "abc", 0, "a|b|c"},
		{"x", "abc", 0, "abc"},
	} {
		re, err := Compile(tt.pat)
		if err != nil {
			t.Fatal(err)
		}
		parts, err := re.Split(tt.s, tt.limit, 1000)
		if got := strings.Join(parts, "|"); err != nil || got != tt.want {
			t.Errorf("Compile(%q).Split(%q, %d) = %q, %v; want %q", tt.pat, tt.s, tt.limit, got, err, tt.want)
		}
	}
}

// TestLimits checks that Replace and Split stop at the maximum their
// caller gives, at two input sizes.
func TestLimits(t *testing.T) {
	empty, _ := Compile("")
	for _, n := range []int{10_000, 1_000_000} {
		s := strings.Repeat("a", n)
		var le *LimitError
		if _, err := empty.Split(s, 0, 100); !errors.As(err, &le) || !le.Matches || le.Max != 100 {
			t.Errorf("Split of %d bytes with at most 100 matches: error = %v; want a LimitError on matches", n, err)
		}
		if _, err := empty.Replace(s, "-", -1, 100, 1<<30); !errors.As(err, &le) || !le.Matches {
			t.Errorf("Replace of %d bytes with at most 100 matches: error = %v; want a LimitError on matches", n, err)
		}
		a, _ := Compile("a")
		if _, err := a.Replace(s, "xxxx", -1, n+1, 4*n-1); !errors.As(err, &le) || le.Matches {
			t.Errorf("Replace of %d bytes into %d: error = %v; want a LimitError on bytes", n, 4*n, err)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tt := range []struct{ pat, s, want string }{
		{`a$`, "a\n", "$ on text ending with a line terminator"},
		{`\bé`, "é", `\b on non-ASCII text`},
		{`(?i)k`, "\u212A", "(?i) on text with U+212A"},
	} {
		re, err := Compile(tt.pat)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := re.Matches(tt.s); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Compile(%q).Matches(%q) error = %v; want %q", tt.pat, tt.s, err, tt.want)
		}
	}
}

// FuzzCompile checks that no pattern makes Compile panic, and that a
// compiled one matches, replaces and splits any input without panicking
// or passing the maxima it is given.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{`([a-z])(\d+)`, `x*`, `(?<n>b)`, `\Q.*\E`, `[^\s\p{Alpha}]`, `(?s).`, `a{2,3}?`, `\0101\cA\x41\u0041`, `(?i)abc`, `^a$`, `\bword\B`} {
		f.Add(s, "a1b22c word\n")
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		re, err := Compile(pat)
		if err != nil {
			return
		}
		if _, err := re.Matches(s); err != nil {
			return
		}
		if r, err := re.Replace(s, "<$0>", -1, 50, 500); err == nil && len(r) > 500 {
			t.Fatalf("Replace gave %d bytes; the maximum is 500", len(r))
		}
		if parts, err := re.Split(s, 0, 50); err == nil && len(parts) > 51 {
			t.Fatalf("Split gave %d parts from at most 50 matches", len(parts))
		}
	})
}
