//go:build linux

package lambdaruntime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
)

const (
	// responseQuota is the largest buffered output Lambda accepts:
	// 6 MiB plus 100 bytes, as the emulator enforces it.
	responseQuota = 6<<20 + 100
	// tooLargeType and tooLargeMessage are what Lambda reports for an
	// output over the quota.
	tooLargeType    = "Function.ResponseSizeTooLarge"
	tooLargeMessage = "Response payload size exceeded maximum allowed payload size (6291556 bytes)."
	// largeRequest is the body size of the large request events, under
	// Lambda's 6 MB invoke payload quota.
	largeRequest = 5 << 20
	// oversizedRequest is the body size of the oversized request events:
	// past the quota. Lambda refuses such an invoke; the emulator passes
	// the runtime the first 6 MiB + 100 bytes of it (rapi/rendering), cut
	// short, which the function must answer with an error and survive.
	oversizedRequest = 6<<20 + 512<<10
	// testfnBig is testfn's default GET /big body, 7 MiB.
	testfnBig = 7 << 20
)

// An oracleResult is what testfn's handler answers a payload with in
// process (testfn -oracle): the output, or the function error.
type oracleResult struct {
	Output []byte         `json:"output"`
	Error  *functionError `json:"error"`
}

// runOracle serves payloads through testfn's handler in process, with the
// library the bootstrap was built with.
func runOracle(t testing.TB, bootstrap string, streaming bool, payloads [][]byte) []oracleResult {
	t.Helper()
	in, err := json.Marshal(payloads)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bootstrap, "-oracle")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	if streaming {
		cmd.Env = append(cmd.Env, "LAMBDAGATE_TESTFN_STREAMING=1")
	}
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testfn -oracle: %v\n%s", err, stderr.Bytes())
	}
	var results []oracleResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(payloads) {
		t.Fatalf("testfn -oracle: %d results for %d payloads (%v)", len(results), len(payloads), err)
	}
	return results
}

// matchOracle checks that the runtime posted what the handler gives in
// process: the same output bytes, or the same function error. Whether
// the emulator accepted it is the other checks' business.
func matchOracle(t testing.TB, r *result, want oracleResult) {
	t.Helper()
	if r.post == nil {
		return // reported by the case's own checks
	}
	inProcess := "output " + runtimetest.Abbrev(want.Output)
	if want.Error != nil {
		inProcess = fmt.Sprintf("function error %+v", *want.Error)
	}
	switch {
	case want.Error != nil && r.post.kind == "error":
		if e, err := errorOf(r.post.body); err != nil || *e != *want.Error {
			t.Errorf("the runtime posted function error %s; in process: %s", runtimetest.Abbrev(r.post.body), inProcess)
		}
	case want.Error == nil && r.post.kind == "response":
		if !bytes.Equal(r.post.body, want.Output) {
			t.Errorf("the runtime posted output %s; in process: %s", runtimetest.Abbrev(r.post.body), inProcess)
		}
	default:
		t.Errorf("the runtime posted to /%s %s; in process: %s", r.post.kind, runtimetest.Abbrev(r.post.body), inProcess)
	}
}

// TestTestfn runs testfn, a net/http app behind lambdagate.Start, under
// the emulator: every sample event of every source, the responses no
// example gives (two cookies behind each source, ALB single-value
// included; a binary body; 7 MiB, and outputs at Lambda's quota and one
// byte over), malformed and oversized payloads. Each output is compared
// with the handler's in process.
func TestTestfn(t *testing.T) {
	t.Parallel()
	testTestfn(t, false)
}

// TestTestfnStreaming is TestTestfn for testfn started with
// the ResponseStream invoke mode: each output must be aws-lambda-go's streamed
// HTTP response, the handler's InvokeStream output byte for byte.
func TestTestfnStreaming(t *testing.T) {
	t.Parallel()
	testTestfn(t, true)
}

