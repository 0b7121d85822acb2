package lambdaservice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/handler"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdagate/lambdagate/internal/proctest"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/internal/testfn"
)

// TestWarmReuse checks that invocations in turn run in one instance, and
// that the output is the function's, byte for byte.
func TestWarmReuse(t *testing.T) {
	s, _ := newService(t, Config{})
	f := addTestFn(t, s, "echo", nil, nil)
	first := contextOf(t, f).PID
	for i := range 3 {
		req := testfn.Request{Do: "echo", Msg: fmt.Sprint(i)}
		if out := mustCall(t, f, req); string(out) != string(req.Payload()) {
			t.Errorf("Invoke(%s) = %s, want the payload back", req.Payload(), out)
		}
	}
	if pid := contextOf(t, f).PID; pid != first {
		t.Errorf("the fifth invocation ran in process %d, the first in %d: no warm reuse", pid, first)
	}
	if n := f.Instances(); n != 1 {
		t.Errorf("Instances() = %d after invocations in turn, want 1", n)
	}
}

// TestEnvironment checks what a function sees: Lambda's variables, the
// configured ones and nothing else of this process's, the invocation's
// headers as aws-lambda-go reads them, its working directory.
func TestEnvironment(t *testing.T) {
	s, _ := newService(t, Config{Region: "eu-west-3", AccountID: "111122223333"})
	dir := t.TempDir()
	t.Setenv("HOME", "/home/developer")
	f := addTestFn(t, s, "env-fn", map[string]string{"TESTFN_CONFIGURED": "yes"}, func(fc *FunctionConfig) {
		fc.Timeout, fc.MemorySize, fc.Dir, fc.Handler = 7*time.Second, 512, dir, "my.handler"
	})
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"})
	before := time.Now()
	out, err := f.Invoke(ctx, testfn.Request{Do: "context"}.Payload())
	if err != nil {
		t.Fatal(err)
	}
	var c testfn.Context
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        "env-fn",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
		"AWS_REGION":                      "eu-west-3",
		"AWS_DEFAULT_REGION":              "eu-west-3",
		"_HANDLER":                        "my.handler",
		"LAMBDA_TASK_ROOT":                dir,
		"TZ":                              ":UTC",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/env-fn",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"TESTFN_CONFIGURED":               "yes",
		"_X_AMZN_TRACE_ID":                c.TraceID, // set by the runtime loop
	}
	for k, v := range want {
		if got := c.Env[k]; got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := c.Env["HOME"]; ok {
		t.Errorf("HOME = %q reached the function; Lambda defines none", c.Env["HOME"])
	}
	if api := c.Env["AWS_LAMBDA_RUNTIME_API"]; !strings.HasPrefix(api, "127.0.0.1:") {
		t.Errorf("AWS_LAMBDA_RUNTIME_API = %q, want a loopback address", api)
	}
	if ls := c.Env["AWS_LAMBDA_LOG_STREAM_NAME"]; !strings.Contains(ls, "/[$LATEST]") || len(ls) != len("2006/01/02/[$LATEST]")+32 {
		t.Errorf("AWS_LAMBDA_LOG_STREAM_NAME = %q, want Lambda's form", ls)
	}
	if c.RequestID != "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" {
		t.Errorf("request id %q, want the one in the invoke's context", c.RequestID)
	}
	if c.FunctionARN != "arn:aws:lambda:eu-west-3:111122223333:function:env-fn" {
		t.Errorf("function ARN %q", c.FunctionARN)
	}
	if !strings.HasPrefix(c.TraceID, "Root=1-") || !strings.Contains(c.TraceID, ";Sampled=0") {
		t.Errorf("trace id %q, want an X-Ray header", c.TraceID)
	}
	if d := time.UnixMilli(c.DeadlineMS); d.Before(before.Add(7*time.Second-time.Millisecond)) || d.After(time.Now().Add(7*time.Second)) {
		t.Errorf("deadline %v is not the start of the invocation plus the 7s timeout (invoked at %v)", d, before)
	}
	if c.Cwd != dir {
		t.Errorf("working directory %q, want the task root %q", c.Cwd, dir)
	}
}

