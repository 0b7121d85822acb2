// Command authz is an HTTP API guarded two ways, as API Gateway guards
// it: a JWT authorizer for the pet store's users and a Lambda authorizer
// (simple responses) for operators' API tokens.
//
//	GET  /health       open
//	GET  /pets         JWT with the scope pets/read (or pets/write)
//	POST /pets         JWT with the scope pets/write
//	GET  /admin/stats  the Lambda authorizer: an X-Api-Token it knows
//
// The handler reads who called from the event: the JWT's claims
// (requestContext.authorizer.jwt) or the authorizer's context
// (requestContext.authorizer.lambda).
//
// One binary is both functions of template.yaml: with AUTHZ_ROLE set to
// "authorizer" it is the Lambda authorizer, otherwise the API's handler.
// Anywhere else, go run ./examples/authz serves the whole API locally,
// JWT checks included, with a demo issuer whose key it makes at start
// and whose tokens it prints in the curl lines.
package main
