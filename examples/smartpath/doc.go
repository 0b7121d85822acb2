// Command smartpath is a REST API with a Lambda proxy integration on
// POST /smartpath that takes an XML order in windows-1252 (Content-Type:
// text/xml; charset=windows-1252) and answers JSON, with CORS enabled the
// REST way: the function returns the CORS headers itself, and an OPTIONS
// method with a MOCK integration answers preflights ("Enable CORS").
//
// It also shows the 502 a malformed proxy response produces: POST
// /smartpath?mistake=object-body makes the function return a body that is
// a JSON object instead of a string, as a common bug does, and API
// Gateway answers 502 {"message":"Internal server error"}.
//
// In Lambda it runs the function; anywhere else, go run ./examples/smartpath
// serves the API locally under /prod/, as template.yaml deploys it.
package main
