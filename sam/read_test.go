package sam

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
)

// intrinsicsTemplate uses every intrinsic function, in short and long
// form, with parameters, mappings, conditions and Globals.
const intrinsicsTemplate = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Size: {Type: Number, Default: 256}
  Names: {Type: CommaDelimitedList, Default: "a,b,c"}
Mappings:
  Env:
    dev: {Table: dev-table}
    prod: {Table: prod-table}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition NotProd, !Equals [!Ref Size, "256"]]
  Either: {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": [x, y]}]}
Globals:
  Function:
    Runtime: provided.al2023
    CodeUri: fn
    Timeout: 5
    Environment: {Variables: {GLOBAL: g, SHARED: global}}
    Architectures: [arm64]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: go1.x}
    Properties:
      MemorySize: !Ref Size
      Environment:
        Variables:
          SHARED: resource
          REF: !Ref Stage
          SUB: !Sub "${AWS::Region}-${Stage}-${AWS::AccountId}-${AWS::Partition}"
          SUB_LIST: !Sub ["${A}-${B}", {A: x, B: !Ref Stage}]
          SUB_ESCAPE: !Sub "${!Literal}-${Stage}"
          JOIN: !Join ["-", [a, !Ref Stage, 1]]
          SELECT: !Select [1, !Ref Names]
          SPLIT_SELECT: !Select ["2", !Split [",", "x,y,z"]]
          MAP: !FindInMap [Env, !Ref Stage, Table]
          IF: !If [IsProd, yes-prod, not-prod]
          IF_NOVALUE: !If [IsProd, x, !Ref AWS::NoValue]
          LONG_SUB: {"Fn::Sub": "${Stage}"}
          LONG_JOIN: {"Fn::Join": ["", ["a", {"Ref": "Stage"}]]}
          LONG_GETATT: {"Fn::GetAtt": [Fn2, Arn]}
          BASE64: !Base64 hi
          BOTH: !If [Both, both, not-both]
          EITHER: !If [Either, either, neither]
          API: !Ref Api
          URL: !Sub "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
          OTHER_ARN: !GetAtt Other.Arn
          IMPORT: !ImportValue shared-table
  Fn2:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: go1.x}
    Properties:
      FunctionName: !Sub "${Stage}-fn2"
      Timeout: "7"
      Environment: {Variables: {SHARED: resource}}
      IgnoreGlobals: [Environment]
  Other:
    Type: AWS::Serverless::Function
    Condition: NotProd
    Metadata: {BuildMethod: go1.x}
  Gone:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Metadata: {BuildMethod: go1.x}
  Api:
    Type: AWS::Serverless::HttpApi
