//go:build linux

package lambdaservice

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/internal/testfn"
	"github.com/lambdagate/lambdagate/internal/trace"
)

// An outcome is an answer read in Lambda's terms.
type outcome struct {
	kind    string // "output", "error", "timeout", or "empty" (502 without a body)
	output  []byte
	doc     []byte // the error document
	typ     string
	message string // with the request id replaced by ID
}

func (o outcome) String() string {
	switch o.kind {
	case "output":
		return "output " + runtimetest.Abbrev(o.output)
	case "empty":
		return "502 without a body"
	}
	return fmt.Sprintf("%s %s %q", o.kind, o.typ, o.message)
}

// errorDoc reads an error document; ok is false for anything else.
func errorDoc(b []byte) (typ, msg string, ok bool) {
	var d map[string]any
	if json.Unmarshal(b, &d) != nil {
		return "", "", false
	}
	t, _ := d["errorType"].(string)
	m, _ := d["errorMessage"].(string)
	_, isRequest := d["do"] // the test function's payloads are never errors
	return t, m, t != "" && !isRequest
}

// readEmulator reads the emulator's answer. Its Invoke API marks no
// function error (no X-Amz-Function-Error) and answers some with 502, so
// an error document is read as the error; the test function's outputs are
// never error documents.
func readEmulator(a answer) outcome {
	if text, ok := strings.CutPrefix(string(a.body), "Task timed out after "); ok && a.status == 200 {
		return outcome{kind: "timeout", message: "Task timed out after " + text}
	}
	if a.status == 502 && len(a.body) == 0 {
		return outcome{kind: "empty"}
	}
	if typ, msg, ok := errorDoc(a.body); ok {
		return outcome{kind: "error", doc: a.body, typ: typ, message: strings.ReplaceAll(msg, a.id, "ID")}
	}
	return outcome{kind: "output", output: a.body}
}

// readService reads the service's answer, as Lambda's Invoke API gives it.
func readService(t testing.TB, a answer) outcome {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("service: status %d %s", a.status, a.body)
	}
	if a.header.Get("X-Amz-Function-Error") == "" {
		return outcome{kind: "output", output: a.body}
	}
	typ, msg, ok := errorDoc(a.body)
	if !ok {
		t.Fatalf("service: function error without an error document: %s", a.body)
	}
	o := outcome{kind: "error", doc: a.body, typ: typ, message: strings.ReplaceAll(msg, a.id, "ID")}
	if typ == "Sandbox.Timedout" {
		o.kind, o.message = "timeout", strings.TrimPrefix(o.message, "RequestId: ID Error: ")
	}
	return o
}

// A step is one invocation sent to both.
type step struct {
	name   string
	req    testfn.Request
	header map[string]string
	// kind is the outcome both must have.
	kind string
	// same says how much must be equal: "bytes" (outputs, or error
	// documents the runtime posted), "message" (type and message of an
	// error either makes itself), or a documented difference checked by
	// its own function.
	same string
	// check checks a documented difference instead.
	check func(t *testing.T, emu, svc outcome)
	// restarts is whether the next invocation must run in a new process.
	restarts bool
}

var contextHeaders = map[string]string{
	"X-Amzn-Trace-Id":        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
	"X-Amz-Client-Context":   base64.StdEncoding.EncodeToString([]byte(`{"custom":{"tenant":"blue"},"client":{"app_title":"shop"}}`)),
	"X-Amz-Cognito-Identity": `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`,
}