// TestFunctionErrors checks that errors the runtime reports reach the
// invoker as it posted them, and that the instance goes on serving.
func TestFunctionErrors(t *testing.T) {
	s, _ := newService(t, Config{})
	f := addTestFn(t, s, "errors", nil, nil)
	pid := contextOf(t, f).PID
	for _, c := range []struct {
		req     testfn.Request
		typ     string
		payload string
	}{
		{testfn.Request{Do: "error", Msg: "db down"}, "errorString", `{"errorMessage":"db down","errorType":"errorString"}`},
		{testfn.Request{Do: "typed", Type: "Custom.Failure", Msg: "no"}, "Custom.Failure", `{"errorMessage":"no","errorType":"Custom.Failure"}`},
	} {
		_, err := call(t, f, c.req)
		fe := functionError(t, err)
		if fe.Type != c.typ || string(fe.Payload) != c.payload {
			t.Errorf("Invoke(%s): function error %s %s, want %s %s", c.req.Payload(), fe.Type, fe.Payload, c.typ, c.payload)
		}
	}
	if got := contextOf(t, f).PID; got != pid {
		t.Errorf("after function errors the function runs in process %d, not %d", got, pid)
	}
}

// TestTimeout checks that an invocation past the function's timeout ends
// as Lambda ends it, its process is killed, and the next invocation runs
// in a new instance.
func TestTimeout(t *testing.T) {
	s, logs := newService(t, Config{})
	f := addTestFn(t, s, "slow", nil, func(fc *FunctionConfig) { fc.Timeout = time.Second })
	pid := contextOf(t, f).PID
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "timeout-1"})
	_, err := f.Invoke(ctx, testfn.Request{Do: "sleep", MS: 30000}.Payload())
	fe := functionError(t, err)
	want := `{"errorMessage":"RequestId: timeout-1 Error: Task timed out after 1.00 seconds","errorType":"Sandbox.Timedout"}`
	if fe.Type != TimeoutType || string(fe.Payload) != want {
		t.Errorf("timed out invocation: %s %s, want %s", fe.Type, fe.Payload, want)
	}
	if !waitGone(pid) {
		t.Errorf("the timed out process %d still runs", pid)
	}
	if got := contextOf(t, f).PID; got == pid {
		t.Errorf("the invocation after a timeout ran in the killed process %d", pid)
	}
	if !strings.Contains(logs.String(), "timeout-1 Task timed out after 1.00 seconds") ||
		!strings.Contains(logs.String(), "Status: timeout") {
		t.Errorf("the log has no timeout line and REPORT status")
	}
}

// TestCrash checks that a runtime that exits during an invocation ends it
// as Lambda does, and that the next invocation gets a new instance.
func TestCrash(t *testing.T) {
	s, _ := newService(t, Config{})
	f := addTestFn(t, s, "crash", nil, nil)
	for _, c := range []struct {
		req     testfn.Request
		typ     string
		message string
	}{
		{testfn.Request{Do: "exit", Code: 3}, ExitType, "RequestId: ID Error: Runtime exited with error: exit status 3"},
		{testfn.Request{Do: "exit", Code: 0}, ExitType, "RequestId: ID Error: Runtime exited without providing a reason"},
		// aws-lambda-go reports a panic, then exits: the report is the
		// invocation's error.
		{testfn.Request{Do: "panic", Msg: "nil map"}, "string", "nil map"},
	} {
		pid := contextOf(t, f).PID
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "ID"})
		_, err := f.Invoke(ctx, c.req.Payload())
		cancel()
		fe := functionError(t, err)
		if fe.Type != c.typ || fe.Message != c.message {
			t.Errorf("Invoke(%s): %s %q, want %s %q", c.req.Payload(), fe.Type, fe.Message, c.typ, c.message)
		}
		if !waitGone(pid) {
			t.Errorf("process %d still runs", pid)
		}
		if got := contextOf(t, f).PID; got == pid {
			t.Errorf("the invocation after %s ran in the exited process", c.req.Payload())
		}
	}
}

