package vtl

import (
	"math"
	"strconv"
	"strings"
)

// appendString appends v as Java's toString renders it, with null as
// the empty string: maps as {k=v}, ArrayLists as [a, b], JSON arrays as
// compact JSON. It pays for what it builds as it builds it and stops
// with a LimitError as soon as b would pass OutputSize or the budget
// runs out.
func (st *state) appendString(b []byte, v value) ([]byte, error) {
	return st.appendStringDepth(b, v, 0)
}

func (st *state) appendStringDepth(b []byte, v value, depth int) ([]byte, error) {
	if depth > st.lim.ExecDepth {
		return b, limitErr("ExecDepth", st.lim.ExecDepth, "values nested deeper than %d", st.lim.ExecDepth)
	}
	switch v.k {
	case kNull:
		return b, nil
	case kString, kBig:
		if err := st.grow(len(b), len(v.s)); err != nil {
			return b, err
		}
		return append(b, v.s...), nil
	case kInt:
		return strconv.AppendInt(b, v.n, 10), nil
	case kFloat:
		return appendJavaDouble(b, v.fl()), nil
	case kBool:
		if v.n != 0 {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case kMap:
		return st.appendMap(b, v, depth)
	case kList:
		if v.l.kind == listJSON {
			return st.appendJSON(b, v, depth)
		}
		return st.appendList(b, v, depth)
	case kObj:
		return v.o.render(st, b)
	}
	return b, nil
}

// appendMap appends a map as AbstractMap.toString does: {k=v, k2=v2}.
func (st *state) appendMap(b []byte, v value, depth int) ([]byte, error) {
	b = append(b, '{')
	for i := range v.m.keys {
		if err := st.charge(1); err != nil {
			return b, err
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		var err error
		if b, err = st.appendElem(b, v.m.keys[i], v, depth); err != nil {
			return b, err
		}
		b = append(b, '=')
		if b, err = st.appendElem(b, v.m.vals[i], v, depth); err != nil {
			return b, err
		}
	}
	return append(b, '}'), st.grow(len(b), 1)
}

// appendList appends a list as AbstractCollection.toString does: [a, b].
func (st *state) appendList(b []byte, v value, depth int) ([]byte, error) {
	b = append(b, '[')
	for i, x := range v.l.items {
		if err := st.charge(1); err != nil {
			return b, err
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		var err error
		if b, err = st.appendElem(b, x, v, depth); err != nil {
			return b, err
		}
	}
	return append(b, ']'), st.grow(len(b), 1)
}

// appendElem renders an element of a collection, where Java prints null
// as "null" and the collection itself as "(this Map)".
func (st *state) appendElem(b []byte, x, parent value, depth int) ([]byte, error) {
	switch {
	case x.k == kNull:
		return append(b, "null"...), nil
	case x.k == kMap && parent.k == kMap && x.m == parent.m:
		return append(b, "(this Map)"...), nil
	case x.k == kList && parent.k == kList && x.l == parent.l:
		return append(b, "(this Collection)"...), nil
	}
	return st.appendStringDepth(b, x, depth+1)
}

// appendJSON appends v as json-smart's JSONValue.toJSONString writes it:
// compact, keys in order, strings escaped with '/' as "\/". It pays and
// checks as appendString does.
func (st *state) appendJSON(b []byte, v value, depth int) ([]byte, error) {
	if depth > st.lim.ExecDepth {
		return b, limitErr("ExecDepth", st.lim.ExecDepth, "values nested deeper than %d", st.lim.ExecDepth)
	}
	switch v.k {
	case kNull:
		return append(b, "null"...), nil
	case kString:
		return st.appendJSONString(b, v.s)
	case kInt, kBool:
		return st.appendStringDepth(b, v, depth)
	case kBig:
		return append(b, v.s...), st.grow(len(b), 0)
	case kFloat:
		if math.IsNaN(v.fl()) || math.IsInf(v.fl(), 0) {
			return append(b, "null"...), nil
		}
		return appendJavaDouble(b, v.fl()), nil
	case kMap:
		return st.appendJSONObject(b, v, depth)
	case kList:
		b = append(b, '[')
		for i, x := range v.l.items {
			if err := st.charge(1); err != nil {
				return b, err
			}
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = st.appendJSON(b, x, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, ']'), st.grow(len(b), 1)
	}
	// An object: its rendering, as a JSON string.
	start := len(b)
	b, err := st.appendString(b, v)
	if err != nil {
		return b, err
	}
	s := strings.Clone(string(b[start:]))
	return st.appendJSONString(b[:start], s)
}

func (st *state) appendJSONObject(b []byte, v value, depth int) ([]byte, error) {
	b = append(b, '{')
	for i := range v.m.keys {
		if err := st.charge(1); err != nil {
			return b, err
		}
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if k := v.m.keys[i]; k.k == kString {
			b, err = st.appendJSONString(b, k.s)
		} else {
			// A key that is not a string is written as its toString.
			var ks string
			if ks, err = st.toString(k); err == nil {
				b, err = st.appendJSONString(b, ks)
			}
		}
		if err != nil {
			return b, err
		}
		b = append(b, ':')
		if b, err = st.appendJSON(b, v.m.vals[i], depth+1); err != nil {
			return b, err
		}
	}
	return append(b, '}'), st.grow(len(b), 1)
}

// appendJSONString appends s quoted, paying for it and checking the
// size against the longest it can become (six bytes a character).
func (st *state) appendJSONString(b []byte, s string) ([]byte, error) {
	if err := st.grow(len(b), len(s)+2); err != nil {
		return b, err
	}
	b = appendJSONString(b, s)
	return b, st.grow(len(b), 0)
}

// toString returns v rendered as a string (allocating if needed).
func (st *state) toString(v value) (string, error) {
	if v.k == kString {
		return v.s, nil
	}
	b, err := st.appendString(st.scratch(), v)
	if err != nil {
		st.drop()
		return "", err
	}
	return st.keep(b), nil
}

// appendJavaDouble appends f as Java's Double.toString does: integral
// values keep ".0", magnitudes outside [1e-3, 1e7) use E notation.
func appendJavaDouble(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		start := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		for i := start; i < len(b); i++ {
			if b[i] == '.' {
				return b
			}
		}
		return append(b, ".0"...)
	}
	// Shortest digits, then Java's d.dddE±n layout.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], abs, 'e', -1, 64) // d.ddde±xx
	mant, exp, _ := strings.Cut(string(e), "e")
	if f < 0 {
		b = append(b, '-')
	}
	b = append(b, mant...)
	if !strings.Contains(mant, ".") {
		b = append(b, ".0"...)
	}
	b = append(b, 'E')
	x, _ := strconv.Atoi(exp)
	return strconv.AppendInt(b, int64(x), 10)
}

const hexUpper = "0123456789ABCDEF"

// appendJSONString appends s quoted as json-smart's web-safe style does.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch r {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '/':
			b = append(b, '\\', '/')
		default:
			if r <= 0x1F || (r >= 0x7F && r <= 0x9F) || (r >= 0x2000 && r <= 0x20FF) {
				b = append(b, '\\', 'u', hexUpper[r>>12&0xF], hexUpper[r>>8&0xF], hexUpper[r>>4&0xF], hexUpper[r&0xF])
			} else {
				b = append(b, string(r)...)
			}
		}
	}
	return append(b, '"')
}