`

func TestIntrinsics(t *testing.T) {
	for _, tt := range []struct {
		stage string
		want  map[string]string
	}{
		{"dev", map[string]string{
			"GLOBAL": "g", "SHARED": "resource", "REF": "dev", "SUB": "us-east-1-dev-123456789012-aws", "SUB_LIST": "x-dev",
			"SUB_ESCAPE": "${Literal}-dev", "JOIN": "a-dev-1", "SELECT": "b", "SPLIT_SELECT": "z", "MAP": "dev-table", "IF": "not-prod",
			"LONG_SUB": "dev", "LONG_JOIN": "adev", "LONG_GETATT": "arn:aws:lambda:us-east-1:123456789012:function:dev-fn2",
			"BASE64": "aGk=", "BOTH": "both", "EITHER": "neither", "API": "", "URL": "",
			"OTHER_ARN": "arn:aws:lambda:us-east-1:123456789012:function:Other",
		}},
		{"prod", map[string]string{
			"GLOBAL": "g", "SHARED": "resource", "REF": "prod", "SUB": "us-east-1-prod-123456789012-aws", "SUB_LIST": "x-prod",
			"SUB_ESCAPE": "${Literal}-prod", "JOIN": "a-prod-1", "SELECT": "b", "SPLIT_SELECT": "z", "MAP": "prod-table", "IF": "yes-prod",
			"IF_NOVALUE": "x", "LONG_SUB": "prod", "LONG_JOIN": "aprod", "LONG_GETATT": "arn:aws:lambda:us-east-1:123456789012:function:prod-fn2",
			"BASE64": "aGk=", "BOTH": "not-both", "EITHER": "either", "API": "", "URL": "",
		}},
	} {
		t.Run(tt.stage, func(t *testing.T) {
			app, err := Read([]byte(intrinsicsTemplate), Options{Parameters: map[string]string{"Stage": tt.stage}})
			if err != nil {
				t.Fatal(err)
			}
			env := app.Function("Fn").Config.Environment
			api := app.r.physicalID("Api")
			tt.want["API"] = api
			tt.want["URL"] = "https://" + api + ".execute-api.us-east-1.amazonaws.com/"
			if diff := cmp.Diff(tt.want, env); diff != "" {
				t.Errorf("environment (-want +got):\n%s", diff)
			}
			fn := app.Function("Fn").Config
			if fn.MemorySize != 256 || fn.Timeout.Seconds() != 5 || fn.Architecture != "arm64" || fn.Name != "Fn" {
				t.Errorf("Fn = %+v", fn)
			}
			fn2 := app.Function("Fn2").Config
			if fn2.Name != tt.stage+"-fn2" || fn2.Timeout.Seconds() != 7 || len(fn2.Environment) != 1 {
				t.Errorf("Fn2 = %+v", fn2)
			}
			if (app.Function("Other") != nil) != (tt.stage == "dev") || (app.Function("Gone") != nil) != (tt.stage == "prod") {
				t.Errorf("conditions: Other %v, Gone %v", app.Function("Other") != nil, app.Function("Gone") != nil)
			}
			notes := fmt.Sprint(app.Notes)
			if !strings.Contains(notes, "Resources/Fn/Properties/Environment/Variables/IMPORT: not emulated, left unset: Fn::ImportValue shared-table") {
				t.Errorf("no note for the import: %s", notes)
			}
			if tt.stage == "prod" && !strings.Contains(notes, "OTHER_ARN") && !strings.Contains(notes, "Other is not created") {
				t.Errorf("no note for the GetAtt of a resource that is not created: %s", notes)
			}
		})
	}
}

func TestGlobalsMerge(t *testing.T) {
	for _, tt := range []struct {
		g, l, want any
	}{
		{"a", "b", "b"},
		{map[string]any{"A": "1", "B": "2"}, map[string]any{"B": "3", "C": "4"}, map[string]any{"A": "1", "B": "3", "C": "4"}},
		{[]any{"g1", "g2"}, []any{"l1"}, []any{"g1", "g2", "l1"}},
		{map[string]any{"A": map[string]any{"X": "1"}}, map[string]any{"A": map[string]any{"Y": "2"}}, map[string]any{"A": map[string]any{"X": "1", "Y": "2"}}},
		// An intrinsic function is a primitive: the resource's wins.
		{map[string]any{"A": "1"}, map[string]any{"Ref": "P"}, map[string]any{"Ref": "P"}},
		{map[string]any{"Fn::If": []any{"C", "a", "b"}}, map[string]any{"A": "1"}, map[string]any{"A": "1"}},
	} {
		if got := mergeGlobal(tt.g, tt.l); !cmp.Equal(got, tt.want) {
			t.Errorf("mergeGlobal(%v, %v) = %v, want %v", tt.g, tt.l, got, tt.want)
		}
	}
}

// TestAPIs reads the kinds of API a template declares and checks what
// each becomes.
func TestAPIs(t *testing.T) {
	const tmpl = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: provided.al2023, CodeUri: fn}
  Api:
    Cors: {AllowOrigin: "'*'", AllowHeaders: "'Content-Type'"}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: go1.x}
    Properties:
      FunctionUrlConfig: {AuthType: NONE, InvokeMode: RESPONSE_STREAM}
      Events:
        Get: {Type: Api, Properties: {Path: /items, Method: get}}
        Any: {Type: Api, Properties: {Path: "/items/{id}", Method: any, Auth: {ApiKeyRequired: true}}}
        Http: {Type: HttpApi, Properties: {Path: /h, Method: POST, PayloadFormatVersion: "1.0", TimeoutInMillis: 1500}}
        Catch: {Type: HttpApi}
        Queue: {Type: SQS, Properties: {Queue: arn:aws:sqs:us-east-1:123456789012:q}}
  Authorizer:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: go1.x}
  Secured:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      Variables: {color: blue}
      BinaryMediaTypes: ["image~1png"]
      Auth:
        DefaultAuthorizer: Tok
        Authorizers:
          Tok:
            FunctionArn: !GetAtt Authorizer.Arn
            Identity: {Header: X-Token, ReauthorizeEvery: 0}
        UsagePlan: {CreateUsagePlan: PER_API, Quota: {Limit: 100, Period: DAY}}
  SecuredFn:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: go1.x}
    Properties:
      LoggingConfig: {LogFormat: JSON}
      Events:
        Root: {Type: Api, Properties: {RestApiId: !Ref Secured, Path: /, Method: GET}}
        Open: {Type: Api, Properties: {RestApiId: !Ref Secured, Path: /open, Method: GET, Auth: {Authorizer: NONE}}}
  Table:
    Type: AWS::DynamoDB::Table
`
	app, err := Read([]byte(tmpl), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range app.APIs {
		names = append(names, a.Name+" "+a.API.Kind.String())
	}
	if diff := cmp.Diff([]string{"Secured rest", "ServerlessHttpApi http", "ServerlessRestApi rest", "FnUrl url"}, names); diff != "" {
		t.Fatalf("APIs (-want +got):\n%s", diff)
	}
	routes := func(api gateway.API) map[string]string {
		m := map[string]string{}
		for _, rt := range api.Routes {
			desc := fmt.Sprintf("%T", rt.Integration)
			if rt.Authorizer != "" {
				desc += " auth=" + rt.Authorizer
			}
			if rt.APIKeyRequired {
				desc += " key"
			}
			if p, ok := rt.Integration.(gateway.Proxy); ok && p.PayloadVersion != event.PayloadDefault {
				desc += " " + string(p.PayloadVersion)
			}
			m[rt.Key] = desc
		}
		return m
	}
	implicit := app.API("ServerlessRestApi").API
	if diff := cmp.Diff(map[string]string{
		"GET /items": "gateway.Proxy", "ANY /items/{id}": "gateway.Proxy key",
		"OPTIONS /items": "gateway.Direct", "OPTIONS /items/{id}": "gateway.Direct",
	}, routes(implicit)); diff != "" {
		t.Errorf("implicit REST API routes (-want +got):\n%s", diff)
	}
	if implicit.Stages[0].Name != "Prod" {
		t.Errorf("implicit REST API stage %v, want Prod", implicit.Stages)
	}
	secured := app.API("Secured")
	if diff := cmp.Diff(map[string]string{
		"GET /": "gateway.Proxy auth=Tok", "GET /open": "gateway.Proxy", "OPTIONS /": "gateway.Direct auth=Tok", "OPTIONS /open": "gateway.Direct auth=Tok",
	}, routes(secured.API)); diff != "" {
		t.Errorf("Secured routes (-want +got):\n%s", diff)
	}
	la, ok := secured.API.Authorizers["Tok"].(gateway.LambdaAuthorizer)
	if !ok || la.Type != event.TokenAuthorizer || !la.NoCache || la.IdentitySource[0] != "method.request.header.X-Token" || la.Function != app.Function("Authorizer").Invoker() {
		t.Errorf("authorizer Tok = %+v", secured.API.Authorizers["Tok"])
	}
	if len(secured.APIKeys) != 1 || len(secured.API.UsagePlans) != 1 || secured.API.UsagePlans[0].Quota.Limit != 100 || secured.API.Stages[0].Variables["color"] != "blue" ||
		secured.API.BinaryMediaTypes[0] != "image/png" {
		t.Errorf("Secured = %+v, keys %v", secured.API, secured.APIKeys)
	}
	if diff := cmp.Diff(map[string]string{"POST /h": "gateway.Proxy 1.0", "$default": "gateway.Proxy 2.0"}, routes(app.API("ServerlessHttpApi").API)); diff != "" {
		t.Errorf("implicit HTTP API routes (-want +got):\n%s", diff)
	}
	if p := app.API("FnUrl").API.Routes[0].Integration.(gateway.Proxy); p.InvokeMode != 1 {
		t.Errorf("function URL invoke mode %v", p.InvokeMode)
	}
	notes := fmt.Sprint(app.Notes)
	for _, want := range []string{
		"Resources/Table: resource type AWS::DynamoDB::Table is not emulated",
		"Resources/SecuredFn/Properties/LoggingConfig: not emulated",
		"Resources/Fn/Properties/Events/Queue: event source SQS is not emulated",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("no note %q in %s", want, notes)
		}
	}
}

