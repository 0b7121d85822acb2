package lambdaservice

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/handler"

	"github.com/lambdagate/lambdagate/internal/proctest"
	"github.com/lambdagate/lambdagate/internal/testfn"
)

// The tests run their own test binary as the function: TestMain becomes
// package testfn's function when the service starts it with
// LAMBDASERVICE_TESTFN=1, so every test drives aws-lambda-go's real
// runtime loop through the service's Runtime API.
func TestMain(m *testing.M) {
	if os.Getenv("LAMBDASERVICE_TESTFN") == "1" {
		testfn.Main()
	}
	os.Exit(m.Run())
}

// testTimeout bounds every invoke a test makes.
const testTimeout = 60 * time.Second

// newService returns a service whose logs go to the returned buffer. When
// the test ends the service is closed and no process it started may be
// left.
func newService(t *testing.T, cfg Config) (*Service, *proctest.Buffer) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts function processes")
	}
	logs := new(proctest.Buffer)
	cfg.Logs = logs
	s, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		checkNoChildren(t)
		if t.Failed() {
			t.Logf("service log:\n%s", logs.String())
		}
	})
	return s, logs
}

// addTestFn adds the test function under name, with the extra environment
// variables env and the changes edit makes to its configuration.
func addTestFn(t *testing.T, s *Service, name string, env map[string]string, edit func(*FunctionConfig)) *Function {
	t.Helper()
	fc := FunctionConfig{Name: name, Executable: os.Args[0], Environment: map[string]string{"LAMBDASERVICE_TESTFN": "1"}}
	for k, v := range env {
		fc.Environment[k] = v
	}
	if edit != nil {
		edit(&fc)
	}
	f, err := s.Add(context.Background(), fc)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// call invokes f with r.
func call(t testing.TB, f *Function, r testfn.Request) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	return f.Invoke(ctx, r.Payload())
}

// mustCall invokes f with r and fails the test on any error.
func mustCall(t testing.TB, f *Function, r testfn.Request) []byte {
	t.Helper()
	out, err := call(t, f, r)
	if err != nil {
		t.Fatalf("Invoke(%s): %v", r.Payload(), err)
	}
	return out
}

// contextOf returns what the function sees in an invocation.
func contextOf(t testing.TB, f *Function) testfn.Context {
	t.Helper()
	var c testfn.Context
	if err := json.Unmarshal(mustCall(t, f, testfn.Request{Do: "context"}), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// functionError returns err as a *handler.FunctionError, failing the test if it
// is not one.
func functionError(t testing.TB, err error) *handler.FunctionError {
	t.Helper()
	var fe *handler.FunctionError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want a *handler.FunctionError", err, err)
	}
	return fe
}

// children lists the running processes whose parent is this process.
func children(t testing.TB) []int {
	t.Helper()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc to list processes from")
	}
	return proctest.Children(os.Getpid())
}

// running reports whether pid is a process that has not exited.
func running(pid int) bool { return proctest.Running(pid) }

// checkNoChildren fails t if this process has a child process left.
func checkNoChildren(t testing.TB) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	if kids := children(t); len(kids) > 0 {
		t.Errorf("child processes left after Close: %v", kids)
	}
}

// waitGone waits, at most ten seconds, until pid has exited, and reports
// whether it has.
func waitGone(pid int) bool {
	for range 1000 {
		if !running(pid) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// waitUntil polls cond every few milliseconds for at most ten seconds.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("timed out waiting until %s", what)
}
