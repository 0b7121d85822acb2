package vtl

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/internal/race"
)

// The tests in this file feed templates and inputs built to cost as much
// as possible and check that the limits hold: each ends with the
// LimitError of the limit it reaches, having paid no more steps than the
// limit allows, and having allocated no more than the budget pays for,
// whatever the size of its input. They count steps and bytes, never
// time, and each runs at two input sizes: the cost must not follow the
// input once a limit stops it.

// hostileLimits are small limits, so the tests run fast.
var hostileLimits = Limits{Steps: 50_000, OutputSize: 256 << 10}

// budgetBytes is what the memory bound of the package documentation
// allows an execution under lim to allocate: maxBytesPerStep bytes a
// step, and the output.
func budgetBytes(lim Limits) uint64 {
	lim = lim.resolve()
	return uint64(maxBytesPerStep*lim.Steps + 2*lim.OutputSize + 1<<20)
}

// maxBytesPerStep is the most bytes one step may allocate: a value is a
// 64-byte cell, slices grow by doubling, a map entry has an index entry
// too, and a regex match its index slice.
const maxBytesPerStep = 300

// cost runs t on in and returns the steps it paid for, the bytes it
// allocated and its error.
func cost(t *testing.T, tmpl *Template, in *Input) (int, uint64, error) {
	t.Helper()
	// Warm the pool so that its own growth is not counted.
	tmpl.run(nil, &Input{}, nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, steps, err := tmpl.run(nil, in, &Result{})
	runtime.ReadMemStats(&after)
	return steps, after.TotalAlloc - before.TotalAlloc, err
}

// wantLimit checks that err is the LimitError of the named limit.
func wantLimit(t *testing.T, err error, limit string) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != limit {
		t.Fatalf("error = %v; want a *LimitError for %s", err, limit)
	}
	var ee *ExecError
	if !errors.As(err, &ee) || !strings.HasPrefix(err.Error(), "mapping: ") {
		t.Errorf("error %q is not an ExecError naming the template", err)
	}
}

