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
// # Security
//
// Security schemes become the API's authorizers, by scheme name: an
// x-amazon-apigateway-authorizer of type token or request is a
// gateway.LambdaAuthorizer whose authorizerUri resolves to a function as
// integration URIs do; type jwt is a jwtauth authorizer, its keys from
// [Options.JWT] or the issuer's discovery document;
// x-amazon-apigateway-authtype awsSigv4 (and an operation's
// x-amazon-apigateway-auth AWS_IAM) is IAM authorization against the
// credentials of [Options.IAM]; an apiKey scheme named x-api-key in a
// header makes the operations that name it require an API key of
// [Options.APIKeys]. An operation's security sets its route's authorizer,
// scopes (JWT) and API key: every scheme it names counts, whichever
// requirement object holds it, and a method has one authorizer. Root-level
// security, which REST APIs do not use, is reported there and refused in
// HTTP APIs, where AWS documents nothing.
// x-amazon-apigateway-api-key-source and x-amazon-apigateway-policy set
// the API's key source and resource policy. Cognito user pool authorizers
// are refused: they are not emulated. [Export] writes all of these back.
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
// (VPC links, AWS service integrations, caching, documentation parts,
// authorizer credentials) are reported in [Result.Notes], never dropped
// silently.
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
