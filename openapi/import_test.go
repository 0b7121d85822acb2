package openapi_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/examples/calc/calc"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/openapi"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustImport(t testing.TB, name string, opts openapi.Options) *openapi.Result {
	t.Helper()
	opts.Name = name
	res, err := openapi.Import(readFile(t, name), opts)
	if err != nil {
		t.Fatalf("Import(%s): %v", name, err)
	}
	return res
}

// fetch sends one request to h in process and returns the status, body
// and response.
func fetch(t testing.TB, h http.RoundTripper, method, target, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://api.test"+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := h.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// exchange is one request of a comparison table.
type exchange struct {
	method, target, body string
	header               []string
}

// sameAnswers sends every request to both gateways and checks that the
// client gets the same status, body and the named headers.
func sameAnswers(t *testing.T, want, got http.RoundTripper, reqs []exchange, headers ...string) {
	t.Helper()
	for _, r := range reqs {
		wr, wb := fetch(t, want, r.method, r.target, r.body, r.header...)
		gr, gb := fetch(t, got, r.method, r.target, r.body, r.header...)
		if wr.StatusCode != gr.StatusCode || wb != gb {
			t.Errorf("%s %s = %d %q, want %d %q", r.method, r.target, gr.StatusCode, gb, wr.StatusCode, wb)
		}
		for _, h := range append(headers, "Content-Type") {
			if wr.Header.Get(h) != gr.Header.Get(h) {
				t.Errorf("%s %s: header %s = %q, want %q", r.method, r.target, h, gr.Header.Get(h), wr.Header.Get(h))
			}
		}
	}
}

// calcRequests are the Calc tutorial's requests and its error paths.
func calcRequests() []exchange {
	reqs := []exchange{
		{"GET", "/test/calc?operand1=1&operand2=2&operator=%2B", "", nil},
		{"GET", "/test/calc?operand1=1&operand2=0&operator=div", "", nil},
		{"GET", "/test/calc?operand1=2&operand2=&operator=add", "", nil},
		{"GET", "/test/calc?operand1=x&operand2=3&operator=add", "", nil},
		{"POST", "/test/calc", `{"a":"6","b":7,"op":"*"}`, []string{"Content-Type", "application/json"}},
		{"POST", "/test/calc", `{}`, []string{"Content-Type", "application/json"}},
		{"GET", "/test/calc/4/5/mul", "", nil},
		{"DELETE", "/test/calc", "", nil},
		{"GET", "/prod/calc", "", nil},
	}
	for _, tr := range calc.Tries {
		r := exchange{method: "GET", target: tr.Path}
		if strings.Contains(tr.Args, "POST") {
			r = exchange{"POST", tr.Path, `{"a":6,"b":7,"op":"*"}`, []string{"Content-Type", "application/json"}}
		}
		reqs = append(reqs, r)
	}
	return reqs
}

// TestImportCalcSwagger imports the Calc API as API Gateway exports it in
// Swagger 2.0 and checks that it answers every request as the Go-defined
// example does.
func TestImportCalcSwagger(t *testing.T) {
	fn := calc.Function()
	res := mustImport(t, "testdata/calc-swagger.json", openapi.Options{
		Functions: map[string]handler.Invoker{"Calc": fn},
		Stages:    []gateway.Stage{{Name: "test"}},
	})
	if res.API.Kind != event.REST {
		t.Fatalf("kind = %v, want REST", res.API.Kind)
	}
	goAPI, err := calc.API(fn.Invoke)
	if err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, gateway.MustNew(goAPI), res.Gateway, calcRequests(), "operand_1", "operand_2", "operator", "x-amzn-ErrorType")
	for _, tr := range calc.Tries {
		method, body, header := "GET", "", []string(nil)
		if strings.Contains(tr.Args, "POST") {
			method, body, header = "POST", `{"a":6,"b":7,"op":"*"}`, []string{"Content-Type", "application/json"}
		}
		if resp, got := fetch(t, res.Gateway, method, tr.Path, body, header...); resp.StatusCode != tr.Status || got != tr.Body {
			t.Errorf("%s %s = %d %q, want %d %q", method, tr.Path, resp.StatusCode, got, tr.Status, tr.Body)
		}
	}
}