func testTestfn(t *testing.T, streaming bool) {
	bootstrap := testfnBootstrap(t)
	name, env := "testfn", []string(nil)
	if streaming {
		name, env = "testfn-streaming", []string{"LAMBDAGATE_TESTFN_STREAMING=1"}
	}
	health := httpAPI.event(t, request{method: "GET", path: "/health"})
	f := startFunction(t, name, bootstrap, env, health)

	cases := testfnCases(t, streaming)
	if !streaming {
		cases = append(cases, quotaCases(t, bootstrap)...)
	}
	payloads := make([][]byte, len(cases))
	for i, c := range cases {
		payloads[i] = c.data
	}
	want := runOracle(t, bootstrap, streaming, payloads)
	for i := range cases {
		c, check := cases[i], cases[i].check
		cases[i].check = func(t *testing.T, r *result) {
			// In streaming mode aws-lambda-go decodes the payload into a
			// json.RawMessage before the Adapter sees it, so a payload
			// that is not JSON fails there, not in the Adapter.
			if !c.noOracle && (!streaming || json.Valid(c.data)) {
				matchOracle(t, r, want[i])
			}
			if check != nil {
				check(t, r)
			}
		}
	}
	run(t, f, cases)
}

// testfnCases are testfn's cases: sample events, its routes behind each
// source, malformed and oversized payloads.
func testfnCases(t *testing.T, streaming bool) []tcase {
	srcs := []source{rest, httpAPI, webSocket, alb, albMulti, functionURL}
	var cases []tcase
	for _, p := range samplePayloads(t, srcs...) {
		cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) { checkAny(t, p.src, streaming, r) }})
	}
	logo := testfnPNG(t)
	for _, src := range []source{rest, httpAPI, alb, albMulti, functionURL} {
		if streaming && src != rest && src != functionURL {
			continue // only function URLs and REST APIs stream
		}
		add := func(name string, r request, check func(t *testing.T, o *output, body []byte)) {
			p := payload{name: src.String() + "/" + name, src: src, data: src.event(t, r)}
			cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) {
				o, body, ok := response(t, src, streaming, r)
				if ok {
					check(t, o, body)
				}
			}})
		}
		add("summary", request{method: "GET", path: "/things/1", query: "x=1&x=2", header: [][2]string{{"X-Test", "1"}}, cookies: []string{"c=1"}},
			func(t *testing.T, o *output, body []byte) {
				expectStatus(t, o, 200)
				expectHeader(t, o, "X-Testfn", "summary")
				var s struct {
					Method, Cookie string
					BodyBytes      int
				}
				if err := json.Unmarshal(body, &s); err != nil || s.Method != "GET" || s.Cookie != "c=1" {
					t.Errorf("summary %s (%v), want method GET and cookie c=1", body, err)
				}
			})
		add("post", request{method: "POST", path: "/things", header: [][2]string{{"Content-Type", "text/plain"}}, body: []byte("hello")},
			func(t *testing.T, o *output, body []byte) {
				expectStatus(t, o, 200)
				if !bytes.Contains(body, []byte(`"bodyBytes":5`)) {
					t.Errorf("summary %s, want bodyBytes 5", body)
				}
			})
		add("two-cookies", request{method: "GET", path: "/cookies"},
			func(t *testing.T, o *output, body []byte) {
				expectStatus(t, o, 200)
				expectCookies(t, src, o, "first=1; Path=/", "second=2; Path=/; HttpOnly")
				if src == alb && !streaming {
					// Single-value headers carry a name once: the two
					// cookies need two spellings of Set-Cookie.
					n := 0
					for k := range o.Headers {
						if strings.EqualFold(k, "Set-Cookie") {
							n++
						}
					}
					if n != 2 {
						t.Errorf("ALB single-value headers %v, want two Set-Cookie names differing in case", o.Headers)
					}
				}
			})
		add("png", request{method: "GET", path: "/png"},
			func(t *testing.T, o *output, body []byte) {
				expectStatus(t, o, 200)
				expectHeader(t, o, "Content-Type", "image/png")
				if !streaming && !o.base64() {
					t.Errorf("a PNG body without isBase64Encoded: %s", runtimetest.Abbrev([]byte(*o.Body)))
				}
				checkPNG(t, body, logo, 16)
			})
		add("large-request", request{method: "POST", path: "/upload", header: [][2]string{{"Content-Type", "text/plain"}}, body: bytes.Repeat([]byte("x"), largeRequest)},
			func(t *testing.T, o *output, body []byte) {
				expectStatus(t, o, 200)
				if !bytes.Contains(body, fmt.Appendf(nil, `"bodyBytes":%d`, largeRequest)) {
					t.Errorf("summary %s, want bodyBytes %d", body, largeRequest)
				}
			})
		big := payload{name: src.String() + "/oversized-request", src: src, data: src.event(t, request{method: "POST", path: "/upload", header: [][2]string{{"Content-Type", "text/plain"}}, body: bytes.Repeat([]byte("x"), oversizedRequest)})}
		cases = append(cases, tcase{payload: big, noOracle: true, check: func(t *testing.T, r *result) { r.functionError(t) }})
		if !streaming {
			p := payload{name: src.String() + "/7MiB-response", src: src, data: src.event(t, request{method: "GET", path: "/big"})}
			cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) { expectTooLarge(t, r) }})
		}
	}
	for _, base := range []source{rest, httpAPI, functionURL} {
		for _, p := range malformed(t, base, base.event(t, request{method: "GET", path: "/"})) {
			p.name = base.String() + "/" + p.name
			cases = append(cases, tcase{payload: p, check: func(t *testing.T, r *result) { r.functionError(t) }})
		}
	}
	return cases
}

