package lambdaservice

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/handler"

	"github.com/lambdagate/lambdagate/internal/quota"
)

// runtimePrefix is the Runtime API's path prefix, version 2018-06-01.
const runtimePrefix = "/2018-06-01/runtime/"

// The Runtime API's headers (docs/evidence/runtime.md#next-invocation-headers).
const (
	hdrRequestID     = "Lambda-Runtime-Aws-Request-Id"
	hdrDeadline      = "Lambda-Runtime-Deadline-Ms"
	hdrFunctionARN   = "Lambda-Runtime-Invoked-Function-Arn"
	hdrTraceID       = "Lambda-Runtime-Trace-Id"
	hdrClientContext = "Lambda-Runtime-Client-Context"
	hdrIdentity      = "Lambda-Runtime-Cognito-Identity"
	hdrErrorType     = "Lambda-Runtime-Function-Error-Type"
	hdrErrorBody     = "Lambda-Runtime-Function-Error-Body"
)

// ServeHTTP serves the instance's runtime the Lambda Runtime API: GET
// invocation/next, POST invocation/ID/response and invocation/ID/error,
// POST init/error (docs/evidence/runtime.md#local-runtime-api).
func (inst *instance) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, runtimePrefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if path == "invocation/next" {
		if r.Method != http.MethodGet {
			methodNotAllowed(w, http.MethodGet)
			return
		}
		inst.next(w, r)
		return
	}
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	if path == "init/error" {
		inst.initError(w, r)
		return
	}
	rest, ok := strings.CutPrefix(path, "invocation/")
	id, what, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || (what != "response" && what != "error") {
		http.NotFound(w, r)
		return
	}
	inv := inst.answering(id)
	if inv == nil {
		writeRuntimeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	if what == "response" {
		inst.response(w, r, inv)
	} else {
		inst.error(w, r, inv)
	}
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeRuntimeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "method not allowed")
}

// writeRuntimeError answers the runtime with Lambda's error document.
func writeRuntimeError(w http.ResponseWriter, status int, typ, msg string) {
	doc, _ := json.Marshal(struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}{msg, typ})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(doc)
}

