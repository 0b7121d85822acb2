package lambdagate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/local"
)

// DefaultAddr is the local address Start serves on outside Lambda.
const DefaultAddr = "127.0.0.1:8080"

// An Option configures [Start].
type Option interface{ apply(*startConfig) }

type optionFunc func(*startConfig)

func (f optionFunc) apply(c *startConfig) { f(c) }

type startConfig struct {
	logger    *slog.Logger
	streaming bool
	source    event.Source
	version   string
	stage     string
	addr      string
	ready     func(url string)
	binary    []string
	handler   http.Handler

	invokeStream func(context.Context, []byte) (io.Reader, error)
}

// WithLogger sets the logger for handler errors and, locally, access lines.
func WithLogger(l *slog.Logger) Option { return optionFunc(func(c *startConfig) { c.logger = l }) }

// WithStreaming makes the function answer with streamed responses, for
// function URLs in RESPONSE_STREAM mode and REST APIs with a streaming
// integration; see [Adapter.InvokeStream]. The Lambda runtime then decodes
// each payload with encoding/json before the Adapter sees it, which costs
// a few microseconds per invoke.
func WithStreaming() Option { return optionFunc(func(c *startConfig) { c.streaming = true }) }

// WithLocalSource chooses the event source Start emulates outside Lambda
// (default: HTTP API, payload 2.0). For HTTP APIs, version "1.0" selects
// payload format 1.0. The environment variable LAMBDAGATE_SOURCE ("rest",
// "http", "http1", "alb", "alb-multivalue", "url") overrides it.
func WithLocalSource(src event.Source, version string) Option {
	return optionFunc(func(c *startConfig) { c.source, c.version = src, version })
}

// WithLocalStage names the stage served locally: REST APIs serve under
// /STAGE/ (default "prod"); HTTP APIs serve a named stage under /STAGE/ and
// the $default stage (the default) at the root.
func WithLocalStage(stage string) Option { return optionFunc(func(c *startConfig) { c.stage = stage }) }

// WithAddr sets the local address (default [DefaultAddr]). The flag
// -addr=HOST:PORT and the environment variable LAMBDAGATE_ADDR override it,
// in that order.
func WithAddr(addr string) Option { return optionFunc(func(c *startConfig) { c.addr = addr }) }

// WithBinaryMediaTypes sets the REST API binary media types served locally.
func WithBinaryMediaTypes(types ...string) Option {
	return optionFunc(func(c *startConfig) { c.binary = types })
}

// WithLocal serves h outside Lambda instead of the built-in one-route
// gateway: typically a gateway.Gateway describing the whole API the
// function sits behind (routes, stages, CORS, mapping templates), as the
// deployment template does. Inside Lambda it has no effect.
func WithLocal(h http.Handler) Option { return optionFunc(func(c *startConfig) { c.handler = h }) }

// WithReady calls f with the base URL once the local server listens.
func WithReady(f func(url string)) Option { return optionFunc(func(c *startConfig) { c.ready = f }) }

