package lambdaservice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/lambdagate/lambdagate/handler"
)

// An instance is one execution environment of a function: a process of
// its executable, and the Runtime API it polls.
type instance struct {
	fn     *Function
	code   *code
	inbox  chan *invocation // the next handler receives the invocation to run
	exited chan struct{}    // closed once the process has exited
	state  string           // how the process exited, once exited is closed

	cmd     *exec.Cmd
	ln      net.Listener
	srv     *http.Server
	started time.Time
	stdout  lineWriter
	stderr  lineWriter

	mu          sync.Mutex
	running     bool // the process started
	stopping    bool // kill was called
	initialized bool // the runtime has asked for an invocation
	initDur     time.Duration
	initErr     *handler.FunctionError // posted to /init/error
	cur         *invocation            // the invocation handed to the runtime, until its next call
	curStart    time.Time
	curTimer    *time.Timer
	responded   bool // cur's response or error has been posted
}

func newInstance(f *Function, c *code) *instance {
	c.acquire()
	inst := &instance{fn: f, code: c, inbox: make(chan *invocation), exited: make(chan struct{})}
	inst.stdout.inst, inst.stderr.inst = inst, inst
	return inst
}

// start starts the instance's Runtime API on a loopback port, then its
// process, whose standard output and error are pipes read into the log.
func (inst *instance) start() (err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var files []*os.File // closed on failure
	defer func() {
		if err != nil {
			ln.Close()
			for _, f := range files {
				f.Close()
			}
		}
	}()
	var marker [16]byte
	rand.Read(marker[:])
	mark := []byte("\x00lambdaservice-sync-" + hex.EncodeToString(marker[:]) + "\x00")
	var rs [2]*os.File
	for i, lw := range []*lineWriter{&inst.stdout, &inst.stderr} {
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		files = append(files, r, w)
		rs[i] = r
		lw.init(inst, mark, w)
	}
	c := inst.code
	cmd := exec.Command(c.exe)
	cmd.Dir = c.cfg.Dir
	cmd.Env = append(slices.Clip(c.env),
		"AWS_LAMBDA_RUNTIME_API="+ln.Addr().String(),
		"AWS_LAMBDA_LOG_STREAM_NAME="+logStreamName(time.Now()))
	cmd.Stdout, cmd.Stderr = inst.stdout.w, inst.stderr.w
	setProcessGroup(cmd)
	inst.ln, inst.cmd = ln, cmd
	inst.srv = &http.Server{Handler: inst, ErrorLog: log.New(io.Discard, "", 0)}
	inst.started = time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	inst.mu.Lock()
	inst.running = true
	stopping := inst.stopping
	inst.mu.Unlock()
	if stopping {
		killGroup(cmd.Process.Pid)
	}
	go inst.stdout.read(rs[0])
	go inst.stderr.read(rs[1])
	go inst.srv.Serve(ln)
	go inst.wait()
	return nil
}

// syncLogs waits until what the process wrote so far is in the log.
func (inst *instance) syncLogs() {
	inst.stdout.sync()
	inst.stderr.sync()
}

// logStreamName returns a log stream name of Lambda's form:
// 2006/01/02/[$LATEST] then 32 hex digits.
func logStreamName(t time.Time) string {
	var b [16]byte
	rand.Read(b[:])
	return t.UTC().Format("2006/01/02") + "/[" + Version + "]" + hex.EncodeToString(b[:])
}

// kill kills the instance's process group; wait does the rest.
func (inst *instance) kill() {
	inst.mu.Lock()
	inst.stopping = true
	running := inst.running
	inst.mu.Unlock()
	if running {
		killGroup(inst.cmd.Process.Pid)
	}
}

// wait waits for the process to exit, ends the invocation it was running,
// if any, and forgets the instance.
func (inst *instance) wait() {
	inst.cmd.Wait()
	pid := inst.cmd.Process.Pid
	// Kill what the process started, as Lambda resets the environment.
	killGroup(pid)
	waitGroupGone(pid)
	if ps := inst.cmd.ProcessState; ps != nil && !ps.Success() {
		inst.state = ps.String()
	}
	inst.srv.Close()
	close(inst.exited)
	// With every writer gone, the pipes end once read to the end.
	inst.stdout.w.Close()
	inst.stderr.w.Close()
	for _, lw := range []*lineWriter{&inst.stdout, &inst.stderr} {
		select {
		case <-lw.done:
		case <-time.After(2 * time.Second):
		}
	}
	inst.mu.Lock()
	inv, stopping := inst.cur, inst.stopping
	inst.mu.Unlock()
	if inv != nil {
		fe := exitError(inv.id, inst.state)
		inv.finish(outcome{err: fe})
		inv.abort(fe)
		if inv.timedOut.Load() {
			inst.end(inv, "timeout", "")
		} else {
			inst.end(inv, "error", fe.Type)
		}
	} else if !stopping && inst.isInitialized() {
		inst.platform(nil, "runtime process exited between invocations: %s", describeExit(inst.state))
	}
	inst.fn.gone(inst)
	inst.fn.svc.procs.Done()
}

func describeExit(state string) string {
	if state == "" {
		return "exit status 0"
	}
	return state
}

