package response

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/ascii"
	"github.com/lambdagate/lambdagate/internal/fieldset"
	"github.com/lambdagate/lambdagate/internal/jsonx"
)

// IsBinary reports whether a body with these Content-Type and
// Content-Encoding values is binary, and so travels base64-encoded in the
// function output. A body with a Content-Encoding other than identity is
// binary (compressed). Text types are text/*, JSON and XML (with +json and
// +xml suffixes), JavaScript, form data, YAML and GraphQL; a missing
// Content-Type counts as text. Everything else is binary.
func IsBinary(contentType, contentEncoding string) bool {
	if ce := strings.TrimSpace(contentEncoding); ce != "" && !strings.EqualFold(ce, "identity") {
		return true
	}
	mt := event.MediaType(contentType)
	switch {
	case mt == "":
		return false
	case strings.HasPrefix(mt, "text/"):
		return false
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return false
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript", "application/ecmascript",
		"application/x-www-form-urlencoded", "application/yaml", "application/x-yaml",
		"application/graphql", "application/x-ndjson", "image/svg+xml":
		return false
	}
	return true
}

// base64Body decides the encoding of r's body in the function output.
func (r *Response) base64Body() (bool, error) {
	switch r.Encoding {
	case Base64Encoding:
		return true, nil
	case TextEncoding:
		if !utf8.Valid(r.Body) {
			return false, errors.New("response: body is not valid UTF-8 but Encoding is TextEncoding")
		}
		return false, nil
	}
	if IsBinary(r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding")) {
		return true, nil
	}
	// A text body that is not UTF-8 would be mangled by JSON; send it whole.
	return !utf8.Valid(r.Body), nil
}

// checkHeader refuses header names that are not HTTP tokens, values with
// CR, LF or NUL, which would let a value split the response, and values
// that are not UTF-8, which the JSON output cannot carry unchanged.
func checkHeader(name, value string) error {
	if name == "" {
		return errors.New("response: empty header name")
	}
	for i := 0; i < len(name); i++ {
		if !isTokenByte(name[i]) {
			return fmt.Errorf("response: invalid header name %q", name)
		}
	}
	// A loop, not strings.ContainsAny, whose byte set costs more to build
	// than a short value takes to scan.
	for i := 0; i < len(value); i++ {
		if c := value[i]; c == '\r' || c == '\n' || c == 0 {
			return fmt.Errorf("response: header %q value %q contains CR, LF or NUL", name, value)
		}
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("response: header %q value %q is not valid UTF-8", name, value)
	}
	return nil
}

func isTokenByte(c byte) bool { return tokenBytes[c] }

// tokenBytes[c] reports whether c may appear in an HTTP token: a visible
// ASCII character that is not a delimiter.
var tokenBytes = func() (t [256]bool) {
	for c := '!'; c < 0x7f; c++ {
		t[c] = !strings.ContainsRune(`()<>@,;:\"/[]?={}`, c)
	}
	return t
}()

// Marshal returns the function output that sends r to the client of req's
// source. See [AppendOutput].
func Marshal(req *event.Request, r *Response) ([]byte, error) {
	return AppendOutput(make([]byte, 0, 160+len(r.Body)*4/3), req, r)
}

