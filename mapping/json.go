package mapping

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// A PayloadError reports a body that API Gateway's JSON parser (json-smart
// in permissive mode) rejects. API Gateway answers such requests with
// status 400 and the body {"message": "<AWSMessage>"}.
type PayloadError struct {
	// Detail is the parser's message, such as
	// "Unexpected End Of File position 1: null".
	Detail string
}

func (e *PayloadError) Error() string { return "invalid JSON payload: " + e.Detail }

// AWSMessage returns the message API Gateway puts in its 400 response.
func (e *PayloadError) AWSMessage() string {
	return "Could not process payloadnet.minidev.json.parser.ParseException: " + e.Detail
}

// maxJSONDepth caps the nesting of parsed JSON.
const maxJSONDepth = 512

// jsonParser is a json-smart MODE_PERMISSIVE style parser: strict JSON
// plus single-quoted and unquoted strings and keys; text that is not JSON
// is a string; data after the first value is ignored.
type jsonParser struct {
	st    *state
	s     string
	pos   int
	depth int
}

func (st *state) parseJSON(s string) (value, error) {
	p := &jsonParser{st: st, s: s}
	p.skip()
	if p.pos >= len(p.s) {
		return null, nil
	}
	c := p.s[p.pos]
	if c != '{' && c != '[' && c != '"' && c != '\'' {
		// A scalar or non-quoted text: the whole trimmed text.
		t := strings.Trim(s, " \t\r\n")
		switch t {
		case "null":
			return null, nil
		case "true":
			return boolv(true), nil
		case "false":
			return boolv(false), nil
		}
		if v, ok := parseJSONNumber(t); ok {
			return v, nil
		}
		return str(t), nil
	}
	return p.value(eofStop)
}

type stopSet uint8

const (
	eofStop stopSet = iota
	objStop         // , }
	arrStop         // , ]
	keyStop         // :
)

func (p *jsonParser) skip() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) eof(what string) error {
	pos := len(p.s) - 1
	if pos < 0 {
		pos = 0
	}
	return &PayloadError{Detail: fmt.Sprintf("Unexpected End Of File position %d: %s", pos, what)}
}

func (p *jsonParser) value(stop stopSet) (value, error) {
	p.skip()
	if p.pos >= len(p.s) {
		if stop == arrStop {
			return null, p.eof("EOF")
		}
		return null, p.eof("null")
	}
	switch c := p.s[p.pos]; c {
	case '{':
		return p.object()
	case '[':
		return p.array()
	case '"', '\'':
		s, err := p.quoted()
		return str(s), err
	}
	// Fast path: a plain integer followed by a delimiter.
	if c := p.s[p.pos]; isDigit(c) || c == '-' {
		i := p.pos
		if c == '-' {
			i++
		}
		j := i
		var n int64
		for j < len(p.s) && isDigit(p.s[j]) && j-i < 18 {
			n = n*10 + int64(p.s[j]-'0')
			j++
		}
		if j > i && j < len(p.s) && (p.s[j] == ',' || p.s[j] == '}' || p.s[j] == ']') && (p.s[i] != '0' || j == i+1) {
			p.pos = j
			if c == '-' {
				n = -n
			}
			return intv(n), nil
		}
	}
	// Unquoted: read to a stop character, then classify.
	start := p.pos
	for p.pos < len(p.s) && !isStop(p.s[p.pos], stop) {
		p.pos++
	}
	t := trimRightSpace(p.s[start:p.pos])
	switch t {
	case "-":
		return intv(0), nil // as json-smart reads it
	case "null":
		return null, nil
	case "true":
		return boolv(true), nil
	case "false":
		return boolv(false), nil
	}
	if v, ok := parseJSONNumber(t); ok {
		return v, nil
	}
	return str(t), nil
}

func isStop(c byte, stop stopSet) bool {
	switch stop {
	case objStop:
		return c == ',' || c == '}'
	case arrStop:
		return c == ',' || c == ']'
	case keyStop:
		return c == ':'
	}
	return false
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return &PayloadError{Detail: fmt.Sprintf("nesting deeper than %d at position %d", maxJSONDepth, p.pos)}
	}
	return nil
}

func (p *jsonParser) object() (value, error) {
	if err := p.enter(); err != nil {
		return null, err
	}
	v, err := p.objectBody()
	p.depth--
	return v, err
}

func (p *jsonParser) objectBody() (value, error) {
	p.pos++ // {
	m := p.st.newMap()
	for {
		p.skip()
		if p.pos >= len(p.s) {
			return null, p.eof("null")
		}
		c := p.s[p.pos]
		if c == '}' {
			p.pos++
			return mapv(m), nil
		}
		if c == ',' {
			p.pos++
			continue
		}
		var key string
		if c == '"' || c == '\'' {
			k, err := p.quoted()
			if err != nil {
				return null, err
			}
			key = k
		} else {
			start := p.pos
			for p.pos < len(p.s) && p.s[p.pos] != ':' {
				p.pos++
			}
			key = trimRightSpace(p.s[start:p.pos])
		}
		p.skip()
		if p.pos >= len(p.s) {
			return null, p.eof("null")
		}
		if p.s[p.pos] != ':' {
			return null, p.unexpected()
		}
		p.pos++
		v, err := p.value(objStop)
		if err != nil {
			return null, err
		}
		if i := m.findString(key); i >= 0 {
			m.vals[i] = v // a repeated key keeps its last value
		} else {
			m.keys = append(m.keys, str(key))
			m.vals = append(m.vals, v)
		}
		done, err := p.afterMember('}', "null")
		if err != nil {
			return null, err
		}
		if done {
			return mapv(m), nil
		}
	}
}