// TestInitFailures checks the three ways an initialisation fails: the
// runtime exits, it reports an init error, it never asks for an
// invocation.
func TestInitFailures(t *testing.T) {
	s, _ := newService(t, Config{InitTimeout: 200 * time.Millisecond})
	for _, c := range []struct {
		mode    string
		typ     string
		payload string
	}{
		{"exit", ExitType, `{"errorMessage":"RequestId: ID Error: Runtime exited with error: exit status 2","errorType":"Runtime.ExitError"}`},
		{"error", "Testfn.InitFailed", `{"errorMessage":"testfn: cannot initialise","errorType":"Testfn.InitFailed"}`},
		{"hang", TimeoutType, `{"errorMessage":"RequestId: ID Error: Task timed out after 1.00 seconds","errorType":"Sandbox.Timedout"}`},
	} {
		f := addTestFn(t, s, "init-"+c.mode, map[string]string{"TESTFN_INIT": c.mode}, func(fc *FunctionConfig) { fc.Timeout = time.Second })
		for i := range 2 { // each invocation tries a new instance
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "ID"})
			_, err := f.Invoke(ctx, testfn.Request{Do: "echo"}.Payload())
			cancel()
			fe := functionError(t, err)
			if fe.Type != c.typ || string(fe.Payload) != c.payload {
				t.Errorf("init %s, invocation %d: %s %s, want %s %s", c.mode, i, fe.Type, fe.Payload, c.typ, c.payload)
			}
			waitUntil(t, "the failed instance is gone", func() bool { return f.Instances() == 0 })
		}
	}
}

// TestConcurrency checks that concurrent invocations start instances up
// to the limit, that an invoke at the limit waits for an instance to
// become free and then reuses it, and that with Throttle it is refused.
func TestConcurrency(t *testing.T) {
	for _, throttle := range []bool{false, true} {
		t.Run(fmt.Sprintf("throttle=%v", throttle), func(t *testing.T) {
			s, _ := newService(t, Config{Throttle: throttle})
			f := addTestFn(t, s, "pool", nil, func(fc *FunctionConfig) { fc.Concurrency = 2 })
			gate := filepath.Join(t.TempDir(), "gate")
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					mustCall(t, f, testfn.Request{Do: "wait", Gate: gate})
				}()
			}
			// Both invocations hold an instance each.
			waitUntil(t, "two instances run", func() bool { return busy(f) == 2 })
			if n := f.Instances(); n != 2 {
				t.Fatalf("Instances() = %d with two invocations in flight, want 2", n)
			}
			pids := children(t)
			third := make(chan error, 1)
			var thirdPID int
			go func() {
				out, err := call(t, f, testfn.Request{Do: "context"})
				var c testfn.Context
				json.Unmarshal(out, &c)
				thirdPID = c.PID
				third <- err
			}()
			if throttle {
				var ie *handler.InvokeError
				if err := <-third; !errors.As(err, &ie) || ie.Status != 429 || ie.Code != "TooManyRequestsException" {
					t.Errorf("third invoke at the limit with Throttle: %v, want 429 TooManyRequestsException", err)
				}
			} else {
				waitUntil(t, "the third invoke waits", func() bool { return waiting(f) == 1 })
				if n := f.Instances(); n != 2 {
					t.Errorf("Instances() = %d with a third invoke waiting, want 2", n)
				}
			}
			os.WriteFile(gate, nil, 0o600)
			wg.Wait()
			if !throttle {
				if err := <-third; err != nil {
					t.Fatalf("third invoke: %v", err)
				}
				if !slices.Contains(pids, thirdPID) {
					t.Errorf("the third invocation ran in process %d, not in one of %v", thirdPID, pids)
				}
			}
			if n := f.Instances(); n != 2 {
				t.Errorf("Instances() = %d at the end, want 2", n)
			}
		})
	}
}

