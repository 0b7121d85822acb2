// Package mapping runs the methods of a REST API with a custom
// integration as API Gateway runs them: request validation, mapping
// templates (run by package [github.com/lambdagate/lambdagate/mapping/vtl]),
// the integration, integration responses and their parameters.
//
// # Request validation and the integration pipeline
//
// Package model compiles an API's models (JSON Schema draft 4, with $ref
// between models by their API Gateway URL) once. [NewPipeline] compiles a
// [Method], API Gateway's method request, integration and integration
// responses, into a [Pipeline], a lambdagate Handler that runs a request
// the way API Gateway runs a custom integration: required parameters and
// the body model are checked first (400 "Missing required request
// parameters: [...]", then "Invalid request body"); the request template
// is chosen by Content-Type, with WHEN_NO_MATCH, WHEN_NO_TEMPLATES and
// NEVER passthrough (415); a Lambda function ([TypeAWS]), a mock
// ([TypeMock]) or an HTTP backend ([TypeHTTP]) answers; the integration
// response is chosen by matching selection patterns, Java regexes matched
// against the whole Lambda errorMessage or against the status code, with
// the lowest status code tried first; responseParameters set headers; and
// the response template is chosen by the first Accept media type.
// What the templates leave in $context.requestOverride and
// $context.responseOverride overrides the integration request and the
// response. A template that fails, one that overrides a parameter twice
// included, is answered 500 {"message":"Internal server error"}.
// Everything is checked when the pipeline is built. A Pipeline is
// immutable and safe for concurrent use.
package mapping
