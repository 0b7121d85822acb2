//go:build linux

package lambdaservice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/internal/proctest"
	local "github.com/lambdagate/lambdagate/lambdaservice"
)

const (
	emulatorTool = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
	envRequire   = "LAMBDAGATE_REQUIRE_RUNTIME_E2E"
	// accountID is the account in the emulator's function ARNs; the
	// service is configured with it so the ARNs compare equal.
	accountID = "012345678912"
	// invokeWait bounds one invocation.
	invokeWait = 60 * time.Second
)

var workDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lambdaservice-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(envRequire) == "1" {
		t.Fatalf("%s (%s=1 requires the runtime end-to-end tests)", msg, envRequire)
	}
	t.Skipf("%s; set %s=1 to make this a failure", msg, envRequire)
}

type built struct {
	once sync.Once
	path string
	out  []byte
	err  error
}

var emulatorBuild, bootstrapBuild built

func goBuild(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	return cmd.CombinedOutput()
}

// emulator returns the Runtime Interface Emulator, built from this
// module's tool pin.
func emulator(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		unavailable(t, "no go command: %v", err)
	}
	emulatorBuild.once.Do(func() {
		emulatorBuild.path = filepath.Join(workDir, "aws-lambda-rie")
		emulatorBuild.out, emulatorBuild.err = goBuild("..", []string{"GOWORK=off", "CGO_ENABLED=0"}, "-o", emulatorBuild.path, emulatorTool)
	})
	if emulatorBuild.err != nil {
		unavailable(t, "cannot build the Runtime Interface Emulator: %v\n%s", emulatorBuild.err, emulatorBuild.out)
	}
	return emulatorBuild.path
}

// bootstrap returns the test function built as a Linux bootstrap for
// this machine's architecture, from the checkout holding this module.
func bootstrap(t testing.TB) string {
	t.Helper()
	emulator(t)
	bootstrapBuild.once.Do(func() {
		dir := filepath.Join(workDir, "task")
		os.MkdirAll(dir, 0o755)
		bootstrapBuild.path = filepath.Join(dir, "bootstrap")
		env := []string{"GOWORK=off", "GOOS=linux", "GOARCH=" + runtime.GOARCH, "CGO_ENABLED=0"}
		bootstrapBuild.out, bootstrapBuild.err = goBuild("../..", env, "-tags", "lambda.norpc", "-o", bootstrapBuild.path, "./internal/testfn/bootstrap")
	})
	if bootstrapBuild.err != nil {
		t.Fatalf("building the test function: %v\n%s", bootstrapBuild.err, bootstrapBuild.out)
	}
	return bootstrapBuild.path
}

// A scenario is one way to run the function: its environment and
// timeout.
type scenario struct {
	name    string
	env     map[string]string
	timeout int // seconds
}

// A target is the function under one implementation, reached over its
// Invoke API.
type target struct {
	name   string
	url    string
	client *http.Client
	// requestID returns the request id of an answer.
	requestID func(sent string, resp *http.Response) string
	log       func() string
}

// An answer is what an implementation returned for an invocation.
type answer struct {
	status int
	header http.Header
	body   []byte
	id     string // the invocation's request id
}

func (tg *target) invoke(t testing.TB, id string, payload []byte, header map[string]string) answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), invokeWait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tg.url, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amzn-RequestId", id) // the emulator's request id
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := tg.client.Do(req)
	if err != nil {
		t.Fatalf("%s: invoking %s: %v\nlog:\n%s", tg.name, payload, err, tail(tg.log(), 30))
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s: reading the answer: %v", tg.name, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: body, id: tg.requestID(id, resp)}
}

// startEmulator runs the bootstrap under the emulator in scenario sc.
func startEmulator(t *testing.T, sc scenario) *target {
	t.Helper()
	rie, boot := emulator(t), bootstrap(t)
	var last error
	for range 3 { // a port chosen free may be taken before the emulator binds it
		addr, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		rapi, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		log := new(proctest.Buffer)
		cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", rapi, "./bootstrap")
		cmd.Dir = filepath.Dir(boot)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "AWS_LAMBDA_FUNCTION_NAME=difftest",
			"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(sc.timeout), "LOG_LEVEL=info"}
		for k, v := range sc.env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Stdout, cmd.Stderr = log, log
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.WaitDelay = 2 * time.Second
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() {
			// The emulator starts the runtime in a group of its own.
			for _, pid := range descendants(cmd.Process.Pid) {
				syscall.Kill(-pid, syscall.SIGKILL)
				syscall.Kill(pid, syscall.SIGKILL)
			}
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if last = waitListening(addr, exited); last != nil {
			stop()
			continue
		}
		t.Cleanup(stop)
		client := &http.Client{Transport: &http.Transport{Proxy: nil}}
		t.Cleanup(client.CloseIdleConnections)
		return &target{
			name:      "emulator",
			url:       "http://" + addr + "/2015-03-31/functions/function/invocations",
			client:    client,
			requestID: func(sent string, _ *http.Response) string { return sent },
			log:       log.String,
		}
	}
	t.Fatalf("starting the emulator: %v", last)
	return nil
}

// startService runs the bootstrap under the local Lambda service in
// scenario sc, and returns it with its Invoke API served on loopback.
func startService(t *testing.T, sc scenario) (*target, *local.Service) {
	t.Helper()
	boot := bootstrap(t)
	log := new(proctest.Buffer)
	svc, err := local.New(context.Background(), local.Config{AccountID: accountID, Logs: log, InitTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	fc := local.FunctionConfig{Name: "difftest", Executable: boot, Timeout: time.Duration(sc.timeout) * time.Second, Environment: sc.env}
	if _, err := svc.Add(context.Background(), fc); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return &target{
		name:      "service",
		url:       srv.URL + "/2015-03-31/functions/difftest/invocations",
		client:    srv.Client(),
		requestID: func(_ string, resp *http.Response) string { return resp.Header.Get("X-Amzn-RequestId") },
		log:       log.String,
	}, svc
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitListening(addr string, exited <-chan struct{}) error {
	for range 1500 {
		select {
		case <-exited:
			return errors.New("the emulator exited")
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on %s", addr)
}

// descendants lists the processes under pid.
func descendants(pid int) []int {
	var out []int
	for _, c := range proctest.Children(pid) {
		out = append(out, c)
		out = append(out, descendants(c)...)
	}
	return out
}

// children lists this process's running children.
func children() []int { return proctest.Children(os.Getpid()) }

func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}

// abbrev quotes b, shortened in the middle when long.
func abbrev(b []byte) string {
	if len(b) <= 300 {
		return strconv.Quote(string(b))
	}
	return fmt.Sprintf("%q…(%d bytes)…%q", b[:200], len(b), b[len(b)-100:])
}