// AppendOutput appends to b the function output that makes req's source
// send r to its client:
//
//   - REST, WebSocket and HTTP API payload 1.0: statusCode, multiValueHeaders
//     (every value, Set-Cookie included), body, isBase64Encoded.
//   - HTTP API payload 2.0 and function URLs: statusCode, headers with
//     repeated values comma-joined, cookies, body, isBase64Encoded; a
//     response made by [Value] is written as the bare value.
//   - ALB: statusCode, statusDescription, and headers or multiValueHeaders
//     as the target group sent them; without multi-value headers a repeated
//     header is comma-joined, and each Set-Cookie goes under its own
//     spelling of the name (Set-Cookie, set-Cookie, ...), since a headers
//     map holds one value per name and a joined Set-Cookie would break.
//
// A Stream is read to the end and appended to the body. It returns an
// error for invalid header names, values containing CR or LF, and status
// codes outside 100-599.
func AppendOutput(b []byte, req *event.Request, r *Response) ([]byte, error) {
	if r.Stream != nil {
		rest, err := io.ReadAll(r.Stream)
		if c, ok := r.Stream.(io.Closer); ok {
			c.Close()
		}
		if err != nil {
			return b, fmt.Errorf("response: reading stream: %w", err)
		}
		body := make([]byte, 0, len(r.Body)+len(rest))
		cp := *r
		cp.Body = append(append(body, r.Body...), rest...)
		cp.Stream = nil
		r = &cp
	}
	status := r.Status()
	if status < 100 || status > 599 {
		return b, fmt.Errorf("response: invalid status code %d", r.StatusCode)
	}
	for _, f := range r.Header {
		if err := checkHeader(f.Name, f.Value); err != nil {
			return b, err
		}
	}
	for _, c := range r.Cookies {
		if err := checkHeader("Set-Cookie", c); err != nil {
			return b, err
		}
	}
	b64, err := r.base64Body()
	if err != nil {
		return b, err
	}
	switch req.Source {
	case event.ALB, event.ALBMultiValue:
		return appendALB(b, req.Source == event.ALBMultiValue, status, r, b64)
	case event.HTTPAPI, event.FunctionURL:
		if req.V1() {
			break
		}
		if r.shorthand && req.Source == event.HTTPAPI {
			return append(b, r.Body...), nil
		}
		return appendV2(b, status, r, b64), nil
	case event.Unknown:
		return b, errors.New("response: request has no source")
	}
	return appendV1(b, status, r, b64), nil
}

func appendStatus(b []byte, status int) []byte {
	b = append(b, `{"statusCode":`...)
	return strconv.AppendInt(b, int64(status), 10)
}

func appendBody(b []byte, r *Response, b64 bool) []byte {
	b = append(b, `,"body":`...)
	if b64 {
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, r.Body)
		b = append(b, '"')
	} else {
		b = jsonx.AppendBytesString(b, r.Body)
	}
	b = append(b, `,"isBase64Encoded":`...)
	b = strconv.AppendBool(b, b64)
	return append(b, '}')
}

