// Package nethttp runs a net/http application (an http.ServeMux, chi, or
// any http.Handler) as a Lambda function behind every HTTP source:
// API Gateway REST, HTTP and WebSocket APIs, Application Load Balancers
// and function URLs.
//
//	lambdagate.Start(nethttp.Wrap(mux))
//
// [Wrap] turns the handler into a [handler.Handler]. For each event it
// builds the *http.Request a net/http server would have built for the
// client's original request, runs the handler, and returns what it wrote
// as a [response.Response], which the root Adapter encodes for the source.
//
// # The request
//
//   - Method, URL.Path and URL.RawPath as the source delivered the path:
//     REST, ALB and function URLs send it percent-encoded as the client
//     did, so "/files/a%2Fb" keeps RawPath and Path is "/files/a/b", as
//     net/http parses it; HTTP APIs send it decoded (AWS decodes rawPath,
//     sometimes twice), so Path is rawPath and RawPath is empty. A decoded
//     "%" or "?" in an HTTP API rawPath stays in Path, escaped in
//     EscapedPath and RequestURI; it is never taken as a query.
//   - URL.RawQuery as sent (HTTP APIs, function URLs, ALB) or re-encoded
//     from the decoded parameters (REST); RequestURI is the escaped path
//     and query.
//   - Header with every value and canonical names, without Host, which is
//     in Request.Host, as net/http does. HTTP APIs move the Cookie header
//     into a cookies array; it is rebuilt. Payload 2.0 sources join
//     repeated headers with commas, and the handler sees them joined.
//   - Host is the Host header, or the domain name. RemoteAddr is the
//     source IP with port 0 (no event carries the client port), so
//     net.SplitHostPort works on it. TLS is set for API Gateway and
//     function URLs, which serve HTTPS only, and for an ALB when
//     X-Forwarded-Proto is https, with ServerName the host; requests for
//     one host share one state, as the requests of one connection do in
//     a net/http server, so treat it as read-only. Proto is the event's
//     protocol.
//   - Body is the decoded body, with ContentLength.
//   - The context carries the event ([Event]) and the Lambda invoke
//     context ([Lambda]), never read from a header a client could send;
//     it is done at the invoke deadline, when the handler returns, and
//     when a streamed response's reader is closed.
//
// A WebSocket event is a message on a route, not an HTTP request: the
// handler sees POST /ROUTEKEY (GET /$connect for a connect event with
// its method), the message as the body.
//
// An event no net/http server would accept as a request gets the 400
// response net/http sends, and the handler does not run: a path that
// does not start with a slash, a control character in an encoded path or
// the query, an invalid percent-encoding
// in an encoded path ("400 Bad Request"), a header name that is not a
// token, a header value with a control character other than tab ("400
// Bad Request: invalid header value"), a malformed Host.
//
// # Paths, stages and base paths
//
// The handler sees the path its routes are written for: without the
// stage, and without a custom domain's base path where it can be told.
//
//	source            event path                        handler sees
//	REST, execute-api path has no stage                 path
//	REST, custom dom. path has the base path (/v1/pets) path without it (/pets), inferred
//	HTTP API 2.0      rawPath has a named stage         rawPath without the stage
//	HTTP API 1.0      path has a named stage [UNV]      path without the stage
//	HTTP API, domain  base path in rawPath [UNV]        inferred from the route, or BasePaths
//	ALB, function URL the path as sent                  the path, or BasePaths
//	WebSocket         no path                           /ROUTEKEY
//
// The rows marked [UNV] are unverified on AWS (see the repository's
// docs/evidence/gateway.md#difference-http-api-v1-stage-in-path and
// docs/evidence/events.md#http-api-paths).
//
// The base path is inferred, for REST and HTTP APIs, by matching the
// route the API matched (the REST resource or the route key's path, with
// the path parameters put in) against the end of the path: what comes
// before is the base path. Only a route that matches proves a base path,
// so nothing is stripped for $default routes; there, and for ALB listener
// rules on a prefix, [Config.BasePaths] names it. [Config.FullPath] turns all of
// this off: the handler sees the path the client requested, stage
// included (requestContext.path for REST, rawPath for HTTP APIs).
//
// # The response
//
// The writer behaves as net/http's: the status defaults to 200, also for
// a handler that writes nothing; the header is taken at WriteHeader (or
// the first Write), later changes are ignored; a second WriteHeader is
// ignored, 1xx statuses are dropped (Lambda cannot send them) and codes
// outside 100-999 panic; a body is refused for 204 and 304 with
// http.ErrBodyNotAllowed and discarded for HEAD; a missing Content-Type
// is sniffed with http.DetectContentType unless Content-Encoding is set
// or the handler set Content-Type to nil. Header values have CR and LF
// turned into spaces and names that are not tokens are dropped, as
// net/http writes them; trailers are dropped.
//
// Set-Cookie values become the response's cookies, so each source gets
// them where it reads them: the cookies array for payload 2.0 and
// function URLs, multi-value headers for payload 1.0 and multi-value ALB
// target groups; a single-value ALB target group cannot carry more than
// one (the function fails; enable multi-value headers). Repeated headers
// are multi-value for payload 1.0 and comma-joined for payload 2.0.
//
// A body is base64-encoded in the output when [response.IsBinary] says
// its Content-Type or Content-Encoding is binary, or when it is not valid
// UTF-8. [Config.Binary] replaces the rule; [SetEncoding] decides for one
// response.
//
// # Response streaming
//
// In the ResponseStream invoke mode (function URLs in RESPONSE_STREAM
// mode, REST streaming integrations; see handler.InvokeMode) the handler
// runs on its own goroutine, and Serve returns at its first Flush
// (http.Flusher, or http.ResponseController) with the body so far: the
// rest becomes the response's Stream, fed by the handler through a pipe,
// one chunk per Flush (or per 4 KB written), and the client gets each
// chunk as it is flushed. In the Buffered mode the handler runs on the
// caller's goroutine and the response is sent whole; a Flush sends
// nothing early. In the ResponseStream mode, a response that outgrows
// the buffer limit ([Config.BufferLimit], 6 MB by default, Lambda's
// response quota) streams as if flushed.
//
// # Errors and panics
//
// A panic in the handler is recovered and logged with the stack
// (http.ErrAbortHandler silently, as net/http does). Before the response
// is handed over the client gets the gateway's error response for a
// failed function (see handler.Adapter); after a flush the stream ends
// with the error, which the Lambda runtime reports.
//
// # Testing
//
// [Transport] is an http.RoundTripper that sends a request through the
// whole Lambda path for a source: the event the source would send, the
// Adapter's bytes in and out, and what the source answers its client.
// [Do] does it in one call, so a handler's tests can run under every
// source.
package nethttp
