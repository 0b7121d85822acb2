package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// ResponseType names a REST API gateway response: a kind of answer the
// gateway gives itself rather than an integration's response
// (docs/evidence/openapi.md#gateway-responses).
type ResponseType string

// The gateway response types. The local gateway produces
// MissingAuthenticationToken, RequestTooLarge, IntegrationTimeout,
// APIConfigurationError, BadRequestParameters, BadRequestBody and the two
// defaults; the others are named so that definitions that customize them
// are kept and exported.
const (
	ResponseDefault4XX                   ResponseType = "DEFAULT_4XX"
	ResponseDefault5XX                   ResponseType = "DEFAULT_5XX"
	ResponseAccessDenied                 ResponseType = "ACCESS_DENIED"
	ResponseAPIConfigurationError        ResponseType = "API_CONFIGURATION_ERROR"
	ResponseAuthorizerConfigurationError ResponseType = "AUTHORIZER_CONFIGURATION_ERROR"
	ResponseAuthorizerFailure            ResponseType = "AUTHORIZER_FAILURE"
	ResponseBadRequestParameters         ResponseType = "BAD_REQUEST_PARAMETERS"
	ResponseBadRequestBody               ResponseType = "BAD_REQUEST_BODY"
	ResponseExpiredToken                 ResponseType = "EXPIRED_TOKEN"
	ResponseIntegrationFailure           ResponseType = "INTEGRATION_FAILURE"
	ResponseIntegrationTimeout           ResponseType = "INTEGRATION_TIMEOUT"
	ResponseInvalidAPIKey                ResponseType = "INVALID_API_KEY"
	ResponseInvalidSignature             ResponseType = "INVALID_SIGNATURE"
	ResponseMissingAuthenticationToken   ResponseType = "MISSING_AUTHENTICATION_TOKEN"
	ResponseQuotaExceeded                ResponseType = "QUOTA_EXCEEDED"
	ResponseRequestTooLarge              ResponseType = "REQUEST_TOO_LARGE"
	ResponseResourceNotFound             ResponseType = "RESOURCE_NOT_FOUND"
	ResponseThrottled                    ResponseType = "THROTTLED"
	ResponseUnauthorized                 ResponseType = "UNAUTHORIZED"
	ResponseUnsupportedMediaType         ResponseType = "UNSUPPORTED_MEDIA_TYPE"
	ResponseWAFFiltered                  ResponseType = "WAF_FILTERED"
)

// ResponseTypes returns every gateway response type AWS documents, in a
// new slice.
func ResponseTypes() []ResponseType { return slices.Clone(responseTypes) }

var responseTypes = []ResponseType{
	ResponseDefault4XX, ResponseDefault5XX, ResponseAccessDenied, ResponseAPIConfigurationError,
	ResponseAuthorizerConfigurationError, ResponseAuthorizerFailure, ResponseBadRequestParameters,
	ResponseBadRequestBody, ResponseExpiredToken, ResponseIntegrationFailure, ResponseIntegrationTimeout,
	ResponseInvalidAPIKey, ResponseInvalidSignature, ResponseMissingAuthenticationToken,
	ResponseQuotaExceeded, ResponseRequestTooLarge, ResponseResourceNotFound, ResponseThrottled,
	ResponseUnauthorized, ResponseUnsupportedMediaType, ResponseWAFFiltered,
}

// GatewayResponse customizes one gateway response type of a REST API, as
// x-amazon-apigateway-gateway-responses does. A type without one uses the
// DEFAULT_4XX or DEFAULT_5XX customization of its status class, and
// without that AWS's default, which is the answer the gateway gives
// anyway.
type GatewayResponse struct {
	// StatusCode replaces the status; zero keeps the default (or the
	// status a DEFAULT_4XX or DEFAULT_5XX customization sets for its
	// class).
	StatusCode int
	// ResponseParameters set headers: "gatewayresponse.header.NAME" to a
	// 'quoted literal', "method.request.{header|querystring|path}.NAME",
	// "method.input.params.NAME", "stageVariables.NAME" or
	// "context.NAME".
	ResponseParameters map[string]string
	// ResponseTemplates map a media type to a body template. Templates
	// are not VTL: API Gateway substitutes $context.NAME (with
	// $context.error.message, .messageString, .responseType and
	// .validationErrorString) and $stageVariables.NAME, nothing else.
	ResponseTemplates map[string]string
}

// A GatewayError is an answer the gateway gives itself, before a
// customization applies: its type and $context.error's values.
type GatewayError struct {
	Type    ResponseType
	Message string
	// ValidationErrorString is $context.error.validationErrorString.
	ValidationErrorString string
}

// A Validator checks a REST method request before its integration runs,
// as a request validator does (package openapi builds them from
// x-amazon-apigateway-request-validators). Validate returns nil for a
// request that passes, or the gateway response to give: a
// ResponseBadRequestParameters or ResponseBadRequestBody error whose
// message is the body's "message".
type Validator interface {
	Validate(req *event.Request) *GatewayError
}

