package vtl

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/lambdagate/lambdagate/internal/race"
)

func TestLimits(t *testing.T) {
	for _, tc := range []struct {
		name, tmpl, want, err string
	}{
		{"foreachTruncates", "#set($n = 0)#foreach($i in [1..5000])#set($n = $n + 1)#end$n", "1000", ""},
		{"deepNesting", strings.Repeat("#if(true)", 200) + strings.Repeat("#end", 200), "", "nesting deeper than"},
		{"deepParens", "#set($a = " + strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500) + ")", "", "nesting deeper than"},
		{"deepNot", "#set($a = " + strings.Repeat("!", 500) + "true)", "", "nesting deeper than"},
		{"recursiveDefine", "#define($a)$a$a#end$a", "", "#define blocks nested deeper than"},
		{"nestedLoops", "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end", "", "more than"},
		{"stringBomb", `#set($s = "xxxxxxxxxxxxxxxx")` + strings.Repeat(`#set($s = "$s$s")`, 30) + "$s.length()", "", "more than 10485760 bytes"},
		{"rangeBomb", "#foreach($i in [1..1000])#set($r = [1..99999])#end", "", "more than"},
		{"keySetBomb", "#set($m = {})#foreach($i in [1..1000])#set($d = $m.put($i, $i))#end#foreach($i in [1..1000])#foreach($j in [1..1000])#set($k = $m.keySet())#end#end", "", "more than"},
		{"hugeRange", "#set($r = [1..100000000])", "", "more than 100000 elements"},
		{"listGrowth", "#set($l = [])#foreach($i in [1..1000])#foreach($j in [1..1000])$l.add($j)#end#end", "", "beyond"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := Parse(tc.name, tc.tmpl)
			var out string
			if err == nil {
				var res *Result
				res, err = tmpl.Execute(&Input{})
				if res != nil {
					out = string(res.Output)
				}
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || out != tc.want {
				t.Fatalf("got %q, %v; want %q", out, err, tc.want)
			}
		})
	}
}

func TestTemplateSize(t *testing.T) {
	_, err := Parse("big", strings.Repeat("a", defaultTemplateSize+1))
	if err == nil || !strings.Contains(err.Error(), "mapping: big: template is 307201 bytes") {
		t.Fatalf("error = %v", err)
	}
	if _, err := Parse("ok", strings.Repeat("a", defaultTemplateSize)); err != nil {
		t.Fatal(err)
	}
}

func TestStopIsNotError(t *testing.T) {
	res, err := Must(Parse("s", "a#foreach($i in [1,2])$i#stop#end")).Execute(nil)
	if err != nil || errors.Is(err, errStop) || string(res.Output) != "a1" {
		t.Fatalf("got %q, %v", res.Output, err)
	}
}

// TestConcurrent runs one template from many goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	tmpl := Must(Parse("c", `#set($r = $input.path('$'))#foreach($k in $r.keySet())$k=$r.get($k);#end$input.json('$.a') $util.escapeJavaScript("$r")`))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				body := `{"a":"` + strings.Repeat("x", i%7) + `","b":2}`
				res, err := tmpl.Execute(&Input{Body: []byte(body)})
				if err != nil {
					t.Error(err)
					return
				}
				x := strings.Repeat("x", i%7)
				want := "a=" + x + ";b=2;\"" + x + "\" {a=" + x + ", b=2}"
				if string(res.Output) != want {
					t.Errorf("got %q, want %q", res.Output, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

const calcGET = "{\n   \"a\": \"$input.params('operand1')\",\n   \"b\": \"$input.params('operand2')\",\n   \"op\": #if($input.params('operator')=='%2F')\"/\"#{else}\"$input.params('operator')\"#end\n   \n}"

const calcResult = "#set($inputRoot = $input.path('$'))\n{\n  \"input\" : {\n    \"a\" : $inputRoot.a,\n    \"b\" : $inputRoot.b,\n    \"op\" : \"$inputRoot.op\"\n  },\n  \"output\" : {\n    \"c\" : $inputRoot.c\n  }\n}"

// TestAppendExecuteAllocs checks that a warmed-up render allocates at most
// two objects beyond the output buffer.
func TestAppendExecuteAllocs(t *testing.T) {
	if testing.Short() || race.Enabled {
		t.Skip("alloc counts need a warm pool, which the race detector empties at random")
	}
	for _, tc := range []struct {
		name, tmpl string
		in         *Input
		max        float64
	}{
		{"calcGET", calcGET, &Input{Path: paramsOf("operand1", "1", "operand2", "2", "operator", "%2F")}, 0},
		{"calcResult", calcResult, &Input{Body: []byte(`{"a":1,"b":2,"op":"+","c":3}`)}, 2},
	} {
		tmpl := Must(Parse(tc.name, tc.tmpl))
		buf := make([]byte, 0, 4096)
		allocs := testing.AllocsPerRun(200, func() {
			var err error
			if buf, err = tmpl.AppendExecute(buf[:0], tc.in); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > tc.max {
			t.Errorf("%s AppendExecute allocs: got %.2f; want <= %.0f", tc.name, allocs, tc.max)
		}
		// Execute adds the Result and its output buffer.
		allocs = testing.AllocsPerRun(200, func() {
			if _, err := tmpl.Execute(tc.in); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > tc.max+2 {
			t.Errorf("%s Execute allocs: got %.2f; want <= %.0f", tc.name, allocs, tc.max+2)
		}
	}
}
