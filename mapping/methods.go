package mapping

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
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
		return boolv(javaEquals(v, args[0])), true, nil
	case name == "hashCode" && len(args) == 0 && v.k == kString:
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
	case 1:
		a := args[0]
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
				if err := st.checkSize(len(s) + len(as)); err != nil {
					return null, err
				}
				return str(s + as), nil
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
				re, err := compileJava(as)
				if err != nil {
					return null, err
				}
				ok, err := re.matches(s)
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
	case 2:
		a, b := args[0], args[1]
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
				re, err := compileJava(as)
				if err != nil {
					return null, err
				}
				n := -1
				if name == "replaceFirst" {
					n = 1
				}
				r, err := re.replace(s, bs, n)
				if err != nil {
					return null, err
				}
				if err := st.checkSize(len(r)); err != nil {
					return null, err
				}
				return str(r), nil
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
	if err := st.checkSize(len(s) + n*(len(new)-len(old))); err != nil {
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

// split is String.split(regex, limit), returning a String[].
func (st *state) split(s, regex string, limit int) (value, error) {
	re, err := compileJava(regex)
	if err != nil {
		return null, err
	}
	parts, err := re.split(s, limit)
	if err != nil {
		return null, err
	}
	st.steps += len(parts)
	l := st.newList(listArray)
	for _, p := range parts {
		l.items = append(l.items, str(p))
	}
	return listv(l), nil
}

func (st *state) mapMethod(v value, name string, args []value) (value, error) {
	m := v.m
	switch len(args) {
	case 0:
		switch name {
		case "size":
			return intv(int64(len(m.keys))), nil
		case "isEmpty":
			return boolv(len(m.keys) == 0), nil
		case "keySet", "values", "entrySet":
			st.steps += len(m.keys)
		}
		switch name {
		case "keySet":
			l := st.newList(listArrayList)
			l.items = append(l.items, m.keys...)
			return listv(l), nil
		case "values":
			l := st.newList(listArrayList)
			l.items = append(l.items, m.vals...)
			return listv(l), nil
		case "entrySet":
			l := st.newList(listArrayList)
			for i := range m.keys {
				l.items = append(l.items, value{k: kObj, o: &mapEntry{m: m, key: m.keys[i]}})
			}
			return listv(l), nil
		case "clear":
			m.keys, m.vals = m.keys[:0], m.vals[:0]
			return null, nil
		}
	case 1:
		switch name {
		case "get":
			r, _ := m.get(args[0])
			return r, nil
		case "containsKey":
			return boolv(m.find(args[0]) >= 0), nil
		case "containsValue":
			for _, x := range m.vals {
				if javaEquals(x, args[0]) {
					return boolv(true), nil
				}
			}
			return boolv(false), nil
		case "remove":
			return m.remove(args[0]), nil
		case "putAll":
			if args[0].k == kMap {
				o := args[0].m
				for i := range o.keys {
					m.put(o.keys[i], o.vals[i])
				}
			}
			return null, nil
		}
	case 2:
		switch name {
		case "put":
			return m.put(args[0], args[1]), nil
		case "getOrDefault":
			if r, ok := m.get(args[0]); ok {
				return r, nil
			}
			return args[1], nil
		case "putIfAbsent":
			if r, ok := m.get(args[0]); ok && !r.isNull() {
				return r, nil
			}
			m.put(args[0], args[1])
			return null, nil
		}
	}
	r, _, err := st.commonMethod(v, name, args)
	return r, err
}

// mapEntry is a Map.Entry from entrySet().
type mapEntry struct {
	m   *vmap
	key value
}

func (e *mapEntry) prop(st *state, name string) (value, bool) {
	switch name {
	case "key":
		return e.key, true
	case "value":
		v, _ := e.m.get(e.key)
		return v, true
	}
	return null, false
}

func (e *mapEntry) call(st *state, name string, args []value) (value, bool, error) {
	if len(args) == 0 {
		switch name {
		case "getKey":
			return e.key, true, nil
		case "getValue":
			v, _ := e.m.get(e.key)
			return v, true, nil
		case "toString":
			b, err := e.render(st, st.scratch())
			return str(st.keep(b)), true, err
		}
	}
	return null, false, nil
}

func (e *mapEntry) render(st *state, b []byte) ([]byte, error) {
	b, err := st.appendString(b, e.key)
	if err != nil {
		return b, err
	}
	b = append(b, '=')
	v, _ := e.m.get(e.key)
	return st.appendString(b, v)
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
				l.items = l.items[:0]
			}
			return null, nil
		}
	case 1:
		a := args[0]
		switch name {
		case "get":
			if i, ok := intArg(a); ok {
				if i < 0 || i >= n {
					return null, fmt.Errorf("java.lang.IndexOutOfBoundsException: Index %d out of bounds for length %d", i, n)
				}
				return l.items[i], nil
			}
		case "contains", "indexOf", "lastIndexOf":
			idx := -1
			for i, x := range l.items {
				if javaEquals(x, a) {
					idx = i
					if name != "lastIndexOf" {
						break
					}
				}
			}
			if name == "contains" {
				return boolv(idx >= 0), nil
			}
			return intv(int64(idx)), nil
		case "add":
			if l.kind == listArray {
				return null, fmt.Errorf("java.lang.UnsupportedOperationException: add on an array")
			}
			if n >= MaxRange {
				return null, fmt.Errorf("list grows beyond %d elements", MaxRange)
			}
			l.items = append(l.items, a)
			return boolv(true), nil
		case "remove":
			if l.kind == listArray {
				return null, fmt.Errorf("java.lang.UnsupportedOperationException: remove on an array")
			}
			if i, ok := intArg(a); ok {
				if i < 0 || i >= n {
					return null, fmt.Errorf("java.lang.IndexOutOfBoundsException: Index %d out of bounds for length %d", i, n)
				}
				old := l.items[i]
				l.items = append(l.items[:i], l.items[i+1:]...)
				return old, nil
			}
			for i, x := range l.items {
				if javaEquals(x, a) {
					l.items = append(l.items[:i], l.items[i+1:]...)
					return boolv(true), nil
				}
			}
			return boolv(false), nil
		case "addAll":
			if a.k == kList && l.kind != listArray {
				if n+len(a.l.items) > MaxRange {
					return null, fmt.Errorf("list grows beyond %d elements", MaxRange)
				}
				l.items = append(l.items, a.l.items...)
				return boolv(len(a.l.items) > 0), nil
			}
		}
	case 2:
		if i, ok := intArg(args[0]); ok {
			switch name {
			case "set":
				if i < 0 || i >= n {
					return null, fmt.Errorf("java.lang.IndexOutOfBoundsException: Index %d out of bounds for length %d", i, n)
				}
				old := l.items[i]
				l.items[i] = args[1]
				return old, nil
			case "add":
				if l.kind == listArray {
					return null, fmt.Errorf("java.lang.UnsupportedOperationException: add on an array")
				}
				if i < 0 || i > n {
					return null, fmt.Errorf("java.lang.IndexOutOfBoundsException: Index: %d, Size: %d", i, n)
				}
				if n >= MaxRange {
					return null, fmt.Errorf("list grows beyond %d elements", MaxRange)
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
