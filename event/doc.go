// Package event is the request side of lambdagate: one [Request] type for
// every HTTP event source Lambda has (API Gateway REST, HTTP and WebSocket
// APIs, Application Load Balancers, function URLs), its decoder and
// encoder, conversions with aws-lambda-go's event types and net/http, and
// fabricated events for tests.
//
// # Decoding
//
// [Decode] reads the invoke payload in one pass, without reflection, and
// tells the source from the document itself: requestContext.elb means ALB
// (multi-value when the event has multiValueHeaders), version "2.0" means
// an HTTP API or, with a lambda-url domain or no route key and stage, a
// function URL, a connection id means WebSocket, version "1.0" an HTTP
// API with payload 1.0, and httpMethod a REST API. Authorizer events and
// other documents are refused.
//
// # Authorizer events
//
// [DecodeAuthorizer] reads the event a Lambda authorizer receives (REST
// TOKEN and REQUEST, HTTP API payload 1.0 and 2.0) into an
// [AuthorizerRequest], in the same single pass: a REQUEST event's request
// is decoded as its source's request events are. [ARN] parses and builds
// the method and route ARNs those events carry and IAM policies name;
// [Builder.BuildAuthorizer] fabricates authorizer events for tests. The
// typed responses and the function side are in package authorizer.
//
// Decode is strict where encoding/json is lenient: invalid UTF-8 and
// duplicate keys are errors. Member names match case-insensitively, as
// encoding/json matches struct fields.
//
// # Limits
//
// [Limits] bound what Decode accepts, and are passed in as a value: a
// payload over Limits.MaxPayload bytes, by default Lambda's 6 MB quota
// for a synchronous invoke payload as the Lambda runtime counts it (6 MiB
// plus 100 bytes), and nesting deeper than Limits.MaxDepth, by default
// 1,000 levels, are errors. [Decode] applies the defaults.
//
// # Per-source rules
//
// What AWS sends differs by source, and the Request keeps each rule
// (each with its evidence in the repository's docs/evidence/events.md):
//
//   - Path. REST, ALB and function URLs send the path percent-encoded as
//     the client sent it; HTTP APIs decode it (rawPath). A named HTTP API
//     stage prefixes rawPath; Path has it removed, RawPath keeps it.
//     REST's requestContext.path keeps the stage and duplicate slashes.
//   - Headers. Payload 1.0 sources send "headers" (last value of each
//     name) beside "multiValueHeaders" (every value); Header holds every
//     value, from the multi-value map. HTTP APIs and function URLs
//     lowercase names and join repeated headers with commas. REST keeps
//     the case the client used.
//   - Query. REST decodes values ('+' is a space) and keeps the last value
//     in queryStringParameters; HTTP APIs join repeated values with commas,
//     so Query is parsed from rawQueryString, where every value is still
//     separate; ALB sends names and values undecoded, and Query decodes
//     them while RawQuery keeps them as sent.
//   - Cookies. HTTP APIs move the Cookie header into a cookies array;
//     function URLs send both; payload 1.0 sources send the header only.
//     Cookies holds the name=value pairs in every case.
//   - Absent collections are null in payload 1.0 events and omitted in
//     payload 2.0 events; [Request.MarshalJSON] writes them as AWS does.
//   - Bodies are base64-encoded when AWS says so: REST for the API's
//     binaryMediaTypes; HTTP APIs, ALB and function URLs for every content
//     type but text/*, application/json, application/xml and
//     application/javascript (a missing Content-Type included). Body is
//     always the decoded bytes.
//
// # Fabricated events
//
// [New] builds the event a source would send for a method, target and
// body in one line; [Builder] sets the stage, route, authorizer, ids and
// the rest. Built events marshal byte for byte as AWS shapes them, and a
// fixed RequestID with a fixed Time gives identical events.
//
// # Cost
//
// Decode, [Builder.FromHTTP] and [Request.AppendJSON] take time and memory
// linear in the size of what they read, whatever it holds: thousands of
// headers, query parameters or map members, all distinct, all one name, or
// one name in every spelling of its case. (FromHTTP also sorts the header
// names, as an http.Header has no order.) Fields are grouped by name by
// scanning when there are few (up to 32, allocation-free) and with a hash
// table built once when there are more. Decode copies the payload once;
// strings in the Request share that copy. Requests are safe to read from
// several goroutines.
package event
