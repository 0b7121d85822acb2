package vtl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/internal/jsonsmart"
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

// parseJSON parses s as json-smart does in permissive mode, building maps
// (insertion-ordered, a repeated key keeping its last value) and JSON
// arrays. It pays for the text read and for each value made.
func (st *state) parseJSON(s string) (value, error) {
	if err := st.chargeBytes(len(s)); err != nil {
		return null, err
	}
	st.dec.Reset(s, st.lim.JSONDepth)
	v, err := st.buildJSON(st.jsonOpen[:0], st.jsonKeys[:0])
	if err != nil {
		var se *jsonsmart.SyntaxError
		if errors.As(err, &se) {
			return null, &PayloadError{Detail: se.Detail}
		}
	}
	return v, err
}

// buildJSON builds the value of the document st.dec reads. open holds
// the containers being filled, and keys for objects the name of the
// member being read; their storage is kept in st for the next document.
func (st *state) buildJSON(open []value, keys []string) (value, error) {
	defer func() {
		clear(open[:cap(open)])
		clear(keys[:cap(keys)])
		st.jsonOpen, st.jsonKeys = open[:0], keys[:0]
	}()
	var root value
	for {
		tok, err := st.dec.Next()
		if err != nil {
			return null, err
		}
		if tok == nil {
			return root, nil
		}
		// A member pays for its key, its value and its entry in the map.
		if err := st.charge(1 + 2*b2i(tok.Kind == jsonsmart.Key)); err != nil {
			return null, err
		}
		var v value
		switch tok.Kind {
		case jsonsmart.BeginObject:
			m, err := st.newMap()
			if err != nil {
				return null, err
			}
			open, keys = append(open, mapv(m)), append(keys, "")
			continue
		case jsonsmart.BeginArray:
			l, err := st.newList(listJSON)
			if err != nil {
				return null, err
			}
			open, keys = append(open, listv(l)), append(keys, "")
			continue
		case jsonsmart.Key:
			keys[len(keys)-1] = st.tokenString(tok)
			continue
		case jsonsmart.EndObject, jsonsmart.EndArray:
			v = open[len(open)-1]
			open, keys = open[:len(open)-1], keys[:len(keys)-1]
		default:
			v = st.tokenValue(tok)
		}
		if len(open) == 0 {
			root = v
			continue
		}
		switch c := open[len(open)-1]; c.k {
		case kMap:
			c.m.put(str(keys[len(keys)-1]), v, nil)
		default:
			c.l.items = append(c.l.items, v)
		}
	}
}

// tokenString returns a token's text, copied into the arena when the
// decoder holds it.
func (st *state) tokenString(tok *jsonsmart.Token) string {
	if !tok.Scratch {
		return tok.Str
	}
	return st.keep(append(st.scratch(), tok.Str...))
}

// tokenValue returns the value of a scalar token.
func (st *state) tokenValue(tok *jsonsmart.Token) value {
	switch tok.Kind {
	case jsonsmart.Bool:
		return boolv(tok.Int != 0)
	case jsonsmart.Int:
		return intv(tok.Int)
	case jsonsmart.Float:
		return floatv(tok.Float)
	case jsonsmart.BigInt, jsonsmart.BigDecimal:
		return value{k: kBig, s: st.tokenString(tok)}
	case jsonsmart.String:
		return str(st.tokenString(tok))
	}
	return null
}

// jsonPath evaluates the JSONPath subset API Gateway documents: $, .name,
// ['name'], [n] (negative counts from the end), [*] and .* wildcards, and
// ..name deep scan. Paths without a leading $ get "$." prepended, as
// Jayway JsonPath does. A definite path gives the value (null when
// missing); a path with a wildcard or deep scan gives a JSON array of the
// matches. Every value visited costs a step.
func (st *state) jsonPath(root value, path string) (value, error) {
	if path == "$" {
		return root, nil
	}
	p := strings.TrimSpace(path)
	if p == "" {
		return null, fmt.Errorf("invalid JSONPath %q: path must not be empty", excerpt(path))
	}
	if p[0] != '$' {
		p = "$." + p
	}
	w := pathWalk{st: st, path: path, cur: st.pathBuf[:0]}
	w.cur = append(w.cur, root)
	w.definite = true
	for i := 1; i < len(p); {
		n, err := w.step(p, i)
		if err != nil {
			return null, err
		}
		i += n
	}
	st.pathBuf = w.cur[:0]
	if w.definite {
		if len(w.cur) == 0 {
			return null, nil
		}
		return w.cur[0], nil
	}
	l, err := st.newList(listJSON)
	if err != nil {
		return null, err
	}
	l.items = append(l.items, w.cur...)
	return listv(l), nil
}