// defaultStatus returns the status AWS gives a gateway response type.
func defaultStatus(t ResponseType) int {
	switch t {
	case ResponseAccessDenied, ResponseExpiredToken, ResponseInvalidAPIKey, ResponseInvalidSignature,
		ResponseMissingAuthenticationToken, ResponseWAFFiltered:
		return http.StatusForbidden
	case ResponseAPIConfigurationError, ResponseAuthorizerConfigurationError, ResponseAuthorizerFailure:
		return http.StatusInternalServerError
	case ResponseBadRequestParameters, ResponseBadRequestBody:
		return http.StatusBadRequest
	case ResponseIntegrationFailure, ResponseIntegrationTimeout:
		return http.StatusGatewayTimeout
	case ResponseQuotaExceeded, ResponseThrottled:
		return http.StatusTooManyRequests
	case ResponseRequestTooLarge:
		return http.StatusRequestEntityTooLarge
	case ResponseResourceNotFound:
		return http.StatusNotFound
	case ResponseUnauthorized:
		return http.StatusUnauthorized
	case ResponseUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	}
	return 0
}

// errorTypes maps the x-amzn-ErrorType of the gateway's own answers to
// their response types.
var errorTypes = map[string]ResponseType{
	"MissingAuthenticationTokenException": ResponseMissingAuthenticationToken,
	"AccessDeniedException":               ResponseAccessDenied,
	"UnauthorizedException":               ResponseUnauthorized,
	"TooManyRequestsException":            ResponseThrottled,
	"LimitExceededException":              ResponseQuotaExceeded,
	"ForbiddenException":                  ResponseInvalidAPIKey,
	"AuthorizerConfigurationException":    ResponseAuthorizerConfigurationError,
}

// classify returns the gateway response type of one of the gateway's own
// REST answers, from its status and x-amzn-ErrorType, as errors.go and
// package response make them.
func classify(resp *response.Response) ResponseType {
	if t, ok := errorTypes[resp.Header.Get("x-amzn-ErrorType")]; ok {
		return t
	}
	switch s := resp.Status(); {
	case s == http.StatusRequestEntityTooLarge:
		return ResponseRequestTooLarge
	case s == http.StatusGatewayTimeout:
		return ResponseIntegrationTimeout
	case s == http.StatusUnsupportedMediaType:
		return ResponseUnsupportedMediaType
	case s == http.StatusInternalServerError:
		// A rejected invoke, an unreachable endpoint, an invalid base64
		// output: AWS's "invalid API configuration".
		return ResponseAPIConfigurationError
	case s >= 500:
		return ResponseDefault5XX
	}
	return ResponseDefault4XX
}

// gatewayResponses is an API's compiled gateway response customizations.
type gatewayResponses map[ResponseType]*compiledGatewayResponse

type compiledGatewayResponse struct {
	status    int
	params    []restParam // loc "header"
	templates map[string]string
	keys      []string // media types, sorted
}

// compileGatewayResponses checks the customizations of api.
func compileGatewayResponses(kind event.Source, m map[ResponseType]GatewayResponse) (gatewayResponses, error) {
	if len(m) == 0 {
		return nil, nil
	}
	if kind != event.REST {
		return nil, fmt.Errorf("gateway: gateway responses are a REST API setting, not a %v one", kind)
	}
	out := gatewayResponses{}
	var errs []error
	for _, t := range slices.Sorted(func(yield func(ResponseType) bool) {
		for t := range m {
			if !yield(t) {
				return
			}
		}
	}) {
		gr := m[t]
		if !slices.Contains(responseTypes, t) {
			errs = append(errs, fmt.Errorf("gateway: unknown gateway response type %q", t))
			continue
		}
		if t == ResponseRequestTooLarge {
			// AWS's known issue: "Customizing the default gateway response
			// for 413 REQUEST_TOO_LARGE isn't currently supported".
			errs = append(errs, fmt.Errorf("gateway: gateway response %s cannot be customized", t))
			continue
		}
		if gr.StatusCode != 0 && (gr.StatusCode < 100 || gr.StatusCode > 599) {
			errs = append(errs, fmt.Errorf("gateway: gateway response %s: status code %d outside 100..599", t, gr.StatusCode))
		}
		c := &compiledGatewayResponse{status: gr.StatusCode, templates: gr.ResponseTemplates}
		for _, k := range slices.Sorted(maps.Keys(gr.ResponseParameters)) {
			name, ok := strings.CutPrefix(k, "gatewayresponse.header.")
			src := gr.ResponseParameters[k]
			if !ok || name == "" {
				errs = append(errs, fmt.Errorf("gateway: gateway response %s: invalid response parameter %q (want gatewayresponse.header.NAME)", t, k))
				continue
			}
			if s, ok := strings.CutPrefix(src, "method.input.params."); ok && s != "" {
				src = "method.input.params." + s
			} else if !validRESTSource(src) || strings.HasPrefix(src, "method.request.multivalue") {
				errs = append(errs, fmt.Errorf("gateway: gateway response %s: %q: invalid source %q", t, k, src))
				continue
			}
			c.params = append(c.params, restParam{"header", name, src})
		}
		c.keys = slices.Sorted(maps.Keys(gr.ResponseTemplates))
		out[t] = c
	}
	return out, errors.Join(errs...)
}

