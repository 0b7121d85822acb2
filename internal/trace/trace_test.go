package trace

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// counter returns a deterministic stand-in for rand.Uint64: 1, 2, 3, ...
func counter() func() uint64 {
	var n uint64
	return func() uint64 { n++; return n }
}

var parseTests = []struct {
	name   string
	in     string
	fields []Field // nil: Parse fails
	out    string  // String of the result; "" means in itself
	errHas string
}{
	{name: "root only", in: "Root=1-5759e988-bd862e3fe1be46a994272793",
		fields: []Field{{"Root", "1-5759e988-bd862e3fe1be46a994272793"}}},
	{name: "x-ray documented example", in: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
		fields: []Field{{"Root", "1-5759e988-bd862e3fe1be46a994272793"}, {"Parent", "53995c3f42cd8ad8"}, {"Sampled", "1"}}},
	{name: "lineage", in: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1;Lineage=a87bd80c:1|68fd508a:5|c512fbe3:2",
		fields: []Field{{"Root", "1-5759e988-bd862e3fe1be46a994272793"}, {"Sampled", "1"}, {"Lineage", "a87bd80c:1|68fd508a:5|c512fbe3:2"}}},
	{name: "load balancer with custom field", in: "Self=1-67891233-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;CalledFrom=app",
		fields: []Field{{"Self", "1-67891233-12456789abcdef012345678"}, {"Root", "1-67891233-abcdef012345678912345678"}, {"CalledFrom", "app"}}},
	{name: "sampling left open", in: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?",
		fields: []Field{{"Root", "1-5759e988-bd862e3fe1be46a994272793"}, {"Sampled", "?"}}},
	{name: "value with equals sign", in: "Root=1-5759e988-bd862e3fe1be46a994272793;Note=a=b",
		fields: []Field{{"Root", "1-5759e988-bd862e3fe1be46a994272793"}, {"Note", "a=b"}}},
	{name: "repeated custom field kept", in: "Root=x;A=1;A=2",
		fields: []Field{{"Root", "x"}, {"A", "1"}, {"A", "2"}}},
	{name: "empty value", in: "Root=",
		fields: []Field{{"Root", ""}}},
	{name: "spaces trimmed", in: " Root = 1-5759e988-bd862e3fe1be46a994272793 ; Sampled=0\t",
		fields: []Field{{"Root", "1-5759e988-bd862e3fe1be46a994272793"}, {"Sampled", "0"}},
		out:    "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0"},
	{name: "empty fields skipped", in: ";Root=1-5759e988-bd862e3fe1be46a994272793;;Sampled=0;",
		fields: []Field{{"Root", "1-5759e988-bd862e3fe1be46a994272793"}, {"Sampled", "0"}},
		out:    "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0"},
	{name: "empty", in: "", errHas: "empty header"},
	{name: "only separators", in: " ; ;", errHas: "empty header"},
	{name: "no equals", in: "Root=1-5759e988-bd862e3fe1be46a994272793;garbage", errHas: `at offset 41: field "garbage" has no '='`},
	{name: "empty name", in: "=x", errHas: "empty name"},
	{name: "second root", in: "Root=a;Root=b", errHas: `second "Root"`},
	{name: "second sampled", in: "Root=a;Sampled=1;Sampled=0", errHas: `second "Sampled"`},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := Parse(tt.in)
			if tt.fields == nil {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tt.in, err, tt.errHas)
				}
				if !strings.HasPrefix(err.Error(), "trace: ") {
					t.Errorf("Parse(%q) error %q lacks the package prefix", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.fields, h.Fields()); diff != "" {
				t.Errorf("Parse(%q) fields (-want +got):\n%s", tt.in, diff)
			}
			want := tt.out
			if want == "" {
				want = tt.in
			}
			if got := h.String(); got != want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, want)
			}
			if got := string(h.AppendTo([]byte("x:"))); got != "x:"+want {
				t.Errorf("AppendTo = %q, want %q", got, "x:"+want)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	h, err := Parse("Self=1-67891233-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"Root", h.Root(), "1-67891233-abcdef012345678912345678"},
		{"Parent", h.Parent(), "53995c3f42cd8ad8"},
		{"Sampled", h.Sampled(), "1"},
		{"Self", h.Self(), "1-67891233-12456789abcdef012345678"},
		{"Lineage", h.Lineage(), "a87bd80c:1"},
	} {
		if c.got != c.want {
			t.Errorf("h.%s() = %q, want %q", c.name, c.got, c.want)
		}
	}
	if v, ok := h.Get("CalledFrom"); ok || v != "" {
		t.Errorf(`h.Get("CalledFrom") = %q, %t; want "", false`, v, ok)
	}
	if v, ok := h.Get("root"); ok {
		t.Errorf(`h.Get("root") = %q, true; names are case-sensitive`, v)
	}
	var zero Header
	if !zero.IsZero() || zero.String() != "" || zero.Root() != "" {
		t.Errorf("zero Header: IsZero %t, String %q, Root %q", zero.IsZero(), zero.String(), zero.Root())
	}
}

