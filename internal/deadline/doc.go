// Package deadline is a reusable timer that gives each run of a
// sequence of runs a context with a deadline, for the local gateway's
// WebSocket messages, each of which runs its integration within the
// integration timeout.
//
// A [Timer] serves one run at a time: [Timer.Start] returns the run's
// [Context] and arms the timer, [Timer.Stop] ends the run. At the
// deadline the Context ends with context.DeadlineExceeded and the
// Timer's function runs; at Stop it ends with context.Canceled, as a
// context.WithTimeout context does when its cancel function is called.
// A run costs one allocation, the Context, against thirteen for
// context.WithTimeout with a context.AfterFunc and what its function
// needs (BenchmarkStart: 0.21 µs against 1.3 µs).
//
// A Context is safe for concurrent use, and stays ended after its run:
// a function that keeps it sees what it would see of a cancelled
// context.WithTimeout context. A Timer's Start and Stop are called from
// one goroutine.
package deadline
