// Package handler is the vocabulary every stage of lambdagate shares: the
// [Handler] that answers one request, [Func], [Middleware] and [Chain],
// the [InvokeMode] of an invoke, the [Invoker] that is a Lambda function
// at the bytes level, and the [Adapter] that turns a Handler into one.
//
// Package route, cors, nethttp, mapping and gateway import it; it imports
// only event and response. Programs usually name these through the root
// package (lambdagate.Handler, lambdagate.HandlerFunc, ...), which aliases
// them.
//
// # The bytes path
//
//	invoke payload → Adapter.Invoke → event.Decode → Handler.Serve → response.AppendOutput → output
//
// [Adapter.Invoke] is the path a deployed function runs under
// aws-lambda-go's runtime, and the one the local gateway runs for an
// in-process function, so a test through the gateway exercises the code
// Lambda runs. [Adapter.InvokeStream] is its counterpart for Lambda's
// response streaming mode.
//
// # Errors
//
// A handler answers client errors with responses (response.Error). A
// returned error, a panic, or a response that cannot be encoded (a header
// value with CR or LF, say) is logged with log/slog, with the request ids
// and, for a panic, the stack, and the client gets what the gateway sends
// for a failed function (see [Adapter]). A response over Lambda's 6 MB
// quota ends as the function error Lambda reports for it. The process
// never exits because of a request.
//
// # Concurrency
//
// The Lambda runtime invokes a function concurrently when
// AWS_LAMBDA_MAX_CONCURRENCY allows it, and the local gateway serves
// clients in parallel, so handlers must be safe for concurrent use. An
// Adapter is.
package handler
