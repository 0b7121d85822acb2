package response

import (
	"bytes"
	"encoding/base64"
	"errors"
	"github.com/lambdagate/lambdagate/internal/ascii"
	"net/http"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/jsonx"
)

// Gateway describes the service in front of a function, for [Gateway.Respond].
type Gateway struct {
	// Source is the event source: REST, HTTPAPI, ALB, ALBMultiValue,
	// FunctionURL or WebSocket.
	Source event.Source
	// Version is the HTTP API payload format, "1.0" or "2.0" (the default).
	Version string
	// BinaryMediaTypes are a REST API's binary media types.
	BinaryMediaTypes []string
	// Accept is the client request's Accept header. A REST API decodes a
	// base64 body only when its first media type matches BinaryMediaTypes.
	Accept string
}

// The gateway's own error bodies. REST renders its default 5XX gateway
// response, {"message":$context.error.messageString}; HTTP APIs capitalise
// the message.
const (
	restInternal = `{"message":"Internal server error"}`
	httpInternal = `{"message":"Internal Server Error"}`
)

// gatewayError returns the error response of g's source for a function
// error or an unusable output; binaryDecode marks the REST case of a
// base64 body that does not decode, which is a 500.
func (g Gateway) gatewayError(invalidBase64 bool) *Response {
	r := g.errorResponse(invalidBase64)
	r.gatewayError = true
	return r
}

func (g Gateway) errorResponse(invalidBase64 bool) *Response {
	switch g.Source {
	case event.REST, event.WebSocket:
		status := http.StatusBadGateway
		if invalidBase64 {
			status = http.StatusInternalServerError
		}
		r := RawJSON(status, []byte(restInternal))
		r.Header.Add("x-amzn-ErrorType", "InternalServerErrorException")
		return r
	case event.ALB, event.ALBMultiValue:
		return New(http.StatusBadGateway, "text/html", []byte(albBadGateway))
	case event.FunctionURL:
		return RawJSON(http.StatusBadGateway, []byte(httpInternal))
	}
	return RawJSON(http.StatusInternalServerError, []byte(httpInternal))
}

// albBadGateway is the page an Application Load Balancer sends with a 502.
const albBadGateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"

// FunctionError returns the response g's source sends when the function
// failed (the invoke reported a function error, or timed out in Lambda):
// REST and WebSocket 502 {"message": "Internal server error"} with
// x-amzn-ErrorType: InternalServerErrorException; HTTP APIs 500
// {"message":"Internal Server Error"}; function URLs 502 with the same
// body; ALB 502 with its HTML page.
func (g Gateway) FunctionError() *Response { return g.gatewayError(false) }

// Respond returns the HTTP response the source sends its client when the
// function returned output (with functionError false), following what AWS
// records for each source (see the package documentation). An output the
// source cannot read gives the source's own error response, as does a
// function error.
func (g Gateway) Respond(output []byte, functionError bool) *Response {
	r, _ := g.Read(output, functionError)
	return r
}

// ErrFunction and ErrOutput are the errors of [Gateway.Read].
var (
	ErrFunction = errors.New("response: function error")
	ErrOutput   = errors.New("response: output the gateway cannot read")
)

// Read is [Gateway.Respond] that also says whether the response is the
// function's (nil error) or the gateway's own error response for a
// function error ([ErrFunction]) or an unusable output ([ErrOutput]).
func (g Gateway) Read(output []byte, functionError bool) (*Response, error) {
	if functionError {
		return g.FunctionError(), ErrFunction
	}
	var r *Response
	switch g.Source {
	case event.HTTPAPI:
		if g.Version == "1.0" {
			r = g.respondV1(output, false)
		} else {
			r = g.respondV2(output)
		}
	case event.FunctionURL:
		r = g.respondV2(output)
	case event.ALB, event.ALBMultiValue:
		r = g.respondALB(output)
	default:
		r = g.respondV1(output, true)
	}
	if r.gatewayError {
		return r, ErrOutput
	}
	return r, nil
}

// outputDoc holds the raw members of a function output object that a
// gateway reads; nil means absent. A repeated member keeps its last value,
// as JSON readers usually do.
type outputDoc struct {
	status, headers, multi, body, b64, cookies []byte
	unknown                                    bool // a member REST does not allow
}

// parseOutput reads output with one pass of the JSON scanner. It reports
// whether output is valid JSON at all, and whether it is an object.
func parseOutput(output []byte) (doc outputDoc, object, valid bool) {
	s := jsonx.NewScanner(output)
	if s.Kind() != '{' {
		s.Raw()
		return doc, false, s.End() == nil
	}
	s.Object()
	for first := true; s.More(first, '}'); first = false {
		k := s.Key()
		v := s.Raw()
		switch k {
		case "statusCode":
			doc.status = v
		case "headers":
			doc.headers = v
		case "multiValueHeaders":
			doc.multi = v
		case "body":
			doc.body = v
		case "isBase64Encoded":
			doc.b64 = v
		case "cookies":
			doc.cookies = v
			doc.unknown = true
		default:
			doc.unknown = true
		}
	}
	return doc, true, s.End() == nil
}

