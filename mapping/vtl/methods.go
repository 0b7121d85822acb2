package vtl

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/internal/jregex"
)

// callMethod calls a Java method on v, as Velocity's introspection would.
// A method that does not exist gives null; a Java exception gives an
// error.
func (st *state) callMethod(v value, name string, args []value) (value, error) {
	switch v.k {
	case kString:
		return st.stringMethod(v.s, name, args)
	case kMap:
		return st.mapMethod(v, name, args)
	case kList:
		return st.listMethod(v, name, args)
	case kObj:
		r, _, err := v.o.call(st, name, args)
		return r, err
	case kInt, kFloat, kBool, kBig:
		return st.scalarMethod(v, name, args)
	}
	return null, nil
}

func (st *state) commonMethod(v value, name string, args []value) (value, bool, error) {
	switch {
	case name == "toString" && len(args) == 0:
		s, err := st.toString(v)
		return str(s), true, err
	case name == "equals" && len(args) == 1:
		eq := st.equals(v, args[0])
		return boolv(eq), true, st.spent()
	case name == "hashCode" && len(args) == 0 && v.k == kString:
		if err := st.chargeBytes(len(v.s)); err != nil {
			return null, true, err
		}
		var h int32
		for _, u := range utf16.Encode([]rune(v.s)) {
			h = 31*h + int32(u)
		}
		return intv(int64(h)), true, nil
	}
	return null, false, nil
}

func (st *state) scalarMethod(v value, name string, args []value) (value, error) {
	if r, ok, err := st.commonMethod(v, name, args); ok {
		return r, err
	}
	if len(args) != 0 {
		return null, nil
	}
	switch v.k {
	case kInt:
		switch name {
		case "intValue":
			return intv(int64(int32(v.n))), nil
		case "longValue":
			return v, nil
		case "doubleValue", "floatValue":
			return floatv(float64(v.n)), nil
		}
	case kFloat:
		switch name {
		case "intValue", "longValue":
			return intv(int64(v.fl())), nil
		case "doubleValue":
			return v, nil
		case "isNaN":
			return boolv(v.fl() != v.fl()), nil
		}
	case kBool:
		if name == "booleanValue" {
			return v, nil
		}
	}
	return null, nil
}

// jstring is a Java string view: indexes are UTF-16 code units.
type jstring struct {
	s     string
	ascii bool
	u     []uint16
}

func newJString(s string) jstring {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return jstring{s: s, u: utf16.Encode([]rune(s))}
		}
	}
	return jstring{s: s, ascii: true}
}

func (j jstring) length() int {
	if j.ascii {
		return len(j.s)
	}
	return len(j.u)
}

func (j jstring) sub(a, b int) string {
	if j.ascii {
		return j.s[a:b]
	}
	return string(utf16.Decode(j.u[a:b]))
}

// offset converts a byte offset in s to a UTF-16 index.
func (j jstring) offset(byteOff int) int {
	if j.ascii || byteOff < 0 {
		return byteOff
	}
	return len(utf16.Encode([]rune(j.s[:byteOff])))
}

func intArg(v value) (int, bool) {
	if v.k != kInt || v.n < -1<<31 || v.n > 1<<31-1 {
		return 0, false
	}
	return int(v.n), true
}

func strArg(v value) (string, bool) {
	return v.s, v.k == kString
}

func npe(name string) error {
	return fmt.Errorf("java.lang.NullPointerException in String.%s", name)
}

func (st *state) stringMethod(s, name string, args []value) (value, error) {
	if r, ok, err := st.commonMethod(str(s), name, args); ok {
		return r, err
	}
	// Java's string methods scan their strings.
	n := len(s)
	for _, a := range args {
		n += len(a.s)
	}
	if err := st.chargeBytes(n); err != nil {
		return null, err
	}
	// null arguments: Java throws for most String methods.
	for _, a := range args {
		if a.isNull() {
			switch name {
			case "equalsIgnoreCase", "equals":
				return boolv(false), nil
			}
			return null, npe(name)
		}
	}
	switch len(args) {
	case 0:
		return st.stringMethod0(s, name)
	case 1:
		return st.stringMethod1(s, name, args[0])
	case 2:
		return st.stringMethod2(s, name, args[0], args[1])
	}
	return null, nil
}

