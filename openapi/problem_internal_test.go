package openapi

import (
	"fmt"
	"strings"
	"testing"
)

// TestPositionsLinear counts the work of locating a problem at every
// operation of definitions of n and 2n paths: twice the problems in a
// document twice as large cost twice the work, not four times.
func TestPositionsLinear(t *testing.T) {
	work := func(n int) int {
		var b strings.Builder
		b.WriteString("paths:\n")
		for i := range n {
			fmt.Fprintf(&b, "  /p%d:\n    get:\n      security: [{x: []}]\n", i)
		}
		ps := newPositions([]byte(b.String()))
		for i := range n {
			if line, _ := ps.find(pointer("paths", fmt.Sprintf("/p%d", i), "get", "security", "0", "x")); line != 4+3*i {
				t.Fatalf("/p%d: line %d, want %d", i, line, 4+3*i)
			}
		}
		return ps.work
	}
	w1, w2 := work(1000), work(2000)
	if r := float64(w2) / float64(w1); r > 2.2 {
		t.Errorf("work grew %.2fx (%d, %d) for twice the paths and problems", r, w1, w2)
	}
}
