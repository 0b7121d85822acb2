package jsonx

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppendString checks the writer against encoding/json, which escapes
// the same characters and replaces invalid UTF-8 the same way.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\s", "<&>", "\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "héllo 世界 😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
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
		valid := json.Valid(data) && utf8.Valid(data) && depth(data) <= MaxDepth
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
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	s := NewScanner([]byte(deep))
	s.Skip()
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Errorf("Skip of %d levels: %v", MaxDepth+1, err)
	}
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	s = NewScanner([]byte(ok))
	s.Skip()
	if err := s.End(); err != nil {
		t.Errorf("Skip of %d levels: %v", MaxDepth, err)
	}
}
