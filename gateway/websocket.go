package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/deadline"
	"github.com/lambdagate/lambdagate/internal/wsproto"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

// Upgrader is the WebSocket protocol under WebSocket APIs, which
// API.Upgrader takes: package gateway/websocket's Upgrader. Package
// gateway does not import a WebSocket library itself, so that programs
// serving other kinds of API do not carry one.
type Upgrader = wsproto.Upgrader

// wsAPI is the WebSocket side of a Gateway of kind event.WebSocket: the
// handshake at each stage's URL, the connections, the messages and their
// routes, and the Management API under /STAGE/@connections/. The rules
// and their evidence are in docs/evidence/websocket.md.
type wsAPI struct {
	g        *Gateway
	upgrader Upgrader
	// selector selects message routes with the API's route selection
	// expression; routes holds what each key runs.
	selector *route.WebSocketRouter
	routes   map[string]wsRoute

	mu     sync.Mutex
	conns  map[string]*wsConn // open connections, by id
	closed bool               // Gateway.Close was called
	wg     sync.WaitGroup     // connections still being served
}

// wsRoute is what a WebSocket route runs.
type wsRoute struct {
	in     Integration
	twoWay bool
	auth   *routeAuth // $connect's authorizer; nil for none
}

// newWebSocket returns the WebSocket side of g for api, and the problems
// of api's WebSocket settings.
func newWebSocket(g *Gateway, api API) (*wsAPI, []error) {
	var errs []error
	expr := api.RouteSelectionExpression
	if expr == "" {
		expr = "$request.body.action"
	}
	sel, err := route.NewWebSocket(expr)
	if err != nil {
		errs = append(errs, fmt.Errorf("gateway: %w", err))
		sel, _ = route.NewWebSocket("$request.body.action") // so that the routes are still checked
	}
	if api.Upgrader == nil {
		errs = append(errs, errors.New(`gateway: a WebSocket API needs API.Upgrader: import "github.com/lambdagate/lambdagate/gateway/websocket" and set Upgrader: websocket.Upgrader{}`))
	}
	return &wsAPI{g: g, upgrader: api.Upgrader, selector: sel, routes: map[string]wsRoute{}, conns: map[string]*wsConn{}}, errs
}

// register adds a route with its authorization settings (nil for none);
// the selector checks its key.
func (a *wsAPI) register(rt Route, in Integration, ra *routeAuth) error {
	if err := a.selector.Register(rt.Key, &binding{integration: in}); err != nil {
		return err
	}
	if rt.TwoWay && (rt.Key == "$connect" || rt.Key == "$disconnect") {
		return fmt.Errorf("gateway: route %q: a route response on %s is not emulated; only message routes are two-way here", rt.Key, rt.Key)
	}
	if ra != nil && rt.Key != "$connect" {
		// Only $connect takes an authorizer [DOC]
		// (docs/evidence/websocket.md#authorizers).
		return fmt.Errorf("gateway: route %q: a WebSocket API authorizes its $connect route only, which guards the whole connection", rt.Key)
	}
	a.routes[rt.Key] = wsRoute{in: in, twoWay: rt.TwoWay, auth: ra}
	return nil
}

// The close codes and reasons the gateway closes connections with
// (docs/evidence/websocket.md#limits).
const (
	closeGoingAway   = 1001 // idle timeout, duration, gateway closed
	closeNormal      = 1000
	closeTooBig      = 1009
	closeUnsupported = 1003
	// closeAbnormal is the status of a connection that ended without a
	// close frame; it is never sent.
	closeAbnormal = 1006
)

// deleteReason is the disconnectReason of a connection closed through the
// Management API's DELETE [3P] (docs/evidence/websocket.md#disconnect).
const deleteReason = "Connection Closed Normally"

// serveHTTP answers a request to a WebSocket API: the Management API under
// /STAGE/@connections/, a WebSocket handshake at /STAGE.
func (a *wsAPI) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	if resp := a.g.checkHeader(hr); resp != nil {
		a.g.writePlain(w, resp)
		return
	}
	escaped := hr.URL.EscapedPath()
	first, rest, _ := strings.Cut(strings.TrimPrefix(escaped, "/"), "/")
	name, err := url.PathUnescape(first)
	st := a.g.stages[name]
	if err != nil || st == nil {
		a.g.writePlain(w, forbidden())
		return
	}
	if id, ok := connectionPath(rest); ok {
		a.manage(w, hr, id)
		return
	}
	if rest != "" {
		a.g.writePlain(w, forbidden())
		return
	}
	a.connect(w, hr, st)
}

