package route

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/internal/jsonx"
	"github.com/lambdagate/lambdagate/response"
)

// A WebSocketRouter routes the events of a WebSocket API by route key:
// $connect, $disconnect, $default and custom keys chosen by the API's
// route selection expression. See the package documentation.
//
// Register routes and middleware before serving; after that, Serve and
// Select are safe for concurrent use by multiple goroutines.
type WebSocketRouter struct {
	expr    string
	parts   []exprPart // nil: use the event's own routeKey
	routes  map[string]*entry
	entries []*entry
	mw      []handler.Middleware
	sealed  bool
}

// An exprPart is literal text or a $request.body path.
type exprPart struct {
	lit  string
	path []string // nil for literal text
}

// NewWebSocket returns a WebSocket router that selects routes with the
// route selection expression, such as "$request.body.action" or
// "${request.body.service}/${request.body.action}". With an empty
// expression the router trusts the routeKey the event carries, which API
// Gateway has already selected.
func NewWebSocket(selectionExpression string) (*WebSocketRouter, error) {
	w := &WebSocketRouter{expr: selectionExpression}
	if selectionExpression != "" {
		parts, err := parseSelection(selectionExpression)
		if err != nil {
			return nil, err
		}
		w.parts = parts
	}
	return w, nil
}

// parseSelection parses a route selection expression:
//
//	expr     = *( var / "\$" / char )
//	var      = "$request.body." path / "${request.body." path "}"
//	path     = name *( "." name )
//	name     = 1*( ALPHA / DIGIT / "_" / "-" )   ; in braces, any character but "." and "}"
//
// "\$" is a literal "$"; any other "$" must start a variable.
func parseSelection(expr string) (parts []exprPart, err error) {
	off := 0
	defer func() {
		if err != nil {
			err = fmt.Errorf("route: parsing selection expression %q: at offset %d: %w", expr, off, err)
		}
	}()
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, exprPart{lit: lit.String()})
			lit.Reset()
		}
	}
	const prefix = "request.body."
	for i := 0; i < len(expr); {
		off = i
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr) && expr[i+1] == '$':
			lit.WriteByte('$')
			i += 2
		case c == '$' && strings.HasPrefix(expr[i+1:], "{"):
			end := strings.IndexByte(expr[i:], '}')
			if end < 0 {
				return nil, errors.New(`unclosed "${"`)
			}
			inner := expr[i+2 : i+end]
			if !strings.HasPrefix(inner, prefix) {
				return nil, fmt.Errorf("unsupported variable %q (want ${request.body.NAME})", "${"+inner+"}")
			}
			path := strings.Split(inner[len(prefix):], ".")
			for _, n := range path {
				if n == "" {
					return nil, fmt.Errorf("empty name in %q", "${"+inner+"}")
				}
			}
			flush()
			parts = append(parts, exprPart{path: path})
			i += end + 1
		case c == '$':
			rest := expr[i+1:]
			if !strings.HasPrefix(rest, prefix) {
				return nil, errors.New(`unsupported variable (want $request.body.NAME, ${request.body.NAME} or \$ for a literal "$")`)
			}
			j := i + 1 + len(prefix)
			var path []string
			for {
				k := j
				for k < len(expr) && isWSNameByte(expr[k]) {
					k++
				}
				if k == j {
					off = j
					return nil, errors.New("empty name after \".\"")
				}
				path = append(path, expr[j:k])
				if k < len(expr) && expr[k] == '.' {
					j = k + 1
					continue
				}
				j = k
				break
			}
			flush()
			parts = append(parts, exprPart{path: path})
			i = j
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return parts, nil
}

func isWSNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// Evaluate evaluates the router's selection expression on a message body.
// ok is false when the body is not JSON (such messages go to $default) or
// the router has no expression. A missing member evaluates to "", a string
// to its value, a number or boolean to its JSON text, null to "", and an
// object or array to its compact JSON.
func (w *WebSocketRouter) Evaluate(body []byte) (key string, ok bool) {
	if w.parts == nil {
		return "", false
	}
	var buf [64]byte
	if key, sure := w.evaluateScan(buf[:0], body); sure {
		return string(key), true
	}
	return w.evaluateDecode(body)
}

