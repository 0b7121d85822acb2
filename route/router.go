package route

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// Config configures a [Router]. The zero Config is an HTTP API router
// without a base path.
type Config struct {
	// Source selects the routing rules: event.REST routes as REST APIs
	// do; every other source (event.HTTPAPI, and event.Unknown, the zero
	// value) as HTTP APIs do. A function URL or ALB function that routes
	// its own requests gets HTTP API rules. WebSocket APIs select routes
	// differently: see [NewWebSocket].
	Source event.Source
	// BasePath is the base path of a custom domain's API mapping, such as
	// "/v1". When a request path begins with it (at a segment boundary),
	// it is removed before matching; other paths are matched as they are,
	// so requests fabricated with or without the base path both route.
	// A missing leading '/' is added and a trailing '/' removed.
	BasePath string
	// IgnoreTrailingSlash makes an HTTP API router match "/pets/" as
	// "/pets". Whether HTTP APIs do so is unverified, and by default they
	// do not; REST APIs always ignore trailing slashes, whatever this says.
	IgnoreTrailingSlash bool
}

// A Router routes requests to handlers as API Gateway routes them.
// See the package documentation for the rules.
//
// The zero Router is an HTTP API router with no routes, ready to use.
// Register routes and middleware before serving; after that, Serve and
// Lookup are safe for concurrent use by multiple goroutines.
type Router struct {
	src         event.Source
	rest        bool // REST API rules
	basePath    string
	ignoreSlash bool
	plain       bool // an HTTP API without base path or ignored trailing slash

	root    node
	def     *entry            // the $default route
	byShape map[string]*entry // "GET /pets/{}" → route, to find duplicates
	entries []*entry          // in registration order
	// vars holds, for REST, the variable that first took the variable
	// position under a node (REST allows one variable child per resource).
	vars    map[*node]varInfo
	top     Group // the router's own group: its middleware
	notFind handler.Handler
}

// New returns a router with the given configuration.
func New(c Config) *Router {
	r := &Router{src: c.Source, rest: c.Source == event.REST, ignoreSlash: c.IgnoreTrailingSlash}
	bp := strings.TrimRight(c.BasePath, "/")
	if bp != "" && bp[0] != '/' {
		bp = "/" + bp
	}
	r.basePath = bp
	r.plain = !r.rest && bp == "" && !r.ignoreSlash
	return r
}

// Source returns the source whose routing rules the router follows, as
// its Config gave it.
func (r *Router) Source() event.Source { return r.src }

// group returns the router's own group.
func (r *Router) group() *Group {
	r.top.r = r
	return &r.top
}

// A ConflictError reports a route that cannot be registered beside
// another one.
type ConflictError struct {
	Route      string // the route key being registered
	At         string // where it was registered
	Existing   string // the route key it conflicts with
	ExistingAt string // where that one was registered
	// Example is a request both routes would take with the same
	// precedence, such as "GET /pets/id"; empty when no request matches
	// both.
	Example string
	// Reason says why the routes cannot coexist.
	Reason string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("route: %q (registered at %s) conflicts with %q (registered at %s): %s", e.Route, e.At, e.Existing, e.ExistingAt, e.Reason)
}

// A Group registers routes under a common path prefix and middleware.
// Create one with [Router.Group] or [Group.Group].
type Group struct {
	r      *Router
	parent *Group
	prefix string
	mw     []handler.Middleware
	sealed bool // a route was registered in this group or below
}

// Group returns a group whose routes have the path prefix (a route key
// path such as "/v1" or "/users/{id}") and run the middleware mw, after
// the router's own.
func (r *Router) Group(prefix string, mw ...handler.Middleware) *Group {
	return r.group().Group(prefix, mw...)
}

// Group returns a subgroup: its prefix follows g's, and its middleware
// runs after g's.
func (g *Group) Group(prefix string, mw ...handler.Middleware) *Group {
	return &Group{r: g.r, parent: g, prefix: g.prefix + strings.TrimRight(prefix, "/"), mw: slices.Clone(mw)}
}

