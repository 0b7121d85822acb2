package nethttp_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/nethttp"
)

// sources are the event sources an http.Handler can run behind, with the
// payload version.
var sources = []struct {
	name    string
	src     event.Source
	version event.PayloadVersion
}{
	{"rest", event.REST, ""},
	{"http", event.HTTPAPI, ""},
	{"http1", event.HTTPAPI, "1.0"},
	{"alb", event.ALB, ""},
	{"alb-multivalue", event.ALBMultiValue, ""},
	{"url", event.FunctionURL, ""},
}

// png is the start of a PNG file: not valid UTF-8, so a text path would
// corrupt it.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")

// app is an ordinary net/http application: path values, cookies, binary,
// redirects, repeated headers, streaming.
func app() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"q":%q,"cookie":%q}`, r.PathValue("id"), r.URL.Query()["q"], cookieValue(r, "session"))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc", Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark"})
		w.Header().Add("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		w.WriteHeader(http.StatusCreated)
		body, _ := io.ReadAll(r.Body)
		w.Write(body)
	})
	mux.HandleFunc("GET /logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(png)
	})
	mux.HandleFunc("GET /old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/pets/1", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 3 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			w.(http.Flusher).Flush()
		}
	})
	return mux
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// TestCrossSource runs the same application behind every source and
// checks that the client gets the same HTTP result.
func TestCrossSource(t *testing.T) {
	for _, s := range sources {
		t.Run(s.name, func(t *testing.T) {
			tr := &nethttp.Transport{App: app(), Source: s.src, Payload: s.version, Stage: "prod", BinaryMediaTypes: []string{"image/png"}}
			do := func(method, target, body string, header ...string) *http.Response {
				t.Helper()
				r := httptest.NewRequest(method, target, strings.NewReader(body))
				for i := 0; i+1 < len(header); i += 2 {
					r.Header.Add(header[i], header[i+1])
				}
				resp, err := tr.RoundTrip(r)
				if err != nil {
					t.Fatalf("%s %s: %v", method, target, err)
				}
				return resp
			}
			read := func(resp *http.Response) string {
				t.Helper()
				b, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}

			// An ALB without multi-value headers keeps the last value of a
			// repeated query parameter.
			want := `{"id":"a b","q":["1" "two words"],"cookie":"xyz"}`
			if s.src == event.ALB {
				want = `{"id":"a b","q":["two words"],"cookie":"xyz"}`
			}
			resp := do("GET", "/pets/a%20b?q=1&q=two+words", "", "Cookie", "session=xyz; theme=dark")
			if got := read(resp); resp.StatusCode != 200 || got != want {
				t.Errorf("GET /pets = %d %s, want 200 %s", resp.StatusCode, got, want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("GET /pets Content-Type = %q", ct)
			}

			if s.src != event.ALB {
				resp = do("POST", "/login", "hello", "Content-Type", "text/plain")
				if got := read(resp); resp.StatusCode != 201 || got != "hello" {
					t.Errorf("POST /login = %d %q, want 201 hello", resp.StatusCode, got)
				}
				if got, want := resp.Header.Values("Set-Cookie"), []string{"session=abc; Path=/; HttpOnly", "theme=dark"}; !slices.Equal(got, want) {
					t.Errorf("POST /login Set-Cookie = %q, want %q", got, want)
				}
				if got := strings.Join(resp.Header.Values("X-Multi"), ","); strings.ReplaceAll(got, ", ", ",") != "one,two" {
					t.Errorf("POST /login X-Multi = %q, want one,two", got)
				}
			}

			resp = do("GET", "/logo.png", "", "Accept", "image/png")
			if got := read(resp); got != string(png) || resp.Header.Get("Content-Type") != "image/png" {
				t.Errorf("GET /logo.png = %q %q, want the PNG bytes", resp.Header.Get("Content-Type"), got)
			}

			resp = do("GET", "/old", "")
			if read(resp); resp.StatusCode != 301 || resp.Header.Get("Location") != "/pets/1" {
				t.Errorf("GET /old = %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
			}

			resp = do("GET", "/empty", "")
			if got := read(resp); resp.StatusCode != 200 || got != "" {
				t.Errorf("GET /empty = %d %q, want 200 and no body", resp.StatusCode, got)
			}

			resp = do("GET", "/missing", "")
			if got := read(resp); resp.StatusCode != 404 || got != "404 page not found\n" {
				t.Errorf("GET /missing = %d %q, want ServeMux's 404", resp.StatusCode, got)
			}

			resp = do("GET", "/events", "")
			if got, want := read(resp), "data: 0\n\ndata: 1\n\ndata: 2\n\n"; got != want || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Errorf("GET /events = %q %q, want %q", resp.Header.Get("Content-Type"), got, want)
			}
		})
	}
}

// TestStreamingChunks checks that a streamed response reaches the client
// chunk by chunk, each before the handler writes the next.
func TestStreamingChunks(t *testing.T) {
	for _, src := range []event.Source{event.FunctionURL, event.REST} {
		t.Run(src.String(), func(t *testing.T) {
			next := make(chan struct{})
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				for i := range 3 {
					fmt.Fprintf(w, "chunk %d\n", i)
					w.(http.Flusher).Flush()
					select {
					case <-next:
					case <-time.After(5 * time.Second):
						panic("client did not read the chunk")
					}
				}
			})
			tr := &nethttp.Transport{App: h, Source: src, InvokeMode: handler.ResponseStream}
			resp, err := tr.RoundTrip(httptest.NewRequest("GET", "/", nil))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" {
				t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			br := bufio.NewReader(resp.Body)
			for i := range 3 {
				line, err := br.ReadString('\n')
				if want := fmt.Sprintf("chunk %d\n", i); err != nil || line != want {
					t.Fatalf("chunk %d = %q, %v; want %q", i, line, err, want)
				}
				next <- struct{}{}
			}
			if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
				t.Errorf("after the chunks: %q, %v", rest, err)
			}
		})
	}
}
