//go:build linux

package lambdaservice

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
	"github.com/lambdagate/lambdagate/internal/proctest"
	local "github.com/lambdagate/lambdagate/lambdaservice"
)

const (
	// accountID is the account in the emulator's function ARNs; the
	// service is configured with it so the ARNs compare equal.
	accountID = "012345678912"
	// invokeWait bounds one invocation.
	invokeWait = 60 * time.Second
)

func TestMain(m *testing.M) { runtimetest.Main(m, "lambdaservice-e2e") }

// bootstrap returns the test function built as a Linux bootstrap for
// this machine's architecture, from the checkout holding this module.
func bootstrap(t testing.TB) string {
	t.Helper()
	runtimetest.BuildEmulator(t) // skips first when the emulator cannot run here
	path, out, err := runtimetest.Built("task/bootstrap", func(path string) ([]byte, error) {
		return runtimetest.BuildBootstrap("../..", []string{"GOWORK=off"}, path, "./internal/testfn/bootstrap")
	})
	if err != nil {
		t.Fatalf("building the test function: %v\n%s", err, out)
	}
	return path
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
		t.Fatalf("%s: invoking %s: %v\nlog:\n%s", tg.name, payload, err, runtimetest.Tail(tg.log(), 30))
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
	var env []string
	for k, v := range sc.env {
		env = append(env, k+"="+v)
	}
	emu := runtimetest.StartEmulator(t, runtimetest.EmulatorConfig{
		Name:      "difftest",
		Timeout:   sc.timeout,
		Env:       env,
		Bootstrap: bootstrap(t),
	})
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	t.Cleanup(client.CloseIdleConnections)
	return &target{
		name:      "emulator",
		url:       emu.URL,
		client:    client,
		requestID: func(sent string, _ *http.Response) string { return sent },
		log:       emu.Log.String,
	}
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

// children lists this process's running children.
func children() []int { return proctest.Children(os.Getpid()) }
