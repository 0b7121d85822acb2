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

// LambdaRequest is the largest event Lambda accepts for a synchronous
// (RequestResponse) invoke, in bytes: the documented 6 MB, 6 MiB, as the
// Invoke API's refusal says ("Request must be smaller than 6291456 bytes
// for the InvokeFunction operation"). (The Runtime Interface Emulator
// reads payloads up to 100 bytes more; no event Lambda delivers is that
// large.)
const LambdaRequest = 6 << 20

// GatewayPayload is the largest request body API Gateway accepts (REST
// and HTTP APIs, 10 MB); a larger one is refused with 413.
const GatewayPayload = 10 << 20

// GatewayHeader is the largest request line and header values API
// Gateway accepts (REST and HTTP APIs, 10,240 bytes).
const GatewayHeader = 10240

// ALBBody is the largest request body an Application Load Balancer sends
// a Lambda function, and the largest response JSON it takes back: 1 MB.
const ALBBody = 1 << 20
