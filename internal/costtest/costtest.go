// Package costtest checks in tests that the cost of a call grows no
// faster than its input, by counting, never by timing: the work
// package fieldset counts (names compared, fields hashed), the
// allocations and the bytes allocated, at two input sizes.
package costtest

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/lambdagate/lambdagate/internal/fieldset"
)

// A Cost is what one call cost.
type Cost struct {
	Work   int64  // fieldset's count of names compared and fields hashed
	Allocs uint64 // heap allocations
	Bytes  uint64 // bytes allocated
}

// Measure returns the cost of f, the least of three runs, so that what
// other goroutines allocate meanwhile counts as little as it can.
func Measure(f func()) Cost {
	var least Cost
	for i := range 3 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		work := fieldset.Work(f)
		runtime.ReadMemStats(&after)
		c := Cost{work, after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc}
		if i == 0 {
			least = c
			continue
		}
		least = Cost{min(least.Work, c.Work), min(least.Allocs, c.Allocs), min(least.Bytes, c.Bytes)}
	}
	return least
}

// Factor is how much larger the second input Linear tries is.
const Factor = 8

// Linear fails t unless the call that setup(n) returns for an input of
// size n, run at sizes n and Factor*n, costs at most about Factor times
// as much: work and allocations at most Factor+1 times as much, bytes at
// most 1.5*Factor times (a slice that grows by a quarter at a time can
// end up to a quarter larger at one size than at the other), plus a small
// constant for counts that stay small. A quadratic cost grows Factor*Factor
// times. setup builds the input outside the measurement.
func Linear(t testing.TB, name string, n int, setup func(n int) func()) {
	t.Helper()
	small, large := Measure(setup(n)), Measure(setup(Factor*n))
	t.Logf("%s: size %d %+v, size %d %+v", name, n, small, Factor*n, large)
	const slack = 64
	if uint64(large.Work) > (Factor+1)*uint64(small.Work)+slack || large.Allocs > (Factor+1)*small.Allocs+slack || large.Bytes > Factor*3/2*small.Bytes+slack {
		t.Errorf("%s: cost grows faster than the input: at size %d %+v, at %d %+v (work %.1fx, allocs %.1fx, bytes %.1fx, want about %dx)",
			name, n, small, Factor*n, large, ratio(small.Work, large.Work), ratio(int64(small.Allocs), int64(large.Allocs)), ratio(int64(small.Bytes), int64(large.Bytes)), Factor)
	}
}

func ratio(a, b int64) float64 {
	if a == 0 {
		return float64(b)
	}
	return float64(b) / float64(a)
}

// Names are the header names that make grouping by name work hardest, a
// generator for each kind: all distinct, all one name, and one name in
// every spelling of its case (distinct exactly, equal ignoring case; 16,384
// spellings before they repeat).
var Names = []struct {
	Kind string
	Name func(i int) string
}{
	{"distinct", func(i int) string { return fmt.Sprintf("X-Name-%d", i) }},
	{"equal", func(int) string { return "X-Name" }},
	{"case spellings", func(i int) string {
		b := []byte("x-abcdefghijklmn")
		for j := range 14 {
			if i>>j&1 != 0 {
				b[2+j] -= 'a' - 'A'
			}
		}
		return string(b)
	}},
}
