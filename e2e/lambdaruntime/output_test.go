//go:build linux

package lambdaruntime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/e2e/internal/runtimetest"
)

// An output is a function's output in the shape of payload 1.0, payload
// 2.0 or ALB: what the source reads.
type output struct {
	StatusCode        *int                `json:"statusCode"`
	StatusDescription *string             `json:"statusDescription"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              *string             `json:"body"`
	IsBase64Encoded   *bool               `json:"isBase64Encoded"`

	// shorthand is set when a payload 2.0 output is the body itself (no
	// statusCode): the JSON value the client gets with status 200.
	shorthand []byte
}

// parseOutput decodes raw as src reads a function's output, and reports
// whatever the source would refuse, ignore or misread: members of
// another source's shape, values of the wrong type, a status out of
// range, ALB headers in the other header mode, an invalid base64 body,
// control characters in headers.
func parseOutput(src source, raw []byte) (*output, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members["statusCode"] == nil {
		if (src == httpAPI || src == functionURL) && json.Valid(raw) {
			return &output{shorthand: raw}, nil
		}
		return nil, fmt.Errorf("not an object with a statusCode: %s", runtimetest.Abbrev(raw))
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	var o output
	if err := d.Decode(&o); err != nil {
		return nil, fmt.Errorf("output for %v: %w", src, err)
	}
	if *o.StatusCode < 100 || *o.StatusCode > 599 {
		return nil, fmt.Errorf("output for %v: statusCode %d", src, *o.StatusCode)
	}
	var not []string
	switch src {
	case rest, webSocket:
		not = []string{"statusDescription", "cookies"}
	case httpAPI, functionURL:
		// An HTTP API ignores multiValueHeaders in payload 2.0: headers
		// there would be lost.
		not = []string{"statusDescription", "multiValueHeaders"}
	case alb:
		not = []string{"cookies", "multiValueHeaders"}
	case albMulti:
		not = []string{"cookies", "headers"}
	default:
		return nil, fmt.Errorf("no output shape for %v", src)
	}
	for _, m := range not {
		if members[m] != nil {
			return nil, fmt.Errorf("output for %v has %s, which the source does not read: %s", src, m, runtimetest.Abbrev(raw))
		}
	}
	if src == alb || src == albMulti {
		want := strconv.Itoa(*o.StatusCode) + " " + http.StatusText(*o.StatusCode)
		if o.StatusDescription == nil || !strings.HasPrefix(*o.StatusDescription, strconv.Itoa(*o.StatusCode)+" ") {
			return nil, fmt.Errorf("output for %v: statusDescription %v, want one like %q", src, o.StatusDescription, want)
		}
	}
	if o.IsBase64Encoded != nil && *o.IsBase64Encoded && o.Body != nil {
		if _, err := base64.StdEncoding.DecodeString(*o.Body); err != nil {
			return nil, fmt.Errorf("output for %v: isBase64Encoded with a body that is not base64: %v", src, err)
		}
	}
	for name, v := range o.Headers {
		if err := checkHeader(name, v); err != nil {
			return nil, err
		}
	}
	for name, vs := range o.MultiValueHeaders {
		for _, v := range vs {
			if err := checkHeader(name, v); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range o.Cookies {
		if err := checkHeader("Set-Cookie", c); err != nil {
			return nil, err
		}
	}
	return &o, nil
}

func checkHeader(name, value string) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n:") {
		return fmt.Errorf("header name %q", name)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("header %s: value %q", name, value)
	}
	return nil
}

// status is the status the client gets.
func (o *output) status() int {
	if o.shorthand != nil {
		return http.StatusOK
	}
	return *o.StatusCode
}

// header returns every value of the header name, whatever the case of
// its names: ALB's single-value mode can only carry a header twice under
// names that differ in case.
func (o *output) header(name string) []string {
	var vs []string
	for k, v := range o.Headers {
		if strings.EqualFold(k, name) {
			vs = append(vs, v)
		}
	}
	for k, v := range o.MultiValueHeaders {
		if strings.EqualFold(k, name) {
			vs = append(vs, v...)
		}
	}
	return vs
}

// cookies are the Set-Cookie values, where src carries them.
func (o *output) cookies(src source) []string {
	if src == httpAPI || src == functionURL {
		return o.Cookies
	}
	return o.header("Set-Cookie")
}

// body is the body the client gets, base64 decoded.
func (o *output) body() []byte {
	if o.shorthand != nil {
		return o.shorthand
	}
	if o.Body == nil {
		return nil
	}
	if o.IsBase64Encoded != nil && *o.IsBase64Encoded {
		b, _ := base64.StdEncoding.DecodeString(*o.Body)
		return b
	}
	return []byte(*o.Body)
}

func (o *output) base64() bool { return o.IsBase64Encoded != nil && *o.IsBase64Encoded }

// streamSeparator ends the JSON prelude of a streamed HTTP response.
var streamSeparator = make([]byte, 8)

// streamContentType is the content type aws-lambda-go posts a streamed
// HTTP response with.
const streamContentType = "application/vnd.awslambda.http-integration-response"

// parseStream splits a streamed HTTP response into its prelude, decoded
// as src reads it (function URLs: statusCode, headers, cookies; REST:
// statusCode, multiValueHeaders), and its body.
func parseStream(src source, raw []byte) (*output, []byte, error) {
	i := bytes.Index(raw, streamSeparator)
	if i < 0 {
		return nil, nil, fmt.Errorf("no JSON prelude and eight NUL bytes: %s", runtimetest.Abbrev(raw))
	}
	prelude, body := raw[:i], raw[i+len(streamSeparator):]
	var members map[string]json.RawMessage
	if err := json.Unmarshal(prelude, &members); err != nil {
		return nil, nil, fmt.Errorf("prelude %s: %v", runtimetest.Abbrev(prelude), err)
	}
	allowed := []string{"statusCode", "headers", "cookies"}
	if src == rest {
		allowed = []string{"statusCode", "multiValueHeaders"}
	}
	for m := range members {
		if !contains(allowed, m) {
			return nil, nil, fmt.Errorf("prelude for %v has %s: %s", src, m, prelude)
		}
	}
	var o output
	if err := json.Unmarshal(prelude, &o); err != nil {
		return nil, nil, fmt.Errorf("prelude %s: %v", prelude, err)
	}
	if o.StatusCode == nil || *o.StatusCode < 100 || *o.StatusCode > 599 {
		return nil, nil, fmt.Errorf("prelude without a valid statusCode: %s", prelude)
	}
	return &o, body, nil
}

// A functionError is the error document the runtime posts for a failed
// invocation.
type functionError struct {
	Message string `json:"errorMessage"`
	Type    string `json:"errorType"`
}

// errorOf decodes a function error document.
func errorOf(b []byte) (*functionError, error) {
	var e functionError
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("function error %s: %v", runtimetest.Abbrev(b), err)
	}
	if e.Type == "" || e.Message == "" {
		return nil, errors.New("function error without errorType or errorMessage: " + runtimetest.Abbrev(b))
	}
	return &e, nil
}
