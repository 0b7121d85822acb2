package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/proctest"
	"github.com/lambdagate/lambdagate/lambdaservice"
)

// The local Lambda service's benchmarks: a warm invocation through its
// Runtime API round trip, side by side with the same invocation through
// the AWS Lambda Runtime Interface Emulator, and the cold start of each
// example (process start to first response). They build bootstraps for
// this machine with the go command, and the emulator from the e2e
// module's tool pin; a benchmark whose tools are missing is skipped.

const emulatorTool = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

type artifact struct {
	once sync.Once
	path string
	err  error
}

var (
	artifactsMu sync.Mutex
	artifacts   = map[string]*artifact{}
	buildDir    string
)

// buildOnce builds what args describe, in dir, once per run.
func buildOnce(b *testing.B, key, dir string, env []string, args ...string) string {
	b.Helper()
	artifactsMu.Lock()
	a := artifacts[key]
	if a == nil {
		a = new(artifact)
		artifacts[key] = a
	}
	if buildDir == "" {
		buildDir, _ = os.MkdirTemp("", "lambdaservice-bench-")
	}
	artifactsMu.Unlock()
	a.once.Do(func() {
		a.path = filepath.Join(buildDir, key, "bootstrap")
		cmd := exec.Command("go", append([]string{"build", "-o", a.path}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			a.err = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if a.err != nil {
		b.Skipf("cannot build %s: %v", key, a.err)
	}
	return a.path
}

// hostBootstrap builds a main package of the lambdagate module for this
// machine, as the service builds a function.
func hostBootstrap(b *testing.B, pkg string) string {
	return buildOnce(b, filepath.Base(pkg), "..", []string{"GOWORK=off"}, "-tags", "lambda.norpc", pkg)
}

func newService(b *testing.B) *lambdaservice.Service {
	b.Helper()
	if runtime.GOOS == "windows" {
		b.Skip("the local Lambda service needs process groups")
	}
	s, err := lambdaservice.New(context.Background(), lambdaservice.Config{Logs: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// echoPayload is the payload of the warm benchmarks: the test function answers
// it with itself.
var echoPayload = []byte(`{"do":"echo","msg":"hello"}`)

// BenchmarkWarmInvoke measures one warm invocation of the same bootstrap,
// payload in to output out: through the service's Invoke API over
// loopback and through the emulator's, each a Runtime API round trip to
// the function's process; and through Function.Invoke, the gateway's
// path, without the Invoke API's HTTP hop.
func BenchmarkWarmInvoke(b *testing.B) {
	boot := func(b *testing.B) string {
		if runtime.GOOS != "linux" {
			b.Skip("the emulator runs on Linux only")
		}
		return hostBootstrap(b, "./internal/testfn/bootstrap")
	}
	b.Run("impl=lambdaservice/api=invoke", func(b *testing.B) {
		s := newService(b)
		if _, err := s.Add(context.Background(), lambdaservice.FunctionConfig{Name: "function", Executable: boot(b)}); err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(s)
		defer srv.Close()
		benchHTTPInvoke(b, srv.Client(), srv.URL+"/2015-03-31/functions/function/invocations")
	})
	b.Run("impl=emulator/api=invoke", func(b *testing.B) {
		url, client := startEmulator(b, boot(b))
		benchHTTPInvoke(b, client, url)
	})
	b.Run("impl=lambdaservice/api=go", func(b *testing.B) {
		s := newService(b)
		f, err := s.Add(context.Background(), lambdaservice.FunctionConfig{Name: "function", Executable: boot(b)})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		if out, err := f.Invoke(ctx, echoPayload); err != nil || !bytes.Equal(out, echoPayload) {
			b.Fatalf("Invoke = %s, %v", out, err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.Invoke(ctx, echoPayload); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchHTTPInvoke measures invocations through an Invoke API at url.
func benchHTTPInvoke(b *testing.B, client *http.Client, url string) {
	b.Helper()
	call := func() []byte {
		resp, err := client.Post(url, "application/json", bytes.NewReader(echoPayload))
		if err != nil {
			b.Fatal(err)
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("invoke: %d %s %v", resp.StatusCode, out, err)
		}
		return out
	}
	if out := call(); !bytes.Equal(out, echoPayload) {
		b.Fatalf("invoke answered %s", out)
	}
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
}

// startEmulator runs boot under the Runtime Interface Emulator and
// returns its invoke URL.
func startEmulator(b *testing.B, boot string) (string, *http.Client) {
	b.Helper()
	rie := buildOnce(b, "aws-lambda-rie", "../e2e", []string{"GOWORK=off", "CGO_ENABLED=0"}, emulatorTool)
	addr, rapi := freeAddr(b), freeAddr(b)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", rapi, "./bootstrap")
	cmd.Dir = filepath.Dir(boot)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "AWS_LAMBDA_FUNCTION_TIMEOUT=30", "LOG_LEVEL=error"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		// The emulator runs the bootstrap in a process group of its own.
		for _, pid := range proctest.Children(cmd.Process.Pid) {
			syscall.Kill(-pid, syscall.SIGKILL)
			syscall.Kill(pid, syscall.SIGKILL)
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	for range 1000 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			client := &http.Client{Transport: &http.Transport{Proxy: nil}}
			return "http://" + addr + "/2015-03-31/functions/function/invocations", client
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatal("the emulator does not listen")
	return "", nil
}

func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// BenchmarkColdStart measures each example's cold start under the
// service: from the start of its process to its first response, an
// invocation with an event its deployment sends. Each iteration replaces
// the function's instances (Update) and invokes once; ms/cold-start is
// the mean, ns/op includes stopping the previous process.
func BenchmarkColdStart(b *testing.B) {
	payload := func(src event.Source, method, target, body string) []byte {
		p, err := event.New(src, method, target, []byte(body)).MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	for _, ex := range []struct {
		name    string
		payload []byte
		stream  bool
	}{
		{"pets", payload(event.HTTPAPI, "GET", "/pets", ""), false},
		{"calc", []byte(`{"a":2,"b":3,"op":"+"}`), false},
		{"smartpath", payload(event.REST, "POST", "/smartpath", `{"items":[{"sku":"a","quantity":1}]}`), false},
		{"webapp", payload(event.FunctionURL, "GET", "/", ""), true},
		{"authz", payload(event.HTTPAPI, "GET", "/health", ""), false},
		{"chat", payload(event.WebSocket, "POST", "/", `{"action":"dance"}`), false},
	} {
		b.Run("example="+ex.name, func(b *testing.B) {
			s := newService(b)
			fc := lambdaservice.FunctionConfig{Name: ex.name, Executable: hostBootstrap(b, "./examples/"+ex.name)}
			f, err := s.Add(context.Background(), fc)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var cold time.Duration
			for b.Loop() {
				if err := f.Update(ctx, fc); err != nil { // no instance is left
					b.Fatal(err)
				}
				start := time.Now()
				if ex.stream {
					r, err := f.InvokeStream(ctx, ex.payload)
					if err != nil {
						b.Fatal(err)
					}
					var one [1]byte
					if _, err := io.ReadFull(r, one[:]); err != nil {
						b.Fatal(err)
					}
					cold += time.Since(start)
					io.Copy(io.Discard, r)
				} else {
					if _, err := f.Invoke(ctx, ex.payload); err != nil {
						b.Fatal(err)
					}
					cold += time.Since(start)
				}
			}
			b.ReportMetric(float64(cold)/float64(b.N)/float64(time.Millisecond), "ms/cold-start")
		})
	}
}
