package route

import (
	"math/bits"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
)

// An entry is one registered route: its pattern and its handler with the
// middleware already applied.
type entry struct {
	// The fields Serve reads come first.
	key string // pat.key, here to save a load on the hot path
	// fn is h when h is a HandlerFunc, as routes registered with
	// HandleFunc and without middleware are: calling it directly saves
	// a call per request.
	fn     handler.Func
	params []string // pat.params
	h      handler.Handler
	path   string // pat.path
	pat    *pattern
	// own holds pat for routes registered with a route key, so that one
	// allocation serves both.
	own pattern
}

func newEntry(pat *pattern, h handler.Handler) *entry {
	e := &entry{key: pat.key, path: pat.path, params: pat.params, h: h, pat: pat}
	e.fn, _ = h.(handler.Func)
	return e
}

// A leaf holds the routes that share one path shape, one per method
// (index mANY for ANY).
type leaf struct {
	methods [mOther]*entry
}

// pick returns the route of the leaf that takes method mi: the exact method
// first, then ANY. anyTakesOther says whether ANY also takes methods
// outside the supported seven.
func (l *leaf) pick(mi int, anyTakesOther bool) *entry {
	if l == nil {
		return nil
	}
	if mi < mANY {
		if e := l.methods[mi]; e != nil {
			return e
		}
	} else if !anyTakesOther {
		return nil
	}
	return l.methods[mANY]
}

// A node is one position in the route tree. The tree is keyed by path
// shape: the variable names are on the routes, not on the nodes.
//
// A node has any number of literal children (edges), at most one variable
// child and at most one set of greedy routes. The fields the matchers read
// come first, so that a node's hot part fits in one cache line.
type node struct {
	// hasFull and hasGreedy report whether the subtree rooted here holds a
	// route ending at a node (full) or in a greedy variable, for pruning;
	// paramFull and paramGreedy say the same of the variable child, so
	// that the matchers need not load it to know.
	hasFull, hasGreedy     bool
	paramFull, paramGreedy bool

	// The edges are in a hash table keyed by the first 8 bytes of
	// "label/" (see edge): the slot of key is table[key*mul>>shift]. The
	// table has 4 slots or more per edge, and mul is chosen at
	// registration, among a fixed sequence of candidates, to give each
	// edge its own slot, so that a segment's child is almost always found
	// with one multiplication and one load. Edges whose slot is taken
	// (labels sharing their first 8 bytes always are) follow the table,
	// chained from their slot through next.
	shift  uint8
	mul    uint64
	table  []edge
	param  *node
	greedy *leaf // routes whose greedy variable starts after this node
	edges  int   // the number of edges in table

	// The fields above are those a matcher reads at every node (and
	// edges, which registration alone reads, filling the line): they fill
	// the first 64 bytes, one cache line, as nodes are 128 bytes and so
	// aligned to 128. The second line holds the routes that end here.
	// What registration alone needs (the variable names REST checks) is
	// kept on the router, not here, to keep nodes to two lines.

	leaf leaf // routes whose path ends at this node
}

// An edge leads from a node to a literal child. A free slot of a node's
// table has a nil n and the key noKey.
type edge struct {
	// key holds the first 8 bytes of "label/", little-endian, zero past
	// the '/', which is the first segment of a path cut after its first
	// '/' (see cutWord) when the label is shorter than 8 bytes: then
	// equal keys mean equal labels. A longer label has its last 8 bytes
	// in tail, and the bytes between the two words, when it is longer
	// than 16, compared as words too.
	key   uint64
	tail  uint64
	label string
	n     *node
	next  uint32 // 1 + index in the table of the next edge of this slot's chain, or 0
}

// noKey is the key of a free slot: 8 '/' bytes, which no segment's word
// cut after its first '/' can be, as segments are not empty.
const noKey = slashes

// Word constants: the byte 0x01, the top bit and '/' in every byte.
const (
	ones    = 0x0101010101010101
	highs   = 0x8080808080808080
	slashes = 0x2f2f2f2f2f2f2f2f
)