func TestWithCopies(t *testing.T) {
	h, _ := Parse("Root=r;Sampled=0")
	h2 := h.With("Sampled", "1")
	h3 := h.With("CalledFrom", "app")
	if h.String() != "Root=r;Sampled=0" {
		t.Errorf("With changed its receiver: %q", h)
	}
	if h2.String() != "Root=r;Sampled=1" {
		t.Errorf(`With("Sampled", "1") = %q, want in place`, h2)
	}
	if h3.String() != "Root=r;Sampled=0;CalledFrom=app" {
		t.Errorf(`With("CalledFrom", "app") = %q, want appended`, h3)
	}
	// Fields returns a copy.
	f := h.Fields()
	f[0].Value = "changed"
	if h.Root() != "r" {
		t.Error("changing Fields' result changed the header")
	}
}

func TestValid(t *testing.T) {
	for _, c := range []struct {
		s    string
		root bool
		id   bool
	}{
		{"1-5759e988-bd862e3fe1be46a994272793", true, false},
		{"1-5759E988-BD862E3FE1BE46A994272793", true, false},
		{"2-5759e988-bd862e3fe1be46a994272793", false, false},
		{"1-5759e988-bd862e3fe1be46a99427279", false, false},
		{"1-5759e988-bd862e3fe1be46a9942727933", false, false},
		{"1_5759e988-bd862e3fe1be46a994272793", false, false},
		{"1-5759e98g-bd862e3fe1be46a994272793", false, false},
		{"53995c3f42cd8ad8", false, true},
		{"53995c3f42cd8ad", false, false},
		{"53995c3f42cd8adz", false, false},
		{"", false, false},
	} {
		if got := ValidRoot(c.s); got != c.root {
			t.Errorf("ValidRoot(%q) = %t, want %t", c.s, got, c.root)
		}
		if got := ValidID(c.s); got != c.id {
			t.Errorf("ValidID(%q) = %t, want %t", c.s, got, c.id)
		}
	}
}

func TestNewRoot(t *testing.T) {
	// The X-Ray guide's example: 10:00AM December 1st, 2016 PST is
	// 1480615200 seconds, 58406520 in hex.
	at := time.Date(2016, 12, 1, 10, 0, 0, 0, time.FixedZone("PST", -8*3600))
	got := newRoot(at, counter())
	if want := "1-58406520-000000000000000000000002"; got != want {
		t.Errorf("newRoot(%v) = %q, want %q", at, got, want)
	}
	random := func() uint64 { return 0xffffffff_ffffffff }
	if got, want := newRoot(at, random), "1-58406520-ffffffffffffffffffffffff"; got != want {
		t.Errorf("newRoot(all ones) = %q, want %q", got, want)
	}
	r := NewRoot(at)
	if !ValidRoot(r) || !strings.HasPrefix(r, "1-58406520-") {
		t.Errorf("NewRoot(%v) = %q", at, r)
	}
	if NewRoot(at) == r {
		t.Errorf("two NewRoot calls gave %q", r)
	}
	if id := NewID(); !ValidID(id) || id == NewID() {
		t.Errorf("NewID() = %q", id)
	}
	if got := newID(counter()); got != "0000000000000001" {
		t.Errorf("newID(1) = %q", got)
	}
}

var at = time.Unix(0x5759e988, 0)

