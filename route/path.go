package route

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lambdagate/lambdagate/internal/ascii"
)

// DecodeHTTPPath returns the path an HTTP API routes on and puts in the
// event's rawPath, given the path a client sent (percent-encoded, without
// the query string). As recorded from HTTP APIs, the path is decoded
// twice: once, then cut at a '?' the first decoding produced, then once
// more. So "%2F" is a '/', "%252F" is a '/' too, "%253F" is a literal '?',
// and "a%3Fb" is "a". A '%' not followed by two hex digits, in the sent
// path or after the first decoding ("%25zz"), is an error: HTTP APIs
// answer such requests with 400. So is a path that does not decode to
// valid UTF-8 ("%C0%AE", "%FF"): an event is JSON, which cannot carry it,
// and replacing the bytes would make distinct paths look the same to the
// function. What AWS does there is unrecorded; see the repository's
// docs/evidence/gateway.md#invalid-utf-8.
func DecodeHTTPPath(sent string) (string, error) {
	p, err := unescape(sent)
	if err != nil {
		return "", fmt.Errorf("route: path %q: %w", sent, err)
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	p2, err := unescape(p)
	if err != nil {
		return "", fmt.Errorf("route: path %q decodes to %q: %w", sent, p, err)
	}
	if !utf8.ValidString(p2) {
		return "", fmt.Errorf("route: path %q does not decode to UTF-8", sent)
	}
	return p2, nil
}

// unescape decodes %XX escapes; '+' stays a '+'.
func unescape(s string) (string, error) {
	n := strings.Count(s, "%")
	if n == 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		if i+2 >= len(s) || !ascii.IsHex(s[i+1]) || !ascii.IsHex(s[i+2]) {
			end := min(i+3, len(s))
			return "", fmt.Errorf("invalid percent-encoding %q at offset %d", s[i:end], i)
		}
		b = append(b, ascii.Unhex(s[i+1])<<4|ascii.Unhex(s[i+2]))
		i += 2
	}
	return string(b), nil
}
