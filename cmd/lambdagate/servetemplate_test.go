package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/examples/exampletest"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/internal/proctest"
)

// startTemplate runs "lambdagate serve" with args in process, its
// standard output going to stdout, and returns its endpoints' URLs by
// name. When the test ends serve stops, and no
// process it started may be left.
func startTemplate(t *testing.T, stdout io.Writer, args ...string) map[string]string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds functions and starts their processes")
	}
	before := proctest.Children(os.Getpid())
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan []endpoint, 1)
	stderr := new(proctest.Buffer)
	done := make(chan int, 1)
	go func() {
		done <- serveTemplate(ctx, append([]string{"--port", "0", "--watch=false"}, args...), stdout, stderr, func(eps []endpoint) { ready <- eps })
		close(ready)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
		for _, pid := range proctest.Children(os.Getpid()) {
			if !slices.Contains(before, pid) {
				t.Errorf("process %d outlived serve", pid)
			}
		}
		if t.Failed() {
			t.Logf("serve's standard error:\n%s", stderr.String())
		}
	})
	select {
	case eps, ok := <-ready:
		if !ok {
			t.Fatalf("serve %q exited with %d:\n%s", args, <-done, stderr.String())
		}
		urls := map[string]string{}
		for _, ep := range eps {
			urls[ep.name] = ep.url
		}
		return urls
	case <-time.After(3 * time.Minute):
		t.Fatalf("serve did not start within 3 minutes:\n%s", stderr.String())
	}
	return nil
}

