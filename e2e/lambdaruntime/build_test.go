//go:build linux

package lambdaruntime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
)

const (
	// envRoot names the lambdagate checkout to build.
	envRoot = "LAMBDAGATE_ROOT"

	// awsLambdaGo is the module whose events/testdata holds AWS's sample
	// events; this module requires the version the library uses.
	awsLambdaGo = "github.com/aws/aws-lambda-go"
)

func TestMain(m *testing.M) { runtimetest.Main(m, "lambdaruntime") }

// rootDir is the lambdagate checkout to build: LAMBDAGATE_ROOT, or the
// one holding this module.
func rootDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(envRoot)
	if dir == "" {
		dir = filepath.Join(runtimetest.ModuleDir(t), "..")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil || !bytes.HasPrefix(mod, []byte("module github.com/lambdagate/lambdagate\n")) {
		t.Fatalf("%s=%q is not a lambdagate checkout (no go.mod for module github.com/lambdagate/lambdagate): %v", envRoot, dir, err)
	}
	return dir
}

// exampleBootstrap builds examples/NAME of the checkout as a bootstrap.
func exampleBootstrap(t testing.TB, name string) string {
	t.Helper()
	runtimetest.BuildEmulator(t) // skips first when the emulator cannot run here
	root := rootDir(t)
	path, out, err := runtimetest.Built("examples/"+name+"/bootstrap", func(path string) ([]byte, error) {
		return runtimetest.BuildBootstrap(root, []string{"GOWORK=off"}, path, "./examples/"+name)
	})
	if err != nil {
		t.Fatalf("building example %s in %s: %v\n%s", name, root, err, out)
	}
	return path
}

// testfnBootstrap builds internal/testfn as a bootstrap against the
// checkout's library: a workspace of this module and the checkout makes
// the checkout the lambdagate module, whatever this module's replace
// directive says.
func testfnBootstrap(t testing.TB) string {
	t.Helper()
	runtimetest.BuildEmulator(t) // skips first when the emulator cannot run here
	root, dir := rootDir(t), runtimetest.ModuleDir(t)
	path, out, err := runtimetest.Built("testfn/bootstrap", func(path string) ([]byte, error) {
		work := filepath.Join(runtimetest.WorkDir(), "workspace")
		if err := os.MkdirAll(work, 0o755); err != nil {
			return nil, err
		}
		if out, err := runtimetest.GoCmd(work, []string{"GOWORK="}, "work", "init", root, dir); err != nil {
			return out, err
		}
		return runtimetest.BuildBootstrap(dir, []string{"GOWORK=" + filepath.Join(work, "go.work")}, path, "./lambdaruntime/internal/testfn")
	})
	if err != nil {
		t.Fatalf("building internal/testfn against %s: %v\n%s", root, err, out)
	}
	return path
}

var samples struct {
	once sync.Once
	dir  string
	err  error
}

// sampleDir is aws-lambda-go's events/testdata in the module cache.
func sampleDir(t testing.TB) string {
	t.Helper()
	runtimetest.NeedGo(t)
	samples.once.Do(func() {
		out, err := runtimetest.GoCmd(runtimetest.ModuleDir(t), []string{"GOWORK=off"}, "mod", "download", "-json", awsLambdaGo)
		if err != nil {
			samples.err = fmt.Errorf("%w\n%s", err, out)
			return
		}
		var m struct{ Dir, Error string }
		if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
			samples.err = fmt.Errorf("go mod download %s: no directory (%v) %s\n%s", awsLambdaGo, err, m.Error, out)
			return
		}
		samples.dir = filepath.Join(m.Dir, "events", "testdata")
	})
	if samples.err != nil {
		t.Fatalf("aws-lambda-go's sample events: %v", samples.err)
	}
	return samples.dir
}
