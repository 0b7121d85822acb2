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
	for _, names := range costtest.Names {
		for _, fold := range []bool{false, true} {
			costtest.Linear(t, fmt.Sprintf("%s names, fold %v", names.Kind, fold), 1000, func(n int) func() {
				fs := make([]field, n)
				for i := range fs {
					fs[i] = field{names.Name(i), "v"}
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
