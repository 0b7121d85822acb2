package gateway

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/fieldset"
	"github.com/lambdagate/lambdagate/internal/jsonx"
	"github.com/lambdagate/lambdagate/response"
)

// An OutputReader reads a function's output as the service in front of
// the function does: what the client gets for what the function returned.
// The Gateway reads every proxy integration's output with one; a test of
// a function can use one to see the client's view of an output without a
// server. The rules, source by source, are in the package documentation.
type OutputReader struct {
	// Kind is the kind of API in front of the function: event.REST,
	// event.HTTPAPI, event.ALB, event.ALBMultiValue, event.FunctionURL or
	// event.WebSocket.
	Kind event.Source
	// Payload is an HTTP API integration's payload format (PayloadV2 when
	// empty).
	Payload event.PayloadVersion
	// BinaryMediaTypes are a REST API's binary media types.
	BinaryMediaTypes []string
	// Accept is the client request's Accept header. A REST API decodes a
	// base64 body only when its first media type matches BinaryMediaTypes.
	Accept string
}

// ErrFunction and ErrOutput are the errors of [OutputReader.Read].
var (
	ErrFunction = errors.New("gateway: function error")
	ErrOutput   = errors.New("gateway: output the gateway cannot read")
)

// Read returns the response the client gets when the function returned
// output (with functionError false) or failed (functionError true), with
// a nil error when the response is the function's, [ErrFunction] when it
// is the gateway's answer to a function error, and [ErrOutput] when it is
// the gateway's answer to an output it cannot use.
func (o OutputReader) Read(output []byte, functionError bool) (*response.Response, error) {
	if functionError {
		return response.FunctionError(o.Kind), ErrFunction
	}
	var r *response.Response
	var err error
	switch o.Kind {
	case event.HTTPAPI:
		if o.Payload == event.PayloadV1 {
			r, err = o.readV1(output, false)
		} else {
			r, err = o.readV2(output)
		}
	case event.FunctionURL:
		r, err = o.readV2(output)
	case event.ALB, event.ALBMultiValue:
		r, err = o.readALB(output)
	default:
		r, err = o.readV1(output, true)
	}
	if err != nil {
		if r == nil {
			r = response.FunctionError(o.Kind)
		}
		return r, err
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

// readV1 reads a payload 1.0 output. strict is the REST rule: only
// statusCode, body, headers, multiValueHeaders and isBase64Encoded may
// appear, or the output is a 502 [REC] (docs/evidence/responses.md#rest-output-members), and a missing statusCode means
// 200. HTTP APIs with payload 1.0 ignore other members but need
// statusCode.
func (o OutputReader) readV1(output []byte, strict bool) (*response.Response, error) {
	doc, object, valid := parseOutput(output)
	if !valid || !object || strict && doc.unknown {
		return nil, ErrOutput
	}
	status, ok := readStatus(doc.status, strict)
	if !ok {
		return nil, ErrOutput
	}
	multi, ok := readMultiHeaders(doc.multi)
	if !ok {
		return nil, ErrOutput
	}
	single, ok := readHeaders(doc.headers)
	if !ok {
		return nil, ErrOutput
	}
	body, ok, badBase64 := readPayload(doc, o.decodesBinary())
	if badBase64 {
		// A REST API answers a body it cannot decode with 500 [REC]
		// (docs/evidence/responses.md#rest-binary-responses).
		r := response.FunctionError(o.Kind)
		r.StatusCode = http.StatusInternalServerError
		return r, ErrOutput
	}
	if !ok {
		return nil, ErrOutput
	}
	r := &response.Response{StatusCode: status, Header: mergeOutputHeaders(multi, single), Body: body}
	defaultContentType(r)
	return r, nil
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
// or through a type/* entry [REC] (docs/evidence/responses.md#rest-binary-responses), or the API lists */*, which the AWS
// documentation recommends for binary proxies (an emulator that ignores
// */* contradicts it). A */* or */png Accept matches nothing but */*
// [REC]. HTTP APIs with payload 1.0 always decode.
func (o OutputReader) decodesBinary() bool {
	if o.Kind == event.HTTPAPI {
		return true
	}
	first, _, _ := strings.Cut(o.Accept, ",")
	mt := event.MediaType(first)
	if mt == "" {
		return false
	}
	for _, t := range o.BinaryMediaTypes {
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
func (o OutputReader) readV2(output []byte) (*response.Response, error) {
	doc, object, valid := parseOutput(output)
	if !valid {
		return nil, ErrOutput
	}
	if !object || doc.status == nil {
		// Without statusCode the output itself is the body [DOC]
		// (docs/evidence/responses.md#payload-v2-shorthand): a JSON
		// string unquoted by an HTTP API, kept as JSON text by a function
		// URL (docs/evidence/responses.md#function-url-output).
		trimmed := bytes.TrimSpace(output)
		body := append([]byte(nil), trimmed...)
		if trimmed[0] == '"' && o.Kind != event.FunctionURL {
			body = []byte(jsonx.NewScanner(trimmed).String())
		}
		return response.RawJSON(http.StatusOK, body), nil
	}
	status, ok := readStatus(doc.status, false)
	if !ok {
		return nil, ErrOutput
	}
	h, ok := readHeaders(doc.headers)
	if !ok {
		return nil, ErrOutput
	}
	cookies, ok := readStrings(doc.cookies)
	if !ok {
		return nil, ErrOutput
	}
	body, ok, _ := readPayload(doc, true)
	if !ok {
		return nil, ErrOutput
	}
	r := &response.Response{StatusCode: status, Header: h, Body: body}
	for _, c := range cookies {
		r.Header.Add("Set-Cookie", c)
	}
	defaultContentType(r)
	return r, nil
}

// respondALB reads an ALB output, whose header mode must match the target
// group's: the other map is ignored.
func (o OutputReader) readALB(output []byte) (*response.Response, error) {
	doc, object, valid := parseOutput(output)
	if !valid || !object {
		return nil, ErrOutput
	}
	status, ok := readStatus(doc.status, false)
	if !ok {
		return nil, ErrOutput
	}
	// The target group reads the header map of its mode; an output with
	// only the other one is refused with 502 [3P]
	// (docs/evidence/responses.md#alb-output).
	var h event.Header
	if o.Kind == event.ALBMultiValue {
		if isNull(doc.multi) && !isNull(doc.headers) {
			return nil, ErrOutput
		}
		h, ok = readMultiHeaders(doc.multi)
	} else {
		if isNull(doc.headers) && !isNull(doc.multi) {
			return nil, ErrOutput
		}
		h, ok = readHeaders(doc.headers)
	}
	if !ok {
		return nil, ErrOutput
	}
	body, ok, _ := readPayload(doc, true)
	if !ok {
		return nil, ErrOutput
	}
	return &response.Response{StatusCode: status, Header: h, Body: body}, nil
}

func isNull(raw []byte) bool { return raw == nil || string(raw) == "null" }

// readStatus reads statusCode: an integer or a string holding one [REC]
// (docs/evidence/responses.md#status-codes);
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
// booleans [REC] (docs/evidence/responses.md#header-values); null is no headers. Names keep the output's order.
// A repeated member replaces the value of the earlier one, in its place,
// as JSON readers usually do.
func readHeaders(raw []byte) (event.Header, bool) {
	if isNull(raw) {
		return nil, true
	}
	s := jsonx.NewScanner(raw)
	if !s.Object() {
		return nil, false
	}
	var h event.Header
	var names fieldset.Set[event.Field]
	for first := true; s.More(first, '}'); first = false {
		k := s.Key()
		v, ok := headerValue(s)
		if !ok {
			return nil, false
		}
		if i := names.Find(h, k, ""); i >= 0 {
			h[i].Value = v
			continue
		}
		h = append(h, event.Field{Name: k, Value: v})
	}
	return h, s.End() == nil
}

// readMultiHeaders reads a multiValueHeaders object of lists [REC]
// (docs/evidence/responses.md#rest-proxy-output). A repeated member
// replaces the values of the earlier one, and comes where it is; a null
// member is no member.
func readMultiHeaders(raw []byte) (event.Header, bool) {
	if isNull(raw) {
		return nil, true
	}
	s := jsonx.NewScanner(raw)
	if !s.Object() {
		return nil, false
	}
	var h event.Header
	// The members, by name, and where each one's values start in h.
	var keyBuf [16]event.Field
	var startBuf [16]int
	keys, starts := keyBuf[:0], startBuf[:0]
	for first := true; s.More(first, '}'); first = false {
		k := s.Key()
		if s.Null() {
			continue
		}
		if s.Kind() != '[' {
			return nil, false
		}
		s.Array()
		keys, starts = append(keys, event.Field{Name: k}), append(starts, len(h))
		for f := true; s.More(f, ']'); f = false {
			v, ok := headerValue(s)
			if !ok {
				return nil, false
			}
			h = append(h, event.Field{Name: k, Value: v})
		}
	}
	if s.End() != nil {
		return nil, false
	}
	var byName fieldset.Groups
	fieldset.Group(&byName, keys, false)
	out := h[:0]
	for m := range keys {
		if byName.Next(m) >= 0 {
			continue // a later member replaces this one
		}
		end := len(h)
		if m+1 < len(starts) {
			end = starts[m+1]
		}
		out = append(out, h[starts[m]:end]...)
	}
	return out, true
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
// kept) [REC] (docs/evidence/responses.md#merging-headers-and-multivalueheaders).
func mergeOutputHeaders(multi, single event.Header) event.Header {
	out := multi
	pairs := fieldset.Set[event.Field]{Fold: true, Pairs: true}
	for _, f := range single {
		if pairs.Find(multi, f.Name, f.Value) < 0 {
			out = append(out, f)
		}
	}
	// Keep each name's values together, in first-seen order of names,
	// spelled as first seen.
	return groupByName(out)
}

func groupByName(h event.Header) event.Header {
	if len(h) < 2 {
		return h
	}
	var byName fieldset.Groups
	fieldset.Group(&byName, h, true)
	out := make(event.Header, 0, len(h))
	for i, f := range h {
		if byName.First(i) != i {
			continue
		}
		out = append(out, f)
		for j := byName.Next(i); j >= 0; j = byName.Next(j) {
			out = append(out, event.Field{Name: f.Name, Value: h[j].Value})
		}
	}
	return out
}

// defaultContentType adds Content-Type: application/json when the output
// set none, as API Gateway does [DOC] (docs/evidence/responses.md#default-content-type).
func defaultContentType(r *response.Response) {
	if !r.Header.Has("Content-Type") {
		r.Header.Add("Content-Type", "application/json")
	}
}

// maxPrelude bounds the JSON prelude of a streamed output.
const maxPrelude = 1 << 20

// readStream reads the prelude of a streamed function output (JSON with
// statusCode, headers or multiValueHeaders, and cookies, then eight NUL
// bytes) and returns the response whose Stream is the rest: the body.
func readStream(out io.Reader) (*response.Response, error) {
	br := bufio.NewReader(out)
	var prelude []byte
	for {
		chunk, err := br.ReadSlice(0)
		prelude = append(prelude, chunk...)
		if len(prelude) > maxPrelude {
			return nil, errors.New("gateway: streamed output prelude over 1 MB")
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("gateway: streamed output without its prelude: %w", err)
		}
		if bytes.HasSuffix(prelude, make([]byte, 8)) {
			prelude = prelude[:len(prelude)-8]
			break
		}
	}
	var p struct {
		StatusCode        int                 `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Cookies           []string            `json:"cookies"`
	}
	if err := json.Unmarshal(prelude, &p); err != nil {
		return nil, fmt.Errorf("gateway: streamed output prelude: %w", err)
	}
	if p.StatusCode == 0 {
		p.StatusCode = http.StatusOK
	}
	r := &response.Response{StatusCode: p.StatusCode, Cookies: p.Cookies, Stream: br}
	for _, k := range slices.Sorted(maps.Keys(p.MultiValueHeaders)) {
		for _, v := range p.MultiValueHeaders[k] {
			r.Header.Add(k, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(p.Headers)) {
		r.Header.Add(k, p.Headers[k])
	}
	if c, ok := out.(io.Closer); ok {
		r.Stream = readCloser{br, c}
	}
	return r, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}
