package ascii

import (
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
