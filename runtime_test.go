package lambdagate_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/internal/runtimeapi"
	"github.com/lambdagate/lambdagate/response"
)

// The tests in this file run Start the way Lambda runs a function: the
// test binary starts itself again as the function process, with
// AWS_LAMBDA_RUNTIME_API pointing at a local Runtime API, so aws-lambda-go's
// own runtime loop polls for invocations, calls lambdagate and posts the
// output. What the Runtime API receives is what Lambda would receive.

// TestMain turns the test binary into a function process when
// LAMBDAGATE_TEST_FUNCTION names one of testFunctions.
func TestMain(m *testing.M) {
	if name := os.Getenv("LAMBDAGATE_TEST_FUNCTION"); name != "" {
		testFunctions[name]()
		os.Exit(3) // Start returned, which it never does in Lambda
	}
	os.Exit(m.Run())
}

// bigBody is over Lambda's 6 MB quota for a buffered response.
const bigBody = 7 << 20

// testHandler answers /big with a 7 MB body, /cookies with two cookies,
// /countdown with a stream that waits for the test between its lines, and
// anything else with a short text.
var testHandler = lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	switch req.Path {
	case "/big":
		return response.New(200, "text/plain", bytes.Repeat([]byte("x"), bigBody)), nil
	case "/cookies":
		r := response.Text(200, "two cookies")
		r.Cookies = []string{"a=1; Path=/", "b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT"}
		return r, nil
	case "/countdown":
		pr, pw := io.Pipe()
		go func() {
			pw.Write([]byte("first\n"))
			// The test creates the gate file once it has read the first
			// line, which proves the line left before the stream ended.
			gate := os.Getenv("LAMBDAGATE_TEST_GATE")
			for i := 0; i < 500; i++ {
				if _, err := os.Stat(gate); err == nil {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			pw.Write([]byte("second\n"))
			pw.Close()
		}()
		return response.Stream(200, "text/plain", pr), nil
	}
	return response.Text(200, "hello "+req.Path), nil
})

var testFunctions = map[string]func(){
	"buffered":   func() { lambdagate.Start(testHandler) },
	"streaming":  func() { lambdagate.Function{Handler: testHandler, InvokeMode: lambdagate.ResponseStream}.Start() },
	"authorizer": func() { lambdagate.Function{Invoker: authorizer.Func(testAuthorizer)}.Start() },
}

// testAuthorizer lets the token "allow" call GET on every path of the
// API, and refuses others with 401.
func testAuthorizer(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
	if req.AuthorizationToken != "allow" && (req.Request == nil || req.Request.Header.Get("Authorization") != "allow") {
		return nil, authorizer.ErrUnauthorized
	}
	arn, err := event.ParseARN(req.ARN())
	if err != nil {
		return nil, err
	}
	return authorizer.Allow("tester", arn.Resource("*", "GET", "*")).WithContext("via", "runtime"), nil
}

// functionProcess is a function running under a local Runtime API.
type functionProcess struct {
	api    *runtimeapi.Server
	cmd    *exec.Cmd
	exited chan struct{}
	gate   string
}

// startFunction starts the test binary as the named function process.
func startFunction(t *testing.T, name string) *functionProcess {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a function process")
	}
	api := runtimeapi.NewServer()
	api.FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:" + name
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	p := &functionProcess{api: api, exited: make(chan struct{}), gate: filepath.Join(t.TempDir(), "gate")}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = append(os.Environ(),
		"LAMBDAGATE_TEST_FUNCTION="+name,
		"LAMBDAGATE_TEST_GATE="+p.gate,
		"AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(srv.URL, "http://"),
		"AWS_LAMBDA_FUNCTION_NAME="+name,
	)
	var stderr bytes.Buffer
	p.cmd.Stdout, p.cmd.Stderr = &stderr, &stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("function process output:\n%s", stderr.Bytes())
		}
	})
	return p
}

// invoke sends the event for method and target from src and returns how
// the invocation ended.
func (p *functionProcess) invoke(t *testing.T, src event.Source, target string) runtimeapi.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	go func() {
		select {
		case <-p.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	res, err := p.api.Invoke(ctx, payload(t, src, "GET", target, nil))
	if err != nil {
		select {
		case <-p.exited:
			t.Fatalf("invoke %v %s: the function process exited: %v", src, target, p.cmd.ProcessState)
		default:
		}
		t.Fatalf("invoke %v %s: %v", src, target, err)
	}
	return res
}

// alive fails the test if the function process has exited.
func (p *functionProcess) alive(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
		t.Fatalf("the function process exited: %v", p.cmd.ProcessState)
	default:
	}
}

