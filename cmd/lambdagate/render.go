package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping/vtl"
)

func init() {
	commands["render"] = command{
		summary: "render an API Gateway mapping template (the console's Test button, offline)",
		run:     runRender,
	}
}

// renderRequest is what render reads on standard input.
type renderRequest struct {
	Template       *string        `json:"template"`
	Body           *string        `json:"body"`
	Params         renderParams   `json:"params"`
	Context        map[string]any `json:"context"`
	StageVariables orderedParams  `json:"stageVariables"`
}

type renderParams struct {
	Path        orderedParams `json:"path"`
	QueryString orderedParams `json:"querystring"`
	Header      orderedParams `json:"header"`
}

// orderedParams decodes a JSON object of strings keeping its key order,
// which $input.params() shows.
type orderedParams event.Params

func (p *orderedParams) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want an object of strings, got %s", b)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case nil:
			continue
		default:
			enc, _ := json.Marshal(v)
			s = string(enc)
		}
		*p = append(*p, event.Field{Name: k.(string), Value: s})
	}
	return nil
}

func runRender(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	overrides := fs.Bool("overrides", false, "print the request and response overrides the template set, as JSON, instead of the output")
	name := fs.String("name", "template", "template `name` used in error messages")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: lambdagate render [-overrides] [-name NAME] < request.json

Render reads one JSON object on standard input:

  {"template": "...", "body": "..." or null,
   "params": {"path": {}, "querystring": {}, "header": {}},
   "context": {...}, "stageVariables": {...}}

and writes exactly the rendered bytes to standard output. A template error
exits 1 with the error on standard error.

Flags:`)
		fs.PrintDefaults()
	}
	args, code, ok := parseArgs(fs, args, -1)
	if !ok {
		return code
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "lambdagate render: unexpected argument %q\n", args[0])
		return 2
	}
	data, err := io.ReadAll(io.LimitReader(stdin, 64<<20))
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate render: reading standard input: %v\n", err)
		return 1
	}
	var req renderRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		fmt.Fprintf(stderr, "lambdagate render: standard input is not a render request: %v\n", err)
		return 1
	}
	if req.Template == nil {
		fmt.Fprintln(stderr, `lambdagate render: the request has no "template"`)
		return 1
	}
	tmpl, err := vtl.Parse(*name, *req.Template)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	in := &vtl.Input{
		Path:           event.Params(req.Params.Path),
		QueryString:    event.Params(req.Params.QueryString),
		Header:         event.Params(req.Params.Header),
		Context:        req.Context,
		StageVariables: event.Params(req.StageVariables),
	}
	if req.Body != nil {
		in.Body = []byte(*req.Body)
	}
	res, err := tmpl.Execute(in)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *overrides {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res.Overrides); err != nil {
			fmt.Fprintf(stderr, "lambdagate render: %v\n", err)
			return 1
		}
		return 0
	}
	if _, err := stdout.Write(res.Output); err != nil {
		fmt.Fprintf(stderr, "lambdagate render: %v\n", err)
		return 1
	}
	return 0
}
