//go:build linux

package lambdaruntime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

const (
	// envRoot names the lambdagate checkout to build.
	envRoot = "LAMBDAGATE_ROOT"
	// envRequire makes a missing emulator a failure instead of a skip.
	envRequire = "LAMBDAGATE_REQUIRE_RUNTIME_E2E"

	// emulatorTool is the Runtime Interface Emulator's command. Its
	// version is the tool directive in this module's go.mod: go.sum
	// verifies it, the go command builds it from the module cache, and
	// `go test ./...` here needs no script or variable to find it. None of
	// the modules it builds with is raised by this module's other
	// requirements, so the binary is the one `go install
	// module/cmd/aws-lambda-rie@version` gives.
	emulatorTool = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

	// awsLambdaGo is the module whose events/testdata holds AWS's sample
	// events; this module requires the version the library uses.
	awsLambdaGo = "github.com/aws/aws-lambda-go"
)

// workDir holds what the tests build, shared by the tests of one run.
var workDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lambdaruntime-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "lambdaruntime:", err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// unavailable skips t, or fails it when the environment requires the
// tests to run.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(envRequire) == "1" {
		t.Fatalf("%s (%s=1 requires the runtime end-to-end tests)", msg, envRequire)
	}
	t.Skipf("%s; set %s=1 to make this a failure", msg, envRequire)
}

// A build is one artifact built once per run.
type build struct {
	once sync.Once
	path string
	out  []byte
	err  error
}

var builds sync.Map // key → *build

// built builds the artifact named key once, with do writing it to the
// path it is given, and returns that path.
func built(key string, do func(path string) ([]byte, error)) (string, []byte, error) {
	v, _ := builds.LoadOrStore(key, new(build))
	b := v.(*build)
	b.once.Do(func() {
		b.path = filepath.Join(workDir, key)
		if b.err = os.MkdirAll(filepath.Dir(b.path), 0o755); b.err != nil {
			return
		}
		b.out, b.err = do(b.path)
	})
	return b.path, b.out, b.err
}

// goCmd runs the go command in dir with extra environment variables and
// returns its combined output.
func goCmd(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}

// moduleDir is this module's directory (the tests run in the package's).
func moduleDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// rootDir is the lambdagate checkout to build: LAMBDAGATE_ROOT, or the
// one holding this module.
func rootDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(envRoot)
	if dir == "" {
		dir = filepath.Join(moduleDir(t), "..")
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

// needGo skips or fails t when the go command is missing.
func needGo(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		unavailable(t, "the go command is not in PATH: %v", err)
	}
}

// emulator returns the Runtime Interface Emulator binary, built for this
// machine.
func emulator(t testing.TB) string {
	t.Helper()
	needGo(t)
	dir := moduleDir(t)
	path, out, err := built("emulator/aws-lambda-rie", func(path string) ([]byte, error) {
		return goCmd(dir, []string{"GOWORK=off", "CGO_ENABLED=0"}, "build", "-o", path, emulatorTool)
	})
	if err != nil {
		unavailable(t, "cannot build the Runtime Interface Emulator %s: %v\n%s", emulatorTool, err, out)
	}
	return path
}

// linuxEnv is the environment of a deployment build for this machine's
// architecture, as the README's deploy line builds.
func linuxEnv() []string {
	return []string{"GOOS=linux", "GOARCH=" + runtime.GOARCH, "CGO_ENABLED=0"}
}

// exampleBootstrap builds examples/NAME of the checkout as a bootstrap.
func exampleBootstrap(t testing.TB, name string) string {
	t.Helper()
	emulator(t) // skips first when the emulator cannot run here
	root := rootDir(t)
	path, out, err := built("examples/"+name+"/bootstrap", func(path string) ([]byte, error) {
		return goCmd(root, append(linuxEnv(), "GOWORK=off"), "build", "-tags", "lambda.norpc", "-o", path, "./examples/"+name)
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
	emulator(t) // skips first when the emulator cannot run here
	root, dir := rootDir(t), moduleDir(t)
	path, out, err := built("testfn/bootstrap", func(path string) ([]byte, error) {
		work := filepath.Join(workDir, "workspace")
		if err := os.MkdirAll(work, 0o755); err != nil {
			return nil, err
		}
		if out, err := goCmd(work, []string{"GOWORK="}, "work", "init", root, dir); err != nil {
			return out, err
		}
		env := append(linuxEnv(), "GOWORK="+filepath.Join(work, "go.work"))
		return goCmd(dir, env, "build", "-tags", "lambda.norpc", "-o", path, "./lambdaruntime/internal/testfn")
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
	needGo(t)
	samples.once.Do(func() {
		out, err := goCmd(moduleDir(t), []string{"GOWORK=off"}, "mod", "download", "-json", awsLambdaGo)
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