func newEdge(label string, n *node) edge {
	e := edge{label: label, n: n}
	for i := 0; i < 8 && i <= len(label); i++ {
		c := byte('/')
		if i < len(label) {
			c = label[i]
		}
		e.key |= uint64(c) << (8 * i)
	}
	if len(label) >= 8 {
		e.tail = word(label, len(label)-8)
	}
	return e
}

// word returns the 8 bytes of p from index i, little-endian, as one load.
func word(p string, i int) uint64 {
	b := p[i:]
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// wordAfter returns the 8 bytes of s after index i, little-endian, padded
// with '/' past the end of s: the '/' after a last segment stands for the
// end of the path.
func wordAfter(s string, i int) uint64 {
	if len(s)-i > 8 {
		return word(s, i+1)
	}
	if len(s) >= 8 {
		r := uint(len(s)-1-i) & 7 // bytes left after s[i], 0 to 7
		return word(s, len(s)-8)>>8>>(56-8*r) | slashes<<(8*r)
	}
	w := uint64(slashes)
	for j := len(s) - 1; j > i; j-- {
		w = w<<8 | uint64(s[j])
	}
	return w
}

// slashBits returns a word whose lowest set bit is the top bit of the
// first '/' byte of w, or 0 when w has none.
func slashBits(w uint64) uint64 {
	x := w ^ slashes
	return (x - ones) &^ x & highs
}

// cutWord returns w with the bytes after its first '/' cleared; t is
// slashBits(w). A w without '/' is returned whole. (t^(t-1) has the bits
// up to t's lowest set, the top bit of the first '/' byte.)
func cutWord(w, t uint64) uint64 {
	return w & (t ^ (t - 1))
}

// longIs reports whether the segment s[i+1:end] is e's label, of 8 bytes
// or more, the first 8 being known to match.
func (e *edge) longIs(s string, i, end int) bool {
	if len(e.label) != end-i-1 || word(s, end-8) != e.tail {
		return false
	}
	for j := 8; j < len(e.label)-8; j += 8 {
		if word(s, i+1+j) != word(e.label, j) {
			return false
		}
	}
	return true
}

// slot returns the table slot of key; the node has edges.
func (n *node) slot(key uint64) *edge {
	return &n.table[n.slotIndex(key)]
}

// slotIndex returns the index in the table of the slot of key.
func (n *node) slotIndex(key uint64) uint64 {
	return (key * n.mul) >> (n.shift & 63)
}

// child returns the static child labelled seg, or nil.
func (n *node) child(seg string) *node {
	if len(n.table) == 0 {
		return nil
	}
	for e := n.slot(newEdge(seg, nil).key); ; e = &n.table[e.next-1] {
		if e.n != nil && e.label == seg {
			return e.n
		}
		if e.next == 0 {
			return nil
		}
	}
}

// literal returns the edge whose label is the segment s[i+1:end], sw
// being the word after s[i] cut after its first '/', or nil. The node has
// edges.
func (n *node) literal(s string, i, end int, sw uint64) *edge {
	for e := n.slot(sw); ; e = &n.table[e.next-1] {
		if e.key == sw && (len(e.label) < 8 || e.longIs(s, i, end)) {
			return e
		}
		if e.next == 0 {
			return nil
		}
	}
}

// next returns the static child whose label is the first segment of p,
// which begins with '/' and has a second byte, and the rest of p after
// that segment, which it finds from p alone, as matchFull does.
func (n *node) next(p string) (*node, string) {
	if len(n.table) == 0 {
		return nil, ""
	}
	w := wordAfter(p, 0)
	t := slashBits(w)
	if t&0x80 != 0 {
		return nil, "" // an empty segment
	}
	end := 1 + bits.TrailingZeros64(t)>>3
	if t == 0 {
		end = segEndFrom(p, 9)
	}
	sw := cutWord(w, t)
	// n.literal, written out: the call costs REST matching about 5%.
	for e := n.slot(sw); ; e = &n.table[e.next-1] {
		if e.key == sw && (len(e.label) < 8 || e.longIs(p, 0, end)) {
			return e.n, p[end:]
		}
		if e.next == 0 {
			return nil, ""
		}
	}
}

// addChild returns the static child labelled seg, creating it if needed.
// The new edge takes its free slot while the table has 4 slots per edge;
// otherwise the table is built anew, doubling when full. Past 256 edges,
// a taken slot chains the new edge instead, so that registering many
// siblings stays linear in practice.
func (n *node) addChild(seg string) *node {
	if c := n.child(seg); c != nil {
		return c
	}
	c := &node{}
	e := newEdge(seg, c)
	if len(n.table) != 0 && 4*(n.edges+1) <= 1<<(64-n.shift) {
		s := n.slot(e.key)
		if s.n == nil {
			*s = e
			n.edges++
			return c
		}
		if n.edges >= 256 {
			n.chain(e)
			n.edges++
			return c
		}
	}
	var buf [32]edge
	es := append(buf[:0], e)
	for _, e := range n.table {
		if e.n != nil {
			e.next = 0
			es = append(es, e)
		}
	}
	n.build(es)
	return c
}

// chain appends e to the table, at the end of the chain of its slot.
func (n *node) chain(e edge) {
	e.next = 0
	n.table = append(n.table, e)
	j := n.slotIndex(e.key)
	for n.table[j].next != 0 {
		j = uint64(n.table[j].next - 1)
	}
	n.table[j].next = uint32(len(n.table))
}

// build makes n's table for the edges es.
func (n *node) build(es []edge) {
	bits := 2
	for 1<<bits < 4*len(es) {
		bits++
	}
	size := 1 << bits
	shift := uint8(64 - bits)
	// Try multipliers from a fixed sequence (splitmix64), keeping the one
	// that leaves the fewest edges out of their slot (labels that share
	// their first 8 bytes always are). Larger nodes try fewer, to keep
	// registration fast.
	tries := 32
	switch {
	case len(es) > 256:
		tries = 1
	case len(es) > 64:
		tries = 4
	}
	var small [16]uint64 // a bit per slot, for tables of up to 1024 slots
	used := small[:]
	if size > 64*len(small) {
		used = make([]uint64, size/64)
	}
	var best uint64
	bestOut := -1
	for try := range tries {
		z := uint64(try+1) * 0x9e3779b97f4a7c15
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		mul := (z ^ z>>31) | 1
		clear(used)
		out := 0
		for _, e := range es {
			h := (e.key * mul) >> shift
			if used[h/64]&(1<<(h%64)) != 0 {
				out++
			}
			used[h/64] |= 1 << (h % 64)
		}
		if bestOut < 0 || out < bestOut {
			best, bestOut = mul, out
		}
		if out == 0 {
			break
		}
	}
	if cap(n.table) >= size+bestOut && len(n.table) >= size {
		// A rebuild after a collision: the old table, whose edges are in
		// es, has room.
		n.table = n.table[:size]
		clear(n.table)
	} else {
		n.table = make([]edge, size, size+bestOut)
	}
	n.mul, n.shift, n.edges = best, shift, len(es)
	for i := range n.table {
		n.table[i].key = noKey
	}
	for _, e := range es {
		if s := n.slot(e.key); s.n == nil {
			*s = e
		} else {
			n.chain(e)
		}
	}
}

// insert creates the nodes for the path shape of segs as needed and
// returns the leaf where a route with those segments goes: the leaf of
// the last node, or for a greedy route the greedy leaf of the node before
// the greedy variable.
func (n *node) insert(segs []segment) *leaf {
	greedyRoute := len(segs) > 0 && segs[len(segs)-1].kind == greedy
	cur := n
	for _, s := range segs {
		if greedyRoute {
			cur.hasGreedy = true
		} else {
			cur.hasFull = true
		}
		switch s.kind {
		case literal:
			cur = cur.addChild(s.s)
		case param:
			if cur.param == nil {
				cur.param = &node{}
			}
			if greedyRoute {
				cur.paramGreedy = true
			} else {
				cur.paramFull = true
			}
			cur = cur.param
		case greedy:
			if cur.greedy == nil {
				cur.greedy = new(leaf)
			}
			return cur.greedy
		}
	}
	cur.hasFull = true
	return &cur.leaf
}

// split returns the first segment of p, which begins with '/', and the
// rest of p, which is empty or begins with '/'. Segments are short, so a
// plain loop beats strings.IndexByte here.
func split(p string) (seg, rest string) {
	for i := 1; i < len(p); i++ {
		if p[i] == '/' {
			return p[1:i], p[i:]
		}
	}
	return p[1:], ""
}

// skip returns p without its first segment, and whether that segment was
// non-empty.
func skip(p string) (rest string, nonEmpty bool) {
	for i := 1; i < len(p); i++ {
		if p[i] == '/' {
			return p[i:], i > 1
		}
	}
	return "", len(p) > 1
}

// maxCaptures is the number of path parameter values a match records as
// it goes; routes with more have theirs found again after the match.
const maxCaptures = 8

// captures holds the values of the variables a match took, in order.
type captures [maxCaptures]string

// segEndFrom returns the index of the first '/' in s from index i, or
// len(s). It tests 8 bytes at a time while it can.
func segEndFrom(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if t := slashBits(word(s, i)); t != 0 {
			return i + bits.TrailingZeros64(t)>>3
		}
	}
	for i < len(s) && s[i] != '/' {
		i++
	}
	return i
}