// stringMethod0 runs the String methods without arguments.
func (st *state) stringMethod0(s, name string) (value, error) {
	switch name {
	case "length":
		return intv(int64(newJString(s).length())), nil
	case "toUpperCase":
		return str(strings.ToUpper(s)), nil
	case "toLowerCase":
		return str(strings.ToLower(s)), nil
	case "trim":
		return str(strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })), nil
	case "isEmpty":
		return boolv(s == ""), nil
	case "getBytes", "toCharArray", "chars":
		return null, nil
	}
	return null, nil
}

// stringMethod1 runs the String methods of one argument.
func (st *state) stringMethod1(s, name string, a value) (value, error) {
	as, isStr := strArg(a)
	switch name {
	case "contains":
		if !isStr {
			t, err := st.toString(a)
			if err != nil {
				return null, err
			}
			as = t
		}
		return boolv(strings.Contains(s, as)), nil
	case "equalsIgnoreCase":
		return boolv(isStr && equalsIgnoreCase(s, as)), nil
	case "startsWith":
		if isStr {
			return boolv(strings.HasPrefix(s, as)), nil
		}
	case "endsWith":
		if isStr {
			return boolv(strings.HasSuffix(s, as)), nil
		}
	case "indexOf", "lastIndexOf":
		if isStr {
			j := newJString(s)
			if name == "indexOf" {
				return intv(int64(j.offset(strings.Index(s, as)))), nil
			}
			return intv(int64(j.offset(strings.LastIndex(s, as)))), nil
		}
	case "concat":
		if isStr {
			return st.concat(s, as)
		}
	case "substring":
		if i, ok := intArg(a); ok {
			j := newJString(s)
			if i < 0 || i > j.length() {
				return null, fmt.Errorf("java.lang.StringIndexOutOfBoundsException: begin %d, end %d, length %d", i, j.length(), j.length())
			}
			return str(j.sub(i, j.length())), nil
		}
	case "charAt":
		if i, ok := intArg(a); ok {
			j := newJString(s)
			if i < 0 || i >= j.length() {
				return null, fmt.Errorf("java.lang.StringIndexOutOfBoundsException: index %d, length %d", i, j.length())
			}
			return str(j.sub(i, i+1)), nil
		}
	case "matches":
		if isStr {
			re, err := st.regexp(as, len(s))
			if err != nil {
				return null, err
			}
			ok, err := re.Matches(s)
			return boolv(ok), err
		}
	case "split":
		if isStr {
			return st.split(s, as, 0)
		}
	case "compareTo":
		if isStr {
			return intv(int64(compareUTF16(s, as))), nil
		}
	}
	return null, nil
}

