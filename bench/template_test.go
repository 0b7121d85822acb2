package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"text/template"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping/vtl"
)

// The mapping template benchmarks render the same output with the
// mapping engine and with text/template, which is the obvious Go
// alternative. Each case gets the same input: parameters, and a JSON body
// that both engines must parse on every render.

const calcGETVTL = "{\n   \"a\": \"$input.params('operand1')\",\n   \"b\": \"$input.params('operand2')\",\n   \"op\": #if($input.params('operator')=='%2F')\"/\"#{else}\"$input.params('operator')\"#end\n   \n}"

const calcGETText = "{\n   \"a\": \"{{.Param \"operand1\"}}\",\n   \"b\": \"{{.Param \"operand2\"}}\",\n   \"op\": {{if eq (.Param \"operator\") \"%2F\"}}\"/\"{{else}}\"{{.Param \"operator\"}}\"{{end}}   \n}"

const calcResultVTL = "#set($inputRoot = $input.path('$'))\n{\n  \"input\" : {\n    \"a\" : $inputRoot.a,\n    \"b\" : $inputRoot.b,\n    \"op\" : \"$inputRoot.op\"\n  },\n  \"output\" : {\n    \"c\" : $inputRoot.c\n  }\n}"

const calcResultText = "{{with .JSON}}{\n  \"input\" : {\n    \"a\" : {{.a}},\n    \"b\" : {{.b}},\n    \"op\" : \"{{.op}}\"\n  },\n  \"output\" : {\n    \"c\" : {{.c}}\n  }\n}{{end}}"

const foreachVTL = "#set($items = $input.path('$.items'))[\n#foreach($it in $items)\n  {\"id\": $it.id, \"name\": \"$util.escapeJavaScript($it.name)\"}#if($foreach.hasNext),#end\n#end\n]"

const foreachText = "{{with .JSON}}[\n{{range $i, $it := .items}}{{if $i}},{{end}}  {\"id\": {{$it.id}}, \"name\": \"{{escapeJS $it.name}}\"}{{end}}]{{end}}"

// ttData is what the text/template versions see.
type ttData struct {
	in   *vtl.Input
	JSON map[string]any
}

// Param is $input.params(name).
func (d *ttData) Param(name string) string {
	for _, p := range []event.Params{d.in.Path, d.in.QueryString, d.in.Header} {
		if v, ok := p.Lookup(name); ok {
			return v
		}
	}
	return ""
}

// escapeJS is commons-lang escapeJavaScript for ASCII text, as the
// foreach case needs.
func escapeJS(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `'`, `\'`, `/`, `\/`, "\n", `\n`).Replace(s)
}

type templateCase struct {
	name      string
	vtl, text string
	in        *vtl.Input
	parseBody bool
}

func templateCases() []templateCase {
	var items strings.Builder
	items.WriteString(`{"items":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			items.WriteByte(',')
		}
		fmt.Fprintf(&items, `{"id":%d,"name":"item/%d"}`, i, i)
	}
	items.WriteString(`]}`)
	return []templateCase{
		{"calcGET", calcGETVTL, calcGETText, &vtl.Input{Path: event.Params{{Name: "operand1", Value: "1"}, {Name: "operand2", Value: "2"}, {Name: "operator", Value: "%2F"}}}, false},
		{"calcResult", calcResultVTL, calcResultText, &vtl.Input{Body: []byte(`{"a":1,"b":2,"op":"+","c":3}`)}, true},
		{"foreach100", foreachVTL, foreachText, &vtl.Input{Body: []byte(items.String())}, true},
	}
}

func renderText(t *template.Template, c templateCase, buf *bytes.Buffer) error {
	d := &ttData{in: c.in}
	if c.parseBody {
		if err := json.Unmarshal(c.in.Body, &d.JSON); err != nil {
			return err
		}
	}
	return t.Execute(buf, d)
}

func parseText(tb testing.TB, c templateCase) *template.Template {
	tb.Helper()
	t, err := template.New(c.name).Funcs(template.FuncMap{"escapeJS": escapeJS}).Parse(c.text)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// TestTemplateSameOutput checks that both versions of each case render
// the same bytes, so the benchmark compares like with like.
func TestTemplateSameOutput(t *testing.T) {
	for _, c := range templateCases() {
		vtl := vtl.Must(vtl.Parse(c.name, c.vtl))
		got, err := vtl.AppendExecute(nil, c.in)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := renderText(parseText(t, c), c, &buf); err != nil {
			t.Fatal(err)
		}
		if string(got) != buf.String() {
			t.Errorf("%s: mapping renders\n%q\ntext/template renders\n%q", c.name, got, buf.String())
		}
	}
}

func BenchmarkTemplate(b *testing.B) {
	for _, c := range templateCases() {
		b.Run(c.name+"/lambdagate", func(b *testing.B) {
			t := vtl.Must(vtl.Parse(c.name, c.vtl))
			buf := make([]byte, 0, 8192)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, err = t.AppendExecute(buf[:0], c.in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/texttemplate", func(b *testing.B) {
			t := parseText(b, c)
			var buf bytes.Buffer
			buf.Grow(8192)
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := renderText(t, c, &buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTemplateParse measures parsing each case, with text/template
// parsing its version as the peer.
func BenchmarkTemplateParse(b *testing.B) {
	for _, c := range templateCases() {
		b.Run(c.name+"/lambdagate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := vtl.Parse(c.name, c.vtl); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/texttemplate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				parseText(b, c)
			}
		})
	}
}
