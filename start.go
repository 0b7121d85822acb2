package lambdagate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
)

// DefaultAddr is the local address Start serves on outside Lambda.
const DefaultAddr = "127.0.0.1:8080"

// Function is a Lambda function program: what it serves, how Lambda
// invokes it, and how it runs outside Lambda. Set Handler, or Invoker for
// a function at the bytes level, and call Start.
type Function struct {
	// Handler answers the function's HTTP requests.
	Handler Handler
	// Invoker is set instead of Handler for a function at the bytes level
	// (event JSON in, output JSON out), such as the function behind a REST
	// custom integration, which receives what its mapping template
	// renders, or an HTTP function that shapes its own output.
	Invoker Invoker
	// InvokeMode is ResponseStream for a function that streams its
	// responses (function URLs in RESPONSE_STREAM mode, REST streaming
	// integrations); see [handler.Adapter.InvokeStream]. The Lambda
	// runtime then decodes each payload with encoding/json before the
	// Adapter sees it, which costs a few microseconds per invoke.
	InvokeMode InvokeMode
	// Logger receives handler errors and, locally, the access lines; nil
	// means slog.Default().
	Logger *slog.Logger
	// Local says how Start serves the function outside Lambda.
	Local Local
}

// Local is how [Function.Start] serves a function outside Lambda: behind
// the local API Gateway (package gateway), on a local address, so the same
// main runs in both places.
type Local struct {
	// Addr is the address to listen on (default [DefaultAddr]). The flag
	// -addr=HOST:PORT and the environment variable LAMBDAGATE_ADDR
	// override it, in that order.
	Addr string
	// API is the API the function sits behind, as its deployment template
	// describes it (routes, stages, CORS, mapping templates), whose
	// integrations call the function. Nil means one catch-all route of
	// Kind to the function (gateway.CatchAll).
	API *gateway.API
	// Kind is the kind of the catch-all API: an HTTP API when zero. The
	// environment variable LAMBDAGATE_SOURCE (rest, http, http1, alb,
	// alb-multivalue, url) overrides it, and Payload with it.
	Kind event.Source
	// Payload is the catch-all HTTP API's payload format (2.0 when empty).
	Payload event.PayloadVersion
	// Stage is the catch-all API's stage: REST APIs serve under /STAGE/
	// (default prod); HTTP APIs serve a named stage under /STAGE/ and the
	// $default stage (the default) at the root.
	Stage string
	// BinaryMediaTypes are the catch-all REST API's binary media types.
	BinaryMediaTypes []string
	// Ready is called once the server listens, with its root URL, such as
	// http://127.0.0.1:8080; an API's stages are under it (/prod/... for
	// a REST API).
	Ready func(url string)
}

// Start runs h as a Lambda function and does not return; see
// [Function.Start].
func Start(h Handler) { Function{Handler: h}.Start() }

