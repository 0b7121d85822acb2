package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// modelURLPrefix is where API Gateway puts an API's models; a model
// references another as
// https://apigateway.amazonaws.com/restapis/{restapi_id}/models/{model_name}.
const modelURLPrefix = "https://apigateway.amazonaws.com/restapis/"

// modelName matches the names API Gateway accepts for models.
var modelName = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// Models is the compiled set of an API's models: JSON Schema draft 4
// documents that may reference each other with $ref. It is immutable and
// safe for concurrent use.
type Models struct {
	schemas map[string]*jsonschema.Schema
	// sources are the schema texts by model name (describe.go).
	sources map[string]string
}

// CompileModels compiles an API's models, given as model name to schema
// text, once for all the methods that validate against them.
//
// A model references another model by its API Gateway URL,
// https://apigateway.amazonaws.com/restapis/{restapi_id}/models/{name}, with
// any restapi_id, and its own parts with "#/definitions/...". Schemas are
// read as draft 4 whatever their $schema says, as API Gateway reads them.
// Every problem found is reported, joined into one error.
func CompileModels(models map[string]string) (*Models, error) {
	docs := make(map[string]any, len(models))
	var errs []error
	names := make([]string, 0, len(models))
	for name := range models {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !modelName.MatchString(name) {
			errs = append(errs, fmt.Errorf("mapping: invalid model name %q (want letters and digits)", name))
			continue
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(models[name]))
		if err != nil {
			errs = append(errs, fmt.Errorf("mapping: model %q: invalid JSON: %v", name, err))
			continue
		}
		if obj, ok := doc.(map[string]any); ok {
			// API Gateway validates with draft 4 only.
			delete(obj, "$schema")
		}
		docs[name] = doc
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseLoader(modelLoader(docs))
	m := &Models{schemas: make(map[string]*jsonschema.Schema, len(docs)), sources: maps.Clone(models)}
	for _, name := range names {
		sch, err := c.Compile(modelURLPrefix + "local/models/" + name)
		if err != nil {
			errs = append(errs, fmt.Errorf("mapping: model %q: %v", name, err))
			continue
		}
		m.schemas[name] = sch
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// Has reports whether m holds a model called name.
func (m *Models) Has(name string) bool {
	if m == nil {
		return false
	}
	_, ok := m.schemas[name]
	return ok
}

// Validate reports whether the JSON document body is valid against the
// named model. An empty body is validated as the empty object {}, as API
// Gateway does. The error describes the first problems found.
func (m *Models) Validate(name string, body []byte) error {
	if m == nil {
		return fmt.Errorf("mapping: no model %q", name)
	}
	sch, ok := m.schemas[name]
	if !ok {
		return fmt.Errorf("mapping: no model %q", name)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("mapping: body is not JSON: %v", err)
	}
	if err := sch.Validate(v); err != nil {
		return err
	}
	return nil
}

// modelLoader resolves API Gateway model URLs to the API's own models and
// refuses every other URL, so that compiling never touches the network or
// the file system.
type modelLoader map[string]any

func (l modelLoader) Load(url string) (any, error) {
	rest, ok := strings.CutPrefix(url, modelURLPrefix)
	if ok {
		if _, name, ok := strings.Cut(rest, "/models/"); ok {
			if doc, ok := l[name]; ok {
				return doc, nil
			}
			return nil, fmt.Errorf("mapping: $ref to unknown model %q", name)
		}
	}
	return nil, fmt.Errorf("mapping: $ref %q is not a model of this API (want %s{restapi_id}/models/{name})", url, modelURLPrefix)
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
	modelTable *Models
}

// NewRequestValidation returns the validation of a method.
//
// params are the method's request parameters as API Gateway writes them,
// "method.request.{header|path|querystring}.{name}" to whether the
// parameter is required. requestModels maps a request media type
// ("application/json") to the name of a model in models.
func NewRequestValidation(v RequestValidator, params map[string]bool, requestModels map[string]string, models *Models) (*RequestValidation, error) {
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
			if !models.Has(name) {
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