// matchFull finds the best route whose path ends at a node (no greedy
// variable), HTTP API precedence: depth first, literal before variable,
// so the first route found has the most literal segments from the left.
// s[i:] is what is left of the path: empty or beginning with '/'. The
// values of the variables are recorded in vs from index k.
//
// Each step reads the 8 bytes after the '/' once: cut after their first
// '/', they are the key of the literal child, and that '/' ends a
// variable's value. The loop makes no call but in tail position, where
// nothing need be kept: a node with both literal children and a variable
// child, where the search may have to come back, is left to matchMixed.
func (n *node) matchFull(s string, i, mi int, vs *captures, k int) *entry {
walk:
	for i < len(s) {
		// wordAfter, written out: too big to be inlined.
		var w uint64
		switch {
		case len(s)-i > 8:
			w = word(s, i+1)
		case len(s) >= 8:
			r := uint(len(s)-1-i) & 7
			w = word(s, len(s)-8)>>8>>(56-8*r) | slashes<<(8*r)
		default:
			w = slashes
			for j := len(s) - 1; j > i; j-- {
				w = w<<8 | uint64(s[j])
			}
		}
		t := slashBits(w)
		// The segment ends at its '/', found from the path alone, so that
		// the next step need not wait for this one's child.
		var end int
		if t != 0 {
			end = i + 1 + bits.TrailingZeros64(t)>>3
		} else {
			// segEndFrom(s, i+9), written out: a call would have the
			// loop keep its values on the stack.
			for end = i + 9; end < len(s) && s[end] != '/'; end++ {
			}
		}
		if len(n.table) != 0 {
			if n.paramFull {
				return n.matchMixed(s, i, end, cutWord(w, t), mi, vs, k)
			}
			// n.literal, written out.
			sw := cutWord(w, t)
			for e := n.slot(sw); ; e = &n.table[e.next-1] {
				if e.key == sw {
					if len(e.label) >= 8 {
						// e.longIs, written out: a call would have the
						// loop keep its values on the stack.
						if len(e.label) != end-i-1 || word(s, end-8) != e.tail {
							goto miss
						}
						for j := 8; j < len(e.label)-8; j += 8 {
							if word(s, i+1+j) != word(e.label, j) {
								goto miss
							}
						}
					}
					// A child without full routes is not pruned here:
					// with no variable sibling to fall back on, the walk
					// fails in it all the same.
					n, i = e.n, end
					continue walk
				}
			miss:
				if e.next == 0 {
					return nil
				}
			}
		}
		if !n.paramFull || end == i+1 {
			// No variable child, or an empty segment, which no
			// variable takes (nor a literal: no label is empty).
			return nil
		}
		if uint(k) < maxCaptures {
			vs[k] = s[i+1 : end]
		}
		k++
		n, i = n.param, end
	}
	return n.leaf.pick(mi, true)
}