// InLambda reports whether the process runs in the Lambda execution
// environment (AWS_LAMBDA_RUNTIME_API is set).
func InLambda() bool { return os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" }

// Start runs h and does not return.
//
// Inside Lambda it hands an [Adapter] to aws-lambda-go's runtime
// (lambda.StartHandler, so the bytes path skips reflection).
//
// Anywhere else it serves h on a local address through an in-process API
// Gateway: each HTTP request becomes the event the source would send, goes
// through the same Adapter bytes path, and the output becomes the
// response the source would give. It prints the URL to standard error, so
// the same main runs in both places. It exits with status 1 if the address
// cannot be served.
func Start(h Handler, opts ...Option) {
	c := config(opts)
	a := &Adapter{Handler: h, Logger: c.logger}
	if c.streaming {
		c.invokeStream = a.InvokeStream
		if InLambda() {
			lambda.Start(func(ctx context.Context, payload json.RawMessage) (io.Reader, error) {
				return a.InvokeStream(ctx, payload)
			})
			return
		}
	}
	start(a, c)
}

// StartFunction runs fn, a function at the bytes level (event JSON in,
// output JSON out), and does not return. Use it for functions that are
// not HTTP handlers, such as the function behind a REST custom integration,
// which receives what its mapping template renders, or for an HTTP
// function that shapes its own output.
//
// Inside Lambda it hands fn to aws-lambda-go's runtime. Anywhere else it
// serves the [WithLocal] handler (a gateway.Gateway describing the API
// around fn), or, without one, fn behind the built-in one-route gateway
// as [Start] does.
func StartFunction(fn lambda.Handler, opts ...Option) {
	start(fn, config(opts))
}

func config(opts []Option) *startConfig {
	c := new(startConfig)
	for _, o := range opts {
		o.apply(c)
	}
	return c
}

func start(fn lambda.Handler, c *startConfig) {
	if InLambda() {
		lambda.StartHandler(fn)
		return
	}
	if err := serveLocal(fn, c, os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "lambdagate:", err)
		os.Exit(1)
	}
}

// serveLocal serves fn locally until the server fails.
func serveLocal(fn lambda.Handler, c *startConfig, args []string, getenv func(string) string) error {
	srv, ln, err := listenLocal(fn, c, args, getenv)
	if err != nil {
		return err
	}
	return (&http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second}).Serve(ln)
}

// listenLocal resolves the local configuration and opens the listener.
func listenLocal(fn lambda.Handler, c *startConfig, args []string, getenv func(string) string) (http.Handler, net.Listener, error) {
	addr := c.addr
	if addr == "" {
		addr = DefaultAddr
	}
	if v := getenv("LAMBDAGATE_ADDR"); v != "" {
		addr = v
	}
	if v, ok := flagValue(args, "addr"); ok {
		addr = v
	}
	src, version := c.source, c.version
	if v := getenv("LAMBDAGATE_SOURCE"); v != "" {
		if v == "http1" {
			src, version = event.HTTPAPI, "1.0"
		} else if s, ok := event.ParseSource(v); ok {
			src = s
		} else {
			return nil, nil, fmt.Errorf("LAMBDAGATE_SOURCE %q is not one of rest, http, http1, alb, alb-multivalue, url", v)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	base := "http://" + ln.Addr().String()
	if c.handler != nil {
		fmt.Fprintf(os.Stderr, "lambdagate: serving locally on %s\n", base)
		if c.ready != nil {
			c.ready(base)
		}
		return c.handler, ln, nil
	}
	logger := c.logger
	if logger == nil {
		logger = slog.Default()
	}
	srv := &local.Server{Source: src, Version: version, Stage: c.stage, BinaryMediaTypes: c.binary, Invoke: fn.Invoke, InvokeStream: c.invokeStream, Logger: logger}
	if st := srv.ServedStage(); st != "" && st != "$default" {
		base += "/" + st
	}
	fmt.Fprintf(os.Stderr, "lambdagate: serving %s locally on %s\n", describe(srv), base)
	if c.ready != nil {
		c.ready(base)
	}
	return srv, ln, nil
}

func describe(s *local.Server) string {
	switch src := s.SourceOrDefault(); {
	case src == event.HTTPAPI && s.Version == "1.0":
		return "an HTTP API (payload 1.0)"
	case src == event.HTTPAPI:
		return "an HTTP API (payload 2.0)"
	case src == event.REST:
		return "a REST API"
	case src == event.FunctionURL:
		return "a function URL"
	default:
		return "an " + strings.ToUpper(src.String())
	}
}

// flagValue finds -name=value, --name=value, -name value or --name value
// in args without consuming them, so Start does not fight the program's
// own flag parsing.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if a == "--" {
			break
		}
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v, true
		}
		if a == name && i+1 < len(args) && len(args[i]) > len(name) {
			return args[i+1], true
		}
	}
	return "", false
}