// busy counts the instances running an invocation.
func busy(f *Function) int {
	f.mu.Lock()
	insts := make([]*instance, 0, len(f.all))
	for inst := range f.all {
		insts = append(insts, inst)
	}
	f.mu.Unlock()
	n := 0
	for _, inst := range insts {
		if inst.current() != nil {
			n++
		}
	}
	return n
}

// waiting counts the invokes waiting for an instance.
func waiting(f *Function) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}

// TestCloseKillsEverything checks that Close, and the end of the context
// New was given, leave no process behind: not the instances, busy or
// idle, and not a process an instance started.
func TestCloseKillsEverything(t *testing.T) {
	for _, how := range []string{"Close", "context"} {
		t.Run(how, func(t *testing.T) {
			if testing.Short() {
				t.Skip("starts function processes")
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := New(ctx, Config{Logs: io.Discard})
			if err != nil {
				t.Fatal(err)
			}
			f := addTestFn(t, s, "victim", nil, func(fc *FunctionConfig) { fc.Timeout = time.Minute })
			gate := filepath.Join(t.TempDir(), "never")
			inflight := make(chan error, 1)
			go func() {
				_, err := call(t, f, testfn.Request{Do: "wait", Gate: gate})
				inflight <- err
			}()
			waitUntil(t, "an invocation is in flight", func() bool { return busy(f) == 1 })
			// A second instance, idle, with a process of its own.
			var spawned struct{ PID int }
			json.Unmarshal(mustCall(t, f, testfn.Request{Do: "spawn"}), &spawned)
			pids := append(children(t), spawned.PID)
			if f.Instances() != 2 || len(pids) < 3 || !running(spawned.PID) {
				t.Fatalf("want a busy and an idle instance and a spawned process; have %d instances, processes %v", f.Instances(), pids)
			}
			if how == "Close" {
				s.Close()
			} else {
				cancel()
			}
			if err := <-inflight; err == nil {
				t.Errorf("the invocation in flight succeeded after the service stopped")
			}
			if how == "context" {
				s.Close() // waits for the processes
			}
			for _, pid := range pids {
				if running(pid) {
					t.Errorf("process %d still runs", pid)
				}
			}
			checkNoChildren(t)
			if _, err := call(t, f, testfn.Request{Do: "echo"}); !errors.Is(err, errClosed) {
				t.Errorf("invoke after Close: %v, want %v", err, errClosed)
			}
		})
	}
}

// TestLogs checks that the function's output reaches the log writer line
// by line, prefixed with the function and the request id, between
// Lambda's START and END lines.
func TestLogs(t *testing.T) {
	s, logs := newService(t, Config{})
	f := addTestFn(t, s, "talker", nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "req-42"})
	if _, err := f.Invoke(ctx, testfn.Request{Do: "log", Lines: 3}.Payload()); err != nil {
		t.Fatal(err)
	}
	contextOf(t, f) // the next call ends req-42 with END and REPORT
	log := logs.String()
	for _, line := range []string{
		"talker req-42 START RequestId: req-42 Version: $LATEST\n",
		"talker req-42 stdout line 0\n", "talker req-42 stderr line 2\n",
		"talker req-42 END RequestId: req-42\n",
		"talker req-42 REPORT RequestId: req-42\tDuration: ",
	} {
		if !strings.Contains(log, line) {
			t.Errorf("the log has no line %q", line)
		}
	}
	if !strings.Contains(log, "\tInit Duration: ") {
		t.Errorf("the first REPORT line has no Init Duration")
	}
}