// Use appends middleware that runs for every route of the router, outside
// any group or route middleware, and also for requests no route takes
// (where it sees the gateway's error response). The first middleware is
// outermost. Use panics if a route was already registered.
func (r *Router) Use(mw ...handler.Middleware) {
	if err := r.group().use(mw); err != nil {
		panic(err)
	}
	r.notFind = handler.Chain(r.notFoundBase(), r.top.mw...)
}

// Use appends middleware that runs for every route of the group. It
// panics if a route was already registered in the group.
func (g *Group) Use(mw ...handler.Middleware) {
	if err := g.use(mw); err != nil {
		panic(err)
	}
}

func (g *Group) use(mw []handler.Middleware) error {
	if g.sealed {
		return errors.New("route: Use called after routes were registered; call Use first")
	}
	for _, m := range mw {
		if m == nil {
			return errors.New("route: nil middleware")
		}
	}
	g.mw = append(g.mw, mw...)
	return nil
}

// A site is where a route was registered: a program counter, resolved to
// file:line only when needed (symbolizing at every registration would
// slow cold starts).
type site struct {
	pc uintptr
}

func (s site) String() string {
	if s.pc == 0 {
		return "unknown location"
	}
	f, _ := runtime.CallersFrames([]uintptr{s.pc}).Next()
	return fmt.Sprintf("%s:%d", f.File, f.Line)
}

// callerAt returns the site of the caller of callerAt's caller.
func callerAt() site {
	var pc [1]uintptr
	runtime.Callers(3, pc[:])
	return site{pc: pc[0]}
}

// Handle registers h for the route key, with middleware mw around it.
// It panics if the key is malformed or conflicts with a registered route;
// [Router.Register] returns the error instead.
func (r *Router) Handle(key string, h handler.Handler, mw ...handler.Middleware) {
	if err := r.group().register(callerAt(), key, h, mw); err != nil {
		panic(err)
	}
}

// Register registers h for the route key, with middleware mw around it, and
// returns an error if the key is malformed or conflicts with a registered
// route (a [*ConflictError]).
func (r *Router) Register(key string, h handler.Handler, mw ...handler.Middleware) error {
	return r.group().register(callerAt(), key, h, mw)
}

// Handle registers h for the route key under the group's prefix, as
// [Router.Handle]. The key "GET /" in a group with prefix "/v1" is the
// route "GET /v1".
func (g *Group) Handle(key string, h handler.Handler, mw ...handler.Middleware) {
	if err := g.register(callerAt(), key, h, mw); err != nil {
		panic(err)
	}
}

// Register is [Group.Handle] returning an error instead of panicking.
func (g *Group) Register(key string, h handler.Handler, mw ...handler.Middleware) error {
	return g.register(callerAt(), key, h, mw)
}

// register is the one registration path.
func (g *Group) register(at site, key string, h handler.Handler, mw []handler.Middleware) error {
	r := g.r
	if h == nil {
		return fmt.Errorf("route: nil handler for %q", key)
	}
	for _, m := range mw {
		if m == nil {
			return fmt.Errorf("route: nil middleware for %q", key)
		}
	}
	full := key
	if g.prefix != "" {
		if key == "$default" {
			return fmt.Errorf("route: %q cannot have the group prefix %q", key, g.prefix)
		}
		if m, p, ok := strings.Cut(key, " "); ok && strings.HasPrefix(p, "/") {
			if p == "/" {
				p = ""
			}
			full = m + " " + g.prefix + p
		}
	}
	e := new(entry)
	pat := &e.own
	if err := parseInto(pat, full); err != nil {
		return err
	}
	pat.loc = at
	if err := r.check(pat); err != nil {
		return err
	}

	// Compose the handler: router, groups outermost first, then route.
	h = handler.Chain(h, mw...)
	for gg := g; gg != nil; gg = gg.parent {
		h = handler.Chain(h, gg.mw...)
		gg.sealed = true
	}
	e.key, e.path, e.params, e.h, e.pat = pat.key, pat.path, pat.params, h, pat
	e.fn, _ = h.(handler.Func)
	r.entries = append(r.entries, e)
	if pat.isDefault {
		r.def = e
		return nil
	}
	if r.byShape == nil {
		r.byShape = make(map[string]*entry)
	}
	r.byShape[pat.shapeKey] = e
	r.root.insert(pat.segs).methods[pat.mi] = e
	r.recordVars(pat)
	return nil
}

