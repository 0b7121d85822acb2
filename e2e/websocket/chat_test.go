package websocket

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lambdagate/lambdagate/e2e/internal/browser"
)

// Time limits: the whole test, and each wait in a page.
const (
	testTimeout = 120 * time.Second
	waitTimeout = 15 * time.Second
)

// startChat builds examples/chat and runs it on a loopback port, as
// go run ./examples/chat does, and returns the stage's ws:// URL. The
// process is killed and waited for when the test ends.
func startChat(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "chat")
	build := exec.Command("go", "build", "-o", bin, "./examples/chat")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building examples/chat: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")          // the example prints the port it got
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API=") // serve locally
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The example prints how to connect; the first ws:// URL is the
	// stage's. Its output is shown when the test fails.
	found := make(chan string, 1)
	done := make(chan []string, 1)
	go func() {
		url := regexp.MustCompile(`ws://[0-9.:]+/production`)
		var lines []string
		sent := false
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if m := url.FindString(sc.Text()); m != "" && !sent {
				found <- m
				sent = true
			}
		}
		io.Copy(io.Discard, stderr)
		done <- lines
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		lines := <-done
		cmd.Wait()
		if t.Failed() {
			t.Logf("the chat example's output:\n%s", strings.Join(lines, "\n"))
		}
	})
	select {
	case u := <-found:
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("the chat example printed no ws:// URL")
		return ""
	}
}

// page is the chat page each tab loads: it connects with the name in its
// fragment and records every message and the close code in window.log.
const page = `<!doctype html><title>chat e2e</title><p>chat</p>
<script>
window.log = [];
window.connect = (url) => new Promise((resolve, reject) => {
	const ws = new WebSocket(url);
	window.ws = ws;
	ws.onmessage = (e) => window.log.push(e.data);
	ws.onclose = (e) => window.log.push("closed " + e.code);
	ws.onopen = () => resolve(true);
	ws.onerror = () => reject(new Error("WebSocket error"));
});
// next waits for the log to hold more than n entries and returns entry n.
window.next = (n, ms) => new Promise((resolve) => {
	const start = Date.now();
	const poll = () => {
		if (window.log.length > n) return resolve(window.log[n]);
		if (Date.now() - start > ms) return resolve("timeout with log " + JSON.stringify(window.log));
		setTimeout(poll, 10);
	};
	poll();
});
</script>`

// TestBrowserChat opens two tabs on a page served from another origin,
// connects both to the chat example, sends from one and receives in the
// other (the function posts through @connections), closes one tab and
// checks that the other is told; then sends a message over the 32 KB
// frame quota, which a browser sends as one frame, and checks that the
// connection closes with 1009, as AWS closes it.
func TestBrowserChat(t *testing.T) {
	chromium := browser.Path(t)
	wsURL := startChat(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	pageURL := "http://" + ln.Addr().String() + "/"

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	bctx, stop := browser.Start(ctx, t, chromium)
	defer stop()
	if _, err := chromedp.Run(bctx, chromedp.Navigate(pageURL)); err != nil {
		t.Fatalf("starting %s and loading the page: %v", chromium, err)
	}

	// tab opens a tab on the page and connects it as name.
	tab := func(name string) (context.Context, context.CancelFunc) {
		t.Helper()
		tctx, cancel := chromedp.NewContext(bctx)
		u, _ := json.Marshal(wsURL + "?name=" + name)
		if _, err := chromedp.Run(tctx, chromedp.Navigate(pageURL)); err != nil {
			t.Fatalf("%s: loading the page: %v", name, err)
		}
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](fmt.Sprintf("window.connect(%s)", u), chromedp.EvalAwaitPromise))
		if err != nil || !ok {
			t.Fatalf("%s: connecting from the page: %v", name, err)
		}
		return tctx, cancel
	}
	// next returns the tab's log entry n, waiting for it.
	next := func(tctx context.Context, n int) string {
		t.Helper()
		s, err := chromedp.Run(tctx, chromedp.Evaluate[string](fmt.Sprintf("window.next(%d, %d)", n, waitTimeout.Milliseconds()), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("reading the page's log: %v", err)
		}
		return s
	}
	send := func(tctx context.Context, msg string) {
		t.Helper()
		m, _ := json.Marshal(msg)
		if _, err := chromedp.Run(tctx, chromedp.Evaluate[any](fmt.Sprintf("window.ws.send(%s)", m))); err != nil {
			t.Fatalf("sending from the page: %v", err)
		}
	}

	alice, closeAlice := tab("alice")
	defer closeAlice()
	bob, closeBob := tab("bob")
	if got := next(alice, 0); got != `{"type":"joined","from":"bob"}` {
		t.Fatalf("alice got %s, want bob's arrival", got)
	}
	send(alice, `{"action":"sendmessage","data":"hello from alice"}`)
	want := `{"type":"message","from":"alice","text":"hello from alice"}`
	if got := next(bob, 0); got != want {
		t.Errorf("bob got %s, want %s", got, want)
	}
	if got := next(alice, 1); got != want {
		t.Errorf("alice got %s, want %s", got, want)
	}
	// Closing bob's tab closes its connection (1001, going away); the
	// function's $disconnect tells alice.
	closeBob()
	if got := next(alice, 2); got != `{"type":"left","from":"bob"}` {
		t.Errorf("alice got %s, want bob's departure", got)
	}
	// A browser sends a message as one frame: over 32 KB, API Gateway
	// closes the connection with 1009.
	send(alice, `{"action":"sendmessage","data":"`+strings.Repeat("x", 40<<10)+`"}`)
	if got := next(alice, 3); got != "closed 1009" {
		t.Errorf("after a 40 KB frame alice's log has %s, want closed 1009", got)
	}
}