// TestLongLogLine checks that a line longer than maxLogLine is cut, so
// output without newlines costs bounded memory.
func TestLongLogLine(t *testing.T) {
	var sink proctest.Buffer
	s := &Service{logs: logSink{w: &sink}}
	f := &Function{svc: s, name: "fn"}
	lw := &lineWriter{}
	lw.init(&instance{fn: f}, []byte("\x00marker\x00"), nil)
	big := strings.Repeat("x", 3*maxLogLine+10)
	lw.Write([]byte(big))
	lw.Write([]byte("\nshort\n"))
	lines := strings.Split(strings.TrimSuffix(sink.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5 (three full pieces, the rest, then short)", len(lines))
	}
	for i, l := range lines[:3] {
		if len(l) != len("fn - ")+maxLogLine {
			t.Errorf("line %d has %d bytes, want the prefix and %d", i, len(l), maxLogLine)
		}
	}
	if lines[3] != "fn - xxxxxxxxxx" || lines[4] != "fn - short" {
		t.Errorf("last lines %q, %q", lines[3], lines[4])
	}
}

// TestOversizedResponse checks Lambda's 6 MB quota on a buffered
// response: over it, the invocation ends as Lambda ends it; at it, the
// output arrives whole.
func TestOversizedResponse(t *testing.T) {
	s, _ := newService(t, Config{})
	f := addTestFn(t, s, "big", nil, func(fc *FunctionConfig) { fc.Timeout = 30 * time.Second })
	out := mustCall(t, f, testfn.Request{Do: "big", Bytes: quota.LambdaResponse})
	if len(out) != quota.LambdaResponse {
		t.Errorf("an output of exactly the quota arrived with %d bytes", len(out))
	}
	_, err := call(t, f, testfn.Request{Do: "big", Bytes: quota.LambdaResponse + 1})
	fe := functionError(t, err)
	if fe.Type != quota.ResponseTooLargeType || fe.Message != quota.ResponseTooLargeMessage {
		t.Errorf("oversized output: %s %q", fe.Type, fe.Message)
	}
	// aws-lambda-go exits when its response is refused; the next
	// invocation gets a new instance.
	mustCall(t, f, testfn.Request{Do: "echo"})
}

// TestStreaming checks InvokeStream: the output arrives as the function
// writes it, and an error after the stream started ends the reader with
// the function error.
func TestStreaming(t *testing.T) {
	s, _ := newService(t, Config{})
	f := addTestFn(t, s, "stream", map[string]string{"TESTFN_STREAM": "1"}, nil)
	gate := filepath.Join(t.TempDir(), "gate")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	r, err := f.InvokeStream(ctx, testfn.Request{Do: "stream", Msg: "chunk", Chunks: 3, Gate: gate}.Payload())
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, len("chunk 0\n"))
	if _, err := io.ReadFull(r, first); err != nil || string(first) != "chunk 0\n" {
		t.Fatalf("first chunk %q, %v", first, err)
	}
	// The function waits for the gate before its second chunk: the first
	// arrived while the response was still being written.
	os.WriteFile(gate, nil, 0o600)
	rest, err := io.ReadAll(r)
	if err != nil || string(rest) != "chunk 1\nchunk 2\n" {
		t.Errorf("rest of the stream %q, %v", rest, err)
	}
	r, err = f.InvokeStream(ctx, testfn.Request{Do: "stream", Msg: "x", Chunks: 2, Fail: true}.Payload())
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	fe := functionError(t, err)
	if string(got) != "x 0\nx 1\n" || fe.Type != "errorString" || fe.Message != "testfn: the stream failed" {
		t.Errorf("failing stream: %q then %s %q", got, fe.Type, fe.Message)
	}
	// An error before the stream starts is the invoke's error.
	_, err = f.InvokeStream(ctx, testfn.Request{Do: "error", Msg: "early"}.Payload())
	if fe := functionError(t, err); fe.Message != "early" {
		t.Errorf("early error %q", fe.Message)
	}
}

