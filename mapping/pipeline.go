package mapping

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/internal/jregex"
	"github.com/lambdagate/lambdagate/internal/jsonsmart"
	"github.com/lambdagate/lambdagate/mapping/vtl"
	"github.com/lambdagate/lambdagate/response"
)

// Gateway response messages of the pipeline. Each is the
// $context.error.message of the gateway response API Gateway sends.
const (
	msgInternal         = "Internal server error"
	msgUnsupportedMedia = "Unsupported Media Type"
	msgParseRequestBody = "Could not parse request body into json: "
)

// invocationTypeHeader is the integration request header that chooses how
// a Lambda function is invoked.
const invocationTypeHeader = "X-Amz-Invocation-Type"

// A Pipeline runs one method of a REST API with a custom integration, as
// API Gateway does: request validation, request template selection and
// passthrough, the integration (a Lambda function, a mock or an HTTP
// backend), integration response selection, response parameters and the
// response template.
//
// Its Serve method makes it a lambdagate.Handler that a router or the local
// gateway can mount. A Pipeline is immutable and safe for concurrent use.
type Pipeline struct {
	name        string
	validation  *RequestValidation
	typ         IntegrationType
	fn          LambdaFunc
	async       func(ctx context.Context, payload []byte) error
	backend     Backend
	httpMethod  string
	path        string
	passthrough PassthroughBehavior
	reqParams   []paramMapping
	// reqTemplates maps a lower-case media type to its template; a nil
	// template passes the body through.
	reqTemplates map[string]*vtl.Template
	// responses are the integration responses with a selection pattern,
	// by increasing status code; def is the default response.
	responses []*integrationResponse
	def       *integrationResponse
	// method is the configuration the pipeline was built from (describe.go).
	method Method
}

type paramMapping struct {
	loc  string // header, querystring or path
	name string
	src  source
}

type integrationResponse struct {
	status  int
	pattern *jregex.Regexp
	params  []paramMapping // loc is "header"
	// templates maps a lower-case media type to its template; a nil
	// template passes the body through. keys lists the media types sorted.
	templates map[string]*vtl.Template
	keys      []string
}