// stringMethod2 runs the String methods of two arguments.
func (st *state) stringMethod2(s, name string, a, b value) (value, error) {
	as, aStr := strArg(a)
	bs, bStr := strArg(b)
	switch name {
	case "substring":
		i, ok1 := intArg(a)
		k, ok2 := intArg(b)
		if ok1 && ok2 {
			j := newJString(s)
			if i < 0 || k > j.length() || i > k {
				return null, fmt.Errorf("java.lang.StringIndexOutOfBoundsException: begin %d, end %d, length %d", i, k, j.length())
			}
			return str(j.sub(i, k)), nil
		}
	case "replace":
		if aStr && bStr {
			return st.replaceLiteral(s, as, bs)
		}
	case "replaceAll", "replaceFirst":
		if aStr && bStr {
			n := -1
			if name == "replaceFirst" {
				n = 1
			}
			return st.replaceRegexp(s, as, bs, n)
		}
	case "split":
		if limit, ok := intArg(b); ok && aStr {
			return st.split(s, as, limit)
		}
	case "startsWith":
		if off, ok := intArg(b); ok && aStr {
			j := newJString(s)
			if off < 0 || off > j.length() {
				return boolv(false), nil
			}
			return boolv(strings.HasPrefix(j.sub(off, j.length()), as)), nil
		}
	case "indexOf", "lastIndexOf":
		if from, ok := intArg(b); ok && aStr {
			j := newJString(s)
			n := j.length()
			if name == "indexOf" {
				if from < 0 {
					from = 0
				}
				if from > n {
					return intv(-1), nil
				}
				r := strings.Index(j.sub(from, n), as)
				if r < 0 {
					return intv(-1), nil
				}
				return intv(int64(from + newJString(j.sub(from, n)).offset(r))), nil
			}
			if from < 0 {
				return intv(-1), nil
			}
			end := from + newJString(as).length()
			if end > n {
				end = n
			}
			return intv(int64(j.offset(strings.LastIndex(j.sub(0, end), as)))), nil
		}
	}
	return null, nil
}

func equalsIgnoreCase(a, b string) bool {
	if len(a) != len(b) && newJString(a).length() != newJString(b).length() {
		return false
	}
	return strings.EqualFold(a, b)
}

func compareUTF16(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return int(ua[i]) - int(ub[i])
		}
	}
	return len(ua) - len(ub)
}

// replaceLiteral is String.replace(CharSequence, CharSequence).
func (st *state) replaceLiteral(s, old, new string) (value, error) {
	var n int
	if old == "" {
		n = newJString(s).length() + 1
	} else {
		n = strings.Count(s, old)
	}
	if err := st.grow(0, len(s)+n*(len(new)-len(old))); err != nil {
		return null, err
	}
	if old == "" {
		// Java inserts between UTF-16 units; between runes is the same
		// for text without surrogate pairs.
		var b strings.Builder
		b.WriteString(new)
		for _, r := range s {
			b.WriteRune(r)
			b.WriteString(new)
		}
		return str(b.String()), nil
	}
	return str(strings.ReplaceAll(s, old, new)), nil
}

// concat is String.concat and the + of two strings.
func (st *state) concat(a, b string) (value, error) {
	if err := st.grow(len(a), len(b)); err != nil {
		return null, err
	}
	buf := append(append(st.scratch(), a...), b...)
	return str(st.keep(buf)), nil
}

// regexp returns the compiled Java regex pat, from the template's cache
// when it is there, paying for compiling it and for matching it against
// n bytes.
func (st *state) regexp(pat string, n int) (*jregex.Regexp, error) {
	re, err := st.t.regex.get(pat, &st.budget)
	if err != nil {
		return nil, err
	}
	// Go's regexp does work proportional to the input length times the
	// program size.
	return re, st.chargeBytes((n + 1) * re.Cost() / regexCostPerByte)
}

// regexCostPerByte is how many program instructions one byte of regex
// input costs, over an input byte of copying: a step pays for
// bytesPerStep × regexCostPerByte instruction-bytes.
const regexCostPerByte = 4

// replaceRegexp is String.replaceAll (n < 0) and replaceFirst (n == 1).
func (st *state) replaceRegexp(s, pat, repl string, n int) (value, error) {
	re, err := st.regexp(pat, len(s))
	if err != nil {
		return null, err
	}
	r, err := re.Replace(s, repl, n, st.left(), st.lim.OutputSize)
	if err != nil {
		return null, st.overLimit(err)
	}
	if err := st.grow(0, len(r)); err != nil {
		return null, err
	}
	return str(r), nil
}

// overLimit turns a jregex error that a maximum was passed into the
// LimitError of the limit the maximum came from: the steps left bound
// the matches, OutputSize the bytes.
func (st *state) overLimit(err error) error {
	var le *jregex.LimitError
	switch {
	case !errors.As(err, &le):
		return err
	case le.Matches:
		return st.charge(st.left() + 1)
	}
	return limitErr("OutputSize", st.lim.OutputSize, "string or output of more than %d bytes", st.lim.OutputSize)
}