// customize applies the API's gateway responses to one of the gateway's
// own REST answers for x. typ is the answer's type when the step that
// made it knows it, and empty otherwise.
func (g *Gateway) customize(x *exchange, resp *response.Response, e *GatewayError) *response.Response {
	if e == nil {
		e = &GatewayError{Type: classify(resp), Message: messageOf(resp.Body)}
	}
	class := ResponseDefault4XX
	if resp.Status() >= 500 {
		class = ResponseDefault5XX
	}
	own, typed := g.responses[e.Type]
	gr := own
	if !typed {
		gr = g.responses[class]
	}
	if gr == nil || e.Type == ResponseRequestTooLarge {
		return resp
	}
	out := &response.Response{StatusCode: resp.Status(), Body: resp.Body}
	if def := g.responses[class]; def != nil && def.status != 0 {
		out.StatusCode = def.status
	}
	if gr.status != 0 {
		out.StatusCode = gr.status
	}
	for _, f := range resp.Header {
		out.Header.Add(f.Name, f.Value)
	}
	c := g.mapContext(x)
	for _, p := range gr.params {
		v, ok := "", false
		if name, isParam := strings.CutPrefix(p.src, "method.input.params."); isParam {
			if v, ok = c.params[name]; !ok {
				if vs := c.query[name]; len(vs) > 0 {
					v, ok = vs[len(vs)-1], true
				} else if h := c.header.Get(name); h != "" {
					v, ok = h, true
				}
			}
		} else {
			v, ok = restSourceValue(p.src, c)
		}
		if ok {
			out.Header.Set(p.name, v)
		}
	}
	if len(gr.keys) > 0 {
		key := pickTemplate(gr.keys, x.hr.Header.Get("Accept"))
		out.Body = []byte(substitute(gr.templates[key], e, c))
		out.Header.Set("Content-Type", key)
	}
	return out
}

// pickTemplate chooses a template's media type for an Accept header: the
// first Accept type's, else application/json's, else the first.
func pickTemplate(keys []string, accept string) string {
	first, _, _ := strings.Cut(accept, ",")
	first, _, _ = strings.Cut(first, ";")
	first = strings.ToLower(strings.TrimSpace(first))
	for _, want := range []string{first, "application/json"} {
		for _, k := range keys {
			if strings.EqualFold(k, want) {
				return k
			}
		}
	}
	return keys[0]
}

// messageOf returns the "message" of a default gateway response body.
func messageOf(body []byte) string {
	var m struct {
		Message *string `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && m.Message != nil {
		return *m.Message
	}
	return ""
}

// substitute renders a gateway response template: $context.NAME and
// $stageVariables.NAME (or ${...}) are replaced; an unknown reference
// renders as nothing (a decision: AWS does not say).
func substitute(tmpl string, e *GatewayError, c *mapContext) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '$')
		if i < 0 || i == len(tmpl)-1 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		rest := tmpl[i+1:]
		var ref string
		if rest[0] == '{' {
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				b.WriteString(tmpl[i:])
				return b.String()
			}
			ref, tmpl = rest[1:end], rest[end+1:]
		} else {
			n := 0
			for n < len(rest) && (isRefByte(rest[n]) && rest[n] != '[' && rest[n] != ']' || rest[n] == '.' && n+1 < len(rest) && isRefByte(rest[n+1])) {
				n++
			}
			ref, tmpl = rest[:n], rest[n:]
		}
		steps := strings.Split(ref, ".")
		switch {
		case steps[0] == "context" && len(steps) == 3 && steps[1] == "error":
			switch steps[2] {
			case "message":
				b.WriteString(e.Message)
			case "messageString":
				q, _ := json.Marshal(e.Message)
				b.Write(q)
			case "responseType":
				b.WriteString(string(e.Type))
			case "validationErrorString":
				b.WriteString(e.ValidationErrorString)
			}
		case steps[0] == "context" && len(steps) > 1:
			if v, ok := contextValue(steps[1:], *c); ok {
				b.WriteString(v)
			} else if len(steps) == 2 && steps[1] == "resourcePath" {
				b.WriteString(c.resource)
			}
		case steps[0] == "stageVariables" && len(steps) == 2:
			b.WriteString(c.stageVars[steps[1]])
		case ref == "":
			b.WriteByte('$')
		}
	}
}

// validate runs the route's validator, for REST APIs. It returns the
// gateway response for a request that fails it, and records its type in
// x.gwError.
func (g *Gateway) validate(x *exchange) *response.Response {
	v := x.binding.validator
	if v == nil {
		return nil
	}
	ev, err := g.event(x, event.PayloadDefault)
	if err != nil {
		return badRequest()
	}
	e := v.Validate(ev)
	if e == nil {
		return nil
	}
	x.gwError = e
	status := defaultStatus(e.Type)
	if status == 0 {
		status = http.StatusBadRequest
	}
	return response.Error(status, e.Message)
}
