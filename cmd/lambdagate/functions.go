package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/examples/calc/calc"
	"github.com/lambdagate/lambdagate/examples/pets/pets"
	"github.com/lambdagate/lambdagate/examples/smartpath/smartpath"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
)

// examples are the functions of the repository's examples, which serve
// and export run in process: example:NAME.
var examples = map[string]func() handler.Invoker{
	"calc":      func() handler.Invoker { return calc.Function() },
	"pets":      func() handler.Invoker { return handler.NewAdapter(pets.New()) },
	"smartpath": func() handler.Invoker { return smartpath.NewFunction() },
}

// exampleAPIs are the examples' APIs in Go, for export.
var exampleAPIs = map[string]func() (gateway.API, error){
	"calc":      func() (gateway.API, error) { return calc.API(calc.Function().Invoke) },
	"pets":      func() (gateway.API, error) { return pets.API(pets.New()), nil },
	"smartpath": func() (gateway.API, error) { return smartpath.API(smartpath.NewFunction()), nil },
}

func exampleNames() string {
	names := make([]string, 0, len(examples))
	for n := range examples {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// parseFunction reads a --function flag: NAME=example:EXAMPLE, or
// NAME=URL of a Lambda Invoke API endpoint (URL#FUNCTION names the
// function there; "function" by default, as the Runtime Interface
// Emulator names it).
func parseFunction(flag string) (string, handler.Invoker, error) {
	name, value, ok := strings.Cut(flag, "=")
	if !ok || name == "" || value == "" {
		return "", nil, fmt.Errorf("--function %q: want NAME=example:EXAMPLE or NAME=http://HOST:PORT[#FUNCTION]", flag)
	}
	if ex, ok := strings.CutPrefix(value, "example:"); ok {
		mk, ok := examples[ex]
		if !ok {
			return "", nil, fmt.Errorf("--function %q: no example %q (examples: %s)", flag, ex, exampleNames())
		}
		return name, mk(), nil
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", nil, fmt.Errorf("--function %q: %q is neither example:EXAMPLE nor an http(s) URL of a Lambda Invoke API", flag, value)
	}
	fn := u.Fragment
	u.Fragment = ""
	return name, &gateway.Remote{Endpoint: u.String(), Name: fn}, nil
}
