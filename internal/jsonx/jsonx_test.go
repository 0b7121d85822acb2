package jsonx

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppendString checks the writer against encoding/json, which escapes
// the same characters: byte for byte for valid UTF-8, and for invalid
// UTF-8, which both replace with U+FFFD, by the decoded string (Go 1.27's
// encoding/json writes the replacement as an escape, earlier ones as the
// character).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\s", "<&>", "\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "héllo 世界 😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		got := AppendString(nil, s)
		if utf8.ValidString(s) {
			if string(got) != string(want) {
				t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
			}
			return
		}
		var g, w string
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("AppendString(%q) = %s, not a JSON string: %v", s, got, err)
		}
		json.Unmarshal(want, &w)
		if g != w {
			t.Fatalf("AppendString(%q) = %s, decodes to %q, want %q", s, got, g, w)
		}
	})
}

// FuzzScanner checks that the scanner accepts exactly the valid UTF-8 JSON
// documents encoding/json accepts, and reads strings as it does.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `"a\u00e9\ud83d\ude00"`, `{"a":[1,-2.5e3,true,false,null,{"b":"c"}]}`, `[1,]`, `{"a" 1}`, `01`, `"\ud800"`, `1e`, `-`, `{"a":1}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewScanner(data)
		raw := s.Raw()
		err := s.End()
		valid := json.Valid(data) && utf8.Valid(data) && depth(data) <= DefaultMaxDepth
		if (err == nil) != valid {
			t.Fatalf("scanner on %q: err %v, json.Valid %v", data, err, valid)
		}
		if err != nil {
			return
		}
		if string(raw) != strings.TrimSpace(string(data)) {
			t.Fatalf("Raw = %q, want %q", raw, data)
		}
		if raw[0] == '"' {
			var want string
			json.Unmarshal(data, &want)
			if got := NewScanner(data).String(); got != want {
				t.Fatalf("String() = %q, want %q", got, want)
			}
		}
	})
}

func depth(data []byte) int {
	max, d, inStr := 0, 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case !inStr && (c == '{' || c == '['):
			d++
			if d > max {
				max = d
			}
		case !inStr && (c == '}' || c == ']'):
			d--
		}
	}
	return max
}

func TestSkipDeep(t *testing.T) {
	for _, tt := range []struct {
		limit, want int // Scanner.MaxDepth, and the depth it stands for
	}{
		{0, DefaultMaxDepth},
		{-1, DefaultMaxDepth},
		{5, 5},
		{DefaultMaxDepth + 10, DefaultMaxDepth + 10},
	} {
		nested := func(n int) []byte {
			return []byte(strings.Repeat(`{"a":[`, n/2) + strings.Repeat("[", n%2) + strings.Repeat("]", n%2) + strings.Repeat("]}", n/2))
		}
		s := Scanner{MaxDepth: tt.limit}
		s.Reset(nested(tt.want + 1)) // Reset keeps the limit
		s.Skip()
		if err := s.Err(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("nesting deeper than %d", tt.want)) {
			t.Errorf("Scanner{MaxDepth: %d}.Skip of %d levels: %v, want nesting deeper than %d", tt.limit, tt.want+1, err, tt.want)
		}
		s.Reset(nested(tt.want))
		s.Skip()
		if err := s.End(); err != nil {
			t.Errorf("Scanner{MaxDepth: %d}.Skip of %d levels: %v", tt.limit, tt.want, err)
		}
	}
}

// TestSkipSpace checks the eight-byte white space skipping against the
// byte table: every byte value in every position of a run, beside
// neighbours that could carry a borrow into it, at every offset from the
// end of the data (the word loop and the byte loop).
func TestSkipSpace(t *testing.T) {
	for c := range 256 {
		for _, fill := range []byte{' ', '\n', '\r', '\t', 0, 0x21, 0x80, 0xff} {
			for pos := range 12 {
				b := make([]byte, 12)
				for i := range b {
					b[i] = fill
				}
				b[pos] = byte(c)
				for n := 1; n <= len(b); n++ {
					want := 0
					for want < n && space[b[want]] {
						want++
					}
					s := Scanner{data: b[:n]}
					s.skipSpace()
					if s.pos != want {
						t.Fatalf("skipSpace over % x stopped at %d, want %d", b[:n], s.pos, want)
					}
				}
			}
		}
	}
}

// FuzzOneString checks OneString against encoding/json on valid
// documents: it takes exactly the arrays of one string, with the same
// value, and leaves the scanner where it was for every other value. On
// other input it must not panic.
func FuzzOneString(f *testing.F) {
	for _, s := range []string{`["a"]`, ` [ "a\u00e9" ] `, `["a","b"]`, `[]`, `null`, `["a"`, `[1]`, `[null]`, `[ "x" , ]`, `"a"`, `{"a":1}`, `[""]0`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewScanner(data)
		got, ok := s.OneString()
		if !json.Valid(data) || !utf8.Valid(data) || depth(data) > DefaultMaxDepth {
			return
		}
		var want []*string
		isOne := json.Unmarshal(data, &want) == nil && len(want) == 1 && want[0] != nil
		if ok != isOne {
			t.Fatalf("OneString(%q) ok = %v, want %v", data, ok, isOne)
		}
		if ok {
			if got != *want[0] {
				t.Fatalf("OneString(%q) = %q, want %q", data, got, *want[0])
			}
			if err := s.End(); err != nil {
				t.Fatalf("OneString(%q) then End: %v", data, err)
			}
			return
		}
		if s.Err() != nil || s.Offset() != 0 {
			t.Fatalf("OneString(%q) = false moved to %d, err %v", data, s.Offset(), s.Err())
		}
		// The value is read again the general way, as callers do.
		s.Raw()
		if err := s.End(); err != nil {
			t.Fatalf("reading %q after OneString: %v", data, err)
		}
	})
}

// TestExtendString checks that extending a string gives the string of
// the joined values, escaped as AppendString escapes them.
func TestExtendString(t *testing.T) {
	for _, vs := range [][]string{{"a"}, {"a", "b"}, {"", ""}, {"q\"", "\\", "<&>", "\xff", "\u2028", "é"}} {
		b := AppendString([]byte(`{"k":`), vs[0])
		for _, v := range vs[1:] {
			b = ExtendString(b, ',', v)
		}
		want := AppendString([]byte(`{"k":`), strings.Join(vs, ","))
		if string(b) != string(want) {
			t.Errorf("ExtendString over %q = %s, want %s", vs, b, want)
		}
	}
}
