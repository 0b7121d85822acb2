package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/openapi"
)

// TestExportPackage follows the documented convention: a module with a
// package that declares func API() (gateway.API, error) and the lambdagate
// command as a tool (go get -tool), which brings the openapi module; export builds and runs a program in the
// module and writes the API's definition, which imports back.
func TestExportPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", `module example.com/shop

go 1.26.0

require (
	github.com/lambdagate/lambdagate v0.0.0
	github.com/lambdagate/lambdagate/cmd/lambdagate v0.0.0
)

tool github.com/lambdagate/lambdagate/cmd/lambdagate

replace (
	github.com/lambdagate/lambdagate => `+root+`
	github.com/lambdagate/lambdagate/openapi => `+filepath.Join(root, "openapi")+`
	github.com/lambdagate/lambdagate/sam => `+filepath.Join(root, "sam")+`
	github.com/lambdagate/lambdagate/cmd/lambdagate => `+filepath.Join(root, "cmd", "lambdagate")+`
)
`)
	write("api/api.go", `package api

import (
	"context"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

func hello(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.JSON(200, map[string]string{"hello": req.PathParameters.Get("name")})
}

// API is the shop's API, guarded by a Lambda authorizer.
func API() (gateway.API, error) {
	fn := handler.NewAdapter(handler.Func(hello))
	return gateway.API{
		Authorizers: map[string]gateway.Authorizer{"gate": gateway.LambdaAuthorizer{Function: fn, SimpleResponses: true}},
		Routes:      []gateway.Route{{Key: "GET /hello/{name}", Integration: gateway.Proxy{Function: fn}, Authorizer: "gate"}},
	}, nil
}
`)
	write("cmd/shop/main.go", "package main\n\nfunc main() {}\n")
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)

	var out, stderr bytes.Buffer
	if code := run([]string{"export", "--format", "json", "--function", "Shop", "--authorizer-function", "gate=Gate", "./api"}, nil, &out, &stderr); code != 0 {
		t.Fatalf("export ./api = %d: %s", code, stderr.String())
	}
	res, err := openapi.Import(out.Bytes(), openapi.Options{AnyFunction: placeholder{}})
	if err != nil {
		t.Fatalf("Import(export): %v\n%s", err, out.String())
	}
	if len(res.API.Routes) != 1 || res.API.Routes[0].Key != "GET /hello/{name}" || !strings.Contains(out.String(), "function:Shop/invocations") ||
		res.API.Routes[0].Authorizer != "gate" || !strings.Contains(out.String(), "function:Gate/invocations") {
		t.Errorf("exported %s", out.String())
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, ".lambdagate-export-*")); len(entries) != 0 {
		t.Errorf("export left %v behind", entries)
	}
	stderr.Reset()
	if code := run([]string{"export", "./cmd/shop"}, nil, &out, &stderr); code != 1 || !strings.Contains(stderr.String(), "package main") {
		t.Errorf("export of a command = %d %s", code, stderr.String())
	}
}

// TestExportAuthorizerFile reads a definition with authorizers and writes
// it again: the security schemes and requirements survive, in SAM's
// form.
func TestExportAuthorizerFile(t *testing.T) {
	var out, stderr bytes.Buffer
	if code := run([]string{"export", "--format", "json", "--sam", "../../openapi/testdata/authorizers-sam.yaml"}, nil, &out, &stderr); code != 0 {
		t.Fatalf("export = %d: %s", code, stderr.String())
	}
	for _, want := range []string{`functions/${AuthFunction.Arn}/invocations`, `"x-amazon-apigateway-authtype": "awsSigv4"`, `"TokenAuthorizer": []`,
		`"api_key": []`, `"x-amazon-apigateway-api-key-source": "AUTHORIZER"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, out.String())
		}
	}
	stderr.Reset()
	if code := run([]string{"export", "--authorizer-function", "gate", "example:calc"}, nil, &out, &stderr); code != 2 {
		t.Errorf("a bad --authorizer-function = %d: %s", code, stderr.String())
	}
}
