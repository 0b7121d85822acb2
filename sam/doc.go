// Package sam reads a SAM or CloudFormation application, the template a
// developer deploys, into the pieces lambdagate runs locally: its Go
// functions as lambdaservice functions (real processes speaking the
// Lambda Runtime API) and its APIs as gateway APIs in front of them, so
// that the application runs on this machine, and in go test, as it runs
// in the cloud, with no Docker and no AWS account.
//
// [Open] (or [Read]) reads a template into an [App]: parameters (with
// their defaults and [Options.Parameters], as sam's --parameter-overrides
// gives them), conditions, intrinsic functions in their long and short
// forms, SAM Globals, and the resources lambdagate emulates:
//
//   - AWS::Serverless::Function: CodeUri, Handler, Runtime (provided.al2023,
//     provided.al2, go1.x), Architectures, Environment, Timeout,
//     MemorySize, ReservedConcurrentExecutions, FunctionUrlConfig, Metadata
//     BuildMethod (go1.x, makefile), and its Api and HttpApi events (Path,
//     Method, RestApiId or ApiId, Auth, RequestParameters,
//     PayloadFormatVersion, TimeoutInMillis), which make the implicit
//     ServerlessRestApi and ServerlessHttpApi when they name no API;
//   - AWS::Serverless::Api and AWS::Serverless::HttpApi: StageName, Cors
//     (CorsConfiguration), Auth (Lambda TOKEN and REQUEST authorizers
//     whose function is in the template, JWT authorizers, IAM, API keys
//     and usage plans), BinaryMediaTypes, MinimumCompressionSize,
//     GatewayResponses, Variables (StageVariables), DefinitionBody and
//     DefinitionUri through package openapi;
//   - AWS::ApiGateway::RestApi with a Body, or a BodyS3Location naming a
//     local file; AWS::ApiGatewayV2::Api (HTTP and WEBSOCKET), Integration,
//     Route, RouteResponse and Stage; AWS::Lambda::Url.
//
// Everything else the template uses (other resource types, properties
// that change nothing locally or that lambdagate does not emulate,
// intrinsic functions it cannot resolve on this machine) is reported in
// [App.Notes], each at its place, never dropped silently.
//
// [Start] builds each function (go build of its CodeUri for this machine,
// or its makefile), adds it to a lambdaservice.Service with the
// template's configuration, and returns a [Stack] whose APIs invoke the
// function processes; [Stack.Watch] rebuilds a function when a file under
// its CodeUri changes and swaps its instances without dropping
// invocations in flight. [Stack.Close] stops every process.
//
// The template library is github.com/awslabs/goformation/v7: its
// intrinsic processor walks the template and calls this package's
// handlers for each intrinsic function, since its own leave references to
// resources unresolved, strip what Fn::Sub cannot resolve, and panic on
// some malformed arguments. YAML is read by package openapi's reader
// (go.yaml.in/yaml/v4), which turns short-form tags into their long form
// within a budget, so that an alias bomb or deep nesting costs bounded
// memory. The evidence for each rule and the decisions where SAM's or
// CloudFormation's behaviour is unrecorded are in the repository's
// docs/evidence/sam.md.
//
// This package lives in a module of its own so that the template
// library and the file watcher never reach the programs a plain handler
// builds.
package sam