// TestReadErrors checks that templates that cannot run are refused with
// every problem at its place.
func TestReadErrors(t *testing.T) {
	fn := "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Metadata: {BuildMethod: go1.x}\n    Properties: {Runtime: provided.al2023, CodeUri: ., %s}\n"
	for _, tt := range []struct {
		name, tmpl string
		params     map[string]string
		want       string
	}{
		{"no resources", "AWSTemplateFormatVersion: 2010-09-09\n", nil, "Resources: a template needs a Resources section"},
		{"no value", "Parameters: {P: {Type: String}}\n" + fmt.Sprintf(fn, "Timeout: 3"), nil, "Parameters/P: no value"},
		{"not allowed", "Parameters: {P: {Type: String, Default: a, AllowedValues: [a, b]}}\n" + fmt.Sprintf(fn, "Timeout: 3"), map[string]string{"P": "c"}, `value "c": not one of the AllowedValues`},
		{"not a number", "Parameters: {P: {Type: Number, Default: x}}\n" + fmt.Sprintf(fn, "Timeout: 3"), nil, "not a number"},
		{"unknown override", fmt.Sprintf(fn, "Timeout: 3"), map[string]string{"Nope": "1"}, "Parameters/Nope: --parameter-overrides names a parameter"},
		{"condition cycle", "Conditions: {A: !Condition B, B: !Not [!Condition A]}\n" + fmt.Sprintf(fn, "Timeout: 3"), nil, "depends on itself"},
		{"bad timeout", fmt.Sprintf(fn, "Timeout: soon"), nil, `Timeout: want a number, not "soon"`},
		{"event without path", fmt.Sprintf(fn, "Events: {E: {Type: Api, Properties: {Method: GET}}}"), nil, "an Api event needs a Path and a Method"},
		{"unknown API", fmt.Sprintf(fn, "Events: {E: {Type: HttpApi, Properties: {ApiId: nope, Method: GET, Path: /}}}"), nil, `"nope" is not an AWS::Serverless::HttpApi`},
		{"conflicting routes", fmt.Sprintf(fn, "Events: {A: {Type: HttpApi, Properties: {Method: GET, Path: /a}}, B: {Type: HttpApi, Properties: {Method: GET, Path: /a}}}"), nil, "GET /a"},
		{"not YAML", "Resources: [\n", nil, "not valid YAML"},
		{"deep", "Resources: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n", nil, "nested"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read([]byte(tt.tmpl), Options{Parameters: tt.params})
			var se *Error
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read = %v, want an *Error with %q", err, tt.want)
			}
		})
	}
}

