//go:build linux

package lambdaruntime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/internal/proctest"
)

const (
	// invokeTimeout bounds one invocation, the 7 MiB ones included.
	invokeTimeout = 60 * time.Second
	// functionTimeout is the function's timeout in the emulator, in
	// seconds: the deadline the runtime sees.
	functionTimeout = "30"
	// resultWait bounds the wait for the runtime's result once the
	// emulator has answered.
	resultWait = 5 * time.Second
	// startWait bounds the emulator's start.
	startWait = 15 * time.Second
)

// A function is a bootstrap running under the Runtime Interface Emulator.
type function struct {
	name   string
	url    string // the emulator's invoke endpoint
	cmd    *exec.Cmd
	exited chan struct{}
	log    *syncBuffer
	tap    *tap
	client *http.Client
	health []byte // a payload the function answers normally

	mu      sync.Mutex
	n       int          // invocations so far, for request ids
	pid     int          // the runtime process, once started
	seen    map[int]bool // every runtime process seen
	logSeen int          // log bytes already checked
}

// A result is one invocation: what the emulator answered and what the
// runtime posted.
type result struct {
	id     string
	status int    // the emulator's status code
	body   []byte // the emulator's body
	post   *postResult
	// postErr says why post is nil.
	postErr error
}

// startFunction runs bootstrap under the emulator with the extra
// environment variables env, on free loopback ports. health is a payload
// the function answers normally; the tests send it after every case.
func startFunction(t *testing.T, name, bootstrap string, env []string, health []byte) *function {
	t.Helper()
	rie := emulator(t)
	envPath, err := exec.LookPath("env")
	if err != nil {
		unavailable(t, "the env command, which points the runtime at the recording Runtime API, is missing: %v", err)
	}
	f := &function{
		name:   name,
		tap:    newTap(t),
		health: health,
		seen:   make(map[int]bool),
		client: &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}},
	}
	t.Cleanup(f.client.CloseIdleConnections)
	var last error
	for attempt := 0; attempt < 3; attempt++ {
		if last = f.start(t, rie, envPath, bootstrap, env); last == nil {
			return f
		}
	}
	t.Fatalf("starting %s under the emulator: %v", name, last)
	return nil
}

// start makes one attempt at starting the emulator: ports chosen free can
// be taken by another process before the emulator binds them.
func (f *function) start(t *testing.T, rie, envPath, bootstrap string, env []string) error {
	invokeAddr, err := freePort()
	if err != nil {
		return err
	}
	runtimeAddr, err := freePort()
	if err != nil {
		return err
	}
	f.tap.setTarget(runtimeAddr)
	f.url = "http://" + invokeAddr + "/2015-03-31/functions/function/invocations"
	f.log = new(syncBuffer)
	// The emulator runs "env AWS_LAMBDA_RUNTIME_API=TAP ./bootstrap": env
	// replaces itself with the bootstrap, which then calls the tap
	// instead of the emulator's own address.
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", invokeAddr,
		"--runtime-api-address", runtimeAddr,
		envPath, "AWS_LAMBDA_RUNTIME_API="+f.tap.addr(), "./"+filepath.Base(bootstrap))
	cmd.Dir = filepath.Dir(bootstrap)
	// The emulator passes its whole environment to the function: keep it
	// small, and without AWS_LAMBDA_MAX_CONCURRENCY, which selects the
	// emulator's other mode.
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"AWS_LAMBDA_FUNCTION_NAME=" + f.name,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + functionTimeout,
		"LOG_LEVEL=info",
	}, env...)
	cmd.Stdout, cmd.Stderr = f.log, f.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// The runtime inherits the output; Wait must not wait for it.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	fail := func(err error) error {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		return err
	}
	if err := waitListening(invokeAddr, exited); err != nil {
		return fail(fmt.Errorf("%w\n%s", err, f.log.String()))
	}
	f.cmd, f.exited = cmd, exited
	t.Cleanup(func() { f.stop(t) })
	return nil
}

