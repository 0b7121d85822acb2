package quota

// LambdaResponse is the largest response Lambda accepts from a buffered
// (RequestResponse) invoke, in bytes: the documented 6 MB, which Lambda
// counts as 6 MiB plus 100 bytes. Lambda reports a larger one as the
// function error [ResponseTooLargeType] with [ResponseTooLargeMessage].
const LambdaResponse = 6<<20 + 100

// ResponseTooLargeType is the error type Lambda reports for a response
// over LambdaResponse.
const ResponseTooLargeType = "Function.ResponseSizeTooLarge"

// ResponseTooLargeMessage is the error message Lambda reports for a
// response over LambdaResponse.
const ResponseTooLargeMessage = "Response payload size exceeded maximum allowed payload size (6291556 bytes)."

// GatewayPayload is the largest request body API Gateway accepts (REST
// and HTTP APIs, 10 MB); a larger one is refused with 413.
const GatewayPayload = 10 << 20
