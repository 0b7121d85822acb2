package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/examples/pets/pets"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
)

// TestPetsAPI drives every route and error path through the gateway over a
// loopback socket, as a client of the deployed API would.
func TestPetsAPI(t *testing.T) {
	s := gatewaytest.New(t, pets.API(pets.New()))
	do := s.Fetch
	for _, tt := range []struct {
		method, path, body string
		header             []string
		status             int
		want               string
	}{
		{"GET", "/pets", "", nil, 200, `[{"id":1,"name":"Rex","type":"dog","price":249.99},{"id":2,"name":"Tom","type":"cat","price":124.99},{"id":3,"name":"Nemo","type":"fish","price":0.99}]`},
		{"GET", "/pets?type=cat", "", nil, 200, `[{"id":2,"name":"Tom","type":"cat","price":124.99}]`},
		{"GET", "/pets/1", "", nil, 200, `{"id":1,"name":"Rex","type":"dog","price":249.99}`},
		{"GET", "/v1/pets/2", "", nil, 200, `{"id":2,"name":"Tom","type":"cat","price":124.99}`},
		{"GET", "/pets/99", "", nil, 404, `{"message":"pet 99 not found"}`},
		{"GET", "/pets/x", "", nil, 400, `{"message":"id must be a number"}`},
		{"POST", "/pets", `{"name":""}`, []string{"Content-Type", "application/json"}, 400, `{"message":"want a JSON pet with a name"}`},
		{"DELETE", "/pets/1/toys/2", "", nil, 200, `{"method":"DELETE","rest":"1/toys/2","route":"ANY /pets/{proxy+}","stage":"$default"}`},
		{"PUT", "/v1/pets/1/photo", "", nil, 200, `{"method":"PUT","rest":"1/photo","route":"ANY /pets/{proxy+}","stage":"v1"}`},
		{"GET", "/owners", "", nil, 404, `{"message":"no pets at /owners"}`},
		{"PUT", "/pets", "", nil, 404, `{"message":"no pets at /pets"}`},
	} {
		resp, body := do(tt.method, tt.path, tt.body, tt.header...)
		if resp.StatusCode != tt.status || body != tt.want {
			t.Errorf("%s %s = %d %s, want %d %s", tt.method, tt.path, resp.StatusCode, body, tt.status, tt.want)
		}
		if resp.Header.Get("Apigw-Requestid") == "" {
			t.Errorf("%s %s: no apigw-requestid", tt.method, tt.path)
		}
	}

	resp, body := do("POST", "/pets", `{"name":"Kit","type":"cat","price":10}`, "Content-Type", "application/json")
	var p pets.Pet
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &p) != nil || p.ID != 4 || resp.Header.Get("Location") != "/pets/4" {
		t.Errorf("POST /pets = %d %s %v", resp.StatusCode, body, resp.Header)
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) != 2 || !strings.HasPrefix(c[0], "last_pet=4") {
		t.Errorf("POST /pets cookies = %q", c)
	}

	// CORS: the gateway answers the preflight; actual responses carry the
	// configured headers only for the allowed origin.
	resp, _ = do("OPTIONS", "/pets", "", "Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		resp.Header.Get("Access-Control-Allow-Credentials") != "true" || resp.Header.Get("Access-Control-Max-Age") != "300" {
		t.Errorf("preflight = %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = do("GET", "/pets/1", "", "Origin", "http://localhost:3000")
	if resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" || resp.Header.Get("Access-Control-Expose-Headers") != "location" {
		t.Errorf("actual request CORS headers = %v", resp.Header)
	}
	resp, _ = do("GET", "/pets/1", "", "Origin", "https://evil.example")
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("disallowed origin got CORS headers: %v", resp.Header)
	}
}

// TestFunction unit-tests the function with fabricated events, no gateway.
func TestFunction(t *testing.T) {
	fn := pets.New()
	resp, err := fn.Serve(context.Background(), event.New(event.HTTPAPI, "GET", "/pets/3", nil))
	if err != nil || resp.Status() != 200 || !strings.Contains(string(resp.Body), "Nemo") {
		t.Errorf("GET /pets/3 = %v %s", err, resp.Body)
	}
	// The bytes path the deployed function runs: the 2.0 shorthand is the
	// bare value.
	payload, _ := event.New(event.HTTPAPI, "GET", "/pets?type=fish", nil).MarshalJSON()
	out, err := lambdagate.NewAdapter(fn).Invoke(context.Background(), payload)
	if err != nil || string(out) != `[{"id":3,"name":"Nemo","type":"fish","price":0.99}]` {
		t.Errorf("Invoke = %s, %v", out, err)
	}
}