// NewPipeline compiles m: it parses every template, compiles every
// selection pattern, and checks every mapping expression, reporting all
// problems at once.
func NewPipeline(m Method) (*Pipeline, error) {
	name := m.Name
	if name == "" {
		name = "method"
	}
	in := m.Integration
	p := &Pipeline{
		method:      m,
		name:        name,
		typ:         IntegrationType(strings.ToUpper(string(in.Type))),
		fn:          in.Function,
		async:       in.AsyncFunction,
		backend:     in.Backend,
		httpMethod:  in.HTTPMethod,
		path:        in.Path,
		passthrough: PassthroughBehavior(strings.ToUpper(string(in.PassthroughBehavior))),
	}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	v, err := NewRequestValidation(m.RequestValidator, m.RequestParameters, m.RequestModels, m.Models)
	add(err)
	p.validation = v

	switch p.typ {
	case TypeAWS:
		if p.fn == nil {
			add(fmt.Errorf("mapping: %s: AWS integration without a Function", name))
		}
	case TypeHTTP:
		if p.backend == nil {
			add(fmt.Errorf("mapping: %s: HTTP integration without a Backend", name))
		}
	case TypeMock:
	default:
		add(fmt.Errorf("mapping: %s: unsupported integration type %q (want AWS, MOCK or HTTP)", name, in.Type))
	}
	switch p.passthrough {
	case "":
		p.passthrough = WhenNoMatch
	case WhenNoMatch, WhenNoTemplates, Never:
	default:
		add(fmt.Errorf("mapping: %s: invalid passthrough behavior %q", name, in.PassthroughBehavior))
	}

	errs = append(errs, p.compileRequestParameters(name, in.RequestParameters)...)

	p.reqTemplates, _, err = parseTemplates(m.Limits, name+" integration request", in.RequestTemplates)
	add(err)

	errs = append(errs, p.compileResponses(m.Limits, name, in.Responses)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// compileRequestParameters compiles an integration's request parameters,
// integration.request.{header|querystring|path}.name, and returns every
// problem.
func (p *Pipeline) compileRequestParameters(name string, params map[string]string) []error {
	var errs []error
	for _, key := range sortedKeys(params) {
		rest, ok := strings.CutPrefix(key, "integration.request.")
		loc, pname, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || pname == "" || (loc != "header" && loc != "querystring" && loc != "path") {
			errs = append(errs, fmt.Errorf("mapping: %s: invalid integration request parameter %q (want integration.request.{header|querystring|path}.name)", name, key))
			continue
		}
		src, err := parseSource(params[key], true)
		if err != nil {
			errs = append(errs, fmt.Errorf("mapping: %s: %q: %w", name, key, err))
			continue
		}
		p.reqParams = append(p.reqParams, paramMapping{loc, pname, src})
	}
	return errs
}

// compileResponses compiles an integration's responses, ordered by
// status code (selection patterns are tried in that order), and returns
// every problem.
func (p *Pipeline) compileResponses(lim vtl.Limits, name string, responses []IntegrationResponse) []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	statuses := map[int]bool{}
	for i, r := range responses {
		what := fmt.Sprintf("%s integration response %d", name, r.StatusCode)
		if r.StatusCode < 100 || r.StatusCode > 599 {
			add(fmt.Errorf("mapping: %s: invalid status code %d", what, r.StatusCode))
		}
		if statuses[r.StatusCode] {
			add(fmt.Errorf("mapping: %s: status code defined twice", what))
		}
		statuses[r.StatusCode] = true
		ir := &integrationResponse{status: r.StatusCode}
		if r.SelectionPattern == "" {
			if p.def != nil {
				add(fmt.Errorf("mapping: %s: a second default response (response %d has no selection pattern)", what, i))
			}
			p.def = ir
		} else {
			re, err := compileJavaPattern(r.SelectionPattern)
			if err != nil {
				add(fmt.Errorf("mapping: %s: %w", what, err))
			}
			ir.pattern = re
			p.responses = append(p.responses, ir)
		}
		for _, key := range sortedKeys(r.ResponseParameters) {
			hname, ok := strings.CutPrefix(key, "method.response.header.")
			if !ok || hname == "" {
				add(fmt.Errorf("mapping: %s: invalid response parameter %q (want method.response.header.name)", what, key))
				continue
			}
			src, err := parseSource(r.ResponseParameters[key], false)
			if err != nil {
				add(fmt.Errorf("mapping: %s: %q: %w", what, key, err))
				continue
			}
			ir.params = append(ir.params, paramMapping{"header", hname, src})
		}
		var err error
		ir.templates, ir.keys, err = parseTemplates(lim, what, r.ResponseTemplates)
		add(err)
	}
	slices.SortFunc(p.responses, func(a, b *integrationResponse) int { return a.status - b.status })
	return errs
}

// MustPipeline is like NewPipeline but panics on error.
func MustPipeline(m Method) *Pipeline {
	p, err := NewPipeline(m)
	if err != nil {
		panic(err)
	}
	return p
}

func parseTemplates(lim vtl.Limits, what string, texts map[string]string) (map[string]*vtl.Template, []string, error) {
	if len(texts) == 0 {
		return nil, nil, nil
	}
	var errs []error
	m := make(map[string]*vtl.Template, len(texts))
	for _, ct := range sortedKeys(texts) {
		key := strings.ToLower(mediaType(ct))
		if _, dup := m[key]; dup {
			errs = append(errs, fmt.Errorf("mapping: %s: two templates for %q", what, key))
			continue
		}
		text := texts[ct]
		if text == "" {
			m[key] = nil
			continue
		}
		t, err := lim.Parse(what+" "+key, text)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m[key] = t
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return m, keys, errors.Join(errs...)
}

// compileJavaPattern compiles a selection pattern as a Java regex, so
// that it matches as Java's Pattern.matches does: the whole input, '.'
// not matching line terminators. Java features that Go's regexp lacks
// (backreferences, lookaround, possessive quantifiers) are reported as
// errors.
func compileJavaPattern(p string) (*jregex.Regexp, error) {
	re, err := jregex.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("invalid selection pattern %q: %v", p, err)
	}
	return re, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Serve runs req through the pipeline. Every outcome, including the
// gateway's own errors, is a response; the error is always nil.
func (p *Pipeline) Serve(ctx context.Context, req *event.Request) (*response.Response, error) {
	if verr := p.validation.Check(req); verr != nil {
		return verr.Response(), nil
	}

	in := &vtl.Input{
		Body:           req.Body,
		Path:           req.PathParameters,
		QueryString:    req.Query,
		Header:         event.Params(req.Header),
		Context:        vtl.ContextFromRequest(req),
		StageVariables: req.StageVariables,
	}

	// Request template, or passthrough. The overrides it leaves travel
	// to the response template and the response.
	body := req.Body
	t, transform, ok := p.requestTemplate(req)
	if !ok {
		return response.Error(http.StatusUnsupportedMediaType, msgUnsupportedMedia), nil
	}
	if transform && t != nil {
		res, err := t.Execute(in)
		if err != nil {
			return templateError(err), nil
		}
		body = res.Output
		in.Overrides = &res.Overrides
	}

	// Integration.
	ir, err := p.integrate(ctx, req, in, body)
	if err != nil {
		var gw *gatewayError
		if errors.As(err, &gw) {
			return gw.resp, nil
		}
		return response.Error(http.StatusInternalServerError, msgInternal), nil
	}

	// Integration response selection.
	sel := p.def
	for _, r := range p.responses {
		ok, err := r.pattern.Matches(ir.selector)
		if err != nil {
			// An input the Java pattern would treat in a way the
			// translation cannot reproduce: refuse rather than guess.
			return response.Error(http.StatusInternalServerError, msgInternal), nil
		}
		if ok {
			sel = r
			break
		}
	}
	if sel == nil {
		// No match and no default: an API configuration error.
		return response.Error(http.StatusInternalServerError, msgInternal), nil
	}

	resp := &response.Response{StatusCode: sel.status}
	for _, pm := range sel.params {
		v, ok, err := p.responseValue(pm.src, in, ir)
		if err != nil {
			return response.Error(http.StatusInternalServerError, msgInternal), nil
		}
		if ok {
			resp.Header.Set(pm.name, v)
		}
	}

	// Response template, chosen by the first Accept media type.
	out := ir.body
	ctype := "application/json"
	over := in.Overrides
	if key, rt, found := sel.responseTemplate(req.Header.Get("Accept")); found {
		ctype = key
		if rt != nil {
			rin := *in
			rin.Body = ir.body
			res, err := rt.Execute(&rin)
			if err != nil {
				return templateError(err), nil
			}
			out = res.Output
			over = &res.Overrides
		}
	}
	if !resp.Header.Has("Content-Type") {
		resp.Header = append(event.Header{{Name: "Content-Type", Value: ctype}}, resp.Header...)
	}
	resp.Body = out

	// Response overrides: the response template's, which start as the
	// request template's; without a response template, the request
	// template's.
	if over != nil {
		for _, k := range sortedKeys(over.Response.Header) {
			resp.Header.Set(k, over.Response.Header[k])
		}
		if s := over.Response.Status; s >= 100 && s <= 599 {
			resp.StatusCode = s
		}
	}
	return resp, nil
}

// requestTemplate selects the request template by the request's media
// type. It reports whether to transform and whether the request may go on
// at all (false means 415).
func (p *Pipeline) requestTemplate(req *event.Request) (t *vtl.Template, transform, ok bool) {
	ct := req.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/json"
	}
	key := strings.ToLower(mediaType(ct))
	if t, found := p.reqTemplates[key]; found {
		return t, true, true
	}
	switch p.passthrough {
	case WhenNoMatch:
		return nil, false, true
	case WhenNoTemplates:
		return nil, false, len(p.reqTemplates) == 0
	}
	return nil, false, false
}

// responseTemplate selects the response template for an Accept header:
// the first media type's template, else application/json's, else the
// first in media type order. found is false when there are no templates.
func (r *integrationResponse) responseTemplate(accept string) (key string, t *vtl.Template, found bool) {
	if len(r.keys) == 0 {
		return "", nil, false
	}
	first, _, _ := strings.Cut(accept, ",")
	key = strings.ToLower(mediaType(first))
	if key == "" {
		key = "application/json"
	}
	if t, ok := r.templates[key]; ok {
		return key, t, true
	}
	if t, ok := r.templates["application/json"]; ok {
		return "application/json", t, true
	}
	return r.keys[0], r.templates[r.keys[0]], true
}

// integrationResult is what an integration answered.
type integrationResult struct {
	status    int
	header    event.Header
	body      []byte
	selector  string // what selection patterns match
	lambdaErr bool   // the body is a Lambda function error
}

// A gatewayError is a failure API Gateway answers with a gateway response.
type gatewayError struct{ resp *response.Response }

func (e *gatewayError) Error() string {
	return "mapping: gateway response " + strconv.Itoa(e.resp.Status())
}

// integrate runs the integration on the rendered body: a mock, an HTTP
// backend or a Lambda function.
func (p *Pipeline) integrate(ctx context.Context, req *event.Request, in *vtl.Input, body []byte) (*integrationResult, error) {
	hdr, query, path, err := p.integrationParams(req, in)
	if err != nil {
		return nil, err
	}
	switch p.typ {
	case TypeMock:
		status, ok := mockStatus(body)
		if !ok {
			// "Unable to parse statusCode. It should be an integer that is
			// defined in the request template."
			return nil, &gatewayError{response.Error(http.StatusInternalServerError, msgInternal)}
		}
		return &integrationResult{status: status, selector: strconv.Itoa(status)}, nil
	case TypeHTTP:
		return p.callHTTP(ctx, req, hdr, query, path, body)
	}
	return p.invokeFunction(ctx, hdr, body)
}

// integrationParams returns the headers, query string and path
// parameters of the integration request: the mapped request parameters,
// then the request template's overrides.
func (p *Pipeline) integrationParams(req *event.Request, in *vtl.Input) (hdr, query, path event.Params, err error) {
	for _, pm := range p.reqParams {
		v, ok, err := p.requestValue(pm.src, in, req)
		if err != nil {
			return nil, nil, nil, err
		}
		if !ok {
			continue
		}
		switch pm.loc {
		case "header":
			hdr.Set(pm.name, v)
		case "querystring":
			query.Set(pm.name, v)
		case "path":
			path.Set(pm.name, v)
		}
	}
	if over := in.Overrides; over != nil {
		for _, k := range sortedKeys(over.Request.Header) {
			setFold(&hdr, k, over.Request.Header[k])
		}
		for _, k := range sortedKeys(over.Request.QueryString) {
			query.Set(k, over.Request.QueryString[k])
		}
		for _, k := range sortedKeys(over.Request.Path) {
			path.Set(k, over.Request.Path[k])
		}
	}
	return hdr, query, path, nil
}

// callHTTP sends the integration request to the HTTP backend.
func (p *Pipeline) callHTTP(ctx context.Context, req *event.Request, hdr, query, path event.Params, body []byte) (*integrationResult, error) {
	breq := &event.Request{
		Source:         req.Source,
		Method:         p.httpMethod,
		Path:           expandPath(p.path, path),
		Query:          query,
		Header:         event.Header(hdr),
		Body:           body,
		Stage:          req.Stage,
		StageVariables: req.StageVariables,
		RequestID:      req.RequestID,
	}
	if breq.Method == "" {
		breq.Method = req.Method
	}
	if p.path == "" {
		breq.Path = req.Path
	}
	breq.RawPath = breq.Path
	breq.RawQuery = query.Encode()
	if ct := req.Header.Get("Content-Type"); ct != "" && !breq.Header.Has("Content-Type") {
		breq.Header.Add("Content-Type", ct)
	}
	resp, err := p.backend.Serve(ctx, breq)
	if err != nil || resp == nil {
		return nil, &gatewayError{response.Error(http.StatusInternalServerError, msgInternal)}
	}
	b, err := readBody(resp)
	if err != nil {
		return nil, &gatewayError{response.Error(http.StatusInternalServerError, msgInternal)}
	}
	return &integrationResult{
		status:   resp.Status(),
		header:   resp.Header,
		body:     b,
		selector: strconv.Itoa(resp.Status()),
	}, nil
}

// invokeFunction invokes the Lambda function of an AWS integration with
// the rendered body.
func (p *Pipeline) invokeFunction(ctx context.Context, hdr event.Params, body []byte) (*integrationResult, error) {
	payload := bytes.TrimSpace(body)
	if len(payload) == 0 {
		payload = []byte("{}")
	} else if err := checkJSON(payload); err != nil {
		return nil, &gatewayError{response.Error(http.StatusBadRequest, msgParseRequestBody+err.Error())}
	}
	lambdaHeader := event.Header{{Name: "Content-Type", Value: "application/json"}}
	switch it := event.Header(hdr).Get(invocationTypeHeader); it {
	case "", "RequestResponse":
	case "Event":
		if p.async != nil {
			if err := p.async(ctx, payload); err != nil {
				// Lambda did not accept the invocation.
				return nil, &gatewayError{response.Error(http.StatusInternalServerError, msgInternal)}
			}
		} else {
			go func() {
				_, _ = invokeLambda(context.WithoutCancel(ctx), p.fn, payload)
			}()
		}
		return &integrationResult{status: http.StatusAccepted, header: lambdaHeader}, nil
	case "DryRun":
		return &integrationResult{status: http.StatusNoContent, header: lambdaHeader}, nil
	default:
		// Lambda rejects the invocation: InvalidParameterValueException.
		return nil, &gatewayError{response.Error(http.StatusInternalServerError, msgInternal)}
	}
	out, ferr := invokeLambda(ctx, p.fn, payload)
	if _, ok := errors.AsType[*handler.InvokeError](ferr); ok {
		// Lambda refused the invoke: the function never ran.
		return nil, &gatewayError{response.Error(http.StatusInternalServerError, msgInternal)}
	}
	if ferr != nil {
		fe := functionError(ferr)
		return &integrationResult{
			status:    http.StatusOK,
			header:    lambdaHeader,
			body:      fe.Payload,
			selector:  fe.Message,
			lambdaErr: true,
		}, nil
	}
	return &integrationResult{status: http.StatusOK, header: lambdaHeader, body: out}, nil
}

// invokeLambda calls fn, turning a panic into a function error as the Go
// Lambda runtime does.
func invokeLambda(ctx context.Context, fn LambdaFunc, payload []byte) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			if e, ok := v.(error); ok {
				err = e
			} else {
				err = &handler.FunctionError{Type: errorType(v), Message: fmt.Sprint(v)}
			}
			out = nil
		}
	}()
	return fn(ctx, payload)
}

