package deadline

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/internal/race"
)

// TestStop: a run that ends before its deadline ends its Context with
// context.Canceled, Done included, and never calls the function.
func TestStop(t *testing.T) {
	var calls atomic.Int32
	tm := NewTimer(func() { calls.Add(1) })
	for i := range 3 {
		start := time.Now()
		ctx := tm.Start(time.Hour)
		if dl, ok := ctx.Deadline(); !ok || dl.Sub(start) < time.Hour || dl.Sub(start) > time.Hour+time.Minute {
			t.Errorf("run %d: Deadline() = %v, %v; want an hour from the start", i, dl, ok)
		}
		if err := ctx.Err(); err != nil {
			t.Errorf("run %d: Err() before the end = %v", i, err)
		}
		done := ctx.Done()
		if i == 1 {
			done = nil // this run's Done is asked for after its end
		}
		select {
		case <-ctx.Done():
			t.Fatalf("run %d: Done before the end", i)
		default:
		}
		tm.Stop()
		if done == nil {
			done = ctx.Done()
		}
		select {
		case <-done:
		default:
			t.Errorf("run %d: Done not closed at the end", i)
		}
		if err := ctx.Err(); !errors.Is(err, context.Canceled) {
			t.Errorf("run %d: Err() after Stop = %v, want context.Canceled", i, err)
		}
		if ctx.Value("k") != nil {
			t.Errorf("run %d: Value = %v, want nil", i, ctx.Value("k"))
		}
	}
	tm.Stop() // no run: nothing
	time.Sleep(10 * time.Millisecond)
	if n := calls.Load(); n != 0 {
		t.Errorf("function called %d times for runs that ended in time", n)
	}
}

// TestDeadline: at the deadline the Context ends with
// context.DeadlineExceeded, then the function runs, once; Stop waits for
// it, and the Context keeps its error. The next run starts afresh.
func TestDeadline(t *testing.T) {
	var calls atomic.Int32
	var errAtCall atomic.Value
	release := make(chan struct{})
	var tm *Timer
	tm = NewTimer(func() {
		errAtCall.Store(tm.cur.Load().Err())
		calls.Add(1)
		<-release
	})
	cur := tm.Start(time.Millisecond)
	select {
	case <-cur.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed at the deadline")
	}
	if err := cur.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err() after the deadline = %v, want context.DeadlineExceeded", err)
	}
	stopped := make(chan struct{})
	go func() { tm.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while the function ran")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	<-stopped
	if n := calls.Load(); n != 1 {
		t.Errorf("function called %d times, want 1", n)
	}
	if err, _ := errAtCall.Load().(error); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err() when the function ran = %v, want context.DeadlineExceeded", err)
	}
	if err := cur.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err() after Stop = %v, want it kept: context.DeadlineExceeded", err)
	}

	next := tm.Start(time.Hour)
	if next.Err() != nil {
		t.Errorf("next run: Err() = %v", next.Err())
	}
	tm.Stop()
	if n := calls.Load(); n != 1 {
		t.Errorf("function called %d times after the next run, want 1", n)
	}
}

// TestZero: a run with no time left has ended when Start returns, as a
// context.WithTimeout context has.
func TestZero(t *testing.T) {
	called := make(chan struct{}, 1)
	tm := NewTimer(func() { called <- struct{}{} })
	ctx := tm.Start(0)
	if err := ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err() = %v, want context.DeadlineExceeded", err)
	}
	<-ctx.Done()
	tm.Stop()
	select {
	case <-called:
	default:
		t.Error("function not called for a run with no time")
	}
}

// TestStopAtDeadline runs many runs whose deadline and end race: each
// run's function call, if any, comes while the run is on (Stop waits for
// it), and its Context's error says which came first.
func TestStopAtDeadline(t *testing.T) {
	var calls, late atomic.Int32
	var tm *Timer
	tm = NewTimer(func() {
		calls.Add(1)
		if !errors.Is(tm.cur.Load().Err(), context.DeadlineExceeded) {
			late.Add(1)
		}
	})
	timedOut := 0
	for i := range 2000 {
		cur := tm.Start(time.Duration(i%50) * time.Microsecond)
		time.Sleep(time.Duration(i%7) * 5 * time.Microsecond)
		before := calls.Load()
		tm.Stop()
		err := cur.Err()
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			timedOut++
			if calls.Load() != before+1 && calls.Load() != before {
				t.Fatalf("run %d: %d calls", i, calls.Load()-before)
			}
		case errors.Is(err, context.Canceled):
		default:
			t.Fatalf("run %d: Err() after Stop = %v", i, err)
		}
	}
	if int(calls.Load()) != timedOut || late.Load() != 0 {
		t.Errorf("%d calls for %d runs over their deadline, %d with the Context not ended", calls.Load(), timedOut, late.Load())
	}
}

// TestStartTwice: a second Start without Stop is a programming error.
func TestStartTwice(t *testing.T) {
	tm := NewTimer(func() {})
	tm.Start(time.Hour)
	defer tm.Stop()
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	tm.Start(time.Hour)
}

// TestChild: contexts derived from a Context end with it.
func TestChild(t *testing.T) {
	tm := NewTimer(func() {})
	ctx := tm.Start(time.Hour)
	child, cancel := context.WithCancel(context.WithValue(ctx, "k", "v"))
	defer cancel()
	tm.Stop()
	select {
	case <-child.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("child not ended with its parent")
	}
	if !errors.Is(child.Err(), context.Canceled) || child.Value("k") != "v" {
		t.Errorf("child: Err() = %v, Value = %v", child.Err(), child.Value("k"))
	}
}

// TestAllocs: a run that ends in time costs its Context only.
func TestAllocs(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector allocates")
	}
	tm := NewTimer(func() {})
	if n := testing.AllocsPerRun(100, func() {
		ctx := tm.Start(time.Hour)
		_ = ctx.Err()
		tm.Stop()
	}); n != 1 {
		t.Errorf("allocations per run = %v, want 1", n)
	}
}

// BenchmarkStart compares a run's Context and timeout function with
// context.WithTimeout and context.AfterFunc, as the gateway used them.
func BenchmarkStart(b *testing.B) {
	b.Run("Timer", func(b *testing.B) {
		b.ReportAllocs()
		tm := NewTimer(func() {})
		for b.Loop() {
			ctx := tm.Start(time.Hour)
			_ = ctx.Err()
			tm.Stop()
		}
	})
	b.Run("context", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			var answered atomic.Bool
			timedOut := make(chan struct{})
			stop := context.AfterFunc(ctx, func() {
				defer close(timedOut)
				answered.Store(true)
			})
			_ = ctx.Err()
			if !stop() {
				<-timedOut
			}
			cancel()
		}
	})
}
