package nethttp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/internal/race"

	"github.com/lambdagate/lambdagate/event"
)

// TestReqContext checks the request context against what
// context.WithValue and context.WithCancel promise: the event value, the
// parent's values and deadline, Done closed whenever Err is set, the
// parent's cancellation passed on, and derived contexts and AfterFunc
// told of the cancellation.
func TestReqContext(t *testing.T) {
	type key struct{}
	req := &event.Request{RequestID: "r1"}
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		case <-time.After(5 * time.Second):
			return false
		}
	}
	tests := []struct {
		name string
		// run cancels c, or its parent through cancelParent, and checks.
		run func(t *testing.T, c *reqContext, cancelParent context.CancelFunc)
	}{
		{"values and deadline", func(t *testing.T, c *reqContext, _ context.CancelFunc) {
			if got, ok := Event(c); !ok || got != req {
				t.Errorf("Event = %p, %t; want %p", got, ok, req)
			}
			if got := c.Value(key{}); got != "parent value" {
				t.Errorf("Value(parent key) = %v", got)
			}
			if _, ok := c.Deadline(); !ok {
				t.Error("Deadline() lost the parent's deadline")
			}
			if err := c.Err(); err != nil {
				t.Errorf("Err() = %v before cancel", err)
			}
		}},
		{"cancel closes Done", func(t *testing.T, c *reqContext, _ context.CancelFunc) {
			done := c.Done()
			c.cancel(context.Canceled)
			if !closed(done) {
				t.Fatal("Done not closed by cancel")
			}
			if err := c.Err(); err != context.Canceled {
				t.Errorf("Err() = %v; want context.Canceled", err)
			}
			c.cancel(errors.New("second")) // only the first counts
			if err := context.Cause(c); err != context.Canceled {
				t.Errorf("Cause = %v; want context.Canceled", err)
			}
		}},
		{"Done after cancel is closed", func(t *testing.T, c *reqContext, _ context.CancelFunc) {
			c.cancel(context.Canceled)
			if !closed(c.Done()) {
				t.Fatal("Done made after cancel is open")
			}
		}},
		{"parent cancel reaches Done", func(t *testing.T, c *reqContext, cancelParent context.CancelFunc) {
			done := c.Done()
			cancelParent()
			if !closed(done) {
				t.Fatal("Done not closed by the parent's cancellation")
			}
			if err := c.Err(); err != context.Canceled {
				t.Errorf("Err() = %v; want context.Canceled", err)
			}
		}},
		{"parent cancel seen by Err without Done", func(t *testing.T, c *reqContext, cancelParent context.CancelFunc) {
			cancelParent()
			if err := c.Err(); err != context.Canceled {
				t.Fatalf("Err() = %v; want context.Canceled", err)
			}
			select {
			case <-c.Done():
			default:
				t.Error("Err is set but Done is open")
			}
		}},
		{"derived context canceled", func(t *testing.T, c *reqContext, _ context.CancelFunc) {
			d, cancel := context.WithTimeout(c, time.Hour)
			defer cancel()
			c.cancel(context.Canceled)
			if !closed(d.Done()) {
				t.Fatal("derived context not canceled")
			}
			if err := d.Err(); err != context.Canceled {
				t.Errorf("derived Err() = %v; want context.Canceled", err)
			}
		}},
		{"derived context canceled by the parent", func(t *testing.T, c *reqContext, cancelParent context.CancelFunc) {
			d, cancel := context.WithCancel(c)
			defer cancel()
			cancelParent()
			if !closed(d.Done()) {
				t.Fatal("derived context not canceled by the invoke context")
			}
		}},
		{"AfterFunc runs once and stops", func(t *testing.T, c *reqContext, _ context.CancelFunc) {
			ran := make(chan string, 3)
			stopped := context.AfterFunc(c, func() { ran <- "stopped" })
			context.AfterFunc(c, func() { ran <- "run" })
			if !stopped() {
				t.Error("stop() = false before cancel")
			}
			if stopped() {
				t.Error("second stop() = true")
			}
			c.cancel(context.Canceled)
			c.cancel(context.Canceled)
			select {
			case got := <-ran:
				if got != "run" {
					t.Errorf("ran %q; want only the unstopped function", got)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("AfterFunc function did not run")
			}
			late := context.AfterFunc(c, func() { ran <- "late" })
			if got := <-ran; got != "late" {
				t.Errorf("ran %q; want the function registered after cancel", got)
			}
			if late() {
				t.Error("stop() = true for a function that ran")
			}
			select {
			case got := <-ran:
				t.Errorf("ran %q more than once", got)
			case <-time.After(50 * time.Millisecond):
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "parent value"), time.Now().Add(time.Hour))
			defer cancel()
			c := &reqContext{parent: parent, req: req}
			tt.run(t, c, cancel)
		})
	}
}

