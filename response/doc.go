// Package response is the response side of lambdagate: the [Response] a
// handler returns, its encoding for every event source, and the gateway's
// side of the exchange, [Gateway.Respond]: what a client gets for what a
// function returned.
//
// # Encoding
//
// [AppendOutput] writes a Response in the shape the request's source reads:
// payload 1.0 (REST, WebSocket, HTTP APIs with payload 1.0) with every
// header value in multiValueHeaders; payload 2.0 and function URLs with
// comma-joined headers and Set-Cookie values in cookies; ALB with
// statusDescription and the header mode the request used. A body is
// base64-encoded when [IsBinary] says its Content-Type or Content-Encoding
// is binary, or when it is not valid UTF-8; Response.Encoding overrides
// that. Header names that are not tokens and values with CR, LF or NUL are
// refused, never written.
//
// # The gateway's side
//
// [Gateway.Respond] applies what AWS records for each source:
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
//   - ALB: the header map of the target group's mode; a function error is
//     502 with the load balancer's HTML page.
//   - Function URLs: as HTTP APIs, but a function error is 502.
//
// Function errors (the invoke reported one) give the same error responses,
// see [Gateway.FunctionError].
package response