// functionError returns the function error err is, with the document
// Lambda returns for it: a *handler.FunctionError's own document when it
// has one, otherwise {"errorMessage":"...","errorType":"..."} from its
// message and type, or from err's message and Go type.
func functionError(err error) *handler.FunctionError {
	fe, ok := errors.AsType[*handler.FunctionError](err)
	if !ok {
		fe = &handler.FunctionError{Type: errorType(err), Message: err.Error()}
	}
	if len(fe.Payload) > 0 {
		return fe
	}
	b, _ := json.Marshal(struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}{fe.Message, fe.Type})
	return &handler.FunctionError{Type: fe.Type, Message: fe.Message, Payload: b}
}

// errorType names the type of v as the Go Lambda runtime does.
func errorType(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return ""
	}
	if t.Kind() == reflect.Pointer {
		return t.Elem().Name()
	}
	return t.Name()
}

// checkJSON reports whether b is one JSON document, describing the first
// syntax error by line and column.
func checkJSON(b []byte) error {
	if json.Valid(b) {
		return nil
	}
	var v any
	err := json.Unmarshal(b, &v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := int(se.Offset)
		if off > len(b) {
			off = len(b)
		}
		line := 1 + bytes.Count(b[:off], []byte("\n"))
		col := off - bytes.LastIndexByte(b[:off], '\n') - 1
		if col < 1 {
			col = 1
		}
		return fmt.Errorf("%s at line %d, column %d", se.Error(), line, col)
	}
	return err
}

