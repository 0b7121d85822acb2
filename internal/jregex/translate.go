package jregex

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// posixClasses are Java's \p{Name} POSIX classes, as RE2 class bodies.
var posixClasses = map[string]string{
	"Lower": `a-z`, "Upper": `A-Z`, "ASCII": `\x00-\x7F`, "Alpha": `a-zA-Z`, "Digit": `0-9`,
	"Alnum": `a-zA-Z0-9`, "Punct": `!-/:-@\[-` + "`" + `{-~`, "Graph": `!-~`, "Print": ` -~`,
	"Blank": ` \t`, "Cntrl": `\x00-\x1F\x7F`, "XDigit": `0-9a-fA-F`, "Space": ` \t\n\x0B\f\r`,
}

func unsupported(pat, what string) error {
	return fmt.Errorf("java regex %q: %s is not supported", excerpt(pat), what)
}

// A translator turns a Java pattern into RE2 syntax, one construct at a
// time, recording in re what matching needs to know about the pattern.
type translator struct {
	re  *Regexp
	pat string
	b   strings.Builder
	// dotall is the (?s) flag of each open group, innermost last.
	dotall []bool
	// lastAtom reports whether a quantifier may follow.
	lastAtom bool
}

// translate translates re.src to Go syntax.
func translate(re *Regexp) (string, error) {
	t := &translator{re: re, pat: re.src, dotall: []bool{false}}
	for i := 0; i < len(t.pat); {
		n, err := t.next(i)
		if err != nil {
			return "", err
		}
		i += n
	}
	return t.b.String(), nil
}

// next translates the construct at pat[i] and returns its length.
func (t *translator) next(i int) (int, error) {
	pat, j := t.pat, t.re
	switch c := pat[i]; c {
	case '\\':
		s, n, err := j.escape(pat, i, false)
		if err != nil {
			return 0, err
		}
		t.b.WriteString(s)
		t.lastAtom = true
		return n, nil
	case '[':
		s, n, err := j.class(pat, i)
		if err != nil {
			return 0, err
		}
		t.b.WriteString(s)
		t.lastAtom = true
		return n, nil
	case '(':
		return t.group(i)
	case ')':
		if len(t.dotall) > 1 {
			t.dotall = t.dotall[:len(t.dotall)-1]
		}
		t.b.WriteByte(')')
		t.lastAtom = true
		return 1, nil
	case '.':
		if t.dotall[len(t.dotall)-1] {
			t.b.WriteString(`(?s:.)`)
		} else {
			t.b.WriteString(`[^\n\r\x{85}\x{2028}\x{2029}]`)
		}
		t.lastAtom = true
		return 1, nil
	case '$':
		if !j.multiline {
			j.dollar = true
		}
		t.b.WriteByte('$')
		t.lastAtom = false
		return 1, nil
	case '*', '+', '?', '{':
		return t.quantifier(i)
	}
	r, n := utf8.DecodeRuneInString(pat[i:])
	if j.fold && r >= utf8.RuneSelf {
		return 0, unsupported(pat, "case-insensitive matching of non-ASCII text")
	}
	t.b.WriteString(pat[i : i+n])
	t.lastAtom = true
	return n, nil
}

// quantifier translates the quantifier at pat[i].
func (t *translator) quantifier(i int) (int, error) {
	pat := t.pat
	c := pat[i]
	n := 1
	if c == '{' {
		end := strings.IndexByte(pat[i:], '}')
		if end < 0 || !isBound(pat[i+1:i+end]) {
			return 0, fmt.Errorf("java regex %q: illegal repetition near index %d", excerpt(pat), i)
		}
		n = end + 1
	}
	if !t.lastAtom {
		return 0, fmt.Errorf("java regex %q: dangling meta character %q near index %d", excerpt(pat), c, i)
	}
	t.b.WriteString(pat[i : i+n])
	t.lastAtom = false
	if i+n < len(pat) && pat[i+n] == '+' {
		return 0, unsupported(pat, "a possessive quantifier")
	}
	if i+n < len(pat) && pat[i+n] == '?' {
		t.b.WriteByte('?')
		n++
	}
	return n, nil
}

