package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lambdagate/lambdagate/e2e/internal/browser"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/cors"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/mapping"
	"github.com/lambdagate/lambdagate/response"
)

// Time limits: the whole test, and each fetch run in the page.
const (
	testTimeout  = 90 * time.Second
	fetchTimeout = 15 * time.Second
)

// reqLog records the requests a server saw, as "METHOD /path".
type reqLog struct {
	mu   sync.Mutex
	seen []string
}

func (l *reqLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.seen = append(l.seen, r.Method+" "+r.URL.Path)
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (l *reqLog) has(s string) bool { return l.count(s) > 0 }

func (l *reqLog) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, v := range l.seen {
		if v == s {
			n++
		}
	}
	return n
}

// api is the application behind every CORS configuration.
func api(w http.ResponseWriter, r *http.Request) {
	_, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	w.Header().Set("X-Request-Id", "42")
	w.Header().Set("X-Secret", "hidden")
	// A backend that sends its own CORS headers: the stage must replace them.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	switch rest {
	case "hello":
		io.WriteString(w, "hello")
	case "items":
		if r.Method != http.MethodPut || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Trace") == "" {
			http.Error(w, "want PUT with JSON and X-Trace", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.Copy(w, r.Body)
	case "login":
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s3cret", Path: "/", HttpOnly: true})
		io.WriteString(w, "logged in")
	case "whoami":
		c, err := r.Cookie("sid")
		if err != nil {
			io.WriteString(w, "anonymous")
			return
		}
		io.WriteString(w, c.Value)
	case "auth":
		io.WriteString(w, r.Header.Get("Authorization"))
	default:
		http.NotFound(w, r)
	}
}

// lambdaAdapter serves a lambdagate Handler over net/http, the way the
// local gateway will: it builds the event, calls the handler and writes
// its response.
func lambdaAdapter(h lambdagate.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req := &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: r.Method, Path: r.URL.Path,
			RawPath: r.URL.Path, RawQuery: r.URL.RawQuery, Header: event.FromHTTPHeader(r.Header), Body: body}
		for k, vs := range r.URL.Query() {
			for _, v := range vs {
				req.Query = append(req.Query, event.Field{Name: k, Value: v})
			}
		}
		resp, err := h.Serve(r.Context(), req)
		if err != nil {
			http.Error(w, `{"message":"Internal Server Error"}`, http.StatusInternalServerError)
			return
		}
		for _, f := range resp.Header {
			w.Header().Add(f.Name, f.Value)
		}
		w.WriteHeader(resp.Status())
		w.Write(resp.Body)
	})
}

// lambdaAPI is the application as a lambdagate Handler.
var lambdaAPI = lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	if req.Method != http.MethodPut {
		return response.Text(http.StatusOK, "fn"), nil
	}
	r := response.RawJSON(http.StatusOK, req.Body)
	r.Header.Add("X-Request-Id", "fn-42")
	r.Header.Add("Access-Control-Allow-Origin", "*")
	return r, nil
})

