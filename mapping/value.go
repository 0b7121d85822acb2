package mapping

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// kind is the Java type a value stands for.
type kind uint8

const (
	kNull   kind = iota
	kString      // java.lang.String
	kInt         // java.lang.Integer / Long
	kFloat       // java.lang.Double
	kBool        // java.lang.Boolean
	kMap         // java.util.LinkedHashMap (JSON objects, map literals)
	kList        // java.util.ArrayList, JSON array or String[]
	kObj         // $input, $util, $foreach, #define blocks
	kBig         // java.math.BigInteger or BigDecimal; s holds its toString
)

// A value is a template value. It is a small struct rather than an
// interface so that strings and numbers do not allocate.
type value struct {
	k kind
	s string
	n int64 // kInt, kBool (0/1), kFloat (IEEE 754 bits)
	m *vmap
	l *vlist
	o object
}

var null = value{}

func str(s string) value     { return value{k: kString, s: s} }
func intv(n int64) value     { return value{k: kInt, n: n} }
func floatv(f float64) value { return value{k: kFloat, n: int64(math.Float64bits(f))} }

// fl returns a kFloat value's number.
func (v value) fl() float64 { return math.Float64frombits(uint64(v.n)) }
func boolv(b bool) value {
	if b {
		return value{k: kBool, n: 1}
	}
	return value{k: kBool}
}
func mapv(m *vmap) value   { return value{k: kMap, m: m} }
func listv(l *vlist) value { return value{k: kList, l: l} }

func (v value) isNull() bool { return v.k == kNull }

// listKind tells ArrayList (renders [a, b]), JSON arrays (render as
// compact JSON) and String[] apart.
type listKind uint8

const (
	listArrayList listKind = iota
	listJSON
	listArray
)

// vlist is a list value.
type vlist struct {
	kind  listKind
	items []value
}

// vmap is an insertion-ordered map (java.util.LinkedHashMap).
type vmap struct {
	keys []value
	vals []value
}

func (m *vmap) find(k value) int {
	for i := range m.keys {
		if javaEquals(m.keys[i], k) {
			return i
		}
	}
	return -1
}

func (m *vmap) findString(k string) int {
	for i := range m.keys {
		if m.keys[i].k == kString && m.keys[i].s == k {
			return i
		}
	}
	return -1
}

func (m *vmap) get(k value) (value, bool) {
	if i := m.find(k); i >= 0 {
		return m.vals[i], true
	}
	return null, false
}

// put sets k to v and returns the previous value (null if none).
func (m *vmap) put(k, v value) value {
	if i := m.find(k); i >= 0 {
		old := m.vals[i]
		m.vals[i] = v
		return old
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	return null
}

func (m *vmap) remove(k value) value {
	i := m.find(k)
	if i < 0 {
		return null
	}
	old := m.vals[i]
	m.keys = append(m.keys[:i], m.keys[i+1:]...)
	m.vals = append(m.vals[:i], m.vals[i+1:]...)
	return old
}

// An object is a value with Java-style properties and methods that is not
// a string, number, map or list: $input, $util, $foreach.
type object interface {
	// prop returns the value of .name.
	prop(st *state, name string) (value, bool)
	// call runs .name(args); ok is false when there is no such method.
	call(st *state, name string, args []value) (v value, ok bool, err error)
	// render writes the object as the template renders it.
	render(st *state, b []byte) ([]byte, error)
}

// javaEquals is Object.equals between two values of the same kind
// (numbers of different Java classes are never equal).
func javaEquals(a, b value) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case kNull:
		return true
	case kString, kBig:
		return a.s == b.s
	case kInt, kBool:
		return a.n == b.n
	case kFloat:
		return a.fl() == b.fl() || (math.IsNaN(a.fl()) && math.IsNaN(b.fl()))
	case kMap:
		if a.m == b.m {
			return true
		}
		if len(a.m.keys) != len(b.m.keys) {
			return false
		}
		for i, k := range a.m.keys {
			v, ok := b.m.get(k)
			if !ok || !javaEquals(a.m.vals[i], v) {
				return false
			}
		}
		return true
	case kList:
		if a.l == b.l {
			return true
		}
		if a.l.kind == listArray || b.l.kind == listArray {
			return false
		}
		if len(a.l.items) != len(b.l.items) {
			return false
		}
		for i := range a.l.items {
			if !javaEquals(a.l.items[i], b.l.items[i]) {
				return false
			}
		}
		return true
	case kObj:
		return a.o == b.o
	}
	return false
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

// appendString appends v as Java's toString renders it, with null as
// the empty string. Maps render as {k=v}, ArrayLists as [a, b], JSON
// arrays as compact JSON.
func (st *state) appendString(b []byte, v value) ([]byte, error) {
	return st.appendStringDepth(b, v, 0, nil)
}

