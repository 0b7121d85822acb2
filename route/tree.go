package route

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
)

// An entry is one registered route: its pattern and its handler with the
// middleware already applied.
type entry struct {
	// The fields Serve reads come first.
	key string // pat.key, here to save a load on the hot path
	// fn is h when h is a HandlerFunc, as routes registered with
	// HandleFunc and without middleware are: calling it directly saves
	// a call per request.
	fn     lambdagate.HandlerFunc
	params []string // pat.params
	h      lambdagate.Handler
	path   string // pat.path
	pat    *pattern
	// own holds pat for routes registered with a route key, so that one
	// allocation serves both.
	own pattern
}

func newEntry(pat *pattern, h lambdagate.Handler) *entry {
	e := &entry{key: pat.key, path: pat.path, params: pat.params, h: h, pat: pat}
	e.fn, _ = h.(lambdagate.HandlerFunc)
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
// A node has any number of literal children (edges, sorted by label), at
// most one variable child and at most one set of greedy routes. The fields
// the matchers read come first, so that a node's hot part fits in one
// cache line.
type node struct {
	// hasFull and hasGreedy report whether the subtree rooted here holds a
	// route ending at a node (full) or in a greedy variable, for pruning;
	// paramFull and paramGreedy say the same of the variable child, so
	// that the matchers need not load it to know.
	hasFull, hasGreedy     bool
	paramFull, paramGreedy bool

	// first holds the first byte of each edge's label while there are at
	// most 8 edges; beyond, jump[c]-1 is the index of the first edge whose
	// label begins with c, or -1.
	first  [8]byte
	edges  []edge // sorted by label
	jump   *[256]uint32
	param  *node
	greedy *leaf // routes whose greedy variable starts after this node

	// The fields above are those a matcher reads at every node: they fill
	// the first 64 bytes, one cache line, as nodes are 128 bytes and so
	// aligned to 128. The second line holds the routes that end here.
	// What registration alone needs (the variable names REST checks) is
	// kept on the router, not here, to keep nodes to two lines.

	leaf leaf // routes whose path ends at this node
}

// An edge leads from a node to a literal child.
type edge struct {
	// word holds the first 8 bytes of "label/", little-endian, and mask
	// selects those of them that exist, so that a path whose next 8
	// bytes are w begins with the segment label when (w^word)&mask == 0
	// and the label is shorter than 8 bytes (the '/' included); a longer
	// label must also have the rest of it compared.
	word, mask uint64
	label      string
	n          *node
}

func newEdge(label string, n *node) edge {
	e := edge{label: label, n: n}
	for i := 0; i < 8 && i <= len(label); i++ {
		c := byte('/')
		if i < len(label) {
			c = label[i]
		}
		e.word |= uint64(c) << (8 * i)
		e.mask |= 0xff << (8 * i)
	}
	return e
}

// word returns the 8 bytes of p from index i, little-endian, as one load.
func word(p string, i int) uint64 {
	return binary.LittleEndian.Uint64([]byte(p[i : i+8]))
}

// hasPrefix reports whether the first segment of p, which begins with
// '/', is e's label. When long, p has at least 9 bytes and w holds the 8
// bytes after the '/' (see word); otherwise w is not used.
func (e *edge) hasPrefix(p string, w uint64, long bool) bool {
	end := 1 + len(e.label)
	if long {
		return (w^e.word)&e.mask == 0 && (end < 9 || (len(p) == end || len(p) > end && p[end] == '/') && p[9:end] == e.label[8:])
	}
	return (len(p) == end || len(p) > end && p[end] == '/') && p[1:end] == e.label
}

// child returns the static child labelled seg, or nil.
func (n *node) child(seg string) *node {
	if i, ok := n.search(seg); ok {
		return n.edges[i].n
	}
	return nil
}

// search returns the index of the edge labelled seg, or where to insert
// it, and whether it is there.
func (n *node) search(seg string) (int, bool) {
	if len(n.edges) <= len(n.first) {
		for i := range n.edges {
			if l := n.edges[i].label; l >= seg {
				return i, l == seg
			}
		}
		return len(n.edges), false
	}
	return slices.BinarySearchFunc(n.edges, seg, func(e edge, s string) int { return strings.Compare(e.label, s) })
}

// firstEdge returns the index of the first edge whose label begins with
// c, or len(n.edges) if none does.
func (n *node) firstEdge(c byte) int {
	if n.jump != nil {
		return int(n.jump[c]) - 1 // -1 when none
	}
	// Find c among the (at most 8) first bytes, 8 at a time: the lowest
	// byte of t with its top bit set is the first equal to c.
	x := binary.LittleEndian.Uint64(n.first[:]) ^ uint64(c)*0x0101010101010101
	t := (x - 0x0101010101010101) &^ x & 0x8080808080808080
	return min(bits.TrailingZeros64(t)>>3, len(n.edges))
}

// next returns the static child whose label is the first segment of p,
// which begins with '/' and has a second byte, and the rest of p after
// that segment.
func (n *node) next(p string) (*node, string) {
	c := p[1]
	long := len(p) > 8
	var w uint64
	if long {
		w = word(p, 1)
	}
	for i := n.firstEdge(c); uint(i) < uint(len(n.edges)) && byte(n.edges[i].word) == c; i++ {
		if e := &n.edges[i]; e.hasPrefix(p, w, long) {
			return e.n, p[1+len(e.label):]
		}
	}
	return nil, ""
}

// addChild returns the static child labelled seg, creating it if needed.
func (n *node) addChild(seg string) *node {
	i, ok := n.search(seg)
	if ok {
		return n.edges[i].n
	}
	c := &node{}
	n.edges = slices.Insert(n.edges, i, newEdge(seg, c))
	switch {
	case len(n.edges) <= len(n.first):
		for j, e := range n.edges {
			n.first[j] = e.label[0]
		}
	default:
		if n.jump == nil {
			n.jump = new([256]uint32)
		}
		clear(n.jump[:])
		for j := len(n.edges) - 1; j >= 0; j-- {
			n.jump[n.edges[j].label[0]] = uint32(j + 1)
		}
	}
	return c
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

// segEnd returns the index of the first '/' in p from index 2, or len(p):
// the end of p's first segment, p beginning with '/' and its segment
// being non-empty. It tests 8 bytes at a time while it can.
func segEnd(p string) int {
	end := 2
	for ; end+8 <= len(p); end += 8 {
		// The lowest byte of t with its top bit set is the first '/'.
		x := word(p, end) ^ 0x2f2f2f2f2f2f2f2f
		if t := (x - 0x0101010101010101) &^ x & 0x8080808080808080; t != 0 {
			return end + bits.TrailingZeros64(t)>>3
		}
	}
	for end < len(p) && p[end] != '/' {
		end++
	}
	return end
}

// matchFull finds the best route whose path ends at a node (no greedy
// variable), HTTP API precedence: depth first, literal before variable,
// so the first route found has the most literal segments from the left.
// p is empty or begins with '/'. When vs is not nil, the values of the
// variables are recorded in it from index k.
func (n *node) matchFull(p string, mi int, vs *captures, k int) *entry {
walk:
	for p != "" {
		if len(p) < 2 || p[1] == '/' {
			return nil // an empty segment: neither a literal nor a variable takes it
		}
		// The static child, as n.next finds it, written out here: this is
		// the innermost loop of routing.
		if len(n.edges) != 0 {
			c := p[1]
			long := len(p) > 8
			var w uint64
			if long {
				w = word(p, 1)
			}
			for i := n.firstEdge(c); uint(i) < uint(len(n.edges)) && byte(n.edges[i].word) == c; i++ {
				e := &n.edges[i]
				if !e.hasPrefix(p, w, long) {
					continue
				}
				end := 1 + len(e.label)
				if child := e.n; child.hasFull {
					if !n.paramFull {
						n, p = child, p[end:] // no alternative: no need to come back
						continue walk
					}
					if e := child.matchFull(p[end:], mi, vs, k); e != nil {
						return e
					}
				}
				break
			}
		}
		if !n.paramFull {
			return nil
		}
		end := segEnd(p)
		if vs != nil && k < maxCaptures {
			vs[k] = p[1:end]
		}
		k++
		n, p = n.param, p[end:]
	}
	return n.leaf.pick(mi, true)
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
	if len(p) >= 2 && len(n.edges) != 0 {
		if c, rest := n.next(p); c != nil && c.hasGreedy {
			if e := c.matchGreedy(rest, mi, vs, k); e != nil {
				return e
			}
		}
	}
	if n.paramGreedy {
		if rest, ok := skip(p); ok {
			if vs != nil && k < maxCaptures {
				vs[k] = p[1 : len(p)-len(rest)]
			}
			if e := n.param.matchGreedy(rest, mi, vs, k+1); e != nil {
				return e
			}
		}
	}
	e := n.greedy.pick(mi, true)
	if e != nil && vs != nil && k < maxCaptures {
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
		if len(p) >= 2 && len(n.edges) != 0 {
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
				if vs != nil && k < maxCaptures {
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
		if e != nil && vs != nil && k < maxCaptures {
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
