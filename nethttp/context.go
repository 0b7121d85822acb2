package nethttp

import (
	"context"
	"sync"
	"time"

	"github.com/lambdagate/lambdagate/event"
)

type eventKey struct{}

// reqContext is the request context a handler gets: the invoke context
// with the event as the value of eventKey, canceled when the handler
// returns or a streaming client goes away, as context.WithValue and
// context.WithCancel would make it. It lives in the exchange, so it costs
// no allocation of its own; its Done channel, and the hook that passes
// the parent's cancellation on, are made only when something asks for
// them.
type reqContext struct {
	parent context.Context
	req    *event.Request

	mu     sync.Mutex
	err    error         // set once, when canceled
	done   chan struct{} // made by the first Done or AfterFunc
	hooked bool          // the parent's cancellation is passed on
	stop   func() bool   // stops that hook
	afters []*afterFunc  // functions to run when canceled
}

// afterFunc is a function registered with reqContext.AfterFunc; ran is
// set, under the context's lock, when it has been run or stopped.
type afterFunc struct {
	f   func()
	ran bool
}

func (c *reqContext) Deadline() (time.Time, bool) { return c.parent.Deadline() }

func (c *reqContext) Value(key any) any {
	if _, ok := key.(eventKey); ok {
		return c.req
	}
	return c.parent.Value(key)
}

// Err returns why the context was canceled: context.Canceled after
// cancel, or the parent's error once the parent is done.
func (c *reqContext) Err() error {
	c.mu.Lock()
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if err := c.parent.Err(); err != nil {
		// Cancel first, so that Done is closed whenever Err says so.
		c.cancel(err)
		return c.Err()
	}
	return nil
}

func (c *reqContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lazyLocked()
	return c.done
}

// lazyLocked makes the Done channel, closed if the context is already
// canceled, and hooks the parent's cancellation. c.mu is held.
func (c *reqContext) lazyLocked() {
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	if c.hooked || c.err != nil {
		return
	}
	c.hooked = true
	if c.parent.Done() != nil {
		parent := c.parent
		c.stop = context.AfterFunc(parent, func() { c.cancel(parent.Err()) })
	}
}

// AfterFunc arranges for f to run on its own goroutine once the context
// is canceled, as context.AfterFunc does; stop reports whether it kept f
// from running. Contexts derived with context.WithCancel and its kind
// use it to learn of the cancellation without a goroutine of their own.
func (c *reqContext) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	c.lazyLocked()
	a := &afterFunc{f: f}
	c.afters = append(c.afters, a)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if a.ran {
			return false
		}
		a.ran = true
		return true
	}
}

// cancel cancels the context with err; only the first call counts.
func (c *reqContext) cancel(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	for _, a := range c.afters {
		if !a.ran {
			a.ran = true
			go a.f()
		}
	}
	c.afters = nil
	stop := c.stop
	c.stop = nil
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func (c *reqContext) String() string { return "nethttp.reqContext" }
