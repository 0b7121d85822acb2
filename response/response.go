package response

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/jsonx"
)

// Encoding says how a response body travels in the function's output.
type Encoding uint8

const (
	// AutoEncoding base64-encodes the body when its Content-Type or
	// Content-Encoding says it is binary; see [IsBinary].
	AutoEncoding Encoding = iota
	// TextEncoding sends the body as a JSON string, whatever its type.
	TextEncoding
	// Base64Encoding always base64-encodes the body.
	Base64Encoding
)

// Response is the HTTP response a handler returns, for any source.
//
// The zero StatusCode means 200. Header holds every header value; Cookies
// holds Set-Cookie values, which each source needs in its own place
// (payload 2.0 cookies, multi-value headers for payload 1.0 and ALB).
type Response struct {
	StatusCode int
	Header     event.Header
	Cookies    []string
	Body       []byte
	// Encoding chooses text or base64 for Body; the zero value decides by
	// content type.
	Encoding Encoding
	// Stream, when not nil, is read after Body to the end and sent as the
	// rest of the body. With a streaming invoke (function URLs in
	// RESPONSE_STREAM mode, REST streaming integrations) the client gets
	// each chunk as it is produced; otherwise the adapter reads it whole
	// first. It is closed after use if it is an io.Closer.
	Stream io.Reader

	// shorthand marks a payload 2.0 response given as a bare JSON value.
	shorthand bool
}

// Status returns the status code, 200 when StatusCode is zero.
func (r *Response) Status() int {
	if r.StatusCode == 0 {
		return http.StatusOK
	}
	return r.StatusCode
}

// Shorthand reports whether r was made by [Value].
func (r *Response) Shorthand() bool { return r.shorthand }

// New returns a response with the given status, content type and body.
func New(status int, contentType string, body []byte) *Response {
	r := &Response{StatusCode: status, Body: body}
	if contentType != "" {
		r.Header = event.Header{{Name: "Content-Type", Value: contentType}}
	}
	return r
}

// JSON returns a response whose body is v encoded with encoding/json and
// whose Content-Type is application/json. Its error is encoding/json's.
func JSON(status int, v any) (*Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return New(status, "application/json", b), nil
}

// RawJSON returns a response with the JSON document b, sent as is.
func RawJSON(status int, b []byte) *Response {
	return New(status, "application/json", b)
}

// Text returns a text/plain; charset=utf-8 response.
func Text(status int, s string) *Response {
	return New(status, "text/plain; charset=utf-8", []byte(s))
}

// HTML returns a text/html; charset=utf-8 response.
func HTML(status int, s string) *Response {
	return New(status, "text/html; charset=utf-8", []byte(s))
}

// Binary returns a response whose body is always base64-encoded in the
// function output, with the given content type.
func Binary(status int, contentType string, b []byte) *Response {
	r := New(status, contentType, b)
	r.Encoding = Base64Encoding
	return r
}

// Redirect returns a redirect to url with the given 3xx status.
func Redirect(status int, url string) *Response {
	return &Response{StatusCode: status, Header: event.Header{{Name: "Location", Value: url}}}
}

// NoContent returns an empty 204 response.
func NoContent() *Response {
	return &Response{StatusCode: http.StatusNoContent}
}

// Error returns a JSON error response in API Gateway's own shape,
// {"message":"..."}.
func Error(status int, message string) *Response {
	b := make([]byte, 0, len(message)+16)
	b = append(b, `{"message":`...)
	b = jsonx.AppendString(b, message)
	return RawJSON(status, append(b, '}'))
}

// Value returns the payload 2.0 shorthand: the function returns v itself
// (any JSON value) and the HTTP API answers 200 with v as an
// application/json body. Other sources get the same 200 JSON response.
func Value(v any) (*Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	r := RawJSON(http.StatusOK, b)
	r.shorthand = true
	return r, nil
}

// Stream returns a response whose body is read from body. See
// [Response.Stream].
func Stream(status int, contentType string, body io.Reader) *Response {
	r := New(status, contentType, nil)
	r.Stream = body
	return r
}

// SetCookie adds c as a Set-Cookie value.
func (r *Response) SetCookie(c *http.Cookie) {
	if v := c.String(); v != "" {
		r.Cookies = append(r.Cookies, v)
	}
}
