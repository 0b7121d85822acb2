package jregex

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// A Regexp is a compiled Java pattern.
type Regexp struct {
	src       string
	re        *regexp.Regexp // the pattern
	full      *regexp.Regexp // \A(?:pattern)\z, for Matches
	probe     *regexp.Regexp // \A(?s:.)(?:pattern), to find empty matches Go skips
	nullable  bool
	cost      int // instructions in the compiled program
	groups    int
	names     map[string]int
	dollar    bool // uses $ without (?m)
	multiline bool
	wordB     bool // uses \b or \B
	fold      bool // uses (?i)
}

// A LimitError reports that a call passed a maximum its caller set.
type LimitError struct {
	// Matches is true when the call found more than the maximum number
	// of matches, false when it built more than the maximum of bytes.
	Matches bool
	Max     int
	Op      string // "replaceAll" or "split"
}

func (e *LimitError) Error() string {
	if e.Matches {
		return fmt.Sprintf("%s finds more than %d matches", e.Op, e.Max)
	}
	return fmt.Sprintf("%s result is over %d bytes", e.Op, e.Max)
}

// Compile translates and compiles a Java pattern. Every failure,
// including a pattern Go's regexp refuses, is an error.
func Compile(pattern string) (*Regexp, error) {
	j := &Regexp{src: pattern, names: map[string]int{}}
	goPat, err := translate(j)
	if err != nil {
		return nil, err
	}
	parsed, err := syntax.Parse(goPat, syntax.Perl)
	if err != nil {
		return nil, goError(pattern, err)
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, goError(pattern, err)
	}
	j.cost = len(prog.Inst)
	// The wrapped forms nest one level deeper than the pattern, so Go
	// may refuse them even when it accepts the pattern.
	if j.re, err = regexp.Compile(goPat); err != nil {
		return nil, goError(pattern, err)
	}
	if j.full, err = regexp.Compile(`\A(?:` + goPat + `)\z`); err != nil {
		return nil, goError(pattern, err)
	}
	if canBeEmpty(parsed) {
		j.nullable = true
		if j.probe, err = regexp.Compile(`\A(?s:.)(?:` + goPat + `)`); err != nil {
			return nil, goError(pattern, err)
		}
	}
	return j, nil
}

// goError reports a pattern Go's regexp refuses, naming the reason
// without the (possibly long) translated pattern.
func goError(pattern string, err error) error {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Errorf("java regex %q: %s (Go's regexp cannot run it)", excerpt(pattern), se.Code)
	}
	return fmt.Errorf("java regex %q: %v", excerpt(pattern), err)
}

// excerpt returns s, or its start when it is long, for error messages.
func excerpt(s string) string {
	if len(s) > 64 {
		return strings.ToValidUTF8(s[:64], "") + "..."
	}
	return s
}

// String returns the Java pattern.
func (j *Regexp) String() string { return j.src }

// Cost returns the size of the compiled program: matching an input of n
// bytes does work proportional to n times Cost.
func (j *Regexp) Cost() int { return j.cost }

// check rejects inputs on which the Go translation could differ from Java.
func (j *Regexp) check(s string) error {
	if j.dollar && s != "" {
		r, _ := utf8.DecodeLastRuneInString(s)
		switch r {
		case '\n', '\r', 0x85, 0x2028, 0x2029:
			return fmt.Errorf("java regex %q: $ on text ending with a line terminator is not supported", excerpt(j.src))
		}
	}
	if j.multiline && strings.ContainsAny(s, "\r\u0085\u2028\u2029") {
		return fmt.Errorf("java regex %q: (?m) on text with \\r or Unicode line terminators is not supported", excerpt(j.src))
	}
	if j.wordB || j.fold {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				if j.wordB {
					return fmt.Errorf("java regex %q: \\b on non-ASCII text is not supported", excerpt(j.src))
				}
				if strings.ContainsAny(s, "\u212A\u017F") {
					return fmt.Errorf("java regex %q: (?i) on text with U+212A or U+017F is not supported", excerpt(j.src))
				}
				break
			}
		}
	}
	return nil
}

// Matches reports whether the whole of s matches, as Java's
// Pattern.matches does.
func (j *Regexp) Matches(s string) (bool, error) {
	if err := j.check(s); err != nil {
		return false, err
	}
	return j.full.MatchString(s), nil
}