// TestDifferential runs each scenario under the emulator and the service.
func TestDifferential(t *testing.T) {
	t.Cleanup(func() {
		if kids := children(); len(kids) > 0 {
			t.Errorf("processes left after the test: %v", kids)
		}
	})
	big := quota.LambdaResponse
	scenarios := []struct {
		scenario
		steps []step
		pids  bool // the function answers "context", so process changes are compared
	}{
		{scenario{name: "buffered", timeout: 30}, []step{
			{name: "echo", req: testfn.Request{Do: "echo", Msg: "héllo \u2028"}, kind: "output", same: "bytes"},
			{name: "context", req: testfn.Request{Do: "context"}, header: contextHeaders, kind: "output", check: sameContext},
			{name: "error", req: testfn.Request{Do: "error", Msg: "db down"}, kind: "error", same: "bytes"},
			{name: "typed error", req: testfn.Request{Do: "typed", Type: "Custom.Failure", Msg: "no"}, kind: "error", same: "bytes"},
			{name: "logs", req: testfn.Request{Do: "log", Lines: 20}, kind: "output", same: "bytes"},
			{name: "output at the quota", req: testfn.Request{Do: "big", Bytes: big}, kind: "output", same: "bytes"},
			{name: "output over the quota", req: testfn.Request{Do: "big", Bytes: big + 1}, kind: "error", same: "message", restarts: true},
			{name: "panic", req: testfn.Request{Do: "panic", Msg: "nil map"}, kind: "error", same: "bytes", restarts: true},
			{name: "exit 3", req: testfn.Request{Do: "exit", Code: 3}, kind: "error", same: "message", restarts: true},
			{name: "exit 0", req: testfn.Request{Do: "exit", Code: 0}, kind: "error", same: "message", restarts: true},
			{name: "echo after", req: testfn.Request{Do: "echo"}, kind: "output", same: "bytes"},
		}, true},
		{scenario{name: "timeout", timeout: 1}, []step{
			{name: "sleeps past the timeout", req: testfn.Request{Do: "sleep", MS: 5000}, kind: "timeout", same: "message", restarts: true},
			{name: "echo after", req: testfn.Request{Do: "echo"}, kind: "output", same: "bytes"},
		}, true},
		{scenario{name: "stream", timeout: 30, env: map[string]string{"TESTFN_STREAM": "1"}}, []step{
			{name: "stream", req: testfn.Request{Do: "stream", Msg: "chunk", Chunks: 5, MS: 20}, kind: "output", same: "bytes"},
			{name: "stream failing midway", req: testfn.Request{Do: "stream", Msg: "chunk", Chunks: 2, Fail: true}, check: trailerDifference},
			{name: "echo after", req: testfn.Request{Do: "echo"}, kind: "output", same: "bytes"},
		}, true},
		{scenario{name: "init exits", timeout: 30, env: map[string]string{"TESTFN_INIT": "exit"}}, []step{
			{name: "first", req: testfn.Request{Do: "echo"}, check: initExitDifference},
			{name: "second", req: testfn.Request{Do: "echo"}, check: initExitDifference},
		}, false},
		{scenario{name: "init error", timeout: 30, env: map[string]string{"TESTFN_INIT": "error"}}, []step{
			{name: "first", req: testfn.Request{Do: "echo"}, kind: "error", same: "bytes"},
			{name: "second", req: testfn.Request{Do: "echo"}, kind: "error", same: "bytes"},
		}, false},
		{scenario{name: "init hangs", timeout: 2, env: map[string]string{"TESTFN_INIT": "hang"}}, []step{
			{name: "first", req: testfn.Request{Do: "echo"}, kind: "timeout", same: "message"},
		}, false},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			emu := startEmulator(t, sc.scenario)
			svc, _ := startService(t, sc.scenario)
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("emulator log:\n%s\nservice log:\n%s", runtimetest.Tail(emu.log(), 60), runtimetest.Tail(svc.log(), 60))
				}
			})
			var pidEmu, pidSvc int
			if sc.pids {
				pidEmu, pidSvc = pidOf(t, emu, "pid-0"), pidOf(t, svc, "pid-0")
			}
			for i, st := range sc.steps {
				id := fmt.Sprintf("%s-%d", strings.ReplaceAll(sc.name, " ", "-"), i)
				e := readEmulator(emu.invoke(t, id, st.req.Payload(), st.header))
				s := readService(t, svc.invoke(t, id, st.req.Payload(), st.header))
				switch {
				case st.check != nil:
					st.check(t, e, s)
				case e.kind != st.kind || s.kind != st.kind:
					t.Errorf("%s: emulator %v, service %v; want both %s", st.name, e, s, st.kind)
				case st.same == "bytes" && !bytes.Equal(e.output, s.output):
					t.Errorf("%s: outputs differ:\nemulator %s\nservice  %s", st.name, runtimetest.Abbrev(e.output), runtimetest.Abbrev(s.output))
				case st.same == "bytes" && !bytes.Equal(e.doc, s.doc):
					t.Errorf("%s: error documents differ:\nemulator %s\nservice  %s", st.name, runtimetest.Abbrev(e.doc), runtimetest.Abbrev(s.doc))
				case st.kind == "timeout" && (e.message != s.message || s.typ != "Sandbox.Timedout"):
					// The emulator's timeout is plain text, without a type
					// (docs/evidence/runtime.md#local-lambda-errors).
					t.Errorf("%s: timeouts differ:\nemulator %v\nservice  %v", st.name, e, s)
				case st.same == "message" && st.kind != "timeout" && (e.typ != s.typ || e.message != s.message):
					t.Errorf("%s: errors differ:\nemulator %v\nservice  %v", st.name, e, s)
				}
				if !sc.pids {
					continue
				}
				pe, ps := pidOf(t, emu, id+"-pid"), pidOf(t, svc, id+"-pid")
				if re, rs := pe != pidEmu, ps != pidSvc; re != st.restarts || rs != st.restarts {
					t.Errorf("%s: the next invocation ran in a new process: emulator %v, service %v; want %v", st.name, re, rs, st.restarts)
				}
				pidEmu, pidSvc = pe, ps
			}
		})
	}
}