// check reports whether pat can be registered beside the routes already
// registered.
func (r *Router) check(pat *pattern) error {
	if pat.isDefault {
		if r.rest {
			return fmt.Errorf(`route: %q is an HTTP API route key; REST APIs use "ANY /{proxy+}" and "ANY /"`, pat.key)
		}
		if r.def != nil {
			return &ConflictError{Route: pat.key, At: pat.loc.String(), Existing: r.def.pat.key, ExistingAt: r.def.pat.loc.String(),
				Example: "GET /", Reason: "duplicate $default route"}
		}
		return nil
	}
	if old := r.byShape[pat.shapeKey]; old != nil {
		reason := "both match the same requests"
		if old.pat.key == pat.key {
			reason = "duplicate route"
		}
		method := pat.method
		if method == "ANY" {
			method = "GET"
		}
		ex := method + " " + pat.examplePath()
		return &ConflictError{Route: pat.key, At: pat.loc.String(), Existing: old.pat.key, ExistingAt: old.pat.loc.String(),
			Example: ex, Reason: fmt.Sprintf("%s, like %q", reason, ex)}
	}
	if r.rest {
		n := &r.root
		for i, s := range pat.segs {
			if s.kind != literal {
				if v, ok := r.vars[n]; ok && (v.name != s.s || v.kind != s.kind) {
					parent := canonicalPath(pat.segs[:i])
					return &ConflictError{Route: pat.key, At: pat.loc.String(), Existing: v.pat.key, ExistingAt: v.pat.loc.String(),
						Reason: fmt.Sprintf("a REST resource has at most one variable child, and %q would have both %q and %q",
							parent, canonicalPath([]segment{{kind: v.kind, s: v.name}})[1:], canonicalPath(pat.segs[i : i+1])[1:])}
				}
				if s.kind == greedy {
					break
				}
				n = n.param
			} else {
				n = n.child(s.s)
			}
			if n == nil {
				break
			}
		}
	}
	return nil
}

// A varInfo is the variable that first took a node's variable position:
// its name, its kind (param or greedy) and its route.
type varInfo struct {
	name string
	kind segKind
	pat  *pattern
}

// recordVars records, for each node where pat has a variable, the first
// variable seen there. Only REST routers check variable names.
func (r *Router) recordVars(pat *pattern) {
	if !r.rest {
		return
	}
	if r.vars == nil {
		r.vars = make(map[*node]varInfo)
	}
	n := &r.root
	for _, s := range pat.segs {
		switch s.kind {
		case literal:
			n = n.child(s.s)
		case param, greedy:
			if _, ok := r.vars[n]; !ok {
				r.vars[n] = varInfo{name: s.s, kind: s.kind, pat: pat}
			}
			n = n.param
		}
		if n == nil {
			return
		}
	}
}

// isRoutingPath reports whether p is its own routing path, whatever the
// API: the usual case, tested inline before calling routingPath.
func (r *Router) isRoutingPath(p string) bool {
	return len(r.basePath) == 0 && len(p) > 1 && p[0] == '/' && p[1] != '/' && p[len(p)-1] != '/'
}

// routingPath returns the path to match for a request path: base path
// removed, and for REST leading duplicate and trailing slashes removed.
// The root is "". ok is false for a path that does not begin with '/'.
func (r *Router) routingPath(p string) (_ string, ok bool) {
	if p == "" {
		return "", true
	}
	if p[0] != '/' {
		return "", false
	}
	if bp := r.basePath; bp != "" && strings.HasPrefix(p, bp) && (len(p) == len(bp) || p[len(bp)] == '/') {
		p = p[len(bp):]
		if p == "" {
			return "", true
		}
	}
	if r.rest {
		for len(p) > 1 && p[1] == '/' {
			p = p[1:]
		}
		for len(p) > 1 && p[len(p)-1] == '/' {
			p = p[:len(p)-1]
		}
	} else if r.ignoreSlash {
		for len(p) > 1 && p[len(p)-1] == '/' {
			p = p[:len(p)-1]
		}
	}
	if p == "/" {
		return "", true
	}
	return p, true
}

// find returns the route that takes the method and routing path, or nil.
// The values of the route's first variables are recorded in vs.
func (r *Router) find(method, p string, vs *captures) *entry {
	mi := methodIndex(method)
	if r.rest {
		return r.root.matchREST(p, mi, vs, 0)
	}
	if e := r.root.matchFull(p, 0, mi, vs, 0); e != nil {
		return e
	}
	return r.findGreedy(p, mi, vs)
}

// findGreedy is find for an HTTP API once no route without a greedy
// variable took the request.
func (r *Router) findGreedy(p string, mi int, vs *captures) *entry {
	if r.root.hasGreedy {
		if e := r.root.matchGreedy(p, mi, vs, 0); e != nil {
			return e
		}
	}
	return r.def
}

// Lookup reports which route key would take a request with the method and
// path, path as in [event.Request.Path] (stage removed; percent-encoded for
// REST, decoded for HTTP APIs). It does not apply X-HTTP-Method-Override
// and never allocates. For an HTTP API, "$default" is a match.
func (r *Router) Lookup(method, path string) (routeKey string, ok bool) {
	p := path
	if !r.isRoutingPath(p) {
		var ok bool
		if p, ok = r.routingPath(p); !ok {
			return "", false
		}
	}
	var vs captures
	if e := r.find(method, p, &vs); e != nil {
		return e.key, true
	}
	return "", false
}

// Serve routes req and calls the route's handler, after setting
// req.RouteKey (HTTP API) or req.Resource and req.Context.ResourcePath
// (REST), and req.PathParameters (nil when the route has none; its storage
// is reused), so that the handler sees what API Gateway would have sent
// for that route. For REST APIs, an X-HTTP-Method-Override header replaces
// req.Method first. A request no route takes gets the gateway's own
// response: 404 {"message":"Not Found"} for HTTP APIs, 403
// {"message":"Missing Authentication Token"} with x-amzn-ErrorType for REST.
func (r *Router) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	e := r.match(req)
	if e == nil {
		return r.serveNotFound(ctx, req)
	}
	if e.fn != nil {
		return e.fn(ctx, req)
	}
	return e.h.Serve(ctx, req)
}

// Match finds the route that takes req, as Serve does, and sets
// req.RouteKey (HTTP APIs), or req.Resource and req.Context.ResourcePath
// (REST APIs), and req.PathParameters, without calling the route's
// handler. It returns the handler registered for the route, wrapped in its
// middleware, or false when no route takes req. The local gateway matches
// this way, then calls the route's integration itself.
func (r *Router) Match(req *event.Request) (handler.Handler, bool) {
	if e := r.match(req); e != nil {
		return e.h, true
	}
	return nil, false
}

// match finds the route of req and records it in req.
func (r *Router) match(req *event.Request) *entry {
	var vs captures
	var e *entry
	var p string
	if r.rest {
		if e, p = r.findREST(req, &vs); e == nil {
			return nil
		}
		req.Resource = e.path
		req.Context.ResourcePath = e.path
	} else {
		p = req.Path
		// r.plain: for most HTTP APIs, a path is its own routing path
		// when it begins with '/' and is not the root.
		if !(r.plain && len(p) > 1 && p[0] == '/') && !r.isRoutingPath(p) {
			var ok bool
			if p, ok = r.routingPath(p); !ok {
				return nil
			}
		}
		// find, written out for HTTP APIs to save a call.
		mi := methodIndex(req.Method)
		if e = r.root.matchFull(p, 0, mi, &vs, 0); e == nil {
			if e = r.findGreedy(p, mi, &vs); e == nil {
				return nil
			}
		}
		req.RouteKey = e.key
	}
	switch names := e.params; {
	case len(names) == 0:
		req.PathParameters = nil
	case len(names) <= maxCaptures:
		ps := req.PathParameters // its storage is reused
		if cap(ps) < len(names) {
			ps = make(event.Params, len(names))
		}
		ps = ps[:len(names)]
		// The usual counts are written out: the end of a loop whose
		// count changes from one route to the next is mispredicted.
		switch len(ps) {
		case 3:
			ps[2] = event.Field{Name: names[2], Value: vs[2]}
			fallthrough
		case 2:
			ps[1] = event.Field{Name: names[1], Value: vs[1]}
			fallthrough
		case 1:
			ps[0] = event.Field{Name: names[0], Value: vs[0]}
		default:
			for i, name := range names {
				ps[i] = event.Field{Name: name, Value: vs[i]}
			}
		}
		req.PathParameters = ps
	default:
		req.PathParameters = e.pat.appendParams(req.PathParameters[:0], p)
	}
	return e
}

// findREST is find for Serve on a REST API: it applies
// X-HTTP-Method-Override to req and returns the route and the routing
// path.
func (r *Router) findREST(req *event.Request, vs *captures) (*entry, string) {
	if o := req.Header.Get("X-HTTP-Method-Override"); o != "" {
		req.Method = o
	}
	p, ok := req.Path, true
	if !r.isRoutingPath(p) {
		p, ok = r.routingPath(p)
	}
	if !ok {
		return nil, ""
	}
	return r.find(req.Method, p, vs), p
}

// serveNotFound answers a request no route takes.
func (r *Router) serveNotFound(ctx context.Context, req *event.Request) (*response.Response, error) {
	if r.notFind != nil {
		return r.notFind.Serve(ctx, req)
	}
	return response.NotFound(r.src), nil
}

func (r *Router) notFoundBase() handler.Handler {
	src := r.src
	return handler.Func(func(context.Context, *event.Request) (*response.Response, error) {
		return response.NotFound(src), nil
	})
}

// Route describes one registered route.
type Route struct {
	Key    string   // the route key in API Gateway's syntax: "GET /pets/{id}", "$default"
	Method string   // "GET" … "OPTIONS" or "ANY"; empty for $default
	Path   string   // the path, "/pets/{id}"; for REST, the resource path; empty for $default
	Params []string // the path variable names, in order
	At     string   // where it was registered: file:line
}

// Routes returns the registered routes in the order the router tries them
// for a request they all match, $default last.
func (r *Router) Routes() []Route {
	es := slices.Clone(r.entries)
	slices.SortStableFunc(es, func(a, b *entry) int { return comparePatterns(r.rest, a.pat, b.pat) })
	rs := make([]Route, len(es))
	for i, e := range es {
		rs[i] = Route{Key: e.pat.key, Method: e.pat.method, Path: e.pat.path, Params: slices.Clone(e.pat.params), At: e.pat.loc.String()}
	}
	return rs
}

// comparePatterns orders patterns by precedence, most specific first.
func comparePatterns(rest bool, a, b *pattern) int {
	if a.isDefault != b.isDefault {
		if a.isDefault {
			return 1
		}
		return -1
	}
	if !rest && a.isGreedy() != b.isGreedy() {
		if a.isGreedy() {
			return 1
		}
		return -1
	}
	for i := 0; i < len(a.segs) && i < len(b.segs); i++ {
		sa, sb := a.segs[i], b.segs[i]
		if sa.kind != sb.kind {
			return int(sa.kind) - int(sb.kind)
		}
		if sa.kind == literal && sa.s != sb.s {
			return strings.Compare(sa.s, sb.s)
		}
	}
	if len(a.segs) != len(b.segs) {
		return len(a.segs) - len(b.segs)
	}
	return a.mi - b.mi
}

// String returns the route table, one route a line in the order of
// [Router.Routes]: method, path and path parameters.
func (r *Router) String() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "METHOD\tPATH\tPARAMETERS\n")
	for _, rt := range r.Routes() {
		if rt.Key == "$default" {
			fmt.Fprintf(tw, "$default\t\t\n")
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", rt.Method, rt.Path, strings.Join(rt.Params, ", "))
	}
	tw.Flush()
	lines := strings.SplitAfter(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \n")
	}
	return strings.Join(lines, "\n")
}
