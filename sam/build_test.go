package sam

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/internal/proctest"
	"github.com/lambdagate/lambdagate/lambdaservice"
)

// TestMakefileBuild builds a function as sam build does for BuildMethod
// makefile: make runs the target build-LOGICALID in the CodeUri with
// ARTIFACTS_DIR set, and the bootstrap it writes there is what runs. A
// failing target is a build error carrying make's output.
func TestMakefileBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a function and runs it")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed; .ci/run installs it") // a skip would hide the build method
	}
	dir := t.TempDir()
	fn := filepath.Join(dir, "fn")
	os.Mkdir(fn, 0o755)
	os.WriteFile(filepath.Join(fn, "go.mod"), []byte("module fn\n\ngo 1.26\n"), 0o644)
	writeFn(t, fn, "made")
	// The target builds with a flag go build's default would not give:
	// the version comes from the makefile, so the answer shows it ran.
	mk := "build-Fn:\n\tsed -i 's/\"made\"/\"made by $@\"/' main.go\n\tgo build -o \"$(ARTIFACTS_DIR)/bootstrap\" .\n\nbuild-Broken:\n\t@echo no such tool >&2; exit 3\n"
	os.WriteFile(filepath.Join(fn, "Makefile"), []byte(mk), 0o644)
	tmpl := "Resources:\n" +
		"  Fn:\n    Type: AWS::Serverless::Function\n    Metadata: {BuildMethod: makefile}\n    Properties: {Runtime: provided.al2023, CodeUri: fn, Timeout: 30}\n"
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(tmpl), 0o644)
	app, err := Open(filepath.Join(dir, "template.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if bc := app.Function("Fn").Config.BuildCommand; strings.Join(bc, " ") != "make build-Fn" {
		t.Fatalf("BuildCommand = %q, want make build-Fn", bc)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stack, err := Start(ctx, app, Config{Service: lambdaservice.Config{Logs: new(proctest.Buffer)}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := stack.Function("Fn").Invoke(ctx, []byte("0"))
	stack.Close()
	if err != nil || string(out) != `"made by build-Fn"` {
		t.Errorf("invoke = %s, %v; want the makefile's build", out, err)
	}

	// A target that fails is a build error with make's output.
	tmpl = strings.ReplaceAll(tmpl, "Fn:", "Broken:")
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(tmpl), 0o644)
	app, err = Open(filepath.Join(dir, "template.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	stack, err = Start(ctx, app, Config{Service: lambdaservice.Config{Logs: new(proctest.Buffer)}})
	if err == nil {
		stack.Close()
		t.Fatal("a failing make target: no error")
	}
	var be *lambdaservice.BuildError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "no such tool") {
		t.Errorf("error = %v, want a BuildError with make's output", err)
	}
	if c := proctest.Children(os.Getpid()); len(c) > 0 {
		t.Errorf("processes left: %v", c)
	}
}