// pidOf returns the process that answers tg now.
func pidOf(t *testing.T, tg *target, id string) int {
	t.Helper()
	a := tg.invoke(t, id, testfn.Request{Do: "context"}.Payload(), nil)
	var c testfn.Context
	if err := json.Unmarshal(a.body, &c); err != nil || c.PID == 0 {
		t.Fatalf("%s: context: %d %s", tg.name, a.status, a.body)
	}
	return c.PID
}

// sameContext compares what the function saw of the invocation: a
// request id, the function ARN, client context and identity, and the
// function's name and version. The trace header is a documented
// difference (docs/evidence/runtime.md#local-runtime-api): the emulator
// passes none, the service the one the invoke carried.
func sameContext(t *testing.T, emu, svc outcome) {
	t.Helper()
	type seen struct {
		RequestIsID   bool
		ARN           string
		ClientContext map[string]any
		Identity      map[string]string
		Name, Version string
	}
	read := func(o outcome) (seen, string) {
		var c testfn.Context
		if err := json.Unmarshal(o.output, &c); err != nil {
			t.Fatalf("context output %s: %v", o.output, err)
		}
		return seen{c.RequestID != "", c.FunctionARN, c.ClientContext, c.Identity,
			c.Env["AWS_LAMBDA_FUNCTION_NAME"], c.Env["AWS_LAMBDA_FUNCTION_VERSION"]}, c.TraceID
	}
	e, traceEmu := read(emu)
	s, traceSvc := read(svc)
	if !reflect.DeepEqual(e, s) {
		t.Errorf("the function saw different invocations:\nemulator %+v\nservice  %+v", e, s)
	}
	sent, _ := trace.Parse(contextHeaders["X-Amzn-Trace-Id"])
	got, err := trace.Parse(traceSvc)
	sentParent, _ := sent.Get("Parent")
	gotParent, _ := got.Get("Parent")
	if traceEmu != "" || err != nil || got.Root() != sent.Root() || got.Sampled() != sent.Sampled() || len(gotParent) != 16 || gotParent == sentParent {
		t.Errorf("trace headers: emulator %q, service %q; want none, and the invoke's Root and Sampled with Lambda's own Parent", traceEmu, traceSvc)
	}
}

// trailerDifference checks the documented difference for a stream that
// fails midway (docs/evidence/runtime.md#local-runtime-api): the emulator
// returns what was streamed and ignores the error trailers; the service
// reports the function error the trailers carry.
func trailerDifference(t *testing.T, emu, svc outcome) {
	t.Helper()
	if emu.kind != "output" || string(emu.output) != "chunk 0\nchunk 1\n" {
		t.Errorf("emulator: %v, want the streamed chunks", emu)
	}
	if svc.kind != "error" || svc.typ != "errorString" || svc.message != "testfn: the stream failed" {
		t.Errorf("service: %v, want the trailer's function error", svc)
	}
}

// initExitDifference checks the documented difference for a runtime that
// exits during its initialisation (docs/evidence/runtime.md#local-lambda-errors):
// the emulator answers 502 without a body, the service Lambda's
// Runtime.ExitError document.
func initExitDifference(t *testing.T, emu, svc outcome) {
	t.Helper()
	if emu.kind != "empty" {
		t.Errorf("emulator: %v, want a 502 without a body", emu)
	}
	if svc.kind != "error" || svc.typ != "Runtime.ExitError" || svc.message != "RequestId: ID Error: Runtime exited with error: exit status 2" {
		t.Errorf("service: %v, want Runtime.ExitError with the exit status", svc)
	}
}
