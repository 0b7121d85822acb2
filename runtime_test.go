package lambdagate_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/lambdaservice"
	"github.com/lambdagate/lambdagate/response"
)

// The tests in this file run Start the way Lambda runs a function: the
// local Lambda service (package lambdaservice) starts the test binary
// again as the function process, with Lambda's environment and a Runtime
// API of its own, so aws-lambda-go's own runtime loop polls for
// invocations, calls lambdagate and posts the output. What the service
// receives is what Lambda would receive.

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
// /countdown with a stream that waits for the test between its lines,
// /pid with the process id, and anything else with a short text.
var testHandler = lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	switch req.Path {
	case "/big":
		return response.New(200, "text/plain", bytes.Repeat([]byte("x"), bigBody)), nil
	case "/cookies":
		r := response.Text(200, "two cookies")
		r.Cookies = []string{"a=1; Path=/", "b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT"}
		return r, nil
	case "/pid":
		return response.Text(200, strconv.Itoa(os.Getpid())), nil
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
	return authorizer.Allow("tester", arn.Resource("*", "GET", "*")).WithContext("via", "runtime").WithContext("pid", strconv.Itoa(os.Getpid())), nil
}

// functionProcess is a test function under the local Lambda service.
type functionProcess struct {
	fn   *lambdaservice.Function
	gate string
}

