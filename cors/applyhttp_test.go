package cors

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
)

// backendFields are header keys a net/http handler may leave, stored
// directly in the map (so non-canonical keys stay as written). The Vary
// values cover a list without Origin, one with it and "*".
var backendFields = []event.Field{
	{Name: "Content-Type", Value: "text/plain"},
	{Name: "X-Request-Id", Value: "1"},
	{Name: "Vary", Value: "Accept"},
	{Name: "Vary", Value: "Accept-Encoding, origin"},
	{Name: "Vary", Value: "*"},
	{Name: "Access-Control-Allow-Origin", Value: "*"},
	{Name: "Access-Control-Expose-Headers", Value: "x-secret"},
	{Name: "Access-Control-Allow-Credentials", Value: "false"},
	{Name: "Access-Control-Allow-Headers", Value: "*"},
	{Name: "access-control-allow-methods", Value: "DELETE"},
	{Name: "ACCESS-CONTROL-MAX-AGE", Value: "9"},
	{Name: "Access-Control-Allow-Private-Network", Value: "true"},
	{Name: "Access-Control-Foo", Value: "x"},
	{Name: "Access-Control", Value: "kept, not a CORS header"},
}

// backendSets returns every set of at most n entries of backendFields.
func backendSets(n int) [][]event.Field {
	sets := [][]event.Field{nil}
	for i := range backendFields {
		for _, s := range sets {
			if len(s) < n {
				sets = append(sets, append(slices.Clip(s), backendFields[i]))
			}
		}
	}
	return sets
}

func httpHeaderOf(fields []event.Field) http.Header {
	h := make(http.Header)
	for _, f := range fields {
		h[f.Name] = append(h[f.Name], f.Value)
	}
	return h
}

// applyRequests are the requests the stage edits a response for: actual
// requests from an allowed origin, another origin and none, and a
// preflight that a route captured.
var applyRequests = []struct {
	method string
	header []string
}{
	{"GET", []string{"Origin: https://app.example.com"}},
	{"GET", []string{"Origin: https://APP.example.com"}},
	{"POST", []string{"Origin: https://a.b.example.com"}},
	{"GET", []string{"Origin: https://evil.example"}},
	{"GET", nil},
	{"OPTIONS", []string{"Origin: https://app.example.com", "Access-Control-Request-Method: PUT"}},
	{"OPTIONS", []string{"Origin: https://a.example.com", "Access-Control-Request-Method: POST"}},
}

// TestApplyHTTPMatchesApply checks ApplyHTTP and Handler against Apply,
// the event form, on every set of up to three backend header fields: the
// few shapes ApplyHTTP recognizes without ranging over the header (none,
// Content-Type alone) and all the others must give the same answer.
func TestApplyHTTPMatchesApply(t *testing.T) {
	cfgs := []Config{appCfg, credCfg, {AllowOrigins: []string{"*"}, AllowMethods: []string{"*"}, MaxAge: 60}}
	sets := backendSets(3)
	for _, cfg := range cfgs {
		c := MustNew(cfg)
		for _, rq := range applyRequests {
			req := make(http.Header)
			for _, f := range rq.header {
				n, v, _ := strings.Cut(f, ": ")
				req.Add(n, v)
			}
			// The handler is a Router that captures every preflight, so
			// that Handler edits the response of each request.
			for _, set := range sets {
				want := sortedFields(c.Apply(slices.Clone(set), rq.method, event.FromHTTPHeader(req)))

				dst := httpHeaderOf(set)
				c.ApplyHTTP(dst, rq.method, req)
				if got := sortedFields(event.FromHTTPHeader(dst)); !slices.Equal(got, want) {
					t.Errorf("%v %s %q, backend %v:\nApplyHTTP gives %q\n    Apply gives %q", cfg.AllowOrigins, rq.method, rq.header, set, got, want)
				}

				h := c.HTTPMiddleware(capturingHandler(func(w http.ResponseWriter, r *http.Request) {
					for k, vs := range httpHeaderOf(set) {
						w.Header()[k] = vs
					}
					w.WriteHeader(http.StatusOK)
				}))
				r := httptest.NewRequest(rq.method, "/items", nil)
				r.Header = req
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				if got := sortedFields(event.FromHTTPHeader(rec.Result().Header)); !slices.Equal(got, want) {
					t.Errorf("%v %s %q, backend %v:\nHandler gives %q\n  Apply gives %q", cfg.AllowOrigins, rq.method, rq.header, set, got, want)
				}
			}
		}
	}
}

