package sam

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/lambdaservice"
)

// Config configures a running [Stack].
type Config struct {
	// Service configures the local Lambda service the functions run in:
	// Logs (where function output goes, each line prefixed with the
	// function's name and request id), Concurrency, Throttle and
	// InitTimeout. Its Region and AccountID are the template's (the
	// App's Options); set there, not here.
	Service lambdaservice.Config
	// Logger receives the APIs' access log, one line per request, with
	// an "api" attribute naming the API; nil means none.
	Logger *slog.Logger
}

// A Stack is an App running: its functions built and in a
// lambdaservice.Service, its APIs as gateways invoking them. It is safe
// for concurrent use.
type Stack struct {
	// App is the template the stack runs.
	App *App
	// Service runs the functions, and serves the Lambda Invoke API
	// (its ServeHTTP) for them.
	Service *lambdaservice.Service

	gateways map[string]*gateway.Gateway
	apis     map[string]gateway.API
	watchMu  sync.Mutex
	closed   bool
}

// Start builds the app's functions, each for this machine as its
// template says (go build of its CodeUri, or its makefile), adds them to
// a new lambdaservice.Service, and returns the running stack. ctx bounds
// the builds; the stack runs until Close, or until ctx ends. A build that
// fails is a *lambdaservice.BuildError within the error returned, and no
// process is left running. An App runs in one stack at a time.
func Start(ctx context.Context, app *App, cfg Config) (*Stack, error) {
	sc := cfg.Service
	sc.Region, sc.AccountID = app.opts.Region, app.opts.AccountID
	svc, err := lambdaservice.New(ctx, sc)
	if err != nil {
		return nil, err
	}
	s := &Stack{App: app, Service: svc, gateways: map[string]*gateway.Gateway{}, apis: map[string]gateway.API{}}
	var errs []error
	for _, f := range app.Functions {
		if f.Unsupported != "" || f.ref.refuse != nil {
			continue
		}
		lf, err := svc.Add(ctx, f.Config)
		if err != nil {
			errs = append(errs, fmt.Errorf("sam: function %s: %w", f.LogicalID, err))
			continue
		}
		f.ref.fn.Store(lf)
	}
	for _, api := range app.APIs {
		a := api.API
		if cfg.Logger != nil {
			a.Logger = cfg.Logger.With("api", api.Name)
		}
		g, err := gateway.New(a)
		if err != nil {
			errs = append(errs, fmt.Errorf("sam: API %s: %w", api.Name, err))
			continue
		}
		s.gateways[api.Name], s.apis[api.Name] = g, a
	}
	if err := errors.Join(errs...); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Gateway returns the gateway serving the API (or function URL) with
// the given name, or nil.
func (s *Stack) Gateway(name string) *gateway.Gateway { return s.gateways[name] }

// API returns the API with the given name as the stack serves it, its
// integrations invoking the stack's functions: for a gateway of a test's
// own, such as gatewaytest.New's.
func (s *Stack) API(name string) gateway.API { return s.apis[name] }

// Function returns the running function with the given logical ID, or
// nil for one that does not run locally.
func (s *Stack) Function(logicalID string) *lambdaservice.Function {
	f := s.App.Function(logicalID)
	if f == nil {
		return nil
	}
	return f.ref.fn.Load()
}

// Close stops the stack: the gateways close their WebSocket connections,
// every function process is killed, and Close returns once they have all
// exited and the builds are removed.
func (s *Stack) Close() error {
	s.watchMu.Lock()
	s.closed = true
	s.watchMu.Unlock()
	for _, g := range s.gateways {
		g.Close()
	}
	err := s.Service.Close()
	for _, f := range s.App.Functions {
		f.ref.fn.Store(nil)
	}
	return err
}
