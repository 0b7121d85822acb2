package lambdaservice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lambdagate/lambdagate/handler"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/internal/trace"
)

// A Function is one function of a [Service]: a handler.Invoker and
// handler.StreamInvoker, so a gateway.Proxy can call it directly, that
// runs each invocation in an instance of the function, as Lambda does.
//
// An instance is a process of the function's executable with its own
// Runtime API. It handles one invocation at a time; an invoke takes an
// idle instance (the one that became idle last), or starts a new one
// while fewer than the concurrency limit run, or else waits for one to
// become idle (or, with Config.Throttle, is refused). An instance that
// times out, crashes or fails its initialisation is gone, and the next
// invoke starts another.
//
// A Function is safe for concurrent use.
type Function struct {
	svc  *Service
	name string
	arn  string

	mu      sync.Mutex
	code    *code
	idle    []*instance            // warm instances waiting in next, most recent last
	running int                    // instances counted against the limit
	all     map[*instance]struct{} // every instance not yet gone
	waiters []chan struct{}        // invokes waiting for room, first first
	closed  bool
}

// Name returns the function's name.
func (f *Function) Name() string { return f.name }

// ARN returns the function's ARN, as its invocations see it.
func (f *Function) ARN() string { return f.arn }

// Config returns the function's configuration, with the defaults filled in.
func (f *Function) Config() FunctionConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.code.cfg
}

// Instances returns the number of the function's instances: starting,
// idle or busy.
func (f *Function) Instances() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.running
}

// Invoke invokes the function synchronously, as Lambda's Invoke API with
// the RequestResponse invocation type, and returns its output: at most
// 6 MB, or the function error Lambda reports for a larger one.
//
// A function error (the function reported one, timed out, crashed, failed
// to initialise) is a *handler.FunctionError; an invoke the service refused is an
// *handler.InvokeError; if ctx ends first, Invoke returns its error and the
// invocation goes on in its instance, as in Lambda, until it ends or times
// out. When ctx carries aws-lambda-go's lambdacontext.LambdaContext, as
// the gateway's invokes do, its AwsRequestID is the invocation's request
// id.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	o, err := f.call(ctx, payload, "InvokeFunction", false)
	if err != nil {
		return nil, err
	}
	return o.output, nil
}

// InvokeStream invokes the function for a streamed response, as Lambda's
// InvokeWithResponseStream and function URLs in RESPONSE_STREAM mode do:
// the output reaches the returned reader as the function posts it. The
// reader's ContentType method returns the content type the runtime posted
// (application/vnd.awslambda.http-integration-response for an HTTP
// response); reading returns a *handler.FunctionError if the invocation fails
// midway; Close abandons the rest. Errors are as for Invoke.
func (f *Function) InvokeStream(ctx context.Context, payload []byte) (io.Reader, error) {
	o, err := f.call(ctx, payload, "InvokeWithResponseStream", true)
	if err != nil {
		return nil, err
	}
	return o.body, nil
}

// call invokes the function with payload and returns the outcome, with a
// function error as the error.
func (f *Function) call(ctx context.Context, payload []byte, operation string, stream bool) (outcome, error) {
	inv, err := f.newInvocation(ctx, payload, quota.LambdaRequest, operation)
	if err != nil {
		return outcome{}, err
	}
	inv.stream = stream
	o, err := f.invoke(ctx, inv)
	switch {
	case err != nil:
		return outcome{}, err
	case o.err != nil:
		return outcome{}, o.err
	}
	return o, nil
}

