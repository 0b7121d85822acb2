package mapping

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lambdagate/lambdagate/mapping/model"
)

// TestPipelineMethod checks that a pipeline describes the method it was
// built from, and that changing the description does not change it.
func TestPipelineMethod(t *testing.T) {
	models := mustModels(t, map[string]string{"Input": `{"type":"object"}`})
	m := Method{
		Name:              "POST /calc",
		RequestValidator:  RequestValidator{ValidateRequestBody: true},
		RequestParameters: map[string]bool{"method.request.header.x": true},
		RequestModels:     map[string]string{"application/json": "Input"},
		Models:            models,
		Integration: Integration{
			Type:              TypeMock,
			RequestParameters: map[string]string{"integration.request.header.y": "method.request.header.x"},
			RequestTemplates:  map[string]string{"application/json": `{"statusCode": 200}`},
			Responses: []IntegrationResponse{{
				StatusCode:         200,
				ResponseParameters: map[string]string{"method.response.header.z": "'1'"},
				ResponseTemplates:  map[string]string{"application/json": "ok"},
			}},
		},
	}
	p := MustPipeline(m)
	got := p.Method()
	if diff := cmp.Diff(m, got, cmp.Comparer(func(a, b *model.Set) bool { return a == b })); diff != "" {
		t.Fatalf("Method() differs from the configuration (-want +got):\n%s", diff)
	}
	got.Integration.Responses[0].ResponseTemplates["application/json"] = "changed"
	got.RequestParameters["method.request.header.x"] = false
	if again := p.Method(); again.Integration.Responses[0].ResponseTemplates["application/json"] != "ok" || !again.RequestParameters["method.request.header.x"] {
		t.Fatal("changing Method()'s result changed the pipeline's description")
	}
}