func TestHostileInputs(t *testing.T) {
	manyKeys := func(n int) string {
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"k%d":%d`, i, i)
		}
		b.WriteByte('}')
		return b.String()
	}
	for _, tc := range []struct {
		name  string
		tmpl  string
		input func(n int) *Input // the input of size n
		sizes [2]int
		limit string // the limit it must reach
	}{
		{
			// An 80-byte template over a large body: $input.json('$')
			// writes the whole body at every iteration.
			name: "input.json in a loop", tmpl: "#foreach($i in [1..1000])$input.json('$')#end",
			input: func(n int) *Input { return &Input{Body: []byte(manyKeys(n))} },
			sizes: [2]int{20_000, 40_000}, limit: "Steps",
		},
		{
			name: "input.path rendered in a loop", tmpl: "#set($b = $input.path('$'))#foreach($i in [1..1000])$b#end",
			input: func(n int) *Input { return &Input{Body: []byte(manyKeys(n))} },
			sizes: [2]int{20_000, 40_000}, limit: "Steps",
		},
		{
			// A map that holds itself twice at each of 40 levels renders
			// as 2^40 entries.
			name: "map toString doubling", tmpl: `#set($m = {"a": "x"})#foreach($i in [1..$input.path('$.n')])#set($m = {"a": $m, "b": $m})#end$m.toString()`,
			input: func(n int) *Input { return &Input{Body: fmt.Appendf(nil, `{"n":%d}`, n)} },
			sizes: [2]int{30, 40}, limit: "Steps",
		},
		{
			name: "list toString doubling", tmpl: `#set($l = ["x"])#foreach($i in [1..$input.path('$.n')])#set($l = [$l, $l])#end#set($s = "$l")`,
			input: func(n int) *Input { return &Input{Body: fmt.Appendf(nil, `{"n":%d}`, n)} },
			sizes: [2]int{30, 40}, limit: "Steps",
		},
		{
			name: "escapeJavaScript of control characters", tmpl: `$util.escapeJavaScript($input.body)`,
			input: func(n int) *Input { return &Input{Body: []byte(strings.Repeat("\x01", n))} },
			sizes: [2]int{100_000, 1_000_000}, limit: "OutputSize",
		},
		{
			name: "urlEncode of non-ASCII text", tmpl: `$util.urlEncode($input.body)`,
			input: func(n int) *Input { return &Input{Body: []byte(strings.Repeat("é", n/2))} },
			sizes: [2]int{100_000, 1_000_000}, limit: "OutputSize",
		},
		{
			name: "split into single characters", tmpl: `#set($p = $input.body.split(""))$p.size()`,
			input: func(n int) *Input { return &Input{Body: []byte(strings.Repeat("a", n))} },
			sizes: [2]int{100_000, 1_000_000}, limit: "Steps",
		},
		{
			name: "replaceAll of every empty match", tmpl: `$input.body.replaceAll("", "-")`,
			input: func(n int) *Input { return &Input{Body: []byte(strings.Repeat("a", n))} },
			sizes: [2]int{100_000, 1_000_000}, limit: "Steps",
		},
		{
			name: "concatenation doubling", tmpl: `#set($s = $input.body)#foreach($i in [1..40])#set($s = $s + $s)#end`,
			input: func(n int) *Input { return &Input{Body: []byte(strings.Repeat("a", n))} },
			sizes: [2]int{1000, 10_000}, limit: "OutputSize",
		},
		{
			name: "interpolation doubling", tmpl: `#set($s = $input.body)#foreach($i in [1..40])#set($s = "$s$s")#end`,
			input: func(n int) *Input { return &Input{Body: []byte(strings.Repeat("a", n))} },
			sizes: [2]int{1000, 10_000}, limit: "OutputSize",
		},
		{
			name: "parseJson of the body in a loop", tmpl: `#foreach($i in [1..1000])#set($o = $util.parseJson($input.body))#end`,
			input: func(n int) *Input { return &Input{Body: []byte(manyKeys(n))} },
			sizes: [2]int{20_000, 40_000}, limit: "Steps",
		},
		{
			name: "deep scan in a loop", tmpl: `#foreach($i in [1..1000])#set($o = $input.path('$..k1'))#end`,
			input: func(n int) *Input { return &Input{Body: []byte(manyKeys(n))} },
			sizes: [2]int{20_000, 40_000}, limit: "Steps",
		},
		{
			name: "contains over a long list", tmpl: `#set($l = $input.path('$.l'))#foreach($i in [1..1000])#if($l.contains("none"))#end#end`,
			input: func(n int) *Input {
				return &Input{Body: []byte(`{"l":[` + strings.TrimSuffix(strings.Repeat(`"x",`, n), ",") + `]}`)}
			},
			sizes: [2]int{20_000, 40_000}, limit: "Steps",
		},
		{
			name: "nested loops", tmpl: "#foreach($a in [1..$input.path('$.n')])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end",
			input: func(n int) *Input { return &Input{Body: fmt.Appendf(nil, `{"n":%d}`, n)} },
			sizes: [2]int{10, 1000}, limit: "Steps",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tt, err := hostileLimits.Parse(tc.name, tc.tmpl)
			if err != nil {
				t.Fatal(err)
			}
			var bytes [2]uint64
			for i, n := range tc.sizes {
				steps, b, err := cost(t, tt, tc.input(n))
				wantLimit(t, err, tc.limit)
				if max := hostileLimits.Steps + 1; steps > max+hostileLimits.Steps/2 {
					t.Errorf("input size %d: paid %d steps; the limit is %d", n, steps, hostileLimits.Steps)
				}
				bytes[i] = b
				if !race.Enabled && b > budgetBytes(hostileLimits) {
					t.Errorf("input size %d: allocated %d bytes; the limits allow about %d", n, b, budgetBytes(hostileLimits))
				}
			}
			t.Logf("allocated %d bytes at input size %d, %d bytes at %d", bytes[0], tc.sizes[0], bytes[1], tc.sizes[1])
		})
	}
}

