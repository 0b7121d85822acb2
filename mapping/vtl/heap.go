package vtl

import (
	"unsafe"
)

// A heap is where one execution builds its values: strings in an arena,
// maps and lists from slabs reused across executions, all paid for from
// the execution's budget. Nothing built here may outlive the execution
// (what leaves it, the output and the overrides, is copied out).
type heap struct {
	budget
	lim *Limits

	// arena holds strings built during the execution; see scratch.
	arena []byte
	// open counts the scratch buffers in use; only the first is in the
	// arena.
	open int
	// slabs of maps and lists reused across executions.
	maps   []*vmap
	nmaps  int
	lists  []*vlist
	nlists int
}

// What a heap keeps for the next execution: beyond these sizes, one
// large execution does not make later ones hold its memory.
const (
	keepArena = 64 << 10 // bytes of arena
	keepSlab  = 1024     // maps or lists
	keepItems = 1024     // entries of one map or list
)

// reset empties the heap for the next execution.
func (h *heap) reset(lim *Limits) {
	for _, m := range h.maps[:h.nmaps] {
		m.clear()
	}
	h.maps = trimSlab(h.maps, func(m *vmap) bool { return cap(m.keys) <= keepItems })
	for _, l := range h.lists[:h.nlists] {
		clear(l.items)
		l.items = l.items[:0]
		l.kind = listArrayList
	}
	h.lists = trimSlab(h.lists, func(l *vlist) bool { return cap(l.items) <= keepItems })
	h.nmaps, h.nlists = 0, 0
	if cap(h.arena) > keepArena {
		h.arena = nil
	}
	h.arena, h.open = h.arena[:0], 0
	h.lim = lim
	h.budget = budget{maxSteps: lim.Steps}
}

// trimSlab keeps at most keepSlab elements that small reports true for.
func trimSlab[T any](s []T, small func(T) bool) []T {
	out := s[:0]
	for _, x := range s {
		if len(out) < keepSlab && small(x) {
			out = append(out, x)
		}
	}
	clear(s[len(out):])
	return out
}

// newMap returns an empty map, paying one step for it.
func (h *heap) newMap() (*vmap, error) {
	if err := h.charge(1); err != nil {
		return nil, err
	}
	if h.nmaps < len(h.maps) {
		m := h.maps[h.nmaps]
		h.nmaps++
		return m, nil
	}
	m := &vmap{}
	h.maps = append(h.maps, m)
	h.nmaps++
	return m, nil
}

// newList returns an empty list of the given kind, paying one step.
func (h *heap) newList(k listKind) (*vlist, error) {
	if err := h.charge(1); err != nil {
		return nil, err
	}
	var l *vlist
	if h.nlists < len(h.lists) {
		l = h.lists[h.nlists]
	} else {
		l = &vlist{}
		h.lists = append(h.lists, l)
	}
	h.nlists++
	l.kind = k
	return l, nil
}

// scratch returns an empty buffer to build a string in; keep turns it
// into a string that stays valid for the rest of the execution, and drop
// abandons it. Every scratch is ended by one keep or drop, in the
// reverse order of the scratch calls. Strings live in an arena that the
// next execution reuses; a buffer opened while another is in use starts
// empty, outside the arena.
func (h *heap) scratch() []byte {
	h.open++
	if h.open > 1 {
		return nil
	}
	if cap(h.arena)-len(h.arena) < 256 {
		n := 2 * cap(h.arena)
		if n < 4096 {
			n = 4096
		}
		h.arena = make([]byte, 0, n)
	}
	return h.arena[len(h.arena):len(h.arena)]
}

// keep ends the use of a scratch buffer and returns its bytes as a
// string.
func (h *heap) keep(b []byte) string {
	h.end()
	if len(b) == 0 {
		return ""
	}
	a := h.arena
	if cap(a) > len(a) && unsafe.SliceData(b) == unsafe.SliceData(a[len(a):cap(a)]) && len(b) <= cap(a)-len(a) {
		h.arena = a[:len(a)+len(b)]
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// drop ends the use of a scratch buffer whose bytes are not kept.
func (h *heap) drop() { h.end() }

func (h *heap) end() {
	if h.open > 0 {
		h.open--
	}
}

// grow pays for n bytes about to be added to a buffer that holds have
// bytes, and checks that the buffer stays within OutputSize.
func (h *heap) grow(have, n int) error {
	if have+n > h.lim.OutputSize {
		return limitErr("OutputSize", h.lim.OutputSize, "string or output of more than %d bytes", h.lim.OutputSize)
	}
	if n < bytesPerStep {
		return nil // paid for by the step of the operation that adds it
	}
	return h.chargeBytes(n)
}

// equals is Object.equals: values of different Java classes are never
// equal (numbers included). It pays one step for each element compared
// and stops, reporting false, when the budget or the nesting depth runs
// out; callers then find the budget spent.
func (h *heap) equals(a, b value) bool {
	return h.equalsDepth(a, b, 0)
}

func (h *heap) equalsDepth(a, b value, depth int) bool {
	if a.k != b.k || depth > h.lim.ExecDepth {
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
		return a.fl() == b.fl() || (a.fl() != a.fl() && b.fl() != b.fl())
	case kMap:
		if a.m == b.m {
			return true
		}
		if len(a.m.keys) != len(b.m.keys) {
			return false
		}
		for i, k := range a.m.keys {
			if h.charge(1) != nil {
				return false
			}
			v, ok := b.m.get(k, h)
			if !ok || !h.equalsDepth(a.m.vals[i], v, depth+1) {
				return false
			}
		}
		return true
	case kList:
		if a.l == b.l {
			return true
		}
		if a.l.kind == listArray || b.l.kind == listArray || len(a.l.items) != len(b.l.items) {
			return false
		}
		for i := range a.l.items {
			if h.charge(1) != nil || !h.equalsDepth(a.l.items[i], b.l.items[i], depth+1) {
				return false
			}
		}
		return true
	case kObj:
		return a.o == b.o
	}
	return false
}

// spent returns the budget's error when it has run out.
func (h *heap) spent() error {
	if h.steps > h.maxSteps {
		return h.charge(0)
	}
	return nil
}
