// Command calc is the Calc API of the API Gateway developer guide's
// tutorial: a REST API whose methods are Lambda custom (non-proxy)
// integrations, with request validation, mapping templates and
// integration responses chosen by the function's error message.
//
//	GET  /calc?operand1=&operand2=&operator=     required query parameters, a request template
//	POST /calc                                   a JSON body validated against the Input model
//	GET  /calc/{operand1}/{operand2}/{operator}  a path template and the Result response template
//
// The function itself is not an HTTP handler: it receives what the
// request templates render, {"a": ..., "b": ..., "op": ...}, and fails with
// "400 Invalid Input", "400 Invalid Operand" or "400 Invalid Operator",
// which the integration responses map to 400.
//
// In Lambda it runs the function; anywhere else, go run ./examples/calc
// serves the whole API locally under /test/ (the tutorial's stage) and
// prints curl commands to try.
package main
