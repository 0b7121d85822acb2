package response_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/response"
)

var update = flag.Bool("update", false, "update golden test files")

var allSources = []event.Source{event.REST, event.HTTPAPI, event.FunctionURL, event.ALB, event.ALBMultiValue, event.WebSocket}

func requestFor(src event.Source) *event.Request {
	return event.New(src, "GET", "/things/1", nil)
}

// sampleResponses are responses every source must carry to its client
// unchanged: status, headers, cookies and body.
func sampleResponses() map[string]*response.Response {
	withCookies := response.Text(200, "hi")
	withCookies.SetCookie(&http.Cookie{Name: "session", Value: "abc", Path: "/", HttpOnly: true})
	withCookies.SetCookie(&http.Cookie{Name: "theme", Value: "dark"})
	multi := response.Text(201, "multi")
	multi.Header.Add("X-Multi", "one")
	multi.Header.Add("X-Multi", "two")
	png := response.New(200, "image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00"))
	zipLike := response.New(200, "application/octet-stream", []byte("PK\x03\x04 valid utf8"))
	gz := response.New(200, "application/json", []byte("\x1f\x8b\x08"))
	gz.Header.Add("Content-Encoding", "gzip")
	notUTF8 := response.New(200, "", []byte{0xff, 0xfe, 'a'})
	j, _ := response.JSON(200, map[string]any{"ok": true, "html": "<b>&</b>"})
	return map[string]*response.Response{
		"text":       response.Text(200, "héllo \"world\"\n"),
		"json":       j,
		"empty":      response.NoContent(),
		"redirect":   response.Redirect(302, "https://example.com/a?b=c"),
		"error":      response.Error(404, "no such thing"),
		"cookies":    withCookies,
		"multi":      multi,
		"png":        png,
		"zip":        zipLike,
		"gzip":       gz,
		"not utf-8":  notUTF8,
		"forcedtext": {StatusCode: 200, Header: event.Header{{Name: "Content-Type", Value: "application/octet-stream"}}, Body: []byte("plain"), Encoding: response.TextEncoding},
		"stream":     response.Stream(200, "text/plain", strings.NewReader("streamed body")),
	}
}

// TestOutputRoundTrip encodes responses for each source and reads the
// output back the way the source's gateway does: the client must get what
// the handler returned.
func TestOutputRoundTrip(t *testing.T) {
	for _, src := range allSources {
		for name, resp := range sampleResponses() {
			t.Run(src.String()+"/"+name, func(t *testing.T) {
				req := requestFor(src)
				want := *resp
				if resp.Stream != nil {
					want.Body = []byte("streamed body")
					resp = response.Stream(200, "text/plain", strings.NewReader("streamed body"))
				}
				out, err := response.Marshal(req, resp)
				if err != nil {
					t.Fatalf("Marshal: %v", err)
				}
				gw := gateway.OutputReader{Kind: src, Payload: req.Version, Accept: "*/*", BinaryMediaTypes: []string{"*/*"}}
				if src == event.REST || src == event.WebSocket {
					gw.Accept = want.Header.Get("Content-Type")
					if gw.Accept == "" {
						gw.Accept = "application/octet-stream"
					}
				}
				got, _ := gw.Read(out, false)
				if got.Status() != want.Status() {
					t.Errorf("status = %d, want %d (output %s)", got.Status(), want.Status(), out)
				}
				if !bytes.Equal(got.Body, want.Body) {
					t.Errorf("body = %q, want %q (output %s)", got.Body, want.Body, out)
				}
				wantHeader := want.Header.Clone()
				for _, c := range want.Cookies {
					wantHeader.Add("Set-Cookie", c)
				}
				for _, f := range wantHeader {
					vals := got.Header.Values(f.Name)
					joined := strings.Join(vals, ",")
					if !contains(vals, f.Value) && !strings.Contains(joined, f.Value) {
						t.Errorf("header %s: %q missing, got %q (output %s)", f.Name, f.Value, vals, out)
					}
				}
			})
		}
	}
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// TestOutputTyped checks each source's output against aws-lambda-go's
// response types, field by field.
func TestOutputTyped(t *testing.T) {
	resp := response.Text(202, "body")
	resp.Header.Add("X-A", "1")
	resp.Header.Add("X-A", "2")
	resp.Cookies = []string{"a=1", "b=2"}

	out, _ := response.Marshal(requestFor(event.REST), resp)
	var v1 events.APIGatewayProxyResponse
	mustUnmarshal(t, out, &v1)
	if v1.StatusCode != 202 || v1.Body != "body" || v1.IsBase64Encoded ||
		fmt.Sprint(v1.MultiValueHeaders["X-A"]) != "[1 2]" || fmt.Sprint(v1.MultiValueHeaders["Set-Cookie"]) != "[a=1 b=2]" {
		t.Errorf("REST output = %s", out)
	}

	out, _ = response.Marshal(requestFor(event.HTTPAPI), resp)
	var v2 events.APIGatewayV2HTTPResponse
	mustUnmarshal(t, out, &v2)
	if v2.StatusCode != 202 || v2.Headers["X-A"] != "1,2" || fmt.Sprint(v2.Cookies) != "[a=1 b=2]" || v2.MultiValueHeaders != nil {
		t.Errorf("HTTP API output = %s", out)
	}

	out, _ = response.Marshal(requestFor(event.ALBMultiValue), resp)
	var a events.ALBTargetGroupResponse
	mustUnmarshal(t, out, &a)
	if a.StatusDescription != "202 Accepted" || fmt.Sprint(a.MultiValueHeaders["Set-Cookie"]) != "[a=1 b=2]" || a.Headers != nil {
		t.Errorf("ALB output = %s", out)
	}

	resp.Cookies = resp.Cookies[:1]
	out, _ = response.Marshal(requestFor(event.ALB), resp)
	a = events.ALBTargetGroupResponse{}
	mustUnmarshal(t, out, &a)
	if a.Headers["X-A"] != "1,2" || a.Headers["Set-Cookie"] != "a=1" || a.MultiValueHeaders != nil {
		t.Errorf("ALB single-value output = %s", out)
	}

	v, _ := response.Value(map[string]int{"n": 1})
	out, _ = response.Marshal(requestFor(event.HTTPAPI), v)
	if string(out) != `{"n":1}` {
		t.Errorf("HTTP API shorthand output = %s, want the bare value", out)
	}
	out, _ = response.Marshal(requestFor(event.REST), v)
	mustUnmarshal(t, out, &v1)
	if v1.StatusCode != 200 || v1.Body != `{"n":1}` {
		t.Errorf("REST output of a Value = %s", out)
	}
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("output %s: %v", b, err)
	}
}

