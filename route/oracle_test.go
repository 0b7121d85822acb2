package route

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
)

// The oracle: a brute-force router written straight from the rules of
// docs/evidence/gateway.md#http-api-routing and #rest-api-routing, with no tree and no shared code but the parser.

type oracle struct {
	api  API
	pats []*pattern
}

// oracleSegments splits a routing path into segments the plain way: the
// root has none.
func (o *oracle) segments(path string) ([]string, bool) {
	if path == "" {
		path = "/"
	}
	if !strings.HasPrefix(path, "/") {
		return nil, false
	}
	if o.api == REST {
		// Leading duplicate slashes collapse, trailing slashes are ignored.
		path = "/" + strings.TrimLeft(path, "/")
		path = strings.TrimRight(path, "/")
	}
	if path == "/" || path == "" {
		return nil, true
	}
	return strings.Split(path[1:], "/"), true
}

// templateMatch reports whether pat's path matches segs, and its params.
func (o *oracle) templateMatch(pat *pattern, segs []string) (event.Params, bool) {
	var ps event.Params
	for i, s := range pat.segs {
		switch s.kind {
		case greedy:
			// One or more segments; the value is what follows the '/'.
			if len(segs) <= i {
				return nil, false
			}
			return append(ps, event.Field{Name: s.s, Value: strings.Join(segs[i:], "/")}), true
		case literal:
			if i >= len(segs) || segs[i] != s.s {
				return nil, false
			}
		case param:
			if i >= len(segs) || segs[i] == "" {
				return nil, false
			}
			ps = append(ps, event.Field{Name: s.s, Value: segs[i]})
		}
	}
	return ps, len(segs) == len(pat.segs)
}

// methodOK reports whether a route with method m takes the request method.
func (o *oracle) methodOK(m, req string) bool {
	if m == req {
		return true
	}
	if m != "ANY" {
		return false
	}
	if o.api == HTTP {
		return true // ANY takes every method in HTTP APIs
	}
	return slices.Contains([]string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}, req)
}

// rank compares two matching templates: negative when a goes first.
func (o *oracle) rank(a, b *pattern) int {
	if o.api == HTTP {
		// Full match before greedy.
		if a.isGreedy() != b.isGreedy() {
			if a.isGreedy() {
				return 1
			}
			return -1
		}
	}
	// Segment by segment from the left: literal, then variable, then
	// greedy (HTTP: longer literal prefix first; REST: depth-first order).
	for i := range min(len(a.segs), len(b.segs)) {
		if a.segs[i].kind != b.segs[i].kind {
			return int(a.segs[i].kind) - int(b.segs[i].kind)
		}
	}
	// Same template shape: the exact method before ANY.
	if (a.method == "ANY") != (b.method == "ANY") {
		if a.method == "ANY" {
			return 1
		}
		return -1
	}
	return 0
}

func (o *oracle) match(method, path string) (*pattern, event.Params) {
	segs, ok := o.segments(path)
	if !ok {
		return nil, nil
	}
	type cand struct {
		p  *pattern
		ps event.Params
	}
	var cs []cand
	var def *pattern
	for _, p := range o.pats {
		if p.isDefault {
			def = p
			continue
		}
		if ps, ok := o.templateMatch(p, segs); ok && o.methodOK(p.method, method) {
			cs = append(cs, cand{p, ps})
		}
	}
	if len(cs) == 0 {
		return def, nil
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return o.rank(a.p, b.p) })
	if len(cs) > 1 && o.rank(cs[0].p, cs[1].p) == 0 {
		panic(fmt.Sprintf("oracle: %q and %q tie", cs[0].p.key, cs[1].p.key))
	}
	return cs[0].p, cs[0].ps
}

// conflict returns the registered route that pat conflicts with, if any.
func (o *oracle) conflict(pat *pattern) *pattern {
	for _, q := range o.pats {
		if pat.isDefault || q.isDefault {
			if pat.isDefault && q.isDefault {
				return q
			}
			continue
		}
		// Same method, and the same paths match both.
		if pat.method == q.method && len(pat.segs) == len(q.segs) {
			same := true
			for i := range pat.segs {
				a, b := pat.segs[i], q.segs[i]
				if a.kind != b.kind || a.kind == literal && a.s != b.s {
					same = false
				}
			}
			if same {
				return q
			}
		}
		if o.api == REST {
			// Two different variable children of one resource.
			for i := 0; i < len(pat.segs) && i < len(q.segs); i++ {
				a, b := pat.segs[i], q.segs[i]
				if a == b {
					continue
				}
				if a.kind != literal && b.kind != literal {
					return q
				}
				break
			}
		}
	}
	return nil
}

// genKey returns a random route key over a small alphabet, so that
// generated routes overlap often.
func genKey(rng *rand.Rand, api API) string {
	if api == HTTP && rng.IntN(20) == 0 {
		return "$default"
	}
	methods := []string{"GET", "POST", "ANY", "OPTIONS"}
	var b strings.Builder
	b.WriteString(methods[rng.IntN(len(methods))])
	b.WriteByte(' ')
	n := rng.IntN(4)
	if n == 0 {
		b.WriteString("/")
	}
	for i := range n {
		b.WriteByte('/')
		switch k := rng.IntN(10); {
		case k < 5:
			b.WriteString([]string{"a", "b", "c"}[rng.IntN(3)])
		case k < 8 || i < n-1:
			b.WriteString([]string{"{x}", "{y}", "<x>"}[rng.IntN(3)])
			// Names must be unique in a key: suffix the position.
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-1] + fmt.Sprint(i) + s[len(s)-1:])
		default:
			b.WriteString(fmt.Sprintf("{p%d+}", i))
		}
	}
	return b.String()
}

