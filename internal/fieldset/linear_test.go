package fieldset_test

import (
	"fmt"
	"testing"

	"github.com/lambdagate/lambdagate/internal/costtest"
	"github.com/lambdagate/lambdagate/internal/fieldset"
)

type field struct{ Name, Value string }

// TestLinear bounds the cost of grouping and finding every field at two
// list lengths, for names all distinct, all equal, and all equal ignoring
// case (every spelling of one name).
func TestLinear(t *testing.T) {
	spelled := func(i int) string {
		b := []byte("abcdefghijklmnop")
		for j := range b {
			if i>>j&1 != 0 {
				b[j] -= 'a' - 'A'
			}
		}
		return string(b)
	}
	for _, names := range []struct {
		name string
		gen  func(int) string
	}{
		{"distinct", func(i int) string { return fmt.Sprintf("x-header-%d", i) }},
		{"equal", func(int) string { return "x-header" }},
		{"case spellings", spelled},
	} {
		for _, fold := range []bool{false, true} {
			costtest.Linear(t, fmt.Sprintf("%s names, fold %v", names.name, fold), 1000, func(n int) func() {
				fs := make([]field, n)
				for i := range fs {
					fs[i] = field{names.gen(i), "v"}
				}
				return func() {
					var g fieldset.Groups
					fieldset.Group(&g, fs, fold)
					s := fieldset.Set[field]{Fold: fold, Pairs: true}
					for _, f := range fs {
						s.Find(fs, f.Name, f.Value)
					}
				}
			})
		}
	}
}
