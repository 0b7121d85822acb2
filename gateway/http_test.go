package gateway_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/mapping"
)

// backend is an HTTP server on loopback that answers with what it
// received, as JSON, and the status and headers the request asks for
// through its "status" query parameter.
func backend(t *testing.T) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if d := r.URL.Query().Get("sleep"); d != "" {
			dur, _ := time.ParseDuration(d)
			time.Sleep(dur)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Server", "backend")
		w.Header().Set("X-Backend", "yes")
		status := http.StatusOK
		if s := r.URL.Query().Get("status"); s == "404" {
			status = http.StatusNotFound
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{
			"method": r.Method, "path": r.URL.EscapedPath(), "query": r.URL.Query(), "body": string(body),
			"stage": r.Header.Get("X-Stage"), "from": r.Header.Get("X-From"), "gone": r.Header.Get("X-Gone"),
			"fixed": r.Header.Get("X-Fixed"), "host": r.Host,
		})
	}))
	t.Cleanup(s.Close)
	return s
}

func fields(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	return m
}

// TestHTTPProxyREST sends REST HTTP_PROXY requests to a loopback backend:
// the greedy path, query string, headers and body pass through, request
// parameters add to them, the backend's answer reaches the client with
// REST's header remapping.
func TestHTTPProxyREST(t *testing.T) {
	be := backend(t)
	s := gatewaytest.New(t, gateway.API{
		Kind:   event.REST,
		Stages: []gateway.Stage{{Name: "test", Variables: map[string]string{"who": "gw"}}},
		Routes: []gateway.Route{
			{Key: "ANY /{proxy+}", Integration: gateway.HTTP{
				URI: be.URL + "/base/{proxy}?fixed=1",
				RequestParameters: map[string]string{
					"integration.request.path.proxy":     "method.request.path.proxy",
					"integration.request.header.X-Stage": "context.stage",
					"integration.request.header.X-From":  "stageVariables.who",
					"integration.request.header.X-Fixed": "'literal'",
					"integration.request.querystring.q2": "method.request.header.X-Q",
				},
			}},
			{Key: "GET /get/{id}", Integration: gateway.HTTP{URI: be.URL + "/items/{item}", Method: "POST",
				RequestParameters: map[string]string{"integration.request.path.item": "method.request.path.id"}}},
		},
	})
	resp, body := s.Fetch("PUT", "/test/a/b%20c?x=1&x=2", "payload", "X-Q", "qv")
	m := fields(t, body)
	if resp.StatusCode != 200 || m["method"] != "PUT" || m["path"] != "/base/a/b%20c" || m["body"] != "payload" ||
		m["stage"] != "test" || m["from"] != "gw" || m["fixed"] != "literal" {
		t.Errorf("PUT /test/a/b%%20c = %d %v", resp.StatusCode, m)
	}
	q := m["query"].(map[string]any)
	if len(q["x"].([]any)) != 2 || q["fixed"].([]any)[0] != "1" || q["q2"].([]any)[0] != "qv" {
		t.Errorf("query = %v", q)
	}
	if !strings.HasPrefix(m["host"].(string), "127.0.0.1:") {
		t.Errorf("backend Host = %v, want its own", m["host"])
	}
	if resp.Header.Get("X-Backend") != "yes" || resp.Header.Get("X-Amzn-Remapped-Server") != "backend" {
		t.Errorf("response headers = %v", resp.Header)
	}
	resp, body = s.Fetch("GET", "/test/get/7?status=404", "")
	if m := fields(t, body); resp.StatusCode != 404 || m["method"] != "POST" || m["path"] != "/items/7" {
		t.Errorf("GET /test/get/7 = %d %v", resp.StatusCode, m)
	}
}

