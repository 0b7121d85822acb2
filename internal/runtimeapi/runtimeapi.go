package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lambdagate/lambdagate/internal/quota"
)

// StreamContentType is the content type of a streamed HTTP response.
const StreamContentType = "application/vnd.awslambda.http-integration-response"

const prefix = "/2018-06-01/runtime/"

// A Server serves the Runtime API to one function process. Queue
// invocations with [Server.Invoke]. It is safe for concurrent use.
type Server struct {
	// FunctionARN is sent as Lambda-Runtime-Invoked-Function-Arn.
	FunctionARN string
	// Timeout sets each invocation's deadline; zero means 3 s.
	Timeout time.Duration

	queue chan *invocation
	mu    sync.Mutex
	byID  map[string]*invocation
	seq   int
}

// NewServer returns a Server with an empty queue.
func NewServer() *Server {
	return &Server{queue: make(chan *invocation), byID: map[string]*invocation{}}
}

// A Result is how an invocation ended.
type Result struct {
	// ContentType is the content type the runtime posted its response
	// with.
	ContentType string
	// Body is the response as the runtime posts it; a streamed response
	// arrives piece by piece. It is closed when the invocation ends; the
	// caller must read it to the end or close it.
	Body io.ReadCloser
	// Error is set when the invocation ended in a function error: the
	// runtime posted to /error, or Lambda refused its response.
	Error *FunctionError
}

// A FunctionError is a function error as the Invoke API reports it.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("runtimeapi: function error %s: %s", e.Type, e.Message)
}

type invocation struct {
	id      string
	payload []byte
	done    chan Result // receives one result
	once    sync.Once
}

func (inv *invocation) finish(r Result) bool {
	sent := false
	inv.once.Do(func() { inv.done <- r; sent = true })
	return sent
}

// Invoke queues an invocation of payload and returns how it ended, or
// ctx's error if no runtime took it or answered before ctx ended.
func (s *Server) Invoke(ctx context.Context, payload []byte) (Result, error) {
	s.mu.Lock()
	s.seq++
	inv := &invocation{id: fmt.Sprintf("inv-%08d", s.seq), payload: payload, done: make(chan Result, 1)}
	s.byID[inv.id] = inv
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.byID, inv.id)
		s.mu.Unlock()
	}()
	select {
	case s.queue <- inv:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	select {
	case r := <-inv.done:
		return r, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// ServeHTTP serves the Runtime API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case path == "invocation/next" && r.Method == http.MethodGet:
		s.next(w, r)
	case path == "init/error" && r.Method == http.MethodPost:
		io.Copy(io.Discard, io.LimitReader(r.Body, quota.LambdaResponse))
		w.WriteHeader(http.StatusAccepted)
	case strings.HasPrefix(path, "invocation/") && r.Method == http.MethodPost:
		id, what, _ := strings.Cut(strings.TrimPrefix(path, "invocation/"), "/")
		s.mu.Lock()
		inv := s.byID[id]
		s.mu.Unlock()
		if inv == nil {
			writeError(w, http.StatusBadRequest, "InvalidRequestID", "unknown request id "+strconv.Quote(id))
			return
		}
		switch what {
		case "response":
			s.response(w, r, inv)
		case "error":
			s.error(w, r, inv)
		default:
			http.NotFound(w, r)
		}
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	var inv *invocation
	select {
	case inv = <-s.queue:
	case <-r.Context().Done():
		return
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 3 * time.Second
	}
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(timeout).UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", s.FunctionARN)
	h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
	h.Set("Content-Type", "application/json")
	w.Write(inv.payload)
}

// response passes the runtime's response on to the invoker as it
// arrives. A buffered one over quota.LambdaResponse is refused as Lambda refuses
// it; a streamed one is passed on as it comes.
func (s *Server) response(w http.ResponseWriter, r *http.Request, inv *invocation) {
	ct := r.Header.Get("Content-Type")
	if ct != StreamContentType {
		// Buffered: Lambda reads it whole and checks its size.
		b, err := io.ReadAll(io.LimitReader(r.Body, quota.LambdaResponse+1))
		if err != nil {
			inv.finish(Result{Error: &FunctionError{Type: "Runtime.TruncatedResponse", Message: err.Error()}})
			writeError(w, http.StatusBadRequest, "Runtime.TruncatedResponse", err.Error())
			return
		}
		if len(b) > quota.LambdaResponse {
			io.Copy(io.Discard, r.Body)
			inv.finish(Result{Error: &FunctionError{Type: quota.ResponseTooLargeType, Message: quota.ResponseTooLargeMessage}})
			writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
				fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", quota.LambdaResponse))
			return
		}
		inv.finish(Result{ContentType: ct, Body: io.NopCloser(bytes.NewReader(b))})
		w.WriteHeader(http.StatusAccepted)
		return
	}
	pr, pw := io.Pipe()
	inv.finish(Result{ContentType: ct, Body: pr})
	_, err := io.Copy(pw, r.Body)
	if err == nil {
		if t := r.Trailer.Get("Lambda-Runtime-Function-Error-Type"); t != "" {
			err = &FunctionError{Type: t, Message: "the stream ended in an error"}
		}
	}
	pw.CloseWithError(err)
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) error(w http.ResponseWriter, r *http.Request, inv *invocation) {
	b, _ := io.ReadAll(io.LimitReader(r.Body, quota.LambdaResponse))
	fe := &FunctionError{}
	if err := json.Unmarshal(b, fe); err != nil || fe.Type == "" {
		fe.Type = r.Header.Get("Lambda-Runtime-Function-Error-Type")
		if fe.Type == "" {
			fe.Type = "Unhandled"
		}
	}
	inv.finish(Result{Error: fe})
	w.WriteHeader(http.StatusAccepted)
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(FunctionError{Type: typ, Message: msg})
	w.Write(b)
}
