package fieldset

import (
	"hash/maphash"
	"sync/atomic"

	"github.com/lambdagate/lambdagate/internal/ascii"
)

// field is the shape of event.Field.
type field interface {
	~struct{ Name, Value string }
}

type pair = struct{ Name, Value string }

// scanMax is the longest list scanned rather than hashed: up to it, the
// sizes requests carry (aws-lambda-go's REST sample has 19 headers in each
// map), scanning allocates nothing, where hashing allocates its table.
// BenchmarkGroup, distinct names: scanning takes 0.9x hashing's time at 8
// names, 1.0x at 16, 2.2x at 32 (2.3 µs against 1.0 µs) and 5.4x at 64.
const scanMax = 32

// A Set finds fields by name in a list that only grows: each call may
// pass the list of the previous call with fields appended, never one with
// fields removed or reordered, or with names changed (or, with Pairs,
// values). The zero Set compares names exactly. A Set is not safe for
// concurrent use.
type Set[F field] struct {
	// Fold makes names compare ignoring ASCII case.
	Fold bool
	// Pairs makes a field match only when its value is equal too.
	Pairs bool

	// A long list's table: open addressing over the positions (plus one)
	// of the first field of each key, hashed with a seed of its own, so
	// no input can choose its collisions.
	seed  maphash.Seed
	slots []int32
	used  int // slots in use
	n     int // the fields of the list in the table
}

// Find returns the position of the first field of fs with this name (and,
// with Pairs, this value), or -1 if there is none.
func (s *Set[F]) Find(fs []F, name, value string) int {
	if s.slots == nil && len(fs) <= scanMax {
		return s.scan(fs, name, value)
	}
	return s.lookup(fs, name, value)
}

// scan is Find for a short list. A loop of its own for each kind of
// comparison keeps the decoder's duplicate-key check as fast as the loop
// it replaced (event.Decode of a REST sample: a loop calling match cost
// 20% more).
func (s *Set[F]) scan(fs []F, name, value string) int {
	count(len(fs))
	switch {
	case s.Pairs:
		for i := range fs {
			if s.match(pair(fs[i]), name, value) {
				return i
			}
		}
	case s.Fold:
		for i := range fs {
			if ascii.EqualFold(pair(fs[i]).Name, name) {
				return i
			}
		}
	default:
		for i := range fs {
			if pair(fs[i]).Name == name {
				return i
			}
		}
	}
	return -1
}

// lookup is Find for a long list: through the table.
func (s *Set[F]) lookup(fs []F, name, value string) int {
	s.sync(fs)
	mask := len(s.slots) - 1
	for i := int(s.hash(name, value)) & mask; ; i = (i + 1) & mask {
		count(1)
		p := int(s.slots[i]) - 1
		if p < 0 {
			return -1
		}
		if s.match(pair(fs[p]), name, value) {
			return p
		}
	}
}

func (s *Set[F]) match(f pair, name, value string) bool {
	return same(f.Name, name, s.Fold) && (!s.Pairs || f.Value == value)
}

// same reports whether two names are equal, ignoring ASCII case when
// folding.
func same(a, b string, fold bool) bool {
	if fold {
		return ascii.EqualFold(a, b)
	}
	return a == b
}

// sync adds the fields appended to fs since the last call to the table,
// creating it for a list that has grown past scanMax.
func (s *Set[F]) sync(fs []F) {
	if s.slots == nil {
		s.seed = maphash.MakeSeed()
		s.resize(fs[:0], len(fs))
	}
	for s.n < len(fs) {
		if 2*(s.used+1) > len(s.slots) {
			s.resize(fs[:s.n], s.used+1)
		}
		s.add(fs, s.n)
	}
}

// add adds field i, the one after the table's, to the table, and returns
// the position of the first field with its key: an earlier one, or i.
// The table must have room for one more key.
func (s *Set[F]) add(fs []F, i int) int {
	f := pair(fs[i])
	s.n = i + 1
	mask := len(s.slots) - 1
	for j := int(s.hash(f.Name, f.Value)) & mask; ; j = (j + 1) & mask {
		count(1)
		p := int(s.slots[j]) - 1
		if p < 0 {
			s.slots[j] = int32(i + 1)
			s.used++
			return i
		}
		if s.match(pair(fs[p]), f.Name, f.Value) {
			return p
		}
	}
}

// resize makes a table for n keys at least, at most half full, and puts
// the table's fields back in, which fs holds.
func (s *Set[F]) resize(fs []F, n int) {
	size := 8
	for size < 2*n {
		size *= 2
	}
	old := s.slots
	s.slots = make([]int32, size)
	mask := size - 1
	count(s.used)
	for _, p := range old {
		if p == 0 {
			continue
		}
		f := pair(fs[p-1])
		i := int(s.hash(f.Name, f.Value)) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = p
	}
}