// mockStatus reads the statusCode a MOCK integration's request template
// set, parsing the output as API Gateway's permissive JSON parser does:
// unquoted keys and quoted numbers are accepted ({statusCode: 200},
// {"statusCode": "404"}).
func mockStatus(body []byte) (int, bool) {
	var d jsonsmart.Decoder
	d.Reset(string(body), maxMockDepth)
	tok, err := d.Next()
	if err != nil || tok == nil || tok.Kind != jsonsmart.BeginObject {
		return 0, false
	}
	for {
		tok, err = d.Next()
		if err != nil || tok == nil || (tok.Kind == jsonsmart.EndObject && d.Depth() == 0) {
			return 0, false
		}
		if tok.Kind != jsonsmart.Key || d.Depth() != 1 || tok.Str != "statusCode" {
			continue
		}
		if tok, err = d.Next(); err != nil || tok == nil {
			return 0, false
		}
		n := int(tok.Int)
		switch tok.Kind {
		case jsonsmart.Int:
		case jsonsmart.String:
			if n, err = strconv.Atoi(strings.TrimSpace(tok.Str)); err != nil {
				return 0, false
			}
		default:
			return 0, false
		}
		return n, n >= 100 && n <= 599
	}
}

// maxMockDepth caps the nesting mockStatus reads.
const maxMockDepth = 64

