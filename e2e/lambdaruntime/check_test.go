//go:build linux

package lambdaruntime

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
)

// A tcase is one payload sent to a function, with what to check of the
// answer.
type tcase struct {
	payload
	check func(t *testing.T, r *result)
	// noOracle skips the comparison with the handler in process, for
	// payloads the emulator changes on the way.
	noOracle bool
}

// run sends each case to f in turn, as a subtest, and checks after each
// that the runtime process survived.
func run(t *testing.T, f *function, cases []tcase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.invoke(t, c.data)
			if c.check != nil {
				c.check(t, r)
			}
			f.alive(t)
		})
	}
}

// outputBytes returns the output the runtime posted for r, checking that
// the emulator accepted it and returned it unchanged.
func (r *result) outputBytes(t testing.TB) ([]byte, bool) {
	t.Helper()
	switch {
	case r.post == nil:
		t.Errorf("want a function output; %s", r.describe())
	case r.post.kind != "response":
		t.Errorf("want a function output, got a function error; %s", r.describe())
	case r.post.status != http.StatusAccepted:
		t.Errorf("the emulator refused the function output with status %d (want 202); %s", r.post.status, r.describe())
	case r.status != http.StatusOK || !bytes.Equal(r.body, r.post.body):
		t.Errorf("the emulator changed the function output (status %d, %d bytes; the runtime posted %d bytes); %s", r.status, len(r.body), len(r.post.body), r.describe())
	default:
		return r.post.body, true
	}
	return nil, false
}

// functionError returns the function error the runtime reported for r,
// checking that the emulator returned it unchanged.
func (r *result) functionError(t testing.TB) (*functionError, bool) {
	t.Helper()
	switch {
	case r.post == nil:
		t.Errorf("want a function error; %s", r.describe())
	case r.post.kind != "error":
		t.Errorf("want a function error, got a function output; %s", r.describe())
	case r.post.status != http.StatusAccepted:
		t.Errorf("the emulator refused the function error with status %d (want 202); %s", r.post.status, r.describe())
	case !bytes.Equal(r.body, r.post.body):
		t.Errorf("the emulator changed the function error; %s", r.describe())
	default:
		e, err := errorOf(r.post.body)
		if err != nil {
			t.Error(err)
			return nil, false
		}
		return e, true
	}
	return nil, false
}

// expectOutput checks that r is an output of src's shape and returns it.
func expectOutput(t testing.TB, src source, r *result) (*output, bool) {
	t.Helper()
	b, ok := r.outputBytes(t)
	if !ok {
		return nil, false
	}
	o, err := parseOutput(src, b)
	if err != nil {
		t.Errorf("output is not a valid %v response: %v", src, err)
		return nil, false
	}
	return o, true
}

// expectStream checks that r is a streamed HTTP response of src's shape,
// posted with the streaming content type, and returns its prelude and
// body.
func expectStream(t testing.TB, src source, r *result) (*output, []byte, bool) {
	t.Helper()
	b, ok := r.outputBytes(t)
	if !ok {
		return nil, nil, false
	}
	if ct := r.post.header.Get("Content-Type"); ct != streamContentType {
		t.Errorf("the runtime posted the streamed response with Content-Type %q, want %q", ct, streamContentType)
	}
	o, body, err := parseStream(src, b)
	if err != nil {
		t.Errorf("output is not a streamed %v response: %v", src, err)
		return nil, nil, false
	}
	return o, body, true
}

// expectStatus checks o's status.
func expectStatus(t testing.TB, o *output, want int) {
	t.Helper()
	if got := o.status(); got != want {
		t.Errorf("status %d, want %d; body %s", got, want, runtimetest.Abbrev(o.body()))
	}
}

// expectHeader checks that o has the header name with the value want.
func expectHeader(t testing.TB, o *output, name, want string) {
	t.Helper()
	if got := o.header(name); !contains(got, want) {
		t.Errorf("header %s = %q, want %q", name, got, want)
	}
}

// expectCookies checks that o sets each cookie in want, where src carries
// cookies.
func expectCookies(t testing.TB, src source, o *output, want ...string) {
	t.Helper()
	got := o.cookies(src)
	for _, c := range want {
		if !contains(got, c) {
			t.Errorf("%v response sets cookies %q, want %q among them", src, got, c)
		}
	}
}