func listen(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// fetchResult is what the page's script reports.
type fetchResult struct {
	OK     bool    `json:"ok"`
	Status int     `json:"status"`
	Body   string  `json:"body"`
	Header *string `json:"header"` // the header the script read; nil if hidden
	Error  string  `json:"error"`
}

const fetchJS = `(async () => {
	try {
		const r = await fetch(%s, %s);
		const body = await r.text();
		const name = %s;
		return {ok: true, status: r.status, body: body, header: name ? r.headers.get(name) : null};
	} catch (e) {
		return {ok: false, error: String(e)};
	}
})()`

func TestBrowserCORS(t *testing.T) {
	chromium := browser.Path(t)

	var page, apiLog, appLog reqLog
	pageURL := listen(t, page.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><title>cors e2e</title><p>page</p>")
	})))
	pageOrigin := pageURL // http://127.0.0.1:port is already an origin

	app := appLog.wrap(http.HandlerFunc(api))
	allowed := cors.MustNew(cors.Config{
		AllowOrigins:     []string{pageOrigin},
		AllowMethods:     []string{"GET", "PUT", "POST"},
		AllowHeaders:     []string{"content-type", "x-trace"},
		ExposeHeaders:    []string{"x-request-id"},
		MaxAge:           60,
		AllowCredentials: true,
	})
	strict := cors.MustNew(cors.Config{
		AllowOrigins: []string{"https://app.example.com"},
		AllowMethods: []string{"GET", "PUT"},
		AllowHeaders: []string{"content-type", "x-trace"},
	})
	star := cors.MustNew(cors.Config{
		AllowOrigins:  []string{"*"},
		AllowMethods:  []string{"*"},
		AllowHeaders:  []string{"*"},
		ExposeHeaders: []string{"*"},
	})
	// A scheme wildcard ("http://*") cannot go with credentials: New
	// refuses it, as it refuses "*".
	byName := cors.MustNew(cors.Config{
		AllowOrigins:     []string{pageOrigin},
		AllowMethods:     []string{"PUT"},
		AllowHeaders:     []string{"authorization"},
		AllowCredentials: true,
	})
	refused := cors.MustNew(cors.Config{AllowOrigins: []string{"https://app.example.com"}, DisallowedPreflightStatus: 403})
	credStar := cors.MustNew(cors.Config{
		AllowOrigins:     []string{pageOrigin},
		AllowMethods:     []string{"*"},
		AllowHeaders:     []string{"*"},
		AllowCredentials: true,
	})
	noCache := cors.MustNew(cors.Config{AllowOrigins: []string{pageOrigin}, AllowMethods: []string{"PUT"}, MaxAge: -1})
	mux := http.NewServeMux()
	mux.Handle("/api/", allowed.HTTPMiddleware(app))
	mux.Handle("/strict/", strict.HTTPMiddleware(app))
	mux.Handle("/star/", star.HTTPMiddleware(app))
	mux.Handle("/byname/", byName.HTTPMiddleware(app))
	mux.Handle("/refused/", refused.HTTPMiddleware(app))
	mux.Handle("/credstar/", credStar.HTTPMiddleware(app))
	mux.Handle("/nocache/", noCache.HTTPMiddleware(app))
	mux.Handle("/fn/", lambdaAdapter(allowed.Middleware(lambdaAPI)))
	restItems, restBare := restAPI(t, pageOrigin)
	mux.Handle("/rest/", lambdaAdapter(restItems))
	mux.Handle("/rest-bare/", lambdaAdapter(restBare))
	apiURL := listen(t, apiLog.wrap(mux))

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	bctx, stop := browser.Start(ctx, t, chromium)
	defer stop()
	if _, err := chromedp.Run(bctx, chromedp.Navigate(pageURL+"/")); err != nil {
		t.Fatalf("starting %s and loading the page: %v", chromium, err)
	}
	if !page.has("GET /") {
		t.Fatal("the browser did not load the page from the page server")
	}

	// fetch runs fetch(url, opts) in the page and returns what the script saw.
	fetch := func(t *testing.T, path string, opts map[string]any, header string) fetchResult {
		t.Helper()
		u, _ := json.Marshal(apiURL + path)
		o, _ := json.Marshal(opts)
		h, _ := json.Marshal(header)
		fctx, cancel := context.WithTimeout(bctx, fetchTimeout)
		defer cancel()
		res, err := chromedp.Run(fctx, chromedp.Evaluate[fetchResult](fmt.Sprintf(fetchJS, u, o, h), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("evaluating fetch(%s): %v", u, err)
		}
		return res
	}
	str := func(p *string) string {
		if p == nil {
			return "<hidden>"
		}
		return *p
	}
	wantOK := func(t *testing.T, res fetchResult, status int, body string) {
		t.Helper()
		if !res.OK || res.Status != status || res.Body != body {
			t.Errorf("fetch = %+v; want it to succeed with %d %q", res, status, body)
		}
	}
	wantBlocked := func(t *testing.T, res fetchResult) {
		t.Helper()
		if res.OK || !strings.Contains(res.Error, "TypeError: Failed to fetch") {
			t.Errorf("fetch = %+v; want the browser to block it (TypeError: Failed to fetch)", res)
		}
	}

	t.Run("simple GET and exposed header", func(t *testing.T) {
		res := fetch(t, "/api/hello", nil, "x-request-id")
		wantOK(t, res, 200, "hello")
		if got := str(res.Header); got != "42" {
			t.Errorf("script read X-Request-Id = %s; want 42 (exposed)", got)
		}
		if got := str(fetch(t, "/api/hello", nil, "x-secret").Header); got != "<hidden>" {
			t.Errorf("script read X-Secret = %s; want it hidden (not exposed)", got)
		}
	})
	t.Run("preflighted PUT with JSON and a custom header", func(t *testing.T) {
		res := fetch(t, "/api/items", map[string]any{
			"method":  "PUT",
			"headers": map[string]string{"Content-Type": "application/json", "X-Trace": "t1"},
			"body":    `{"n":1}`,
		}, "x-request-id")
		wantOK(t, res, 200, `{"n":1}`)
		if !apiLog.has("OPTIONS /api/items") {
			t.Error("the browser sent no preflight")
		}
		if appLog.has("OPTIONS /api/items") {
			t.Error("the preflight reached the application; the stage must answer it")
		}
		if !appLog.has("PUT /api/items") {
			t.Error("the PUT did not reach the application")
		}
	})
	t.Run("credentials", func(t *testing.T) {
		wantOK(t, fetch(t, "/api/login", map[string]any{"method": "POST", "credentials": "include"}, ""), 200, "logged in")
		wantOK(t, fetch(t, "/api/whoami", map[string]any{"credentials": "include"}, ""), 200, "s3cret")
		// The same call to a "*" configuration is refused by the browser.
		wantBlocked(t, fetch(t, "/star/whoami", map[string]any{"credentials": "include"}, ""))
		// Without credentials, "*" works and the cookie stays home.
		wantOK(t, fetch(t, "/star/whoami", nil, ""), 200, "anonymous")
	})
	t.Run("disallowed origin", func(t *testing.T) {
		wantBlocked(t, fetch(t, "/strict/hello", nil, ""))
		wantBlocked(t, fetch(t, "/strict/items", map[string]any{
			"method":  "PUT",
			"headers": map[string]string{"Content-Type": "application/json", "X-Trace": "t2"},
			"body":    `{}`,
		}, ""))
		if appLog.has("PUT /strict/items") {
			t.Error("the PUT from a disallowed origin reached the application")
		}
		wantBlocked(t, fetch(t, "/refused/items", map[string]any{"method": "PUT"}, ""))
	})
	t.Run("star headers without credentials", func(t *testing.T) {
		res := fetch(t, "/star/hello", map[string]any{"method": "PATCH", "headers": map[string]string{"X-Anything": "1"}}, "x-secret")
		wantOK(t, res, 200, "hello")
		if got := str(res.Header); got != "hidden" {
			t.Errorf("script read X-Secret = %s; want it readable through Expose-Headers: *", got)
		}
	})
	t.Run("Authorization listed by name", func(t *testing.T) {
		// The Fetch standard never lets "*" in Access-Control-Allow-Headers
		// cover Authorization, but Chromium still accepts it (with a
		// deprecation warning). Record what this browser does, without
		// depending on it.
		res := fetch(t, "/star/auth", map[string]any{"headers": map[string]string{"Authorization": "Bearer t"}}, "")
		t.Logf("Authorization under Access-Control-Allow-Headers: * in this browser: ok=%t %s", res.OK, res.Error)
		// Listed by name, with credentials, it passes in every browser.
		wantOK(t, fetch(t, "/byname/auth", map[string]any{
			"method": "PUT", "credentials": "include", "headers": map[string]string{"Authorization": "Bearer t"},
		}, ""), 200, "Bearer t")
	})
	t.Run("star methods and headers are literal with credentials", func(t *testing.T) {
		wantBlocked(t, fetch(t, "/credstar/hello", map[string]any{"method": "PATCH", "credentials": "include"}, ""))
		wantBlocked(t, fetch(t, "/credstar/hello", map[string]any{"credentials": "include", "headers": map[string]string{"X-Anything": "1"}}, ""))
		wantOK(t, fetch(t, "/credstar/hello", map[string]any{"method": "PATCH"}, ""), 200, "hello")
	})
	t.Run("max age", func(t *testing.T) {
		// MaxAge 60: the second PUT reuses the cached preflight answer.
		for range 2 {
			wantOK(t, fetch(t, "/api/hello", map[string]any{"method": "PUT"}, ""), 200, "hello")
		}
		if n := apiLog.count("OPTIONS /api/hello"); n != 1 {
			t.Errorf("MaxAge 60: the browser sent %d preflights for two PUTs; want 1", n)
		}
		// MaxAge -1 sends 0: every PUT is preflighted.
		for range 2 {
			wantOK(t, fetch(t, "/nocache/hello", map[string]any{"method": "PUT"}, ""), 200, "hello")
		}
		if n := apiLog.count("OPTIONS /nocache/hello"); n != 2 {
			t.Errorf("MaxAge -1: the browser sent %d preflights for two PUTs; want 2", n)
		}
	})
	t.Run("REST Enable CORS as the console does it", func(t *testing.T) {
		// A simple GET needs no preflight, but the browser reads its
		// response only with Access-Control-Allow-Origin, which the
		// console adds to the method's 200 response.
		wantOK(t, fetch(t, "/rest/items", nil, ""), 200, `{"items": [1, 2]}`)
		// The same method without the console's configuration: the
		// browser refuses to hand the response to the script.
		wantBlocked(t, fetch(t, "/rest-bare/items", nil, ""))
		// The console configures the 200 response only: a 400 is not
		// readable.
		wantBlocked(t, fetch(t, "/rest/items?fail=yes", nil, ""))
		// A preflighted PUT: the OPTIONS mock answers, then the PUT's 200
		// response is readable.
		wantOK(t, fetch(t, "/rest/items", map[string]any{
			"method":  "PUT",
			"headers": map[string]string{"Content-Type": "application/json"},
			"body":    `{"n":1}`,
		}, ""), 200, `{"put": {"n":1}}`)
		if !apiLog.has("OPTIONS /rest/items") {
			t.Error("the browser sent no preflight for the PUT")
		}
	})
	t.Run("lambdagate Handler middleware", func(t *testing.T) {
		res := fetch(t, "/fn/items", map[string]any{
			"method":  "PUT",
			"headers": map[string]string{"Content-Type": "application/json", "X-Trace": "t3"},
			"body":    `{"fn":true}`,
		}, "x-request-id")
		wantOK(t, res, 200, `{"fn":true}`)
		if got := str(res.Header); got != "fn-42" {
			t.Errorf("script read X-Request-Id = %s; want fn-42", got)
		}
	})
}