// forbidden is API Gateway's answer to a path that is no stage, no
// connection and no handshake [INF].
func forbidden() *response.Response { return response.Error(http.StatusForbidden, "Forbidden") }

// connectionPath returns the connection id of "@connections/ID" (the
// escaped path after the stage), in either spelling SDKs send: "@" or
// "%40", the id escaped or not.
func connectionPath(rest string) (string, bool) {
	var after string
	var ok bool
	for _, p := range []string{"@connections/", "%40connections/"} {
		if len(rest) >= len(p) && strings.EqualFold(rest[:len(p)], p) {
			after, ok = rest[len(p):], true
			break
		}
	}
	if !ok || after == "" || strings.Contains(after, "/") {
		return "", false
	}
	id, err := url.PathUnescape(after)
	return id, err == nil
}

// writePlain writes one of the gateway's own answers outside a WebSocket.
func (g *Gateway) writePlain(w http.ResponseWriter, resp *response.Response) {
	h := w.Header()
	for _, f := range resp.Header {
		h.Add(f.Name, f.Value)
	}
	w.WriteHeader(resp.Status())
	w.Write(resp.Body)
}

// A wsConn is one client connection.
type wsConn struct {
	a           *wsAPI
	id          string
	stage       *Stage
	domain      string
	sourceIP    string
	userAgent   string
	connectedAt time.Time
	ws          wsproto.Conn
	meter       *meteredConn
	// requestID is the handshake's request id, which the $connect
	// authorizer's event and the CONNECT event share [INF].
	requestID string
	// message is the connection's MESSAGE event, which each message's
	// event copies (event.Request.WebSocketMessage).
	message *event.Request
	// grant is what the $connect authorizer granted, which every event
	// of the connection carries (requestContext.authorizer, or the IAM
	// caller in requestContext.identity); nil without an authorizer.
	grant *Grant

	// admitted is closed once $connect succeeded, ready once the
	// handshake is done too (ws is nil if it failed). Before admitted
	// the Management API answers 410 for the connection; between the two
	// it waits for ready.
	admitted, ready chan struct{}
	// lastActive is the time of the last message either way, in Unix
	// nanoseconds.
	lastActive atomic.Int64
	// closing holds the code and reason of the gateway's own close, the
	// first one only.
	closeOnce  sync.Once
	closeCode  int
	closeWhy   string
	closedByUs atomic.Bool
	closeDone  chan struct{} // closed when the gateway's close handshake ended
	// ended is set once the connection was served; timers that fire
	// later do nothing.
	ended atomic.Bool
	// Messages are read and run by workers, leader and followers: the
	// worker holding readTok reads the next message, hands readTok on and
	// runs the message, so that a message never waits for a goroutine to
	// wake up. waiting counts the workers waiting for readTok (one is
	// started when none is), inflight all of them; the worker whose read
	// fails sends the close code and reason on readEnd, and stop tells the
	// others to end.
	readTok  chan struct{}
	waiting  atomic.Int32
	workers  atomic.Int32
	readEnd  chan closeStatus
	stop     chan struct{}
	inflight sync.WaitGroup
}

// closeStatus is how a connection ended, as $disconnect reports it.
type closeStatus struct {
	code   int
	reason string
}