// capturingHandler is a net/http handler that is a Router with a route
// for every preflight.
type capturingHandler func(http.ResponseWriter, *http.Request)

func (f capturingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { f(w, r) }

func (f capturingHandler) Lookup(method, path string) (string, bool) {
	return "OPTIONS /{proxy+}", true
}

// TestHandlerWriteOrder checks that the CORS headers are applied by
// whichever of WriteHeader, Write, Flush or returning comes first, that
// an informational status does not apply them, and that the handler's
// header changes before that point are edited and later ones kept.
func TestHandlerWriteOrder(t *testing.T) {
	c := MustNew(appCfg)
	tests := []struct {
		name string
		f    func(w http.ResponseWriter)
		want []string
	}{
		{"WriteHeader", func(w http.ResponseWriter) {
			w.Header().Set("Access-Control-Max-Age", "9")
			w.WriteHeader(http.StatusCreated)
		}, []string{"Created", "access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "vary: Origin"}},
		{"Write", func(w http.ResponseWriter) {
			w.Header()["access-control-allow-origin"] = []string{"*"}
			w.Write([]byte("x"))
		}, []string{"OK", "access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "vary: Origin"}},
		{"Flush", func(w http.ResponseWriter) {
			w.Header().Set("Vary", "Accept")
			w.(http.Flusher).Flush()
		}, []string{"OK", "access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "vary: Accept", "vary: Origin"}},
		{"return", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/plain")
		}, []string{"OK", "access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "content-type: text/plain", "vary: Origin"}},
		{"informational first", func(w http.ResponseWriter) {
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.WriteHeader(http.StatusOK)
		}, []string{"OK", "access-control-allow-origin: https://app.example.com", "access-control-expose-headers: x-request-id", "link: </a.css>; rel=preload", "vary: Origin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := c.HTTPMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tt.f(w)
				// Too late to change what the client gets.
				w.Header().Set("Access-Control-Allow-Methods", "late")
			}))
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Origin", "https://app.example.com")
			w := &finalWriter{h: make(http.Header)}
			h.ServeHTTP(w, r)
			w.WriteHeader(http.StatusOK) // as the server does when the handler returns
			got := append([]string{http.StatusText(w.status)}, sortedFields(event.FromHTTPHeader(w.sent))...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// finalWriter records the status and a copy of the header when the final
// header is written, as a server sends them; it sees informational
// statuses, which httptest.ResponseRecorder takes as final.
type finalWriter struct {
	h      http.Header
	sent   http.Header
	status int
}

func (w *finalWriter) Header() http.Header { return w.h }

func (w *finalWriter) WriteHeader(status int) {
	if w.sent == nil && (status >= 200 || status == http.StatusSwitchingProtocols) {
		w.status, w.sent = status, w.h.Clone()
	}
}

func (w *finalWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(b), nil
}

func (w *finalWriter) Flush() { w.WriteHeader(http.StatusOK) }

// FuzzApplyHTTP checks ApplyHTTP against Apply on two backend fields of
// any name and value. A Vary key in a non-canonical form is left out:
// ApplyHTTP reads Vary as http.Header.Get does, Apply in any case.
func FuzzApplyHTTP(f *testing.F) {
	for i, a := range backendFields {
		b := backendFields[(i+3)%len(backendFields)]
		f.Add(a.Name, a.Value, b.Name, b.Value, i%2 == 0)
	}
	c := MustNew(credCfg)
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2 string, preflight bool) {
		for _, n := range []string{n1, n2} {
			if strings.EqualFold(n, canonVary) && n != canonVary {
				t.Skip()
			}
		}
		method, req := "GET", http.Header{"Origin": {"https://a.example.com"}}
		if preflight {
			method, req["Access-Control-Request-Method"] = "OPTIONS", []string{"POST"}
		}
		set := []event.Field{{Name: n1, Value: v1}, {Name: n2, Value: v2}}
		want := sortedFields(c.Apply(slices.Clone(set), method, event.FromHTTPHeader(req)))
		dst := httpHeaderOf(set)
		c.ApplyHTTP(dst, method, req)
		if got := sortedFields(event.FromHTTPHeader(dst)); !slices.Equal(got, want) {
			t.Fatalf("%s, backend %q:\nApplyHTTP gives %q\n    Apply gives %q", method, set, got, want)
		}
	})
}
