package route

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Method indexes. Each leaf of the route tree holds one entry per method.
const (
	mGET = iota
	mPOST
	mPUT
	mPATCH
	mDELETE
	mHEAD
	mOPTIONS
	mANY   // the ANY method of a route key
	mOther // a request method outside the seven API Gateway supports
	numMethods
)

var methodNames = [...]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}

// methodIndex returns the index of a request method. Methods are
// case-sensitive tokens; anything but the seven supported methods is mOther.
// "ANY" is not a request method, so it is mOther too.
func methodIndex(m string) int {
	switch m {
	case "GET":
		return mGET
	case "POST":
		return mPOST
	case "PUT":
		return mPUT
	case "PATCH":
		return mPATCH
	case "DELETE":
		return mDELETE
	case "HEAD":
		return mHEAD
	case "OPTIONS":
		return mOPTIONS
	}
	return mOther
}

// keyMethodIndex returns the index of a route-key method, or -1.
func keyMethodIndex(m string) int {
	for i, n := range methodNames {
		if n == m {
			return i
		}
	}
	return -1
}

// A segKind is the kind of one path segment of a route key.
type segKind uint8

// The segment kinds, in precedence order: at the same position a literal
// beats a variable, which beats a greedy variable.
const (
	literal segKind = iota
	param
	greedy
)

func (k segKind) String() string {
	switch k {
	case literal:
		return "literal"
	case param:
		return "variable"
	}
	return "greedy variable"
}

// A segment is one segment of a route key path: the literal text, or the
// variable name.
type segment struct {
	kind segKind
	s    string
}

// A pattern is a parsed route key.
type pattern struct {
	key       string // canonical route key: "GET /pets/{id}" or "$default"
	method    string // "GET" … "OPTIONS", "ANY"; "" for $default
	mi        int    // keyMethodIndex(method)
	path      string // canonical path: "/pets/{id}"; "" for $default
	segs      []segment
	isDefault bool
	params    []string // variable names in order
	shape     string   // the path with variable names erased; see shapeOf
	shapeKey  string   // method + " " + shape
	loc       site     // where it was registered
}

// isGreedy reports whether the pattern ends in a greedy variable.
func (p *pattern) isGreedy() bool {
	return len(p.segs) > 0 && p.segs[len(p.segs)-1].kind == greedy
}

// shapeKeyOf returns the method, a space and the path with variable names
// erased ("GET /pets/{}", "ANY /a/{+}"): two patterns with the same shape
// match exactly the same paths. p.key and p.path must be set.
func (p *pattern) shapeKeyOf() string {
	if p.params == nil {
		return p.key // no variables: the path is its own shape
	}
	var b strings.Builder
	b.Grow(len(p.key))
	b.WriteString(p.method)
	b.WriteByte(' ')
	for _, s := range p.segs {
		b.WriteByte('/')
		switch s.kind {
		case literal:
			b.WriteString(s.s)
		case param:
			b.WriteString("{}")
		case greedy:
			b.WriteString("{+}")
		}
	}
	return b.String()
}