func (st *state) appendStringDepth(b []byte, v value, depth int, self any) ([]byte, error) {
	if depth > MaxExecDepth {
		return b, errTooDeep
	}
	switch v.k {
	case kNull:
		return b, nil
	case kString, kBig:
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
		b = append(b, '{')
		for i := range v.m.keys {
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
		return append(b, '}'), nil
	case kList:
		switch v.l.kind {
		case listJSON:
			return st.appendJSON(b, v, depth)
		}
		b = append(b, '[')
		for i, x := range v.l.items {
			if i > 0 {
				b = append(b, ", "...)
			}
			var err error
			if b, err = st.appendElem(b, x, v, depth); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case kObj:
		return v.o.render(st, b)
	}
	return b, nil
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
	return st.appendStringDepth(b, x, depth+1, nil)
}

// appendJSON appends v as json-smart's JSONValue.toJSONString writes it:
// compact, keys in order, strings escaped with '/' as "\/".
func (st *state) appendJSON(b []byte, v value, depth int) ([]byte, error) {
	if depth > MaxExecDepth {
		return b, errTooDeep
	}
	switch v.k {
	case kNull:
		return append(b, "null"...), nil
	case kString:
		return appendJSONString(b, v.s), nil
	case kInt, kBool:
		return st.appendStringDepth(b, v, depth, nil)
	case kBig:
		return append(b, v.s...), nil
	case kFloat:
		if math.IsNaN(v.fl()) || math.IsInf(v.fl(), 0) {
			return append(b, "null"...), nil
		}
		return appendJavaDouble(b, v.fl()), nil
	case kMap:
		b = append(b, '{')
		for i := range v.m.keys {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if v.m.keys[i].k == kString {
				b = appendJSONString(b, v.m.keys[i].s)
			} else {
				ks, err := st.appendString(nil, v.m.keys[i])
				if err != nil {
					return b, err
				}
				b = appendJSONString(b, string(ks))
			}
			b = append(b, ':')
			if b, err = st.appendJSON(b, v.m.vals[i], depth+1); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case kList:
		b = append(b, '[')
		for i, x := range v.l.items {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = st.appendJSON(b, x, depth+1); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	}
	s, err := st.appendString(nil, v)
	if err != nil {
		return b, err
	}
	return appendJSONString(b, string(s)), nil
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

// toString returns v rendered as a string (allocating if needed).
func (st *state) toString(v value) (string, error) {
	if v.k == kString {
		return v.s, nil
	}
	b, err := st.appendString(st.scratch(), v)
	return st.keep(b), err
}

// truthy is Velocity 1.7's #if test: null is false, a Boolean is its
// value, anything else is true.
func truthy(v value) bool {
	switch v.k {
	case kNull:
		return false
	case kBool:
		return v.n != 0
	}
	return true
}

// number reports whether v is numeric and returns it as a float and, for
// integers, as an int.
func isNumber(v value) bool { return v.k == kInt || v.k == kFloat || v.k == kBig }

func asFloat(v value) float64 {
	if v.k == kInt {
		return float64(v.n)
	}
	if v.k == kBig {
		f, _ := strconv.ParseFloat(v.s, 64)
		return f
	}
	return v.fl()
}

// compareEq is Velocity 1.7's ==, with API Gateway's rule that null
// equals "" and null.
func (st *state) compareEq(a, b value) (bool, error) {
	if a.k == kNull {
		a = str("")
	}
	if b.k == kNull {
		b = str("")
	}
	if isNumber(a) && isNumber(b) {
		if a.k == kInt && b.k == kInt {
			return a.n == b.n, nil
		}
		if x, y, ok := bigInts(a, b); ok {
			return x.Cmp(y) == 0, nil
		}
		return asFloat(a) == asFloat(b), nil
	}
	if a.k == b.k && a.k != kObj {
		return javaEquals(a, b), nil
	}
	// Different classes: compare the toString() forms.
	as, err := st.toString(a)
	if err != nil {
		return false, err
	}
	bs, err := st.toString(b)
	if err != nil {
		return false, err
	}
	return as == bs, nil
}

// compareOrder is Velocity 1.7's < > <= >=: numbers only; anything else
// compares false.
func compareOrder(op string, a, b value) bool {
	if !isNumber(a) || !isNumber(b) {
		return false
	}
	var c int
	if x, y, ok := bigInts(a, b); ok && (a.k == kBig || b.k == kBig) {
		c = x.Cmp(y)
	} else if a.k == kInt && b.k == kInt {
		switch {
		case a.n < b.n:
			c = -1
		case a.n > b.n:
			c = 1
		}
	} else {
		x, y := asFloat(a), asFloat(b)
		switch {
		case x < y:
			c = -1
		case x > y:
			c = 1
		}
	}
	switch op {
	case "<":
		return c < 0
	case ">":
		return c > 0
	case "<=":
		return c <= 0
	}
	return c >= 0
}

// arith is Velocity 1.7's + - * / %: integers stay integers (widening
// to double on overflow), division by zero is null, and + with a string
// operand concatenates.
func (st *state) arith(op string, a, b value) (value, error) {
	if op == "+" && (a.k == kString || b.k == kString) {
		if a.k == kNull || b.k == kNull {
			return null, nil
		}
		buf := st.scratch()
		buf, err := st.appendString(buf, a)
		if err != nil {
			return null, err
		}
		buf, err = st.appendString(buf, b)
		if err != nil {
			return null, err
		}
		if err := st.checkSize(len(buf)); err != nil {
			return null, err
		}
		return str(st.keep(buf)), nil
	}
	if !isNumber(a) || !isNumber(b) {
		return null, nil
	}
	if a.k == kInt && b.k == kInt {
		x, y := a.n, b.n
		switch op {
		case "+":
			r := x + y
			if (r > x) == (y > 0) {
				return intv(r), nil
			}
		case "-":
			r := x - y
			if (r < x) == (y > 0) {
				return intv(r), nil
			}
		case "*":
			if x == 0 || y == 0 {
				return intv(0), nil
			}
			r := x * y
			if r/y == x && !(x == -1 && y == math.MinInt64) && !(y == -1 && x == math.MinInt64) {
				return intv(r), nil
			}
		case "/":
			if y == 0 {
				return null, nil
			}
			if !(x == math.MinInt64 && y == -1) {
				return intv(x / y), nil
			}
		case "%":
			if y == 0 {
				return null, nil
			}
			if y == -1 {
				return intv(0), nil
			}
			return intv(x % y), nil
		}
	}
	// Integers that overflow a long continue as BigIntegers, as in
	// Velocity.
	if bx, by, ok := bigInts(a, b); ok {
		r := new(big.Int)
		switch op {
		case "+":
			r.Add(bx, by)
		case "-":
			r.Sub(bx, by)
		case "*":
			r.Mul(bx, by)
		case "/", "%":
			if by.Sign() == 0 {
				return null, nil
			}
			if op == "/" {
				r.Quo(bx, by)
			} else {
				r.Rem(bx, by)
			}
		}
		if r.BitLen() > 64*1024 {
			return null, fmt.Errorf("integer result too large")
		}
		return bigv(r), nil
	}
	x, y := asFloat(a), asFloat(b)
	switch op {
	case "+":
		return floatv(x + y), nil
	case "-":
		return floatv(x - y), nil
	case "*":
		return floatv(x * y), nil
	case "/":
		if y == 0 {
			return null, nil
		}
		return floatv(x / y), nil
	case "%":
		if y == 0 {
			return null, nil
		}
		return floatv(math.Mod(x, y)), nil
	}
	return null, nil
}

// bigv returns r as an Integer/Long when it fits, else a BigInteger.
func bigv(r *big.Int) value {
	if r.IsInt64() {
		return intv(r.Int64())
	}
	return value{k: kBig, s: r.String()}
}

// bigInts returns a and b as big integers when both are integral.
func bigInts(a, b value) (*big.Int, *big.Int, bool) {
	x, ok1 := bigInt(a)
	y, ok2 := bigInt(b)
	return x, y, ok1 && ok2
}

func bigInt(v value) (*big.Int, bool) {
	switch v.k {
	case kInt:
		return big.NewInt(v.n), true
	case kBig:
		return new(big.Int).SetString(v.s, 10)
	}
	return nil, false
}

// bigDecimalString returns what java.math.BigDecimal's toString gives for
// the decimal literal t (json-smart parses long decimals as BigDecimal).
func bigDecimalString(t string) string {
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	mant, exp, _ := strings.Cut(strings.ToLower(t), "e")
	e := 0
	if exp != "" {
		e, _ = strconv.Atoi(exp)
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := len(frac) - e
	if digits == "" {
		digits = "0"
	}
	adjusted := -scale + len(digits) - 1
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if scale >= 0 && adjusted >= -6 {
		if scale == 0 {
			b.WriteString(digits)
		} else if len(digits) > scale {
			b.WriteString(digits[:len(digits)-scale])
			b.WriteByte('.')
			b.WriteString(digits[len(digits)-scale:])
		} else {
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", scale-len(digits)))
			b.WriteString(digits)
		}
		return b.String()
	}
	b.WriteByte(digits[0])
	if len(digits) > 1 {
		b.WriteByte('.')
		b.WriteString(digits[1:])
	}
	b.WriteByte('E')
	if adjusted >= 0 {
		b.WriteByte('+')
	}
	b.WriteString(strconv.Itoa(adjusted))
	return b.String()
}