// startFunction adds the test binary as the named function to a local
// Lambda service, which stops it when the test ends.
func startFunction(t *testing.T, name string) *functionProcess {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a function process")
	}
	var logs bytes.Buffer
	var mu sync.Mutex
	svc, err := lambdaservice.New(context.Background(), lambdaservice.Config{Logs: lockedWriter{&mu, &logs}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		if t.Failed() {
			mu.Lock()
			t.Logf("function log:\n%s", logs.Bytes())
			mu.Unlock()
		}
	})
	p := &functionProcess{gate: filepath.Join(t.TempDir(), "gate")}
	p.fn, err = svc.Add(context.Background(), lambdaservice.FunctionConfig{
		Name:       name,
		Executable: os.Args[0],
		Timeout:    30 * time.Second,
		Environment: map[string]string{
			"LAMBDAGATE_TEST_FUNCTION": name,
			"LAMBDAGATE_TEST_GATE":     p.gate,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// invoke sends the event for a GET of target from src and returns the
// output, or the function error.
func (p *functionProcess) invoke(t *testing.T, src event.Source, target string) ([]byte, *handler.FunctionError) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := p.fn.Invoke(ctx, payload(t, src, "GET", target, nil))
	var fe *handler.FunctionError
	if errors.As(err, &fe) {
		return nil, fe
	}
	if err != nil {
		t.Fatalf("invoke %v %s: %v", src, target, err)
	}
	return out, nil
}

// pid returns the process id of the function process that answers now.
func (p *functionProcess) pid(t *testing.T) string {
	t.Helper()
	out, fe := p.invoke(t, event.HTTPAPI, "/pid")
	if fe != nil {
		t.Fatalf("/pid: %v", fe)
	}
	r, _ := (gateway.OutputReader{Kind: event.HTTPAPI}).Read(out, false)
	return string(r.Body)
}

// TestRuntimeOversizedResponse sends a buffered response over Lambda's
// 6 MB quota through aws-lambda-go's runtime loop: the invocation must end
// as Lambda ends it, in the function error Function.ResponseSizeTooLarge,
// and the process must go on serving.
func TestRuntimeOversizedResponse(t *testing.T) {
	p := startFunction(t, "buffered")
	pid := p.pid(t)
	for _, src := range []event.Source{event.REST, event.HTTPAPI, event.ALB, event.FunctionURL} {
		_, fe := p.invoke(t, src, "/big")
		if fe == nil || fe.Type != quota.ResponseTooLargeType || fe.Message != quota.ResponseTooLargeMessage {
			t.Errorf("%v: a 7 MB response ends in %v, want the function error %s", src, fe, quota.ResponseTooLargeType)
		}
		out, fe := p.invoke(t, src, "/next")
		if fe != nil {
			t.Fatalf("%v: the invocation after the oversized one failed: %v", src, fe)
		}
		if got, _ := (gateway.OutputReader{Kind: src}).Read(out, false); string(got.Body) != "hello /next" {
			t.Errorf("%v: the invocation after the oversized one answered %s", src, out)
		}
		if now := p.pid(t); now != pid {
			t.Fatalf("%v: the function process %s exited; %s answers now", src, pid, now)
		}
	}
}

// TestRuntimeALBCookies sends two cookies to an ALB target group without
// multi-value headers through the runtime loop: both must reach the load
// balancer, each under its own spelling of Set-Cookie.
func TestRuntimeALBCookies(t *testing.T) {
	p := startFunction(t, "buffered")
	out, fe := p.invoke(t, event.ALB, "/cookies")
	if fe != nil {
		t.Fatalf("ALB /cookies: function error %v", fe)
	}
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
	pid := p.pid(t)
	for _, src := range []event.Source{event.FunctionURL, event.REST} {
		os.Remove(p.gate)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		r, err := p.fn.InvokeStream(ctx, payload(t, src, "GET", "/countdown", nil))
		if err != nil {
			t.Fatalf("%v: %v", src, err)
		}
		if ct := r.(interface{ ContentType() string }).ContentType(); ct != handler.StreamContentType {
			t.Errorf("%v: content type %q, want %q", src, ct, handler.StreamContentType)
		}
		br := bufio.NewReader(r)
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
		rest, err := io.ReadAll(br)
		if string(rest) != "second\n" || err != nil {
			t.Errorf("%v: rest of the stream %q, %v; want %q", src, rest, err, "second\n")
		}
	}
	// A plain request through the same streaming function.
	out, fe := p.invoke(t, event.FunctionURL, "/plain")
	if _, body, _ := bytes.Cut(out, make([]byte, 8)); fe != nil || string(body) != "hello /plain" {
		t.Errorf("streaming /plain output %q, %v", out, fe)
	}
	if now := p.pid(t); now != pid {
		t.Errorf("the function process %s exited; %s answers now", pid, now)
	}
}

// TestRuntimeThroughGateway serves HTTP requests through the local API
// Gateway to functions running as processes under the local Lambda
// service, buffered and streamed: the path lambdagate serve takes.
func TestRuntimeThroughGateway(t *testing.T) {
	for _, c := range []struct {
		function string
		kind     event.Source
		mode     handler.InvokeMode
		target   string
		want     string
	}{
		{"buffered", event.HTTPAPI, handler.Buffered, "/hello", "hello /hello"},
		{"buffered", event.REST, handler.Buffered, "/prod/hello", "hello /hello"},
		{"streaming", event.FunctionURL, handler.ResponseStream, "/countdown", "first\nsecond\n"},
	} {
		t.Run(c.function+"/"+c.kind.String(), func(t *testing.T) {
			p := startFunction(t, c.function)
			os.WriteFile(p.gate, nil, 0o600)
			api := gateway.API{Kind: c.kind, Routes: gateway.CatchAll(c.kind, gateway.Proxy{Function: p.fn, InvokeMode: c.mode})}
			if c.kind == event.REST {
				api.Stages = []gateway.Stage{{Name: "prod"}}
			}
			gw, err := gateway.New(api)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(gw)
			defer srv.Close()
			resp, err := srv.Client().Get(srv.URL + c.target)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != c.want {
				t.Errorf("GET %s: %d %q, want 200 %q", c.target, resp.StatusCode, body, c.want)
			}
		})
	}
}

// TestRuntimeAuthorizer runs a Lambda authorizer through Start and
// aws-lambda-go's runtime loop: a TOKEN and a REQUEST event in, a policy
// out, and a refusal that ends in the function error whose message API
// Gateway turns into 401.
func TestRuntimeAuthorizer(t *testing.T) {
	p := startFunction(t, "authorizer")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	request, err := event.Builder{}.BuildAuthorizer(event.RequestAuthorizer, "GET", "/pets/7", http.Header{"Authorization": {"allow"}})
	if err != nil {
		t.Fatal(err)
	}
	// allow invokes an allowed event and returns the process id that
	// answered it.
	allow := func(ev *event.AuthorizerRequest) string {
		t.Helper()
		in, _ := ev.MarshalJSON()
		out, err := p.fn.Invoke(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", ev.Type, err)
		}
		r, err := authorizer.ReadOutput(out, authorizer.RESTFormat)
		if err != nil || r.PrincipalID != "tester" || r.StringContext()["via"] != "runtime" ||
			r.Policy.Evaluate(authorizer.InvokeAction, ev.ARN(), &authorizer.Env{}, false) != authorizer.Allowed {
			t.Errorf("%s: output %s: %v", ev.Type, out, err)
		}
		return r.StringContext()["pid"]
	}
	pid := allow(event.NewAuthorizer("allow", "GET", "/pets/7"))
	allow(request)
	in, _ := event.NewAuthorizer("guess", "GET", "/pets/7").MarshalJSON()
	_, err = p.fn.Invoke(ctx, in)
	var fe *handler.FunctionError
	if !errors.As(err, &fe) || fe.Message != "Unauthorized" {
		t.Errorf("refusal: %v, want the function error \"Unauthorized\"", err)
	}
	if now := allow(request); now != pid {
		t.Errorf("the function process %s exited after the refusal; %s answers now", pid, now)
	}

	// The same process as a REST API's TOKEN authorizer: its
	// "Unauthorized" function error is the gateway's 401.
	echo := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		via, _ := req.Authorizer.Lambda()["via"].(string)
		return response.Text(200, via), nil
	})
	gw := gateway.MustNew(gateway.API{
		Kind:        event.REST,
		Authorizers: map[string]gateway.Authorizer{"token": gateway.LambdaAuthorizer{Function: p.fn, NoCache: true}},
		Routes:      []gateway.Route{{Key: "GET /pets/{id}", Integration: gateway.Proxy{Function: handler.NewAdapter(echo)}, Authorizer: "token"}},
	})
	for _, c := range []struct {
		token, want string
		status      int
	}{
		{"allow", "runtime", 200},
		{"guess", `{"message":"Unauthorized"}`, 401},
	} {
		hr := httptest.NewRequest("GET", "/prod/pets/7", nil)
		hr.Header.Set("Authorization", c.token)
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, hr)
		if w.Code != c.status || w.Body.String() != c.want {
			t.Errorf("token %q: %d %s, want %d %s", c.token, w.Code, w.Body, c.status, c.want)
		}
	}
}

func payload(t testing.TB, src event.Source, method, target string, body []byte) []byte {
	t.Helper()
	b, err := event.New(src, method, target, body).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
