package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lambdagate/lambdagate/gateway/iamauth"
	"github.com/lambdagate/lambdagate/openapi"
)

func init() {
	commands["export"] = command{summary: "write the OpenAPI definition of a Go API, an example or a definition", run: runExport}
}

const exportUsage = `usage: lambdagate export [flags] SOURCE

Writes an API's OpenAPI 3.0 definition with API Gateway's extensions,
deployable with "aws apigateway import-rest-api" or as a SAM
DefinitionBody (--sam), or Swagger 2.0 (--swagger). SOURCE is one of:

	PACKAGE          a Go package of your module that declares
	                 func API() (gateway.API, error); it is built and run
	                 with the module's own go.mod, which must require
	                 github.com/lambdagate/lambdagate/openapi (go get -tool
	                 github.com/lambdagate/lambdagate/cmd/lambdagate adds it)
	example:NAME     an example's API in Go (%s)
	FILE.yaml|json   a definition, read and written again (to convert it,
	                 or to see what lambdagate reads from it)

Lambda integrations of a Go API name the function given with --function
(a name, an ARN, or with --sam a logical ID), and its Lambda authorizers
those given with --authorizer-function.

Examples:

	lambdagate export --sam --function CalcFunction example:calc
	//go:generate go tool lambdagate export -o openapi.yaml --function MyFunction ./api

Flags:
`

func runExport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, exportUsage, exampleNames())
		fs.PrintDefaults()
	}
	format := fs.String("format", "", "json or yaml (default: from -o's extension, else yaml)")
	out := fs.String("o", "", "write to `file` instead of standard output")
	swagger := fs.Bool("swagger", false, "write Swagger 2.0 instead of OpenAPI 3.0")
	sam := fs.Bool("sam", false, "write Lambda URIs as Fn::Sub for a SAM template's DefinitionBody")
	function := fs.String("function", "", "the Lambda function of a Go API's integrations")
	title := fs.String("title", "", "the definition's title")
	var authFunctions multiFlag
	fs.Var(&authFunctions, "authorizer-function", "the Lambda function of a Go API's authorizer, `AUTHORIZER=FUNCTION` (repeatable)")
	args, code, ok := parseArgs(fs, args, 1)
	if !ok {
		return code
	}
	opts := openapi.ExportOptions{Function: *function, SAM: *sam, Title: *title}
	for _, a := range authFunctions {
		name, fn, ok := strings.Cut(a, "=")
		if !ok || name == "" || fn == "" {
			fmt.Fprintf(stderr, "lambdagate export: --authorizer-function %q: want AUTHORIZER=FUNCTION\n", a)
			return 2
		}
		if opts.AuthorizerFunctions == nil {
			opts.AuthorizerFunctions = map[string]string{}
		}
		opts.AuthorizerFunctions[name] = fn
	}
	doc, err := exportSource(args[0], opts, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "lambdagate export:", err)
		return 1
	}
	if *swagger {
		if doc, err = openapi.Swagger2(doc); err != nil {
			fmt.Fprintln(stderr, "lambdagate export:", err)
			return 1
		}
	}
	f := *format
	if f == "" {
		f = "yaml"
		if strings.HasSuffix(*out, ".json") {
			f = "json"
		}
	}
	switch f {
	case "json":
		doc = append(doc, '\n')
	case "yaml":
		if doc, err = openapi.YAML(doc); err != nil {
			fmt.Fprintln(stderr, "lambdagate export:", err)
			return 1
		}
	default:
		fmt.Fprintf(stderr, "lambdagate export: --format %q: want json or yaml\n", f)
		return 2
	}
	if *out == "" {
		stdout.Write(doc)
		return 0
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		fmt.Fprintln(stderr, "lambdagate export:", err)
		return 1
	}
	return 0
}

// exportSource returns the OpenAPI 3.0 JSON of a SOURCE argument.
func exportSource(src string, opts openapi.ExportOptions, stdin io.Reader) ([]byte, error) {
	if name, ok := strings.CutPrefix(src, "example:"); ok {
		mk, ok := exampleAPIs[name]
		if !ok {
			return nil, fmt.Errorf("no example %q (examples: %s)", name, exampleNames())
		}
		api, err := mk()
		if err != nil {
			return nil, err
		}
		return openapi.Export(api, opts)
	}
	if ext := filepath.Ext(src); ext == ".yaml" || ext == ".yml" || ext == ".json" || src == "-" {
		b, err := readInput(src, stdin)
		if err != nil {
			return nil, err
		}
		// The definition is only read and written again: its functions
		// and IAM credentials are placeholders.
		res, err := openapi.Import(b, openapi.Options{Name: src, AnyFunction: placeholder{},
			IAM: &iamauth.Config{Credentials: []iamauth.Credential{{AccessKeyID: "placeholder", SecretAccessKey: "placeholder"}}}})
		if err != nil {
			return nil, err
		}
		return openapi.Export(res.API, opts)
	}
	return exportPackage(src, opts)
}

// exportProgram is the program export builds in a Go package's module to
// reach its API: it calls the package's API function and writes the
// definition.
const exportProgram = `// Code generated by lambdagate export; DO NOT EDIT.

package main

import (
	"encoding/json"
	"fmt"
	"os"

	api %q
	"github.com/lambdagate/lambdagate/openapi"
)

func main() {
	var opts openapi.ExportOptions
	if err := json.Unmarshal([]byte(os.Getenv("LAMBDAGATE_EXPORT_OPTIONS")), &opts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	a, err := api.API()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	doc, err := openapi.Export(a, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(doc)
}
`

// exportPackage builds and runs exportProgram for a package, in a
// temporary directory of the package's module, so that the module's
// go.mod chooses every version.
func exportPackage(pkg string, opts openapi.ExportOptions) ([]byte, error) {
	var info struct {
		ImportPath string
		Name       string
		Module     *struct{ Dir string }
	}
	list := exec.Command("go", "list", "-json=ImportPath,Name,Module", pkg)
	var stderr bytes.Buffer
	list.Stderr = &stderr
	b, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %s", pkg, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(b, &info); err != nil || info.Module == nil {
		return nil, fmt.Errorf("%s: not a package of a module", pkg)
	}
	if info.Name == "main" {
		return nil, fmt.Errorf("%s is a command (package main), which cannot be imported: declare func API() (gateway.API, error) in a package of its own and export that one, as the examples do", info.ImportPath)
	}
	dir, err := os.MkdirTemp(info.Module.Dir, ".lambdagate-export-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), fmt.Appendf(nil, exportProgram, info.ImportPath), 0o644); err != nil {
		return nil, err
	}
	o, _ := json.Marshal(opts)
	run := exec.Command("go", "run", ".")
	run.Dir = dir
	run.Env = append(os.Environ(), "LAMBDAGATE_EXPORT_OPTIONS="+string(o))
	stderr.Reset()
	run.Stderr = &stderr
	doc, err := run.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		switch {
		case strings.Contains(msg, "lambdagate/openapi"):
			msg += "\n(the module must require github.com/lambdagate/lambdagate/openapi: go get -tool github.com/lambdagate/lambdagate/cmd/lambdagate)"
		case strings.Contains(msg, "API"):
			msg += fmt.Sprintf("\n(%s must declare func API() (gateway.API, error))", info.ImportPath)
		}
		return nil, errors.New(msg)
	}
	return doc, nil
}

// placeholder stands for the functions of a definition that is only read
// and written again.
type placeholder struct{}

func (placeholder) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return nil, errors.New("lambdagate export: no function")
}