// quotaCases are buffered outputs at Lambda's quota and one byte over:
// GET /big with a body sized from testfn's own output for one byte.
func quotaCases(t *testing.T, bootstrap string) []tcase {
	one := httpAPI.event(t, request{method: "GET", path: "/big", query: "bytes=1"})
	ref := runOracle(t, bootstrap, false, [][]byte{one})[0]
	if ref.Error != nil {
		t.Fatalf("testfn GET /big?bytes=1: %+v", *ref.Error)
	}
	n := responseQuota - (len(ref.Output) - 1)
	at := payload{name: "http/output-at-quota", src: httpAPI, data: httpAPI.event(t, request{method: "GET", path: "/big", query: fmt.Sprintf("bytes=%d", n)})}
	over := payload{name: "http/output-one-byte-over-quota", src: httpAPI, data: httpAPI.event(t, request{method: "GET", path: "/big", query: fmt.Sprintf("bytes=%d", n+1)})}
	return []tcase{
		{payload: at, check: func(t *testing.T, r *result) {
			if b, ok := r.outputBytes(t); ok && len(b) != responseQuota {
				t.Errorf("output of %d bytes, want %d", len(b), responseQuota)
			}
		}},
		{payload: over, check: func(t *testing.T, r *result) { expectTooLarge(t, r) }},
	}
}

// expectTooLarge checks that r is the function error Lambda reports for
// an output over its quota.
func expectTooLarge(t *testing.T, r *result) {
	t.Helper()
	e, ok := r.functionError(t)
	if ok && (e.Type != tooLargeType || e.Message != tooLargeMessage) {
		t.Errorf("function error %+v, want errorType %q, errorMessage %q", *e, tooLargeType, tooLargeMessage)
	}
}

// response checks that r answers as src reads it, streamed or not, and
// returns the response and its body.
func response(t *testing.T, src source, streaming bool, r *result) (*output, []byte, bool) {
	t.Helper()
	if streaming {
		return expectStream(t, src, r)
	}
	o, ok := expectOutput(t, src, r)
	if !ok {
		return nil, nil, false
	}
	return o, o.body(), true
}

// checkAny checks a sample event's answer: a function error for a
// document that is no HTTP request, a response of the source's shape
// otherwise.
func checkAny(t *testing.T, src source, streaming bool, r *result) {
	t.Helper()
	switch {
	case src == notAnEvent:
		r.functionError(t)
	case streaming && (src == rest || src == functionURL):
		expectStream(t, src, r)
	case streaming:
		r.outputBytes(t)
	default:
		expectOutput(t, src, r)
	}
}

// testfnPNG is testfn's PNG, from its GET /png in process.
func testfnPNG(t *testing.T) []byte {
	t.Helper()
	res := runOracle(t, testfnBootstrap(t), false, [][]byte{httpAPI.event(t, request{method: "GET", path: "/png"})})[0]
	if res.Error != nil {
		t.Fatalf("testfn GET /png: %+v", *res.Error)
	}
	o, err := parseOutput(httpAPI, res.Output)
	if err != nil {
		t.Fatal(err)
	}
	return o.body()
}

// checkPNG checks that body is want, a PNG of size×size.
func checkPNG(t *testing.T, body, want []byte, size int) {
	t.Helper()
	if want != nil && !bytes.Equal(body, want) {
		t.Errorf("PNG body of %d bytes differs from the handler's %d bytes", len(body), len(want))
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Errorf("PNG body: %v (%s)", err, runtimetest.Abbrev(body))
		return
	}
	if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
		t.Errorf("PNG of %v, want %d×%d", b, size, size)
	}
}