// respondV1 reads a payload 1.0 output. strict is the REST rule: only
// statusCode, body, headers, multiValueHeaders and isBase64Encoded may
// appear, or the output is a 502 [REC], and a missing statusCode means
// 200. HTTP APIs with payload 1.0 ignore other members but need
// statusCode.
func (g Gateway) respondV1(output []byte, strict bool) *Response {
	doc, object, valid := parseOutput(output)
	if !valid || !object || strict && doc.unknown {
		return g.gatewayError(false)
	}
	status, ok := readStatus(doc.status, strict)
	if !ok {
		return g.gatewayError(false)
	}
	multi, ok := readMultiHeaders(doc.multi)
	if !ok {
		return g.gatewayError(false)
	}
	single, ok := readHeaders(doc.headers)
	if !ok {
		return g.gatewayError(false)
	}
	body, ok, badBase64 := readPayload(doc, g.decodesBinary())
	if !ok {
		return g.gatewayError(badBase64)
	}
	r := &Response{StatusCode: status, Header: mergeOutputHeaders(multi, single), Body: body}
	defaultContentType(r)
	return r
}

// readPayload returns the body of an output, base64-decoded when
// isBase64Encoded is true and decode holds. ok is false for a malformed
// body or flag, and for a body that does not decode, which badBase64
// reports.
func readPayload(doc outputDoc, decode bool) (body []byte, ok, badBase64 bool) {
	text, ok := readBody(doc.body)
	if !ok {
		return nil, false, false
	}
	b64, ok := readBool(doc.b64)
	if !ok {
		return nil, false, false
	}
	if !b64 || !decode {
		return []byte(text), true, false
	}
	dec, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, false, true
	}
	return dec, true, false
}

// decodesBinary reports whether a REST API decodes a base64 body for this
// request: the first Accept media type matches a binary media type exactly
// or through a type/* entry [REC], or the API lists */*, which the AWS
// documentation recommends for binary proxies (an emulator that ignores
// */* contradicts it). A */* or */png Accept matches nothing but */*
// [REC]. HTTP APIs with payload 1.0 always decode.
func (g Gateway) decodesBinary() bool {
	if g.Source == event.HTTPAPI {
		return true
	}
	first, _, _ := strings.Cut(g.Accept, ",")
	mt := event.MediaType(first)
	if mt == "" {
		return false
	}
	for _, t := range g.BinaryMediaTypes {
		t = event.MediaType(t)
		if t == mt || t == "*/*" {
			return true
		}
		if base, ok := strings.CutSuffix(t, "/*"); ok && strings.HasPrefix(mt, base+"/") {
			return true
		}
	}
	return false
}

// respondV2 reads an HTTP API payload 2.0 (or function URL) output.
func (g Gateway) respondV2(output []byte) *Response {
	doc, object, valid := parseOutput(output)
	if !valid {
		return g.gatewayError(false)
	}
	if !object || doc.status == nil {
		// Without statusCode the output itself is the body [DOC].
		trimmed := bytes.TrimSpace(output)
		body := append([]byte(nil), trimmed...)
		if trimmed[0] == '"' {
			body = []byte(jsonx.NewScanner(trimmed).String())
		}
		return RawJSON(http.StatusOK, body)
	}
	status, ok := readStatus(doc.status, false)
	if !ok {
		return g.gatewayError(false)
	}
	h, ok := readHeaders(doc.headers)
	if !ok {
		return g.gatewayError(false)
	}
	cookies, ok := readStrings(doc.cookies)
	if !ok {
		return g.gatewayError(false)
	}
	body, ok, _ := readPayload(doc, true)
	if !ok {
		return g.gatewayError(false)
	}
	r := &Response{StatusCode: status, Header: h, Body: body}
	for _, c := range cookies {
		r.Header.Add("Set-Cookie", c)
	}
	defaultContentType(r)
	return r
}

// respondALB reads an ALB output, whose header mode must match the target
// group's: the other map is ignored.
func (g Gateway) respondALB(output []byte) *Response {
	doc, object, valid := parseOutput(output)
	if !valid || !object {
		return g.gatewayError(false)
	}
	status, ok := readStatus(doc.status, false)
	if !ok {
		return g.gatewayError(false)
	}
	var h event.Header
	if g.Source == event.ALBMultiValue {
		h, ok = readMultiHeaders(doc.multi)
	} else {
		h, ok = readHeaders(doc.headers)
	}
	if !ok {
		return g.gatewayError(false)
	}
	body, ok, _ := readPayload(doc, true)
	if !ok {
		return g.gatewayError(false)
	}
	return &Response{StatusCode: status, Header: h, Body: body}
}

func isNull(raw []byte) bool { return raw == nil || string(raw) == "null" }