// expandPath fills the {name} parts of an integration path.
func expandPath(tmpl string, params event.Params) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		name := strings.TrimSuffix(tmpl[i+1:i+j], "+")
		b.WriteString(params.Get(name))
		tmpl = tmpl[i+j+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

func readBody(r *response.Response) ([]byte, error) {
	b := r.Body
	if r.Stream != nil {
		var buf bytes.Buffer
		buf.Write(b)
		_, err := buf.ReadFrom(r.Stream)
		if c, ok := r.Stream.(interface{ Close() error }); ok {
			c.Close()
		}
		if err != nil {
			return nil, err
		}
		b = buf.Bytes()
	}
	return b, nil
}

// setFold sets a header in a Params list, matching names case-insensitively.
func setFold(p *event.Params, name, value string) {
	h := event.Header(*p)
	h.Set(name, value)
	*p = event.Params(h)
}

// requestValue evaluates a source for the integration request.
func (p *Pipeline) requestValue(s source, in *vtl.Input, req *event.Request) (string, bool, error) {
	switch s.kind {
	case srcReqPath:
		v, ok := in.Path.Lookup(s.name)
		return v, ok, nil
	case srcReqQuery:
		if vs := in.QueryString.Values(s.name); len(vs) > 0 {
			return vs[len(vs)-1], true, nil
		}
		return "", false, nil
	case srcReqHeader:
		if vs := req.Header.Values(s.name); len(vs) > 0 {
			return vs[len(vs)-1], true, nil
		}
		return "", false, nil
	case srcReqMultiQuery:
		vs := in.QueryString.Values(s.name)
		return strings.Join(vs, ","), len(vs) > 0, nil
	case srcReqMultiHeader:
		vs := req.Header.Values(s.name)
		return strings.Join(vs, ","), len(vs) > 0, nil
	case srcReqBody:
		return bodyValue(req.Body, s.path, false)
	}
	return commonValue(s, in)
}

// responseValue evaluates a source for a method response header.
func (p *Pipeline) responseValue(s source, in *vtl.Input, ir *integrationResult) (string, bool, error) {
	switch s.kind {
	case srcRespHeader:
		var v string
		found := false
		for _, f := range ir.header {
			if f.Name == s.name {
				v, found = f.Value, true
			}
		}
		return v, found, nil
	case srcRespMultiHeader:
		var vs []string
		for _, f := range ir.header {
			if f.Name == s.name {
				vs = append(vs, f.Value)
			}
		}
		return strings.Join(vs, ","), len(vs) > 0, nil
	case srcRespBody:
		return bodyValue(ir.body, s.path, ir.lambdaErr)
	}
	return commonValue(s, in)
}

func bodyValue(body []byte, path []string, lambdaErr bool) (string, bool, error) {
	if path == nil {
		if len(bytes.TrimSpace(body)) == 0 {
			return "{}", true, nil
		}
		return string(body), true, nil
	}
	return bodyPath(body, path, lambdaErr)
}

// commonValue evaluates the sources both sides share: literals, context
// variables and stage variables.
func commonValue(s source, in *vtl.Input) (string, bool, error) {
	switch s.kind {
	case srcLiteral:
		return s.name, true, nil
	case srcStageVar:
		v, ok := in.StageVariables.Lookup(s.name)
		return v, ok, nil
	case srcContext:
		var v any = in.Context
		for _, k := range s.path {
			m, ok := v.(map[string]any)
			if !ok {
				return "", false, nil
			}
			v = m[k]
		}
		switch v := v.(type) {
		case nil, map[string]any, []any:
			return "", false, nil
		case string:
			return v, true, nil
		default:
			return fmt.Sprint(v), true, nil
		}
	}
	return "", false, nil
}

// templateError is the gateway response for a template that failed: 400
// with json-smart's message for a body the template could not parse as
// JSON, 500 for anything else.
func templateError(err error) *response.Response {
	var pe *vtl.PayloadError
	if errors.As(err, &pe) {
		return response.Error(http.StatusBadRequest, pe.AWSMessage())
	}
	return response.Error(http.StatusInternalServerError, msgInternal)
}
