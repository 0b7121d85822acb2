package lambdaservice

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// A Service is Lambda on this machine: it runs functions as processes
// speaking the Lambda Runtime API, invokes them as Lambda does, and serves
// the Lambda Invoke API (ServeHTTP). Create one with [New], add functions
// with [Service.Add], and Close it to stop every process.
//
// A Service is safe for concurrent use.
type Service struct {
	cfg  Config
	logs logSink

	mu       sync.Mutex
	fns      map[string]*Function
	closed   bool
	buildDir string // created with the first build

	done  chan struct{} // closed by Close
	procs sync.WaitGroup
	async sync.WaitGroup // Event invocations in flight
}

// New returns a Service configured by cfg, or the problems with cfg. The
// service closes when ctx is done, as when Close is called.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if !processSupported {
		return nil, fmt.Errorf("lambdaservice: not supported on %s: function processes need process groups", runtime.GOOS)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, logs: logSink{w: cfg.Logs}, fns: map[string]*Function{}, done: make(chan struct{})}
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// Add checks fc, builds its Package if it has one, and adds the function.
// The function starts no process until it is invoked. ctx bounds the
// build. A build that fails returns a *BuildError.
func (s *Service) Add(ctx context.Context, fc FunctionConfig) (*Function, error) {
	fc, err := fc.withDefaults()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	_, dup := s.fns[fc.Name]
	closed := s.closed
	s.mu.Unlock()
	switch {
	case closed:
		return nil, errors.New("lambdaservice: the service is closed")
	case dup:
		return nil, fmt.Errorf("lambdaservice: function %q added twice", fc.Name)
	}
	c, err := s.prepare(ctx, fc)
	if err != nil {
		return nil, err
	}
	f := &Function{svc: s, name: fc.Name, arn: s.cfg.arn(fc.Name), code: c, all: map[*instance]struct{}{}}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.fns[fc.Name] != nil {
		c.release()
		return nil, fmt.Errorf("lambdaservice: function %q added twice or the service closed meanwhile", fc.Name)
	}
	s.fns[fc.Name] = f
	return f, nil
}

// Function returns the function named name, or nil.
func (s *Service) Function(name string) *Function {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fns[name]
}

// Functions returns the service's functions, sorted by name.
func (s *Service) Functions() []*Function {
	s.mu.Lock()
	defer s.mu.Unlock()
	fns := make([]*Function, 0, len(s.fns))
	for _, f := range s.fns {
		fns = append(fns, f)
	}
	slices.SortFunc(fns, func(a, b *Function) int { return strings.Compare(a.name, b.name) })
	return fns
}

// Close stops the service: invokes waiting for an instance are refused,
// invocations in flight end as failed, every function process (and each
// process it started) is killed, and Close returns once they have all
// exited and the builds are removed. Close may be called more than once.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.procs.Wait()
		return nil
	}
	s.closed = true
	close(s.done)
	fns := make([]*Function, 0, len(s.fns))
	for _, f := range s.fns {
		fns = append(fns, f)
	}
	s.mu.Unlock()
	for _, f := range fns {
		f.close()
	}
	s.procs.Wait()
	s.async.Wait()
	s.procs.Wait()
	if s.buildDir != "" {
		return os.RemoveAll(s.buildDir)
	}
	return nil
}

// isClosed reports whether Close has been called.
func (s *Service) isClosed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}