const clientRoot = "1-5759e900-bd862e3fe1be46a994272793"

var fromRequestTests = []struct {
	name   string
	header string
	mode   Mode
	sample bool
	want   string
}{
	{"none: a new root", "", Passive, false, "Root=1-5759e988-000000000000000000000002"},
	{"client's trace kept whole", "Root=" + clientRoot + ";Parent=53995c3f42cd8ad8;Sampled=1;CalledFrom=app", Passive, false,
		"Root=" + clientRoot + ";Parent=53995c3f42cd8ad8;Sampled=1;CalledFrom=app"},
	{"client's order kept", "CalledFrom=app;Root=" + clientRoot, Passive, true, "CalledFrom=app;Root=" + clientRoot},
	{"malformed header replaced", "garbage", Passive, false, "Root=1-5759e988-000000000000000000000002"},
	{"bad root replaced", "Root=1-abc;CalledFrom=app", Passive, false, "Root=1-5759e988-000000000000000000000002"},
	{"no root replaced", "CalledFrom=app", Passive, false, "Root=1-5759e988-000000000000000000000002"},
	{"active, sampled: parent and decision follow root", "", Active, true,
		"Root=1-5759e988-000000000000000000000002;Parent=0000000000000003;Sampled=1"},
	{"active, not sampled: no segment", "", Active, false,
		"Root=1-5759e988-000000000000000000000002;Sampled=0"},
	{"active: client's parent replaced by the gateway's", "Root=" + clientRoot + ";Parent=53995c3f42cd8ad8;Sampled=1", Active, false,
		"Root=" + clientRoot + ";Parent=0000000000000001;Sampled=1"},
	{"active: client's no is kept", "Root=" + clientRoot + ";Sampled=0", Active, true,
		"Root=" + clientRoot + ";Sampled=0"},
	{"active: open decision made", "Root=" + clientRoot + ";Sampled=?;CalledFrom=app", Active, true,
		"Root=" + clientRoot + ";Parent=0000000000000001;Sampled=1;CalledFrom=app"},
}

func TestFromRequest(t *testing.T) {
	for _, tt := range fromRequestTests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromRequest(tt.header, at, tt.mode, tt.sample, counter()).String()
			if got != tt.want {
				t.Errorf("FromRequest(%q, mode %d, sample %t) =\n%q, want\n%q", tt.header, tt.mode, tt.sample, got, tt.want)
			}
		})
	}
	h := FromRequest("", at, Active, true)
	if !ValidRoot(h.Root()) || !ValidID(h.Parent()) || h.Sampled() != "1" {
		t.Errorf("FromRequest(active, sampled) = %q", h)
	}
}

