// Package cors is API Gateway's CORS behaviour as a helper: the CORS stage
// of an HTTP API, built from the same configuration, and the mock OPTIONS
// method that a REST API's "Enable CORS" action creates.
//
// Build a [CORS] once from a [Config] with [New], which checks the whole
// configuration and reports every problem together. Then use it in any of
// three ways:
//
//   - [CORS.Middleware] wraps a [handler.Handler] (a router or a single
//     function), for functions that do their own CORS.
//   - [CORS.HTTPMiddleware] wraps a net/http handler.
//   - [CORS.Preflight] and [CORS.Apply] (and their net/http forms
//     [CORS.PreflightHTTP] and [CORS.ApplyHTTP]) are the steps a gateway
//     runs: answer a preflight, or set the CORS headers of a handler's
//     response.
//
// All the work is done by New; handling a request allocates nothing (see
// each method for the exceptions imposed by returning a new response).
//
// # HTTP API behaviour
//
// What API Gateway documents (http-api-cors):
//
//   - A preflight is an OPTIONS request with an Origin and an
//     Access-Control-Request-Method header ([IsPreflight]). Any other
//     request, OPTIONS without Access-Control-Request-Method included, is
//     an actual request and is routed normally.
//   - A preflight is answered without calling the handler, unless a route
//     captures it: an OPTIONS or ANY route for its path, or $default.
//     The handler is asked through [Router]; a handler that does not
//     implement Router has no such route.
//   - CORS headers are sent only when the request carries an Origin
//     header that the configuration allows.
//   - The backend's own CORS headers are ignored: every Access-Control-*
//     header of a handler's response is removed before the configured
//     ones are added.
//   - AllowCredentials with a "*" origin is refused when the
//     configuration is built ([ErrCredentialsWithAnyOrigin]), with the
//     meaning of AWS's BadRequestException. MaxAge ranges over -1..86400
//     and methods over 1 to 64 characters, as in the API.
//   - Gateway error responses carry no CORS headers: an error returned by
//     the wrapped handler passes through unchanged.
//
// Decisions where AWS's behaviour is not documented or not observed,
// each covered by the package's tests:
//
//   - The answer to an allowed preflight is 204 with no body
//     (reported from live APIs, not documented). It carries
//     Access-Control-Allow-Origin, -Allow-Credentials (when configured),
//     -Allow-Methods and -Allow-Headers (the configured lists, in order,
//     joined with "," and not filtered by what the request asks: the
//     browser does that check), and -Max-Age.
//   - A preflight from an origin that is not allowed gets
//     Config.DisallowedPreflightStatus, 204 by default, with no CORS
//     headers, so the browser fails it. Emulators disagree (403 or 204).
//   - A preflight that a route captures reaches the handler, whose status
//     and body are kept, and gets the preflight headers above. This is
//     what makes AWS's advice to add an "OPTIONS /{proxy+}" route without
//     an authorizer work; a route whose authorizer refuses the preflight
//     answers 401 or 403, which the browser fails.
//   - An actual response gets Access-Control-Allow-Origin,
//     -Allow-Credentials (when configured) and -Expose-Headers (when
//     configured).
//   - Every response the stage handles gets Vary: Origin (unless its
//     Vary already lists Origin or is "*"), even when the request had no
//     Origin, since the CORS headers depend on it.
//   - Access-Control-Allow-Origin is "*" when "*" is configured, and the
//     request's Origin, unchanged, when another pattern allows it.
//   - Origins are compared ASCII case-insensitively (scheme and host are
//     case-insensitive; browsers send them in lower case). Origin values
//     longer than [MaxOriginLen] match only "*".
//   - MaxAge 0 sends no Access-Control-Max-Age (browsers default to 5
//     seconds); -1 sends "0", which browsers read as "do not cache" (the
//     Fetch standard ignores a negative value and caches for 5 seconds).
//   - Header names are sent in lower case, as HTTP APIs send them;
//     [CORS.PreflightHTTP] and [CORS.ApplyHTTP] use net/http's canonical
//     form.
//
// # Origin patterns
//
// An AllowOrigins entry is "*", an origin ("https://app.example.com",
// "http://127.0.0.1:8080", "http://[::1]:3000"), a scheme wildcard
// ("https://*", any origin with that scheme, as AWS documents), or a
// subdomain wildcard ("https://*.example.com", an extension: one or more
// labels before ".example.com", with the same scheme and port; it does
// not match "https://example.com" itself). New refuses other entries with
// a reason: a path or a trailing "/", a default port (":443" on https),
// a wildcard elsewhere, "null", a missing scheme.
//
// Origin matching is the part of CORS where mistakes open an API to
// every site; the tests check it against a direct implementation on
// generated origins, and fuzz it.
//
// # What browsers enforce
//
// The helper sends what the gateway sends; the browser decides (the Fetch
// standard's CORS protocol). Mind these rules when writing a Config:
//
//   - With credentials (cookies, fetch's credentials: "include"), "*" in
//     Access-Control-Allow-Origin, -Allow-Methods, -Allow-Headers or
//     -Expose-Headers is not a wildcard; Access-Control-Allow-Credentials
//     must be "true".
//   - The Authorization request header is never covered by "*" in
//     Access-Control-Allow-Headers: list it by name. (Chromium still
//     accepts it under "*", with a deprecation warning; the standard
//     does not.)
//   - A preflight answer must have a 2xx status.
//
// # REST APIs
//
// REST APIs have no CORS engine. The console's "Enable CORS" action
// creates, on one resource, an OPTIONS method with a MOCK integration
// that answers 200 with three static headers:
// Access-Control-Allow-Headers ([ConsoleAllowHeaders] by default),
// Access-Control-Allow-Methods (the selected methods and OPTIONS, sorted:
// "GET,OPTIONS") and Access-Control-Allow-Origin ("*" by default). [REST]
// reproduces that method. A Lambda proxy integration behind a REST API
// must send its own CORS headers, for instance with [CORS.Middleware].
package cors