// matchMixed is matchFull's step at a node with both literal children and
// a variable child, for the segment s[i+1:end] whose word cut after its
// first '/' is sw: the literal child's subtree first, then the variable's.
func (n *node) matchMixed(s string, i, end int, sw uint64, mi int, vs *captures, k int) *entry {
	if e := n.literal(s, i, end, sw); e != nil && e.n.hasFull {
		if r := e.n.matchFull(s, end, mi, vs, k); r != nil {
			return r
		}
	}
	if end == i+1 {
		return nil // an empty segment
	}
	if uint(k) < maxCaptures {
		vs[k] = s[i+1 : end]
	}
	return n.param.matchFull(s, end, mi, vs, k+1)
}

// matchGreedy finds the best route that ends in a greedy variable, HTTP
// API precedence: at each position literal, then variable, then greedy.
// p is empty or begins with '/'. A greedy variable takes everything after
// the '/' that follows its prefix, which may be empty ("/metrics/" matches
// "/metrics/{proxy+}").
func (n *node) matchGreedy(p string, mi int, vs *captures, k int) *entry {
	if p == "" {
		return nil
	}
	if len(p) >= 2 {
		if c, rest := n.next(p); c != nil && c.hasGreedy {
			if e := c.matchGreedy(rest, mi, vs, k); e != nil {
				return e
			}
		}
	}
	if n.paramGreedy {
		if rest, ok := skip(p); ok {
			if uint(k) < maxCaptures {
				vs[k] = p[1 : len(p)-len(rest)]
			}
			if e := n.param.matchGreedy(rest, mi, vs, k+1); e != nil {
				return e
			}
		}
	}
	e := n.greedy.pick(mi, true)
	if e != nil && uint(k) < maxCaptures {
		vs[k] = p[1:]
	}
	return e
}

