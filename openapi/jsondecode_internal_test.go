package openapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sameAsUnmarshal checks that decodeJSON decodes src as json.Unmarshal
// does when it decodes it, and reports whether it did.
func sameAsUnmarshal(t *testing.T, name string, src []byte) bool {
	t.Helper()
	got, ok := decodeJSON(src)
	if !ok {
		return false
	}
	var want any
	if err := json.Unmarshal(src, &want); err != nil {
		t.Errorf("%s: decodeJSON decoded a document json.Unmarshal refuses: %v", name, err)
		return true
	}
	if !reflect.DeepEqual(want, got) { // cmp.Diff takes long on deep nesting
		t.Errorf("%s: decodeJSON differs from json.Unmarshal (-want +got):\n%s", name, cmp.Diff(want, got))
	}
	return true
}

// TestDecodeJSON checks decodeJSON against json.Unmarshal on the test
// definitions and on documents of every shape: those it decodes, and
// those it leaves to json.Unmarshal.
func TestDecodeJSON(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !sameAsUnmarshal(t, f, b) {
			t.Errorf("%s: not decoded", f)
		}
	}
	for _, tt := range []struct {
		doc     string
		decoded bool
	}{
		{`{"a":[1,-2.5e3,0,-0,1E+2,1e-2,true,false,null,"s",{},[]],"b":{"c":{"d":[[]]}}}`, true},
		{` { "a" : "x" , "a" : "y" } ` + "\n\t\r", true},
		{`{"k":"\"\\\/\b\f\n\r\t\u00e9\u20ac\u0000 é €"}`, true},
		{`{"a":"x","b":"x","x":"a"}`, true},
		{`"\ud83d\ude00"`, false}, // a surrogate pair, which json.Unmarshal joins
		{`"\ud83d"`, false},       // a lone surrogate, which json.Unmarshal replaces
		{"\"\xff\"", false},       // invalid UTF-8, which json.Unmarshal replaces
		{`1e400`, false},          // out of range
		{`{"a":1,}`, false},       // invalid from here on
		{`[1,]`, false},
		{`{"a" 1}`, false},
		{`{a:1}`, false},
		{`01`, false},
		{`-`, false},
		{`1.`, false},
		{`1e`, false},
		{`.5`, false},
		{`+1`, false},
		{`tru`, false},
		{`truex`, false},
		{`nul`, false},
		{`"\x"`, false},
		{`"\u12"`, false},
		{`"\u12g4"`, false},
		{"\"a\nb\"", false},
		{`"abc`, false},
		{`{"a":1} {}`, false},
		{`{"a":1`, false},
		{``, false},
		{"\xef\xbb\xbf{}", false},
		{strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth), true},
		{strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), false},
	} {
		if got := sameAsUnmarshal(t, tt.doc, []byte(tt.doc)); got != tt.decoded {
			t.Errorf("decodeJSON(%q) decoded %v, want %v", tt.doc, got, tt.decoded)
		}
	}
}

// FuzzDecodeJSON checks decodeJSON against json.Unmarshal on any
// document.
func FuzzDecodeJSON(f *testing.F) {
	addJSONDefinitions(f)
	f.Add([]byte(`{"a":[1,-2.5e3,0,-0,1E+2,true,null,"\u00e9\n"],"b":{}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		sameAsUnmarshal(t, "fuzz", src)
	})
}
