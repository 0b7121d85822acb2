//go:build linux

package runtimetest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/internal/proctest"
)

const (
	// startAttempts is how many times StartEmulator tries: ports chosen
	// free can be taken by another process before the emulator binds
	// them.
	startAttempts = 3
	// startWait bounds the emulator's start.
	startWait = 15 * time.Second
	// exitWait bounds the wait for the emulator to exit once killed.
	exitWait = 10 * time.Second
	// goneWait bounds the wait for the processes under it to be gone.
	goneWait = 5 * time.Second
)

// EmulatorConfig says what [StartEmulator] runs.
type EmulatorConfig struct {
	// Name is the function's name (AWS_LAMBDA_FUNCTION_NAME).
	Name string
	// Timeout is the function's timeout in seconds: the deadline the
	// runtime sees.
	Timeout int
	// Env adds NAME=VALUE variables to the function's environment.
	Env []string
	// Bootstrap is the bootstrap's path; the emulator runs in its
	// directory.
	Bootstrap string
	// Command is what the emulator runs as the runtime, in the
	// bootstrap's directory; nil runs the bootstrap itself.
	Command []string
	// Prepare, when set, is called with the emulator's Runtime API
	// address before each attempt to start it.
	Prepare func(runtimeAPI string)
}

// An Emulator is the Runtime Interface Emulator running one function on
// loopback, in a process group of its own.
type Emulator struct {
	// URL is the function's invoke endpoint.
	URL string
	// Cmd is the emulator's process; the runtime processes are its
	// children. It is not to be waited for or killed but by Stop.
	Cmd *exec.Cmd
	// Log is the emulator's output, the function's included.
	Log *proctest.Buffer

	exited chan struct{}

	mu      sync.Mutex
	tracked []int

	stop    sync.Once
	stopErr error
}

// StartEmulator runs a function under the emulator (see [Emulator]), in
// its default single-concurrency mode, on free loopback ports, and
// returns once it listens. The emulator passes its whole environment to
// the function, so that is only PATH, the name, the timeout, LOG_LEVEL=info
// and cfg.Env (never AWS_LAMBDA_MAX_CONCURRENCY, which selects the
// emulator's other mode). When t ends, Stop runs, and its error fails t.
// A start that fails three times fails t.
func StartEmulator(t testing.TB, cfg EmulatorConfig) *Emulator {
	t.Helper()
	rie := BuildEmulator(t)
	var last error
	for range startAttempts {
		e, err := startEmulator(rie, cfg)
		if err == nil {
			t.Cleanup(func() {
				if err := e.Stop(); err != nil {
					t.Errorf("%s: %v", cfg.Name, err)
				}
			})
			return e
		}
		last = err
	}
	t.Fatalf("starting %s under the emulator: %v", cfg.Name, last)
	return nil
}

// startEmulator makes one attempt at starting the emulator.
func startEmulator(rie string, cfg EmulatorConfig) (*Emulator, error) {
	invokeAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	runtimeAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	if cfg.Prepare != nil {
		cfg.Prepare(runtimeAddr)
	}
	command := cfg.Command
	if command == nil {
		command = []string{"./" + filepath.Base(cfg.Bootstrap)}
	}
	cmd := exec.Command(rie, append([]string{
		"--runtime-interface-emulator-address", invokeAddr,
		"--runtime-api-address", runtimeAddr,
	}, command...)...)
	cmd.Dir = filepath.Dir(cfg.Bootstrap)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"AWS_LAMBDA_FUNCTION_NAME=" + cfg.Name,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(cfg.Timeout),
		"LOG_LEVEL=info",
	}, cfg.Env...)
	e := &Emulator{
		URL:    "http://" + invokeAddr + "/2015-03-31/functions/function/invocations",
		Cmd:    cmd,
		Log:    new(proctest.Buffer),
		exited: make(chan struct{}),
	}
	cmd.Stdout, cmd.Stderr = e.Log, e.Log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// The runtime inherits the output; Wait must not wait for it.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		cmd.Wait()
		close(e.exited)
	}()
	if err := waitListening(invokeAddr, e.exited); err != nil {
		e.Stop()
		return nil, fmt.Errorf("%w\n%s", err, e.Log.String())
	}
	return e, nil
}

// Exited is closed once the emulator has exited.
func (e *Emulator) Exited() <-chan struct{} { return e.exited }

// Track adds pid, a runtime process the emulator started, to those Stop
// kills and waits for, should it no longer be under the emulator then.
func (e *Emulator) Track(pid int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Contains(e.tracked, pid) {
		e.tracked = append(e.tracked, pid)
	}
}

// Stop kills every process under the emulator and every tracked one, each
// with its process group (the emulator starts the runtime in a group of
// its own), then the emulator's group, and waits a bounded time for them
// to be gone. It reports the processes that are not. Later calls return
// the first's result.
func (e *Emulator) Stop() error {
	e.stop.Do(func() { e.stopErr = e.kill() })
	return e.stopErr
}

// kill does Stop's work.
func (e *Emulator) kill() error {
	pid := e.Cmd.Process.Pid
	e.mu.Lock()
	pids := slices.Clone(e.tracked)
	e.mu.Unlock()
	for _, p := range descendants(pid) {
		if !slices.Contains(pids, p) {
			pids = append(pids, p)
		}
	}
	for _, p := range pids {
		syscall.Kill(-p, syscall.SIGKILL)
		syscall.Kill(p, syscall.SIGKILL)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	var errs []error
	select {
	case <-e.exited:
	case <-time.After(exitWait):
		errs = append(errs, fmt.Errorf("the emulator (pid %d) did not exit after SIGKILL", pid))
	}
	deadline := time.Now().Add(goneWait)
	for _, p := range pids {
		for proctest.Running(p) {
			if time.Now().After(deadline) {
				errs = append(errs, fmt.Errorf("runtime process %d still runs after SIGKILL", p))
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return errors.Join(errs...)
}

// descendants lists the running processes under pid: its children, their
// children, and so on.
func descendants(pid int) []int {
	var out []int
	for _, c := range proctest.Children(pid) {
		out = append(out, c)
		out = append(out, descendants(c)...)
	}
	return out
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

// waitListening waits until addr accepts connections, the emulator exits
// (exited is closed), or startWait passes.
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
		time.Sleep(10 * time.Millisecond)
	}
}
