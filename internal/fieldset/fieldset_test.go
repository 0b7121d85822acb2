package fieldset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

type field2 struct{ Name, Value string }

// slowFind is the obvious oracle for Set.Find.
func slowFind(fs []field2, name, value string, fold, pairs bool) int {
	for i, f := range fs {
		if (f.Name == name || fold && lowerASCII(f.Name) == lowerASCII(name)) && (!pairs || f.Value == value) {
			return i
		}
	}
	return -1
}

// lowerASCII lowers the ASCII letters of s only, as header names fold,
// byte by byte: other bytes, invalid UTF-8 included, stay as they are
// (strings.Map would turn each invalid byte into U+FFFD, making
// different names equal).
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// randomFields returns n fields whose names and values come from small
// alphabets, so that many share a name exactly or ignoring case.
func randomFields(r *rand.Rand, n int) []field2 {
	long := strings.Repeat("ab", 50) // hashed in pieces when folded
	names := []string{"a", "A", "x-b", "X-B", "x-B", "Set-Cookie", "set-cookie", "", "\x00", "é", "É", "a\x00", "1a",
		long, strings.ToUpper(long), long[:64], strings.ToUpper(long[:64]), long + "!"}
	values := []string{"", "1", "2", "a", "A"}
	fs := make([]field2, n)
	for i := range fs {
		fs[i] = field2{names[r.IntN(len(names))], values[r.IntN(len(values))]}
	}
	return fs
}

// TestSetOracle checks Find, on lists that grow across the scan limit,
// against a scan of the whole list, in every mode.
func TestSetOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 5, scanMax, scanMax + 1, 3 * scanMax, 500} {
		for _, mode := range []struct{ fold, pairs bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
			fs := randomFields(r, n)
			probes := randomFields(r, 20)
			s := Set[field2]{Fold: mode.fold, Pairs: mode.pairs}
			for end := 0; end <= n; end += 1 + end/3 {
				for _, p := range append(probes, fs[:end]...) {
					got := s.Find(fs[:end], p.Name, p.Value)
					if want := slowFind(fs[:end], p.Name, p.Value, mode.fold, mode.pairs); got != want {
						t.Fatalf("Set%+v.Find(%d fields, %q, %q) = %d, want %d", mode, end, p.Name, p.Value, got, want)
					}
				}
			}
		}
	}
}

// TestGroupOracle checks Group's links against scans of the list.
func TestGroupOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 7, scanMax, scanMax + 1, 200} {
		for _, fold := range []bool{false, true} {
			fs := randomFields(r, n)
			var g Groups
			Group(&g, fs, fold)
			checkGroups(t, &g, fs, fold)
		}
	}
}

func checkGroups(t *testing.T, g *Groups, fs []field2, fold bool) {
	t.Helper()
	same := func(a, b string) bool { return a == b || fold && lowerASCII(a) == lowerASCII(b) }
	for i, f := range fs {
		first := slowFind(fs, f.Name, "", fold, false)
		next := -1
		for j := i + 1; j < len(fs); j++ {
			if same(fs[j].Name, f.Name) {
				next = j
				break
			}
		}
		if g.First(i) != first || g.Next(i) != next {
			t.Fatalf("Group(%d fields, fold %v): field %d %q: First %d, Next %d; want %d, %d", len(fs), fold, i, f.Name, g.First(i), g.Next(i), first, next)
		}
	}
}

// FuzzGroup checks Group and Set against the oracles on lists the fuzzer
// makes: names and values split from its input.
func FuzzGroup(f *testing.F) {
	f.Add("a=1,A=2,b=3,a=4", true)
	f.Add(strings.Repeat("x=1,X=1,", 40), false)
	f.Fuzz(func(t *testing.T, list string, fold bool) {
		var fs []field2
		for kv := range strings.SplitSeq(list, ",") {
			k, v, _ := strings.Cut(kv, "=")
			fs = append(fs, field2{k, v})
		}
		var g Groups
		Group(&g, fs, fold)
		checkGroups(t, &g, fs, fold)
		s := Set[field2]{Fold: fold, Pairs: true}
		for _, p := range fs {
			if got, want := s.Find(fs, p.Name, p.Value), slowFind(fs, p.Name, p.Value, fold, true); got != want {
				t.Fatalf("Find(%q, %q) = %d, want %d", p.Name, p.Value, got, want)
			}
		}
	})
}

// TestShortListsAllocateNothing checks that lists up to the scan limit
// are grouped and searched without allocating.
func TestShortListsAllocateNothing(t *testing.T) {
	fs := make([]field2, scanMax)
	for i := range fs {
		fs[i] = field2{fmt.Sprintf("X-Header-%d", i%20), "v"}
	}
	n := testing.AllocsPerRun(100, func() {
		var g Groups
		Group(&g, fs, true)
		s := Set[field2]{Fold: true, Pairs: true}
		s.Find(fs, "x-header-3", "v")
	})
	if n != 0 {
		t.Errorf("grouping %d fields allocates %.0f times, want 0", len(fs), n)
	}
}

// BenchmarkGroup measures grouping distinct header names around the scan
// limit, by scanning and by hashing, which sets scanMax.
func BenchmarkGroup(b *testing.B) {
	for _, n := range []int{8, 16, 32, 64} {
		fs := make([]field2, n)
		for i := range fs {
			fs[i] = field2{fmt.Sprintf("X-Header-%d", i), "v"}
		}
		links := make([]int32, 3*n)
		b.Run(fmt.Sprintf("%d/scan", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				groupScan(fs, true, links[:n], links[n:2*n], links[2*n:])
			}
		})
		b.Run(fmt.Sprintf("%d/hash", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				groupHash(fs, true, links[:n], links[n:2*n], links[2*n:])
			}
		})
	}
}
