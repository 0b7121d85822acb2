package lambdagate

import (
	"bufio"
	"encoding/json"

	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/nethttp"
)

// engineApp is a net/http application that answers with what it was
// asked, sets two cookies and serves a binary file, and records the event
// each request came from.
type engineApp struct {
	mu     sync.Mutex
	events []*event.Request
}

func (a *engineApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ev, ok := nethttp.Event(r.Context()); ok {
		a.mu.Lock()
		a.events = append(a.events, ev)
		a.mu.Unlock()
	}
	switch r.URL.Path {
	case "/logo.png":
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\xff"))
		return
	case "/login":
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc", Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark"})
	}
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Multi", "one")
	w.Header().Add("X-Multi", "two")
	json.NewEncoder(w).Encode(map[string]any{
		"method": r.Method, "path": r.URL.EscapedPath(), "query": r.URL.Query(),
		"cookie": r.Header.Get("Cookie"), "body": string(body), "custom": r.Header.Get("X-Custom"),
	})
}

// last returns the event of the last request.
func (a *engineApp) last() *event.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.events) == 0 {
		return nil
	}
	return a.events[len(a.events)-1]
}

// engineRequest is one request of the table, sent to the path after the
// stage.
type engineRequest struct {
	method, target, body string
	header               []string
}

var engineRequests = []engineRequest{
	{"GET", "/pets/a%20b?q=1&q=two+words", "", []string{"Cookie", "session=xyz; theme=dark", "X-Custom", "c"}},
	{"POST", "/login", "hello", []string{"Content-Type", "text/plain"}},
	{"GET", "/logo.png", "", []string{"Accept", "image/png"}},
	{"PUT", "/", `{"a":1}`, []string{"Content-Type", "application/json"}},
}