// A pathWalk is the state of a JSONPath evaluation: the values the steps
// so far select.
type pathWalk struct {
	st       *state
	path     string
	cur      []value
	definite bool
}

func (w *pathWalk) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSONPath %q: "+format, append([]any{excerpt(w.path)}, args...)...)
}

// step applies the selector at p[i] and returns its length.
func (w *pathWalk) step(p string, i int) (int, error) {
	switch {
	case strings.HasPrefix(p[i:], ".."):
		name, n := jsonPathName(p[i+2:])
		if n == 0 && !strings.HasPrefix(p[i+2:], "*") {
			return 0, w.errorf("name expected after .. at offset %d", i+2)
		}
		if n == 0 {
			name, n = "*", 1
		}
		w.definite = false
		var next []value
		for _, v := range w.cur {
			next = w.deepScan(next, v, name, 0)
		}
		w.cur = next
		return 2 + n, w.st.spent()
	case p[i] == '.':
		if strings.HasPrefix(p[i+1:], "*") {
			w.wildcard()
			return 2, w.st.spent()
		}
		name, n := jsonPathName(p[i+1:])
		if n == 0 {
			return 0, w.errorf("name expected at offset %d", i+1)
		}
		w.member(name)
		return 1 + n, nil
	case p[i] == '[':
		return w.bracket(p, i)
	}
	return 0, w.errorf("unexpected %q at offset %d", p[i:i+1], i)
}

// bracket applies ['name'], [n] or [*] at p[i] == '['.
func (w *pathWalk) bracket(p string, i int) (int, error) {
	end := strings.IndexByte(p[i:], ']')
	if end < 0 {
		return 0, w.errorf("unclosed [ at offset %d", i)
	}
	inner := strings.TrimSpace(p[i+1 : i+end])
	// Quoted names may contain ']'.
	if len(inner) > 0 && (inner[0] == '\'' || inner[0] == '"') {
		q := inner[0]
		close := strings.IndexByte(p[i+2:], q)
		if close < 0 {
			return 0, w.errorf("unclosed quote at offset %d", i)
		}
		name := p[i+2 : i+2+close]
		j := i + 2 + close + 1
		for j < len(p) && p[j] == ' ' {
			j++
		}
		if j >= len(p) || p[j] != ']' {
			return 0, w.errorf("only one quoted name per [] is supported")
		}
		w.member(name)
		return j + 1 - i, nil
	}
	if inner == "*" {
		w.wildcard()
		return end + 1, w.st.spent()
	}
	n, err := strconv.Atoi(inner)
	if err != nil {
		return 0, w.errorf("unsupported selector [%s] (filters, slices and unions are not supported)", excerpt(inner))
	}
	next := w.cur[:0]
	for _, v := range w.cur {
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
	w.cur = next
	return end + 1, nil
}

func jsonPathName(s string) (string, int) {
	n := 0
	for n < len(s) && s[n] != '.' && s[n] != '[' && s[n] != ' ' {
		n++
	}
	return s[:n], n
}

// member selects the member name of each object.
func (w *pathWalk) member(name string) {
	next := w.cur[:0]
	for _, v := range w.cur {
		if v.k != kMap {
			continue
		}
		if i := v.m.findString(name); i >= 0 {
			next = append(next, v.m.vals[i])
		}
	}
	w.cur = next
}

// wildcard selects every member and element.
func (w *pathWalk) wildcard() {
	w.definite = false
	var next []value
	for _, v := range w.cur {
		switch v.k {
		case kMap:
			w.st.add(len(v.m.vals))
			next = append(next, v.m.vals...)
		case kList:
			w.st.add(len(v.l.items))
			next = append(next, v.l.items...)
		}
	}
	w.cur = next
}

// deepScan appends the members called name (every member and element
// for "*") of v and of everything inside it.
func (w *pathWalk) deepScan(out []value, v value, name string, depth int) []value {
	if depth > w.st.lim.JSONDepth || w.st.add(1) {
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
			out = w.deepScan(out, x, name, depth+1)
		}
	case kList:
		if name == "*" {
			out = append(out, v.l.items...)
		}
		for _, x := range v.l.items {
			out = w.deepScan(out, x, name, depth+1)
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
