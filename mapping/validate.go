package mapping

import (
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// Models are an API's models, which request validation checks bodies
// against. Package [github.com/lambdagate/lambdagate/mapping/model]
// compiles them as API Gateway does (JSON Schema draft 4); it is a
// package of its own so that programs that never validate do not link
// (or initialize) a JSON Schema validator.
type Models interface {
	// Has reports whether the API has a model called name.
	Has(name string) bool
	// Validate reports whether the JSON document body is valid against
	// the named model; an empty body is validated as {}.
	Validate(name string, body []byte) error
}

// RequestValidator says what a method's request validator checks, as the
// API Gateway RequestValidator resource (x-amazon-apigateway-request-validators)
// does. The zero value validates nothing.
type RequestValidator struct {
	ValidateRequestBody       bool
	ValidateRequestParameters bool
}

// Gateway response types of a failed validation.
const (
	BadRequestParameters = "BAD_REQUEST_PARAMETERS"
	BadRequestBody       = "BAD_REQUEST_BODY"
)

// A ValidationError is a request that failed validation. Its Response is
// what API Gateway answers.
type ValidationError struct {
	// ResponseType is the gateway response type: BadRequestParameters or
	// BadRequestBody.
	ResponseType string
	// Message is $context.error.message, the text of the response body:
	// "Missing required request parameters: [a, b]" or
	// "Invalid request body".
	Message string
	// Detail is $context.error.validationErrorString: the names of the
	// missing parameters, or the schema errors. Its format is ours.
	Detail string
}

func (e *ValidationError) Error() string {
	return "mapping: " + e.Message
}

// Response returns the gateway response for e: 400 with
// {"message":"..."}.
func (e *ValidationError) Response() *response.Response {
	return response.Error(http.StatusBadRequest, e.Message)
}

// Parameter locations in method.request.{location}.{name} keys, in the
// order API Gateway lists missing parameters.
var paramLocations = [...]string{"header", "path", "querystring"}

// A RequestValidation checks requests against a method's required
// parameters and request models. It is built once by [NewRequestValidation]
// and safe for concurrent use.
type RequestValidation struct {
	validator RequestValidator
	// required holds the required parameter names by location, sorted.
	required [len(paramLocations)][]string
	// models maps a lower-case media type to a model name.
	models     map[string]string
	modelTable Models
}

// NewRequestValidation returns the validation of a method.
//
// params are the method's request parameters as API Gateway writes them,
// "method.request.{header|path|querystring}.{name}" to whether the
// parameter is required. requestModels maps a request media type
// ("application/json") to the name of a model in models.
func NewRequestValidation(v RequestValidator, params map[string]bool, requestModels map[string]string, models Models) (*RequestValidation, error) {
	rv := &RequestValidation{validator: v, modelTable: models}
	var errs []error
	for key, req := range params {
		loc, name, err := splitMethodParam(key)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if req {
			i := slices.Index(paramLocations[:], loc)
			rv.required[i] = append(rv.required[i], name)
		}
	}
	for i := range rv.required {
		slices.Sort(rv.required[i])
	}
	if len(requestModels) > 0 {
		rv.models = make(map[string]string, len(requestModels))
		for ct, name := range requestModels {
			if models == nil || !models.Has(name) {
				errs = append(errs, fmt.Errorf("mapping: request model %q for %q is not defined", name, ct))
				continue
			}
			rv.models[strings.ToLower(mediaType(ct))] = name
		}
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, errors.Join(errs...)
	}
	return rv, nil
}

// splitMethodParam splits "method.request.querystring.q" into
// "querystring" and "q".
func splitMethodParam(key string) (loc, name string, err error) {
	rest, ok := strings.CutPrefix(key, "method.request.")
	if ok {
		loc, name, ok = strings.Cut(rest, ".")
	}
	if !ok || name == "" || !slices.Contains(paramLocations[:], loc) {
		return "", "", fmt.Errorf("mapping: invalid request parameter %q (want method.request.{header|path|querystring}.name)", key)
	}
	return loc, name, nil
}

// Check validates req. It returns nil when req passes, and otherwise the
// first failure in API Gateway's order: missing parameters before an
// invalid body.
func (v *RequestValidation) Check(req *event.Request) *ValidationError {
	if v == nil {
		return nil
	}
	if v.validator.ValidateRequestParameters {
		if e := v.checkParams(req); e != nil {
			return e
		}
	}
	if v.validator.ValidateRequestBody {
		return v.checkBody(req)
	}
	return nil
}

func (v *RequestValidation) checkParams(req *event.Request) *ValidationError {
	var missing []string
	for i, names := range v.required {
		for _, name := range names {
			var present bool
			switch paramLocations[i] {
			case "header":
				present = anyNonBlank(req.Header.All(name))
			case "path":
				present = anyNonBlank(valuesOf(req.PathParameters, name))
			case "querystring":
				present = anyNonBlank(valuesOf(req.Query, name))
			}
			if !present {
				missing = append(missing, name)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	list := "[" + strings.Join(missing, ", ") + "]"
	return &ValidationError{
		ResponseType: BadRequestParameters,
		Message:      "Missing required request parameters: " + list,
		Detail:       list,
	}
}

func (v *RequestValidation) checkBody(req *event.Request) *ValidationError {
	ct := req.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/json"
	}
	name, ok := v.models[strings.ToLower(mediaType(ct))]
	if !ok {
		// No model for this media type: nothing to validate against.
		return nil
	}
	if err := v.modelTable.Validate(name, req.Body); err != nil {
		return &ValidationError{
			ResponseType: BadRequestBody,
			Message:      "Invalid request body",
			Detail:       err.Error(),
		}
	}
	return nil
}

// valuesOf returns an iterator over the values of the named parameter.
func valuesOf(p event.Params, name string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, f := range p {
			if f.Name == name && !yield(f.Value) {
				return
			}
		}
	}
}

// anyNonBlank reports whether some value is not blank (empty or only
// white space), which is what API Gateway requires of a required
// parameter.
func anyNonBlank(values iter.Seq[string]) bool {
	for v := range values {
		if strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}

// mediaType returns the media type of a Content-Type or Accept value,
// without parameters and surrounding space.
func mediaType(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}