// group translates the group or inline flags that start at pat[i] == '('.
func (t *translator) group(i int) (int, error) {
	pat, j := t.pat, t.re
	cur := t.dotall[len(t.dotall)-1]
	t.lastAtom = false
	if !strings.HasPrefix(pat[i:], "(?") {
		j.groups++
		t.b.WriteByte('(')
		t.dotall = append(t.dotall, cur)
		return 1, nil
	}
	rest := pat[i+2:]
	switch {
	case strings.HasPrefix(rest, ":"):
		t.b.WriteString("(?:")
		t.dotall = append(t.dotall, cur)
		return 3, nil
	case strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "!"):
		return 0, unsupported(pat, "lookahead")
	case strings.HasPrefix(rest, "<=") || strings.HasPrefix(rest, "<!"):
		return 0, unsupported(pat, "lookbehind")
	case strings.HasPrefix(rest, ">"):
		return 0, unsupported(pat, "an atomic group")
	case strings.HasPrefix(rest, "<"):
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return 0, fmt.Errorf("java regex %q: unclosed group name", excerpt(pat))
		}
		j.groups++
		j.names[rest[1:end]] = j.groups
		t.b.WriteString("(?P<" + rest[1:end] + ">")
		t.dotall = append(t.dotall, cur)
		return 2 + end + 1, nil
	}
	// Inline flags: (?ims-ims) or (?imsx-ims:X).
	k := 0
	on := true
	for k < len(rest) && rest[k] != ')' && rest[k] != ':' {
		switch rest[k] {
		case 'i':
			j.fold = j.fold || on
		case 'm':
			j.multiline = j.multiline || on
		case 's':
			cur = on
		case '-':
			on = false
		default:
			return 0, unsupported(pat, fmt.Sprintf("flag %q", rest[k]))
		}
		k++
	}
	if k >= len(rest) {
		return 0, fmt.Errorf("java regex %q: unclosed group", excerpt(pat))
	}
	flags := rest[:k]
	if rest[k] == ')' {
		t.dotall[len(t.dotall)-1] = cur
		if strings.Trim(flags, "s-") != "" {
			t.b.WriteString("(?" + strings.ReplaceAll(strings.ReplaceAll(flags, "s", ""), "--", "-") + ")")
		}
		return 2 + k + 1, nil
	}
	f := strings.ReplaceAll(flags, "s", "")
	if f == "-" {
		f = ""
	}
	t.b.WriteString("(?" + f + ":")
	t.dotall = append(t.dotall, cur)
	return 2 + k + 1, nil
}

func isBound(s string) bool {
	lo, hi, comma := strings.Cut(s, ",")
	if _, err := strconv.Atoi(lo); err != nil {
		return false
	}
	if comma && hi != "" {
		if _, err := strconv.Atoi(hi); err != nil {
			return false
		}
	}
	return true
}

