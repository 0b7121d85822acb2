// Package openapi reads and writes API Gateway's OpenAPI definitions: an
// OpenAPI 3.0 or Swagger 2.0 document (JSON or YAML), or the
// DefinitionBody of a SAM template, with the x-amazon-apigateway-*
// extensions API Gateway imports and exports, to and from a gateway.API.
//
// [Import] turns a definition into the gateway.API the cloud would deploy
// from it, so that package gateway serves it locally as API Gateway
// would: Lambda proxy and custom integrations, mocks, HTTP and HTTP proxy
// integrations, request validators and models, gateway responses, binary
// media types, compression, HTTP API CORS and parameter mapping, and
// stage variables in integration URIs. Lambda integration URIs resolve to
// local functions through [Options.Functions], by function name, ARN or
// SAM logical ID.
//
// [Export] turns a gateway.API into an OpenAPI 3.0 document with the same
// extensions, deployable with "aws apigateway import-rest-api" or as a
// SAM DefinitionBody; [Swagger2] converts it to Swagger 2.0.
//
// # Errors and notes
//
// A definition API Gateway would refuse (a malformed document, a $ref
// that does not resolve, an unknown integration type, conflicting routes,
// a greedy path variable that is not last) is refused with an [*Error]
// that lists every problem, each at its place in the file: a JSON pointer
// and a line and column. Settings that the local gateway does not emulate
// (VPC links, AWS service integrations, caching, documentation parts) are
// reported in [Result.Notes], never dropped silently. Authorizers, API
// keys and resource policies are refused until the gateway emulates them.
//
// # Cost
//
// An import costs time and memory linear in the document's size, which
// [Options.MaxSize] bounds (6 MB by default, API Gateway's quota for an
// imported definition); YAML aliases are expanded by the parser within
// its own limits, and $ref cycles are resolved once.
//
// This package lives in its own module so that the OpenAPI library it
// uses (kin-openapi) never reaches the programs a plain handler builds.
package openapi