// afterMember reads what follows an object member or array element: a
// comma (false), or the closing bracket (true). eofText is what json-smart
// names at the end of the input for this container.
func (p *jsonParser) afterMember(close byte, eofText string) (bool, error) {
	p.skip()
	if p.pos >= len(p.s) {
		return false, p.eof(eofText)
	}
	switch p.s[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case close:
		p.pos++
		return true, nil
	}
	return false, p.unexpected()
}

// unexpected is json-smart's error for the character at the position.
func (p *jsonParser) unexpected() error {
	return &PayloadError{Detail: fmt.Sprintf("Unexpected character (%c) at position %d.", p.s[p.pos], p.pos)}
}

func (p *jsonParser) array() (value, error) {
	if err := p.enter(); err != nil {
		return null, err
	}
	v, err := p.arrayBody()
	p.depth--
	return v, err
}

func (p *jsonParser) arrayBody() (value, error) {
	p.pos++ // [
	l := p.st.newList(listJSON)
	for {
		p.skip()
		if p.pos >= len(p.s) {
			return null, p.eof("EOF")
		}
		switch p.s[p.pos] {
		case ']':
			p.pos++
			return listv(l), nil
		case ',':
			p.pos++
			continue
		}
		v, err := p.value(arrStop)
		if err != nil {
			return null, err
		}
		l.items = append(l.items, v)
		done, err := p.afterMember(']', "EOF")
		if err != nil {
			return null, err
		}
		if done {
			return listv(l), nil
		}
	}
}

// quoted reads a quoted string with JSON escapes; the result shares the
// input's memory when there are no escapes.
func (p *jsonParser) quoted() (string, error) {
	q := p.s[p.pos]
	start := p.pos
	p.pos++
	i := p.pos
	for i < len(p.s) && p.s[i] != q && p.s[i] != '\\' {
		i++
	}
	if i < len(p.s) && p.s[i] == q {
		p.pos = i + 1
		return p.s[start+1 : i], nil
	}
	b := p.st.scratch()
	b = append(b, p.s[p.pos:i]...)
	p.pos = i
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == q {
			p.pos++
			return p.st.keep(b), nil
		}
		if c != '\\' {
			b = append(b, c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.s) {
			break
		}
		e := p.s[p.pos+1]
		p.pos += 2
		switch e {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'u':
			if p.pos+4 > len(p.s) {
				p.pos = len(p.s)
				break
			}
			n, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 16)
			if err != nil {
				p.st.keep(nil)
				return "", p.unexpected()
			}
			p.pos += 4
			r := rune(n)
			if utf16.IsSurrogate(r) && p.pos+6 <= len(p.s) && p.s[p.pos] == '\\' && p.s[p.pos+1] == 'u' {
				if n2, err := strconv.ParseUint(p.s[p.pos+2:p.pos+6], 16, 16); err == nil {
					if d := utf16.DecodeRune(r, rune(n2)); d != '\uFFFD' {
						r = d
						p.pos += 6
					}
				}
			}
			b = append(b, string(r)...)
		default:
			b = append(b, e)
		}
	}
	p.st.keep(nil)
	return "", p.eof("null")
}