// connect runs $connect for a handshake and, when it succeeds, serves the
// connection until it ends, then runs $disconnect.
func (a *wsAPI) connect(w http.ResponseWriter, hr *http.Request, st *Stage) {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		a.g.writePlain(w, response.Error(http.StatusGone, "Gone"))
		return
	}
	a.wg.Add(1)
	a.mu.Unlock()
	defer a.wg.Done()

	now := time.Now()
	c := &wsConn{a: a, id: event.NewRequestID(event.WebSocket), requestID: event.NewRequestID(event.WebSocket), stage: st, domain: a.g.domainName(hr),
		sourceIP: remoteHost(hr.RemoteAddr), userAgent: hr.Header.Get("User-Agent"),
		connectedAt: now, admitted: make(chan struct{}), ready: make(chan struct{}), closeDone: make(chan struct{}),
		readTok: make(chan struct{}, 1), readEnd: make(chan closeStatus, 1), stop: make(chan struct{})}
	c.lastActive.Store(now.UnixNano())

	// The connection is known (and the Management API answers 410 for
	// it) while $connect runs.
	a.mu.Lock()
	a.conns[c.id] = c
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.conns, c.id)
		a.mu.Unlock()
	}()

	var subprotocol string
	if rt, ok := a.routes["$connect"]; ok && isUpgrade(hr) {
		ev, err := c.event("CONNECT", "$connect", hr, nil, now)
		if err != nil {
			a.g.writePlain(w, badRequest())
			return
		}
		if rt.auth != nil && rt.auth.authorizer != nil {
			// The authorizer decides before $connect runs; a refusal
			// answers the handshake (docs/evidence/websocket.md#authorizers).
			if resp := a.authorize(c, hr, rt.auth); resp != nil {
				a.log(ev, resp.Status())
				a.g.writePlain(w, resp)
				return
			}
			c.grant.apply(ev)
		}
		resp, failed := a.run(hr.Context(), rt.in, ev)
		a.log(ev, resp.Status())
		if failed || resp.Status() < 200 || resp.Status() > 299 {
			a.g.writePlain(w, resp)
			return
		}
		subprotocol = resp.Header.Get("Sec-WebSocket-Protocol")
	}

	mw := &meteredWriter{ResponseWriter: w, frame: int64(a.g.limits.Frame)}
	close(c.admitted)
	ws, err := a.upgrader.Upgrade(mw, hr, subprotocol, a.g.limits.Message)
	if err != nil {
		close(c.ready)
		return // the upgrader answered the client
	}
	c.ws, c.meter = ws, mw.conn
	if c.message, err = c.event("MESSAGE", "$default", nil, nil, now); err != nil {
		ws.CloseNow() // cannot happen: a MESSAGE event has no request parts
		close(c.ready)
		return
	}
	close(c.ready)
	code, reason := c.serve()
	c.inflight.Wait()
	if c.closedByUs.Load() {
		<-c.closeDone
	}
	c.ended.Store(true)

	// $disconnect: the connection is gone for the Management API first.
	a.mu.Lock()
	delete(a.conns, c.id)
	a.mu.Unlock()
	if rt, ok := a.routes["$disconnect"]; ok {
		ev, err := c.event("DISCONNECT", "$disconnect", nil, nil, time.Now())
		if err == nil {
			ev.Context.DisconnectStatusCode = int64(code)
			ev.Context.DisconnectReason = &reason
			resp, _ := a.run(context.Background(), rt.in, ev)
			a.log(ev, resp.Status())
		}
	}
}

// authorize runs the $connect authorizer ra for the handshake hr of c and
// keeps its grant in c, or returns the gateway's answer to a refused
// handshake: the authorizer's refusal (401, 403), or 500 for an
// authorizer that failed.
func (a *wsAPI) authorize(c *wsConn, hr *http.Request, ra *routeAuth) *response.Response {
	g := a.g
	x := &exchange{hr: hr, start: c.connectedAt, requestID: c.requestID, stage: c.stage, routeKey: "$connect", ws: c}
	g.newAuthRequest(x, ra, g.now())
	if resp := g.runAuthorizer(x, ra); resp != nil {
		return resp
	}
	c.grant = x.auth.grant
	return nil
}

// authorizerEvent returns the event a Lambda authorizer on $connect
// receives for the handshake hr of c.
func (c *wsConn) authorizerEvent(hr *http.Request) (*event.AuthorizerRequest, error) {
	b, in := c.builder("CONNECT", "$connect", hr, nil, c.connectedAt)
	a, err := b.AuthorizerFromHTTP(event.RequestAuthorizer, in)
	if err != nil {
		return nil, err
	}
	a.Request.Context.ConnectedAt = c.connectedAt.UnixMilli()
	return a, nil
}

