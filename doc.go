// Package lambdagate runs HTTP APIs on AWS Lambda behind Amazon API
// Gateway (REST APIs, HTTP APIs, WebSocket APIs), Application Load
// Balancers and function URLs, with what AWS does reproduced case by case.
//
// A function receives one typed request and returns one typed response,
// whatever source sent it:
//
//	invoke bytes → Adapter → event.Decode → middleware → handler → response → bytes
//
// The [Handler] reads an [event.Request] and returns a [response.Response];
// [Adapter] is the aws-lambda-go lambda.Handler that decodes the invoke
// payload in one pass (detecting the source from the document), calls the
// handler, and encodes the response in the shape the source expects.
// [Start] runs a Handler in Lambda, and outside Lambda serves it through an
// in-process API Gateway on a local address, so one main runs in both
// places.
//
// # Errors
//
// A handler answers client errors with responses (response.Error). A
// returned error, a panic, or a response that cannot be encoded (a header
// value with CR or LF, say) is logged with log/slog, with the request ids
// and, for a panic, the stack, and the client gets what the gateway sends
// for a failed function: see [Adapter]. The runtime never crashes.
//
// # Concurrency
//
// The Lambda runtime invokes a function concurrently when
// AWS_LAMBDA_MAX_CONCURRENCY allows it, and the local gateway serves
// clients in parallel, so handlers must be safe for concurrent use. An
// Adapter is.
//
// # Packages
//
//   - event: the request, its decoder and encoder for every source,
//     conversions with aws-lambda-go's types and net/http, and fabricated
//     events for tests.
//   - response: the response, its encoding for every source, and the
//     gateway's side: what a client gets for a function's output.
//   - route: API Gateway's own routing (route keys, precedence, stages).
//   - mapping: REST mapping templates (VTL), request validation and
//     integration responses.
//   - cors: API Gateway's CORS behaviour.
package lambdagate
