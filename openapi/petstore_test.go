package openapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/openapi"
)

// petBackend is the pet store on loopback: GET /petstore/pets (with type
// and page), POST /petstore/pets, GET /petstore/pets/{id}.
func petBackend(t *testing.T) *http.Client {
	t.Helper()
	pets := []map[string]any{{"id": 1, "type": "dog", "price": 249.99}, {"id": 2, "type": "cat", "price": 124.99}, {"id": 3, "type": "fish", "price": 0.99}}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Path == "/petstore/pets":
			var out []map[string]any
			for _, p := range pets {
				if ty := r.URL.Query().Get("type"); ty == "" || p["type"] == ty {
					out = append(out, p)
				}
			}
			json.NewEncoder(w).Encode(out)
		case r.Method == "POST" && r.URL.Path == "/petstore/pets":
			var p map[string]any
			json.NewDecoder(r.Body).Decode(&p)
			p["id"] = 4
			json.NewEncoder(w).Encode(map[string]any{"pet": p, "message": "success"})
		case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/petstore/pets/"):
			id, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/petstore/pets/"))
			if id < 1 || id > len(pets) {
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"message":"no such pet"}`)
				return
			}
			json.NewEncoder(w).Encode(pets[id-1])
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	}))
	t.Cleanup(s.Close)
	addr := s.Listener.Addr().String()
	// Every host the definition names is this server.
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestImportPetStore serves the PetStore definition against a loopback pet
// store: mock, HTTP and HTTP proxy integrations, a model-validated POST,
// customized gateway responses and compression.
func TestImportPetStore(t *testing.T) {
	res := mustImport(t, "testdata/petstore.json", openapi.Options{HTTPClient: petBackend(t)})
	g := res.Gateway
	for _, tt := range []struct {
		method, target, body string
		header               []string
		status               int
		want                 string
		wantHeader           [2]string
	}{
		{"GET", "/prod/", "", []string{"Accept", "text/html"}, 200, "<html><body><h1>Welcome to your Pet Store API</h1></body></html>", [2]string{"Content-Type", "text/html"}},
		{"GET", "/prod/pets?type=cat", "", nil, 200, `[{"id":2,"price":124.99,"type":"cat"}]` + "\n", [2]string{"Access-Control-Allow-Origin", "*"}},
		{"GET", "/prod/pets/3", "", nil, 200, `{"id":3,"price":0.99,"type":"fish"}` + "\n", [2]string{}},
		{"GET", "/prod/pets/9", "", nil, 404, `{"message":"no such pet"}`, [2]string{}},
		{"POST", "/prod/pets", `{"type":"dog","price":249.99}`, []string{"Content-Type", "application/json"}, 200, `{"message":"success","pet":{"id":4,"price":249.99,"type":"dog"}}` + "\n", [2]string{"Access-Control-Allow-Origin", "*"}},
		// The model refuses the body: BAD_REQUEST_BODY, customized on its
		// own, so DEFAULT_4XX's header does not apply.
		{"POST", "/prod/pets", `{"type":"dragon","price":249.99}`, []string{"Content-Type", "application/json"}, 422, `{"error": "Invalid request body", "type": "BAD_REQUEST_BODY"}`, [2]string{"Access-Control-Allow-Origin", ""}},
		{"OPTIONS", "/prod/pets", "", nil, 200, "", [2]string{"Access-Control-Allow-Methods", "POST,GET,OPTIONS"}},
		// DEFAULT_4XX adds its header to the 403 of an unknown route.
		{"GET", "/prod/nope", "", nil, 403, `{"message":"Missing Authentication Token"}`, [2]string{"Access-Control-Allow-Origin", "*"}},
	} {
		resp, body := fetch(t, g, tt.method, tt.target, tt.body, tt.header...)
		if resp.StatusCode != tt.status || body != tt.want {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.target, resp.StatusCode, body, tt.status, tt.want)
		}
		if tt.wantHeader[0] != "" && resp.Header.Get(tt.wantHeader[0]) != tt.wantHeader[1] {
			t.Errorf("%s %s: %s = %q, want %q", tt.method, tt.target, tt.wantHeader[0], resp.Header.Get(tt.wantHeader[0]), tt.wantHeader[1])
		}
	}
	resp, body := fetch(t, g, "GET", "/prod/pets", "", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET /prod/pets with Accept-Encoding gzip: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !strings.Contains(string(plain), `"fish"`) {
		t.Errorf("decompressed body %q", plain)
	}
	if got := res.API.BinaryMediaTypes; len(got) != 1 || got[0] != "image/png" {
		t.Errorf("binary media types = %v", got)
	}
}

func TestRoundTripPetStore(t *testing.T) {
	keepsExtensions(t, "testdata/petstore.json", openapi.Options{HTTPClient: http.DefaultClient}, openapi.ExportOptions{})
}
