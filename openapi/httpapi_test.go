package openapi_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/openapi"
	"github.com/lambdagate/lambdagate/response"
)

// named answers with its name and what it received.
func named(name string) handler.Invoker {
	return handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.JSON(200, map[string]any{"fn": name, "version": req.Version, "route": req.RouteKey, "path": req.Path, "id": req.PathParameters.Get("id")})
	}))
}

// loopbackTLSClient sends every request to h on a loopback HTTPS
// server, whatever host it names.
func loopbackTLSClient(t *testing.T, h http.Handler) *http.Client {
	t.Helper()
	s := httptest.NewTLSServer(h)
	t.Cleanup(s.Close)
	addr := s.Listener.Addr().String()
	tr := s.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.InsecureSkipVerify = true // the test server's certificate names no example host
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr}
}

// TestImportHTTPAPI serves an HTTP API definition: routes from paths,
// $default, payload 2.0 and 1.0, a function named by a stage variable,
// an HTTP proxy with parameter mapping and CORS.
func TestImportHTTPAPI(t *testing.T) {
	store := loopbackTLSClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/backend/missing":
			w.WriteHeader(404)
		case "/backend/broken":
			w.WriteHeader(500)
			w.Write([]byte(`{"error":{"code":"E42"}}`))
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"path": r.URL.Path, "query": r.URL.RawQuery, "stage": r.Header.Get("X-Stage"), "tags": r.Header.Get("X-Tags"), "host": r.Host})
	}))
	res := mustImport(t, "testdata/httpapi.yaml", openapi.Options{
		Functions: map[string]handler.Invoker{"pets": named("pets"), "petsBeta": named("petsBeta")},
		Stages: []gateway.Stage{
			{Name: "$default", Variables: map[string]string{"petsFunction": "pets", "version": "7"}},
			{Name: "beta", Variables: map[string]string{"petsFunction": "petsBeta", "version": "8"}},
		},
		HTTPClient: store,
	})
	if res.API.Kind != event.HTTPAPI {
		t.Fatalf("kind = %v", res.API.Kind)
	}
	if len(res.Notes) != 0 {
		t.Errorf("notes = %v", res.Notes)
	}
	g := res.Gateway
	for _, tt := range []struct {
		method, target string
		header         []string
		status         int
		want           map[string]any
		wantHeader     [2]string
	}{
		{"GET", "/pets", nil, 200, map[string]any{"fn": "pets", "version": "2.0", "route": "GET /pets"}, [2]string{}},
		{"GET", "/pets/7", nil, 200, map[string]any{"fn": "pets", "id": "7"}, [2]string{}},
		{"GET", "/beta/pets/7", nil, 200, map[string]any{"fn": "petsBeta", "id": "7"}, [2]string{}},
		{"GET", "/v1/pets/3", nil, 200, map[string]any{"fn": "pets", "version": "1.0"}, [2]string{}},
		{"DELETE", "/anything", nil, 200, map[string]any{"fn": "pets", "route": "$default"}, [2]string{}},
		{"GET", "/store/a/b?tag=x&debug=1", []string{"Origin", "https://app.example.com"}, 200,
			map[string]any{"path": "/backend/a/b", "query": "tag=x&version=7", "stage": "$default", "tags": "from x"},
			[2]string{"Access-Control-Allow-Origin", "https://app.example.com"}},
		{"GET", "/store/missing", nil, 200, nil, [2]string{"X-Missing", "v7"}},
		{"GET", "/store/broken", nil, 500, nil, [2]string{"X-Error", "E42"}},
	} {
		resp, body := fetch(t, g, tt.method, tt.target, "", tt.header...)
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s = %d %q, want %d", tt.method, tt.target, resp.StatusCode, body, tt.status)
			continue
		}
		if tt.want != nil {
			var got map[string]any
			json.Unmarshal([]byte(body), &got)
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s %s: %s = %v, want %v (body %s)", tt.method, tt.target, k, got[k], v, body)
				}
			}
		}
		if tt.wantHeader[0] != "" && resp.Header.Get(tt.wantHeader[0]) != tt.wantHeader[1] {
			t.Errorf("%s %s: %s = %q, want %q", tt.method, tt.target, tt.wantHeader[0], resp.Header.Get(tt.wantHeader[0]), tt.wantHeader[1])
		}
	}
}

func TestRoundTripHTTPAPI(t *testing.T) {
	keepsExtensions(t, "testdata/httpapi.yaml", openapi.Options{
		Functions: map[string]handler.Invoker{"pets": named("pets"), "petsBeta": named("petsBeta")},
		Stages:    []gateway.Stage{{Name: "$default", Variables: map[string]string{"petsFunction": "pets"}}},
	}, openapi.ExportOptions{})
}

// loopbackHTTPClient sends every request to h on a loopback HTTP server,
// whatever host it names.
func loopbackHTTPClient(t *testing.T, h http.Handler) *http.Client {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	addr := s.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
}