// TestServeExamples serves each example's template.yaml, its functions
// built and run as Lambda processes, and sends it the table its own
// in-process test sends (package exampletest).
func TestServeExamples(t *testing.T) {
	for _, tt := range []struct {
		name, api string
		run       func(t *testing.T, s *gatewaytest.Server)
		args      func(t *testing.T) ([]string, func(*testing.T, *gatewaytest.Server))
	}{
		{name: "calc", api: "CalcApi", run: func(t *testing.T, s *gatewaytest.Server) { exampletest.Run(t, s, exampletest.Calc) }},
		{name: "pets", api: "PetsApi", run: func(t *testing.T, s *gatewaytest.Server) { exampletest.Run(t, s, exampletest.Pets) }},
		{name: "smartpath", api: "SmartpathApi", run: func(t *testing.T, s *gatewaytest.Server) { exampletest.Run(t, s, exampletest.Smartpath) }},
		{name: "webapp", api: "WebappFunctionUrl", run: func(t *testing.T, s *gatewaytest.Server) { exampletest.Run(t, s, exampletest.Webapp) }},
		{name: "chat", api: "ChatApi", run: func(t *testing.T, s *gatewaytest.Server) { exampletest.Chat(t, s) }},
		{name: "authz", api: "AuthzApi", args: func(t *testing.T) ([]string, func(*testing.T, *gatewaytest.Server)) {
			iss := exampletest.NewIssuer(t)
			return []string{"--parameter-overrides", "Issuer=" + iss.URL}, func(t *testing.T, s *gatewaytest.Server) {
				exampletest.Run(t, s, exampletest.Authz(t, iss, "pets-api"))
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var args []string
			run := tt.run
			if tt.args != nil {
				args, run = tt.args(t)
			}
			stdout := new(proctest.Buffer)
			urls := startTemplate(t, stdout, append(args, "../../examples/"+tt.name+"/template.yaml")...)
			if urls[tt.api] == "" {
				t.Fatalf("no %s among %v", tt.api, urls)
			}
			run(t, gatewaytest.Remote(t, urls[tt.api]))

			// The printed invoke of each function that a proxy route
			// invokes, with the event the route sends, reaches it through
			// the Invoke API and succeeds.
			for name, payload := range printedEvents(t, stdout.String()) {
				if payload == nil {
					continue // '{}': no proxy route invokes the function
				}
				resp, err := http.Post(urls["Lambda"]+"/2015-03-31/functions/"+name+"/invocations", "application/json", bytes.NewReader(payload))
				if err != nil {
					t.Fatal(err)
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" || !bytes.Contains(out, []byte(`"statusCode"`)) {
					t.Errorf("invoke %s with its printed event: %d %s %s", name, resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"), out)
				}
			}
		})
	}
}

// post sends body to url and returns the status, body and the test
// function's process id.
func post(t *testing.T, url, body string) (int, string, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b), resp.Header.Get("X-Testfn-Pid")
}

// TestServeFailures drives the failures of Lambda through serve: a
// function timeout, a gateway timeout, a crash, an init that exits, an
// init error, each answered as each kind of API answers it, with the
// next invoke starting a new instance; and concurrency, one instance at a
// time for a reserved concurrency of 1 and several otherwise.
func TestServeFailures(t *testing.T) {
	urls := startTemplate(t, io.Discard, "testdata/lambda/template.yaml")
	httpAPI, rest := urls["ServerlessHttpApi"], urls["ServerlessRestApi"]+"/Prod"
	if urls["ServerlessHttpApi"] == "" || urls["ServerlessRestApi"] == "" {
		t.Fatalf("endpoints %v", urls)
	}
	for _, tt := range []struct {
		name, path, body string
		http, rest       int
		httpBody         string
		restBody         string
	}{
		{"works", "/do", `{"do":"echo"}`, 200, 200, `{"do":"echo"}`, `{"do":"echo"}`},
		{"function timeout", "/do", `{"do":"sleep","ms":5000}`, 500, 502, `{"message":"Internal Server Error"}`, `{"message":"Internal server error"}`},
		{"gateway timeout", "/short", `{"do":"sleep","ms":2000}`, 503, 504, `{"message":"Service Unavailable"}`, `{"message":"Endpoint request timed out"}`},
		{"crash", "/do", `{"do":"exit","code":2}`, 500, 502, `{"message":"Internal Server Error"}`, `{"message":"Internal server error"}`},
		{"init exits", "/init-exit", `{"do":"echo"}`, 500, 502, `{"message":"Internal Server Error"}`, `{"message":"Internal server error"}`},
		{"after the failures", "/do", `{"do":"echo"}`, 200, 200, `{"do":"echo"}`, `{"do":"echo"}`},
	} {
		if code, body, _ := post(t, httpAPI+tt.path, tt.body); code != tt.http || body != tt.httpBody {
			t.Errorf("%s: HTTP API = %d %s, want %d %s", tt.name, code, body, tt.http, tt.httpBody)
		}
		if code, body, _ := post(t, rest+tt.path, tt.body); code != tt.rest || body != tt.restBody {
			t.Errorf("%s: REST API = %d %s, want %d %s", tt.name, code, body, tt.rest, tt.restBody)
		}
	}
	if code, body, _ := post(t, httpAPI+"/init-error", `{"do":"echo"}`); code != 500 {
		t.Errorf("init error: HTTP API = %d %s, want 500", code, body)
	}
	// The Invoke API reports each failure as Lambda does.
	for _, tt := range []struct{ fn, payload, errType string }{
		{"Works", `{"do":"sleep","ms":5000}`, "Sandbox.Timedout"},
		{"Works", `{"do":"exit","code":3}`, "Runtime.ExitError"},
		{"InitExit", `{"do":"echo"}`, "Runtime.ExitError"},
		{"InitError", `{"do":"echo"}`, "Testfn.InitFailed"},
	} {
		resp, err := http.Post(urls["Lambda"]+"/2015-03-31/functions/"+tt.fn+"/invocations", "application/json", strings.NewReader(tt.payload))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "Unhandled" || !strings.Contains(string(b), `"errorType":"`+tt.errType+`"`) {
			t.Errorf("invoke %s %s = %d %s %s, want the error %s", tt.fn, tt.payload, resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"), b, tt.errType)
		}
	}

	// Concurrency: three invokes at once run in three instances, unless
	// the reserved concurrency is 1: then in one, one after the other.
	for _, tt := range []struct {
		path string
		pids int
	}{{"/do", 3}, {"/single", 1}} {
		var wg sync.WaitGroup
		var mu sync.Mutex
		pids := map[string]bool{}
		start := time.Now()
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, body, pid := post(t, httpAPI+tt.path, `{"do":"sleep","ms":300}`)
				if code != 200 || pid == "" {
					t.Errorf("%s: %d %s", tt.path, code, body)
				}
				mu.Lock()
				pids[pid] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(pids) != tt.pids {
			t.Errorf("%s: three concurrent invokes ran in %d instances, want %d", tt.path, len(pids), tt.pids)
		}
		if tt.pids == 1 && time.Since(start) < 900*time.Millisecond {
			t.Errorf("%s: three 300 ms invokes in one instance took %v: they overlapped", tt.path, time.Since(start))
		}
	}
}

// TestServeSignals runs the lambdagate command, lets its functions start
// instances (one of which starts a process of its own), and stops it with
// SIGINT, then SIGTERM: it exits, and no process it started is left.
func TestServeSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it")
	}
	bin := filepath.Join(t.TempDir(), "lambdagate")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "serve", "--port", "0", "testdata/lambda/template.yaml")
			stdout, _ := cmd.StdoutPipe()
			stderr := new(proctest.Buffer)
			cmd.Stderr = stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			urls := map[string]string{}
			sc := bufio.NewScanner(stdout)
			for sc.Scan() && urls["Lambda"] == "" {
				if name, rest, ok := strings.Cut(sc.Text(), " ("); ok && !strings.HasPrefix(name, " ") {
					if _, u, ok := strings.Cut(rest, ") on "); ok {
						urls[name] = u
					}
				}
			}
			go io.Copy(io.Discard, stdout)
			if urls["Lambda"] == "" {
				t.Fatalf("serve printed no endpoints:\n%s", stderr.String())
			}
			// Three instances, and a process one of them starts.
			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					post(t, urls["ServerlessHttpApi"]+"/do", `{"do":"sleep","ms":200}`)
				}()
			}
			wg.Wait()
			_, body, _ := post(t, urls["ServerlessHttpApi"]+"/do", `{"do":"spawn"}`)
			var spawn struct{ PID int }
			if err := json.Unmarshal([]byte(body), &spawn); err != nil || !proctest.Running(spawn.PID) {
				t.Fatalf("spawn = %s", body)
			}
			spawned := spawn.PID
			children := proctest.Children(cmd.Process.Pid)
			if len(children) < 3 {
				t.Fatalf("serve runs %d function processes, want at least 3", len(children))
			}
			cmd.Process.Signal(sig)
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				t.Fatalf("serve did not exit within 30 s of %v", sig)
			}
			for _, pid := range append(children, spawned) {
				if proctest.Running(pid) {
					t.Errorf("process %d outlived serve", pid)
				}
			}
		})
	}
}
