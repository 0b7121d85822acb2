package mapping

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// A javaRegex is a java.util.regex pattern translated to Go's RE2 syntax.
// Constructs RE2 cannot run (backreferences, lookaround, possessive
// quantifiers, nested classes) are rejected when compiling; constructs
// whose meaning differs on some inputs (Java's $ before a final line
// terminator, Unicode-aware \b, case folding of K and ſ) are rejected
// when such an input arrives, so a translation never gives a wrong answer.
type javaRegex struct {
	src       string
	re        *regexp.Regexp // the pattern
	full      *regexp.Regexp // \A(?:pattern)\z, for matches()
	probe     *regexp.Regexp // \A(?s:.)(?:pattern), to find empty matches Go skips
	nullable  bool
	groups    int
	names     map[string]int
	dollar    bool // uses $ without (?m)
	multiline bool
	wordB     bool // uses \b or \B
	fold      bool // uses (?i)
}

var regexCache sync.Map // string → *javaRegex or error
var regexCacheSize int64
var regexCacheMu sync.Mutex

const maxRegexCache = 1024

type regexErr struct{ err error }

// compileJava compiles a Java regex, caching the result.
func compileJava(pat string) (*javaRegex, error) {
	if v, ok := regexCache.Load(pat); ok {
		if e, ok := v.(regexErr); ok {
			return nil, e.err
		}
		return v.(*javaRegex), nil
	}
	j, err := translateJava(pat)
	regexCacheMu.Lock()
	if regexCacheSize < maxRegexCache {
		regexCacheSize++
		if err != nil {
			regexCache.Store(pat, regexErr{err})
		} else {
			regexCache.Store(pat, j)
		}
	}
	regexCacheMu.Unlock()
	return j, err
}

func unsupported(pat, what string) error {
	return fmt.Errorf("java regex %q: %s is not supported", pat, what)
}

var posixClasses = map[string]string{
	"Lower": `a-z`, "Upper": `A-Z`, "ASCII": `\x00-\x7F`, "Alpha": `a-zA-Z`, "Digit": `0-9`,
	"Alnum": `a-zA-Z0-9`, "Punct": `!-/:-@\[-` + "`" + `{-~`, "Graph": `!-~`, "Print": ` -~`,
	"Blank": ` \t`, "Cntrl": `\x00-\x1F\x7F`, "XDigit": `0-9a-fA-F`, "Space": ` \t\n\x0B\f\r`,
}

