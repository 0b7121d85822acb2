package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/examples/calc/calc"
	"github.com/lambdagate/lambdagate/examples/pets/pets"
	"github.com/lambdagate/lambdagate/examples/smartpath/smartpath"
	"github.com/lambdagate/lambdagate/gateway"
)

// startServe runs "lambdagate serve" with args on a loopback port and
// returns its base URL; the server stops when the test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	var stderr bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	code := 0
	go func() {
		defer wg.Done()
		code = serve(ctx, append(args, "--addr", "127.0.0.1:0"), io.Discard, &stderr, func(base string) { ready <- base })
		close(ready)
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	select {
	case base, ok := <-ready:
		if !ok {
			t.Fatalf("serve %q exited with %d: %s", args, code, stderr.String())
		}
		return base
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return ""
}

func get(t *testing.T, method, url, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

// do sends req and reads the whole response.
func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// TestServeCalc serves the Calc API from its OpenAPI definition alone (the
// example's template.yaml and openapi.yaml) and sends the tutorial's
// requests: each gets the answer the Go-defined example gives.
func TestServeCalc(t *testing.T) {
	for _, file := range []string{"../../examples/calc/template.yaml", "../../examples/calc/openapi.yaml"} {
		args := []string{"--openapi", file, "--function", "CalcFunction=example:calc"}
		if strings.HasSuffix(file, "openapi.yaml") {
			args = append(args, "--stage", "test")
		}
		base := strings.TrimSuffix(startServe(t, args...), "/test")
		for _, tr := range calc.Tries {
			method, body, header := "GET", "", []string(nil)
			if strings.Contains(tr.Args, "POST") {
				method, body, header = "POST", `{"a":6,"b":7,"op":"*"}`, []string{"Content-Type", "application/json"}
			}
			resp, got := get(t, method, base+tr.Path, body, header...)
			if resp.StatusCode != tr.Status || got != tr.Body {
				t.Errorf("%s: %s %s = %d %q, want %d %q", file, method, tr.Path, resp.StatusCode, got, tr.Status, tr.Body)
			}
		}
	}
}

// sameAsGo sends every request to the served definition and to the
// example's Go API, in process, and compares status, body and headers.
func sameAsGo(t *testing.T, base string, api gateway.API, reqs [][]string) {
	t.Helper()
	g := gateway.MustNew(api)
	client := &http.Client{Transport: g}
	for _, r := range reqs {
		method, path, body, header := r[0], r[1], r[2], r[3:]
		resp, got := get(t, method, base+path, body, header...)
		req, _ := http.NewRequest(method, "http://local"+path, strings.NewReader(body))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		wresp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := io.ReadAll(wresp.Body)
		wresp.Body.Close()
		if resp.StatusCode != wresp.StatusCode || got != string(want) {
			t.Errorf("%s %s = %d %q, want %d %q", method, path, resp.StatusCode, got, wresp.StatusCode, want)
		}
		for _, h := range []string{"Content-Type", "Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Location", "X-Amzn-Errortype"} {
			if resp.Header.Get(h) != wresp.Header.Get(h) {
				t.Errorf("%s %s: %s = %q, want %q", method, path, h, resp.Header.Get(h), wresp.Header.Get(h))
			}
		}
	}
}

// TestServePets serves the pets HTTP API from its definition.
func TestServePets(t *testing.T) {
	base := startServe(t, "--openapi", "../../examples/pets/openapi.yaml", "--function", "PetsFunction=example:pets")
	sameAsGo(t, strings.TrimRight(base, "/"), pets.API(pets.New()), [][]string{
		{"GET", "/pets", ""},
		{"GET", "/pets?type=cat", ""},
		{"GET", "/v1/pets/2", ""},
		{"GET", "/pets/99", ""},
		{"POST", "/pets", `{"name":"Kit","type":"cat","price":10}`, "Content-Type", "application/json"},
		{"GET", "/pets/4", ""},
		{"DELETE", "/pets/1/toys/2", ""},
		{"GET", "/owners", ""},
		{"OPTIONS", "/pets", "", "Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST"},
		{"GET", "/pets/1", "", "Origin", "http://localhost:3000"},
	})
}

// TestServeSmartpath serves the smartpath REST API from its definition.
func TestServeSmartpath(t *testing.T) {
	base := startServe(t, "--openapi", "../../examples/smartpath/openapi.yaml", "--function", "SmartpathFunction=example:smartpath")
	sameAsGo(t, strings.TrimSuffix(base, "/prod"), smartpath.API(smartpath.NewFunction()), [][]string{
		{"POST", "/prod/smartpath", "<order><customer>Ren\xe9e</customer><item name=\"caf\xe9\" qty=\"2\"/></order>", "Content-Type", "text/xml; charset=windows-1252"},
		{"POST", "/prod/smartpath?mistake=object-body", "<order/>", "Content-Type", "text/xml"},
		{"POST", "/prod/smartpath", "<order>", "Content-Type", "text/xml"},
		{"OPTIONS", "/prod/smartpath", "", "Origin", "https://app.example", "Access-Control-Request-Method", "POST"},
		{"GET", "/prod/smartpath", ""},
	})
}

// TestServeErrors checks that serve prints a definition's problems with
// their positions and refuses bad flags.
func TestServeErrors(t *testing.T) {
	var stderr bytes.Buffer
	code := serve(context.Background(), []string{"--openapi", "../../examples/calc/template.yaml", "--addr", "127.0.0.1:0"}, io.Discard, &stderr, nil)
	if code != 1 || !strings.Contains(stderr.String(), "template.yaml:") || !strings.Contains(stderr.String(), `give one under "CalcFunction"`) {
		t.Errorf("serve without functions = %d %s", code, stderr.String())
	}
	for _, args := range [][]string{
		{},
		{"--openapi", "x.yaml", "--function", "nope"},
		{"--openapi", "x.yaml", "--function", "F=example:none"},
		{"--openapi", "x.yaml", "--function", "F=ftp://x"},
		{"--openapi", "x.yaml", "--stage-var", "a=b"},
		{"--openapi", "x.yaml", "--source", "alb"},
	} {
		stderr.Reset()
		if code := serve(context.Background(), args, io.Discard, &stderr, nil); code != 2 {
			t.Errorf("serve %q = %d, want 2 (%s)", args, code, stderr.String())
		}
	}
	// The help that serve's template usage points to.
	stderr.Reset()
	if code := run([]string{"serve", "--openapi", "-h"}, strings.NewReader(""), io.Discard, &stderr); code != 0 || !strings.Contains(stderr.String(), "usage: lambdagate serve --openapi FILE") {
		t.Errorf("serve --openapi -h = %d %s", code, stderr.String())
	}
}
