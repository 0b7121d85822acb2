// Package trace reads, writes and propagates the AWS X-Ray trace header,
// X-Amzn-Trace-Id, as the services in front of a Lambda function do.
//
// # The header
//
// A trace header is a list of fields separated by semicolons, each a name,
// an equals sign and a value:
//
//	Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1
//
// Root is the trace id: the version 1, the request time in Unix seconds
// as 8 hex digits, and 96 random bits as 24 hex digits. Parent is the id
// of the calling segment (16 hex digits), Sampled the sampling decision
// (0, 1, or ? for "decide downstream"), Self the id an Application Load
// Balancer adds, Lineage what Lambda uses to detect recursive loops. Any
// other field belongs to the application that added it. [Parse] keeps
// every field, in order, so that [Header.String] gives back the header it
// read, without the optional spaces around fields, names and values.
//
// Parse refuses a header that is empty, has a field without '=' or with an
// empty name, or names a field twice. A malformed header is never an
// error for a client: the functions below treat it as absent.
//
// # What the services do
//
//   - [FromRequest] is API Gateway (REST and HTTP APIs) and function URLs:
//     a client's header with a well-formed Root is passed on whole, even
//     when the stage does not trace; a request without one gets a header
//     with a new Root. With active tracing (REST stages only), the
//     gateway makes the sampling decision the client left open and, when
//     it records the request, puts its own segment id in Parent.
//   - [FromLoadBalancer] is an Application Load Balancer: a header with a
//     Root keeps its fields and gets a new Self; one without gets a new
//     Root.
//   - [ForFunction] is Lambda: the header a function receives (the
//     Lambda-Runtime-Trace-Id invoke header, which the runtime copies to
//     _X_AMZN_TRACE_ID and to the context) keeps the Root, sets Parent to
//     the function's own segment and Sampled to 1 only for a trace an
//     upstream service sampled.
//   - [Header.Response] is the X-Amzn-Trace-Id value a REST API returns
//     to the client.
//
// [NewContext] and [FromContext] carry a header in a context.Context
// under the key aws-lambda-go uses, so that a handler run in process reads
// it as it would in Lambda.
//
// The evidence for each rule, and the decisions where AWS's behaviour is
// unrecorded, are in the repository's docs/evidence/observability.md.
//
// Headers are values: methods never modify the header they are called on,
// and a Header is safe for concurrent reads. New ids come from the
// runtime's random generator; they are unique, not secret.
package trace
