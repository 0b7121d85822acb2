package bench

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/nethttp"
)

// chiApp is an ordinary chi application, written for a net/http server.
func chiApp() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RealIP)
	r.Route("/pets", func(r chi.Router) {
		r.Get("/{id}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":%q,"sort":%q}`, chi.URLParam(r, "id"), r.URL.Query().Get("sort"))
		})
		r.Post("/", func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			http.SetCookie(w, &http.Cookie{Name: "created", Value: "1"})
			w.WriteHeader(http.StatusCreated)
			w.Write(b)
		})
	})
	r.Get("/stream", func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			fmt.Fprintf(w, "%d;", i)
			w.(http.Flusher).Flush()
		}
	})
	return r
}

// TestChiEverySource runs the chi application unchanged behind every
// source.
func TestChiEverySource(t *testing.T) {
	for _, src := range []event.Source{event.REST, event.HTTPAPI, event.ALB, event.ALBMultiValue, event.FunctionURL} {
		for _, version := range []event.PayloadVersion{"", event.PayloadV1} {
			if version != "" && src != event.HTTPAPI {
				continue
			}
			name := src.String() + string(version)
			tr := &http.Client{Transport: &nethttp.Transport{App: chiApp(), Source: src, Payload: version, Stage: "dev"}}
			for _, tt := range []struct {
				method, target, body string
				status               int
				want                 string
			}{
				{"GET", "http://api.example.com/pets/42?sort=desc", "", 200, `{"id":"42","sort":"desc"}`},
				{"POST", "http://api.example.com/pets/", "rex", 201, "rex"},
				{"GET", "http://api.example.com/stream", "", 200, "0;1;2;"},
				{"GET", "http://api.example.com/nowhere", "", 404, "404 page not found\n"},
				{"DELETE", "http://api.example.com/pets/42", "", 405, ""},
			} {
				req := httptest.NewRequest(tt.method, tt.target, nil)
				if tt.body != "" {
					req = httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
					req.Header.Set("Content-Type", "text/plain")
				}
				req.RequestURI = ""
				resp, err := tr.Do(req)
				if err != nil {
					t.Fatalf("%s: %s %s: %v", name, tt.method, tt.target, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.status || string(b) != tt.want {
					t.Errorf("%s: %s %s = %d %q, want %d %q", name, tt.method, tt.target, resp.StatusCode, b, tt.status, tt.want)
				}
				if tt.status == 201 && resp.Header.Get("Set-Cookie") != "created=1" {
					t.Errorf("%s: POST Set-Cookie = %q", name, resp.Header.Values("Set-Cookie"))
				}
			}
		}
	}
}