// TestUpdate checks that Update swaps the code without losing the
// invocation in flight, and that the old instance stops after it.
func TestUpdate(t *testing.T) {
	s, _ := newService(t, Config{})
	f := addTestFn(t, s, "updated", map[string]string{"TESTFN_CONFIGURED": "v1"}, nil)
	gate := filepath.Join(t.TempDir(), "gate")
	old := contextOf(t, f).PID
	inflight := make(chan error, 1)
	go func() {
		_, err := call(t, f, testfn.Request{Do: "wait", Gate: gate})
		inflight <- err
	}()
	waitUntil(t, "the invocation runs", func() bool { return busy(f) == 1 })
	fc := f.Config()
	fc.Environment = map[string]string{"LAMBDASERVICE_TESTFN": "1", "TESTFN_CONFIGURED": "v2"}
	if err := f.Update(context.Background(), fc); err != nil {
		t.Fatal(err)
	}
	if c := contextOf(t, f); c.Env["TESTFN_CONFIGURED"] != "v2" || c.PID == old {
		t.Errorf("after Update: process %d sees %q, want a new process seeing v2", c.PID, c.Env["TESTFN_CONFIGURED"])
	}
	os.WriteFile(gate, nil, 0o600)
	if err := <-inflight; err != nil {
		t.Errorf("the invocation in flight during Update: %v", err)
	}
	if !waitGone(old) {
		t.Errorf("the old instance %d still runs after its invocation", old)
	}
}

// TestBuild checks that a Package is built with go build, and that a
// build that fails leaves the function as it was.
func TestBuild(t *testing.T) {
	if _, err := os.Stat("../internal/testfn/bootstrap"); err != nil {
		t.Skip(err)
	}
	s, _ := newService(t, Config{})
	f, err := s.Add(context.Background(), FunctionConfig{Name: "built", Package: "../internal/testfn/bootstrap"})
	if err != nil {
		t.Fatal(err)
	}
	req := testfn.Request{Do: "echo"}
	if out := mustCall(t, f, req); string(out) != string(req.Payload()) {
		t.Errorf("built function answered %s", out)
	}
	fc := f.Config()
	fc.BuildCommand = []string{"sh", "-c", "echo broken >&2; exit 1"}
	var be *BuildError
	if err := f.Update(context.Background(), fc); !errors.As(err, &be) || !strings.Contains(string(be.Output), "broken") {
		t.Fatalf("Update with a failing build: %v, want a *BuildError with its output", err)
	}
	if out := mustCall(t, f, req); string(out) != string(req.Payload()) {
		t.Errorf("after a failed build the function answered %s", out)
	}
	fc.BuildCommand = []string{"sh", "-c", `go build -o "$ARTIFACTS_DIR/bootstrap" .`}
	if err := f.Update(context.Background(), fc); err != nil {
		t.Fatalf("Update with a makefile-style build command: %v", err)
	}
	if out := mustCall(t, f, req); string(out) != string(req.Payload()) {
		t.Errorf("after a build command the function answered %s", out)
	}
}

// TestInvalidEntrypoint checks that an executable that cannot run ends
// the invocation as Lambda ends it.
func TestInvalidEntrypoint(t *testing.T) {
	s, _ := newService(t, Config{})
	notExe := filepath.Join(t.TempDir(), "bootstrap")
	os.WriteFile(notExe, []byte("not a program"), 0o755)
	f, err := s.Add(context.Background(), FunctionConfig{Name: "bad", Executable: notExe})
	if err != nil {
		t.Fatal(err)
	}
	_, err = call(t, f, testfn.Request{Do: "echo"})
	fe := functionError(t, err)
	if fe.Type != EntrypointType || !strings.Contains(fe.Message, "exec format error") {
		t.Errorf("invalid bootstrap: %s %q, want %s with the exec error", fe.Type, fe.Message, EntrypointType)
	}
	if n := f.Instances(); n != 0 {
		t.Errorf("Instances() = %d after a failed start", n)
	}
}

