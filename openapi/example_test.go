package openapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/openapi"
	"github.com/lambdagate/lambdagate/response"
)

// An HTTP API definition, as a SAM DefinitionBody or an export holds it,
// served in process with a function given by name.
func ExampleImport() {
	def := []byte(`
openapi: "3.0.1"
info: {title: hello, version: "1"}
paths:
  /hello/{name}:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${HelloFunction.Arn}/invocations"
        payloadFormatVersion: "2.0"
x-amazon-apigateway-importexport-version: "1.0"
`)
	hello := handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.JSON(200, map[string]string{"hello": req.PathParameters.Get("name")})
	}))
	res, err := openapi.Import(def, openapi.Options{Functions: map[string]handler.Invoker{"HelloFunction": hello}})
	if err != nil {
		fmt.Println(err)
		return
	}
	w := httptest.NewRecorder()
	res.Gateway.ServeHTTP(w, httptest.NewRequest("GET", "/hello/gopher", nil))
	body, _ := io.ReadAll(w.Body)
	fmt.Println(res.API.Kind, w.Code, string(body))
	// Output: http 200 {"hello":"gopher"}
}

// A definition API Gateway would refuse: every problem, at its line.
func ExampleImport_errors() {
	def := []byte(`openapi: "3.0.1"
info: {title: broken, version: "1"}
paths:
  /a/{rest+}/b:
    get:
      x-amazon-apigateway-integration: {type: mock}
  /c:
    get:
      x-amazon-apigateway-integration: {type: lambda}
`)
	_, err := openapi.Import(def, openapi.Options{Name: "broken.yaml"})
	fmt.Println(err)
	// Output:
	// openapi: broken.yaml: 2 problems
	// 	broken.yaml:4:3: /paths/~1a~1{rest+}~1b: parsing "GET /a/{rest+}/b": at offset 7: a greedy variable must be the last segment
	// 	broken.yaml:9:41: /paths/~1c/get/x-amazon-apigateway-integration/type: unknown integration type "lambda" (want aws_proxy, aws, http_proxy, http or mock)
}

// A Go-defined API written as a SAM DefinitionBody.
func ExampleExport() {
	api := gateway.API{
		Kind:   event.REST,
		Routes: []gateway.Route{{Key: "ANY /{proxy+}", Integration: gateway.Proxy{Function: handler.NewAdapter(nil)}}},
	}
	doc, err := openapi.Export(api, openapi.ExportOptions{Title: "catch-all", Function: "AppFunction", SAM: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	y, _ := openapi.YAML(doc)
	fmt.Print(string(y))
	// Output:
	// openapi: 3.0.1
	// info:
	//   title: catch-all
	//   version: "1.0"
	// paths:
	//   /{proxy+}:
	//     x-amazon-apigateway-any-method:
	//       parameters:
	//         - in: path
	//           name: proxy
	//           required: true
	//           schema:
	//             type: string
	//       responses:
	//         "200":
	//           description: 200 response
	//       x-amazon-apigateway-integration:
	//         connectionType: INTERNET
	//         httpMethod: POST
	//         passthroughBehavior: when_no_match
	//         type: aws_proxy
	//         uri:
	//           Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AppFunction.Arn}/invocations
}

// A REST definition whose method a TOKEN Lambda authorizer guards: the
// authorizer's function is found by the name its authorizerUri uses, as
// an integration's is, and the gateway runs it as API Gateway does.
func ExampleImport_authorizer() {
	def := []byte(`
openapi: "3.0.1"
info: {title: guarded, version: "1"}
paths:
  /orders:
    get:
      security: [{TokenAuthorizer: []}]
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${OrdersFunction.Arn}/invocations"
components:
  securitySchemes:
    TokenAuthorizer:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthFunction.Arn}/invocations"
        authorizerResultTtlInSeconds: 60
`)
	orders := handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.JSON(200, map[string]string{"for": req.Authorizer.PrincipalID()})
	}))
	auth := authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		if req.AuthorizationToken != "Bearer let-me-in" {
			return nil, authorizer.ErrUnauthorized
		}
		return authorizer.Allow("alice", req.MethodArn), nil
	})
	res, err := openapi.Import(def, openapi.Options{Functions: map[string]handler.Invoker{"OrdersFunction": orders, "AuthFunction": auth}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, token := range []string{"", "Bearer guess", "Bearer let-me-in"} {
		r := httptest.NewRequest("GET", "/prod/orders", nil)
		if token != "" {
			r.Header.Set("Authorization", token)
		}
		w := httptest.NewRecorder()
		res.Gateway.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body.String())
	}
	// Output:
	// 401 {"message":"Unauthorized"}
	// 401 {"message":"Unauthorized"}
	// 200 {"for":"alice"}
}
