//go:build linux

package lambdaruntime

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
	"github.com/lambdagate/lambdagate/internal/proctest"
)

const (
	// invokeTimeout bounds one invocation, the 7 MiB ones included.
	invokeTimeout = 60 * time.Second
	// functionTimeout is the function's timeout in the emulator, in
	// seconds: the deadline the runtime sees.
	functionTimeout = 30
	// resultWait bounds the wait for the runtime's result once the
	// emulator has answered.
	resultWait = 5 * time.Second
)

// A function is a bootstrap running under the Runtime Interface Emulator.
type function struct {
	name   string
	emu    *runtimetest.Emulator
	tap    *tap
	client *http.Client
	health []byte // a payload the function answers normally

	mu      sync.Mutex
	n       int // invocations so far, for request ids
	pid     int // the runtime process, once started
	logSeen int // log bytes already checked
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
	envPath, err := exec.LookPath("env")
	if err != nil {
		runtimetest.Unavailable(t, "the env command, which points the runtime at the recording Runtime API, is missing: %v", err)
	}
	f := &function{
		name:   name,
		tap:    newTap(t),
		health: health,
		client: &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}},
	}
	t.Cleanup(f.client.CloseIdleConnections)
	// Registered first, this runs after the emulator's Stop, whose
	// failure it shows too.
	t.Cleanup(func() {
		if f.emu != nil && t.Failed() {
			t.Logf("%s: emulator log:\n%s", f.name, runtimetest.Tail(f.emu.Log.String(), 200))
		}
	})
	f.emu = runtimetest.StartEmulator(t, runtimetest.EmulatorConfig{
		Name:      name,
		Timeout:   functionTimeout,
		Env:       env,
		Bootstrap: bootstrap,
		// The emulator runs "env AWS_LAMBDA_RUNTIME_API=TAP ./bootstrap":
		// env replaces itself with the bootstrap, which then calls the
		// tap instead of the emulator's own address.
		Command: []string{envPath, "AWS_LAMBDA_RUNTIME_API=" + f.tap.addr(), "./" + filepath.Base(bootstrap)},
		Prepare: f.tap.setTarget,
	})
	return f
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
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.emu.URL, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	// The emulator uses this header as the invocation's request id.
	req.Header.Set("X-Amzn-RequestId", id)
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatalf("invoking %s (%s): %v\nemulator log:\n%s", f.name, id, err, runtimetest.Tail(f.emu.Log.String(), 40))
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
	case <-f.emu.Exited():
		t.Fatalf("%s: the emulator exited: %v\n%s", f.name, f.emu.Cmd.ProcessState, runtimetest.Tail(f.emu.Log.String(), 40))
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
	kids := proctest.Children(f.emu.Cmd.Process.Pid)
	log := f.emu.Log.String()
	f.mu.Lock()
	newLog := log[f.logSeen:]
	f.logSeen = len(log)
	prev := f.pid
	if len(kids) == 1 {
		f.pid = kids[0]
		f.emu.Track(kids[0])
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
	fmt.Fprintf(&b, "invocation %s: emulator answered %d with %s", r.id, r.status, runtimetest.Abbrev(r.body))
	if r.post == nil {
		fmt.Fprintf(&b, "; runtime: %v", r.postErr)
	} else {
		fmt.Fprintf(&b, "; runtime posted to /%s (Content-Type %q, status %d) %s", r.post.kind, r.post.header.Get("Content-Type"), r.post.status, runtimetest.Abbrev(r.post.body))
		if r.post.err != nil {
			fmt.Fprintf(&b, " (forwarding failed: %v)", r.post.err)
		}
	}
	return b.String()
}