// TestInvokeRefused checks the invokes Lambda refuses before running the
// function.
func TestInvokeRefused(t *testing.T) {
	s, _ := newService(t, Config{})
	f := addTestFn(t, s, "refuser", nil, nil)
	for _, c := range []struct {
		payload []byte
		status  int
		code    string
	}{
		{make([]byte, quota.LambdaRequest+1), 413, "RequestEntityTooLargeException"},
		{[]byte(`{"do":`), 400, "InvalidRequestContentException"},
		{[]byte(`hello`), 400, "InvalidRequestContentException"},
	} {
		_, err := f.Invoke(context.Background(), c.payload)
		var ie *handler.InvokeError
		if !errors.As(err, &ie) || ie.Status != c.status || ie.Code != c.code {
			t.Errorf("Invoke(%.20q): %v, want %d %s", c.payload, err, c.status, c.code)
		}
	}
	if n := f.Instances(); n != 0 {
		t.Errorf("refused invokes started %d instances", n)
	}
}

// TestConfigErrors checks that every problem of a configuration is
// reported at once, naming the function and the bad value.
func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		fc   FunctionConfig
		want []string
	}{
		{FunctionConfig{Name: "a b", Executable: "/bin/true"}, []string{`function "a b": invalid name`}},
		{FunctionConfig{Name: "x"}, []string{"no Executable and no Package"}},
		{FunctionConfig{Name: "x", Executable: "/bin/true", Package: "."}, []string{"both Executable"}},
		{FunctionConfig{Name: "x", Executable: "/bin/true", BuildCommand: []string{"make"}}, []string{"BuildCommand without a Package"}},
		{FunctionConfig{Name: "x", Executable: "/bin/true", Timeout: 16 * time.Minute, MemorySize: 64, Architecture: "mips"},
			[]string{"timeout 16m0s out of range", "memory size 64 MB out of range", `invalid architecture "mips"`}},
		{FunctionConfig{Name: "x", Executable: "/bin/true", Environment: map[string]string{"AWS_REGION": "x", "1BAD": "y"}},
			[]string{`"AWS_REGION" is reserved`, `invalid environment variable name "1BAD"`}},
	} {
		_, err := c.fc.withDefaults()
		if err == nil {
			t.Errorf("%+v: no error, want %q", c.fc, c.want)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q, want it to contain %q", c.fc, err, w)
			}
		}
	}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Region: "Mars"}, `invalid region "Mars"`},
		{Config{AccountID: "42"}, `invalid account id "42"`},
		{Config{Concurrency: -1}, "negative concurrency -1"},
	} {
		if _, err := New(context.Background(), c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want %q", c.cfg, err, c.want)
		}
	}
}

// TestLogSyncMarker checks that the sync marker is found when a read
// splits it, that it ends a line left without a newline, and that it is
// not logged.
func TestLogSyncMarker(t *testing.T) {
	var sink proctest.Buffer
	f := &Function{svc: &Service{logs: logSink{w: &sink}}, name: "fn"}
	lw := &lineWriter{}
	lw.init(&instance{fn: f}, []byte("\x00sync\x00"), nil)
	lw.Write([]byte("one\npartial\x00sy"))
	select {
	case <-lw.synced:
		t.Fatal("synced before the whole marker arrived")
	default:
	}
	lw.Write([]byte("nc\x00two\n"))
	select {
	case <-lw.synced:
	default:
		t.Fatal("the marker split between two writes was not found")
	}
	lw.Write([]byte("\x00s"))
	lw.Close() // a marker's start at the end is output after all
	if got, want := sink.String(), "fn - one\nfn - partial\nfn - two\nfn - \x00s\n"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
}
