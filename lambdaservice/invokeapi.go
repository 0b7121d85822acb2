package lambdaservice

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/handler"

	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/internal/trace"
)

// The Invoke API's paths (docs/evidence/runtime.md#local-invoke-api).
const (
	invokePrefix = "/2015-03-31/functions/"
	invokeSuffix = "/invocations"
	streamPrefix = "/2021-11-15/functions/"
	streamSuffix = "/response-streaming-invocations"
)

// ServeHTTP serves the Lambda Invoke API for the service's functions, so
// AWS SDKs and other tools can invoke them as they invoke Lambda (with the
// endpoint set to the service's address; requests are not
// authenticated):
//
//	POST /2015-03-31/functions/NAME/invocations
//	POST /2021-11-15/functions/NAME/response-streaming-invocations
//
// NAME is a function's name or ARN, with no qualifier other than
// $LATEST. X-Amz-Invocation-Type selects RequestResponse (the default:
// 200 with the output, or with X-Amz-Function-Error: Unhandled and the
// error document), Event (202 at once; the invocation runs in the
// background, without Lambda's retries) or DryRun (204). X-Amz-Log-Type:
// Tail returns the last 4 KB of the invocation's log in
// X-Amz-Log-Result, X-Amz-Client-Context passes a base64 client context
// to the function, and X-Amzn-Trace-Id its trace header. A refused invoke
// gets Lambda's status and error document (404
// ResourceNotFoundException, 413 RequestEntityTooLargeException, 400
// InvalidRequestContentException, 429 TooManyRequestsException).
//
// The response streaming path answers with an event stream of
// PayloadChunk events, as the function posts its output, and a final
// InvokeComplete event carrying any error.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	var name string
	var stream bool
	switch {
	case strings.HasPrefix(path, invokePrefix) && strings.HasSuffix(path, invokeSuffix):
		name = path[len(invokePrefix) : len(path)-len(invokeSuffix)]
	case strings.HasPrefix(path, streamPrefix) && strings.HasSuffix(path, streamSuffix):
		name, stream = path[len(streamPrefix):len(path)-len(streamSuffix)], true
	default:
		writeInvokeError(w, refused(http.StatusNotFound, "UnknownOperationException", "no Lambda operation at "+path))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeInvokeError(w, refused(http.StatusMethodNotAllowed, "UnknownOperationException", "the Invoke API takes POST"))
		return
	}
	f, ierr := s.resolve(name, r.URL.Query().Get("Qualifier"))
	if ierr != nil {
		writeInvokeError(w, ierr)
		return
	}
	typ := r.Header.Get("X-Amz-Invocation-Type")
	switch typ {
	case "", "RequestResponse", "DryRun":
	case "Event":
		if !stream {
			break
		}
		fallthrough
	default:
		writeInvokeError(w, refused(http.StatusBadRequest, "InvalidParameterValueException", "invalid invocation type "+quoteJSON(typ)))
		return
	}
	limit, operation := quota.LambdaRequest, "InvokeFunction"
	switch {
	case typ == "Event":
		limit, operation = quota.LambdaAsyncRequest, "InvokeAsync"
	case stream:
		operation = "InvokeWithResponseStream"
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return // the client went away
	}
	inv, err := f.newInvocation(r.Context(), payload, limit, operation)
	if err != nil {
		writeInvokeError(w, err)
		return
	}
	if err := inv.fromRequest(r); err != nil {
		writeInvokeError(w, err)
		return
	}
	h := w.Header()
	h.Set("X-Amzn-RequestId", inv.id)
	switch typ {
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
		return
	case "Event":
		s.invokeAsync(f, inv)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	h.Set("X-Amz-Executed-Version", Version)
	if stream {
		inv.stream = true
		s.serveStream(w, r, f, inv)
		return
	}
	o, err := f.invoke(r.Context(), inv)
	if err != nil {
		writeInvokeError(w, err)
		return
	}
	if inv.tail != nil {
		h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(inv.tail.bytes()))
	}
	h.Set("Content-Type", "application/json")
	body := o.output
	if o.err != nil {
		h.Set("X-Amz-Function-Error", "Unhandled")
		body = o.err.Payload
	}
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// resolve returns the function a FunctionName of the Invoke API names: a
// name, an ARN, or a partial ARN (ACCOUNT:function:NAME), any with a
// qualifier.
func (s *Service) resolve(ref, qualifier string) (*Function, *handler.InvokeError) {
	name := ref
	parts := strings.Split(ref, ":")
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		if parts[3] != s.cfg.Region || parts[4] != s.cfg.AccountID {
			return nil, notFound(ref)
		}
		name = parts[6]
		parts = parts[7:]
	case len(parts) >= 3 && parts[1] == "function":
		if parts[0] != s.cfg.AccountID {
			return nil, notFound(ref)
		}
		name = parts[2]
		parts = parts[3:]
	default:
		name = parts[0]
		parts = parts[1:]
	}
	if len(parts) > 1 {
		return nil, notFound(ref)
	}
	if len(parts) == 1 {
		if qualifier != "" && qualifier != parts[0] {
			return nil, refused(http.StatusBadRequest, "InvalidParameterValueException", "the qualifier in the function name and the Qualifier parameter differ")
		}
		qualifier = parts[0]
	}
	f := s.Function(name)
	arn := s.cfg.arn(name)
	switch {
	case f == nil:
		return nil, notFound(arn)
	case qualifier != "" && qualifier != Version:
		return nil, notFound(arn + ":" + qualifier)
	}
	return f, nil
}