// parseJSONNumber parses a JSON number the way json-smart types it:
// integers as Integer/Long, decimals as Double. Text that is not a number
// reports false.
func parseJSONNumber(t string) (value, bool) {
	if t == "" {
		return null, false
	}
	i := 0
	if t[0] == '-' {
		i++
	}
	if i >= len(t) || !isDigit(t[i]) {
		return null, false
	}
	for i < len(t) && isDigit(t[i]) {
		i++
	}
	isFloat := false
	if i < len(t) && t[i] == '.' {
		isFloat = true
		i++
		for i < len(t) && isDigit(t[i]) {
			i++
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		isFloat = true
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		for i < len(t) && isDigit(t[i]) {
			i++
		}
	}
	if i != len(t) {
		return null, false
	}
	if !isFloat {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			return intv(n), true
		}
		// BigInteger: the digits without leading zeros.
		neg := t[0] == '-'
		d := strings.TrimLeft(strings.TrimPrefix(t, "-"), "0")
		if neg {
			d = "-" + d
		}
		return value{k: kBig, s: d}, true
	}
	if len(t) > 18 {
		// json-smart reads long decimals as BigDecimal.
		return value{k: kBig, s: bigDecimalString(t)}, true
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && f == 0 {
		return null, false
	}
	return floatv(f), true
}

// jsonPath evaluates the JSONPath subset API Gateway documents: $, .name,
// ['name'], [n] (negative counts from the end), [*] and .* wildcards, and
// ..name deep scan. Paths without a leading $ get "$." prepended, as
// Jayway JsonPath does. A definite path gives the value (null when
// missing); a path with a wildcard or deep scan gives a JSON array of the
// matches.
func (st *state) jsonPath(root value, path string) (value, error) {
	if path == "$" {
		return root, nil
	}
	p := strings.TrimSpace(path)
	if p == "" {
		return null, fmt.Errorf("invalid JSONPath %q: path must not be empty", path)
	}
	if p[0] != '$' {
		p = "$." + p
	}
	cur := []value{root}
	definite := true
	i := 1
	var one [1]value
	for i < len(p) {
		switch {
		case strings.HasPrefix(p[i:], ".."):
			i += 2
			name, n := jsonPathName(p[i:])
			if n == 0 && !strings.HasPrefix(p[i:], "*") {
				return null, fmt.Errorf("invalid JSONPath %q: name expected after .. at offset %d", path, i)
			}
			if n == 0 {
				name, n = "*", 1
			}
			i += n
			definite = false
			var next []value
			for _, v := range cur {
				next = st.deepScan(next, v, name, 0)
			}
			cur = next
		case p[i] == '.':
			i++
			if strings.HasPrefix(p[i:], "*") {
				i++
				definite = false
				cur = st.wildcard(cur)
				continue
			}
			name, n := jsonPathName(p[i:])
			if n == 0 {
				return null, fmt.Errorf("invalid JSONPath %q: name expected at offset %d", path, i)
			}
			i += n
			cur = st.member(cur, name, definite, one[:0])
		case p[i] == '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return null, fmt.Errorf("invalid JSONPath %q: unclosed [ at offset %d", path, i)
			}
			inner := strings.TrimSpace(p[i+1 : i+end])
			// Quoted names may contain ']'.
			if len(inner) > 0 && (inner[0] == '\'' || inner[0] == '"') {
				q := inner[0]
				close := strings.IndexByte(p[i+2:], q)
				if close < 0 {
					return null, fmt.Errorf("invalid JSONPath %q: unclosed quote at offset %d", path, i)
				}
				name := p[i+2 : i+2+close]
				j := i + 2 + close + 1
				for j < len(p) && p[j] == ' ' {
					j++
				}
				if j >= len(p) || p[j] != ']' {
					return null, fmt.Errorf("invalid JSONPath %q: only one quoted name per [] is supported", path)
				}
				i = j + 1
				cur = st.member(cur, name, definite, one[:0])
				continue
			}
			i += end + 1
			switch {
			case inner == "*":
				definite = false
				cur = st.wildcard(cur)
			default:
				n, err := strconv.Atoi(inner)
				if err != nil {
					return null, fmt.Errorf("invalid JSONPath %q: unsupported selector [%s] (filters, slices and unions are not supported)", path, inner)
				}
				var next []value
				if definite {
					next = one[:0]
				}
				for _, v := range cur {
					if v.k != kList {
						continue
					}
					k := n
					if k < 0 {
						k += len(v.l.items)
					}
					if k >= 0 && k < len(v.l.items) {
						next = append(next, v.l.items[k])
					}
				}
				cur = next
			}
		default:
			return null, fmt.Errorf("invalid JSONPath %q: unexpected %q at offset %d", path, p[i:i+1], i)
		}
	}
	if definite {
		if len(cur) == 0 {
			return null, nil
		}
		return cur[0], nil
	}
	l := st.newList(listJSON)
	l.items = append(l.items, cur...)
	return listv(l), nil
}

func jsonPathName(s string) (string, int) {
	n := 0
	for n < len(s) && s[n] != '.' && s[n] != '[' && s[n] != ' ' {
		n++
	}
	return s[:n], n
}

func (st *state) member(cur []value, name string, definite bool, buf []value) []value {
	var next []value
	if definite {
		next = buf
	}
	for _, v := range cur {
		if v.k != kMap {
			continue
		}
		if i := v.m.findString(name); i >= 0 {
			next = append(next, v.m.vals[i])
		}
	}
	return next
}

func (st *state) wildcard(cur []value) []value {
	var next []value
	for _, v := range cur {
		switch v.k {
		case kMap:
			next = append(next, v.m.vals...)
		case kList:
			next = append(next, v.l.items...)
		}
	}
	return next
}

func (st *state) deepScan(out []value, v value, name string, depth int) []value {
	if depth > maxJSONDepth {
		return out
	}
	switch v.k {
	case kMap:
		for i, k := range v.m.keys {
			if name == "*" || (k.k == kString && k.s == name) {
				out = append(out, v.m.vals[i])
			}
		}
		for _, x := range v.m.vals {
			out = st.deepScan(out, x, name, depth+1)
		}
	case kList:
		if name == "*" {
			out = append(out, v.l.items...)
		}
		for _, x := range v.l.items {
			out = st.deepScan(out, x, name, depth+1)
		}
	}
	return out
}

func trimRightSpace(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case ' ', '\t', '\r', '\n':
			s = s[:len(s)-1]
			continue
		}
		break
	}
	return s
}