// evaluateScan evaluates the expression with the JSON scanner, without
// decoding the body into values: it validates the body, then reads the
// member each variable names, and appends the key to buf. sure is false
// when it cannot give the answer evaluateDecode gives: for a body the
// scanner refuses (which may still be JSON to encoding/json, such as a
// string that is not UTF-8 or nesting over the scanner's depth) and for
// an object or array value, whose text is encoding/json's re-encoding.
// Scanning takes a seventh of decoding's time, 0.14 µs and 1 allocation
// (the key's string) against 1.1 µs and 16 (BenchmarkEvaluate);
// FuzzEvaluate checks that both give the same key. Select looks the
// key's bytes up without making a string of them, and allocates
// nothing for a message whose key is a route's (TestSelectAllocs).
func (w *WebSocketRouter) evaluateScan(buf, body []byte) (key []byte, sure bool) {
	var s jsonx.Scanner
	s.Reset(body)
	s.Skip()
	if s.End() != nil {
		return nil, false
	}
	return w.expand(buf, func(b []byte, path []string) ([]byte, bool) {
		v := body
		for _, name := range path {
			v = member(v, name)
		}
		switch {
		case len(v) == 0 || v[0] == 'n': // missing, or null
		case v[0] == '"' && bytes.IndexByte(v, '\\') < 0:
			b = append(b, v[1:len(v)-1]...) // valid JSON: the text is the string
		case v[0] == '"':
			s.Reset(v)
			b = append(b, s.String()...)
		case v[0] == '{' || v[0] == '[':
			return b, false
		default: // a number, true or false: its text
			b = append(b, v...)
		}
		return b, true
	})
}

// expand appends to buf the expression's literal text and, for each
// variable, what value appends for its path; it returns false as soon
// as value does.
func (w *WebSocketRouter) expand(buf []byte, value func(b []byte, path []string) ([]byte, bool)) ([]byte, bool) {
	b := buf
	for _, p := range w.parts {
		if p.path == nil {
			b = append(b, p.lit...)
			continue
		}
		var ok bool
		if b, ok = value(b, p.path); !ok {
			return nil, false
		}
	}
	return b, true
}

// member returns the value of the last member named name of the object
// doc (encoding/json keeps the last of repeated names), or nil when doc
// is no object or has no such member. doc is valid JSON.
func member(doc []byte, name string) []byte {
	var s jsonx.Scanner
	s.Reset(doc)
	if s.Kind() != '{' || !s.Object() {
		return nil
	}
	var found []byte
	for first := true; s.More(first, '}'); first = false {
		k := s.Key()
		v := s.Raw()
		if k == name {
			found = v
		}
	}
	return found
}

// evaluateDecode evaluates the expression on the body decoded with
// encoding/json: the definition of Evaluate's results.
func (w *WebSocketRouter) evaluateDecode(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return "", false
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", false
	}
	key, ok := w.expand(nil, func(b []byte, path []string) ([]byte, bool) {
		cur := v
		for _, name := range path {
			m, _ := cur.(map[string]any)
			cur = m[name]
		}
		switch x := cur.(type) {
		case nil:
		case string:
			b = append(b, x...)
		case json.Number:
			b = append(b, x...)
		case bool:
			b = strconv.AppendBool(b, x)
		default:
			j, _ := json.Marshal(x)
			b = append(b, j...)
		}
		return b, true
	})
	return string(key), ok
}

// Use appends middleware that runs for every event, outside the route
// middleware, including events no route takes. It panics if a route was
// already registered.
func (w *WebSocketRouter) Use(mw ...handler.Middleware) {
	if w.sealed {
		panic(errors.New("route: Use called after routes were registered; call Use first"))
	}
	for _, m := range mw {
		if m == nil {
			panic(errors.New("route: nil middleware"))
		}
	}
	w.mw = append(w.mw, mw...)
}

// Handle registers h for the route key ("$connect", "$disconnect",
// "$default" or a custom key such as "sendMessage"). It panics if the key
// is invalid or already registered; [WebSocketRouter.Register] returns the
// error instead.
func (w *WebSocketRouter) Handle(key string, h handler.Handler, mw ...handler.Middleware) {
	if err := w.register(callerAt(), key, h, mw); err != nil {
		panic(err)
	}
}

// Register is [WebSocketRouter.Handle] returning an error instead of
// panicking.
func (w *WebSocketRouter) Register(key string, h handler.Handler, mw ...handler.Middleware) error {
	return w.register(callerAt(), key, h, mw)
}