// translateJava translates pat to Go syntax.
func translateJava(pat string) (*javaRegex, error) {
	j := &javaRegex{src: pat, names: map[string]int{}}
	var b strings.Builder
	dotall := []bool{false}
	i := 0
	lastAtom := false // whether a quantifier may follow
	for i < len(pat) {
		c := pat[i]
		switch c {
		case '\\':
			s, n, err := j.escape(pat, i, false)
			if err != nil {
				return nil, err
			}
			b.WriteString(s)
			i += n
			lastAtom = true
		case '[':
			s, n, err := j.class(pat, i)
			if err != nil {
				return nil, err
			}
			b.WriteString(s)
			i += n
			lastAtom = true
		case '(':
			cur := dotall[len(dotall)-1]
			if strings.HasPrefix(pat[i:], "(?") {
				rest := pat[i+2:]
				switch {
				case strings.HasPrefix(rest, ":"):
					b.WriteString("(?:")
					i += 3
				case strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "!"):
					return nil, unsupported(pat, "lookahead")
				case strings.HasPrefix(rest, "<=") || strings.HasPrefix(rest, "<!"):
					return nil, unsupported(pat, "lookbehind")
				case strings.HasPrefix(rest, ">"):
					return nil, unsupported(pat, "an atomic group")
				case strings.HasPrefix(rest, "<"):
					end := strings.IndexByte(rest, '>')
					if end < 0 {
						return nil, fmt.Errorf("java regex %q: unclosed group name", pat)
					}
					j.groups++
					j.names[rest[1:end]] = j.groups
					b.WriteString("(?P<" + rest[1:end] + ">")
					i += 2 + end + 1
				default:
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
							return nil, unsupported(pat, fmt.Sprintf("flag %q", rest[k]))
						}
						k++
					}
					if k >= len(rest) {
						return nil, fmt.Errorf("java regex %q: unclosed group", pat)
					}
					flags := rest[:k]
					if rest[k] == ')' {
						dotall[len(dotall)-1] = cur
						if strings.Trim(flags, "s-") != "" {
							b.WriteString("(?" + strings.ReplaceAll(strings.ReplaceAll(flags, "s", ""), "--", "-") + ")")
						}
						i += 2 + k + 1
						lastAtom = false
						continue
					}
					f := strings.ReplaceAll(flags, "s", "")
					if f == "-" {
						f = ""
					}
					b.WriteString("(?" + f + ":")
					i += 2 + k + 1
				}
			} else {
				j.groups++
				b.WriteByte('(')
				i++
			}
			dotall = append(dotall, cur)
			lastAtom = false
		case ')':
			if len(dotall) > 1 {
				dotall = dotall[:len(dotall)-1]
			}
			b.WriteByte(')')
			i++
			lastAtom = true
		case '.':
			if dotall[len(dotall)-1] {
				b.WriteString(`(?s:.)`)
			} else {
				b.WriteString(`[^\n\r\x{85}\x{2028}\x{2029}]`)
			}
			i++
			lastAtom = true
		case '$':
			if !j.multiline {
				j.dollar = true
			}
			b.WriteByte('$')
			i++
			lastAtom = false
		case '*', '+', '?', '{':
			n := 1
			if c == '{' {
				end := strings.IndexByte(pat[i:], '}')
				if end < 0 || !isBound(pat[i+1:i+end]) {
					return nil, fmt.Errorf("java regex %q: illegal repetition near index %d", pat, i)
				}
				n = end + 1
			}
			if !lastAtom {
				return nil, fmt.Errorf("java regex %q: dangling meta character %q near index %d", pat, c, i)
			}
			b.WriteString(pat[i : i+n])
			i += n
			if i < len(pat) && pat[i] == '+' {
				return nil, unsupported(pat, "a possessive quantifier")
			}
			if i < len(pat) && pat[i] == '?' {
				b.WriteByte('?')
				i++
			}
			lastAtom = false
		default:
			r, n := utf8.DecodeRuneInString(pat[i:])
			if j.fold && r >= utf8.RuneSelf {
				return nil, unsupported(pat, "case-insensitive matching of non-ASCII text")
			}
			b.WriteString(pat[i : i+n])
			i += n
			lastAtom = true
		}
	}
	goPat := b.String()
	var err error
	if j.re, err = regexp.Compile(goPat); err != nil {
		return nil, fmt.Errorf("java regex %q: %v", pat, err)
	}
	j.full = regexp.MustCompile(`\A(?:` + goPat + `)\z`)
	if re, err := syntax.Parse(goPat, syntax.Perl); err == nil && canBeEmpty(re) {
		j.nullable = true
		j.probe = regexp.MustCompile(`\A(?s:.)(?:` + goPat + `)`)
	}
	return j, nil
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
func (j *javaRegex) escape(pat string, i int, inClass bool) (string, int, error) {
	if i+1 >= len(pat) {
		return "", 0, fmt.Errorf("java regex %q: unexpected internal error near index %d (trailing backslash)", pat, i)
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
		return "", 0, fmt.Errorf("java regex %q: illegal Unicode escape sequence near index %d", pat, i)
	case 'x':
		if i+2 < len(pat) && pat[i+2] == '{' {
			end := strings.IndexByte(pat[i:], '}')
			if end < 0 {
				return "", 0, fmt.Errorf("java regex %q: unclosed hexadecimal escape", pat)
			}
			return pat[i : i+end+1], end + 1, nil
		}
		if i+4 <= len(pat) {
			return pat[i : i+4], 4, nil
		}
		return "", 0, fmt.Errorf("java regex %q: illegal hexadecimal escape sequence", pat)
	case '0':
		k := i + 2
		v := 0
		for k < len(pat) && k < i+5 && pat[k] >= '0' && pat[k] <= '7' && v*8+int(pat[k]-'0') <= 0377 {
			v = v*8 + int(pat[k]-'0')
			k++
		}
		if k == i+2 {
			return "", 0, fmt.Errorf("java regex %q: illegal octal escape sequence", pat)
		}
		return fmt.Sprintf(`\x{%X}`, v), k - i, nil
	case 'c':
		if i+2 < len(pat) {
			return fmt.Sprintf(`\x{%X}`, pat[i+2]^64), 3, nil
		}
		return "", 0, fmt.Errorf("java regex %q: illegal control escape sequence", pat)
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
				return "", 0, fmt.Errorf("java regex %q: unclosed character family", pat)
			}
			name, n = pat[i+3:i+end], end+1
		} else if i+2 < len(pat) {
			name, n = pat[i+2:i+3], 3
		} else {
			return "", 0, fmt.Errorf("java regex %q: illegal character family", pat)
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
		return "", 0, fmt.Errorf("java regex %q: illegal/unsupported escape sequence near index %d", pat, i+1)
	}
	r, n := utf8.DecodeRuneInString(pat[i+1:])
	if r < utf8.RuneSelf {
		return `\` + string(r), 1 + n, nil
	}
	return string(r), 1 + n, nil
}

// class translates the character class at pat[i] == '['.
func (j *javaRegex) class(pat string, i int) (string, int, error) {
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
	return "", 0, fmt.Errorf("java regex %q: unclosed character class near index %d", pat, len(pat)-1)
}

// check rejects inputs on which the Go translation could differ from Java.
func (j *javaRegex) check(s string) error {
	if j.dollar && s != "" {
		r, _ := utf8.DecodeLastRuneInString(s)
		switch r {
		case '\n', '\r', 0x85, 0x2028, 0x2029:
			return fmt.Errorf("java regex %q: $ on text ending with a line terminator is not supported", j.src)
		}
	}
	if j.multiline && strings.ContainsAny(s, "\r\u0085\u2028\u2029") {
		return fmt.Errorf("java regex %q: (?m) on text with \\r or Unicode line terminators is not supported", j.src)
	}
	if j.wordB || j.fold {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				if j.wordB {
					return fmt.Errorf("java regex %q: \\b on non-ASCII text is not supported", j.src)
				}
				if strings.ContainsAny(s, "\u212A\u017F") {
					return fmt.Errorf("java regex %q: (?i) on text with U+212A or U+017F is not supported", j.src)
				}
				break
			}
		}
	}
	return nil
}

func (j *javaRegex) matches(s string) (bool, error) {
	if err := j.check(s); err != nil {
		return false, err
	}
	return j.full.MatchString(s), nil
}

// findAll returns the matches Java's Matcher.find loop would produce, at
// most n (n < 0: all).
func (j *javaRegex) findAll(s string, n int) ([][]int, error) {
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

// replace is Matcher.replaceAll (n < 0) or replaceFirst (n == 1).
func (j *javaRegex) replace(s, repl string, n int) (string, error) {
	ms, err := j.findAll(s, n)
	if err != nil {
		return "", err
	}
	if len(ms) == 0 {
		return s, nil
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		if err := j.expand(&b, s, repl, m); err != nil {
			return "", err
		}
		last = m[1]
		if b.Len() > MaxOutputSize {
			return "", fmt.Errorf("replaceAll result exceeds %d bytes", MaxOutputSize)
		}
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// expand appends Java's replacement string with $n, ${name} and \x.
func (j *javaRegex) expand(b *strings.Builder, s, repl string, m []int) error {
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
			i++
			if i >= len(repl) {
				return fmt.Errorf("replacement %q: illegal group reference: group index is missing", repl)
			}
			var g int
			if repl[i] == '{' {
				end := strings.IndexByte(repl[i:], '}')
				if end < 0 {
					return fmt.Errorf("replacement %q: named capturing group is missing trailing '}'", repl)
				}
				name := repl[i+1 : i+end]
				idx, ok := j.names[name]
				if !ok {
					return fmt.Errorf("replacement %q: no group with name {%s}", repl, name)
				}
				g = idx
				i += end + 1
			} else {
				if !isDigit(repl[i]) {
					return fmt.Errorf("replacement %q: illegal group reference", repl)
				}
				g = int(repl[i] - '0')
				i++
				for i < len(repl) && isDigit(repl[i]) {
					ng := g*10 + int(repl[i]-'0')
					if ng > j.groups {
						break
					}
					g = ng
					i++
				}
				if g > j.groups {
					return fmt.Errorf("replacement %q: no group %d", repl, g)
				}
			}
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

// split is String.split(regex, limit).
func (j *javaRegex) split(s string, limit int) ([]string, error) {
	ms, err := j.findAll(s, -1)
	if err != nil {
		return nil, err
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