func TestOutputErrors(t *testing.T) {
	tooManyCookies := response.Text(200, "x")
	for i := range 513 {
		tooManyCookies.Cookies = append(tooManyCookies.Cookies, fmt.Sprintf("c%d=1", i))
	}
	for _, tt := range []struct {
		name string
		src  event.Source
		resp *response.Response
		want string
	}{
		{"value not UTF-8", event.HTTPAPI, &response.Response{Header: event.Header{{Name: "X", Value: "a\xffb"}}}, "is not valid UTF-8"},
		{"CR in value", event.REST, &response.Response{Header: event.Header{{Name: "X", Value: "a\r\nSet-Cookie: evil=1"}}}, "contains CR, LF"},
		{"LF in cookie", event.HTTPAPI, &response.Response{Cookies: []string{"a=1\nb"}}, "contains CR, LF"},
		{"bad name", event.REST, &response.Response{Header: event.Header{{Name: "X Y", Value: "1"}}}, `invalid header name "X Y"`},
		{"status", event.HTTPAPI, &response.Response{StatusCode: 1000}, "invalid status code 1000"},
		{"text not utf8", event.REST, &response.Response{Body: []byte{0xff}, Encoding: response.TextEncoding}, "not valid UTF-8"},
		{"alb 513 cookies", event.ALB, tooManyCookies, "enable multi-value headers"},
	} {
		_, err := response.Marshal(requestFor(tt.src), tt.resp)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Marshal error = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

// TestALBSingleValueCookies checks that an ALB target group without
// multi-value headers gets every cookie, each under its own spelling of
// Set-Cookie, up to the 512 spellings there are, and that the gateway side
// reads them back as separate Set-Cookie headers.
func TestALBSingleValueCookies(t *testing.T) {
	for _, n := range []int{1, 2, 3, 512} {
		resp := response.Text(200, "x")
		resp.Header.Add("set-cookie", "h=0")
		for i := 1; i < n; i++ {
			resp.Cookies = append(resp.Cookies, fmt.Sprintf("c%d=%d; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT", i, i))
		}
		out, err := response.Marshal(requestFor(event.ALB), resp)
		if err != nil {
			t.Fatalf("%d cookies: Marshal: %v", n, err)
		}
		var doc struct {
			Headers           map[string]string   `json:"headers"`
			MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("%d cookies: output %s: %v", n, out, err)
		}
		if doc.MultiValueHeaders != nil {
			t.Errorf("%d cookies: multiValueHeaders in a single-value ALB output", n)
		}
		var got []string
		for k, v := range doc.Headers {
			if strings.EqualFold(k, "Set-Cookie") {
				got = append(got, v)
			}
		}
		if len(got) != n {
			t.Errorf("%d cookies: %d Set-Cookie spellings in headers, want %d (output %.300s)", n, len(got), n, out)
		}
		back, _ := gateway.OutputReader{Kind: event.ALB}.Read(out, false)
		if vals := back.Header.Values("Set-Cookie"); len(vals) != n {
			t.Errorf("%d cookies: gateway reads %d Set-Cookie values, want %d", n, len(vals), n)
		}
	}
}

func TestIsBinary(t *testing.T) {
	for _, tt := range []struct {
		ct, ce string
		want   bool
	}{
		{"", "", false},
		{"text/html; charset=utf-8", "", false},
		{"application/json", "", false},
		{"application/problem+json", "", false},
		{"application/atom+xml", "", false},
		{"image/svg+xml", "", false},
		{"application/x-www-form-urlencoded", "", false},
		{"APPLICATION/JSON", "", false},
		{"image/png", "", true},
		{"application/octet-stream", "", true},
		{"application/pdf", "", true},
		{"application/json", "gzip", true},
		{"text/plain", "identity", false},
		{"text/plain", "br", true},
	} {
		if got := response.IsBinary(tt.ct, tt.ce); got != tt.want {
			t.Errorf("IsBinary(%q, %q) = %v, want %v", tt.ct, tt.ce, got, tt.want)
		}
	}
}

// TestOutputGolden pins the exact bytes of each source's output.
func TestOutputGolden(t *testing.T) {
	resp := response.Text(200, "hello")
	resp.Header.Add("X-Multi", "a")
	resp.Header.Add("X-Multi", "b")
	resp.Cookies = []string{"id=1; Path=/"}
	png := response.New(200, "image/png", []byte("\x89PNG"))
	var buf bytes.Buffer
	for _, src := range allSources {
		for _, r := range []*response.Response{resp, png} {
			if src == event.ALB && r == resp {
				continue
			}
			out, err := response.Marshal(requestFor(src), r)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&buf, "%s %s\n%s\n\n", src, r.Header.Get("Content-Type"), out)
		}
	}
	golden(t, "testdata/output.golden", buf.Bytes())
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs; got:\n%s", file, got)
	}
}
