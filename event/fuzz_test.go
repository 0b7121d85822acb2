package event_test

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
)

// FuzzFromHTTP builds the event of every source for an HTTP request the
// fuzzer writes (request line, header lines, body) and checks that it
// encodes, decodes to the same request, and encodes to the same bytes
// again. Seeds: the requests of the builder's table tests.
func FuzzFromHTTP(f *testing.F) {
	f.Add("POST", captureTarget, "Cookie: session=abc123; theme=dark\nX-Probe: first\nX-Probe: second", []byte(`{"k":"v"}`), uint8(0))
	for i, target := range []string{"/", "/a/b%2Fc?x=1&x=2&y=%E2%9C%93", "/pets/1", "//proxy-value", "/p?a=1&A=2&a=3&=x&&b"} {
		for _, body := range []string{"", "text", "\xff\x00\x10"} {
			f.Add("PUT", target, "Content-Type: application/octet-stream\nX-A: 1\nx-a: 2", []byte(body), uint8(i))
		}
	}
	f.Add("GET", "/", "Accept: text/html\nAccept: */*\nHost: example.com\nX-Forwarded-For: 198.51.100.1\nContent-Type: text/plain", []byte("hi"), uint8(1))
	f.Fuzz(func(t *testing.T, method, target, header string, body []byte, src uint8) {
		var raw strings.Builder
		fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n", method, target, len(body))
		for line := range strings.SplitSeq(header, "\n") {
			raw.WriteString(strings.TrimSuffix(line, "\r") + "\r\n")
		}
		raw.WriteString("\r\n")
		raw.Write(body)
		hr, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
		if err != nil {
			return
		}
		if !utf8.ValidString(hr.URL.Path) || !validHeader(hr.Header) {
			return // invalid UTF-8 in paths and header values is another rule's
		}
		sources := []event.Source{event.REST, event.HTTPAPI, event.FunctionURL, event.ALB, event.ALBMultiValue, event.WebSocket}
		b := event.Builder{Source: sources[int(src)%len(sources)], RequestID: "fuzz", Time: time.Unix(1752148800, 0), EventType: "CONNECT"}
		r, err := b.FromHTTP(hr)
		if err != nil {
			return
		}
		if !validUTF8(r) {
			return // invalid UTF-8 in a query or a text body is another rule's
		}
		payload, _ := r.MarshalJSON()
		back, err := event.Decode(payload)
		if err != nil {
			t.Fatalf("%v event of %q: Decode(MarshalJSON()): %v\n%s", b.Source, raw.String(), err, payload)
		}
		// A payload 1.0 event groups query values by name, so the order of
		// interleaved names is not kept; every pair is.
		if r.V1() {
			r.RawQuery, back.RawQuery = sortedQuery(r.RawQuery), sortedQuery(back.RawQuery)
		}
		if diff := cmp.Diff(r, back, jsonEqual, anyOrder, emptyParams); diff != "" {
			t.Fatalf("%v event of %q: round trip (-built +decoded):\n%s\n%s", b.Source, raw.String(), diff, payload)
		}
		back, _ = event.Decode(payload)
		if again, _ := back.MarshalJSON(); string(again) != string(payload) {
			t.Fatalf("%v event of %q encodes differently once decoded:\n%s\n%s", b.Source, raw.String(), payload, again)
		}
	})
}

// validUTF8 reports whether the strings of the query, and the body unless
// it is base64-encoded, are valid UTF-8, which JSON strings carry
// unchanged.
func validUTF8(r *event.Request) bool {
	for _, f := range r.Query {
		if !utf8.ValidString(f.Name) || !utf8.ValidString(f.Value) {
			return false
		}
	}
	return utf8.ValidString(r.RawQuery) && (r.IsBase64Encoded || utf8.Valid(r.Body))
}

func validHeader(h http.Header) bool {
	for k, vs := range h {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

// sortedQuery returns the pairs of a query string in sorted order.
func sortedQuery(q string) string {
	pairs := strings.Split(q, "&")
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

// emptyParams makes a nil and an empty Params equal: the event format
// tells them apart only in payload 1.0 (null or {}).
var emptyParams = cmp.FilterValues(func(x, y event.Params) bool { return len(x) == 0 && len(y) == 0 }, cmp.Ignore())
