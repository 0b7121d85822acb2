package testfn

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Request is a payload the function understands.
type Request struct {
	Do     string `json:"do"`
	Msg    string `json:"msg,omitempty"`
	Type   string `json:"type,omitempty"`
	Code   int    `json:"code,omitempty"`
	MS     int    `json:"ms,omitempty"`
	Bytes  int    `json:"bytes,omitempty"`
	Lines  int    `json:"lines,omitempty"`
	Chunks int    `json:"chunks,omitempty"`
	Fail   bool   `json:"fail,omitempty"`
	Gate   string `json:"gate,omitempty"`
}

// Payload returns r as a payload.
func (r Request) Payload() []byte {
	b, _ := json.Marshal(r)
	return b
}

// Context is what the "context" request answers.
type Context struct {
	PID           int               `json:"pid"`
	RequestID     string            `json:"requestId"`
	FunctionARN   string            `json:"functionArn"`
	DeadlineMS    int64             `json:"deadlineMs"`
	TraceID       string            `json:"traceId"`
	ClientContext map[string]any    `json:"clientContext,omitempty"`
	Identity      map[string]string `json:"identity,omitempty"`
	Env           map[string]string `json:"env"`
	Cwd           string            `json:"cwd"`
}

// EnvNames are the environment variables the "context" request reports:
// those Lambda defines for a function, and one a test configures.
var EnvNames = []string{
	"AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "AWS_DEFAULT_REGION", "_HANDLER",
	"LAMBDA_TASK_ROOT", "TZ", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "_X_AMZN_TRACE_ID", "TESTFN_CONFIGURED", "HOME",
}

// Main runs the function; it does not return.
func Main() {
	switch os.Getenv("TESTFN_INIT") {
	case "exit":
		fmt.Fprintln(os.Stderr, "testfn: init failed")
		os.Exit(2)
	case "error":
		postInitError()
		os.Exit(1)
	case "hang":
		fmt.Fprintln(os.Stderr, "testfn: init hangs")
		for {
			time.Sleep(time.Hour)
		}
	}
	if os.Getenv("TESTFN_STREAM") == "1" {
		lambda.Start(stream)
		return
	}
	lambda.StartHandler(handler{})
}

// postInitError reports a failed initialisation as a runtime does: POST
// /runtime/init/error with the error type header and an error document.
func postInitError() {
	doc := `{"errorMessage":"testfn: cannot initialise","errorType":"Testfn.InitFailed"}`
	req, err := http.NewRequest(http.MethodPost, "http://"+os.Getenv("AWS_LAMBDA_RUNTIME_API")+"/2018-06-01/runtime/init/error", strings.NewReader(doc))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "Testfn.InitFailed")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testfn: posting the init error:", err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Fprintln(os.Stderr, "testfn: init error posted, status", resp.StatusCode)
}

type handler struct{}

func (h handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var r Request
	if err := json.Unmarshal(payload, &r); err != nil {
		return nil, fmt.Errorf("testfn: payload %q: %w", payload, err)
	}
	if r.Do == "" {
		return h.proxy(ctx, payload)
	}
	switch r.Do {
	case "echo":
		return payload, nil
	case "context":
		return json.Marshal(contextOf(ctx))
	case "error":
		return nil, errors.New(r.Msg)
	case "typed":
		return nil, messages.InvokeResponse_Error{Type: r.Type, Message: r.Msg}
	case "panic":
		panic(r.Msg)
	case "exit":
		fmt.Fprintln(os.Stderr, "testfn: exiting with status", r.Code)
		os.Exit(r.Code)
	case "sleep":
		time.Sleep(time.Duration(r.MS) * time.Millisecond)
		return payload, nil
	case "wait":
		waitFor(r.Gate)
		return payload, nil
	case "big":
		out := make([]byte, r.Bytes)
		for i := range out {
			out[i] = 'a'
		}
		if len(out) >= 2 {
			out[0], out[len(out)-1] = '"', '"'
		}
		return out, nil
	case "spawn":
		// A process of the function's own, as a function may start
		// one: this executable again, hanging in its init.
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "TESTFN_INIT=hang")
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]int{"pid": cmd.Process.Pid})
	case "log":
		for i := range r.Lines {
			fmt.Fprintf(os.Stdout, "stdout line %d\n", i)
			fmt.Fprintf(os.Stderr, "stderr line %d\n", i)
		}
		return payload, nil
	}
	return nil, fmt.Errorf("testfn: unknown request %q", r.Do)
}

// proxy answers an API Gateway or function URL event: the request in
// its body, the answer a proxy response whose body is the output, with
// the process id in X-Testfn-Pid.
func (h handler) proxy(ctx context.Context, payload []byte) ([]byte, error) {
	var ev struct {
		Body            string `json:"body"`
		IsBase64Encoded bool   `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(payload, &ev); err != nil || ev.Body == "" {
		return nil, fmt.Errorf("testfn: no request in %q", payload)
	}
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return nil, err
		}
	}
	var r Request
	if err := json.Unmarshal(body, &r); err != nil || r.Do == "" {
		return nil, fmt.Errorf("testfn: body %q is no request", body)
	}
	out, err := h.Invoke(ctx, body)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"statusCode": 200, "body": string(out),
		"headers": map[string]string{"X-Testfn-Pid": strconv.Itoa(os.Getpid()), "Content-Type": "application/json"}})
}

func contextOf(ctx context.Context) Context {
	c := Context{PID: os.Getpid(), Env: map[string]string{}}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		c.RequestID, c.FunctionARN = lc.AwsRequestID, lc.InvokedFunctionArn
		if len(lc.ClientContext.Custom) > 0 || lc.ClientContext.Client.AppTitle != "" {
			c.ClientContext = map[string]any{"custom": lc.ClientContext.Custom, "appTitle": lc.ClientContext.Client.AppTitle}
		}
		if lc.Identity.CognitoIdentityID != "" {
			c.Identity = map[string]string{"id": lc.Identity.CognitoIdentityID, "pool": lc.Identity.CognitoIdentityPoolID}
		}
	}
	if d, ok := ctx.Deadline(); ok {
		c.DeadlineMS = d.UnixMilli()
	}
	c.TraceID, _ = ctx.Value("x-amzn-trace-id").(string)
	for _, name := range EnvNames {
		if v, ok := os.LookupEnv(name); ok {
			c.Env[name] = v
		}
	}
	c.Cwd, _ = os.Getwd()
	return c
}

// stream is the streaming handler: aws-lambda-go posts the reader it
// returns with chunked encoding as it is read.
func stream(ctx context.Context, payload json.RawMessage) (io.Reader, error) {
	var r Request
	if err := json.Unmarshal(payload, &r); err != nil {
		return nil, err
	}
	if r.Do != "stream" {
		out, err := handler{}.Invoke(ctx, payload)
		if err != nil {
			return nil, err
		}
		return bytes.NewReader(out), nil
	}
	pr, pw := io.Pipe()
	go func() {
		for i := range r.Chunks {
			if i > 0 {
				time.Sleep(time.Duration(r.MS) * time.Millisecond)
			}
			if i == 1 {
				waitFor(r.Gate)
			}
			if _, err := fmt.Fprintf(pw, "%s %d\n", r.Msg, i); err != nil {
				return
			}
		}
		if r.Fail {
			pw.CloseWithError(errors.New("testfn: the stream failed"))
			return
		}
		pw.Close()
	}()
	return pr, nil
}

// waitFor waits until the file gate exists, for at most a minute; an
// empty gate is open.
func waitFor(gate string) {
	if gate == "" {
		return
	}
	for range 6000 {
		if _, err := os.Stat(gate); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