func readAll(t *testing.T, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRuntimeOversizedResponse sends a buffered response over Lambda's
// 6 MB quota through aws-lambda-go's runtime loop: the invocation must end
// as Lambda ends it, in the function error Function.ResponseSizeTooLarge,
// and the process must go on serving.
func TestRuntimeOversizedResponse(t *testing.T) {
	p := startFunction(t, "buffered")
	for _, src := range []event.Source{event.REST, event.HTTPAPI, event.ALB, event.FunctionURL} {
		res := p.invoke(t, src, "/big")
		if res.Error == nil || res.Error.Type != quota.ResponseTooLargeType || res.Error.Message != quota.ResponseTooLargeMessage {
			t.Errorf("%v: a 7 MB response ends in %+v, want the function error %s", src, res.Error, quota.ResponseTooLargeType)
		}
		if res.Body != nil {
			res.Body.Close()
		}
		res = p.invoke(t, src, "/next")
		if res.Error != nil {
			t.Fatalf("%v: the invocation after the oversized one failed: %v", src, res.Error)
		}
		out := readAll(t, res.Body)
		if got, _ := (gateway.OutputReader{Kind: src}).Read(out, false); string(got.Body) != "hello /next" {
			t.Errorf("%v: the invocation after the oversized one answered %s", src, out)
		}
		p.alive(t)
	}
}

// TestRuntimeALBCookies sends two cookies to an ALB target group without
// multi-value headers through the runtime loop: both must reach the load
// balancer, each under its own spelling of Set-Cookie.
func TestRuntimeALBCookies(t *testing.T) {
	p := startFunction(t, "buffered")
	res := p.invoke(t, event.ALB, "/cookies")
	if res.Error != nil {
		t.Fatalf("ALB /cookies: function error %v", res.Error)
	}
	out := readAll(t, res.Body)
	var doc struct {
		StatusCode int               `json:"statusCode"`
		Headers    map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("output %s: %v", out, err)
	}
	var cookies []string
	for k, v := range doc.Headers {
		if strings.EqualFold(k, "set-cookie") {
			cookies = append(cookies, v)
		}
	}
	if doc.StatusCode != 200 || len(cookies) != 2 {
		t.Errorf("ALB /cookies output %s: want status 200 and two Set-Cookie spellings", out)
	}
}

// TestRuntimeStreaming runs a streaming function through the runtime
// loop: the output must be the streamed HTTP response (prelude, eight NUL
// bytes, body) with its content type, and the first line must arrive
// before the handler writes the second.
func TestRuntimeStreaming(t *testing.T) {
	p := startFunction(t, "streaming")
	for _, src := range []event.Source{event.FunctionURL, event.REST} {
		os.Remove(p.gate)
		res := p.invoke(t, src, "/countdown")
		if res.Error != nil {
			t.Fatalf("%v: function error %v", src, res.Error)
		}
		if res.ContentType != handler.StreamContentType {
			t.Errorf("%v: content type %q, want %q", src, res.ContentType, handler.StreamContentType)
		}
		br := bufio.NewReader(res.Body)
		prelude, err := br.ReadBytes(0)
		if err != nil {
			t.Fatalf("%v: output without a prelude: %q, %v", src, prelude, err)
		}
		var pre struct{ StatusCode int }
		if err := json.Unmarshal(prelude[:len(prelude)-1], &pre); err != nil || pre.StatusCode != 200 {
			t.Fatalf("%v: prelude %q: %v", src, prelude, err)
		}
		if nul, _ := br.Peek(7); !bytes.Equal(nul, make([]byte, 7)) {
			t.Fatalf("%v: prelude not followed by eight NUL bytes: %q", src, nul)
		}
		br.Discard(7)
		first, err := br.ReadString('\n')
		if first != "first\n" || err != nil {
			t.Fatalf("%v: first line %q, %v", src, first, err)
		}
		// The handler is now waiting for the gate: the first line was
		// streamed, not buffered to the end.
		if err := os.WriteFile(p.gate, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(br)
		res.Body.Close()
		if string(rest) != "second\n" {
			t.Errorf("%v: rest of the stream %q, want %q", src, rest, "second\n")
		}
		p.alive(t)
	}
	// A plain request through the same streaming function.
	res := p.invoke(t, event.FunctionURL, "/plain")
	out := readAll(t, res.Body)
	if _, body, _ := bytes.Cut(out, make([]byte, 8)); string(body) != "hello /plain" {
		t.Errorf("streaming /plain output %q", out)
	}
}

// TestRuntimeAuthorizer runs a Lambda authorizer through Start and
// aws-lambda-go's runtime loop: a TOKEN and a REQUEST event in, a policy
// out, and a refusal that ends in the function error whose message API
// Gateway turns into 401.
func TestRuntimeAuthorizer(t *testing.T) {
	p := startFunction(t, "authorizer")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	request, err := event.Builder{}.BuildAuthorizer(event.RequestAuthorizer, "GET", "/pets/7", http.Header{"Authorization": {"allow"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []*event.AuthorizerRequest{event.NewAuthorizer("allow", "GET", "/pets/7"), request} {
		in, _ := ev.MarshalJSON()
		res, err := p.api.Invoke(ctx, in)
		if err != nil || res.Error != nil {
			t.Fatalf("%s: %v %+v", ev.Type, err, res.Error)
		}
		out := readAll(t, res.Body)
		r, err := authorizer.ReadOutput(out, authorizer.RESTFormat)
		if err != nil || r.PrincipalID != "tester" || r.StringContext()["via"] != "runtime" ||
			r.Policy.Evaluate(authorizer.InvokeAction, ev.ARN(), &authorizer.Env{}, false) != authorizer.Allowed {
			t.Errorf("%s: output %s: %v", ev.Type, out, err)
		}
	}
	in, _ := event.NewAuthorizer("guess", "GET", "/pets/7").MarshalJSON()
	res, err := p.api.Invoke(ctx, in)
	if err != nil || res.Error == nil || res.Error.Message != "Unauthorized" {
		t.Errorf("refusal: %v %+v, want the function error \"Unauthorized\"", err, res.Error)
	}
	p.alive(t)
}

func payload(t testing.TB, src event.Source, method, target string, body []byte) []byte {
	t.Helper()
	b, err := event.New(src, method, target, body).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