// readStatus reads statusCode: an integer or a string holding one [REC];
// absent means 200 when optional.
func readStatus(raw []byte, optional bool) (int, bool) {
	if isNull(raw) {
		return http.StatusOK, optional
	}
	n := string(raw)
	if raw[0] == '"' {
		n = strings.TrimSpace(jsonx.NewScanner(raw).String())
	} else if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return 0, false
	}
	v, err := strconv.Atoi(n)
	if err != nil {
		f, ferr := strconv.ParseFloat(n, 64)
		if ferr != nil || f != float64(int(f)) {
			return 0, false
		}
		v = int(f)
	}
	if v < 100 || v > 599 {
		return 0, false
	}
	return v, true
}

// readHeaders reads a headers object whose values are strings or
// booleans [REC]; null is no headers. Names keep the output's order.
func readHeaders(raw []byte) (event.Header, bool) {
	if isNull(raw) {
		return nil, true
	}
	s := jsonx.NewScanner(raw)
	if !s.Object() {
		return nil, false
	}
	var h event.Header
	for first := true; s.More(first, '}'); first = false {
		k := s.Key()
		v, ok := headerValue(s)
		if !ok {
			return nil, false
		}
		h = setLast(h, k, v)
	}
	return h, s.End() == nil
}

// setLast sets name to value, replacing an earlier value of the very same
// name, as a repeated JSON member replaces the earlier one.
func setLast(h event.Header, name, value string) event.Header {
	for i := range h {
		if h[i].Name == name {
			h[i].Value = value
			return h
		}
	}
	return append(h, event.Field{Name: name, Value: value})
}

// readMultiHeaders reads a multiValueHeaders object of lists [REC].
func readMultiHeaders(raw []byte) (event.Header, bool) {
	if isNull(raw) {
		return nil, true
	}
	s := jsonx.NewScanner(raw)
	if !s.Object() {
		return nil, false
	}
	var h event.Header
	for first := true; s.More(first, '}'); first = false {
		k := s.Key()
		if s.Null() {
			continue
		}
		if s.Kind() != '[' {
			return nil, false
		}
		s.Array()
		h = delExact(h, k)
		for f := true; s.More(f, ']'); f = false {
			v, ok := headerValue(s)
			if !ok {
				return nil, false
			}
			h = append(h, event.Field{Name: k, Value: v})
		}
	}
	return h, s.End() == nil
}

func delExact(h event.Header, name string) event.Header {
	out := h[:0]
	for _, f := range h {
		if f.Name != name {
			out = append(out, f)
		}
	}
	return out
}

// headerValue reads a header value: a string, or a boolean as its text.
func headerValue(s *jsonx.Scanner) (string, bool) {
	switch s.Kind() {
	case '"':
		v := s.String()
		return v, s.Err() == nil
	case 't', 'f':
		if s.Bool() {
			return "true", s.Err() == nil
		}
		return "false", s.Err() == nil
	}
	return "", false
}

func readStrings(raw []byte) ([]string, bool) {
	if isNull(raw) {
		return nil, true
	}
	s := jsonx.NewScanner(raw)
	if !s.Array() {
		return nil, false
	}
	var out []string
	for first := true; s.More(first, ']'); first = false {
		if s.Kind() != '"' {
			return nil, false
		}
		out = append(out, s.String())
	}
	return out, s.End() == nil
}

func readBody(raw []byte) (string, bool) {
	if isNull(raw) {
		return "", true
	}
	if raw[0] != '"' {
		return "", false // a non-string body is a malformed proxy response
	}
	s := jsonx.NewScanner(raw)
	v := s.String()
	return v, s.End() == nil
}

func readBool(raw []byte) (bool, bool) {
	switch string(raw) {
	case "", "null", "false":
		return false, true
	case "true":
		return true, true
	}
	return false, false
}

// mergeOutputHeaders merges a REST output's multiValueHeaders and headers:
// multi-value values first, then header values not already present under
// the same name (names compared ignoring case, the multi-value spelling
// kept) [REC].
func mergeOutputHeaders(multi, single event.Header) event.Header {
	out := multi
	for _, f := range single {
		name, dup := f.Name, false
		for _, g := range multi {
			if ascii.EqualFold(g.Name, f.Name) {
				name = g.Name
				if g.Value == f.Value {
					dup = true
				}
			}
		}
		if !dup {
			out = append(out, event.Field{Name: name, Value: f.Value})
		}
	}
	// Keep each name's values together, in first-seen order of names.
	return groupByName(out)
}

func groupByName(h event.Header) event.Header {
	if len(h) < 2 {
		return h
	}
	out := make(event.Header, 0, len(h))
	for i, f := range h {
		if seenBefore(h[:i], f.Name) {
			continue
		}
		for _, g := range h[i:] {
			if ascii.EqualFold(g.Name, f.Name) {
				out = append(out, event.Field{Name: f.Name, Value: g.Value})
			}
		}
	}
	return out
}

// defaultContentType adds Content-Type: application/json when the output
// set none, as API Gateway does [DOC].
func defaultContentType(r *Response) {
	if !r.Header.Has("Content-Type") {
		r.Header.Add("Content-Type", "application/json")
	}
}