func TestFromLoadBalancer(t *testing.T) {
	// The examples of the Application Load Balancer guide, "Request
	// tracing for your Application Load Balancer".
	self := "1-5759e988-000000000000000000000002"
	for _, c := range []struct{ in, want string }{
		{"", "Root=" + self},
		{"Root=1-67891233-abcdef012345678912345678", "Self=" + self + ";Root=1-67891233-abcdef012345678912345678"},
		{"Root=1-67891233-abcdef012345678912345678;CalledFrom=app", "Self=" + self + ";Root=1-67891233-abcdef012345678912345678;CalledFrom=app"},
		{"Self=1-67891233-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678", "Self=" + self + ";Root=1-67891233-abcdef012345678912345678"},
		{"CalledFrom=app;Self=1-67891233-12456789abcdef012345678;Root=r", "CalledFrom=app;Self=" + self + ";Root=r"},
		{"CalledFrom=app", "Root=" + self},
		{"garbage", "Root=" + self},
	} {
		if got := fromLoadBalancer(c.in, at, counter()).String(); got != c.want {
			t.Errorf("FromLoadBalancer(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestForFunction(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Root=" + clientRoot, "Root=" + clientRoot + ";Parent=0000000000000001;Sampled=0"},
		{"Root=" + clientRoot + ";Parent=53995c3f42cd8ad8;Sampled=1;CalledFrom=app", "Root=" + clientRoot + ";Parent=0000000000000001;Sampled=1"},
		{"Root=" + clientRoot + ";Sampled=?;Lineage=a87bd80c:1", "Root=" + clientRoot + ";Parent=0000000000000001;Sampled=0;Lineage=a87bd80c:1"},
		{"", "Root=1-5759e988-000000000000000000000002;Parent=0000000000000003;Sampled=0"},
	} {
		h, _ := Parse(c.in)
		if got := forFunction(h, at, counter()).String(); got != c.want {
			t.Errorf("ForFunction(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestResponse(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Root=" + clientRoot, "Root=" + clientRoot + ";Sampled=0"},
		{"Root=" + clientRoot + ";Parent=53995c3f42cd8ad8;Sampled=1;CalledFrom=app", "Root=" + clientRoot + ";Sampled=1"},
		{"Root=" + clientRoot + ";Sampled=?", "Root=" + clientRoot + ";Sampled=0"},
	} {
		h, _ := Parse(c.in)
		if got := h.Response(); got != c.want {
			t.Errorf("Parse(%q).Response() = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestContext(t *testing.T) {
	h, _ := Parse("Root=" + clientRoot + ";Parent=53995c3f42cd8ad8;Sampled=0")
	ctx := NewContext(context.Background(), h)
	// aws-lambda-go stores the header as a string under the plain string
	// key "x-amzn-trace-id"; a handler reads it that way.
	if got, _ := ctx.Value("x-amzn-trace-id").(string); got != h.String() { //nolint:staticcheck // aws-lambda-go's own key
		t.Errorf(`ctx.Value("x-amzn-trace-id") = %q, want %q`, got, h)
	}
	got, ok := FromContext(ctx)
	if !ok || got.String() != h.String() {
		t.Errorf("FromContext = %q, %t; want %q, true", got, ok, h)
	}
	if _, ok := FromContext(context.Background()); ok {
		t.Error("FromContext(Background) reported a header")
	}
}

// TestParseCost checks that Parse's cost is linear: whatever the length
// of the header, it allocates once, the slice of fields, which holds at
// most one entry per two bytes of input; a header of separators costs the
// same.
func TestParseCost(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	header := func(n int) string {
		return "Root=" + clientRoot + strings.Repeat(";A=b", n)
	}
	small, large := header(1000), header(2000)
	a1 := testing.AllocsPerRun(20, func() { Parse(small) })
	a2 := testing.AllocsPerRun(20, func() { Parse(large) })
	if a1 != 1 || a2 != 1 {
		t.Errorf("Parse allocations: %v for 1000 fields, %v for 2000; want 1 for both", a1, a2)
	}
	seps := "Root=" + clientRoot + strings.Repeat(";", 1<<20)
	if a := testing.AllocsPerRun(5, func() { Parse(seps) }); a > 1 {
		t.Errorf("Parse of a header of separators: %v allocations, want at most 1", a)
	}
	h, _ := Parse(large)
	if a := testing.AllocsPerRun(20, func() { _ = h.String() }); a != 1 {
		t.Errorf("String: %v allocations, want 1", a)
	}
	buf := make([]byte, 0, len(large))
	if a := testing.AllocsPerRun(20, func() { buf = h.AppendTo(buf[:0]) }); a != 0 {
		t.Errorf("AppendTo into a large enough buffer: %v allocations, want 0", a)
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	for _, tt := range fromRequestTests {
		f.Add(tt.header)
		f.Add(tt.want)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := Parse(s)
		_ = FromRequest(s, at, Active, true)
		_ = FromLoadBalancer(s, at)
		if err != nil {
			return
		}
		out := h.String()
		h2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", s, out, err)
		}
		if diff := cmp.Diff(h.Fields(), h2.Fields()); diff != "" {
			t.Fatalf("Parse(String(Parse(%q))) differs (-first +second):\n%s", s, diff)
		}
		if out2 := h2.String(); out2 != out {
			t.Fatalf("String is not stable: %q then %q", out, out2)
		}
		// A header already in canonical form comes back byte for byte.
		canonical := !strings.ContainsAny(s, " \t") && !strings.Contains(s, ";;") &&
			!strings.HasPrefix(s, ";") && !strings.HasSuffix(s, ";")
		if canonical && out != s {
			t.Fatalf("Parse(%q).String() = %q, want the input", s, out)
		}
	})
}
