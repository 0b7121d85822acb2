package vtl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
)

// goldenCase is a testdata/golden/NAME.json file; NAME.vtl holds the
// template.
type goldenCase struct {
	Reason string      `json:"reason"`
	Input  goldenInput `json:"input"`
	Output *string     `json:"output"`
	Error  string      `json:"error"`
	// Overrides, when present, must equal the template's overrides.
	Overrides *Overrides `json:"overrides"`
}

type goldenInput struct {
	Body   *string `json:"body"`
	Params struct {
		Path        map[string]string `json:"path"`
		QueryString map[string]string `json:"querystring"`
		Header      map[string]string `json:"header"`
	} `json:"params"`
	Context        map[string]any    `json:"context"`
	StageVariables map[string]string `json:"stageVariables"`
}

func (g goldenInput) input() *Input {
	in := &Input{
		Path:           event.ParamsFromMap(g.Params.Path),
		QueryString:    event.ParamsFromMap(g.Params.QueryString),
		Header:         event.ParamsFromMap(g.Params.Header),
		Context:        g.Context,
		StageVariables: event.ParamsFromMap(g.StageVariables),
	}
	if g.Body != nil {
		in.Body = []byte(*g.Body)
	}
	return in
}

// TestGolden runs every testdata/golden/*.vtl template on the input of its
// .json file and compares the exact output (or error).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.vtl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".vtl")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(strings.TrimSuffix(f, ".vtl") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var c goldenCase
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatalf("%s.json: %v", name, err)
			}
			if c.Reason == "" {
				t.Fatalf("%s.json has no reason", name)
			}
			tmpl, err := Parse(name, string(src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			res, err := tmpl.Execute(c.Input.input())
			if c.Error != "" {
				if err == nil || !strings.Contains(err.Error(), c.Error) {
					t.Fatalf("Execute error = %v, want %q (%s)", err, c.Error, c.Reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Execute: %v (%s)", err, c.Reason)
			}
			if c.Output == nil {
				t.Fatalf("%s.json has neither output nor error", name)
			}
			if got := string(res.Output); got != *c.Output {
				t.Errorf("%s (%s):\ngot  %q\nwant %q", name, c.Reason, got, *c.Output)
			}
			if o := c.Overrides; o != nil && !(reflect.DeepEqual(res.Overrides.Request, o.Request) && reflect.DeepEqual(res.Overrides.Response, o.Response)) {
				t.Errorf("%s overrides = %+v %+v, want %+v %+v", name, res.Overrides.Request, res.Overrides.Response, o.Request, o.Response)
			}
			// The canonical form renders the same bytes.
			again, err := Parse(name, tmpl.String())
			if err != nil {
				t.Fatalf("Parse(String()): %v", err)
			}
			res2, err := again.Execute(c.Input.input())
			if err != nil || string(res2.Output) != string(res.Output) {
				t.Errorf("String() renders %q, %v; want %q", res2.Output, err, res.Output)
			}
		})
	}
}
