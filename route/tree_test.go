package route

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// TestSegEnd checks segEndFrom, which scans 8 bytes at a time, against
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
		if got := segEndFrom(tt.p, 2); got != tt.want {
			t.Errorf("segEndFrom(%q, 2) = %d, want %d", tt.p, got, tt.want)
		}
	}
	for n := 1; n <= 40; n++ {
		for tail := range 12 {
			p := "/" + strings.Repeat("x", n) + "/" + strings.Repeat("y", tail)
			if got, want := segEndFrom(p, 2), 1+n; got != want {
				t.Errorf("segEndFrom(%q, 2) = %d, want %d", p, got, want)
			}
			p = "/" + strings.Repeat("x", n+tail)
			if got, want := segEndFrom(p, 2), len(p); got != want {
				t.Errorf("segEndFrom(%q, 2) = %d, want %d", p, got, want)
			}
		}
	}
}

// TestWordAfter checks wordAfter, which loads 8 bytes at once and pads
// with '/', against a byte-by-byte construction, for paths of every
// length up to 24 and every starting offset.
func TestWordAfter(t *testing.T) {
	const chars = "abcdefghijklmnopqrstuvwx"
	for n := 1; n <= len(chars); n++ {
		s := "/" + chars[:n-1]
		for i := 0; i < len(s); i++ {
			var want uint64
			for j := 7; j >= 0; j-- {
				c := byte('/')
				if i+1+j < len(s) {
					c = s[i+1+j]
				}
				want = want<<8 | uint64(c)
			}
			if got := wordAfter(s, i); got != want {
				t.Errorf("wordAfter(%q, %d) = %#x, want %#x", s, i, got, want)
			}
		}
	}
}

// TestManySiblings registers thousands of literal siblings, among them
// groups that share their first 8 bytes and so a hash slot, and checks
// that each is found, that near misses are not, and that the table stays
// within 4 slots per edge plus the chained ones.
func TestManySiblings(t *testing.T) {
	var labels []string
	for i := range 3000 {
		switch i % 3 {
		case 0:
			labels = append(labels, fmt.Sprintf("k%d", i))
		case 1:
			labels = append(labels, fmt.Sprintf("longprefix-%d", i)) // shares 8 bytes with every other
		default:
			labels = append(labels, fmt.Sprintf("a-much-longer-label-than-16-bytes-%d", i))
		}
	}
	r := New(Config{})
	for _, l := range labels {
		if err := r.Register("GET /"+l+"/x", handler.Func(siblingOK)); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range labels {
		if key, ok := r.Lookup("GET", "/"+l+"/x"); !ok || key != "GET /"+l+"/x" {
			t.Errorf("Lookup(%q) = %q, %v", "/"+l+"/x", key, ok)
		}
		for _, miss := range []string{l + "z", l[:len(l)-1], "z" + l} {
			if slices.Contains(labels, miss) {
				continue
			}
			if key, ok := r.Lookup("GET", "/"+miss+"/x"); ok {
				t.Errorf("Lookup(%q) = %q, want no route", "/"+miss+"/x", key)
			}
		}
	}
	n := &r.root
	if n.edges != len(labels) {
		t.Errorf("root has %d edges, want %d", n.edges, len(labels))
	}
	if size := 1 << (64 - n.shift); size > 4*2*len(labels) || len(n.table)-size > len(labels) {
		t.Errorf("table of %d slots and %d chained for %d edges", size, len(n.table)-size, len(labels))
	}
}

func siblingOK(context.Context, *event.Request) (*response.Response, error) { return nil, nil }

// TestCutWord checks slashBits and cutWord against a byte loop, for words
// with the first '/' at every position or none, the bytes around it
// varied, '.' (0x2e, which borrows in the word arithmetic) among them.
func TestCutWord(t *testing.T) {
	fill := []byte{'a', '.', '/', 0x00, 0x01, 0x2e, 0x30, 0x80, 0xff}
	for pos := 0; pos <= 8; pos++ {
		for _, before := range fill {
			for _, after := range fill {
				var b [8]byte
				for i := range b {
					switch {
					case i < pos:
						b[i] = before
						if before == '/' {
							b[i] = 'x'
						}
					case i == pos:
						b[i] = '/'
					default:
						b[i] = after
					}
				}
				w := binary.LittleEndian.Uint64(b[:])
				want := w
				for i := range b {
					if b[i] == '/' {
						want = w & (1<<(8*(i+1)) - 1)
						if i == 7 {
							want = w
						}
						break
					}
				}
				if got := cutWord(w, slashBits(w)); got != want {
					t.Errorf("cutWord(% x) = %#x, want %#x", b, got, want)
				}
			}
		}
	}
}
