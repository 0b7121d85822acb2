package jsonsmart

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// tokens reads s and describes its tokens, or its error.
func tokens(s string, maxDepth int) (string, error) {
	var d Decoder
	d.Reset(s, maxDepth)
	var out []string
	for {
		tok, err := d.Next()
		if err != nil {
			return strings.Join(out, " "), err
		}
		if tok == nil {
			return strings.Join(out, " "), nil
		}
		out = append(out, describe(tok))
	}
}

func describe(t *Token) string {
	switch t.Kind {
	case Null:
		return "null"
	case Bool:
		return fmt.Sprint(t.Int != 0)
	case Int:
		return fmt.Sprintf("int(%d)", t.Int)
	case BigInt:
		return "bigint(" + t.Str + ")"
	case Float:
		return fmt.Sprintf("float(%v)", t.Float)
	case BigDecimal:
		return "bigdec(" + t.Str + ")"
	case String:
		return fmt.Sprintf("%q", t.Str)
	case Key:
		return t.Str + ":"
	case BeginObject:
		return "{"
	case EndObject:
		return "}"
	case BeginArray:
		return "["
	case EndArray:
		return "]"
	}
	return "?"
}

func TestDecoder(t *testing.T) {
	for _, tt := range []struct {
		in, want, err string
	}{
		{``, `null`, ""},
		{`  `, `null`, ""},
		{`{"a": 1, "b": [true, null, "x"]}`, `{ a: int(1) b: [ true null "x" ] }`, ""},
		{`{statusCode: 200}`, `{ statusCode: int(200) }`, ""},
		{`{'a': 'b c'}`, `{ a: "b c" }`, ""},
		{`{"a": b c}`, `{ a: "b c" }`, ""},
		{`{,"a":1,,}`, `{ a: int(1) }`, ""},
		{`[1,,2,]`, `[ int(1) int(2) ]`, ""},
		{`a=b`, `"a=b"`, ""},
		{` 12 `, `int(12)`, ""},
		{`true`, `true`, ""},
		{`{"a":1} trailing`, `{ a: int(1) }`, ""},
		{`{"n": 12345678901234567890}`, `{ n: bigint(12345678901234567890) }`, ""},
		{`{"n": -0.0, "e": 1.5e3}`, `{ n: float(-0) e: float(1500) }`, ""},
		{`{"n": 1.0000000000000000001}`, `{ n: bigdec(1.0000000000000000001) }`, ""},
		{`{"s": "a\nb\u00e9\ud83d\ude00"}`, `{ s: "a\nbé😀" }`, ""},
		{`{"a": -}`, `{ a: int(0) }`, ""},
		{`{a`, ``, "Unexpected End Of File position 1: null"},
		{`[a`, ``, "Unexpected End Of File position 1: EOF"},
		{`{"a" 1}`, ``, "Unexpected character (1) at position 5."},
		{`{"a": "\uZZZZ"}`, ``, "Unexpected character (Z) at position 9."},
		{`[[[[1]]]]`, ``, "nesting deeper than 3"},
	} {
		got, err := tokens(tt.in, 3)
		if tt.err != "" {
			var se *SyntaxError
			if !errors.As(err, &se) || !strings.Contains(se.Detail, tt.err) {
				t.Errorf("tokens(%q) error = %v; want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("tokens(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestDecoderLinear counts the tokens of documents of n and 2n members:
// the decoder does a constant amount of work a token, and a decoder that
// is reused allocates nothing, whatever the size of the document.
func TestDecoderLinear(t *testing.T) {
	doc := func(n int) string {
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			fmt.Fprintf(&b, `"k%d":[%d],`, i, i)
		}
		b.WriteByte('}')
		return b.String()
	}
	var d Decoder
	count := func(s string) int {
		d.Reset(s, 4)
		k := 0
		for {
			tok, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			if tok == nil {
				return k
			}
			k++
		}
	}
	small, large := doc(1000), doc(2000)
	if a, b := count(small), count(large); a != 2+4*1000 || b != 2+4*2000 {
		t.Errorf("tokens for 1000 and 2000 members: %d, %d; want %d, %d", a, b, 2+4*1000, 2+4*2000)
	}
	for _, s := range []string{small, large} {
		if allocs := testing.AllocsPerRun(20, func() { count(s) }); allocs != 0 {
			t.Errorf("reading a document of %d bytes allocates %.1f times; want 0", len(s), allocs)
		}
	}
}

// FuzzDecoder checks that the decoder never panics, that containers are
// balanced and nested no deeper than allowed, and that it ends.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `{a`, `[a`, `'x'`, `{statusCode: 200}`, `{"s":"\u00e9\ud83d"}`, `[[[[]]]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d Decoder
		d.Reset(s, 8)
		depth := 0
		for i := 0; ; i++ {
			if i > 2*len(s)+2 {
				t.Fatalf("more tokens than the input can hold for %q", s)
			}
			tok, err := d.Next()
			if err != nil || tok == nil {
				if err == nil && depth != 0 {
					t.Fatalf("ended with %d containers open for %q", depth, s)
				}
				return
			}
			switch tok.Kind {
			case BeginObject, BeginArray:
				depth++
			case EndObject, EndArray:
				depth--
			}
			if depth < 0 || depth > 8 || depth != d.Depth() {
				t.Fatalf("depth %d (decoder says %d) for %q", depth, d.Depth(), s)
			}
		}
	})
}
