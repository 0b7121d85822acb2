package vtl

import (
	"math"
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

// vmap is an insertion-ordered map (java.util.LinkedHashMap). Keys that
// are strings, numbers, booleans or null are found through an index once
// the map has more than a few, so building a map of n keys is O(n); keys
// that are maps, lists or objects (which templates rarely use as keys)
// are compared one by one.
type vmap struct {
	keys []value
	vals []value
	// idx maps a scalar key to its position; nil while the map is small.
	idx map[scalarKey]int
	// composite counts the keys that are maps, lists or objects.
	composite int
	// probes counts the keys compared one by one, for tests of the
	// cost of finding keys.
	probes int
}

// smallMap is the size up to which a map finds keys by scanning.
const smallMap = 8

// scalarKey is a key as Java's equals sees it, for the index.
type scalarKey struct {
	k kind
	s string
	n int64
}

// keyOf returns the index key of v, or false for a composite value.
func keyOf(v value) (scalarKey, bool) {
	switch v.k {
	case kNull:
		return scalarKey{}, true
	case kString, kBig:
		return scalarKey{k: v.k, s: v.s}, true
	case kInt, kBool:
		return scalarKey{k: v.k, n: v.n}, true
	case kFloat:
		// One key for the values equals treats as equal: all NaNs, and
		// 0.0 with -0.0.
		f := v.fl()
		switch {
		case f != f:
			f = math.NaN()
		case f == 0:
			f = 0
		}
		return scalarKey{k: kFloat, n: int64(math.Float64bits(f))}, true
	}
	return scalarKey{}, false
}

// find returns the position of k, or -1; h compares composite keys.
func (m *vmap) find(k value, h *heap) int {
	if m.idx == nil && k.k == kString {
		m.probes += len(m.keys)
		for i := range m.keys {
			if m.keys[i].k == kString && m.keys[i].s == k.s {
				return i
			}
		}
		return -1
	}
	sk, scalar := keyOf(k)
	if scalar && m.idx != nil {
		if i, ok := m.idx[sk]; ok {
			return i
		}
		return -1
	}
	m.probes += len(m.keys)
	if scalar {
		for i := range m.keys {
			if ki, ok := keyOf(m.keys[i]); ok && ki == sk {
				return i
			}
		}
		return -1
	}
	if m.composite == 0 {
		return -1
	}
	for i := range m.keys {
		if isComposite(m.keys[i]) && h != nil && h.equals(m.keys[i], k) {
			return i
		}
	}
	return -1
}

// isComposite reports whether v is a map, list or object.
func isComposite(v value) bool { return v.k == kMap || v.k == kList || v.k == kObj }

// findString returns the position of the string key k, or -1.
func (m *vmap) findString(k string) int {
	return m.find(str(k), nil)
}

// get returns the value of k.
func (m *vmap) get(k value, h *heap) (value, bool) {
	if i := m.find(k, h); i >= 0 {
		return m.vals[i], true
	}
	return null, false
}

// put sets k to v and returns the previous value (null if none).
func (m *vmap) put(k, v value, h *heap) value {
	if i := m.find(k, h); i >= 0 {
		old := m.vals[i]
		m.vals[i] = v
		return old
	}
	m.add(k, v)
	return null
}

// add appends k, which the map does not hold.
func (m *vmap) add(k, v value) {
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	switch {
	case isComposite(k):
		m.composite++
	case m.idx != nil:
		sk, _ := keyOf(k)
		m.idx[sk] = len(m.keys) - 1
	case len(m.keys) > smallMap:
		m.reindex()
	}
}

// reindex rebuilds the index of scalar keys.
func (m *vmap) reindex() {
	if m.idx == nil {
		m.idx = make(map[scalarKey]int, 2*len(m.keys))
	} else {
		clear(m.idx)
	}
	for i, k := range m.keys {
		if sk, ok := keyOf(k); ok {
			m.idx[sk] = i
		}
	}
}

// remove deletes k and returns its value (null if none). It costs time
// proportional to the map's size, which callers charge.
func (m *vmap) remove(k value, h *heap) value {
	i := m.find(k, h)
	if i < 0 {
		return null
	}
	old := m.vals[i]
	if isComposite(m.keys[i]) {
		m.composite--
	}
	m.keys = append(m.keys[:i], m.keys[i+1:]...)
	m.vals = append(m.vals[:i], m.vals[i+1:]...)
	if m.idx != nil {
		m.reindex()
	}
	return old
}

// clear empties the map, keeping its storage.
func (m *vmap) clear() {
	clear(m.keys)
	clear(m.vals)
	m.keys, m.vals = m.keys[:0], m.vals[:0]
	if m.idx != nil {
		clear(m.idx)
		m.idx = nil
	}
	m.composite, m.probes = 0, 0
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

// truthy is Velocity 1.7's test of a reference in #if: null is false, a
// Boolean is its value, anything else is true.
func truthy(v value) bool {
	switch v.k {
	case kNull:
		return false
	case kBool:
		return v.n != 0
	}
	return true
}