// Update replaces the function's configuration and code: it builds fc's
// Package, if it has one, and from then on invokes start instances of the
// new code. Idle instances of the old code stop at once, busy ones once
// their invocation ends, so no invocation in flight is lost. If the build
// fails, Update returns a *BuildError and the old code keeps serving.
func (f *Function) Update(ctx context.Context, fc FunctionConfig) error {
	if fc.Name != f.name {
		return fmt.Errorf("lambdaservice: function %q cannot be updated with the configuration of %q", f.name, fc.Name)
	}
	fc, err := fc.withDefaults()
	if err != nil {
		return err
	}
	c, err := f.svc.prepare(ctx, fc)
	if err != nil {
		return err
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		c.release()
		return errors.New("lambdaservice: the service is closed")
	}
	old, idle := f.code, f.idle
	f.code, f.idle = c, nil
	f.wakeAll() // the limit may have changed
	f.mu.Unlock()
	for _, inst := range idle {
		inst.kill()
	}
	old.release()
	return nil
}

// An invocation is one invoke of a function, from the invoker's call to
// the outcome.
type invocation struct {
	id            string
	payload       []byte
	stream        bool
	trace         string
	clientContext string // JSON, as Lambda-Runtime-Client-Context carries it
	identity      string // JSON, as Lambda-Runtime-Cognito-Identity carries it
	tail          *logTail
	deadline      time.Time // set by the invoker when an init ran long
	timedOut      atomic.Bool

	once sync.Once
	done chan struct{} // closed once out is set
	out  outcome

	mu sync.Mutex
	pw *io.PipeWriter // a streamed response in progress
}

// An outcome is how an invocation ended for its invoker.
type outcome struct {
	output []byte      // buffered output
	body   *streamBody // streamed output
	err    *handler.FunctionError
}

// finish sets the invocation's outcome, if none is set yet, and reports
// whether it did.
func (inv *invocation) finish(o outcome) bool {
	set := false
	inv.once.Do(func() {
		inv.out = o
		close(inv.done)
		set = true
	})
	return set
}

// finished reports whether the invocation has its outcome.
func (inv *invocation) finished() bool {
	select {
	case <-inv.done:
		return true
	default:
		return false
	}
}

// abort ends a streamed response in progress with err.
func (inv *invocation) abort(err error) {
	inv.mu.Lock()
	pw := inv.pw
	inv.mu.Unlock()
	if pw != nil {
		pw.CloseWithError(err)
	}
}

// newInvocation checks payload against the operation's quota and returns
// an invocation of it.
func (f *Function) newInvocation(ctx context.Context, payload []byte, limit int, operation string) (*invocation, error) {
	if len(payload) > limit {
		return nil, tooLarge(limit, operation)
	}
	if len(payload) > 0 && !json.Valid(payload) {
		var v any
		return nil, invalidContent(json.Unmarshal(payload, &v))
	}
	// The trace the caller passes on (the local gateway puts it in ctx as
	// aws-lambda-go's runtime does), or a new one, as Lambda gives every
	// invocation one.
	t, _ := trace.FromContext(ctx)
	inv := &invocation{payload: payload, done: make(chan struct{}), trace: trace.ForFunction(t, time.Now()).String()}
	if lc, ok := lambdacontext.FromContext(ctx); ok && validRequestID(lc.AwsRequestID) {
		inv.id = lc.AwsRequestID
	} else {
		inv.id = newRequestID()
	}
	return inv, nil
}

// validRequestID reports whether id can be a request id: it travels in a
// header, and in log lines.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// errStartFailed wraps an error starting a process.
type errStartFailed struct{ err error }

func (e errStartFailed) Error() string { return e.err.Error() }

