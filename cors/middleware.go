package cors

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// A Router reports which route takes a request. The route package's
// *Router implements it. When the handler wrapped by [CORS.Middleware] or
// [CORS.HTTPMiddleware] implements Router, a preflight goes to the handler if
// Lookup("OPTIONS", path) finds a route (an OPTIONS or ANY route, or
// $default), as API Gateway sends it to that route's integration.
type Router interface {
	Lookup(method, path string) (routeKey string, ok bool)
}

// captures reports whether r, if not nil, has a route for a preflight to
// path.
func captures(r Router, path string) bool {
	if r == nil {
		return false
	}
	_, ok := r.Lookup(http.MethodOptions, path)
	return ok
}

// Middleware wraps next in the CORS stage of an HTTP API. Its type is a
// [handler.Middleware].
//
// A preflight that no route of next captures is answered as
// [CORS.Preflight] answers it, without calling next. Every other request
// goes to next, and the response it returns gets its CORS headers from
// [CORS.Apply]; next's own Access-Control-* headers are dropped. A
// response is edited in place, so next must return a response of its own
// for each request, not one it shares. An error from next is returned
// unchanged: gateway error responses carry no CORS headers.
//
// If next implements [Router], so does the returned handler.
//
// The answer to a preflight is one allocation (the response); an actual
// request allocates only when the response's Header lacks room for the
// added fields.
func (c *CORS) Middleware(next handler.Handler) handler.Handler {
	h := &stage{c: c, next: next}
	if r, ok := next.(Router); ok {
		h.router = r
		return routerHandler{h}
	}
	return h
}

var _ handler.Middleware = (*CORS)(nil).Middleware

// stage is the CORS stage around a Handler.
type stage struct {
	c      *CORS
	next   handler.Handler
	router Router // next as a Router, or nil
}

// preflightResponse holds a preflight answer and its fields in one
// allocation.
type preflightResponse struct {
	resp   response.Response
	fields [6]event.Field
}

func (h *stage) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	origin, acrm := scan(req.Header)
	preflight := req.Method == http.MethodOptions && origin != "" && acrm != ""
	if preflight && !captures(h.router, req.Path) {
		p := new(preflightResponse)
		p.resp.Header, p.resp.StatusCode = h.c.Preflight(p.fields[:0], req.Header)
		return &p.resp, nil
	}
	resp, err := h.next.Serve(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	resp.Header = h.c.apply(resp.Header, preflight, origin)
	return resp, nil
}

type routerHandler struct{ *stage }

func (h routerHandler) Lookup(method, path string) (string, bool) {
	return h.router.Lookup(method, path)
}

// HTTPMiddleware wraps next, a net/http handler, in the same CORS stage as
// [CORS.Middleware]: a preflight that no route captures is answered
// without calling next (the path is r.URL.Path); for every other request,
// when next first writes (WriteHeader with a status of 200 or more or
// 101, Write or Flush) or returns without writing, its header is edited as
// [CORS.ApplyHTTP] edits it: every Access-Control-* key next set is
// removed and the configured ones are added.
//
// The ResponseWriter next receives supports http.Flusher and
// [http.ResponseController] (through Unwrap); its Header is the one of
// the ResponseWriter the returned handler receives, taken once per
// request. It is recycled after next returns, which net/http's rules
// already forbid using it after. If next implements [Router], so does the
// returned handler. It allocates nothing per request beyond what next and
// the server do.
func (c *CORS) HTTPMiddleware(next http.Handler) http.Handler {
	h := &httpHandler{c: c, next: next}
	h.spare.Store(new(responseWriter))
	if r, ok := next.(Router); ok {
		h.router = r
		return httpRouterHandler{h}
	}
	return h
}

type httpHandler struct {
	c      *CORS
	next   http.Handler
	router Router // next as a Router, or nil

	// spare is a responseWriter kept out of writerPool: taking it (a
	// Swap) and putting it back (a Store) are two atomic operations, half
	// the cost of the pool's Get and Put. Requests served while it is
	// taken (there is one request at a time in a Lambda execution
	// environment) use the pool; such a request leaves its writer in
	// spare if spare is empty, and the Store of the request holding the
	// spare may then drop that writer (to the garbage collector).
	spare atomic.Pointer[responseWriter]
}

var writerPool = sync.Pool{New: func() any { return new(responseWriter) }}

func (h *httpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origins := r.Header[canonOrigin]
	preflight := false
	if r.Method == http.MethodOptions && first(origins) != "" && first(r.Header[canonACRM]) != "" {
		if h.router == nil || !captures(h.router, r.URL.Path) {
			w.WriteHeader(h.c.PreflightHTTP(w.Header(), r.Header))
			return
		}
		preflight = true
	}
	rw := h.spare.Swap(nil)
	spare := rw != nil
	if !spare {
		rw = writerPool.Get().(*responseWriter)
	}
	rw.w, rw.h, rw.c, rw.origins, rw.preflight, rw.applied = w, w.Header(), h.c, origins, preflight, false
	h.next.ServeHTTP(rw, r)
	if !rw.applied {
		h.c.applyHTTP(rw.h, preflight, origins)
	}
	rw.w, rw.h, rw.origins = nil, nil, nil
	if spare {
		h.spare.Store(rw)
	} else if !h.spare.CompareAndSwap(nil, rw) {
		writerPool.Put(rw)
	}
}

type httpRouterHandler struct{ *httpHandler }

func (h httpRouterHandler) Lookup(method, path string) (string, bool) {
	return h.router.Lookup(method, path)
}

// responseWriter applies the CORS headers once, just before the header
// is written, when next can no longer change them.
type responseWriter struct {
	w         http.ResponseWriter
	h         http.Header // w.Header()
	c         *CORS
	origins   []string
	preflight bool
	applied   bool
}

// applyOnce applies the CORS headers unless they are applied.
func (rw *responseWriter) applyOnce() {
	if !rw.applied {
		rw.apply()
	}
}

func (rw *responseWriter) apply() {
	rw.applied = true
	rw.c.applyHTTP(rw.h, rw.preflight, rw.origins)
}

func (rw *responseWriter) Header() http.Header { return rw.h }

func (rw *responseWriter) WriteHeader(status int) {
	if !rw.applied && (status >= 200 || status == http.StatusSwitchingProtocols) {
		rw.apply()
	}
	rw.w.WriteHeader(status)
}

func (rw *responseWriter) Write(b []byte) (int, error) {
	rw.applyOnce()
	return rw.w.Write(b)
}

// Flush implements http.Flusher.
func (rw *responseWriter) Flush() {
	rw.applyOnce()
	if f, ok := rw.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap returns the underlying ResponseWriter, for
// [http.ResponseController].
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }
