// Package route routes requests to handlers exactly as Amazon API Gateway
// selects routes: HTTP APIs by most specific match, REST APIs by their
// resource tree, and WebSocket APIs by route selection expression.
//
// A [Router] follows the rules of one kind of API, chosen by
// [Config.Source]: event.REST for REST APIs, anything else (the zero
// value included) for HTTP APIs. It is a [handler.Handler]: Serve finds
// the route, sets the fields of the request that API Gateway sets for
// that route, and calls the route's handler, or answers as the gateway
// answers when no route matches. Match does the same without calling the
// handler, and Lookup answers the question without a request and never
// allocates.
//
//	r := route.New(route.Config{Source: event.HTTPAPI})
//	r.Handle("GET /pets/{id}", getPet)
//	r.Handle("ANY /{proxy+}", fallback)
//	lambdagate.Start(r)
//
// # Route keys
//
// Routes are registered with API Gateway's route keys: a method, one
// space and a path, or "$default" (HTTP APIs only).
//
//	GET /pets/{id}         a variable takes one non-empty segment
//	POST /files/{proxy+}   a greedy variable takes the rest of the path
//	ANY /pets              ANY takes the methods no route of the path names
//	$default               takes what no other route takes (HTTP APIs)
//
// The grammar:
//
//	key      = "$default" / method SP path
//	method   = "GET" / "POST" / "PUT" / "PATCH" / "DELETE" / "HEAD" / "OPTIONS" / "ANY"
//	path     = "/" / 1*( "/" segment )
//	segment  = literal / "{" name ["+"] "}" / "<" name ["+"] ">"
//	name     = 1*( ALPHA / DIGIT / "_" / "-" / "." )
//	literal  = 1*( any UTF-8 character except CTL, SP, "/", "{", "}", "<", ">", "?", "#" )
//
// "<id>" and "<proxy+>" (the Powertools spelling) mean "{id}" and
// "{proxy+}"; route keys are always reported in the braces spelling. A
// greedy variable must be the last segment, a variable must be a whole
// segment, a name appears once per key, and a path does not end in "/"
// (API Gateway refuses "GET /metrics/"). Malformed keys are errors that
// give the offset of the problem.
//
// # HTTP API precedence
//
// The route of an HTTP API request is the most specific route whose path
// matches and whose method is the request method or ANY:
//
//  1. A route without a greedy variable beats one with a greedy variable,
//     which beats $default.
//  2. Among those, compare paths segment by segment from the left: a
//     literal beats a variable, which beats a greedy variable. So
//     "/pets/dog/1" beats "/pets/dog/{id}", and "/pets/{proxy+}" beats
//     "/{proxy+}" (the longer literal prefix wins).
//  3. On the same path, the exact method beats ANY.
//  4. When the best path has no route for the method, the next best path
//     is tried: POST /pets/dog/1 with only "GET /pets/dog/1" and
//     "ANY /{proxy+}" goes to the latter.
//  5. With no match and no $default, the answer is 404
//     {"message":"Not Found"} with content-type application/json. API
//     Gateway never answers 405 and neither does a Router.
//
// Precedence never depends on registration order. Two routes with the
// same method and the same path up to variable names (GET /pets/{id} and
// GET /pets/{name}) are a conflict, reported when the second is
// registered with both keys, where each was registered and a request both
// would take. Routes with different variable names at the same position
// but different methods or paths are allowed.
//
// Decisions where AWS behaviour is not documented or not verified (each
// has a test): a variable never matches an empty segment, so "/pets/"
// does not match GET /pets/{id}; a greedy variable takes everything after
// the '/' that follows its prefix, which may be empty, so "/metrics/"
// matches GET /metrics/{proxy+} with proxy "" (reported by users), but
// "/" does not match /{proxy+}, which needs a route for "/" as in REST
// APIs; a trailing slash is not ignored ("/pets/" does not match GET
// /pets) unless [Config.IgnoreTrailingSlash] is set; paths and literals
// compare case-sensitively; HEAD does not fall back to GET; ANY takes any
// request method, even one outside the seven API Gateway lists.
//
// # REST API precedence
//
// A REST API is a tree of resources. The router searches it depth first:
// at each level it tries the literal child, then the variable child (a
// non-empty segment), then the greedy child (the rest of the path, at
// least one segment). A resource is accepted only if it has the request
// method or ANY, the exact method first; otherwise the search backtracks.
// This is the behaviour recorded on AWS: with "POST /test" and
// "OPTIONS /{proxy+}", OPTIONS /test goes to /{proxy+}; with "GET /part1",
// "GET /part1/hardcoded-value" and "GET /{param+}", GET /part1/random
// goes to /{param+}.
//
// A resource has at most one variable child, so registering
// "GET /pets/{id}" and "GET /pets/{name}/toys", or "/a/{id}" beside
// "/a/{proxy+}", is a conflict, as API Gateway refuses it. $default does
// not exist in REST APIs; use "ANY /{proxy+}" together with "ANY /".
// ANY takes the seven methods DELETE, GET, HEAD, OPTIONS, PATCH, POST and
// PUT only.
//
// Trailing slashes are ignored and leading duplicate slashes collapsed,
// as recorded: "/pets/" matches "/pets", "//pets" matches "/pets", and a
// greedy variable keeps internal "//". Paths and path parameters stay
// percent-encoded, so "%2F" never separates segments. An
// X-HTTP-Method-Override header replaces the method. A request no route
// takes, for an unknown path or an unknown method alike, gets 403
// {"message":"Missing Authentication Token"} with the header
// x-amzn-ErrorType: MissingAuthenticationTokenException.
//
// # Paths, stages and base paths
//
// Routers match [event.Request.Path], which the event decoder has already
// stripped of the stage; for HTTP APIs it is decoded, for REST APIs
// percent-encoded. A request fabricated for a test should carry the path
// the same way: "/pets/1", not "/dev/pets/1". [Config.BasePath] names the
// base path of a custom domain's API mapping; it is removed from paths
// that begin with it. [DecodeHTTPPath] turns the path a client sends into
// the path an HTTP API routes on, and rejects what HTTP APIs reject with
// 400. A path that does not begin with "/" matches nothing.
//
// When Serve dispatches, it sets req.RouteKey (HTTP APIs) or req.Resource
// and req.Context.ResourcePath (REST APIs), and req.PathParameters, so
// that handlers and the event agree even when the function routes on its
// own behind a single "$default" or "ANY /{proxy+}" route.
//
// # Middleware and groups
//
// Middleware runs outermost first: the router's ([Router.Use]), then each
// group's from the outermost ([Group.Use]), then the route's (the
// arguments after the handler). Router middleware also runs for requests
// no route takes. A [Group] adds a path prefix, which may have variables,
// to the keys registered through it. Use must be called before routes are
// registered on the router or group; otherwise it panics.
//
// # Registration errors
//
// Routes are registered one of two ways: Handle panics on a malformed key
// or a conflict, as net/http's ServeMux does, and Register returns the
// error instead (a [*ConflictError] for conflicts). Conflict messages
// read:
//
//	route: "GET /pets/{name}" (registered at main.go:14) conflicts with "GET /pets/{id}"
//	(registered at main.go:12): both match the same requests, like "GET /pets/name"
//
// # WebSocket APIs
//
// A [WebSocketRouter] dispatches on route keys: "$connect", "$disconnect",
// "$default" and custom keys. A message's key is the route selection
// expression evaluated on its JSON body: "$request.body.action",
// "${request.body.action}", several variables with literal text
// ("${request.body.service}/${request.body.action}"), or static text,
// where "\$" is a literal "$". A missing member evaluates to "". Non-JSON
// messages and keys without a route go to $default; with no $default the
// gateway's error is returned (403, {"message": "Forbidden", …}). Keys
// compare case-sensitively.
//
// # Speed
//
// Registration builds a tree of path segments. Matching walks it along the
// path; when routes overlap and the search backtracks, it visits each node
// of the tree at most once, so time grows no faster than linearly with the
// path, and never with the number of unrelated routes. Each step reads
// the 8 bytes after a '/' once: they are the key of the literal child in
// the node's hash table, whose multiplier is chosen at registration so
// that siblings rarely share a slot, and their first '/' ends the segment,
// so that the next step starts from what the path says rather than
// waiting for this step's child. Longer labels are confirmed 8 bytes at a
// time, and the node fields a match reads share one cache line. Lookup
// never allocates; Serve allocates only when req.PathParameters lacks room
// for the route's parameters. Over the 203 routes of the GitHub API, Serve
// runs about three times as fast as httprouter; the README gives the
// figures and the command that measures them.
//
// # Concurrency
//
// Register routes and middleware from one goroutine before serving. After
// that, Serve, Lookup, Select and Routes are safe for concurrent use.
package route
