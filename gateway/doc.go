// Package gateway is API Gateway on your machine: an http.Handler that
// behaves as an HTTP API, a REST API, a WebSocket API, an Application Load
// Balancer target group or a function URL in front of Lambda functions,
// with no Docker and no AWS account. It is lambdagate's one engine for the path
//
//	HTTP request → the event AWS sends → invoke → function output → the response AWS gives
//
// lambdagate.Start serves a function locally through it, nethttp.Do and
// nethttp.Transport test a net/http app through it, gatewaytest wraps it
// for tests, and the command line tool asks it which route takes a
// request and what event the route's integration gets.
//
// An [API] describes the API in Go: its kind (an event.Source), stages
// with their variables, routes (or REST methods) with their integrations,
// CORS, binary media types and the integration timeout. [New] checks it,
// reporting every problem, and returns a [Gateway].
//
// For each request the gateway does what the service does, in order:
//
//  0. Refuse a request line and headers over the kind's quota (431 for
//     API Gateway, the load balancer's 400 page for ALB).
//  1. Select the stage: an HTTP API serves a named stage under /NAME/ and
//     the $default stage at the root (no match and no $default: 404
//     {"message":"Not Found"}); a REST API serves every stage under /NAME/
//     (no match: 403 {"message":"Missing Authentication Token"}). ALB
//     target groups and function URLs have no stages.
//  2. Decode the path as HTTP APIs do (twice, cut at a decoded '?'; an
//     invalid escape is 400); REST APIs keep it as sent.
//  3. For an HTTP API with CORS, answer a preflight no route captures.
//  4. Match the route with package route's rules (404 for HTTP APIs, 403
//     with x-amzn-ErrorType for REST), honouring X-HTTP-Method-Override
//     on REST.
//  5. Refuse bodies over the kind's quota with 413, from the
//     Content-Length before reading any of the body when there is one;
//     read the body within the body timeout.
//  6. Authorize (REST and HTTP APIs; WebSocket APIs authorize their
//     handshakes, see below; see Authorization below): the stage
//     and route throttle, the resource policy, the route's authorizer,
//     the API key and its usage plan. A refusal is answered with AWS's
//     status, body and x-amzn-ErrorType, and no CORS headers. Then, for a
//     REST route with a [Validator], validate the request (400
//     BAD_REQUEST_PARAMETERS or BAD_REQUEST_BODY).
//  7. Run the integration with a context that carries the integration
//     timeout. A [Proxy] integration gets the exact event the source
//     sends (package event's Builder, with the route's key, resource and
//     path parameters, stage variables, request id and time, the client
//     address), through the function's bytes path, with the Lambda
//     context aws-lambda-go would give it; its output becomes the
//     response as an [OutputReader] reads it. In the ResponseStream
//     invoke mode the body reaches the client chunk by chunk. A [Direct]
//     integration, such as a mapping.Pipeline, answers the REST-shaped
//     request itself. An [HTTP] integration passes the request on to an
//     HTTP backend over the network (HTTP_PROXY), with REST request
//     parameters or HTTP API parameter mapping; a [StageURI] picks the
//     integration its URI's stage variables name for the request's stage.
//     An integration's own timeout (timeoutInMillis) replaces the API's.
//  8. On timeout answer REST 504 {"message":"Endpoint request timed out"}
//     or HTTP API 503 {"message":"Service Unavailable"} at the deadline,
//     whatever the integration does after (it runs on a goroutine of its
//     own, so the connection is free for the client's next request); for
//     ALB and function URLs a timeout is a function error. An event over
//     Lambda's 6 MB is refused as Lambda refuses it; an output over the
//     kind's quota is a function error (502 REST, 500 HTTP API), as is a
//     panic; an invoke Lambda rejects is 500.
//  9. Add CORS headers to integration responses (not to the gateway's own
//     answers), the request id header (REST x-amzn-RequestId, HTTP APIs
//     apigw-requestid), and for REST rename the headers the gateway owns
//     (WWW-Authenticate, Server, Date, …) to X-Amzn-Remapped-*. A REST
//     API's own answers take its gateway response customizations
//     (API.GatewayResponses: status, headers, substituted templates, with
//     DEFAULT_4XX and DEFAULT_5XX as fallbacks); its integration responses
//     are compressed with gzip or deflate for clients that ask, when
//     API.MinimumCompressionSize is set.
//  10. Log the request: in API Gateway's access log format when the stage
//     has an [AccessLog] (the console's CLF, JSON, XML and CSV presets, or
//     any $context format), otherwise one structured line (log/slog) with
//     the request id, route key, status and integration latency.
//
// A client's X-Amzn-Trace-Id is kept (a load balancer adds its Self; a
// REST stage with Tracing samples it and adds a Parent), reaches the
// event's headers, and the function gets the trace Lambda gives it (the
// runtime's context value in process, the Invoke request's header for
// [Remote]); a REST API answers with the trace's Root and its
// x-amz-apigw-id.
//
// [Gateway.Match] and [Gateway.Event] run steps 1 to 4 (and read the
// body, for Event) without calling anything. [Gateway.RoundTrip] serves a
// request in process, as an http.RoundTripper.
//
// # Authorization
//
// [API.Authorizers] names the API's authorizers and each [Route] names
// the one that guards it, with its AuthorizationScopes and, for REST,
// APIKeyRequired. An [Authorizer] is one small interface; the kinds are:
//
//   - [LambdaAuthorizer]: REST TOKEN and REQUEST authorizers, HTTP API
//     authorizers (payload 1.0 and 2.0, simple responses or policies) and
//     WebSocket $connect authorizers, with identity sources, result
//     caching by identity source values (REST and HTTP APIs) and IAM
//     policy evaluation (package authorizer).
//   - JWT authorizers of HTTP APIs: package gateway/jwtauth.
//   - IAM authorization (SigV4), REST, HTTP and WebSocket APIs: package
//     gateway/iamauth.
//
// JWT and SigV4 verification live in those packages so that a function
// that does not use them does not link them. [API.ResourcePolicy] is a
// REST API's resource policy; [API.APIKeys] and [API.UsagePlans] are its
// keys and usage plans (token bucket throttles, quotas per day, week or
// month); [Stage] carries stage and per-route throttles for both kinds.
// [API.Now] is the clock caching, throttles, quotas and token lifetimes
// read, so tests move time instead of sleeping. An HTTP API route that
// captures CORS preflights (ANY, OPTIONS, $default) runs its authorizer
// for them, as AWS does. The rules and their evidence are in the
// repository's docs/evidence/authorizers.md.
//
// # Limits and cost
//
// [Limits] holds the size quotas, AWS's by default: request bodies of
// 10 MB (API Gateway), 1 MB (ALB) or 6 MB (function URLs), 10,240 bytes of
// request line and headers for API Gateway (16 KB per line and 64 KB in
// all for ALB), events and outputs of 6 MB (outputs of 1 MB behind ALB).
// A request costs time and memory linear in its size, which these quotas
// bound, except for what an integration does; a decoded path, query or
// header that is not UTF-8 is refused with 400 rather than altered. A
// [Server] bounds what a network client can hold: connections, and the
// time to send headers and to stay idle.
//
// # Reading function output
//
// An [OutputReader] applies what AWS records for each source:
//
//   - REST: the output must be an object with only statusCode, body,
//     headers, multiValueHeaders and isBase64Encoded, or the client gets
//     502 {"message":"Internal server error"} with x-amzn-ErrorType:
//     InternalServerErrorException. statusCode may be a string of digits
//     and defaults to 200; header values may be booleans; multiValueHeaders
//     values come first and equal pairs are sent once; a body that is not a
//     string is a 502. A base64 body is decoded only when the first media
//     type of the request's Accept header matches a binary media type
//     (exactly, by type/*, or by a */* entry); an invalid one then gives
//     500. Content-Type defaults to application/json.
//   - HTTP APIs, payload 2.0: output without statusCode is the body itself
//     (a JSON string unquoted), 200, application/json; otherwise headers,
//     cookies (one Set-Cookie each) and a base64 body, always decoded;
//     multiValueHeaders and other members are ignored. Errors are 500
//     {"message":"Internal Server Error"}.
//   - HTTP APIs, payload 1.0: as REST, but other members are ignored and
//     statusCode is required.
//   - ALB: the header map of the target group's mode (names as written,
//     so case spellings of Set-Cookie each reach the client); a function
//     error is 502 with the load balancer's HTML page.
//   - Function URLs: as HTTP APIs, but a function error is 502.
//
// The evidence for each rule, and the decisions where AWS's behaviour is
// unrecorded, are in the repository's docs/evidence.
//
// Reading an output takes time and memory linear in its size, however
// many headers it has and however alike their names (repeated members, one
// name in every spelling of its case): headers are grouped by name by
// scanning when there are few (up to 32) and with a hash table built once
// when there are more.
//
// # Functions
//
// Functions may live in the process (a handler.Adapter around a Handler,
// which runs the same bytes path a deployed function runs) or behind the
// Lambda Invoke API ([Remote]), as the Lambda Runtime Interface Emulator
// and other local Lambda services serve it.
//
// # WebSocket APIs
//
// A WebSocket API (Kind event.WebSocket) serves each stage's handshake at
// /STAGE and the API Gateway Management API under /STAGE/@connections/,
// with the WebSocket protocol of API.Upgrader (package gateway/websocket;
// package gateway does not import a WebSocket library, so that programs
// serving other kinds of API do not carry one):
//
//   - An authorizer on $connect, the only route that takes one (a
//     [LambdaAuthorizer] of type REQUEST, or IAM), decides first: a
//     missing identity source is 401 without an invoke, a deny 403, a
//     failed authorizer 500, and a refused handshake never reaches
//     $connect. Results are never cached, as AWS caches none for
//     WebSocket APIs. What it grants (principalId, the context as
//     strings and integrationLatency in requestContext.authorizer; the
//     IAM caller in requestContext.identity) is in every event of the
//     connection. Its event is the handshake's, in the shape of AWS's
//     documented WebSocket authorizer input (event.AuthorizerRequest).
//   - $connect gets the handshake's headers and query; a non-2xx output
//     refuses the handshake with that status and body, a failed function
//     with 502, a timeout with 504. Without a $connect route every
//     handshake is accepted. A Sec-WebSocket-Protocol header in the
//     output chooses the subprotocol.
//   - Each message is routed by API.RouteSelectionExpression (default
//     $request.body.action) to a custom route or $default, and runs on
//     its own, as API Gateway invokes an integration per message (at
//     most 100 of a connection at once; more wait to be read). A
//     two-way route (Route.TwoWay) sends the output's body back; a failed
//     or timed-out integration sends {"message": "Internal server error",
//     ...} or {"message": "Endpoint request timed out", ...}, a message no
//     route takes {"message": "Forbidden", ...}. A binary frame closes the
//     connection with 1003.
//   - $disconnect gets the close code and reason of whichever side
//     closed: the client's close frame, 1006 for a dropped connection,
//     1000 "Connection Closed Normally" for DELETE @connections, 1009 for
//     a frame or message over the quota, 1001 "Going away" at the idle
//     timeout, at the connection's duration and at [Gateway.Close].
//   - POST @connections/ID sends the body to the client (in frames of at
//     most the frame quota, text when UTF-8), GET returns connectedAt,
//     lastActiveAt and identity, DELETE disconnects; a connection that is
//     gone, or still in $connect, is 410 GoneException. Signatures are
//     accepted and not checked.
//
// Limits holds the quotas (128 KB messages, 32 KB frames, 10 minutes
// idle, 2 hours in all). Events have the members of AWS's captured
// samples, built by package event.
//
// # Differences from AWS
//
// Header names reach events in net/http's canonical case (a REST API keeps
// the client's case); edge-optimized CloudFront headers, Cognito user pool
// authorizers, the account-level throttle, VPC links and request body
// decompression are not emulated.
//
// Package openapi (a module of its own) reads an API Gateway OpenAPI
// definition into an [API] and writes one back. A
// function that ignores its context keeps running after a timeout, as it
// would in Lambda until its own timeout.
package gateway