func (w *WebSocketRouter) register(at site, key string, h handler.Handler, mw []handler.Middleware) error {
	if h == nil {
		return fmt.Errorf("route: nil handler for %q", key)
	}
	for _, m := range mw {
		if m == nil {
			return fmt.Errorf("route: nil middleware for %q", key)
		}
	}
	switch {
	case key == "":
		return errors.New("route: empty WebSocket route key")
	case strings.HasPrefix(key, "$") && key != "$connect" && key != "$disconnect" && key != "$default":
		return fmt.Errorf("route: WebSocket route key %q: keys beginning with \"$\" are reserved ($connect, $disconnect, $default)", key)
	}
	if old := w.routes[key]; old != nil {
		return &ConflictError{Route: key, At: at.String(), Existing: key, ExistingAt: old.pat.loc.String(),
			Example: key, Reason: "duplicate route"}
	}
	w.sealed = true
	e := newEntry(&pattern{key: key, loc: at}, handler.Chain(handler.Chain(h, mw...), w.mw...))
	if w.routes == nil {
		w.routes = make(map[string]*entry)
	}
	w.routes[key] = e
	w.entries = append(w.entries, e)
	return nil
}

// Select returns the route key that takes req and whether a route with
// that key is registered:
//   - a CONNECT event (or, in a fabricated event without an event type,
//     the route key "$connect") selects $connect, and DISCONNECT
//     $disconnect;
//   - a message selects the key its body evaluates to when such a route
//     exists (or, without a selection expression, the event's own
//     routeKey), and $default otherwise, including for non-JSON bodies.
func (w *WebSocketRouter) Select(req *event.Request) (routeKey string, ok bool) {
	switch k := w.lifecycle(req); k {
	case "":
	default:
		return k, w.routes[k] != nil
	}
	var key string
	var found bool
	var buf [64]byte
	if w.parts == nil {
		key, found = req.RouteKey, true
	} else if b, sure := w.evaluateScan(buf[:0], req.Body); sure {
		if e := w.routes[string(b)]; e != nil {
			key, found = e.key, true // the key without a string made of b
		}
	} else {
		key, found = w.evaluateDecode(req.Body)
	}
	if found && key != "$connect" && key != "$disconnect" {
		if w.routes[key] != nil {
			return key, true
		}
	}
	return "$default", w.routes["$default"] != nil
}

// lifecycle returns "$connect" or "$disconnect" for connection events, "".
func (w *WebSocketRouter) lifecycle(req *event.Request) string {
	switch req.Context.EventType {
	case "CONNECT":
		return "$connect"
	case "DISCONNECT":
		return "$disconnect"
	case "":
		if req.RouteKey == "$connect" || req.RouteKey == "$disconnect" {
			return req.RouteKey
		}
	}
	return ""
}

// Serve selects the route for req, sets req.RouteKey and calls its
// handler. A $connect or $disconnect event without a route gets an empty
// 200 response (API Gateway then accepts the connection without calling a
// function); a message no route takes gets the gateway's error, 403
// {"message": "Forbidden", "connectionId":"…", "requestId":"…"}.
func (w *WebSocketRouter) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	key, ok := w.Select(req)
	var h handler.Handler
	if ok {
		e := w.routes[key]
		req.RouteKey = key
		h = e.h
	} else if key != "$default" {
		h = handler.Chain(handler.Func(wsAccept), w.mw...)
	} else {
		h = handler.Chain(handler.Func(wsForbidden), w.mw...)
	}
	return h.Serve(ctx, req)
}

func wsAccept(context.Context, *event.Request) (*response.Response, error) {
	return &response.Response{StatusCode: 200}, nil
}

func wsForbidden(_ context.Context, req *event.Request) (*response.Response, error) {
	id, _ := json.Marshal(req.Context.ConnectionID)
	rid, _ := json.Marshal(req.RequestID)
	body := `{"message": "Forbidden", "connectionId":` + string(id) + `, "requestId":` + string(rid) + `}`
	return response.New(403, "application/json", []byte(body)), nil
}

// Routes returns the registered routes: $connect, $disconnect, the custom
// keys sorted, then $default.
func (w *WebSocketRouter) Routes() []Route {
	rank := func(k string) int {
		switch k {
		case "$connect":
			return 0
		case "$disconnect":
			return 1
		case "$default":
			return 3
		}
		return 2
	}
	es := slices.Clone(w.entries)
	slices.SortFunc(es, func(a, b *entry) int {
		if ra, rb := rank(a.pat.key), rank(b.pat.key); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.pat.key, b.pat.key)
	})
	rs := make([]Route, len(es))
	for i, e := range es {
		rs[i] = Route{Key: e.pat.key, At: e.pat.loc.String()}
	}
	return rs
}
