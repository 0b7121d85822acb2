package deadline

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A Context is the context of one run: it has a deadline and no values,
// and ends at the deadline or when its run ends, whichever comes first.
type Context struct {
	deadline time.Time

	mu   sync.Mutex
	done chan struct{} // made by the first Done, closed at the end
	err  error         // set at the end
}

// closed is the Done channel of a Context that ended before anyone asked
// for it.
var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Deadline returns the run's deadline.
func (c *Context) Deadline() (time.Time, bool) { return c.deadline, true }

// Done returns a channel closed when the Context ends.
func (c *Context) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			c.done = closed
		}
	}
	return c.done
}

// Err returns nil before the Context ends, context.DeadlineExceeded when
// it ended at the deadline, context.Canceled when its run ended first.
func (c *Context) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Value returns nil: a Context carries no values.
func (c *Context) Value(key any) any { return nil }

// String names the Context as context.WithDeadline's do.
func (c *Context) String() string {
	return "deadline.Context(" + c.deadline.String() + " [" + time.Until(c.deadline).String() + "])"
}

// end ends the Context with err, the first time only.
func (c *Context) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
}

var _ context.Context = (*Context)(nil)

// A Timer gives runs, one at a time, a Context that ends at a deadline,
// and calls a function at a deadline that passes before the run ends.
// The zero Timer is not usable; make one with [NewTimer].
type Timer struct {
	t       *time.Timer
	cur     atomic.Pointer[Context]
	f       func()
	running bool
	fired   chan struct{} // receives once f returned
}

// NewTimer returns a Timer that calls f, on a goroutine of its own,
// when a run's deadline passes before its end; the run's Context has
// ended by then.
func NewTimer(f func()) *Timer {
	t := &Timer{f: f, fired: make(chan struct{}, 1)}
	t.t = time.AfterFunc(time.Hour, t.fire)
	t.t.Stop()
	return t
}

func (t *Timer) fire() {
	t.cur.Load().end(context.DeadlineExceeded)
	t.f()
	t.fired <- struct{}{}
}

// Start starts a run whose deadline is d from now and returns its
// Context. It panics if the last run was not stopped.
func (t *Timer) Start(d time.Duration) *Context {
	if t.running {
		panic("deadline: Start before the last run's Stop")
	}
	t.running = true
	c := &Context{deadline: time.Now().Add(d)}
	t.cur.Store(c)
	if d <= 0 {
		// Over before it starts, as a context.WithTimeout context is;
		// the function runs all the same.
		c.err = context.DeadlineExceeded
		go t.fire()
		return c
	}
	t.t.Reset(d)
	return c
}

// Stop ends the run: its Context ends with context.Canceled unless the
// deadline passed, in which case Stop returns once the Timer's function
// returned. Stop without a run does nothing.
func (t *Timer) Stop() {
	if !t.running {
		return
	}
	if !t.t.Stop() {
		<-t.fired
	}
	t.running = false
	t.cur.Load().end(context.Canceled)
}
