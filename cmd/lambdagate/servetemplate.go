package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/lambdaservice"
	"github.com/lambdagate/lambdagate/sam"
)

const serveTemplateUsage = `usage: lambdagate serve [flags] template.yaml

Serves a SAM or CloudFormation application locally, as it runs in the
cloud: each Go function (provided.al2023, provided.al2, go1.x) is built
for this machine from its CodeUri (Metadata BuildMethod go1.x or
makefile) and runs as real processes speaking the Lambda Runtime API,
with the template's Environment, Timeout, MemorySize and
ReservedConcurrentExecutions; each API (AWS::Serverless::Api and HttpApi,
implicit or explicit, AWS::ApiGateway::RestApi with a Body,
AWS::ApiGatewayV2::Api, HTTP or WebSocket) and each function URL is
served by the local API Gateway on a listener of its own, from --port
on, in the order printed; the Lambda Invoke API (as sam local
start-lambda serves it) listens on the port after them, or --lambda-port.

Function output goes to standard error, each line prefixed with the
function's name and request id, beside the gateways' access log. What
the template uses and lambdagate does not emulate is listed at start-up.
A change under a function's CodeUri rebuilds it (--watch); a failed build
is shown and the previous build keeps serving. Ctrl-C stops every
process.

"lambdagate serve --openapi FILE" serves an OpenAPI definition instead
(lambdagate serve --openapi -h).

Flags:
`

// templateMode reports whether serve's arguments ask for a template,
// rather than an OpenAPI definition (--openapi).
func templateMode(args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "openapi" {
			return false
		}
	}
	return true
}

// An endpoint is one listener of a served template: an API, a function
// URL, or the Lambda Invoke API.
type endpoint struct {
	name string
	kind string
	url  string
}

// serveTemplate runs "lambdagate serve template.yaml" until ctx ends or
// an interrupt or termination signal arrives; ready, when set, receives
// the endpoints once they listen.
func serveTemplate(ctx context.Context, args []string, stdout, stderr io.Writer, ready func([]endpoint)) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, serveTemplateUsage)
		fs.PrintDefaults()
	}
	host := fs.String("host", "127.0.0.1", "the address to listen on")
	port := fs.Int("port", 3000, "the port of the first API; the others follow it (0: any free ports)")
	lambdaPort := fs.Int("lambda-port", -1, "the port of the Lambda Invoke API (default: the port after the APIs)")
	region := fs.String("region", "", "the AWS Region the functions and events see (default "+event.DefaultRegion+")")
	concurrency := fs.Int("concurrency", lambdaservice.DefaultConcurrency, "the most instances of a function without ReservedConcurrentExecutions")
	watch := fs.Bool("watch", true, "rebuild a function when a file under its CodeUri changes")
	var overrides multiFlag
	fs.Var(&overrides, "parameter-overrides", "parameter values, `KEY=VALUE` (several per flag, separated by spaces, or ParameterKey=KEY,ParameterValue=VALUE; repeatable)")
	args, code, ok := parseArgs(fs, args, 1)
	if !ok {
		return code
	}
	file := args[0]
	params, err := parseOverrides(overrides)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		return 2
	}
	app, err := sam.Open(file, sam.Options{Parameters: params, Region: *region})
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		return 1
	}
	for _, n := range app.Notes {
		fmt.Fprintf(stderr, "note: %s: %s\n", file, n)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logs := &lockedWriter{w: stderr}
	for _, f := range app.Functions {
		if f.Unsupported == "" && f.Config.Package != "" {
			fmt.Fprintf(stdout, "building %s (%s)\n", f.LogicalID, f.Config.Package)
		}
	}
	stack, err := sam.Start(ctx, app, sam.Config{
		Service: lambdaservice.Config{Logs: logs, Concurrency: *concurrency},
		Logger:  slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		return 1
	}
	defer stack.Close()

	// One listener per API and function URL, then the Invoke API.
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	next := *port
	listen := func(p int) (net.Listener, error) {
		ln, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(p)))
		if err == nil {
			lns = append(lns, ln)
		}
		return ln, err
	}
	var servers []func() error
	var closers []func()
	var eps []endpoint
	for _, api := range app.APIs {
		ln, err := listen(next)
		if err != nil {
			fmt.Fprintln(stderr, "lambdagate serve:", err)
			return 1
		}
		if next != 0 {
			next++
		}
		srv := &gateway.Server{Gateway: stack.Gateway(api.Name)}
		servers = append(servers, func() error { return srv.Serve(ln) })
		closers = append(closers, func() { srv.Close() })
		eps = append(eps, endpoint{name: api.Name, kind: kindName(api.API.Kind), url: "http://" + ln.Addr().String()})
	}
	lp := next
	if *lambdaPort >= 0 {
		lp = *lambdaPort
	}
	ln, err := listen(lp)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		return 1
	}
	invoke := &http.Server{Handler: stack.Service, ReadHeaderTimeout: gateway.DefaultReadHeaderTimeout}
	servers = append(servers, func() error { return invoke.Serve(ln) })
	closers = append(closers, func() { invoke.Close() })
	eps = append(eps, endpoint{name: "Lambda", kind: "Lambda Invoke API", url: "http://" + ln.Addr().String()})

	printEndpoints(stdout, app, eps)
	var wg sync.WaitGroup
	errc := make(chan error, len(servers))
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	if *watch {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stack.Watch(ctx, func(msg string) { fmt.Fprintln(logs, "watch:", msg) })
		}()
	}
	if ready != nil {
		ready(eps)
	}
	code = 0
	select {
	case <-ctx.Done():
	case err := <-errc:
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		code = 1
	}
	stop()
	for _, c := range closers {
		c()
	}
	stack.Close()
	wg.Wait()
	return code
}