// TestOneEngine sends the same requests through every way lambdagate
// runs a function locally: Start's local mode on a socket, gatewaytest,
// nethttp.Do, and a gateway built from a full gateway.API. Every one
// goes through the one gateway, so responses and events must be the same,
// up to ids, times and the client's address.
func TestOneEngine(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, kind := range []event.Source{event.HTTPAPI, event.REST, event.ALB, event.ALBMultiValue, event.FunctionURL} {
		t.Run(kind.String(), func(t *testing.T) {
			type engine struct {
				name string
				app  *engineApp
				do   func(r engineRequest) *http.Response
			}
			var engines []engine

			// Start's local mode, over a loopback socket.
			{
				app := &engineApp{}
				f := Function{Handler: nethttp.Wrap(app), Logger: quiet, Local: Local{Kind: kind, BinaryMediaTypes: []string{"image/png"}}}
				fn, err := f.function()
				if err != nil {
					t.Fatal(err)
				}
				var root string
				f.Local.Ready = func(u string) { root = u }
				g, ln, err := f.listenLocal(fn, []string{"-addr=127.0.0.1:0"}, func(string) string { return "" })
				if err != nil {
					t.Fatal(err)
				}
				srv := &http.Server{Handler: g}
				go srv.Serve(ln)
				t.Cleanup(func() { srv.Close() })
				base := root + g.BaseURL()
				engines = append(engines, engine{"Start", app, func(r engineRequest) *http.Response {
					req, _ := http.NewRequest(r.method, base+r.target, strings.NewReader(r.body))
					addPairs(req.Header, r.header)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					return resp
				}})
			}
			// gatewaytest, in process.
			{
				app := &engineApp{}
				var s *gatewaytest.Server
				h := nethttp.Wrap(app)
				switch kind {
				case event.HTTPAPI:
					s = gatewaytest.HTTPAPI(t, map[string]Handler{"$default": h})
				case event.REST:
					s = gatewaytest.New(t, gateway.API{Kind: event.REST, BinaryMediaTypes: []string{"image/png"},
						Routes: gateway.CatchAll(event.REST, gateway.Proxy{Function: NewAdapter(h)})})
				case event.ALB, event.ALBMultiValue:
					s = gatewaytest.ALB(t, h, kind == event.ALBMultiValue)
				case event.FunctionURL:
					s = gatewaytest.FunctionURL(t, h, Buffered)
				}
				prefix := s.Gateway.BaseURL()
				engines = append(engines, engine{"gatewaytest", app, func(r engineRequest) *http.Response {
					return s.Request(r.method, prefix+r.target, r.body, r.header...)
				}})
			}
			// nethttp.Transport (nethttp.Do with the REST binary types).
			{
				app := &engineApp{}
				tr := &nethttp.Transport{App: app, Source: kind, BinaryMediaTypes: []string{"image/png"}}
				engines = append(engines, engine{"nethttp", app, func(r engineRequest) *http.Response {
					req := httptest.NewRequest(r.method, r.target, strings.NewReader(r.body))
					addPairs(req.Header, r.header)
					resp, err := tr.RoundTrip(req)
					if err != nil {
						t.Fatal(err)
					}
					return resp
				}})
			}
			// A gateway.API written out in full.
			{
				app := &engineApp{}
				in := gateway.Proxy{Function: NewAdapter(nethttp.Wrap(app))}
				api := gateway.API{Kind: kind}
				switch kind {
				case event.REST:
					api.Stages = []gateway.Stage{{Name: "prod"}}
					api.BinaryMediaTypes = []string{"image/png"}
					api.Routes = []gateway.Route{{Key: "ANY /", Integration: in}, {Key: "ANY /{proxy+}", Integration: in}}
				case event.HTTPAPI:
					api.Stages = []gateway.Stage{{Name: "$default"}}
					api.Routes = []gateway.Route{{Key: "$default", Integration: in}}
				default:
					api.Routes = []gateway.Route{{Key: "$default", Integration: in}}
				}
				g := gateway.MustNew(api)
				engines = append(engines, engine{"gateway.API", app, func(r engineRequest) *http.Response {
					req := httptest.NewRequest(r.method, g.BaseURL()+r.target, strings.NewReader(r.body))
					addPairs(req.Header, r.header)
					resp, err := g.RoundTrip(req)
					if err != nil {
						t.Fatal(err)
					}
					return resp
				}})
			}

			for _, r := range engineRequests {
				var first *seenResponse
				var firstEvent map[string]any
				for _, e := range engines {
					got := readResponse(t, e.do(r))
					ev := normalizeEvent(t, e.app.last())
					if first == nil {
						first, firstEvent = got, ev
						if got.Status != 200 {
							t.Errorf("%s %s %s: status %d %s", e.name, r.method, r.target, got.Status, got.Body)
						}
						continue
					}
					if diff := cmp.Diff(first, got); diff != "" {
						t.Errorf("%s %s: %s answers differently from %s (-%s +%s):\n%s", r.method, r.target, e.name, engines[0].name, engines[0].name, e.name, diff)
					}
					if diff := cmp.Diff(firstEvent, ev); diff != "" {
						t.Errorf("%s %s: %s sends a different event from %s (-%s +%s):\n%s", r.method, r.target, e.name, engines[0].name, engines[0].name, e.name, diff)
					}
				}
			}
		})
	}
}

func addPairs(h http.Header, pairs []string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		h.Add(pairs[i], pairs[i+1])
	}
}

// seenResponse is what a client sees of a response, without what differs
// from one request to the next.
type seenResponse struct {
	Status int
	Header http.Header
	Body   string
}

func readResponse(t *testing.T, resp *http.Response) *seenResponse {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	h := resp.Header.Clone()
	for _, k := range []string{"Date", "Apigw-Requestid", "X-Amzn-Requestid", "X-Amz-Apigw-Id", "X-Amzn-Trace-Id"} {
		h.Del(k) // differ from one request to the next
	}
	return &seenResponse{Status: resp.StatusCode, Header: h, Body: string(b)}
}