// TestHTTPProxyHTTPAPI checks an HTTP API's HTTP_PROXY integration with
// request and response parameter mapping.
func TestHTTPProxyHTTPAPI(t *testing.T) {
	be := backend(t)
	s := gatewaytest.New(t, gateway.API{
		Stages: []gateway.Stage{{Name: "$default", Variables: map[string]string{"env": "prod"}}},
		Routes: []gateway.Route{
			{Key: "ANY /pets/{proxy+}", Integration: gateway.HTTP{URI: be.URL + "/store/{proxy}"}},
			{Key: "GET /m/{id}", Integration: gateway.HTTP{
				URI: be.URL + "/x",
				RequestParameters: map[string]string{
					"overwrite:header.X-Stage":  "$stageVariables.env",
					"append:header.X-From":      "id ${request.path.id}, q $request.querystring.q",
					"remove:header.X-Gone":      "",
					"overwrite:querystring.one": "$request.header.X-One",
					"append:querystring.status": "404",
					"overwrite:path":            "/mapped/$request.path.id",
				},
				ResponseParameters: map[string]map[string]string{
					"404": {"overwrite:statuscode": "200", "append:header.X-Req": "$context.requestId", "remove:header.X-Backend": "", "overwrite:header.X-Path": "$response.body.path"},
				},
			}},
		},
	})
	resp, body := s.Fetch("GET", "/pets/a/b?k=v", "")
	if m := fields(t, body); resp.StatusCode != 200 || m["path"] != "/store/a/b" || m["method"] != "GET" {
		t.Errorf("GET /pets/a/b = %d %v", resp.StatusCode, m)
	}
	resp, body = s.Fetch("GET", "/m/42?q=z", "", "X-From", "client", "X-Gone", "1", "X-One", "uno")
	m := fields(t, body)
	if resp.StatusCode != 200 || m["path"] != "/mapped/42" || m["stage"] != "prod" || m["from"] != "client,id 42, q z" || m["gone"] != "" {
		t.Errorf("GET /m/42 = %d %v", resp.StatusCode, m)
	}
	if q := m["query"].(map[string]any); q["one"].([]any)[0] != "uno" {
		t.Errorf("query = %v", q)
	}
	if resp.Header.Get("X-Req") == "" || resp.Header.Get("X-Req") != resp.Header.Get("Apigw-Requestid") || resp.Header.Get("X-Backend") != "" || resp.Header.Get("X-Path") != "/mapped/42" {
		t.Errorf("mapped response headers = %v", resp.Header)
	}
}

// TestHTTPProxyFailures checks the answers to a backend that cannot be
// reached and to one that does not answer within the integration's
// timeout.
func TestHTTPProxyFailures(t *testing.T) {
	be := backend(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	for _, tt := range []struct {
		kind   event.Source
		uri    string
		target string
		status int
		body   string
	}{
		{event.REST, deadURL, "/prod/x", 500, `{"message":"Internal server error"}`},
		{event.HTTPAPI, deadURL, "/x", 500, `{"message":"Internal Server Error"}`},
		{event.REST, be.URL, "/prod/x?sleep=300ms", 504, `{"message":"Endpoint request timed out"}`},
	} {
		s := gatewaytest.New(t, gateway.API{Kind: tt.kind, Routes: []gateway.Route{
			{Key: "GET /x", Integration: gateway.HTTP{URI: tt.uri, Timeout: 100 * time.Millisecond}},
		}})
		resp, body := s.Fetch("GET", tt.target, "")
		if resp.StatusCode != tt.status || body != tt.body {
			t.Errorf("%v %s = %d %q, want %d %q", tt.kind, tt.target, resp.StatusCode, body, tt.status, tt.body)
		}
	}
}

// TestHTTPConfigErrors checks that New refuses HTTP integrations AWS
// would refuse, naming each problem.
func TestHTTPConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		kind event.Source
		key  string
		in   gateway.HTTP
		want string
	}{
		{event.REST, "GET /x", gateway.HTTP{URI: "ftp://h/x"}, "not an absolute http or https URL"},
		{event.REST, "GET /x/{id}", gateway.HTTP{URI: "http://h/{id}"}, "{id} has no integration.request.path.id"},
		{event.REST, "GET /x", gateway.HTTP{URI: "http://h/", RequestParameters: map[string]string{"integration.request.body": "x"}}, `invalid request parameter "integration.request.body"`},
		{event.REST, "GET /x", gateway.HTTP{URI: "http://h/", RequestParameters: map[string]string{"integration.request.header.a": "method.request.bogus"}}, "invalid source"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://${stageVariables.h}/"}, "put the integration in a gateway.StageURI"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://h/{nope}"}, "{nope} is not a variable of the route"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://h/", RequestParameters: map[string]string{"overwrite:header.Authorization": "x"}}, "is reserved"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://h/", RequestParameters: map[string]string{"rename:header.a": "x"}}, "unknown action"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://h/", RequestParameters: map[string]string{"append:path": "x"}}, "only be overwritten"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://h/", RequestParameters: map[string]string{"overwrite:header.a": "$response.body"}}, "requests map $request"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://h/", RequestParameters: map[string]string{"overwrite:header.a": "$context.nope"}}, "unknown or unsupported context variable"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://h/", ResponseParameters: map[string]map[string]string{"200": {"overwrite:statuscode": "99"}}}, "not 100..599"},
		{event.HTTPAPI, "GET /x", gateway.HTTP{URI: "http://h/", Timeout: time.Minute}, "outside 50ms..30s"},
		{event.ALB, "$default", gateway.HTTP{URI: "http://h/"}, "have no HTTP integrations"},
	} {
		_, err := gateway.New(gateway.API{Kind: tt.kind, Routes: []gateway.Route{{Key: tt.key, Integration: tt.in}}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%v %q %+v) = %v, want an error containing %q", tt.kind, tt.key, tt.in, err, tt.want)
		}
	}
}

