// Command webapp is an existing net/http application, a ServeMux with Go
// 1.22 patterns, run unchanged on Lambda behind a function URL in
// RESPONSE_STREAM mode, through lambdagate's net/http adapter:
//
//	GET  /                 an HTML page
//	GET  /hello/{name}     a path value
//	POST /echo             the request body back, and a cookie
//	GET  /logo.png         a binary download (a PNG made at start)
//	GET  /report.csv       a download with Content-Disposition
//	GET  /countdown        a streamed response: a line a flush, 5 to 0
//
// In Lambda it runs the app; anywhere else, go run ./examples/webapp
// serves it locally as a function URL would, streaming included.
package main