// TestRequestStrings checks RemoteAddr and RequestURI against what
// net.JoinHostPort and the request line give, whether they fit in the
// exchange's storage or spill into an allocation of their own.
func TestRequestStrings(t *testing.T) {
	long := "/" + strings.Repeat("a", 300)
	tests := []struct {
		ip, path, query string
		remote, uri     string
	}{
		{"", "/p", "", "", "/p"},
		{"", "/p", "a=1", "", "/p?a=1"},
		{"192.0.2.1", "/", "", "192.0.2.1:0", "/"},
		{"192.0.2.1", "/p", "a=1&b", "192.0.2.1:0", "/p?a=1&b"},
		{"2001:db8::1", "/p", "a", "[2001:db8::1]:0", "/p?a"},
		{"192.0.2.1", long, "q=" + long, "192.0.2.1:0", long + "?q=" + long},
	}
	for _, tt := range tests {
		for _, size := range []int{0, 160} {
			buf := make([]byte, size)
			remote, uri := requestStrings(buf[:0], tt.ip, tt.path, tt.query)
			if remote != tt.remote || uri != tt.uri {
				t.Errorf("requestStrings(cap %d, %q, %q, %q) = %q, %q; want %q, %q",
					size, tt.ip, tt.path, tt.query, remote, uri, tt.remote, tt.uri)
			}
			if tt.ip != "" {
				if want := net.JoinHostPort(tt.ip, "0"); remote != want {
					t.Errorf("RemoteAddr %q, net.JoinHostPort gives %q", remote, want)
				}
			}
		}
	}
}

// TestServeAllocs pins the allocations of serving the ALB multi-value
// sample, whose header has names that are not interned, through a
// handler that sets one header and writes a small body.
func TestServeAllocs(t *testing.T) {
	if testing.Short() || race.Enabled {
		t.Skip("allocation counts need a normal build")
	}
	req := &event.Request{
		Source: event.ALBMultiValue, Method: "GET", Path: "/", RawQuery: "key=hello",
		SourceIP: "72.21.198.67",
		Header: event.Header{
			{Name: "accept", Value: "*/*"}, {Name: "connection", Value: "keep-alive"},
			{Name: "host", Value: "lambda-test-alb-1234567.us-east-1.elb.amazonaws.com"},
			{Name: "user-agent", Value: "curl/7.54.0"}, {Name: "x-forwarded-proto", Value: "http"},
			{Name: "x-imforwards", Value: "20"}, {Name: "x-myheader", Value: "123"},
		},
	}
	body := []byte(`{"message":"hello"}`)
	var seen string
	h := Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.RemoteAddr + " " + r.RequestURI + " " + r.Header.Get("X-Myheader")
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := h.Serve(ctx, req); err != nil {
			t.Fatal(err)
		}
	})
	if want := "72.21.198.67:0 /?key=hello 123"; seen != want {
		t.Errorf("handler saw %q; want %q", seen, want)
	}
	// The exchange, the request header map and its group (6 names
	// besides Host), the response header map, its group and the value
	// slice Set makes, and the handler's own concatenation; the small
	// body is written into the exchange.
	t.Logf("Serve allocates %v times", allocs)
	if allocs > 7 {
		t.Errorf("Serve allocates %v times; want at most 7", allocs)
	}
}