// TestStageURI resolves an integration URI per stage: each stage reaches
// the backend its variables name, and a stage without the variable gets
// 500.
func TestStageURI(t *testing.T) {
	one, two := backend(t), backend(t)
	resolve := func(uri string) (gateway.Integration, error) {
		return gateway.HTTP{URI: uri}, nil
	}
	s := gatewaytest.New(t, gateway.API{
		Kind: event.REST,
		Stages: []gateway.Stage{
			{Name: "one", Variables: map[string]string{"host": strings.TrimPrefix(one.URL, "http://")}},
			{Name: "two", Variables: map[string]string{"host": strings.TrimPrefix(two.URL, "http://")}},
			{Name: "none"},
		},
		Routes: []gateway.Route{{Key: "GET /p", Integration: gateway.StageURI{URI: "http://${stageVariables.host}/p", Integration: resolve}}},
	})
	for stage, be := range map[string]*httptest.Server{"one": one, "two": two} {
		resp, body := s.Fetch("GET", "/"+stage+"/p", "")
		if m := fields(t, body); resp.StatusCode != 200 || m["host"] != strings.TrimPrefix(be.URL, "http://") {
			t.Errorf("GET /%s/p = %d %v", stage, resp.StatusCode, m)
		}
	}
	if resp, body := s.Fetch("GET", "/none/p", ""); resp.StatusCode != 500 || body != `{"message":"Internal server error"}` {
		t.Errorf("GET /none/p = %d %q, want 500", resp.StatusCode, body)
	}
	if _, err := gateway.ExpandStageVariables("a${stageVariables.x}b${stageVariables.y}", map[string]string{"x": "1"}); err == nil || !strings.Contains(err.Error(), `"y"`) {
		t.Errorf("ExpandStageVariables without y = %v", err)
	}
	if got, _ := gateway.ExpandStageVariables("a${stageVariables.x}b", map[string]string{"x": "1"}); got != "a1b" {
		t.Errorf("ExpandStageVariables = %q", got)
	}
}

// TestHTTPBackend runs a REST HTTP custom integration (a mapping
// pipeline) against a loopback endpoint: the mapped path, query and
// header reach it, and a selection pattern on its status picks the
// integration response.
func TestHTTPBackend(t *testing.T) {
	be := backend(t)
	p := mapping.MustPipeline(mapping.Method{
		Name: "GET /pets/{id}",
		Integration: mapping.Integration{
			Type: mapping.TypeHTTP, Backend: gateway.HTTPBackend{URL: be.URL}, HTTPMethod: "GET", Path: "/store/pets/{petId}",
			RequestParameters: map[string]string{
				"integration.request.path.petId":         "method.request.path.id",
				"integration.request.querystring.status": "method.request.querystring.s",
				"integration.request.header.X-From":      "'custom'",
			},
			Responses: []mapping.IntegrationResponse{
				{StatusCode: 200, ResponseTemplates: map[string]string{"application/json": `{"path":"$input.path('$.path')","from":"$input.path('$.from')"}`}},
				{StatusCode: 404, SelectionPattern: "404", ResponseTemplates: map[string]string{"application/json": `{"missing":true}`}},
			},
		},
	})
	s := gatewaytest.New(t, gateway.API{Kind: event.REST, Routes: []gateway.Route{{Key: "GET /pets/{id}", Integration: gateway.Direct{Handler: p}}}})
	if resp, body := s.Fetch("GET", "/prod/pets/7", ""); resp.StatusCode != 200 || body != `{"path":"/store/pets/7","from":"custom"}` {
		t.Errorf("GET /prod/pets/7 = %d %q", resp.StatusCode, body)
	}
	if resp, body := s.Fetch("GET", "/prod/pets/7?s=404", ""); resp.StatusCode != 404 || body != `{"missing":true}` {
		t.Errorf("GET /prod/pets/7?s=404 = %d %q", resp.StatusCode, body)
	}
	dead := gateway.HTTPBackend{URL: "http://127.0.0.1:1"}
	if _, err := dead.Serve(context.Background(), &event.Request{Method: "GET", Path: "/"}); err == nil {
		t.Error("an unreachable backend gave no error")
	}
}