// kindName names a kind of API as the start-up lines show it.
func kindName(k event.Source) string {
	switch k {
	case event.REST:
		return "REST API"
	case event.HTTPAPI:
		return "HTTP API"
	case event.WebSocket:
		return "WebSocket API"
	case event.FunctionURL:
		return "function URL"
	}
	return k.String()
}

// sampleRequest returns the method and a path that reach the route key
// k of an HTTP or REST API: each path parameter's name stands for its
// value, and a greedy one's takes two segments, so that the path reaches
// the greedy route rather than a one-segment variable beside it. A key
// without a path ($default) gives ANY and "/".
func sampleRequest(k string) (method, path string) {
	method, p, ok := strings.Cut(k, " ")
	if !ok {
		return "ANY", "/"
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		j := strings.IndexByte(p[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(p)
			break
		}
		name := p[i+1 : i+1+j]
		b.WriteString(p[:i])
		if greedy, ok := strings.CutSuffix(name, "+"); ok {
			b.WriteString(greedy + "/path")
		} else {
			b.WriteString(name)
		}
		p = p[i+2+j:]
	}
	return method, b.String()
}

// invokePayload returns the --payload argument of an "aws lambda invoke"
// of f: the event of the first route that invokes f, as "lambdagate
// event" prints it, or an empty object when no API invokes f.
func invokePayload(app *sam.App, f *sam.Function) string {
	for _, api := range app.APIs {
		for _, rt := range api.API.Routes {
			p, ok := rt.Integration.(gateway.Proxy)
			if !ok || p.Function != f.Invoker() {
				continue
			}
			// The name event.ParseSource reads, which lambdagate event takes.
			src := api.API.Kind.String()
			if p.PayloadVersion == event.PayloadV1 {
				src = "http1"
			}
			method, path := sampleRequest(rt.Key)
			if method == "ANY" {
				method = "GET"
			}
			return fmt.Sprintf(`"$(lambdagate event --source %s --route '%s' -X %s '%s')"`, src, rt.Key, method, path)
		}
	}
	return "'{}'"
}

// printEndpoints prints each API's address, stages and routes with a
// request to try, and for each function an invoke of it through the
// Invoke API with an event its API would send (the AWS CLI version 2
// takes a raw JSON payload only with --cli-binary-format
// raw-in-base64-out).
func printEndpoints(w io.Writer, app *sam.App, eps []endpoint) {
	for i, ep := range eps {
		fmt.Fprintf(w, "%s (%s) on %s\n", ep.name, ep.kind, ep.url)
		if i == len(eps)-1 {
			for _, f := range app.Functions {
				fmt.Fprintf(w, "  aws lambda invoke --endpoint-url %s --function-name %s --cli-binary-format raw-in-base64-out --payload %s out.json\n", ep.url, f.Config.Name, invokePayload(app, f))
			}
			continue
		}
		api := app.APIs[i].API
		base := ep.url
		switch api.Kind {
		case event.REST, event.WebSocket:
			stage := "prod"
			if len(api.Stages) > 0 {
				stage = api.Stages[0].Name
			}
			base += "/" + stage
		case event.HTTPAPI:
			if len(api.Stages) > 0 && api.Stages[0].Name != "$default" {
				base += "/" + api.Stages[0].Name
			}
		}
		var stages []string
		for _, s := range api.Stages {
			stages = append(stages, s.Name)
		}
		if len(stages) > 0 {
			fmt.Fprintf(w, "  stages: %s\n", strings.Join(stages, ", "))
		}
		if api.Kind == event.WebSocket {
			fmt.Fprintf(w, "  websocat %s\n", strings.Replace(base, "http://", "ws://", 1))
		}
		keys := make([]string, 0, len(api.Routes))
		for _, rt := range api.Routes {
			keys = append(keys, rt.Key)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %s\n", k)
			if api.Kind == event.WebSocket {
				continue
			}
			method, p := sampleRequest(k)
			args := ""
			if method != "GET" && method != "ANY" {
				args = "-X " + method + " "
			}
			fmt.Fprintf(w, "    curl -i %s'%s%s'\n", args, base, p)
		}
	}
}

// parseOverrides reads --parameter-overrides: KEY=VALUE pairs separated
// by spaces, or ParameterKey=KEY,ParameterValue=VALUE, as sam and the AWS
// CLI take them.
func parseOverrides(flags []string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range flags {
		for _, pair := range strings.Fields(f) {
			if rest, ok := strings.CutPrefix(pair, "ParameterKey="); ok {
				k, v, ok := strings.Cut(rest, ",ParameterValue=")
				if !ok || k == "" {
					return nil, fmt.Errorf("--parameter-overrides %q: want ParameterKey=KEY,ParameterValue=VALUE", pair)
				}
				out[k] = v
				continue
			}
			k, v, ok := strings.Cut(pair, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf("--parameter-overrides %q: want KEY=VALUE", pair)
			}
			out[k] = v
		}
	}
	return out, nil
}

// A lockedWriter serializes writes from the functions' logs, the access
// log and the watcher, so that their lines do not interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
