package vtl

import (
	"strings"
	"testing"
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
// hold whatever the template: with small limits, a successful execution
// paid no more steps than allowed and its output is within OutputSize,
// and every error names the template. A runaway shows up as a failure,
// not as a slow run.
func FuzzExecute(f *testing.F) {
	seedTemplates(f)
	lim := fuzzLimits
	in := &Input{
		Body:        []byte(`{"a":[1,{"b":"c"}],"s":"x y","n":2.5}`),
		Path:        paramsOf("p", "1"),
		QueryString: paramsOf("q", "a b"),
	}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := lim.Parse("fuzz", src)
		if err != nil {
			return
		}
		out, steps, err := tmpl.run(nil, in, &Result{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "mapping: fuzz:") {
				t.Fatalf("error %q does not name the template", err)
			}
			return
		}
		if steps > lim.Steps {
			t.Fatalf("Execute(%q) paid %d steps; the limit is %d", src, steps, lim.Steps)
		}
		if len(out) > lim.OutputSize {
			t.Fatalf("output of %d bytes exceeds the %d-byte limit", len(out), lim.OutputSize)
		}
	})
}

// fuzzLimits are small limits, so that a runaway template reaches them
// quickly and a missing check shows up as a failure.
var fuzzLimits = Limits{Steps: 20_000, OutputSize: 64 << 10, Range: 1000, ExecDepth: 20, ParseDepth: 30, JSONDepth: 20}
