package runtimetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// emulatorTool is the Runtime Interface Emulator's command. Its version
// is the tool directive in this module's go.mod: go.sum verifies it and
// the go command builds it from the module cache. None of the modules it
// builds with is raised by this module's other requirements, so the
// binary is the one `go install module/cmd/aws-lambda-rie@version` gives.
const emulatorTool = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// workDir holds what the tests of one run build; Main sets it.
var workDir string

// Main runs a package's tests, m, with a work directory of their own
// named after the package, removes it and exits with the tests' code. A
// package's TestMain calls it.
func Main(m *testing.M, pkg string) {
	dir, err := os.MkdirTemp("", pkg+"-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", pkg, err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// WorkDir returns the run's work directory (see [Main]).
func WorkDir() string { return workDir }

// A build is one artifact built once per run.
type build struct {
	once sync.Once
	path string
	out  []byte
	err  error
}

var builds sync.Map // key → *build

// Built builds the artifact named key once per run, with do writing it to
// the path it is given, a file of the work directory, and returns that
// path with do's output and error. Later calls with the same key return
// the first's results. It is safe for concurrent use, and panics when
// [Main] has not run.
func Built(key string, do func(path string) ([]byte, error)) (path string, out []byte, err error) {
	if workDir == "" {
		panic("runtimetest: Built before Main: TestMain must call runtimetest.Main")
	}
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

// GoCmd runs the go command with args in dir, its environment this
// process's with env added, and returns its combined output.
func GoCmd(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}

// BuildBootstrap builds the main package pkg, in dir, to path as the
// bootstrap a deployment runs: for Linux on this machine's architecture,
// without cgo, with the lambda.norpc tag. env adds to the environment
// (GOWORK, say). It returns the go command's output.
func BuildBootstrap(dir string, env []string, path, pkg string) ([]byte, error) {
	env = append([]string{"GOOS=linux", "GOARCH=" + runtime.GOARCH, "CGO_ENABLED=0"}, env...)
	return GoCmd(dir, env, "build", "-tags", "lambda.norpc", "-o", path, pkg)
}

// NeedGo calls [Unavailable] when the go command is not in PATH.
func NeedGo(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		Unavailable(t, "the go command is not in PATH: %v", err)
	}
}

// ModuleDir returns this module's directory, the parent of the package
// directory the tests run in.
func ModuleDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// BuildEmulator returns the Runtime Interface Emulator built for this
// machine, once per run, from this module's tool pin. It calls
// [Unavailable] when the go command is missing or the emulator does not
// build: a test that builds a bootstrap calls it first, so that a missing
// emulator skips the test before the build.
func BuildEmulator(t testing.TB) string {
	t.Helper()
	NeedGo(t)
	dir := ModuleDir(t)
	path, out, err := Built("emulator/aws-lambda-rie", func(path string) ([]byte, error) {
		return GoCmd(dir, []string{"GOWORK=off", "CGO_ENABLED=0"}, "build", "-o", path, emulatorTool)
	})
	if err != nil {
		Unavailable(t, "cannot build the Runtime Interface Emulator %s: %v\n%s", emulatorTool, err, out)
	}
	return path
}