// appendMulti writes every header and cookie as multiValueHeaders, one
// member per name (names compared ignoring case, spelled as first seen).
func appendMulti(b []byte, r *Response) []byte {
	b = append(b, `,"multiValueHeaders":{`...)
	var byName fieldset.Groups
	fieldset.Group(&byName, r.Header, true)
	first := true
	for i, f := range r.Header {
		if byName.First(i) != i {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = jsonx.AppendString(b, f.Name)
		b = append(b, ':', '[')
		b = jsonx.AppendString(b, f.Value)
		for j := byName.Next(i); j >= 0; j = byName.Next(j) {
			b = append(b, ',')
			b = jsonx.AppendString(b, r.Header[j].Value)
		}
		if ascii.EqualFold(f.Name, "Set-Cookie") {
			for _, c := range r.Cookies {
				b = append(b, ',')
				b = jsonx.AppendString(b, c)
			}
		}
		b = append(b, ']')
	}
	if len(r.Cookies) > 0 && !r.Header.Has("Set-Cookie") {
		if !first {
			b = append(b, ',')
		}
		b = append(b, `"Set-Cookie":[`...)
		for i, c := range r.Cookies {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonx.AppendString(b, c)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJoined writes headers with repeated values joined by commas, one
// member per name (names compared ignoring case, spelled as first seen),
// skipping Set-Cookie when skipCookie is set.
func appendJoined(b []byte, r *Response, skipCookie bool) []byte {
	b = append(b, `,"headers":{`...)
	var byName fieldset.Groups
	fieldset.Group(&byName, r.Header, true)
	first := true
	for i, f := range r.Header {
		if byName.First(i) != i || skipCookie && ascii.EqualFold(f.Name, "Set-Cookie") {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = jsonx.AppendString(b, f.Name)
		b = append(b, ':')
		b = jsonx.AppendString(b, f.Value)
		for j := byName.Next(i); j >= 0; j = byName.Next(j) {
			b = jsonx.ExtendString(b, ',', r.Header[j].Value)
		}
	}
	return append(b, '}')
}

func appendV1(b []byte, status int, r *Response, b64 bool) []byte {
	b = appendStatus(b, status)
	b = appendMulti(b, r)
	return appendBody(b, r, b64)
}

func appendV2(b []byte, status int, r *Response, b64 bool) []byte {
	b = appendStatus(b, status)
	b = appendJoined(b, r, true)
	b = appendCookies(b, r)
	return appendBody(b, r, b64)
}

// appendCookies writes Set-Cookie headers and Cookies as the payload 2.0
// cookies array, if there are any.
func appendCookies(b []byte, r *Response) []byte {
	n := len(r.Cookies)
	for _, f := range r.Header {
		if ascii.EqualFold(f.Name, "Set-Cookie") {
			n++
		}
	}
	if n > 0 {
		b = append(b, `,"cookies":[`...)
		first := true
		for _, f := range r.Header {
			if ascii.EqualFold(f.Name, "Set-Cookie") {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = jsonx.AppendString(b, f.Value)
			}
		}
		for _, c := range r.Cookies {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = jsonx.AppendString(b, c)
		}
		b = append(b, ']')
	}
	return b
}

func appendALB(b []byte, multi bool, status int, r *Response, b64 bool) ([]byte, error) {
	b = appendStatus(b, status)
	b = append(b, `,"statusDescription":`...)
	var desc [48]byte // "511 Network Authentication Required" is the longest
	d := strconv.AppendInt(desc[:0], int64(status), 10)
	d = append(d, ' ')
	d = append(d, http.StatusText(status)...)
	b = jsonx.AppendBytesString(b, d)
	if multi {
		b = appendMulti(b, r)
		return appendBody(b, r, b64), nil
	}
	b = appendJoined(b, r, true)
	n := 0
	for _, f := range r.Header {
		if ascii.EqualFold(f.Name, "Set-Cookie") {
			if b, n = appendCookieVariant(b, n, f.Value); n < 0 {
				return b, errTooManyALBCookies
			}
		}
	}
	for _, c := range r.Cookies {
		if b, n = appendCookieVariant(b, n, c); n < 0 {
			return b, errTooManyALBCookies
		}
	}
	return appendBody(b, r, b64), nil
}

// maxALBCookies is how many Set-Cookie headers a single-value ALB output
// can carry: one per spelling of the name (nine letters).
const maxALBCookies = 1 << 9

var errTooManyALBCookies = fmt.Errorf("response: more than %d Set-Cookie headers for an ALB target group without multi-value headers; enable multi-value headers", maxALBCookies)

// appendCookieVariant adds the n-th Set-Cookie of a single-value ALB
// output to the headers object b ends with, and returns the next n, or -1
// when no spelling is left. A headers map holds one value per name, so
// each cookie goes under its own spelling of the name (Set-Cookie,
// set-Cookie, SEt-Cookie, ...): the load balancer passes names as
// written, and the client reads them as one header name, case-insensitive
// as HTTP names are (docs/evidence/responses.md#alb-single-value-set-cookie).
func appendCookieVariant(b []byte, n int, value string) ([]byte, int) {
	if n >= maxALBCookies {
		return b, -1
	}
	b = b[:len(b)-1] // reopen the headers object
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, cookieSpelling(n)...)
	b = append(b, '"', ':')
	b = jsonx.AppendString(b, value)
	return append(b, '}'), n + 1
}

// cookieSpelling returns the n-th spelling of Set-Cookie, n < 512: bit i
// of n flips the case of the i-th letter, so 0 is "Set-Cookie".
func cookieSpelling(n int) []byte {
	name := []byte("Set-Cookie")
	bit := 0
	for i, c := range name {
		if c == '-' {
			continue
		}
		if n&(1<<bit) != 0 {
			name[i] = c ^ 0x20
		}
		bit++
	}
	return name
}

// AppendPrelude appends the JSON prelude of a streamed response: status
// and headers without the body, in the shape of req's source (headers and
// cookies for function URLs; multiValueHeaders, Set-Cookie included, for
// REST streaming). The streamed body follows eight NUL bytes; see the
// root package's InvokeStream.
func AppendPrelude(b []byte, req *event.Request, r *Response) ([]byte, error) {
	status := r.Status()
	if status < 100 || status > 599 {
		return b, fmt.Errorf("response: invalid status code %d", r.StatusCode)
	}
	for _, f := range r.Header {
		if err := checkHeader(f.Name, f.Value); err != nil {
			return b, err
		}
	}
	for _, c := range r.Cookies {
		if err := checkHeader("Set-Cookie", c); err != nil {
			return b, err
		}
	}
	b = appendStatus(b, status)
	if req.V1() {
		b = appendMulti(b, r)
		return append(b, '}'), nil
	}
	b = appendJoined(b, r, true)
	b = appendCookies(b, r)
	return append(b, '}'), nil
}
