// Package response is the response side of lambdagate: the [Response] a
// handler returns, its encoding into function output for every event
// source, and the answers a source's gateway gives when the function
// fails or no route takes a request.
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
// AppendOutput and [AppendPrelude] take time and memory linear in the
// size of the response, however many headers it has and however alike
// their names: headers are grouped by name by scanning when there are
// few (up to 32, allocation-free) and with a hash table built once when
// there are more.
//
// # The gateway's answers
//
// [FunctionError] and [NotFound] are the responses a source's gateway
// gives for a failed function and for a request no route takes. A
// function gives them too, as the gateway would (handler.Adapter,
// route.Router), and the local gateway uses the same ones. How the
// gateway reads a function's output is package gateway's OutputReader.
package response