// matchREST finds the route of a REST resource tree: depth first,
// preferring the literal child, then the variable child (a non-empty
// segment), then the greedy child (one or more segments); a resource is
// accepted only if it has the method or ANY, otherwise the search
// backtracks. p has no trailing '/' and is empty or begins with '/'.
func (n *node) matchREST(p string, mi int, vs *captures, k int) *entry {
	for p != "" {
		if len(p) >= 2 {
			if c, rest := n.next(p); c != nil {
				if n.param == nil && n.greedy == nil {
					n, p = c, rest // no alternative: no need to come back
					continue
				}
				if e := c.matchREST(rest, mi, vs, k); e != nil {
					return e
				}
			}
		}
		if n.param != nil {
			if rest, ok := skip(p); ok {
				if uint(k) < maxCaptures {
					vs[k] = p[1 : len(p)-len(rest)]
				}
				if n.greedy == nil {
					n, p, k = n.param, rest, k+1
					continue
				}
				if e := n.param.matchREST(rest, mi, vs, k+1); e != nil {
					return e
				}
			}
		}
		e := n.greedy.pick(mi, false)
		if e != nil && uint(k) < maxCaptures {
			vs[k] = p[1:]
		}
		return e
	}
	return n.leaf.pick(mi, false)
}

// appendParams appends the path parameters of pat, matched against p, to
// dst. p is the routing path the pattern matched.
func (pat *pattern) appendParams(dst event.Params, p string) event.Params {
	for _, s := range pat.segs {
		if s.kind == greedy {
			return append(dst, event.Field{Name: s.s, Value: p[1:]})
		}
		if s.kind == param {
			var seg string
			seg, p = split(p)
			dst = append(dst, event.Field{Name: s.s, Value: seg})
		} else {
			p = p[1+len(s.s):]
		}
	}
	return dst
}
