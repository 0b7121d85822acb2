package lambdaservice

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/internal/testfn"
)

// post sends an Invoke API request to srv.
func post(t *testing.T, srv *httptest.Server, path string, header map[string]string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestInvokeAPI checks the Invoke API's answers, case by case.
func TestInvokeAPI(t *testing.T) {
	s, logs := newService(t, Config{})
	f := addTestFn(t, s, "api", nil, nil)
	srv := httptest.NewServer(s)
	defer srv.Close()
	const path = "/2015-03-31/functions/api/invocations"
	echo := testfn.Request{Do: "echo"}.Payload()

	for _, c := range []struct {
		name     string
		path     string
		header   map[string]string
		body     []byte
		status   int
		body2    string // the body wanted; "" for the payload back
		errType  string // X-Amzn-ErrorType
		fnErr    string // X-Amz-Function-Error
		contains string
	}{
		{name: "RequestResponse", path: path, body: echo, status: 200},
		{name: "explicit type", path: path, header: map[string]string{"X-Amz-Invocation-Type": "RequestResponse"}, body: echo, status: 200},
		{name: "ARN", path: "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:api/invocations", body: echo, status: 200},
		{name: "partial ARN", path: "/2015-03-31/functions/123456789012:function:api:$LATEST/invocations", body: echo, status: 200},
		{name: "$LATEST", path: path + "?Qualifier=$LATEST", body: echo, status: 200},
		{name: "function error", path: path, body: testfn.Request{Do: "error", Msg: "boom"}.Payload(), status: 200,
			body2: `{"errorMessage":"boom","errorType":"errorString"}`, fnErr: "Unhandled"},
		{name: "unknown function", path: "/2015-03-31/functions/nope/invocations", body: echo, status: 404,
			body2: `{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"}`, errType: "ResourceNotFoundException"},
		{name: "other account", path: "/2015-03-31/functions/arn:aws:lambda:us-east-1:999999999999:function:api/invocations", body: echo, status: 404, errType: "ResourceNotFoundException"},
		{name: "other version", path: path + "?Qualifier=3", body: echo, status: 404, errType: "ResourceNotFoundException",
			contains: "function:api:3"},
		{name: "not JSON", path: path, body: []byte("hello"), status: 400, errType: "InvalidRequestContentException"},
		{name: "too large", path: path, body: make([]byte, quota.LambdaRequest+1), status: 413, errType: "RequestEntityTooLargeException",
			body2: `{"Type":"User","message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}`},
		{name: "async too large", path: path, header: map[string]string{"X-Amz-Invocation-Type": "Event"}, body: append(append([]byte(`"`), bytes.Repeat([]byte("a"), quota.LambdaAsyncRequest)...), '"'),
			status: 413, errType: "RequestEntityTooLargeException", contains: "InvokeAsync"},
		{name: "bad invocation type", path: path, header: map[string]string{"X-Amz-Invocation-Type": "Later"}, body: echo, status: 400, errType: "InvalidParameterValueException"},
		{name: "bad client context", path: path, header: map[string]string{"X-Amz-Client-Context": "%%%"}, body: echo, status: 400, errType: "InvalidRequestContentException"},
		{name: "DryRun", path: path, header: map[string]string{"X-Amz-Invocation-Type": "DryRun"}, body: echo, status: 204, body2: "-"},
		{name: "unknown path", path: "/2015-03-31/functions", body: echo, status: 404, errType: "UnknownOperationException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := post(t, srv, c.path, c.header, c.body)
			want := c.body2
			switch want {
			case "":
				want = string(c.body)
			case "-":
				want = ""
			}
			if resp.StatusCode != c.status || (c.contains == "" && c.errType == "" || c.body2 != "") && string(body) != want {
				t.Errorf("status %d, body %.200s; want %d, %.200s", resp.StatusCode, body, c.status, want)
			}
			if !strings.Contains(string(body), c.contains) {
				t.Errorf("body %s, want it to contain %q", body, c.contains)
			}
			if got := resp.Header.Get("X-Amzn-ErrorType"); got != c.errType {
				t.Errorf("X-Amzn-ErrorType %q, want %q", got, c.errType)
			}
			if got := resp.Header.Get("X-Amz-Function-Error"); got != c.fnErr {
				t.Errorf("X-Amz-Function-Error %q, want %q", got, c.fnErr)
			}
			if c.status == 200 && (resp.Header.Get("X-Amz-Executed-Version") != "$LATEST" || resp.Header.Get("X-Amzn-RequestId") == "") {
				t.Errorf("headers %v, want the executed version and the request id", resp.Header)
			}
		})
	}
	if n := f.Instances(); n != 1 {
		t.Errorf("Instances() = %d, want the one warm instance", n)
	}

	t.Run("Event", func(t *testing.T) {
		resp, body := post(t, srv, path, map[string]string{"X-Amz-Invocation-Type": "Event"}, testfn.Request{Do: "log", Lines: 1}.Payload())
		id := resp.Header.Get("X-Amzn-RequestId")
		if resp.StatusCode != 202 || len(body) != 0 || id == "" {
			t.Fatalf("Event invoke: %d %q, request id %q; want 202, no body", resp.StatusCode, body, id)
		}
		waitUntil(t, "the asynchronous invocation ran", func() bool {
			return strings.Contains(logs.String(), "api "+id+" stdout line 0\n")
		})
	})

	t.Run("Tail", func(t *testing.T) {
		resp, _ := post(t, srv, path, map[string]string{"X-Amz-Log-Type": "Tail"}, testfn.Request{Do: "log", Lines: 2}.Payload())
		tail, err := base64.StdEncoding.DecodeString(resp.Header.Get("X-Amz-Log-Result"))
		id := resp.Header.Get("X-Amzn-RequestId")
		if err != nil || !strings.Contains(string(tail), "START RequestId: "+id) || !strings.Contains(string(tail), "stderr line 1\n") {
			t.Errorf("X-Amz-Log-Result %q (%v), want the invocation's log", tail, err)
		}
	})

	t.Run("context", func(t *testing.T) {
		cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"tenant":"blue"},"client":{"app_title":"shop"}}`))
		resp, body := post(t, srv, path, map[string]string{
			"X-Amz-Client-Context":   cc,
			"X-Amz-Cognito-Identity": `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`,
			"X-Amzn-Trace-Id":        "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
		}, testfn.Request{Do: "context"}.Payload())
		var c testfn.Context
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatalf("%d %s: %v", resp.StatusCode, body, err)
		}
		if fmt.Sprint(c.ClientContext) != "map[appTitle:shop custom:map[tenant:blue]]" {
			t.Errorf("client context %v", c.ClientContext)
		}
		if c.Identity["id"] != "id-1" || c.Identity["pool"] != "pool-1" {
			t.Errorf("identity %v", c.Identity)
		}
		// Lambda keeps the caller's Root and decision and adds the
		// function's segment as Parent.
		if !strings.HasPrefix(c.TraceID, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=") || !strings.HasSuffix(c.TraceID, ";Sampled=1") ||
			c.RequestID != resp.Header.Get("X-Amzn-RequestId") {
			t.Errorf("trace id %q, request id %q (header %q)", c.TraceID, c.RequestID, resp.Header.Get("X-Amzn-RequestId"))
		}
	})

	t.Run("gateway.Remote", func(t *testing.T) {
		r := &gateway.Remote{Endpoint: srv.URL, Name: "api", Client: srv.Client()}
		if out, err := r.Invoke(context.Background(), echo); err != nil || string(out) != string(echo) {
			t.Errorf("Remote.Invoke = %s, %v", out, err)
		}
		_, err := r.Invoke(context.Background(), testfn.Request{Do: "error", Msg: "x"}.Payload())
		var fe *handler.FunctionError
		if !errors.As(err, &fe) || fe.Message != "x" || fe.Type == "" {
			t.Errorf("Remote.Invoke of a failing function: %v", err)
		}
		if err := r.InvokeAsync(context.Background(), echo); err != nil {
			t.Errorf("Remote.InvokeAsync: %v", err)
		}
		missing := &gateway.Remote{Endpoint: srv.URL, Name: "nothing", Client: srv.Client()}
		_, err = missing.Invoke(context.Background(), echo)
		var ie *handler.InvokeError
		if !errors.As(err, &ie) || ie.Status != http.StatusNotFound || ie.Code != "ResourceNotFoundException" || !strings.Contains(ie.Message, "nothing") {
			t.Errorf("Remote.Invoke of an unknown function: %v, want the service's ResourceNotFoundException", err)
		}
	})
}

// TestInvokeWithResponseStream checks the response streaming Invoke API:
// PayloadChunk events as the function writes, then InvokeComplete.
func TestInvokeWithResponseStream(t *testing.T) {
	s, _ := newService(t, Config{})
	addTestFn(t, s, "streamer", map[string]string{"TESTFN_STREAM": "1"}, nil)
	srv := httptest.NewServer(s)
	defer srv.Close()
	const path = "/2021-11-15/functions/streamer/response-streaming-invocations"
	for _, c := range []struct {
		req       testfn.Request
		data      string
		errorCode string
	}{
		{testfn.Request{Do: "stream", Msg: "m", Chunks: 3}, "m 0\nm 1\nm 2\n", ""},
		{testfn.Request{Do: "stream", Msg: "m", Chunks: 2, Fail: true}, "m 0\nm 1\n", "errorString"},
		{testfn.Request{Do: "error", Msg: "no"}, "", "errorString"},
	} {
		resp, body := post(t, srv, path, nil, c.req.Payload())
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d %s", c.req.Payload(), resp.StatusCode, body)
		}
		events, err := decodeEvents(body)
		if err != nil {
			t.Fatalf("%s: %v", c.req.Payload(), err)
		}
		var data strings.Builder
		var complete struct{ ErrorCode, ErrorDetails string }
		for i, e := range events {
			switch {
			case e.typ == "PayloadChunk" && i < len(events)-1:
				data.Write(e.payload)
			case e.typ == "InvokeComplete" && i == len(events)-1:
				json.Unmarshal(e.payload, &complete)
			default:
				t.Errorf("%s: event %d is %s", c.req.Payload(), i, e.typ)
			}
		}
		if data.String() != c.data || complete.ErrorCode != c.errorCode {
			t.Errorf("%s: chunks %q, error code %q; want %q, %q", c.req.Payload(), data.String(), complete.ErrorCode, c.data, c.errorCode)
		}
	}
}

type streamEvent struct {
	typ     string
	payload []byte
}

// decodeEvents reads an event stream, checking each message's lengths
// and checksums.
func decodeEvents(b []byte) ([]streamEvent, error) {
	var events []streamEvent
	for len(b) > 0 {
		if len(b) < 16 {
			return nil, fmt.Errorf("truncated message")
		}
		total, hlen := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
		if int(total) > len(b) || crc32.ChecksumIEEE(b[:8]) != binary.BigEndian.Uint32(b[8:]) ||
			crc32.ChecksumIEEE(b[:total-4]) != binary.BigEndian.Uint32(b[total-4:]) {
			return nil, fmt.Errorf("bad message framing or checksum")
		}
		h := b[12 : 12+hlen]
		e := streamEvent{payload: b[12+hlen : total-4]}
		for len(h) > 0 {
			n := int(h[0])
			name := string(h[1 : 1+n])
			vlen := int(binary.BigEndian.Uint16(h[2+n:]))
			value := string(h[4+n : 4+n+vlen])
			if name == ":event-type" {
				e.typ = value
			}
			h = h[4+n+vlen:]
		}
		events = append(events, e)
		b = b[total:]
	}
	return events, nil
}
