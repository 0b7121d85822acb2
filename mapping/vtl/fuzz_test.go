package vtl

import (
	"strings"
	"testing"
	"time"
)

func seedTemplates(f *testing.F) {
	for _, tc := range parseTests {
		f.Add(tc.input)
	}
	for _, tc := range execTests {
		f.Add(tc.tmpl)
	}
	f.Add(calcGET)
	f.Add(calcResult)
}

// FuzzParse checks that Parse never panics and that String() of a parsed
// template parses to the same tree.
func FuzzParse(f *testing.F) {
	seedTemplates(f)
	f.Fuzz(func(t *testing.T, src string) {
		if _, err := Parse("fuzz", src); err != nil {
			return
		}
		checkRoundTrip(t, src)
	})
}

// FuzzExecute checks that execution never panics and that the limits
// hold: bounded output and bounded time, whatever the template.
func FuzzExecute(f *testing.F) {
	seedTemplates(f)
	lim := fuzzLimits
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := lim.Parse("fuzz", src)
		if err != nil {
			return
		}
		start := time.Now()
		res, err := tmpl.Execute(&Input{
			Body:        []byte(`{"a":[1,{"b":"c"}],"s":"x y","n":2.5}`),
			Path:        paramsOf("p", "1"),
			QueryString: paramsOf("q", "a b"),
		})
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Execute(%q) took %v", src, d)
		}
		if err == nil && len(res.Output) > lim.OutputSize {
			t.Fatalf("output of %d bytes exceeds the limit", len(res.Output))
		}
		if err != nil && !strings.HasPrefix(err.Error(), "mapping: fuzz:") {
			t.Fatalf("error %q does not name the template", err)
		}
	})
}

// fuzzLimits are small limits, so that a runaway template reaches them
// quickly and a missing check shows up as a failure.
var fuzzLimits = Limits{Steps: 20_000, OutputSize: 64 << 10, Range: 1000, ExecDepth: 20, ParseDepth: 30, JSONDepth: 20}