// split is String.split(regex, limit), returning a String[].
func (st *state) split(s, regex string, limit int) (value, error) {
	re, err := st.regexp(regex, len(s))
	if err != nil {
		return null, err
	}
	parts, err := re.Split(s, limit, st.left())
	if err != nil {
		return null, st.overLimit(err)
	}
	if err := st.charge(len(parts)); err != nil {
		return null, err
	}
	l, err := st.newList(listArray)
	if err != nil {
		return null, err
	}
	for _, p := range parts {
		l.items = append(l.items, str(p))
	}
	return listv(l), nil
}

func (st *state) mapMethod(v value, name string, args []value) (value, error) {
	m := v.m
	h := &st.heap
	switch len(args) {
	case 0:
		switch name {
		case "size":
			return intv(int64(len(m.keys))), nil
		case "isEmpty":
			return boolv(len(m.keys) == 0), nil
		case "keySet":
			return st.listOf(listArrayList, m.keys)
		case "values":
			return st.listOf(listArrayList, m.vals)
		case "entrySet":
			l, err := st.listOf(listArrayList, nil)
			if err != nil {
				return null, err
			}
			if err := st.charge(len(m.keys)); err != nil {
				return null, err
			}
			for i := range m.keys {
				l.l.items = append(l.l.items, value{k: kObj, o: &mapEntry{m: m, key: m.keys[i]}})
			}
			return l, nil
		case "clear":
			m.clear()
			return null, nil
		}
	case 1:
		switch name {
		case "get":
			r, _ := m.get(args[0], h)
			return r, st.spent()
		case "containsKey":
			found := m.find(args[0], h) >= 0
			return boolv(found), st.spent()
		case "containsValue":
			for _, x := range m.vals {
				if st.equals(x, args[0]) {
					return boolv(true), nil
				}
				if err := st.charge(1); err != nil {
					return null, err
				}
			}
			return boolv(false), nil
		case "remove":
			// Removing shifts the entries after the key.
			if err := st.charge(len(m.keys)); err != nil {
				return null, err
			}
			return m.remove(args[0], h), st.spent()
		case "putAll":
			if args[0].k == kMap {
				o := args[0].m
				if err := st.charge(len(o.keys)); err != nil {
					return null, err
				}
				for i := range o.keys {
					if err := st.noteOverride(m, o.keys[i], o.vals[i]); err != nil {
						return null, err
					}
					m.put(o.keys[i], o.vals[i], h)
				}
			}
			return null, st.spent()
		}
	case 2:
		switch name {
		case "put":
			if err := st.noteOverride(m, args[0], args[1]); err != nil {
				return null, err
			}
			old := m.put(args[0], args[1], h)
			return old, st.spent()
		case "getOrDefault":
			if r, ok := m.get(args[0], h); ok {
				return r, st.spent()
			}
			return args[1], st.spent()
		case "putIfAbsent":
			if r, ok := m.get(args[0], h); ok && !r.isNull() {
				return r, st.spent()
			}
			if err := st.noteOverride(m, args[0], args[1]); err != nil {
				return null, err
			}
			m.put(args[0], args[1], h)
			return null, st.spent()
		}
	}
	r, _, err := st.commonMethod(v, name, args)
	return r, err
}

// listOf returns a new list of the given kind holding a copy of items,
// paying for each.
func (st *state) listOf(k listKind, items []value) (value, error) {
	if err := st.charge(len(items)); err != nil {
		return null, err
	}
	l, err := st.newList(k)
	if err != nil {
		return null, err
	}
	l.items = append(l.items, items...)
	return listv(l), nil
}

func outOfBounds(i, n int) error {
	return fmt.Errorf("java.lang.IndexOutOfBoundsException: Index %d out of bounds for length %d", i, n)
}