// accepted answers the runtime's response or error as Lambda does.
func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"status":"OK"}`)
}

// next ends the previous invocation, if any, and waits for the next
// invocation, which it sends with its headers. The instance became idle
// when the runtime answered the previous one (see answered).
func (inst *instance) next(w http.ResponseWriter, r *http.Request) {
	inst.mu.Lock()
	prev := inst.cur
	if prev != nil && !inst.responded {
		inst.mu.Unlock()
		writeRuntimeError(w, http.StatusForbidden, "InvalidStateTransition",
			fmt.Sprintf("invocation/next called before invocation %s had a response or an error", prev.id))
		return
	}
	if !inst.initialized {
		inst.initialized = true
		inst.initDur = inst.sinceStart()
	}
	inst.mu.Unlock()
	if prev != nil {
		// What the runtime wrote for prev is in the pipes: it wrote it
		// before asking for more.
		inst.syncLogs()
		inst.end(prev, "", "")
	}
	var inv *invocation
	select {
	case inv = <-inst.inbox:
	case <-r.Context().Done():
		return
	}
	deadline := inst.begin(inv)
	h := w.Header()
	h.Set(hdrRequestID, inv.id)
	h.Set(hdrDeadline, strconv.FormatInt(deadline.UnixMilli(), 10))
	h.Set(hdrFunctionARN, inst.fn.arn)
	h.Set(hdrTraceID, inv.trace)
	if inv.clientContext != "" {
		h.Set(hdrClientContext, inv.clientContext)
	}
	if inv.identity != "" {
		h.Set(hdrIdentity, inv.identity)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(inv.payload)))
	w.WriteHeader(http.StatusOK)
	w.Write(inv.payload)
}

// answering returns the invocation id names if the instance runs it and
// its runtime has not answered it yet, marking it answered.
func (inst *instance) answering(id string) *invocation {
	inst.mu.Lock()
	defer inst.mu.Unlock()
	if inst.cur == nil || inst.cur.id != id || inst.responded {
		return nil
	}
	inst.responded = true
	return inst.cur
}

// response takes the invocation's response: whole, within Lambda's 6 MB
// quota, for a buffered invoke; as it arrives for a streamed one.
func (inst *instance) response(w http.ResponseWriter, r *http.Request, inv *invocation) {
	if inv.stream {
		inst.streamResponse(w, r, inv)
		return
	}
	out, err := io.ReadAll(io.LimitReader(r.Body, quota.LambdaResponse+1))
	if len(out) > quota.LambdaResponse {
		io.Copy(io.Discard, r.Body) // so the runtime reads the 413
	}
	// The instance is idle before its invoker has the outcome, so that
	// the invoker's next invoke finds it.
	inst.answered()
	if inv.tail != nil {
		inst.syncLogs() // the tail goes with the outcome
	}
	switch {
	case err != nil:
		fe := serviceError(TruncatedType, "RequestId: "+inv.id+" Error: the response was not posted whole: "+err.Error())
		inv.finish(outcome{err: fe})
		writeRuntimeError(w, http.StatusBadRequest, "TruncatedHTTPRequest", "HTTP request detected as truncated")
		return
	case len(out) > quota.LambdaResponse:
		refuseOversized(w, inv)
		return
	}
	if fe := trailerError(r); fe != nil {
		inv.finish(outcome{err: fe})
	} else {
		inv.finish(outcome{output: out})
	}
	accepted(w)
}

// streamResponse passes the runtime's response on to the invoker as it
// arrives; an error reported in the trailers ends the stream with it.
func (inst *instance) streamResponse(w http.ResponseWriter, r *http.Request, inv *invocation) {
	pr, pw := io.Pipe()
	inv.mu.Lock()
	inv.pw = pw
	inv.mu.Unlock()
	if !inv.finish(outcome{body: &streamBody{pr: pr, contentType: r.Header.Get("Content-Type")}}) {
		// It timed out already.
		pw.Close()
		io.Copy(io.Discard, r.Body)
		inst.answered()
		accepted(w)
		return
	}
	_, err := io.Copy(pw, r.Body)
	if errors.Is(err, io.ErrClosedPipe) {
		// The invoker stopped reading; the runtime goes on writing.
		io.Copy(io.Discard, r.Body)
	}
	inst.answered()
	if inv.tail != nil {
		inst.syncLogs()
	}
	switch {
	case errors.Is(err, io.ErrClosedPipe):
	case err != nil:
		pw.CloseWithError(serviceError(TruncatedType, "RequestId: "+inv.id+" Error: the response was not posted whole: "+err.Error()))
	default:
		if fe := trailerError(r); fe != nil {
			pw.CloseWithError(fe)
		} else {
			pw.Close()
		}
	}
	accepted(w)
}

// refuseOversized ends inv with the error Lambda reports for a response
// over its quota, and answers the runtime with Lambda's 413.
func refuseOversized(w http.ResponseWriter, inv *invocation) {
	inv.finish(outcome{err: oversizedError()})
	writeRuntimeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
		fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", quota.LambdaResponse))
}

// trailerError returns the error a streaming runtime reported in the
// trailers after its response, or nil.
func trailerError(r *http.Request) *handler.FunctionError {
	typ := r.Trailer.Get(hdrErrorType)
	if typ == "" {
		return nil
	}
	doc, err := base64.StdEncoding.DecodeString(r.Trailer.Get(hdrErrorBody))
	if err != nil || !json.Valid(doc) {
		return serviceError(typ, "")
	}
	return runtimeError(doc, typ)
}

// error takes the error the runtime reports for the invocation.
func (inst *instance) error(w http.ResponseWriter, r *http.Request, inv *invocation) {
	doc, err := io.ReadAll(io.LimitReader(r.Body, quota.LambdaResponse+1))
	if len(doc) > quota.LambdaResponse {
		io.Copy(io.Discard, r.Body)
	}
	inst.answered()
	if inv.tail != nil {
		inst.syncLogs()
	}
	switch {
	case err != nil:
		inv.finish(outcome{err: serviceError(TruncatedType, "RequestId: "+inv.id+" Error: the error was not posted whole: "+err.Error())})
		writeRuntimeError(w, http.StatusBadRequest, "TruncatedHTTPRequest", "HTTP request detected as truncated")
		return
	case len(doc) > quota.LambdaResponse:
		refuseOversized(w, inv)
		return
	}
	inv.finish(outcome{err: runtimeError(doc, errorTypeOr(r.Header.Get(hdrErrorType)))})
	accepted(w)
}

// answered makes the instance idle once its runtime has answered an
// invocation: the next invoke may take it at once, and its handover waits
// for the runtime's next call. An invoke that arrives between a response
// and the next call, as one made right after the response does, so finds
// the warm instance instead of starting another. If the runtime exits
// instead of calling next (aws-lambda-go does after a panic or a refused
// response), the invoke moves to another instance.
func (inst *instance) answered() {
	inst.mu.Lock()
	stopping := inst.stopping
	inst.mu.Unlock()
	if !stopping {
		inst.fn.release(inst)
	}
}

// errorTypeOr returns typ, or the type Lambda gives an error that names
// none.
func errorTypeOr(typ string) string {
	if typ == "" {
		return "Runtime.Unknown"
	}
	return typ
}

// initError takes the error a runtime reports for its initialisation; the
// instance is then stopped, as Lambda resets the environment, and the
// invocation waiting for it ends with the error.
func (inst *instance) initError(w http.ResponseWriter, r *http.Request) {
	doc, _ := io.ReadAll(io.LimitReader(r.Body, quota.LambdaResponse))
	inst.mu.Lock()
	if inst.initialized {
		inst.mu.Unlock()
		writeRuntimeError(w, http.StatusForbidden, "InvalidStateTransition", "init/error called after the initialisation")
		return
	}
	inst.initErr = runtimeError(doc, errorTypeOr(r.Header.Get(hdrErrorType)))
	inst.mu.Unlock()
	accepted(w)
	http.NewResponseController(w).Flush()
	inst.kill()
}

// A streamBody is a streamed invocation output.
type streamBody struct {
	pr          *io.PipeReader
	contentType string
}

func (b *streamBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

// ContentType returns the content type the runtime posted the response
// with.
func (b *streamBody) ContentType() string { return b.contentType }

// Close abandons the rest of the output.
func (b *streamBody) Close() error { return b.pr.Close() }
