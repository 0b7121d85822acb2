package nethttp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/nethttp"
	"github.com/lambdagate/lambdagate/response"
)

func serveWith(t *testing.T, method string, h http.HandlerFunc, c nethttp.Config) *response.Response {
	t.Helper()
	resp, err := c.Wrap(h).Serve(context.Background(), event.New(event.HTTPAPI, method, "/", nil))
	if err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if resp.Stream != nil {
		rest, err := io.ReadAll(resp.Stream)
		if err != nil {
			t.Fatalf("reading stream: %v", err)
		}
		resp.Body = append(resp.Body[:len(resp.Body):len(resp.Body)], rest...)
		resp.Stream = nil
	}
	return resp
}

// TestWriter checks the response writer against what net/http does.
func TestWriter(t *testing.T) {
	for _, tt := range []struct {
		name    string
		method  string
		h       http.HandlerFunc
		c       nethttp.Config
		status  int
		header  event.Header
		cookies []string
		body    string
		enc     response.Encoding
	}{
		{name: "writes nothing", h: func(w http.ResponseWriter, r *http.Request) {}, status: 200},
		{name: "status defaults to 200", h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") },
			status: 200, header: event.Header{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}, body: "hi"},
		{name: "second WriteHeader ignored", h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201); w.WriteHeader(500) }, status: 201},
		{name: "1xx dropped", h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(103); w.WriteHeader(202) }, status: 202},
		{name: "header changes after WriteHeader ignored", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("A", "1")
			w.WriteHeader(200)
			w.Header().Set("B", "2")
		}, status: 200, header: event.Header{{Name: "A", Value: "1"}}},
		{name: "204 refuses a body", h: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(204)
			if _, err := w.Write([]byte("x")); !errors.Is(err, http.ErrBodyNotAllowed) {
				panic("Write on 204 did not fail")
			}
		}, status: 204},
		{name: "HEAD discards the body, sniffs the type", method: "HEAD", h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>hi") },
			status: 200, header: event.Header{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}},
		{name: "nil Content-Type suppresses sniffing", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			io.WriteString(w, "<html>")
		}, status: 200, header: event.Header{}, body: "<html>"},
		{name: "Content-Encoding suppresses sniffing", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte{0x1f, 0x8b, 0})
		}, status: 200, header: event.Header{{Name: "Content-Encoding", Value: "gzip"}}, body: "\x1f\x8b\x00"},
		{name: "repeated headers and cookies", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Origin")
			w.Header().Add("Vary", "Accept")
			http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
			http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		}, status: 200, header: event.Header{{Name: "Vary", Value: "Origin"}, {Name: "Vary", Value: "Accept"}}, cookies: []string{"a=1", "b=2"}},
		{name: "CR LF in values become spaces, bad names dropped, trailers dropped", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-A", "a\r\nSet-Cookie: evil=1")
			w.Header()["Bad Name"] = []string{"x"}
			w.Header().Set("Trailer", "X-T")
			w.Header().Set(http.TrailerPrefix+"X-T", "t")
		}, status: 200, header: event.Header{{Name: "X-A", Value: "a  Set-Cookie: evil=1"}}},
		{name: "BinaryWhen", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.custom")
			io.WriteString(w, "x")
		}, c: nethttp.Config{Binary: func(ct, ce string) bool { return ct != "application/vnd.custom" }},
			status: 200, header: event.Header{{Name: "Content-Type", Value: "application/vnd.custom"}}, body: "x", enc: response.TextEncoding},
		{name: "BinaryWhen true", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			io.WriteString(w, "x")
		}, c: nethttp.Config{Binary: func(ct, ce string) bool { return true }},
			status: 200, header: event.Header{{Name: "Content-Type", Value: "text/csv"}}, body: "x", enc: response.Base64Encoding},
		{name: "SetEncoding through a wrapper", h: func(w http.ResponseWriter, r *http.Request) {
			if !nethttp.SetEncoding(unwrapper{w}, response.Base64Encoding) {
				panic("SetEncoding did not find the writer")
			}
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "x")
		}, status: 200, header: event.Header{{Name: "Content-Type", Value: "text/plain"}}, body: "x", enc: response.Base64Encoding},
		{name: "body over the buffer limit streams", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			for range 10 {
				io.WriteString(w, "0123456789")
			}
		}, c: nethttp.Config{BufferLimit: 25}, status: 200, header: event.Header{{Name: "Content-Type", Value: "text/plain"}}, body: strings.Repeat("0123456789", 10)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			resp := serveWith(t, method, tt.h, tt.c)
			if resp.Status() != tt.status || string(resp.Body) != tt.body || resp.Encoding != tt.enc {
				t.Errorf("response = %d %q encoding %d, want %d %q encoding %d", resp.Status(), resp.Body, resp.Encoding, tt.status, tt.body, tt.enc)
			}
			if len(resp.Header) != len(tt.header) || !equalHeader(resp.Header, tt.header) {
				t.Errorf("header = %q, want %q", resp.Header, tt.header)
			}
			if strings.Join(resp.Cookies, "|") != strings.Join(tt.cookies, "|") {
				t.Errorf("cookies = %q, want %q", resp.Cookies, tt.cookies)
			}
		})
	}
}

