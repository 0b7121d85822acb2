package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/iamauth"
	"github.com/lambdagate/lambdagate/gateway/jwtauth"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/openapi"
)

func init() {
	commands["serve"] = command{summary: "serve a SAM template's APIs and Go functions, or an OpenAPI definition, as AWS would deploy them", run: runServe}
}

const serveUsage = `usage: lambdagate serve --openapi FILE [flags]

Serves an API Gateway OpenAPI definition locally, as the cloud would
deploy it: OpenAPI 3.0 or Swagger 2.0, JSON or YAML, or a SAM template
whose API has a DefinitionBody. Lambda integrations invoke the functions
given with --function, by the name their URI uses (a function name, an
ARN, or a SAM logical ID such as CalcFunction):

	--function NAME=example:EXAMPLE   an example function, in process (` + "%s" + `)
	--function NAME=http://HOST:PORT  a Lambda Invoke API (URL#FUNCTION names the function there)

Lambda authorizers find their functions the same way. JWT authorizers
fetch the issuer's keys through its discovery document unless --jwks
gives them; IAM-authorized methods verify signatures made with the
--iam-credential keys; methods that require an API key take the
--api-key values, each in one usage plan for every stage served.

Problems are printed with their line and JSON pointer; settings that are
not emulated are printed as notes.

Example:

	lambdagate serve --openapi examples/calc/template.yaml --function CalcFunction=example:calc

Flags:
`

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if templateMode(args) {
		return serveTemplate(context.Background(), args, stdout, stderr, nil)
	}
	return serve(context.Background(), args, stdout, stderr, nil)
}

// serve runs the serve command until ctx ends or an interrupt arrives;
// ready, when set, receives the base URL once the server listens.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(string)) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, serveUsage, exampleNames())
		fs.PrintDefaults()
	}
	file := fs.String("openapi", "", "the definition `file` (- reads standard input)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	kind := fs.String("source", "", "the kind of API, rest or http (default: read from the definition)")
	var functions, stages, stageVars, jwks, credentials, keys multiFlag
	fs.Var(&functions, "function", "a function `NAME=example:EXAMPLE` or `NAME=URL` (repeatable)")
	fs.Var(&stages, "stage", "a stage to serve (repeatable; default: the template's StageName, or prod/$default)")
	fs.Var(&stageVars, "stage-var", "a stage variable `name=value` of every stage (repeatable)")
	fs.Var(&jwks, "jwks", "a JWT authorizer's keys, `NAME=FILE` or NAME=URL of a JWKS, by security scheme name or issuer (repeatable)")
	fs.Var(&credentials, "iam-credential", "an `ACCESS_KEY_ID:SECRET` that IAM-authorized callers sign with (repeatable)")
	fs.Var(&keys, "api-key", "an API `key` of at least 20 characters (repeatable)")
	if _, code, ok := parseArgs(fs, args, 0); !ok {
		return code
	}
	switch *file {
	case "-h", "-help", "--help": // lambdagate serve --openapi -h
		fs.Usage()
		return 0
	case "":
		fs.Usage()
		return 2
	}
	opts, code := importOptions(*file, *kind, functions, stages, stageVars, stderr)
	if code != 0 {
		return code
	}
	if err := securityOptions(&opts, jwks, credentials, keys); err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return 2
	}
	src, err := readInput(*file, os.Stdin)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		return 1
	}
	res, err := openapi.Import(src, opts)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		return 1
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stderr, "note: %s:%s\n", *file, n)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		return 1
	}
	base := "http://" + ln.Addr().String() + res.Gateway.BaseURL()
	fmt.Fprintf(stdout, "serving %s (%v API) on %s\n", *file, res.Gateway.Kind(), base)
	for _, rt := range res.API.Routes {
		fmt.Fprintf(stdout, "  %s\n", rt.Key)
	}
	if ready != nil {
		ready(base)
	}
	srv := &gateway.Server{Gateway: res.Gateway}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && ctx.Err() == nil {
		fmt.Fprintln(stderr, "lambdagate serve:", err)
		return 1
	}
	return 0
}

// importOptions reads the flags import uses.
func importOptions(file, kind string, functions, stages, stageVars []string, stderr io.Writer) (openapi.Options, int) {
	opts := openapi.Options{Name: file, Functions: map[string]handler.Invoker{}}
	switch kind {
	case "":
	case "rest":
		opts.Kind = event.REST
	case "http":
		opts.Kind = event.HTTPAPI
	default:
		fmt.Fprintf(stderr, "lambdagate: --source %q: want rest or http\n", kind)
		return opts, 2
	}
	var errs []error
	for _, f := range functions {
		name, fn, err := parseFunction(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		opts.Functions[name] = fn
	}
	vars := map[string]string{}
	for _, v := range stageVars {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			errs = append(errs, fmt.Errorf("--stage-var %q: want name=value", v))
			continue
		}
		vars[k] = val
	}
	for _, s := range stages {
		opts.Stages = append(opts.Stages, gateway.Stage{Name: s, Variables: vars})
	}
	if len(stages) == 0 && len(vars) > 0 {
		errs = append(errs, errors.New("--stage-var needs --stage: a definition names no stages"))
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(stderr, "lambdagate:", err)
		return opts, 2
	}
	return opts, 0
}

// securityOptions reads the flags that give a definition's authorizers
// what it does not hold: JWT keys, IAM credentials, API keys.
func securityOptions(opts *openapi.Options, jwks, credentials, keys []string) error {
	var errs []error
	for _, j := range jwks {
		name, src, ok := strings.Cut(j, "=")
		if !ok || name == "" || src == "" {
			errs = append(errs, fmt.Errorf("--jwks %q: want NAME=FILE or NAME=URL", j))
			continue
		}
		if opts.JWT == nil {
			opts.JWT = map[string]jwtauth.Config{}
		}
		if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
			opts.JWT[name] = jwtauth.Config{JWKSURL: src}
		} else {
			opts.JWT[name] = jwtauth.Config{JWKSFile: src}
		}
	}
	for _, c := range credentials {
		id, secret, ok := strings.Cut(c, ":")
		if !ok || id == "" || secret == "" {
			errs = append(errs, fmt.Errorf("--iam-credential %q: want ACCESS_KEY_ID:SECRET", c))
			continue
		}
		if opts.IAM == nil {
			opts.IAM = &iamauth.Config{}
		}
		opts.IAM.Credentials = append(opts.IAM.Credentials, iamauth.Credential{AccessKeyID: id, SecretAccessKey: secret})
	}
	for i, k := range keys {
		opts.APIKeys = append(opts.APIKeys, gateway.APIKey{ID: fmt.Sprintf("key%d", i+1), Value: k})
	}
	return errors.Join(errs...)
}

// readInput reads a file, or standard input for "-".
func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}