// findAll returns the matches Java's Matcher.find loop would produce, at
// most n (n < 0: all).
func (j *Regexp) findAll(s string, n int) ([][]int, error) {
	if err := j.check(s); err != nil {
		return nil, err
	}
	ms := j.re.FindAllStringSubmatchIndex(s, n)
	if !j.nullable {
		return ms, nil
	}
	// Go skips an empty match right after a non-empty one; Java keeps it.
	var out [][]int
	for i, m := range ms {
		out = append(out, m)
		if n >= 0 && len(out) >= n {
			break
		}
		if m[1] == m[0] || (i+1 < len(ms) && ms[i+1][0] == m[1]) {
			continue
		}
		p := m[1]
		_, w := utf8.DecodeLastRuneInString(s[:p])
		if pm := j.probe.FindStringIndex(s[p-w:]); pm != nil && pm[1] == w {
			e := make([]int, len(m))
			for k := range e {
				e[k] = -1
			}
			e[0], e[1] = p, p
			out = append(out, e)
			if n >= 0 && len(out) >= n {
				break
			}
		}
	}
	return out, nil
}

// Replace is Matcher.replaceAll (n < 0) or replaceFirst (n == 1) with
// Java's replacement syntax. It finds at most maxMatches matches and
// builds at most maxBytes bytes: past either, it stops with a
// [*LimitError].
func (j *Regexp) Replace(s, repl string, n, maxMatches, maxBytes int) (string, error) {
	if n < 0 || n > maxMatches+1 {
		n = maxMatches + 1
	}
	ms, err := j.findAll(s, n)
	if err != nil {
		return "", err
	}
	if len(ms) > maxMatches {
		return "", &LimitError{Matches: true, Max: maxMatches, Op: "replaceAll"}
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		if err := j.expand(&b, s, repl, m); err != nil {
			return "", err
		}
		last = m[1]
		if b.Len() > maxBytes {
			break
		}
	}
	if b.Len()+len(s)-last > maxBytes {
		return "", &LimitError{Max: maxBytes, Op: "replaceAll"}
	}
	if len(ms) == 0 {
		return s, nil
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// expand appends Java's replacement string with $n, ${name} and \x.
func (j *Regexp) expand(b *strings.Builder, s, repl string, m []int) error {
	for i := 0; i < len(repl); {
		c := repl[i]
		switch c {
		case '\\':
			i++
			if i >= len(repl) {
				return fmt.Errorf("replacement %q: character to be escaped is missing", repl)
			}
			b.WriteByte(repl[i])
			i++
		case '$':
			g, n, err := j.groupRef(repl, i+1)
			if err != nil {
				return err
			}
			i += 1 + n
			if 2*g+1 < len(m) && m[2*g] >= 0 {
				b.WriteString(s[m[2*g]:m[2*g+1]])
			}
		default:
			b.WriteByte(c)
			i++
		}
	}
	return nil
}

// groupRef reads the group reference that follows a $ at repl[i]: a
// number (as long as it names a group) or {name}. It returns the group
// and the length read.
func (j *Regexp) groupRef(repl string, i int) (int, int, error) {
	if i >= len(repl) {
		return 0, 0, fmt.Errorf("replacement %q: illegal group reference: group index is missing", repl)
	}
	if repl[i] == '{' {
		end := strings.IndexByte(repl[i:], '}')
		if end < 0 {
			return 0, 0, fmt.Errorf("replacement %q: named capturing group is missing trailing '}'", repl)
		}
		name := repl[i+1 : i+end]
		g, ok := j.names[name]
		if !ok {
			return 0, 0, fmt.Errorf("replacement %q: no group with name {%s}", repl, name)
		}
		return g, end + 1, nil
	}
	if !isDigit(repl[i]) {
		return 0, 0, fmt.Errorf("replacement %q: illegal group reference", repl)
	}
	g := int(repl[i] - '0')
	k := i + 1
	for k < len(repl) && isDigit(repl[k]) {
		ng := g*10 + int(repl[k]-'0')
		if ng > j.groups {
			break
		}
		g = ng
		k++
	}
	if g > j.groups {
		return 0, 0, fmt.Errorf("replacement %q: no group %d", repl, g)
	}
	return g, k - i, nil
}

// Split is String.split(regex, limit). It finds at most maxMatches
// matches: past that, it stops with a [*LimitError].
func (j *Regexp) Split(s string, limit, maxMatches int) ([]string, error) {
	ms, err := j.findAll(s, maxMatches+1)
	if err != nil {
		return nil, err
	}
	if len(ms) > maxMatches {
		return nil, &LimitError{Matches: true, Max: maxMatches, Op: "split"}
	}
	var parts []string
	index := 0
	for _, m := range ms {
		if limit <= 0 || len(parts) < limit-1 {
			if index == 0 && m[0] == 0 && m[1] == 0 {
				continue
			}
			parts = append(parts, s[index:m[0]])
			index = m[1]
		} else if len(parts) == limit-1 {
			parts = append(parts, s[index:])
			index = m[1]
		}
	}
	if index == 0 {
		return []string{s}, nil
	}
	if limit <= 0 || len(parts) < limit {
		parts = append(parts, s[index:])
	}
	if limit == 0 {
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
	}
	return parts, nil
}