// fromRequest takes the invocation's client context, identity, trace
// header and log type from an Invoke API request.
func (inv *invocation) fromRequest(r *http.Request) error {
	if cc := r.Header.Get("X-Amz-Client-Context"); cc != "" {
		b, err := base64.StdEncoding.DecodeString(cc)
		if err != nil || !json.Valid(b) {
			return refused(http.StatusBadRequest, "InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object.")
		}
		inv.clientContext = string(b)
	}
	// Lambda's Invoke API has no identity parameter: the mobile SDKs set
	// it. The Runtime Interface Emulator takes this header, and so does
	// the service, so tests can pass one.
	if id := r.Header.Get("X-Amz-Cognito-Identity"); id != "" && json.Valid([]byte(id)) {
		inv.identity = id
	}
	if t, err := trace.Parse(r.Header.Get(trace.HeaderName)); err == nil && !t.IsZero() {
		inv.trace = trace.ForFunction(t, time.Now()).String()
	}
	switch r.Header.Get("X-Amz-Log-Type") {
	case "", "None":
	case "Tail":
		inv.tail = &logTail{on: true}
	default:
		return refused(http.StatusBadRequest, "InvalidParameterValueException", "invalid log type "+quoteJSON(r.Header.Get("X-Amz-Log-Type")))
	}
	return nil
}

// invokeAsync runs an Event invocation in the background, until it ends
// or the service closes.
func (s *Service) invokeAsync(f *Function, inv *invocation) {
	ctx, cancel := context.WithCancel(context.Background())
	s.async.Add(1)
	go func() {
		defer s.async.Done()
		defer cancel()
		go func() {
			select {
			case <-s.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		o, err := f.invoke(ctx, inv)
		switch {
		case err != nil:
			s.logs.line(f.name, inv.id, []byte("asynchronous invocation not run: "+err.Error()))
		case o.err != nil:
			s.logs.line(f.name, inv.id, []byte("asynchronous invocation failed (Lambda would retry it): "+string(o.err.Payload)))
		}
	}()
}

// writeInvokeError answers a refused invoke with Lambda's error document.
func writeInvokeError(w http.ResponseWriter, err error) {
	var ie *handler.InvokeError
	if !errors.As(err, &ie) {
		return // the invoker's context ended: nobody reads the answer
	}
	doc := map[string]string{"Type": "User", "message": ie.Message}
	if ie.Status >= 500 {
		doc["Type"] = "Service"
	}
	if ie.Status == http.StatusTooManyRequests {
		doc["Reason"] = "ReservedFunctionConcurrentInvocationLimitExceeded"
	}
	b, _ := json.Marshal(doc)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", ie.Code)
	w.WriteHeader(ie.Status)
	w.Write(b)
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