// aliasBomb returns a YAML document of n levels, each a list of ten
// aliases of the level below: 10^n values once expanded.
func aliasBomb(n int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [" + strings.Repeat("x", 64) + "]\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("Resources: {R: {Type: AWS::SNS::Topic, Properties: {X: *a" + fmt.Sprint(n) + "}}}\n")
	return b.String()
}

// TestHostileTemplates checks that a template that would expand without
// bound (YAML aliases), nest without bound, or is too large is refused,
// and that refusing it costs memory that grows with its size only.
func TestHostileTemplates(t *testing.T) {
	alloc := func(src string) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Read([]byte(src), Options{})
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "expands to more than") {
			t.Errorf("Read of an alias bomb = %v, want refused", err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := alloc(aliasBomb(9)), alloc(aliasBomb(18))
	// 10^9 and 10^18 values expanded; a linear cost is about twice.
	if large > 4*small+1<<20 {
		t.Errorf("refusing a bomb of 18 levels allocated %d bytes, of 9 levels %d: not linear", large, small)
	}
	if _, err := Read([]byte("Resources: {}\n"+strings.Repeat("#", DefaultMaxSize)), Options{}); err == nil || !strings.Contains(err.Error(), "over the") {
		t.Errorf("Read of a template over the size limit = %v", err)
	}
}

// TestRawAPIs reads CloudFormation's own API resources: an
// AWS::ApiGatewayV2::Api with its integration, route, authorizer and
// stage, and an AWS::ApiGateway::RestApi with an OpenAPI Body and a stage.
func TestRawAPIs(t *testing.T) {
	const tmpl = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: go1.x}
    Properties: {Runtime: provided.al2, CodeUri: fn}
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: h, ProtocolType: HTTP}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Http
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
      PayloadFormatVersion: "1.0"
  Jwt:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Http
      AuthorizerType: JWT
      IdentitySource: [$request.header.Authorization]
      JwtConfiguration: {Issuer: "https://issuer.example", Audience: [me]}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Http, RouteKey: GET /items, Target: !Sub "integrations/${Integration}", AuthorizationType: JWT, AuthorizerId: !Ref Jwt}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Http, StageName: live, StageVariables: {a: b}, AutoDeploy: true}
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        openapi: "3.0.1"
        info: {title: r, version: "1"}
        paths:
          /r:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
  RestStage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Rest, StageName: beta, DeploymentId: x}
`
	app, err := Read([]byte(tmpl), Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := app.API("Http").API
	if len(h.Routes) != 1 || h.Routes[0].Key != "GET /items" || h.Routes[0].Authorizer != "Jwt" || h.Stages[0].Name != "live" || h.Stages[0].Variables["a"] != "b" {
		t.Errorf("Http = %+v", h)
	}
	if p, ok := h.Routes[0].Integration.(gateway.Proxy); !ok || p.PayloadVersion != event.PayloadV1 || p.Function != app.Function("Fn").Invoker() {
		t.Errorf("Http route integration = %+v", h.Routes[0].Integration)
	}
	r := app.API("Rest").API
	if r.Kind != event.REST || len(r.Routes) != 1 || r.Routes[0].Key != "GET /r" || r.Stages[0].Name != "beta" {
		t.Errorf("Rest = %+v", r)
	}
}