// varying are the event fields that differ between two requests or two
// clients: ids, times, the client's address and the host it called.
var varying = map[string]bool{
	"requestId": true, "extendedRequestId": true, "requestTime": true, "requestTimeEpoch": true,
	"time": true, "timeEpoch": true, "resourceId": true, "sourceIp": true, "domainName": true,
	"domainPrefix": true, "host": true, "Host": true, "x-amzn-trace-id": true, "X-Amzn-Trace-Id": true,
	"x-forwarded-for": true, "X-Forwarded-For": true, "user-agent": true, "User-Agent": true,
	"userAgent": true, "accept-encoding": true, "Accept-Encoding": true, "traceId": true,
}

// normalizeEvent returns the event as JSON values, without the fields
// that vary.
func normalizeEvent(t *testing.T, ev *event.Request) map[string]any {
	t.Helper()
	if ev == nil {
		t.Fatal("the app saw no event")
	}
	b, err := ev.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var strip func(v any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if varying[k] {
					delete(v, k)
					continue
				}
				strip(x)
			}
		case []any:
			for _, x := range v {
				strip(x)
			}
		}
	}
	strip(m)
	return m
}

// TestStartLocalStreams serves a streaming function the way Start does
// outside Lambda, as a function URL in RESPONSE_STREAM mode: the first
// chunk reaches the client while the handler waits for the client to
// have read it.
func TestStartLocalStreams(t *testing.T) {
	read := make(chan struct{})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		select {
		case <-read:
		case <-time.After(10 * time.Second):
		}
		io.WriteString(w, "second\n")
	})
	f := Function{Handler: nethttp.Wrap(app), InvokeMode: ResponseStream, Local: Local{Kind: event.FunctionURL}}
	f.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	var root string
	f.Local.Ready = func(u string) { root = u }
	fn, _ := f.function()
	g, ln, err := f.listenLocal(fn, []string{"-addr=127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: g}
	go srv.Serve(ln)
	defer srv.Close()
	resp, err := http.Get(root + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); line != "first\n" || err != nil {
		t.Fatalf("first line %q, %v", line, err)
	}
	close(read)
	if rest, _ := io.ReadAll(br); string(rest) != "second\n" {
		t.Errorf("rest %q", rest)
	}
}

// TestLayout checks the package map against the data flow: internal
// packages import no lambdagate package above them, the handler
// vocabulary imports only event, response and internal, the packages of
// the function side never import the gateway, and only the gateway builds
// events from HTTP requests or reads function output for a client.
func TestLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	const mod = "github.com/lambdagate/lambdagate"
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, ":")
		for _, d := range strings.Fields(deps) {
			if strings.HasPrefix(d, mod) {
				imports[strings.TrimPrefix(strings.TrimPrefix(pkg, mod), "/")] = append(imports[strings.TrimPrefix(strings.TrimPrefix(pkg, mod), "/")], strings.TrimPrefix(strings.TrimPrefix(d, mod), "/"))
			}
		}
	}
	for pkg, deps := range imports {
		for _, d := range deps {
			switch {
			case strings.HasPrefix(pkg, "internal/") && !strings.HasPrefix(d, "internal/"):
				t.Errorf("%s imports %s: internal packages import nothing above them", pkg, d)
			case pkg == "handler" && d != "event" && d != "response" && !strings.HasPrefix(d, "internal/"):
				t.Errorf("handler imports %s: the vocabulary imports only event, response and internal", d)
			case d == "gateway" && slices.Contains([]string{"event", "response", "handler", "route", "cors", "mapping"}, pkg):
				t.Errorf("%s imports gateway: the function side does not depend on the local gateway", pkg)
			}
		}
	}
	// Building events from HTTP requests (event.Builder.FromHTTP) and
	// reading function output (gateway.OutputReader) happen in the
	// gateway; elsewhere only tests do them.
	for _, dir := range []string{".", "handler", "route", "cors", "nethttp", "mapping", "response", "cmd/lambdagate", "openapi", "gateway/gatewaytest"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "FromHTTP" || sel.Sel.Name == "OutputReader") {
					t.Errorf("%s uses %s: only package gateway turns HTTP requests into events and output into responses", f, sel.Sel.Name)
				}
				return true
			})
		}
	}

}