// invoke runs inv in an instance and returns its outcome, or why it did
// not run.
func (f *Function) invoke(ctx context.Context, inv *invocation) (outcome, error) {
	// An instance that dies while idle (between invocations) is replaced
	// without the invoke noticing; a fresh instance's failure is the
	// invocation's.
	for range f.svc.cfg.Concurrency + 2 {
		inst, warm, err := f.acquire(ctx)
		var se errStartFailed
		switch {
		case errors.As(err, &se):
			return outcome{err: serviceError(EntrypointType, "RequestId: "+inv.id+" Error: "+se.err.Error())}, nil
		case err != nil:
			return outcome{}, err
		}
		taken, o, err := inst.handover(ctx, inv, warm)
		switch {
		case err != nil:
			return outcome{}, err
		case !taken && warm:
			continue
		case !taken:
			return o, nil
		}
		select {
		case <-inv.done:
			return inv.out, nil
		case <-ctx.Done():
			// The invocation goes on; a stream nobody reads is closed
			// when it arrives.
			go func() {
				<-inv.done
				if inv.out.body != nil {
					inv.out.body.Close()
				}
			}()
			return outcome{}, ctx.Err()
		}
	}
	return outcome{}, refused(502, "ServiceException", "instances of "+f.name+" kept exiting before taking the invocation")
}

// limit returns the most instances that may run; f.mu is held.
func (f *Function) limit() int {
	if n := f.code.cfg.Concurrency; n > 0 {
		return n
	}
	return f.svc.cfg.Concurrency
}

// acquire returns an idle instance (warm), or a new one, started, once
// there is room for it under the concurrency limit.
func (f *Function) acquire(ctx context.Context) (inst *instance, warm bool, err error) {
	for {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return nil, false, errClosed
		}
		if n := len(f.idle); n > 0 {
			inst = f.idle[n-1]
			f.idle = f.idle[:n-1]
			f.mu.Unlock()
			return inst, true, nil
		}
		if f.running < f.limit() {
			f.running++
			inst = newInstance(f, f.code)
			f.all[inst] = struct{}{}
			f.svc.procs.Add(1)
			f.mu.Unlock()
			if err := inst.start(); err != nil {
				f.gone(inst)
				f.svc.procs.Done()
				return nil, false, errStartFailed{err}
			}
			return inst, false, nil
		}
		if f.svc.cfg.Throttle {
			f.mu.Unlock()
			return nil, false, throttled()
		}
		ch := make(chan struct{})
		f.waiters = append(f.waiters, ch)
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			f.mu.Lock()
			if i := slices.Index(f.waiters, ch); i >= 0 {
				f.waiters = slices.Delete(f.waiters, i, i+1)
			} else {
				f.wakeOne() // pass on the turn this invoke was given
			}
			f.mu.Unlock()
			return nil, false, ctx.Err()
		}
	}
}

// release takes back an instance that is ready for another invocation.
func (f *Function) release(inst *instance) {
	f.mu.Lock()
	if f.closed || inst.code != f.code {
		f.mu.Unlock()
		inst.kill()
		return
	}
	f.idle = append(f.idle, inst)
	f.wakeOne()
	f.mu.Unlock()
}

// gone forgets an instance whose process has exited, or never started.
func (f *Function) gone(inst *instance) {
	f.mu.Lock()
	f.running--
	delete(f.all, inst)
	if i := slices.Index(f.idle, inst); i >= 0 {
		f.idle = slices.Delete(f.idle, i, i+1)
	}
	f.wakeOne()
	f.mu.Unlock()
	inst.code.release()
}

// wakeOne lets the first waiting invoke try again; f.mu is held.
func (f *Function) wakeOne() {
	if len(f.waiters) > 0 {
		close(f.waiters[0])
		f.waiters = f.waiters[1:]
	}
}

// wakeAll lets every waiting invoke try again; f.mu is held.
func (f *Function) wakeAll() {
	for _, ch := range f.waiters {
		close(ch)
	}
	f.waiters = nil
}

// close refuses further invokes and kills every instance.
func (f *Function) close() {
	f.mu.Lock()
	f.closed = true
	f.wakeAll()
	insts := make([]*instance, 0, len(f.all))
	for inst := range f.all {
		insts = append(insts, inst)
	}
	c := f.code
	f.mu.Unlock()
	for _, inst := range insts {
		inst.kill()
	}
	c.release()
}

// newRequestID returns a random version 4 UUID, the form of Lambda's
// request ids.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