func canBeEmpty(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 0
	case syntax.OpCapture, syntax.OpPlus:
		return canBeEmpty(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || canBeEmpty(re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !canBeEmpty(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if canBeEmpty(s) {
				return true
			}
		}
	}
	return false
}

// escape translates the escape sequence at pat[i] == '\\'.
func (j *Regexp) escape(pat string, i int, inClass bool) (string, int, error) {
	if i+1 >= len(pat) {
		return "", 0, fmt.Errorf("java regex %q: unexpected internal error near index %d (trailing backslash)", excerpt(pat), i)
	}
	c := pat[i+1]
	switch c {
	case 'd', 'D', 'w', 'W', 't', 'n', 'r', 'f', 'a':
		return pat[i : i+2], 2, nil
	case 'e':
		return `\x1B`, 2, nil
	case 's':
		if inClass {
			return ` \t\n\x0B\f\r`, 2, nil
		}
		return `[ \t\n\x0B\f\r]`, 2, nil
	case 'S':
		if inClass {
			return `\x00-\x08\x0E-\x1F\x21-\x{10FFFF}`, 2, nil
		}
		return `[^ \t\n\x0B\f\r]`, 2, nil
	case 'b', 'B':
		if inClass {
			return "", 0, unsupported(pat, `\b inside a class`)
		}
		j.wordB = true
		return pat[i : i+2], 2, nil
	case 'A', 'z':
		return pat[i : i+2], 2, nil
	case 'Z', 'G', 'h', 'H', 'v', 'V', 'R', 'X', 'N', 'k':
		return "", 0, unsupported(pat, `\`+string(c))
	case 'u':
		if i+6 <= len(pat) {
			if _, err := strconv.ParseUint(pat[i+2:i+6], 16, 32); err == nil {
				return `\x{` + pat[i+2:i+6] + `}`, 6, nil
			}
		}
		return "", 0, fmt.Errorf("java regex %q: illegal Unicode escape sequence near index %d", excerpt(pat), i)
	case 'x':
		if i+2 < len(pat) && pat[i+2] == '{' {
			end := strings.IndexByte(pat[i:], '}')
			if end < 0 {
				return "", 0, fmt.Errorf("java regex %q: unclosed hexadecimal escape", excerpt(pat))
			}
			return pat[i : i+end+1], end + 1, nil
		}
		if i+4 <= len(pat) {
			return pat[i : i+4], 4, nil
		}
		return "", 0, fmt.Errorf("java regex %q: illegal hexadecimal escape sequence", excerpt(pat))
	case '0':
		k := i + 2
		v := 0
		for k < len(pat) && k < i+5 && pat[k] >= '0' && pat[k] <= '7' && v*8+int(pat[k]-'0') <= 0377 {
			v = v*8 + int(pat[k]-'0')
			k++
		}
		if k == i+2 {
			return "", 0, fmt.Errorf("java regex %q: illegal octal escape sequence", excerpt(pat))
		}
		return fmt.Sprintf(`\x{%X}`, v), k - i, nil
	case 'c':
		if i+2 < len(pat) {
			return fmt.Sprintf(`\x{%X}`, pat[i+2]^64), 3, nil
		}
		return "", 0, fmt.Errorf("java regex %q: illegal control escape sequence", excerpt(pat))
	case 'Q':
		end := strings.Index(pat[i+2:], `\E`)
		lit, n := pat[i+2:], len(pat)-i
		if end >= 0 {
			lit, n = pat[i+2:i+2+end], end+4
		}
		if inClass {
			var b strings.Builder
			for _, r := range lit {
				b.WriteString(regexp.QuoteMeta(string(r)))
				if strings.ContainsRune(`-^]\[`, r) {
					s := b.String()
					b.Reset()
					b.WriteString(s[:len(s)-1] + `\` + string(r))
				}
			}
			return b.String(), n, nil
		}
		if j.fold {
			for _, r := range lit {
				if r >= utf8.RuneSelf {
					return "", 0, unsupported(pat, "case-insensitive matching of non-ASCII text")
				}
			}
		}
		return `(?:` + regexp.QuoteMeta(lit) + `)`, n, nil
	case 'p', 'P':
		name, n := "", 0
		if i+2 < len(pat) && pat[i+2] == '{' {
			end := strings.IndexByte(pat[i:], '}')
			if end < 0 {
				return "", 0, fmt.Errorf("java regex %q: unclosed character family", excerpt(pat))
			}
			name, n = pat[i+3:i+end], end+1
		} else if i+2 < len(pat) {
			name, n = pat[i+2:i+3], 3
		} else {
			return "", 0, fmt.Errorf("java regex %q: illegal character family", excerpt(pat))
		}
		if r, ok := posixClasses[name]; ok {
			if inClass {
				if c == 'P' {
					return "", 0, unsupported(pat, `\P{`+name+`} inside a class`)
				}
				return r, n, nil
			}
			if c == 'P' {
				return "[^" + r + "]", n, nil
			}
			return "[" + r + "]", n, nil
		}
		goName := strings.TrimPrefix(name, "Is")
		if _, err := syntax.Parse(`\p{`+goName+`}`, syntax.Perl); err != nil || strings.HasPrefix(name, "In") || strings.HasPrefix(name, "java") {
			return "", 0, unsupported(pat, `\`+string(c)+`{`+name+`}`)
		}
		return `\` + string(c) + `{` + goName + `}`, n, nil
	}
	if '1' <= c && c <= '9' {
		return "", 0, unsupported(pat, "a backreference")
	}
	if isLetter(c) {
		return "", 0, fmt.Errorf("java regex %q: illegal/unsupported escape sequence near index %d", excerpt(pat), i+1)
	}
	r, n := utf8.DecodeRuneInString(pat[i+1:])
	if r < utf8.RuneSelf {
		return `\` + string(r), 1 + n, nil
	}
	return string(r), 1 + n, nil
}

// class translates the character class at pat[i] == '['.
func (j *Regexp) class(pat string, i int) (string, int, error) {
	var b strings.Builder
	b.WriteByte('[')
	k := i + 1
	if k < len(pat) && pat[k] == '^' {
		b.WriteByte('^')
		k++
	}
	first := true
	for k < len(pat) {
		c := pat[k]
		switch {
		case c == ']' && !first:
			b.WriteByte(']')
			return b.String(), k - i + 1, nil
		case c == '[':
			return "", 0, unsupported(pat, "a nested character class")
		case c == '&' && strings.HasPrefix(pat[k:], "&&"):
			return "", 0, unsupported(pat, "class intersection (&&)")
		case c == '\\':
			s, n, err := j.escape(pat, k, true)
			if err != nil {
				return "", 0, err
			}
			b.WriteString(s)
			k += n
		default:
			r, n := utf8.DecodeRuneInString(pat[k:])
			if j.fold && r >= utf8.RuneSelf {
				return "", 0, unsupported(pat, "case-insensitive matching of non-ASCII text")
			}
			if c == ']' {
				b.WriteString(`\]`)
			} else {
				b.WriteString(pat[k : k+n])
			}
			k += n
		}
		first = false
	}
	return "", 0, fmt.Errorf("java regex %q: unclosed character class near index %d", excerpt(pat), len(pat)-1)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
