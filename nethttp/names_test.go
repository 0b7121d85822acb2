package nethttp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestInternedName checks every spelling internedName lists: each must
// map to what http.CanonicalHeaderKey makes of it, and the canonical
// spelling must be listed too.
func TestInternedName(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "names.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		cc, ok := node.(*ast.CaseClause)
		if !ok {
			return true
		}
		canonical := false
		for _, e := range cc.List {
			s, err := strconv.Unquote(e.(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			n++
			want := http.CanonicalHeaderKey(s)
			if got := internedName(s); got != want {
				t.Errorf("internedName(%q) = %q, want %q", s, got, want)
			}
			canonical = canonical || s == want
		}
		if !canonical {
			t.Errorf("case at %v lists no canonical spelling", cc.Case)
		}
		return false
	})
	if n < 100 {
		t.Fatalf("found %d spellings in names.go, want the switch's", n)
	}
	for _, s := range []string{"", "accept ", "ACCEPT", "Content-type", "x-forwarded", "x"} {
		if got := internedName(s); got != "" {
			t.Errorf("internedName(%q) = %q, want \"\"", s, got)
		}
	}
}

// FuzzCanonicalName checks canonicalName against http.CanonicalHeaderKey
// for tokens, and that it refuses other names.
func FuzzCanonicalName(f *testing.F) {
	for _, s := range []string{"content-type", "Content-Type", "CloudFront-Viewer-Country", "x-imforwards", "X-AMZ-CF-ID", "a b", "x_y", "ä", strings.Repeat("ab-", 30)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var names []byte
		got, ok := canonicalName(s, &names, nil)
		if ok != isToken(s) {
			t.Fatalf("canonicalName(%q) ok = %v, want %v", s, ok, !ok)
		}
		if ok && got != http.CanonicalHeaderKey(s) {
			t.Fatalf("canonicalName(%q) = %q, want %q", s, got, http.CanonicalHeaderKey(s))
		}
	})
}

// TestControls8 checks the eight-byte control character tests against
// the byte-at-a-time rules, for every byte value in every position,
// beside neighbours that could carry a borrow into it.
func TestControls8(t *testing.T) {
	for c := range 256 {
		for _, fill := range []byte{0, '\t', ' ', 'a', 0x7f, 0x80, 0xff} {
			for pos := range 8 {
				b := make([]byte, 8)
				for i := range b {
					b[i] = fill
				}
				b[pos] = byte(c)
				for _, n := range []int{8, 11} { // the word loop, and the word loop and the tail
					s := string(b) + "abc"[:n-8]
					if got, want := validValue(s), validValueBytewise(s); got != want {
						t.Fatalf("validValue(%q) = %v, want %v", s, got, want)
					}
					if got, want := hasCTL(s), hasCTLBytewise(s); got != want {
						t.Fatalf("hasCTL(%q) = %v, want %v", s, got, want)
					}
				}
			}
		}
	}
}

func validValueBytewise(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func hasCTLBytewise(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0
}

// TestCleanValue checks header values as net/http writes them: CR, LF
// and NUL become spaces byte by byte (other bytes, valid UTF-8 or not,
// stay), and surrounding blanks go.
func TestCleanValue(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain", "plain"},
		{"", ""},
		{" \t padded\t ", "padded"},
		{"a\r\nb", "a  b"},
		{"x\x00y", "x y"},
		{"\xff\n\xfe", "\xff \xfe"},
		{"\r\n", ""},
		{"in ner", "in ner"},
	} {
		if got := cleanValue(tt.in); got != tt.want {
			t.Errorf("cleanValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