// hash hashes a name, lowered when folding, and with Pairs the value.
// Names that differ only in ASCII case hash alike when folding.
func (s *Set[F]) hash(name, value string) uint64 {
	var h uint64
	if i := s.foldAt(name); i < 0 {
		h = maphash.String(s.seed, name)
	} else if len(name) <= 64 {
		var buf [64]byte
		b := append(buf[:0], name[:i]...)
		for _, c := range []byte(name[i:]) {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		h = maphash.Bytes(s.seed, b)
	} else {
		h = s.hashLong(name)
	}
	if s.Pairs {
		// Equal pairs hash alike; others may collide, and the table
		// compares the fields themselves.
		h = h*0x9e3779b97f4a7c15 ^ maphash.String(s.seed, value)
	}
	return h
}

// foldAt returns the position of the first letter of name that folding
// changes, or -1 if there is none (or the Set does not fold).
func (s *Set[F]) foldAt(name string) int {
	if !s.Fold {
		return -1
	}
	for i := 0; i < len(name); i++ {
		if 'A' <= name[i] && name[i] <= 'Z' {
			return i
		}
	}
	return -1
}

// hashLong hashes a long name, lowered, without copying it whole.
func (s *Set[F]) hashLong(name string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	var buf [64]byte
	for name != "" {
		chunk := buf[:min(len(name), len(buf))]
		for i := range chunk {
			c := name[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			chunk[i] = c
		}
		h.Write(chunk)
		name = name[len(chunk):]
	}
	return h.Sum64()
}

// Groups links the fields of a list that share a name. Set it with
// [Group]; the zero Groups is an empty list.
type Groups struct {
	n     int
	small [2 * scanMax]int32 // a short list's first and next links
	large []int32            // a long list's
}

// Group sets g to the groups of fs, whose names compare ignoring ASCII
// case when fold is set.
func Group[F field](g *Groups, fs []F, fold bool) {
	n := len(fs)
	g.n, g.large = n, nil
	if n <= scanMax {
		var last [scanMax]int32
		groupScan(fs, fold, g.small[:n], g.small[scanMax:scanMax+n], last[:n])
		return
	}
	links := make([]int32, 3*n)
	g.large = links[:2*n]
	groupHash(fs, fold, links[:n], links[n:2*n], links[2*n:])
}

// groupScan sets the links of fs (last is scratch space) comparing each
// name with the names before it.
func groupScan[F field](fs []F, fold bool, first, next, last []int32) {
	count(len(fs) * (len(fs) - 1) / 2)
	for i := range fs {
		next[i] = -1
		f := i
		name := pair(fs[i]).Name
		for j := range fs[:i] {
			if same(pair(fs[j]).Name, name, fold) {
				f = j
				break
			}
		}
		link(i, f, first, next, last)
	}
}

// groupHash sets the links of fs (last is scratch space) with a table of
// the names.
func groupHash[F field](fs []F, fold bool, first, next, last []int32) {
	s := Set[F]{Fold: fold, seed: maphash.MakeSeed()}
	s.resize(fs[:0], len(fs))
	for i := range fs {
		next[i] = -1
		link(i, s.add(fs, i), first, next, last)
	}
}

// link records that the first field with field i's name is field f.
func link(i, f int, first, next, last []int32) {
	first[i] = int32(f)
	if f == i {
		last[i] = int32(i)
		return
	}
	next[last[f]] = int32(i)
	last[f] = int32(i)
}

// First returns the position of the first field with field i's name.
func (g *Groups) First(i int) int {
	if g.large != nil {
		return int(g.large[i])
	}
	return int(g.small[i])
}

// Next returns the position of the next field with field i's name, or -1
// if it is the last. Work counts the calls, so that a caller walking
// groups more than once shows.
func (g *Groups) Next(i int) int {
	count(1)
	if g.large != nil {
		return int(g.large[g.n+i])
	}
	return int(g.small[scanMax+i])
}

// counter is where count adds, while Work runs.
var counter atomic.Pointer[atomic.Int64]

func count(n int) {
	if c := counter.Load(); c != nil {
		c.Add(int64(n))
	}
}

// Work runs f and returns the work Sets and Groups did meanwhile: the
// names compared in short lists, the fields hashed and looked up in long
// ones, and the steps taken along groups (Groups.Next). A test bounds the cost of a call by calling it at two input
// sizes. Work done by other goroutines while f runs is counted too.
func Work(f func()) int64 {
	c := new(atomic.Int64)
	counter.Store(c)
	defer counter.Store(nil)
	f()
	return c.Load()
}