// TestJSONKeysLinear counts the keys compared while reading objects of n
// and 2n keys: a reader that compares each key with all the keys before
// it makes quadratic work; this one must stay linear.
func TestJSONKeysLinear(t *testing.T) {
	probes := func(n int) (int, int) {
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			fmt.Fprintf(&b, `"key%d":%d,`, i, i)
		}
		b.WriteString(`"key0":"again"}`) // a repeated key keeps its last value
		st := &state{}
		st.start(Must(Parse("keys", "")), &Input{}, nil)
		defer st.finish()
		v, err := st.parseJSON(b.String())
		if err != nil {
			t.Fatal(err)
		}
		if got := len(v.m.keys); got != n || v.m.vals[0].s != "again" {
			t.Fatalf("parsed %d keys with key0 = %v; want %d keys, key0 = again", got, v.m.vals[0], n)
		}
		return v.m.probes, st.steps
	}
	p1, s1 := probes(20_000)
	p2, s2 := probes(40_000)
	if p2 > 2*p1+100 || p1 > 8*20_000 {
		t.Errorf("keys compared: %d for 20,000 keys, %d for 40,000; want linear", p1, p2)
	}
	if float64(s2) > 2.1*float64(s1) {
		t.Errorf("steps: %d for 20,000 keys, %d for 40,000; want linear", s1, s2)
	}
}

// TestSizeHintCapped checks that one large output does not make later
// executions allocate as much.
func TestSizeHintCapped(t *testing.T) {
	tmpl := Must(Parse("echo", "$input.body"))
	if _, err := tmpl.Execute(&Input{Body: []byte(strings.Repeat("x", 9<<20))}); err != nil {
		t.Fatal(err)
	}
	small := &Input{Body: []byte("tiny")}
	allocated := func() uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 100 {
			if _, err := tmpl.Execute(small); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	if got := allocated(); got > 100*(maxSizeHint+1024) {
		t.Errorf("100 small executions after a 9 MB one allocated %d bytes; want at most %d", got, 100*(maxSizeHint+1024))
	}
	// After small outputs the hint follows them down.
	if got := allocated(); got > 100*1024 {
		t.Errorf("100 small executions allocated %d bytes once the hint followed them; want at most %d", got, 100*1024)
	}
}

// TestSelfReference checks values that hold themselves: rendering and
// comparing them stop at the nesting limit instead of recursing forever.
func TestSelfReference(t *testing.T) {
	for _, tc := range []struct{ tmpl, want, err string }{
		{`#set($a = [])#set($b = $a.add($a))$a`, "[(this Collection)]", ""},
		{`#set($a = [])#set($x = $a.add([$a]))$a`, "", "nested deeper than"},
		{`#set($a = [])#set($x = $a.add($a))#set($b = [])#set($x = $b.add($b))#if($a == $b)eq#{else}ne#end`, "ne", ""},
		{`#set($m = {})#set($x = $m.put("m", $m))$m`, "{m=(this Map)}", ""},
	} {
		res, err := Must(Parse("self", tc.tmpl)).Execute(nil)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error = %v; want %q", tc.tmpl, err, tc.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.tmpl, err)
		case string(res.Output) != tc.want:
			t.Errorf("%s = %q; want %q", tc.tmpl, res.Output, tc.want)
		}
	}
}

// TestRegexGoCannotCompile checks that a Java pattern Go refuses is a
// template error, never a panic.
func TestRegexGoCannotCompile(t *testing.T) {
	deep := strings.Repeat("(", 999) + "a" + strings.Repeat(")", 999)
	for _, tmpl := range []string{
		`#set($s = "a")$s.replaceAll('` + deep + `', "b")`,
		`#set($s = "a")$s.matches('` + deep + `')`,
		`#set($s = "a")$s.split('` + deep + `')`,
		`#set($s = "a")$s.replaceAll('a{1001}', "b")`,
	} {
		_, err := Must(Parse("regex", tmpl)).Execute(nil)
		var ee *ExecError
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), "java regex") {
			t.Errorf("%.60s...: error = %v; want an ExecError about the java regex", tmpl, err)
		}
	}
}
