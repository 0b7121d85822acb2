package openapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/openapi"
	"github.com/lambdagate/lambdagate/response"
)

// items is a function that serves both a proxy event and a custom
// integration's payload, as one Lambda function can.
type items struct{ proxy *handler.Adapter }

func newItems() items {
	return items{handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.JSON(200, map[string]any{"route": req.Resource, "method": req.Method, "proxy": req.PathParameters.Get("proxy"), "stageVars": req.StageVariables.Map()})
	}))}
}

func (f items) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var in struct {
		ID, Stage, Fn string
		HTTPMethod    string `json:"httpMethod"`
	}
	json.Unmarshal(payload, &in)
	if in.HTTPMethod != "" {
		return f.proxy.Invoke(ctx, payload)
	}
	if in.ID == "0" {
		return nil, &handler.FunctionError{Type: "NotFound", Message: "not found: 0"}
	}
	if in.ID == "" {
		return nil, errors.New("no id")
	}
	return json.Marshal(map[string]string{"id": in.ID, "stage": in.Stage, "fn": in.Fn})
}

// TestImportRESTAll serves a SAM template's REST API with every
// integration type.
func TestImportRESTAll(t *testing.T) {
	backend := loopbackHTTPClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path, "origin": r.Header.Get("X-Origin"), "method": r.Method})
	}))
	fn := newItems()
	res := mustImport(t, "testdata/rest-all.yaml", openapi.Options{
		Functions:  map[string]handler.Invoker{"ItemsFunction": fn, "items": fn},
		HTTPClient: backend,
	})
	if st := res.API.Stages; len(st) != 1 || st[0].Name != "dev" || st[0].Variables["fn"] != "items" {
		t.Fatalf("stages = %+v, want dev with fn=items from the template", st)
	}
	for _, tt := range []struct {
		method, target, body string
		header               []string
		status               int
		want                 string
		wantHeader           [2]string
	}{
		{"PUT", "/dev/proxy/a/b", "", nil, 200, `{"method":"PUT","proxy":"a/b","route":"/proxy/{proxy+}","stageVars":{"fn":"items"}}`, [2]string{}},
		{"GET", "/dev/custom/7", "", nil, 200, `{"fn":"items","id":"7","stage":"dev"}`, [2]string{"X-Item", "7"}},
		{"GET", "/dev/custom/0", "", nil, 404, `{"missing": "not found: 0"}`, [2]string{}},
		// passthroughBehavior never: a media type without a template is 415.
		{"GET", "/dev/custom/7", "", []string{"Content-Type", "text/plain"}, 415, `{"message":"Unsupported Media Type"}`, [2]string{}},
		{"GET", "/dev/mock", "", nil, 202, `{"mocked": true}`, [2]string{}},
		{"GET", "/dev/backend/5", "", nil, 200, `{"backend": {"method":"GET","origin":"rest-all","path":"\/items\/5"}}`, [2]string{}},
		{"DELETE", "/dev/passthrough/x/y", "", nil, 200, `{"method":"DELETE","origin":"","path":"/x/y"}` + "\n", [2]string{}},
		{"GET", "/dev/staged", "", nil, 200, `{"method":"GET","proxy":"","route":"/staged","stageVars":{"fn":"items"}}`, [2]string{}},
	} {
		resp, body := fetch(t, res.Gateway, tt.method, tt.target, tt.body, tt.header...)
		if resp.StatusCode != tt.status || body != tt.want {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.target, resp.StatusCode, body, tt.status, tt.want)
		}
		if tt.wantHeader[0] != "" && resp.Header.Get(tt.wantHeader[0]) != tt.wantHeader[1] {
			t.Errorf("%s %s: %s = %q, want %q", tt.method, tt.target, tt.wantHeader[0], resp.Header.Get(tt.wantHeader[0]), tt.wantHeader[1])
		}
	}
}

func TestRoundTripRESTAll(t *testing.T) {
	fn := newItems()
	keepsExtensions(t, "testdata/rest-all.yaml", openapi.Options{Functions: map[string]handler.Invoker{"ItemsFunction": fn, "items": fn}}, openapi.ExportOptions{})
}

// placeholder is a function that is never invoked.
type placeholder struct{}

func (placeholder) Invoke(context.Context, []byte) ([]byte, error) {
	return nil, errors.New("placeholder invoked")
}