// InLambda reports whether the process runs in the Lambda execution
// environment (AWS_LAMBDA_RUNTIME_API is set).
func InLambda() bool { return os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" }

// Start runs the function and does not return.
//
// Inside Lambda it hands the function to aws-lambda-go's runtime: an
// [Adapter] around Handler (through lambda.StartHandler, so the bytes
// path skips reflection), or Invoker as it is.
//
// Anywhere else it serves the function on a local address through the
// local API Gateway: each HTTP request becomes the event the API would
// send, goes through the same bytes path, and the output becomes the
// response the API would give. It prints the URL to standard error. It
// exits with status 1 if the function or its API is invalid or the
// address cannot be served.
func (f Function) Start() {
	fn, err := f.function()
	if err == nil && InLambda() {
		f.startLambda(fn)
		return
	}
	if err == nil {
		err = f.serveLocal(fn, os.Args[1:], os.Getenv)
	}
	fmt.Fprintln(os.Stderr, "lambdagate:", err)
	os.Exit(1)
}

// function returns what Lambda invokes: Invoker, or an Adapter around
// Handler.
func (f Function) function() (handler.Invoker, error) {
	switch {
	case f.Handler != nil && f.Invoker != nil:
		return nil, errors.New("a Function has a Handler or an Invoker, not both")
	case f.Invoker != nil:
		if _, ok := f.Invoker.(handler.StreamInvoker); f.InvokeMode == ResponseStream && !ok {
			return nil, errors.New("a streaming Function needs a Handler, or an Invoker with InvokeStream")
		}
		return f.Invoker, nil
	case f.Handler != nil:
		return &Adapter{Handler: f.Handler, Logger: f.Logger}, nil
	}
	return nil, errors.New("a Function needs a Handler or an Invoker")
}

func (f Function) startLambda(fn handler.Invoker) {
	if f.InvokeMode == ResponseStream {
		s := fn.(handler.StreamInvoker)
		lambda.Start(func(ctx context.Context, payload json.RawMessage) (io.Reader, error) {
			return s.InvokeStream(ctx, payload)
		})
		return
	}
	lambda.StartHandler(fn)
}

// serveLocal serves fn locally until the server fails.
func (f Function) serveLocal(fn handler.Invoker, args []string, getenv func(string) string) error {
	srv, ln, err := f.listenLocal(fn, args, getenv)
	if err != nil {
		return err
	}
	return (&gateway.Server{Gateway: srv}).Serve(ln)
}

// listenLocal builds the local gateway and opens its listener.
func (f Function) listenLocal(fn handler.Invoker, args []string, getenv func(string) string) (*gateway.Gateway, net.Listener, error) {
	l := f.Local
	addr := l.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	if v := getenv("LAMBDAGATE_ADDR"); v != "" {
		addr = v
	}
	if v, ok := flagValue(args, "addr"); ok {
		addr = v
	}
	var api gateway.API
	if l.API != nil {
		api = *l.API
	} else {
		kind, payload := l.Kind, l.Payload
		if v := getenv("LAMBDAGATE_SOURCE"); v != "" {
			var ok bool
			if kind, payload, ok = event.ParseSource(v); !ok || kind == event.WebSocket {
				return nil, nil, fmt.Errorf("LAMBDAGATE_SOURCE %q is not one of rest, http, http1, alb, alb-multivalue, url", v)
			}
		}
		if kind == event.Unknown {
			kind = event.HTTPAPI
		}
		in := gateway.Proxy{Function: fn, PayloadVersion: payload, InvokeMode: f.InvokeMode}
		api = gateway.API{Kind: kind, Routes: gateway.CatchAll(kind, in)}
		if kind == event.REST {
			api.BinaryMediaTypes = l.BinaryMediaTypes
		}
		if l.Stage != "" {
			api.Stages = []gateway.Stage{{Name: l.Stage}}
		}
	}
	if api.Logger == nil {
		api.Logger = f.Logger
		if api.Logger == nil {
			api.Logger = slog.Default()
		}
	}
	g, err := gateway.New(api)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	root := "http://" + ln.Addr().String()
	fmt.Fprintf(os.Stderr, "lambdagate: serving %s locally on %s%s\n", describe(g.Kind(), api), root, g.BaseURL())
	if l.Ready != nil {
		l.Ready(root)
	}
	return g, ln, nil
}

// describe names the kind of API served, for the start-up line.
func describe(kind event.Source, api gateway.API) string {
	switch kind {
	case event.HTTPAPI:
		if len(api.Routes) == 1 {
			if p, ok := api.Routes[0].Integration.(gateway.Proxy); ok && p.PayloadVersion == event.PayloadV1 {
				return "an HTTP API (payload 1.0)"
			}
		}
		return "an HTTP API"
	case event.REST:
		return "a REST API"
	case event.WebSocket:
		return "a WebSocket API"
	case event.FunctionURL:
		return "a function URL"
	case event.ALBMultiValue:
		return "an ALB target group with multi-value headers"
	}
	return "an " + strings.ToUpper(kind.String()) + " target group"
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
