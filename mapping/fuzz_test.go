package mapping

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
	savedSteps, savedOut := MaxSteps, MaxOutputSize
	MaxSteps, MaxOutputSize = 200_000, 1<<20
	defer func() { MaxSteps, MaxOutputSize = savedSteps, savedOut }()
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := Parse("fuzz", src)
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
		if err == nil && len(res.Output) > MaxOutputSize {
			t.Fatalf("output of %d bytes exceeds the limit", len(res.Output))
		}
		if err != nil && !strings.HasPrefix(err.Error(), "mapping: fuzz:") {
			t.Fatalf("error %q does not name the template", err)
		}
	})
}