// isUpgrade reports whether hr asks for a WebSocket, so that $connect
// runs only for handshakes; the upgrader answers other requests (426).
func isUpgrade(hr *http.Request) bool {
	return hr.Method == http.MethodGet && headerHasToken(hr.Header, "Connection", "upgrade") &&
		headerHasToken(hr.Header, "Upgrade", "websocket")
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// serve reads and runs the connection's messages until it ends, and
// returns the close code and reason the $disconnect event carries.
func (c *wsConn) serve() (int, string) {
	lim := c.a.g.limits
	idle := time.AfterFunc(lim.Idle, c.idleCheck)
	defer idle.Stop()
	life := time.AfterFunc(lim.Duration, func() { c.close(closeGoingAway, "Going away") })
	defer life.Stop()
	c.readTok <- struct{}{}
	c.inflight.Add(1)
	c.workers.Add(1)
	go c.worker()
	end := <-c.readEnd
	close(c.stop)
	return end.code, end.reason
}

// worker reads a message when it holds readTok and runs it, until the
// connection ends. Each message runs on its own, as API Gateway invokes
// an integration per message. Workers live as long as the connection,
// so that their stacks, once grown, serve the next messages: with a
// goroutine per message, growing stacks took a fifth of the echo
// benchmark's time.
//
// A worker hands readTok on once its message has run for handOffAfter,
// and when the message ends first it reads the next one itself: a
// message that takes longer still lets the next ones be read and run,
// and one that does not costs no wake-up of another worker. Handing
// readTok on before each message put that wake-up on every message's
// path: 40-48% of the bare server's messages a second with two
// connections per core against 47-55% in the same rounds
// (BenchmarkWebSocketEcho, parallel). The timer
// that hands readTok on is armed by a message only when it is not
// already, so that it fires at most once per handOffAfter however many
// messages run: a timer set and stopped per message woke an idle
// thread per message, which cost 60% more CPU time a message on one
// connection.
func (c *wsConn) worker() {
	defer c.inflight.Done()
	defer c.workers.Add(-1)
	w := &wsWorker{c: c}
	w.handOff = time.AfterFunc(time.Hour, w.check)
	w.handOff.Stop() // armed by the first message
	defer w.handOff.Stop()
	for held := false; ; {
		if !held {
			c.waiting.Add(1)
			select {
			case <-c.readTok:
				c.waiting.Add(-1)
			case <-c.stop:
				c.waiting.Add(-1)
				return
			}
		}
		binary, msg, err := c.ws.Read(context.Background())
		if err == nil && binary {
			// WebSocket APIs take no binary frames [DOC]
			// (docs/evidence/websocket.md#binary-frames).
			c.close(closeUnsupported, "Unsupported data")
			err = errors.New("binary frame")
		}
		if err != nil {
			code, reason := c.endStatus(err)
			c.readEnd <- closeStatus{code, reason} // readTok stays taken: no one reads again
			return
		}
		now := time.Now()
		c.touchAt(now)
		w.passed.Store(false)
		w.started.Store(int64(now.Sub(epoch)) | 1)
		if w.armed.CompareAndSwap(false, true) {
			w.handOff.Reset(handOffAfter)
		}
		w.run(msg, now)
		w.started.Store(0)
		// Whichever of check and the worker comes first has readTok.
		held = w.passed.CompareAndSwap(false, true)
	}
}

// handOffAfter is how long a message runs before its worker hands the
// reading of the next message to another worker.
const handOffAfter = time.Millisecond

// epoch is the origin of wsWorker.started: a monotonic clock.
var epoch = time.Now()

// check runs when the hand-off timer fires: it hands readTok on for a
// message that has run for handOffAfter, arms the timer again for one
// that has run less, and leaves it unarmed between messages.
func (w *wsWorker) check() {
	w.armed.Store(false)
	started := w.started.Load()
	if started == 0 {
		return // the next message arms it
	}
	if ran := time.Since(epoch) - time.Duration(started); ran < handOffAfter {
		if w.armed.CompareAndSwap(false, true) {
			w.handOff.Reset(handOffAfter - ran)
		}
		return
	}
	w.passToken()
}

// passToken hands readTok on for a message that has run for
// handOffAfter, unless the worker has taken it back, and starts a worker
// when none waits for it. At maxMessages running, the next message waits
// for one to end: a client cannot pile up goroutines and memory with
// messages whose integrations are slow.
func (w *wsWorker) passToken() {
	if !w.passed.CompareAndSwap(false, true) {
		return // the message ended first, or a late call for an earlier one
	}
	c := w.c
	c.readTok <- struct{}{}
	if c.waiting.Load() == 0 && c.workers.Load() < maxMessages {
		c.inflight.Add(1)
		c.workers.Add(1)
		go c.worker()
	}
}

// A wsWorker is what a worker keeps from one message to the next: the
// timers of the hand-off and of the integration timeout, and the message
// it runs.
type wsWorker struct {
	c *wsConn
	// handOff calls check, armed when set; started is when the running
	// message started (since epoch, odd), 0 between messages; passed is
	// set by whichever of passToken and the worker takes readTok first.
	handOff *time.Timer
	armed   atomic.Bool
	started atomic.Int64
	passed  atomic.Bool
	timer   *deadline.Timer // made at the first integration
	// ev is the message's event; answered is set by whichever of the
	// integration's end and its timeout comes first.
	ev       *event.Request
	answered atomic.Bool
	// msg is the event of a message whose integration takes it as bytes.
	msg *event.Request
}

// maxMessages is how many messages of one connection run at once; more
// wait to be read. API Gateway's limit is the account's Lambda
// concurrency (1,000 by default); a local gateway bounds each connection
// instead.
const maxMessages = 100

// endStatus returns the close code and reason of a connection whose read
// ended with err: the gateway's own close, the client's close frame, or
// 1006 for a connection that dropped.
func (c *wsConn) endStatus(err error) (int, string) {
	switch {
	case c.meter.tooBig.Load():
		c.close(closeTooBig, "Frame too big")
	case errors.Is(err, wsproto.ErrMessageTooBig):
		c.close(closeTooBig, "Message too big")
	}
	if c.closedByUs.Load() {
		// The close handshake runs on (see close); the code and
		// reason are set before closedByUs.
		return c.closeCode, c.closeWhy
	}
	var ce *wsproto.CloseError
	if errors.As(err, &ce) {
		c.ws.CloseNow() // the library answered the client's close frame
		return ce.Code, ce.Reason
	}
	c.ws.CloseNow()
	return closeAbnormal, ""
}

// close closes the connection from the gateway's side with code and
// reason, once; later calls do nothing. It returns at once; the close
// handshake runs on.
func (c *wsConn) close(code int, reason string) {
	if c.ended.Load() {
		return
	}
	c.closeOnce.Do(func() {
		c.closeCode, c.closeWhy = code, reason
		c.closedByUs.Store(true)
		go func() {
			defer close(c.closeDone)
			sent := reason
			if code == closeNormal {
				sent = "" // a DELETE's close frame carries no reason [INF]
			}
			c.ws.Close(code, sent)
		}()
	})
}

// touch records activity for the idle timeout.
func (c *wsConn) touch() { c.touchAt(time.Now()) }

// touchAt records activity at t.
func (c *wsConn) touchAt(t time.Time) { c.lastActive.Store(t.UnixNano()) }

// idleCheck runs when the idle timeout may have passed: it closes the
// connection, or waits for the rest of the timeout after the last
// message.
func (c *wsConn) idleCheck() {
	if c.ended.Load() {
		return
	}
	idle := c.a.g.limits.Idle
	since := time.Since(time.Unix(0, c.lastActive.Load()))
	if since >= idle {
		c.close(closeGoingAway, "Going away")
		return
	}
	time.AfterFunc(idle-since, c.idleCheck)
}

// run runs the route a message selects, received at now.
func (w *wsWorker) run(msg []byte, now time.Time) {
	c := w.c
	a := c.a
	sel := event.Request{Source: event.WebSocket, Body: msg, Context: event.Context{EventType: "MESSAGE"}}
	key, ok := a.selector.Select(&sel)
	rt := a.routes[key]
	var ev *event.Request
	if _, proxy := rt.in.(Proxy); proxy || !ok {
		// The event leaves as bytes or not at all, and the timeout is
		// over once run returns: the worker's event serves each message.
		if w.msg == nil {
			w.msg = c.message.WebSocketMessage(key, msg, now)
		} else {
			w.msg.NextWebSocketMessage(key, msg, now)
		}
		ev = w.msg
	} else {
		ev = c.message.WebSocketMessage(key, msg, now) // the handler may keep it
	}
	if !ok {
		// No route takes it [3P] (docs/evidence/gateway.md#websocket-routing).
		a.log(ev, http.StatusForbidden)
		c.send(errorFrame("Forbidden", c.id, ev.RequestID))
		return
	}
	// At the integration timeout the client gets the timeout message at
	// once, whatever the function does after; what it returns later is
	// dropped. The worker's timer serves its messages one after another:
	// a context.WithTimeout and a context.AfterFunc per message cost 13
	// allocations and 1.3 µs, the timer 1 and 0.21 µs
	// (internal/deadline's BenchmarkStart).
	if w.timer == nil {
		w.timer = deadline.NewTimer(w.timedOut)
	}
	w.ev = ev
	w.answered.Store(false)
	ctx := w.timer.Start(a.g.timeout)
	resp, failed := a.call(ctx, rt.in, ev)
	w.timer.Stop() // waits for timedOut if the deadline passed
	if !w.answered.CompareAndSwap(false, true) {
		return
	}
	a.log(ev, resp.Status())
	switch {
	case failed:
		msg := "Internal server error"
		if resp.Status() == http.StatusGatewayTimeout {
			msg = "Endpoint request timed out"
		}
		c.send(errorFrame(msg, c.id, ev.RequestID))
	case rt.twoWay && len(resp.Body) > 0:
		c.send(resp.Body)
	}
}

// timedOut answers the client at the integration timeout of the
// message the worker runs, unless the integration answered first.
func (w *wsWorker) timedOut() {
	if w.answered.CompareAndSwap(false, true) {
		w.c.a.log(w.ev, http.StatusGatewayTimeout)
		w.c.send(errorFrame("Endpoint request timed out", w.c.id, w.ev.RequestID))
	}
}

// errorFrame is the text frame API Gateway sends for a message it could
// not process, spaced as AWS spaces it [3P]
// (docs/evidence/websocket.md#message-errors).
func errorFrame(message, connectionID, requestID string) []byte {
	return fmt.Appendf(nil, `{"message": %q, "connectionId":%q, "requestId":%q}`, message, connectionID, requestID)
}

// send sends data to the client as one message, text when it is UTF-8
// and binary otherwise, in frames of at most the frame quota.
//
// A write has no deadline of its own: a client that stops reading holds
// it until the idle timeout or the connection's duration closes the
// connection, which ends it.
func (c *wsConn) send(data []byte) error {
	c.touch()
	return c.ws.Write(context.Background(), !utf8.Valid(data), data, c.a.g.limits.Frame)
}

// event builds the event of type typ for the route key, through
// event.Builder as every event the gateway sends: hr is the handshake for
// CONNECT, body the message for MESSAGE. It carries what the $connect
// authorizer granted.
func (c *wsConn) event(typ, key string, hr *http.Request, body []byte, t time.Time) (*event.Request, error) {
	b, in := c.builder(typ, key, hr, body, t)
	ev, err := b.FromHTTP(in)
	if err != nil {
		return nil, err
	}
	if typ == "CONNECT" {
		if err := checkUTF8(ev); err != nil {
			return nil, err
		}
	}
	ev.Context.ConnectedAt = c.connectedAt.UnixMilli()
	c.grant.apply(ev)
	return ev, nil
}

// builder returns the event.Builder of an event of type typ for the
// route key and the request it builds from (see event).
func (c *wsConn) builder(typ, key string, hr *http.Request, body []byte, t time.Time) (event.Builder, *http.Request) {
	b := event.Builder{
		Source:       event.WebSocket,
		Stage:        c.stage.Name,
		RouteKey:     key,
		APIID:        c.a.g.api.ID,
		AccountID:    c.a.g.api.AccountID,
		Region:       c.a.g.api.Region,
		DomainName:   c.domain,
		SourceIP:     c.sourceIP,
		Time:         t,
		EventType:    typ,
		ConnectionID: c.id,
	}
	if typ == "CONNECT" {
		b.RequestID = c.requestID
	}
	if len(c.stage.Variables) > 0 {
		b.StageVariables = c.stage.Variables
	}
	in := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/"}, Header: http.Header{}, Body: http.NoBody, ProtoMajor: 1, ProtoMinor: 1}
	if hr != nil {
		in = hr.Clone(hr.Context())
		in.URL = &url.URL{Path: "/", RawQuery: hr.URL.RawQuery}
		in.Body = http.NoBody
	} else if c.userAgent != "" {
		in.Header.Set("User-Agent", c.userAgent)
	}
	if len(body) > 0 {
		in.Body = io.NopCloser(bytes.NewReader(body))
	}
	return b, in
}

// run runs an integration on a WebSocket event within the integration
// timeout, and returns the response and whether the integration failed
// (a function error, an output the gateway cannot read, a timeout), in
// which case the response is the gateway's: 502 or 504.
func (a *wsAPI) run(ctx context.Context, in Integration, ev *event.Request) (*response.Response, bool) {
	ctx, cancel := context.WithTimeout(ctx, a.g.timeout)
	defer cancel()
	type result struct {
		resp   *response.Response
		failed bool
	}
	done := make(chan result, 1)
	go func() {
		resp, failed := a.call(ctx, in, ev)
		done <- result{resp, failed}
	}()
	select {
	case r := <-done:
		return r.resp, r.failed
	case <-ctx.Done():
		return timeoutResponse(event.WebSocket), true
	}
}

// call runs an integration on a WebSocket event under ctx, which carries
// the integration timeout, and returns as run does once the integration
// returned.
func (a *wsAPI) call(ctx context.Context, in Integration, ev *event.Request) (resp *response.Response, failed bool) {
	defer func() {
		if v := recover(); v != nil {
			resp, failed = response.FunctionError(event.WebSocket), true
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			resp, failed = timeoutResponse(event.WebSocket), true
		}
	}()
	switch in := in.(type) {
	case Proxy:
		return a.proxy(ctx, in, ev)
	case Direct:
		resp, err := in.Handler.Serve(ctx, ev)
		if err != nil || resp == nil {
			return response.FunctionError(event.WebSocket), true
		}
		return resp, false
	}
	return response.FunctionError(event.WebSocket), true
}

// proxy invokes a Lambda proxy integration with ev and reads its output
// as a payload 1.0 output.
func (a *wsAPI) proxy(ctx context.Context, in Proxy, ev *event.Request) (*response.Response, bool) {
	buf := payloadPool.Get().(*[]byte)
	payload := ev.AppendJSON((*buf)[:0])
	defer func() {
		if cap(payload) <= 64<<10 {
			*buf = payload[:0]
			payloadPool.Put(buf)
		}
	}()
	if len(payload) > a.g.limits.Payload {
		return rejectedResponse(event.WebSocket), true
	}
	out, err := invoke(ctx, in.Function, payload, a.g.limits.Output)
	switch {
	case errors.Is(err, errTimeout):
		return timeoutResponse(event.WebSocket), true
	case errors.Is(err, errRejected):
		return rejectedResponse(event.WebSocket), true
	case err != nil:
		return response.FunctionError(event.WebSocket), true
	}
	resp, err := OutputReader{Kind: event.WebSocket}.Read(out, false)
	return resp, err != nil
}

// log writes the access line of a WebSocket event.
func (a *wsAPI) log(ev *event.Request, status int) {
	if a.g.logger == nil {
		return
	}
	a.g.logger.LogAttrs(context.Background(), slog.LevelInfo, "websocket",
		slog.String("requestId", ev.RequestID), slog.String("connectionId", ev.Context.ConnectionID),
		slog.String("eventType", ev.Context.EventType), slog.String("stage", ev.Stage),
		slog.String("routeKey", ev.RouteKey), slog.Int("status", status))
}

// conn returns the open connection with the id, or nil.
func (a *wsAPI) conn(id string) *wsConn {
	a.mu.Lock()
	c := a.conns[id]
	a.mu.Unlock()
	if c == nil {
		return nil
	}
	select {
	case <-c.admitted:
		<-c.ready // the handshake is being answered
	default:
		return nil // still in $connect
	}
	if c.ws == nil || c.closedByUs.Load() {
		return nil // closing: gone for the Management API already
	}
	return c
}

// Close closes every WebSocket connection of a WebSocket API with code
// 1001, as a server going away does, after which the gateway refuses
// handshakes with 410; each connection's $disconnect runs before Close
// returns. For other kinds of API it does nothing. gateway.Server's
// Close calls it, since net/http does not close upgraded connections.
func (g *Gateway) Close() error {
	a := g.ws
	if a == nil {
		return nil
	}
	a.mu.Lock()
	a.closed = true
	var open []*wsConn
	for _, c := range a.conns {
		open = append(open, c)
	}
	a.mu.Unlock()
	for _, c := range open {
		select {
		case <-c.admitted:
			if <-c.ready; c.ws != nil {
				c.close(closeGoingAway, "Going away")
			}
		default:
		}
	}
	a.wg.Wait()
	return nil
}