// examplePath returns a path the pattern matches, with each variable
// replaced by its name.
func (p *pattern) examplePath() string {
	if p.isDefault {
		return "/"
	}
	var b strings.Builder
	for _, s := range p.segs {
		b.WriteByte('/')
		b.WriteString(s.s)
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// errors for parsePattern, wrapped with the offset where they occur.
var (
	errEmpty        = errors.New("empty route key")
	errNoSpace      = errors.New(`want "METHOD /path" or "$default"`)
	errNoSlash      = errors.New(`path must begin with "/"`)
	errEmptySegment = errors.New(`empty path segment ("//")`)
	errTrailing     = errors.New(`path must not end in "/"`)
	errGreedyLast   = errors.New("a greedy variable must be the last segment")
)

// parsePattern parses a route key.
//
// The grammar, in ABNF:
//
//	key      = "$default" / method SP path
//	method   = "GET" / "POST" / "PUT" / "PATCH" / "DELETE" / "HEAD" / "OPTIONS" / "ANY"
//	path     = "/" / 1*( "/" segment )
//	segment  = literal / "{" name ["+"] "}" / "<" name ["+"] ">"
//	name     = 1*( ALPHA / DIGIT / "_" / "-" / "." )
//	literal  = 1*( any UTF-8 character except CTL, SP, "/", "{", "}", "<", ">", "?", "#" )
//
// A greedy variable ("+") must be the last segment, and a variable name
// may appear once per key. The "<id>" spelling is the same as "{id}".
func parsePattern(key string) (*pattern, error) {
	p := new(pattern)
	if err := parseInto(p, key); err != nil {
		return nil, err
	}
	return p, nil
}

// parseInto is parsePattern storing the pattern in *p, so that a caller
// can allocate it along with something else.
func parseInto(p *pattern, key string) (err error) {
	off := 0
	defer func() {
		if err != nil {
			err = fmt.Errorf("route: parsing %q: at offset %d: %w", key, off, err)
		}
	}()
	if key == "" {
		return errEmpty
	}
	if key == "$default" {
		*p = pattern{key: key, isDefault: true, mi: -1}
		return nil
	}
	sp := strings.IndexByte(key, ' ')
	if sp < 0 {
		if strings.HasPrefix(key, "/") {
			return fmt.Errorf("missing method (want %q)", "GET "+key)
		}
		return errNoSpace
	}
	method := key[:sp]
	mi := keyMethodIndex(method)
	if mi < 0 {
		if up := strings.ToUpper(method); keyMethodIndex(up) >= 0 {
			return fmt.Errorf("method %q must be upper case (want %q)", method, up)
		}
		return fmt.Errorf("unknown method %q (want GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY)", method)
	}
	off = sp + 1
	path := key[off:]
	if path == "" || path[0] != '/' {
		if path != "" && path[0] == ' ' {
			return errors.New("more than one space after the method")
		}
		return errNoSlash
	}
	*p = pattern{method: method, mi: mi}
	if path != "/" {
		if path[len(path)-1] == '/' {
			off = len(key) - 1
			return errTrailing
		}
		p.segs = make([]segment, 0, strings.Count(path, "/"))
		nvars := 0
		for i := 0; i < len(path); {
			// path[i] == '/'
			i++
			off = sp + 1 + i
			j := strings.IndexByte(path[i:], '/')
			if j < 0 {
				j = len(path)
			} else {
				j += i
			}
			seg := path[i:j]
			s, serr := parseSegment(seg)
			if serr != nil {
				off += serr.off
				return serr.err
			}
			if len(p.segs) > 0 && p.segs[len(p.segs)-1].kind == greedy {
				// The previous segment was greedy.
				off = sp + 1 + strings.LastIndexByte(path[:i-1], '/') + 1
				return errGreedyLast
			}
			if s.kind != literal {
				for _, t := range p.segs {
					if t.kind != literal && t.s == s.s {
						return fmt.Errorf("duplicate variable name %q", s.s)
					}
				}
				nvars++
			}
			p.segs = append(p.segs, s)
			i = j
		}
		if nvars > 0 {
			p.params = make([]string, 0, nvars)
			for _, s := range p.segs {
				if s.kind != literal {
					p.params = append(p.params, s.s)
				}
			}
		}
	}
	if strings.IndexByte(path, '<') < 0 {
		// Already in the canonical spelling: share the key's memory.
		p.path, p.key = path, key
	} else {
		p.path = canonicalPath(p.segs)
		p.key = method + " " + p.path
	}
	p.shapeKey = p.shapeKeyOf()
	p.shape = p.shapeKey[len(method)+1:]
	return nil
}

type segError struct {
	off int
	err error
}

// parseSegment parses one segment of a route key path.
func parseSegment(seg string) (segment, *segError) {
	if seg == "" {
		return segment{}, &segError{0, errEmptySegment}
	}
	if c := seg[0]; c == '{' || c == '<' {
		closer := byte('}')
		if c == '<' {
			closer = '>'
		}
		end := strings.IndexByte(seg, closer)
		if end < 0 {
			return segment{}, &segError{0, fmt.Errorf("unclosed %q", c)}
		}
		if end != len(seg)-1 {
			return segment{}, &segError{end + 1, fmt.Errorf("variable %q must be a whole segment", seg)}
		}
		name := seg[1:end]
		kind := param
		if strings.HasSuffix(name, "+") {
			kind = greedy
			name = name[:len(name)-1]
		}
		if name == "" {
			return segment{}, &segError{1, errors.New("empty variable name")}
		}
		for i := 0; i < len(name); i++ {
			if !isNameByte(name[i]) {
				return segment{}, &segError{1 + i, fmt.Errorf("bad variable name %q", name)}
			}
		}
		return segment{kind: kind, s: name}, nil
	}
	for i := 0; i < len(seg); {
		c := seg[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(seg[i:])
			if r == utf8.RuneError && n == 1 {
				return segment{}, &segError{i, errors.New("invalid UTF-8")}
			}
			i += n
			continue
		}
		switch {
		case c <= ' ' || c == 0x7f:
			return segment{}, &segError{i, fmt.Errorf("bad character %q in path", c)}
		case c == '{' || c == '}' || c == '<' || c == '>':
			return segment{}, &segError{i, fmt.Errorf("variable in %q must be a whole segment", seg)}
		case c == '?' || c == '#':
			return segment{}, &segError{i, fmt.Errorf("bad character %q in path (a route key has no query or fragment)", c)}
		}
		i++
	}
	return segment{kind: literal, s: seg}, nil
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// canonicalPath writes segs in API Gateway's own syntax.
func canonicalPath(segs []segment) string {
	if len(segs) == 0 {
		return "/"
	}
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		switch s.kind {
		case literal:
			b.WriteString(s.s)
		case param:
			b.WriteString("{" + s.s + "}")
		case greedy:
			b.WriteString("{" + s.s + "+}")
		}
	}
	return b.String()
}
