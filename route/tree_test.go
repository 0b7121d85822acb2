package route

import (
	"strings"
	"testing"
)

// TestSegEnd checks segEnd, which scans 8 bytes at a time, against
// strings.IndexByte, with the '/' at every offset around the word
// boundaries and absent.
func TestSegEnd(t *testing.T) {
	tests := []struct {
		p    string
		want int
	}{
		{"/a", 2},
		{"/a/", 2},
		{"/ab/c", 3},
		{"/abcdefg/h", 8},
		{"/abcdefgh/i", 9},
		{"/abcdefghi/j", 10},
		{"/abcdefghijklmno/p", 16},
		{"/abcdefghijklmnop/q", 17},
		{"/abcdefghijklmnopqrstuvwxyz", 27},
		{"/a//", 2},
		{"/é/x", 3},
	}
	for _, tt := range tests {
		if got := segEnd(tt.p); got != tt.want {
			t.Errorf("segEnd(%q) = %d, want %d", tt.p, got, tt.want)
		}
	}
	for n := 1; n <= 40; n++ {
		for tail := range 12 {
			p := "/" + strings.Repeat("x", n) + "/" + strings.Repeat("y", tail)
			if got, want := segEnd(p), 1+n; got != want {
				t.Errorf("segEnd(%q) = %d, want %d", p, got, want)
			}
			p = "/" + strings.Repeat("x", n+tail)
			if got, want := segEnd(p), len(p); got != want {
				t.Errorf("segEnd(%q) = %d, want %d", p, got, want)
			}
		}
	}
}
