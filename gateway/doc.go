// Package gateway is API Gateway on your machine: an http.Handler that
// behaves as an HTTP API or a REST API in front of Lambda functions, with
// no Docker and no AWS account.
//
// An [API] describes the API in Go: its kind, stages with their variables,
// routes (or REST methods) with their integrations, CORS, binary media
// types and the integration timeout. [New] checks it and returns a
// [Gateway]; gatewaytest wraps one for tests.
//
// For each request the gateway does what the cloud does, in order:
//
//  1. Select the stage: an HTTP API serves a named stage under /NAME/ and
//     the $default stage at the root (no match and no $default: 404
//     {"message":"Not Found"}); a REST API serves every stage under /NAME/
//     (no match: 403 {"message":"Missing Authentication Token"}).
//  2. Decode the path as HTTP APIs do (twice, cut at a decoded '?'; an
//     invalid escape is 400); REST APIs keep it as sent.
//  3. Refuse bodies over 10 MB with 413.
//  4. For an HTTP API with CORS, answer a preflight no route captures.
//  5. Route with package route's rules (404 for HTTP APIs, 403 with
//     x-amzn-ErrorType for REST), honouring X-HTTP-Method-Override on REST.
//  6. Run the integration. A [Proxy] integration gets the exact event the
//     source sends (package event's Builder, with the route's key,
//     resource and path parameters, stage variables, request id and time,
//     the client address), through the function's bytes path; its output
//     becomes the response as response.Gateway reads it (502/500 bodies,
//     binary decoding, the 2.0 shorthand). A [Direct] integration, such as
//     a mapping.Pipeline, answers the REST-shaped request itself.
//  7. On timeout answer REST 504 {"message":"Endpoint request timed out"}
//     or HTTP API 503 {"message":"Service Unavailable"}; an output over
//     6 MB is a function error (502 REST, 500 HTTP API).
//  8. Add CORS headers to integration responses (not to the gateway's own
//     errors), the request id header (REST x-amzn-RequestId, HTTP APIs
//     apigw-requestid), and for REST rename the headers the gateway owns
//     (WWW-Authenticate, Server, Date, …) to X-Amzn-Remapped-*.
//  9. Log one structured line (log/slog) with the request id, route key,
//     status and integration latency.
//
// Functions may live in the process ([Handler]) or behind the Lambda
// Invoke API ([Remote]), as the Lambda Runtime Interface Emulator and other
// local Lambda services serve it.
//
// # Differences from AWS
//
// Header names reach events in net/http's canonical case (a REST API keeps
// the client's case); edge-optimized CloudFront headers, throttling, usage
// plans, API keys and authorizers are not emulated. A function that
// ignores its context keeps running after a timeout, as it would in
// Lambda until its own timeout.
package gateway
