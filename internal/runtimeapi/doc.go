// Package runtimeapi serves the Lambda Runtime API, the HTTP interface a
// function process polls for invocations and answers them through, as the
// Lambda service does: GET next, POST response (buffered or streamed), POST
// error and POST init/error under /2018-06-01/runtime/.
//
// It exists so tests can run a function's real runtime loop (aws-lambda-go's
// lambda.Start in a child process) against a local Lambda and see what
// Lambda would see: the output bytes and content type, a function error and
// its type, an oversized response refused with 413 as Lambda refuses it.
//
// Rules kept from the Lambda documentation ("Using the Lambda runtime API
// for custom runtimes") and from the Runtime Interface Emulator:
//
//   - next blocks until an invocation is queued and answers it with the
//     Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn and
//     -Trace-Id headers;
//   - response and error answer 202; a buffered response over
//     quota.LambdaResponse bytes answers 413, and the invocation ends as the
//     function error Function.ResponseSizeTooLarge;
//   - a response posted in pieces (aws-lambda-go streams an io.Reader with
//     chunked encoding) reaches the invoker as it arrives.
package runtimeapi
