package local

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/quota"
	"github.com/lambdagate/lambdagate/response"
)

// Server is an http.Handler in front of one function.
type Server struct {
	// Source is the event source to emulate; Unknown means HTTP API.
	Source event.Source
	// Version is the HTTP API payload format, "2.0" (default) or "1.0".
	Version string
	// Stage is the stage the API serves; empty means "$default" for HTTP
	// APIs (served at the root) and "prod" for REST APIs (served under
	// /prod/, as execute-api URLs are).
	Stage string
	// BinaryMediaTypes are the REST API's binary media types.
	BinaryMediaTypes []string
	// Invoke is the function's invoke bytes path; an error is a function
	// error.
	Invoke func(ctx context.Context, payload []byte) ([]byte, error)
	// InvokeStream, when set, is used instead of Invoke: the function
	// streams its response (a function URL in RESPONSE_STREAM mode, a REST
	// streaming integration), and the server passes each chunk on to the
	// client as it arrives.
	InvokeStream func(ctx context.Context, payload []byte) (io.Reader, error)
	// Timeout is the integration timeout; zero means 29 s for REST and
	// 30 s for HTTP APIs.
	Timeout time.Duration
	// Logger receives one access line per request; nil means no log.
	Logger *slog.Logger
}

func (s *Server) source() event.Source {
	if s.Source == event.Unknown {
		return event.HTTPAPI
	}
	return s.Source
}

func (s *Server) stage() string {
	if s.Stage != "" {
		return s.Stage
	}
	switch s.source() {
	case event.REST, event.WebSocket:
		return "prod"
	case event.HTTPAPI:
		return "$default"
	}
	return ""
}

// ServeHTTP serves one client request through the function.
func (s *Server) ServeHTTP(w http.ResponseWriter, hr *http.Request) {
	start := time.Now()
	src := s.source()
	var g Guard
	log := func(reqID string, status int) {
		if s.Logger != nil {
			s.Logger.Info("request", "requestId", reqID, "method", hr.Method, "path", hr.URL.Path,
				"status", status, "latency", time.Since(start))
		}
	}
	resp, reqID := s.serve(w, hr, src, &g, log)
	if g.Write(w, hr, src, reqID, resp, false) {
		log(reqID, resp.Status())
	}
}

// serve runs the request through the function. At the integration
// deadline it answers the client through g at once, as the gateway does.
func (s *Server) serve(w http.ResponseWriter, hr *http.Request, src event.Source, g *Guard, log func(string, int)) (*response.Response, string) {
	path, ok := s.stripStage(hr.URL)
	if !ok {
		return NotFound(src), ""
	}
	body, err := io.ReadAll(io.LimitReader(hr.Body, quota.GatewayPayload+1))
	if err != nil {
		return response.Error(http.StatusBadRequest, "Bad Request"), ""
	}
	if len(body) > quota.GatewayPayload {
		return TooLarge(), ""
	}
	u := *hr.URL
	u.Path, u.RawPath = path, ""
	if raw := hr.URL.EscapedPath(); raw != hr.URL.Path {
		u.RawPath = raw[len(raw)-len(escapedTail(raw, path)):]
	}
	in := hr.Clone(hr.Context())
	in.URL = &u
	in.Body = io.NopCloser(bytes.NewReader(body))
	b := event.Builder{Source: src, Version: s.Version, Stage: s.Stage, BinaryMediaTypes: s.BinaryMediaTypes, SourceIP: remoteHost(hr.RemoteAddr)}
	if src == event.REST {
		b.Stage = s.stage()
	}
	req, err := b.FromHTTP(in)
	if err != nil {
		return response.Error(http.StatusBadRequest, "Bad Request"), ""
	}
	payload, _ := req.MarshalJSON()
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
		if src == event.REST {
			timeout = 29 * time.Second
		}
	}
	gw := response.Gateway{Source: src, Version: req.Version, BinaryMediaTypes: s.BinaryMediaTypes, Accept: hr.Header.Get("Accept")}
	if s.InvokeStream != nil {
		out, err := s.InvokeStream(hr.Context(), payload)
		if err != nil {
			return gw.FunctionError(), req.RequestID
		}
		resp, err := ReadStream(out)
		if err != nil {
			return gw.FunctionError(), req.RequestID
		}
		return resp, req.RequestID
	}
	out, fnErr, err := CallWatched(hr.Context(), timeout, s.Invoke, payload, func() {
		if g.Write(w, hr, src, req.RequestID, TimeoutResponse(src), true) {
			log(req.RequestID, TimeoutResponse(src).Status())
		}
	})
	switch {
	case errors.Is(err, ErrTimeout):
		return TimeoutResponse(src), req.RequestID
	case errors.Is(err, ErrRejected):
		return RejectedResponse(src), req.RequestID
	case err != nil:
		return gw.FunctionError(), req.RequestID
	}
	return gw.Respond(out, fnErr), req.RequestID
}

// stripStage returns the path after the stage prefix the API is served
// under, and whether the request is inside the API.
func (s *Server) stripStage(u *url.URL) (string, bool) {
	p := u.Path
	if p == "" {
		p = "/"
	}
	st := s.stage()
	if st == "" || st == "$default" {
		return p, true
	}
	rest, ok := strings.CutPrefix(p, "/"+st)
	if !ok || rest != "" && rest[0] != '/' {
		return "", false
	}
	if rest == "" {
		rest = "/"
	}
	return rest, true
}

// escapedTail returns the end of the escaped path that encodes the decoded
// path tail.
func escapedTail(raw, tail string) string {
	// Walk back over raw, counting decoded bytes, until tail is covered.
	n := len(tail)
	i := len(raw)
	for n > 0 && i > 0 {
		if i >= 3 && raw[i-3] == '%' {
			i -= 3
		} else {
			i--
		}
		n--
	}
	return raw[i:]
}

func remoteHost(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		addr = addr[:i]
	}
	return strings.Trim(addr, "[]")
}

// SourceOrDefault returns the emulated source.
func (s *Server) SourceOrDefault() event.Source { return s.source() }

// ServedStage returns the stage whose prefix the server expects in paths.
func (s *Server) ServedStage() string { return s.stage() }