// restAPI returns a REST API resource /items with two methods with custom
// (MOCK) integrations, GET and PUT, and CORS enabled on it the way the
// console does it for a page at origin: the OPTIONS mock, and
// Access-Control-Allow-Origin in the 200 responses of GET and PUT. The
// second handler is the same resource without the console's CORS
// configuration.
func restAPI(t *testing.T, origin string) (withCORS, bare lambdagate.Handler) {
	t.Helper()
	rest, err := cors.NewREST(cors.RESTConfig{Methods: []string{"GET", "PUT"}, AllowOrigin: origin, AllowHeaders: "Content-Type"})
	if err != nil {
		t.Fatal(err)
	}
	get := mapping.Method{Name: "GET /items", Integration: mapping.Integration{
		Type:             mapping.TypeMock,
		RequestTemplates: map[string]string{"application/json": `#if($input.params('fail') == "yes"){"statusCode": 400}#{else}{"statusCode": 200}#end`},
		Responses: []mapping.IntegrationResponse{
			{StatusCode: 200, ResponseTemplates: map[string]string{"application/json": `{"items": [1, 2]}`}},
			{StatusCode: 400, SelectionPattern: "400", ResponseTemplates: map[string]string{"application/json": `{"error": "bad"}`}},
		},
	}}
	put := mapping.Method{Name: "PUT /items", Integration: mapping.Integration{
		Type: mapping.TypeAWS,
		Function: func(ctx context.Context, payload []byte) ([]byte, error) {
			return payload, nil
		},
		RequestTemplates: map[string]string{"application/json": `{"put": $input.body}`},
		Responses:        []mapping.IntegrationResponse{{StatusCode: 200}},
	}}
	resource := func(get, put mapping.Method) lambdagate.Handler {
		g, err := mapping.NewPipeline(get)
		if err != nil {
			t.Fatal(err)
		}
		p, err := mapping.NewPipeline(put)
		if err != nil {
			t.Fatal(err)
		}
		return lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
			req.Source = event.REST
			switch req.Method {
			case http.MethodGet:
				return g.Serve(ctx, req)
			case http.MethodPut:
				return p.Serve(ctx, req)
			}
			return response.Error(http.StatusForbidden, "Missing Authentication Token"), nil
		})
	}
	return rest.Middleware(resource(get.WithCORS(rest), put.WithCORS(rest))), resource(get, put)
}