func equalHeader(a, b event.Header) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// TestPanics checks panics in the handler goroutine: recovered, logged,
// and turned into the gateway's error response, or a failed stream after
// a flush.
func TestPanics(t *testing.T) {
	for _, tt := range []struct {
		name   string
		h      http.HandlerFunc
		logged bool
		stream bool
	}{
		{"panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") }, true, false},
		{"invalid status code", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(42) }, true, false},
		{"ErrAbortHandler", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }, false, false},
		{"panic after flush", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			panic("late boom")
		}, true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := nethttp.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))}.Wrap(tt.h)
			for _, src := range []event.Source{event.REST, event.HTTPAPI} {
				a := &handler.Adapter{Handler: h, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
				req := event.New(src, "GET", "/", nil)
				payload, _ := req.MarshalJSON()
				out, err := a.Invoke(context.Background(), payload)
				if err != nil {
					t.Fatalf("%v: Invoke: %v", src, err)
				}
				got, _ := gateway.OutputReader{Kind: src, Payload: req.Version}.Read(out, false)
				want := response.FunctionError(src)
				if got.Status() != want.Status() || !bytes.Equal(got.Body, want.Body) {
					t.Errorf("%v: client got %d %s, want the gateway's %d %s", src, got.Status(), got.Body, want.Status(), want.Body)
				}
			}
			if l := logs.String(); tt.logged != strings.Contains(l, "nethttp: handler panic") || tt.logged && !strings.Contains(l, "stack=") {
				t.Errorf("log = %q, want logged %t with the stack", l, tt.logged)
			}
			if tt.stream {
				resp, err := h.Serve(handler.ContextWithInvokeMode(context.Background(), handler.ResponseStream), event.New(event.FunctionURL, "GET", "/", nil))
				if err != nil || resp.Stream == nil || string(resp.Body) != "partial" {
					t.Fatalf("Serve = %v, %v; want a stream after %q", resp, err, "partial")
				}
				var pe *handler.PanicError
				if _, err := io.ReadAll(resp.Stream); !errors.As(err, &pe) || pe.Value != "late boom" {
					t.Errorf("stream error = %v, want the panic", err)
				}
			}
		})
	}
}

// TestNilHandler checks a Wrap of nil.
func TestNilHandler(t *testing.T) {
	if _, err := nethttp.Wrap(nil).Serve(context.Background(), event.New(event.REST, "GET", "/", nil)); err == nil {
		t.Error("Wrap(nil).Serve: no error")
	}
}

// TestStreamClosed checks that closing a stream, as the runtime does when
// the client goes away, fails the handler's writes and cancels its
// context.
func TestStreamClosed(t *testing.T) {
	done := make(chan error, 1)
	h := nethttp.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		_, err := w.Write(bytes.Repeat([]byte("x"), 1<<16))
		done <- err
	}))
	resp, err := h.Serve(handler.ContextWithInvokeMode(context.Background(), handler.ResponseStream), event.New(event.FunctionURL, "GET", "/", nil))
	if err != nil || resp.Stream == nil {
		t.Fatalf("Serve = %v, %v", resp, err)
	}
	resp.Stream.(io.Closer).Close()
	if err := <-done; !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("write after close = %v, want io.ErrClosedPipe", err)
	}
}