func unsupportedOnArray(op string) error {
	return fmt.Errorf("java.lang.UnsupportedOperationException: %s on an array", op)
}

// grows checks that a list of n elements may take k more.
func (st *state) grows(n, k int) error {
	if n+k > st.lim.Range {
		return limitErr("Range", st.lim.Range, "list grows beyond %d elements", st.lim.Range)
	}
	return st.charge(k)
}

// indexOf returns the first (or, when last, the final) position of a in
// l, or -1, paying for the elements compared.
func (st *state) indexOf(l *vlist, a value, last bool) (int, error) {
	idx := -1
	for i, x := range l.items {
		if err := st.charge(1); err != nil {
			return -1, err
		}
		if st.equals(x, a) {
			idx = i
			if !last {
				break
			}
		}
	}
	return idx, st.spent()
}

func (st *state) listMethod(v value, name string, args []value) (value, error) {
	l := v.l
	n := len(l.items)
	switch len(args) {
	case 0:
		switch name {
		case "size":
			return intv(int64(n)), nil
		case "isEmpty":
			return boolv(n == 0), nil
		case "clear":
			if l.kind != listArray {
				clear(l.items)
				l.items = l.items[:0]
			}
			return null, nil
		}
	case 1:
		return st.listMethod1(l, name, args[0])
	case 2:
		if i, ok := intArg(args[0]); ok {
			switch name {
			case "set":
				if i < 0 || i >= n {
					return null, outOfBounds(i, n)
				}
				old := l.items[i]
				l.items[i] = args[1]
				return old, nil
			case "add":
				if l.kind == listArray {
					return null, unsupportedOnArray("add")
				}
				if i < 0 || i > n {
					return null, fmt.Errorf("java.lang.IndexOutOfBoundsException: Index: %d, Size: %d", i, n)
				}
				if err := st.grows(n, 1+n-i); err != nil {
					return null, err
				}
				l.items = append(l.items, null)
				copy(l.items[i+1:], l.items[i:])
				l.items[i] = args[1]
				return null, nil
			}
		}
	}
	r, _, err := st.commonMethod(v, name, args)
	return r, err
}

// listMethod1 runs the list methods of one argument.
func (st *state) listMethod1(l *vlist, name string, a value) (value, error) {
	n := len(l.items)
	switch name {
	case "get":
		if i, ok := intArg(a); ok {
			if i < 0 || i >= n {
				return null, outOfBounds(i, n)
			}
			return l.items[i], nil
		}
	case "contains", "indexOf", "lastIndexOf":
		idx, err := st.indexOf(l, a, name == "lastIndexOf")
		if name == "contains" {
			return boolv(idx >= 0), err
		}
		return intv(int64(idx)), err
	case "add":
		if l.kind == listArray {
			return null, unsupportedOnArray("add")
		}
		if err := st.grows(n, 1); err != nil {
			return null, err
		}
		l.items = append(l.items, a)
		return boolv(true), nil
	case "remove":
		if l.kind == listArray {
			return null, unsupportedOnArray("remove")
		}
		if i, ok := intArg(a); ok {
			if i < 0 || i >= n {
				return null, outOfBounds(i, n)
			}
			if err := st.charge(n - i); err != nil {
				return null, err
			}
			old := l.items[i]
			l.items = append(l.items[:i], l.items[i+1:]...)
			return old, nil
		}
		i, err := st.indexOf(l, a, false)
		if err != nil || i < 0 {
			return boolv(false), err
		}
		l.items = append(l.items[:i], l.items[i+1:]...)
		return boolv(true), nil
	case "addAll":
		if a.k == kList && l.kind != listArray {
			if err := st.grows(n, len(a.l.items)); err != nil {
				return null, err
			}
			l.items = append(l.items, a.l.items...)
			return boolv(len(a.l.items) > 0), nil
		}
	}
	r, _, err := st.commonMethod(listv(l), name, []value{a})
	return r, err
}