// waitListening waits until addr accepts connections, the emulator
// exits, or startWait passes.
func waitListening(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(startWait)
	for {
		select {
		case <-exited:
			return errors.New("the emulator exited")
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the emulator did not listen on %s within %v", addr, startWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the runtime processes and the emulator, each by process
// group (the emulator starts the runtime in a group of its own), and
// checks that none is left.
func (f *function) stop(t *testing.T) {
	f.mu.Lock()
	pids := []int{}
	for pid := range f.seen {
		pids = append(pids, pid)
	}
	f.mu.Unlock()
	for _, pid := range children(f.cmd.Process.Pid) {
		if !slices.Contains(pids, pid) {
			pids = append(pids, pid)
		}
	}
	for _, pid := range pids {
		syscall.Kill(-pid, syscall.SIGKILL)
		syscall.Kill(pid, syscall.SIGKILL)
	}
	syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-f.exited:
	case <-time.After(10 * time.Second):
		t.Errorf("%s: the emulator (pid %d) did not exit after SIGKILL", f.name, f.cmd.Process.Pid)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for running(pid) {
			if time.Now().After(deadline) {
				t.Errorf("%s: runtime process %d still runs after SIGKILL", f.name, pid)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if t.Failed() {
		t.Logf("%s: emulator log:\n%s", f.name, tail(f.log.String(), 200))
	}
}

// invoke sends payload to the function and waits for the runtime's
// result.
func (f *function) invoke(t testing.TB, payload []byte) *result {
	t.Helper()
	f.mu.Lock()
	f.n++
	id := fmt.Sprintf("%s-%04d", f.name, f.n)
	f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), invokeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	// The emulator uses this header as the invocation's request id.
	req.Header.Set("X-Amzn-RequestId", id)
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatalf("invoking %s (%s): %v\nemulator log:\n%s", f.name, id, err, tail(f.log.String(), 40))
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("invoking %s (%s): reading the answer: %v", f.name, id, err)
	}
	r := &result{id: id, status: resp.StatusCode, body: body}
	r.post, r.postErr = f.tap.result(id, resultWait)
	return r
}

// alive checks that the runtime process survived: it is the one that
// answered before, the emulator's log shows no exit and no new init, and
// it answers the health payload normally.
func (f *function) alive(t testing.TB) {
	t.Helper()
	select {
	case <-f.exited:
		t.Fatalf("%s: the emulator exited: %v\n%s", f.name, f.cmd.ProcessState, tail(f.log.String(), 40))
	default:
	}
	problems := f.checkProcess()
	if f.health != nil {
		r := f.invoke(t, f.health)
		if r.post == nil || r.post.kind != "response" || r.post.status != http.StatusAccepted || r.status != http.StatusOK || !bytes.Equal(r.body, r.post.body) {
			problems = append(problems, "a normal request got no normal answer: "+r.describe())
		}
		problems = append(problems, f.checkProcess()...)
	}
	if len(problems) > 0 {
		t.Errorf("%s: the runtime process did not survive:\n%s", f.name, strings.Join(problems, "\n"))
	}
}

// exitLines are what the emulator logs when the runtime exits or is
// started again.
var exitLines = regexp.MustCompile(`(?m)^.*(exited|Runtime\.ExitError|Reset initiated|INIT START\(type: on-demand, phase: invoke\)).*$`)

// checkProcess compares the runtime process with the one seen before and
// reads the emulator's log since the last check.
func (f *function) checkProcess() []string {
	kids := children(f.cmd.Process.Pid)
	log := f.log.String()
	f.mu.Lock()
	newLog := log[f.logSeen:]
	f.logSeen = len(log)
	prev := f.pid
	if len(kids) == 1 {
		f.pid = kids[0]
		f.seen[kids[0]] = true
	}
	f.mu.Unlock()
	var problems []string
	for _, line := range exitLines.FindAllString(newLog, -1) {
		problems = append(problems, "emulator log: "+line)
	}
	switch {
	case len(kids) != 1:
		problems = append(problems, fmt.Sprintf("runtime processes under the emulator: %v, want one", kids))
	case prev != 0 && kids[0] != prev:
		problems = append(problems, fmt.Sprintf("the runtime process is pid %d, no longer %d: the emulator started another", kids[0], prev))
	}
	return problems
}

// describe summarizes r for failure messages.
func (r *result) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invocation %s: emulator answered %d with %s", r.id, r.status, abbrev(r.body))
	if r.post == nil {
		fmt.Fprintf(&b, "; runtime: %v", r.postErr)
	} else {
		fmt.Fprintf(&b, "; runtime posted to /%s (Content-Type %q, status %d) %s", r.post.kind, r.post.header.Get("Content-Type"), r.post.status, abbrev(r.post.body))
		if r.post.err != nil {
			fmt.Fprintf(&b, " (forwarding failed: %v)", r.post.err)
		}
	}
	return b.String()
}

// abbrev quotes b, shortened to its ends when long.
func abbrev(b []byte) string {
	const max = 300
	if len(b) <= max {
		return strconv.Quote(string(b))
	}
	return fmt.Sprintf("%q…(%d bytes)…%q", b[:max*2/3], len(b), b[len(b)-max/3:])
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}

// freePort returns a loopback address whose port was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// children lists the running processes whose parent is ppid.
func children(ppid int) []int { return proctest.Children(ppid) }

// running reports whether pid is a process that has not exited.
func running(pid int) bool { return proctest.Running(pid) }

// A syncBuffer is a process's output, safe for concurrent writes.
type syncBuffer = proctest.Buffer
