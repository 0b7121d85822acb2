package route

import (
	"slices"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
)

// An entry is one registered route: its pattern and its handler with the
// middleware already applied.
type entry struct {
	key    string   // pat.key, here to save a load on the hot path
	path   string   // pat.path
	params []string // pat.params
	h      lambdagate.Handler
	pat    *pattern
}

func newEntry(pat *pattern, h lambdagate.Handler) *entry {
	return &entry{key: pat.key, path: pat.path, params: pat.params, h: h, pat: pat}
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
// A node has any number of literal children (labels in statics, their
// first bytes in indices), at most one variable child and at most one set
// of greedy routes.
type node struct {
	label   string
	indices string // first byte of each static child's label
	labels  []string
	statics []*node
	// jump[c]-1 is the index of the first static child whose label
	// begins with c (statics are sorted); nil for nodes with few children.
	jump   *[256]uint16
	param  *node
	greedy *leaf // routes whose greedy variable starts after this node
	leaf   *leaf // routes whose path ends at this node

	// varName is the name of the variable child or greedy variable that
	// first took this node's variable position, and varEntry its route
	// (REST allows one variable child per resource).
	varName  string
	varGreed bool
	varEntry *pattern

	// hasFull and hasGreedy report whether the subtree rooted here holds a
	// route ending at a node (full) or in a greedy variable, for pruning.
	hasFull, hasGreedy bool
}

// child returns the static child labelled seg, or nil.
func (n *node) child(seg string) *node {
	if seg == "" {
		return nil
	}
	c := seg[0]
	for i := 0; i < len(n.indices); i++ {
		if n.indices[i] == c && n.labels[i] == seg {
			return n.statics[i]
		}
	}
	return nil
}

// next returns the static child whose label is the first segment of p,
// which begins with '/', and the rest of p after that segment.
func (n *node) next(p string) (*node, string) {
	if len(p) < 2 {
		return nil, ""
	}
	c := p[1]
	i := 0
	if n.jump != nil {
		i = int(n.jump[c]) - 1
		if i < 0 {
			return nil, ""
		}
	}
	for ; i < len(n.indices); i++ {
		if n.indices[i] != c {
			if n.jump != nil {
				break
			}
			continue
		}
		l := n.labels[i]
		if end := 1 + len(l); len(p) >= end && (len(p) == end || p[end] == '/') && equal(p[1:end], l) {
			return n.statics[i], p[end:]
		}
	}
	return nil, ""
}

// equal reports whether a and b, of the same length, are equal. Labels
// are short and their first byte already matched, so a loop from the end
// beats the general comparison.
func equal(a, b string) bool {
	if len(a) > 16 {
		return a == b
	}
	for i := len(a) - 1; i > 0; i-- {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// jumpMin is the number of static children from which a node indexes them
// by first byte. It is a variable for benchmarking.
var jumpMin = 8

// addChild returns the static child labelled seg, creating it if needed.
func (n *node) addChild(seg string) *node {
	if c := n.child(seg); c != nil {
		return c
	}
	c := &node{label: seg}
	i, _ := slices.BinarySearch(n.labels, seg)
	n.labels = slices.Insert(n.labels, i, seg)
	n.statics = slices.Insert(n.statics, i, c)
	n.indices = n.indices[:i] + seg[:1] + n.indices[i:]
	switch {
	case len(n.statics) >= 1<<16:
		n.jump = nil
	case len(n.statics) >= jumpMin:
		if n.jump == nil {
			n.jump = new([256]uint16)
		}
		clear(n.jump[:])
		for j := len(n.indices) - 1; j >= 0; j-- {
			n.jump[n.indices[j]] = uint16(j + 1)
		}
	}
	return c
}

// insert creates the nodes for the path shape of segs as needed and
// returns the leaf where a route with those segments goes: the leaf of
// the last node, or for a greedy route the greedy leaf of the node before
// the greedy variable.
func (n *node) insert(segs []segment) **leaf {
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
			cur = cur.param
		case greedy:
			return &cur.greedy
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

// matchFull finds the best route whose path ends at a node (no greedy
// variable), HTTP API precedence: depth first, literal before variable,
// so the first route found has the most literal segments from the left.
// p is empty or begins with '/'. When vs is not nil, the values of the
// variables are recorded in it from index k.
func (n *node) matchFull(p string, mi int, vs *captures, k int) *entry {
	for p != "" {
		var c *node
		var rest string
		if n.indices != "" {
			c, rest = n.next(p)
		}
		alt := n.param != nil && n.param.hasFull
		if c != nil && c.hasFull {
			if !alt {
				n, p = c, rest // no alternative: no need to come back
				continue
			}
			if e := c.matchFull(rest, mi, vs, k); e != nil {
				return e
			}
		}
		if !alt {
			return nil
		}
		rest, ok := skip(p)
		if !ok {
			return nil
		}
		if vs != nil && k < maxCaptures {
			vs[k] = p[1 : len(p)-len(rest)]
		}
		k++
		n, p = n.param, rest
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
	if c, rest := n.next(p); c != nil && c.hasGreedy {
		if e := c.matchGreedy(rest, mi, vs, k); e != nil {
			return e
		}
	}
	if n.param != nil && n.param.hasGreedy {
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
		var c *node
		var rest string
		if n.indices != "" {
			c, rest = n.next(p)
		}
		if c != nil {
			if n.param == nil && n.greedy == nil {
				n, p = c, rest // no alternative: no need to come back
				continue
			}
			if e := c.matchREST(rest, mi, vs, k); e != nil {
				return e
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