// genPath returns a random request path over the same alphabet, with the
// odd slash.
func genPath(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.IntN(5)
	if rng.IntN(8) == 0 {
		b.WriteByte('/')
	}
	for range n {
		b.WriteByte('/')
		if rng.IntN(12) > 0 {
			b.WriteString([]string{"a", "b", "c", "d", "a%2Fb"}[rng.IntN(5)])
		}
	}
	if n == 0 || rng.IntN(6) == 0 {
		b.WriteByte('/')
	}
	return b.String()
}

// compare registers keys in a fresh router and oracle, checking the
// conflict verdicts, then compares the two on the requests.
func compare(t *testing.T, api API, keys []string, reqs [][2]string) {
	t.Helper()
	r := New(Config{Source: api})
	o := &oracle{api: api}
	for _, k := range keys {
		pat, perr := parsePattern(k)
		err := r.Register(k, echo(k))
		if perr != nil {
			if err == nil {
				t.Fatalf("Register(%q) = nil, parse error %v", k, perr)
			}
			continue
		}
		c := o.conflict(pat)
		if api == REST && pat.isDefault {
			if err == nil {
				t.Fatalf("REST Register($default) = nil")
			}
			continue
		}
		if (err != nil) != (c != nil) {
			t.Fatalf("%s: routes %q: Register(%q) = %v, oracle conflict with %v", api, keys, k, err, c)
		}
		if c == nil {
			o.pats = append(o.pats, pat)
		}
	}
	for _, rq := range reqs {
		method, path := rq[0], rq[1]
		want, wantPs := o.match(method, path)
		got, ok := r.Lookup(method, path)
		wantKey := ""
		if want != nil {
			wantKey = want.key
		}
		if got != wantKey || ok != (want != nil) {
			t.Fatalf("%s: routes\n\t%s\nLookup(%q, %q) = %q, want %q", api, strings.Join(r.routeKeys(), "\n\t"), method, path, got, wantKey)
		}
		req := &event.Request{Method: method, Path: path}
		if _, err := r.Serve(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		if want != nil && !reflect.DeepEqual(req.PathParameters, wantPs) {
			t.Fatalf("%s: routes\n\t%s\nServe(%s %s): PathParameters = %q, want %q", api, strings.Join(r.routeKeys(), "\n\t"), method, path, req.PathParameters, wantPs)
		}
	}
}

func (r *Router) routeKeys() []string {
	var ks []string
	for _, e := range r.entries {
		ks = append(ks, e.pat.key)
	}
	return ks
}

func TestOracle(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		api := []API{HTTP, REST}[i%2]
		keys := make([]string, 1+rng.IntN(25))
		for j := range keys {
			keys[j] = genKey(rng, api)
		}
		var reqs [][2]string
		for range 40 {
			m := []string{"GET", "POST", "OPTIONS", "PUT", "PROPFIND"}[rng.IntN(5)]
			reqs = append(reqs, [2]string{m, genPath(rng)})
		}
		compare(t, api, keys, reqs)
	}
}

// wideWords are literal segments for TestOracleWide: labels that share
// first bytes and prefixes, span the 8-byte words the matcher compares at
// once (so that some share a hash slot and some differ only between their
// first and last 8 bytes), and are numerous enough to fill wide tables.
var wideWords = []string{
	"a", "ab", "abc", "abcdefg", "abcdefgh", "abcdefghi", "abcdefgh1", "abcdefghijklmnopq", "abcdefghijklmnopr",
	"abcdefghijklmnopqrstuvwxy", "abcdefghijkXmnopqrstuvwxy", "abcdefghijklmnopqrstuvwxyz0123456789",
	"u", "user", "users", "subscriber", "subscribers", "subscription", "s", "é", "éé",
	"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "z",
}

// widePath returns a request path of wide words, near misses of them
// (one byte more or less) and the odd empty segment or variable value.
func widePath(rng *rand.Rand) string {
	var b strings.Builder
	n := 1 + rng.IntN(4)
	for range n {
		b.WriteByte('/')
		w := wideWords[rng.IntN(len(wideWords))]
		switch rng.IntN(8) {
		case 0:
			w += "x"
		case 1:
			w = w[:len(w)-1]
		case 2:
			w = ""
		}
		b.WriteString(w)
	}
	if rng.IntN(8) == 0 {
		b.WriteByte('/')
	}
	return b.String()
}

// TestOracleWide compares the router with the oracle on route sets whose
// nodes have many literal children with long and overlapping labels.
func TestOracleWide(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 150
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		api := []API{HTTP, REST}[i%2]
		keys := make([]string, 1+rng.IntN(60))
		for j := range keys {
			var b strings.Builder
			b.WriteString([]string{"GET", "POST", "ANY"}[rng.IntN(3)])
			b.WriteByte(' ')
			segs := 1 + rng.IntN(3)
			for s := range segs {
				b.WriteByte('/')
				switch k := rng.IntN(10); {
				case k < 7:
					b.WriteString(wideWords[rng.IntN(len(wideWords))])
				case k < 9 || s < segs-1:
					fmt.Fprintf(&b, "{v%d}", s)
				default:
					fmt.Fprintf(&b, "{g%d+}", s)
				}
			}
			keys[j] = b.String()
		}
		var reqs [][2]string
		for range 40 {
			reqs = append(reqs, [2]string{[]string{"GET", "POST", "PUT"}[rng.IntN(3)], widePath(rng)})
		}
		for _, k := range keys {
			// Every route's own example path, so that most routes are hit.
			if p, err := parsePattern(k); err == nil {
				reqs = append(reqs, [2]string{"GET", p.examplePath()})
			}
		}
		compare(t, api, keys, reqs)
	}
}
