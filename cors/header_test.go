package cors

import (
	"slices"
	"strings"
	"testing"
)

var headerListTests = []string{
	"content-type,x-trace",
	"Content-Type, X-Amz-Date,Authorization",
	"*",
	"authorization,*",
	"a,,b",
	"x y",
	"x:y",
	"é",
	"a,a,A",
	" ,\t",
	"Vary, Origin",
}

// oracleToken is RFC 9110's token rule, written as a character set.
func oracleToken(s string) bool {
	const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	return s != "" && strings.Trim(s, tchar) == ""
}

// FuzzHeaderList builds AllowHeaders and ExposeHeaders from a
// comma-separated list and checks what New accepts and sends, and checks
// the Vary list scanner, against direct implementations.
func FuzzHeaderList(f *testing.F) {
	for _, s := range headerListTests {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		entries := strings.Split(list, ",")
		c, err := New(Config{AllowOrigins: []string{"*"}, AllowHeaders: entries, ExposeHeaders: entries})
		valid := !slices.ContainsFunc(entries, func(e string) bool { return e != "*" && !oracleToken(e) })
		if (err == nil) != valid {
			t.Fatalf("New(AllowHeaders: %q) error = %v; want valid = %t", entries, err, valid)
		}
		if err == nil {
			want := strings.Join(uniq(entries), ",")
			if c.headers != want || c.expose != want {
				t.Fatalf("New(AllowHeaders: %q) sends %q, %q; want %q", entries, c.headers, c.expose, want)
			}
		}
		// listHasToken against a split-and-trim reading of the list.
		want := slices.ContainsFunc(strings.Split(list, ","), func(item string) bool {
			item = strings.Trim(item, " \t")
			return item == "*" || strings.EqualFold(item, "origin")
		})
		if got := listHasToken(list, "Origin"); got != want {
			t.Fatalf("listHasToken(%q, Origin) = %t; want %t", list, got, want)
		}
	})
}

// uniq returns s without repeated entries, first ones kept.
func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// TestAllowOriginOracleMap runs the oracle test with exact origins kept in
// a map, as they are when there are many.
func TestAllowOriginOracleMap(t *testing.T) {
	defer func(n int) { maxExactList = n }(maxExactList)
	maxExactList = 0
	c := MustNew(Config{AllowOrigins: []string{"https://a.example.com"}})
	if c.exact == nil || c.exactList != nil {
		t.Fatal("maxExactList = 0 did not put the origins in a map")
	}
	TestAllowOriginOracle(t)
	TestAllowOrigin(t)
}
