package ascii

import (
	"encoding/binary"
	"strings"
	"testing"
)

func TestEqualFold(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"Content-Type", "content-type", true},
		{"X-A", "x-a", true},
		{"", "", true},
		{"a", "ab", false},
		{"[", "{", false}, // differ only in bit 0x20, but are not letters
		{"@", "`", false},
		{"é", "É", false}, // ASCII only
	} {
		if got := EqualFold(tt.a, tt.b); got != tt.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// FuzzEqualFold checks EqualFold against strings.EqualFold on ASCII input.
func FuzzEqualFold(f *testing.F) {
	f.Add("Accept", "ACCEPT")
	f.Add("[]", "{}")
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, s := range []string{a, b} {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 {
					return
				}
			}
		}
		if EqualFold(a, b) != strings.EqualFold(a, b) {
			t.Fatalf("EqualFold(%q, %q) = %v", a, b, EqualFold(a, b))
		}
	})
}

func TestHex(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := strings.IndexByte("0123456789abcdefABCDEF", byte(c))
		if IsHex(byte(c)) != (want >= 0) {
			t.Errorf("IsHex(%q) = %v", byte(c), IsHex(byte(c)))
		}
		if want >= 0 {
			v := want
			if v >= 16 {
				v -= 6
			}
			if int(Unhex(byte(c))) != v {
				t.Errorf("Unhex(%q) = %d, want %d", byte(c), Unhex(byte(c)), v)
			}
		}
	}
}

// TestWord8 checks the word tests against byte comparisons for every byte
// value in every position, beside neighbours that could carry a borrow or
// a carry into it, and for every c they accept.
func TestWord8(t *testing.T) {
	for b := range 256 {
		for _, fill := range []byte{0, 1, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff} {
			for pos := range 8 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(b)
				x := binary.LittleEndian.Uint64(w[:])
				for c := range 256 {
					eq := Equal8(x, byte(c))
					var lt, gt uint64
					if c >= 1 && c <= 0x80 {
						lt = Less8(x, byte(c))
					}
					if c < 0x80 {
						gt = Greater8(x, byte(c))
					}
					for i, v := range w {
						bit := uint64(0x80) << (8 * i)
						if got, want := eq&bit != 0, v == byte(c); got != want {
							t.Fatalf("Equal8(% x, %#x) byte %d: %v, want %v", w, c, i, got, want)
						}
						if got, want := lt&bit != 0, c >= 1 && c <= 0x80 && v < byte(c); got != want {
							t.Fatalf("Less8(% x, %#x) byte %d: %v, want %v", w, c, i, got, want)
						}
						if got, want := gt&bit != 0, c < 0x80 && v > byte(c); got != want {
							t.Fatalf("Greater8(% x, %#x) byte %d: %v, want %v", w, c, i, got, want)
						}
					}
				}
			}
		}
	}
}
