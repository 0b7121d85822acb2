package sam

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/internal/proctest"
	"github.com/lambdagate/lambdagate/lambdaservice"
)

// fnSource is a function with no dependencies: a Runtime API loop that
// answers each invocation with its version, after sleeping the payload's
// number of milliseconds.
const fnSource = `package main

import (
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			os.Exit(1)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ms, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		http.Post(api+resp.Header.Get("Lambda-Runtime-Aws-Request-Id")+"/response", "application/json", strings.NewReader(strconv.Quote("VERSION")))
	}
}
`

func writeFn(t *testing.T, dir, version string) {
	t.Helper()
	src := strings.Replace(fnSource, "VERSION", version, 1)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWatch changes a function's code while an invocation runs: the
// invocation finishes on the old build, the next runs the new one, and a
// change that does not build leaves the new one serving.
func TestWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a function and runs it")
	}
	dir := t.TempDir()
	fn := filepath.Join(dir, "fn")
	os.Mkdir(fn, 0o755)
	os.WriteFile(filepath.Join(fn, "go.mod"), []byte("module fn\n\ngo 1.26\n"), 0o644)
	writeFn(t, fn, "v1")
	tmpl := "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Metadata: {BuildMethod: go1.x}\n    Properties: {Runtime: provided.al2023, CodeUri: fn, Timeout: 30}\n"
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(tmpl), 0o644)
	app, err := Open(filepath.Join(dir, "template.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logs := new(proctest.Buffer)
	stack, err := Start(ctx, app, Config{Service: lambdaservice.Config{Logs: logs}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		stack.Close()
		if c := proctest.Children(os.Getpid()); len(c) > 0 {
			t.Errorf("processes left: %v", c)
		}
	}()
	reports := make(chan string, 16)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		stack.Watch(ctx, func(s string) { reports <- s })
	}()
	defer func() { cancel(); wg.Wait() }()
	invoke := func(ms string) string {
		out, err := stack.Function("Fn").Invoke(ctx, []byte(ms))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	if got := invoke("0"); got != `"v1"` {
		t.Fatalf("first invoke = %s", got)
	}
	wait := func(want string) string {
		t.Helper()
		select {
		case r := <-reports:
			if !strings.Contains(r, want) {
				t.Errorf("watch reported %q, want %q", r, want)
			}
			return r
		case <-ctx.Done():
			t.Fatalf("no report %q:\n%s", want, logs.String())
		}
		return ""
	}
	// An invocation in flight while the code changes.
	inflight := make(chan string, 1)
	go func() {
		out, _ := stack.Function("Fn").Invoke(ctx, []byte("1500"))
		inflight <- string(out)
	}()
	time.Sleep(200 * time.Millisecond)
	writeFn(t, fn, "v2")
	wait("rebuilt")
	if got := invoke("0"); got != `"v2"` {
		t.Errorf("invoke after the rebuild = %s, want the new build", got)
	}
	if got := <-inflight; got != `"v1"` {
		t.Errorf("the invocation in flight = %s, want it finished on the old build", got)
	}
	// A change that does not build.
	os.WriteFile(filepath.Join(fn, "main.go"), []byte("package main\nfunc main() { undefined() }\n"), 0o644)
	if r := wait("the build failed"); !strings.Contains(r, "undefined") {
		t.Errorf("the report lacks the compiler's output: %s", r)
	}
	if got := invoke("0"); got != `"v2"` {
		t.Errorf("invoke after a failed build = %s, want the previous build", got)
	}
}
