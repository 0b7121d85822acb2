package gateway

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"testing/iotest"
)

// frame returns a client frame (masked) with the given payload length,
// the payload all 'x'.
func frame(opcode byte, n int, masked bool) []byte {
	b := []byte{0x80 | opcode}
	mask := byte(0)
	if masked {
		mask = 0x80
	}
	switch {
	case n < 126:
		b = append(b, mask|byte(n))
	case n < 1<<16:
		b = append(b, mask|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, mask|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if masked {
		b = append(b, 1, 2, 3, 4)
	}
	return append(b, bytes.Repeat([]byte{'x'}, n)...)
}

// readAll reads r through a frameReader of max, one byte at a time when
// slow, and returns what passed and the error.
func readAll(stream []byte, max int64, slow bool) ([]byte, error, bool) {
	var r io.Reader = bytes.NewReader(stream)
	if slow {
		r = iotest.OneByteReader(r)
	}
	var tooBig atomic.Bool
	f := &frameReader{r: r, max: max, tooBig: &tooBig}
	out, err := io.ReadAll(f)
	return out, err, tooBig.Load()
}

// TestFrameReader checks the frame quota at its edge, for every length
// encoding, masked or not, read whole or byte by byte: frames up to the
// quota pass unchanged, and the stream stops at the header of the first
// frame over it, passing on everything before that header.
func TestFrameReader(t *testing.T) {
	for _, tt := range []struct {
		name   string
		frames [][]byte
		max    int64
		passed int // frames passed whole before the stop; -1: all
		tooBig bool
	}{
		{"small frames", [][]byte{frame(1, 10, true), frame(9, 0, true), frame(1, 125, false)}, 200, -1, false},
		{"at the quota, 16-bit length", [][]byte{frame(1, 1024, true), frame(0, 1024, true)}, 1024, -1, false},
		{"over the quota, 16-bit length", [][]byte{frame(1, 1024, true), frame(1, 1025, true)}, 1024, 1, true},
		{"7-bit length over a small quota", [][]byte{frame(1, 100, true), frame(1, 101, true)}, 100, 1, true},
		{"64-bit length", [][]byte{frame(1, 70000, true)}, 70000, -1, false},
		{"64-bit length over", [][]byte{frame(2, 10, true), frame(2, 70001, true)}, 70000, 1, true},
		{"first frame over", [][]byte{frame(1, 33, true)}, 32, 0, true},
	} {
		for _, slow := range []bool{false, true} {
			stream := bytes.Join(tt.frames, nil)
			out, err, tooBig := readAll(stream, tt.max, slow)
			want := stream
			if tt.passed >= 0 {
				want = bytes.Join(tt.frames[:tt.passed], nil)
			}
			if !bytes.Equal(out, want) || tooBig != tt.tooBig || (err != nil) != tt.tooBig || tt.tooBig && !errors.Is(err, errFrameTooBig) {
				t.Errorf("%s (slow %v): passed %d bytes of %d wanted, err %v, tooBig %v", tt.name, slow, len(out), len(want), err, tooBig)
			}
		}
	}
	// A length with the top bit set is over any quota.
	bad := []byte{0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}
	if _, err, tooBig := readAll(bad, 1<<62, false); !tooBig || err == nil {
		t.Error("a 64-bit length with the top bit set passed")
	}
}

// TestFrameReaderCost checks that streams of any length pass whole and
// that reading frames allocates nothing: the reader looks at header bytes
// only and skips payloads in one step.
func TestFrameReaderCost(t *testing.T) {
	for _, n := range []int{1 << 10, 1 << 20} {
		stream := bytes.Repeat(frame(1, 1000, true), n/1000)
		out, err, _ := readAll(stream, 1<<20, false)
		if err != nil || !bytes.Equal(out, stream) {
			t.Fatalf("%d bytes: %v", n, err)
		}
	}
	fr := bytes.Repeat(frame(1, 4000, true), 10)
	src := bytes.NewReader(fr)
	var tooBig atomic.Bool
	buf := make([]byte, 512)
	allocs := testing.AllocsPerRun(100, func() {
		src.Reset(fr)
		f := frameReader{r: src, max: 1 << 20, tooBig: &tooBig}
		for {
			if _, err := f.Read(buf); err != nil {
				break
			}
		}
	})
	if allocs != 0 {
		t.Errorf("reading ten frames allocates %.0f times, want 0", allocs)
	}
}

// FuzzFrameReader reads arbitrary streams through the frame reader,
// whole and byte by byte: it never panics, passes a prefix of the
// stream, and stops only at a frame whose header says it is over the
// quota, which an independent parse of the passed bytes confirms.
func FuzzFrameReader(f *testing.F) {
	f.Add(bytes.Join([][]byte{frame(1, 10, true), frame(1, 300, true)}, nil), int64(256))
	f.Add(frame(2, 70000, false), int64(65536))
	f.Add([]byte{0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1}, int64(10))
	f.Add([]byte{}, int64(0))
	f.Fuzz(func(t *testing.T, stream []byte, max int64) {
		if max < 0 {
			max = -max
		}
		whole, err, tooBig := readAll(stream, max, false)
		if !bytes.HasPrefix(stream, whole) {
			t.Fatalf("passed bytes are not a prefix of the stream")
		}
		if tooBig != (err != nil) {
			t.Fatalf("tooBig %v with error %v", tooBig, err)
		}
		// Parse the stream independently up to where the reader stopped.
		pos := 0
		for pos < len(stream) {
			if len(stream)-pos < 2 {
				break
			}
			h := stream[pos : pos+2]
			need := 2
			n := int64(h[1] & 0x7f)
			switch n {
			case 126:
				need += 2
			case 127:
				need += 8
			}
			if h[1]&0x80 != 0 {
				need += 4
			}
			if len(stream)-pos < need {
				break
			}
			switch n {
			case 126:
				n = int64(binary.BigEndian.Uint16(stream[pos+2:]))
			case 127:
				u := binary.BigEndian.Uint64(stream[pos+2:])
				n = int64(u)
				if u > 1<<63-1 {
					n = max + 1
				}
			}
			if n > max {
				if !tooBig || len(whole) != pos {
					t.Fatalf("frame at %d is over the quota (%d > %d): reader passed %d bytes, tooBig %v", pos, n, max, len(whole), tooBig)
				}
				return
			}
			if int64(len(stream)-pos-need) < n {
				break
			}
			pos += need + int(n)
		}
		if tooBig {
			t.Fatalf("reader stopped at %d; no frame is over the quota", len(whole))
		}
		if !bytes.Equal(whole, stream) {
			t.Fatalf("reader passed %d of %d bytes without stopping", len(whole), len(stream))
		}
		slow, _, slowBig := readAll(stream, max, true)
		if slowBig != tooBig || !bytes.Equal(slow, whole) {
			t.Fatalf("byte by byte: passed %d bytes, tooBig %v; whole: %d, %v", len(slow), slowBig, len(whole), tooBig)
		}
	})
}