func (inst *instance) isInitialized() bool {
	inst.mu.Lock()
	defer inst.mu.Unlock()
	return inst.initialized
}

// current returns the invocation the instance runs, or nil.
func (inst *instance) current() *invocation {
	inst.mu.Lock()
	defer inst.mu.Unlock()
	return inst.cur
}

// handover gives inv to the instance's runtime and reports whether it took
// it. If the process exits first, taken is false: for a fresh instance o
// is then how the initialisation failed. err is ctx's error if ctx ended
// before the runtime took the invocation.
func (inst *instance) handover(ctx context.Context, inv *invocation, warm bool) (taken bool, o outcome, err error) {
	var initTimer, invokeTimer <-chan time.Time
	if !warm {
		t := time.NewTimer(inst.fn.svc.cfg.InitTimeout)
		defer t.Stop()
		initTimer = t.C
	}
	for {
		select {
		case inst.inbox <- inv:
			return true, outcome{}, nil
		case <-inst.exited:
			if warm {
				return false, outcome{}, nil
			}
			inst.mu.Lock()
			fe := inst.initErr
			inst.mu.Unlock()
			if fe == nil {
				fe = exitError(inv.id, inst.state)
			}
			inst.platform(inv, "INIT failed: %s: %s", fe.Type, fe.Message)
			return false, outcome{err: fe}, nil
		case <-initTimer:
			// Lambda retries an initialisation that ran past its limit
			// within the invocation, bounded by the function's timeout;
			// this one goes on.
			timeout := inst.code.cfg.Timeout
			inst.platform(inv, "INIT did not finish within %v; it goes on within the invocation, for at most %v", inst.fn.svc.cfg.InitTimeout, timeout)
			inv.deadline = time.Now().Add(timeout)
			t := time.NewTimer(timeout)
			defer t.Stop()
			initTimer, invokeTimer = nil, t.C
		case <-invokeTimer:
			fe := timeoutError(inv.id, inst.code.cfg.Timeout)
			inst.platform(inv, "%s %s Task timed out after %.2f seconds", timestamp(), inv.id, inst.code.cfg.Timeout.Seconds())
			inst.kill()
			return false, outcome{err: fe}, nil
		case <-ctx.Done():
			// The invocation never started: a warm instance goes back,
			// a starting one is stopped.
			if warm {
				inst.fn.release(inst)
			} else {
				inst.kill()
			}
			return false, outcome{}, ctx.Err()
		}
	}
}

// begin makes inv the instance's invocation, as the runtime takes it,
// and returns its deadline.
func (inst *instance) begin(inv *invocation) time.Time {
	now := time.Now()
	deadline := inv.deadline
	if deadline.IsZero() {
		deadline = now.Add(inst.code.cfg.Timeout)
	}
	inst.mu.Lock()
	inst.cur, inst.curStart, inst.responded = inv, now, false
	inst.curTimer = time.AfterFunc(deadline.Sub(now), func() { inst.timedOut(inv) })
	inst.mu.Unlock()
	inst.platform(inv, "START RequestId: %s Version: %s", inv.id, Version)
	return deadline
}

// timedOut ends inv, which ran past its deadline, and kills the instance;
// wait writes the END and REPORT lines once the process's output is in.
func (inst *instance) timedOut(inv *invocation) {
	inst.mu.Lock()
	current := inst.cur == inv
	inst.mu.Unlock()
	if !current {
		return
	}
	inv.timedOut.Store(true)
	timeout := inst.code.cfg.Timeout
	fe := timeoutError(inv.id, timeout)
	inv.finish(outcome{err: fe})
	inv.abort(fe)
	inst.platform(inv, "%s %s Task timed out after %.2f seconds", timestamp(), inv.id, timeout.Seconds())
	inst.kill()
}

// end writes the END and REPORT lines of inv, once, and clears it as the
// instance's invocation. status is "" for an invocation that ended well,
// else "timeout" or "error" with the error type.
func (inst *instance) end(inv *invocation, status, errType string) {
	inst.mu.Lock()
	if inst.cur != inv {
		inst.mu.Unlock()
		return
	}
	inst.cur = nil
	if inst.curTimer != nil {
		inst.curTimer.Stop()
	}
	d := time.Since(inst.curStart)
	initDur := inst.initDur
	inst.initDur = 0 // reported once, with the first invocation
	mem := inst.code.cfg.MemorySize
	inst.mu.Unlock()
	inst.platform(inv, "END RequestId: %s", inv.id)
	report := "REPORT RequestId: " + inv.id + "\tDuration: " + millis(d) +
		"\tBilled Duration: " + strconv.FormatInt(int64((d+time.Millisecond-1)/time.Millisecond), 10) + " ms" +
		"\tMemory Size: " + strconv.Itoa(mem) + " MB"
	if initDur > 0 {
		report += "\tInit Duration: " + millis(initDur)
	}
	if status != "" {
		report += "\tStatus: " + status
		if errType != "" {
			report += "\tError Type: " + errType
		}
	}
	inst.platform(inv, "%s", report)
}

func timestamp() string {
	return time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
}

// sinceStart is the time since the process started.
func (inst *instance) sinceStart() time.Duration { return time.Since(inst.started) }
