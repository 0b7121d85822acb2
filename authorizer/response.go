package authorizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Response is the IAM policy response of a Lambda authorizer: the REST
// format, which HTTP APIs also read when simple responses are off
// (docs/evidence/authorizers.md#authorizer-output).
type Response struct {
	// PrincipalID names the caller; REST APIs pass it on as
	// requestContext.authorizer.principalId.
	PrincipalID string `json:"principalId"`
	// PolicyDocument says which methods or routes the caller may call. API
	// Gateway evaluates it against the request's method ARN, and, when
	// results are cached, against the ARNs of the caller's later requests.
	PolicyDocument Policy `json:"policyDocument"`
	// Context is passed on to the integration: REST APIs and HTTP API
	// payload 1.0 in requestContext.authorizer, each value stringified
	// (only strings, numbers and booleans are allowed); HTTP API payload
	// 2.0 in requestContext.authorizer.lambda, as given.
	Context map[string]any `json:"context,omitempty"`
	// UsageIdentifierKey is the API key for the request's usage plan when
	// the REST API takes API keys from its authorizer.
	UsageIdentifierKey string `json:"usageIdentifierKey,omitempty"`
}

// Allow returns the response that lets principalID call the given
// resources (ARNs, with wildcards; see [event.ARN.Resource]).
func Allow(principalID string, resources ...string) *Response {
	return policyResponse(principalID, EffectAllow, resources)
}

// Deny returns the response that refuses principalID the given resources:
// an explicit deny, which wins over any Allow.
func Deny(principalID string, resources ...string) *Response {
	return policyResponse(principalID, EffectDeny, resources)
}

func policyResponse(principalID string, e Effect, resources []string) *Response {
	return &Response{PrincipalID: principalID, PolicyDocument: Policy{
		Version:   PolicyVersion,
		Statement: []Statement{{Effect: e, Action: Strings{InvokeAction}, Resource: slices.Clone(resources)}},
	}}
}

// WithContext sets a context value and returns r, for chaining.
func (r *Response) WithContext(key string, value any) *Response {
	if r.Context == nil {
		r.Context = map[string]any{}
	}
	r.Context[key] = value
	return r
}

// SimpleResponse is the simple response of an HTTP API Lambda authorizer
// (payload format 2.0 with simple responses enabled): a yes or no for
// every route, with a context passed on in
// requestContext.authorizer.lambda.
type SimpleResponse struct {
	IsAuthorized bool           `json:"isAuthorized"`
	Context      map[string]any `json:"context,omitempty"`
}

// A Format is the response format an API reads from its Lambda
// authorizer.
type Format uint8

const (
	// RESTFormat: a REST API's authorizer (TOKEN or REQUEST) returns a
	// [Response]; context values must be strings, numbers or booleans.
	RESTFormat Format = iota
	// HTTPV1Format: an HTTP API authorizer with payload format 1.0
	// returns a Response; context values must be strings, numbers or
	// booleans, and "claims" is reserved.
	HTTPV1Format
	// HTTPV2Format: an HTTP API authorizer with payload format 2.0
	// returns a Response; context values may be anything.
	HTTPV2Format
	// SimpleFormat: an HTTP API authorizer with payload format 2.0 and
	// simple responses returns a [SimpleResponse].
	SimpleFormat
)

// Check reports whether API Gateway reading format f accepts r: a policy
// that [Policy.Check] accepts, a principal id, and context values of the
// types the format allows.
func (r *Response) Check(f Format) error {
	var errs []error
	if f == SimpleFormat {
		errs = append(errs, errors.New("authorizer: an authorizer with simple responses returns isAuthorized, not a policy"))
	}
	if r.PrincipalID == "" && f == RESTFormat {
		errs = append(errs, errors.New("authorizer: no principalId"))
	}
	if err := r.PolicyDocument.Check(false); err != nil {
		errs = append(errs, err)
	}
	if err := checkContext(r.Context, f); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkContext checks context values as format f allows them
// (docs/evidence/authorizers.md#authorizer-context).
func checkContext(ctx map[string]any, f Format) error {
	if f == HTTPV2Format || f == SimpleFormat {
		return nil
	}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(ctx)) {
		switch ctx[k].(type) {
		case string, bool, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		default:
			errs = append(errs, fmt.Errorf("authorizer: context value %q is a %T; only strings, numbers and booleans are allowed", k, ctx[k]))
		}
		if k == "claims" && f == HTTPV1Format {
			errs = append(errs, errors.New(`authorizer: context key "claims" is reserved`))
		}
	}
	return errors.Join(errs...)
}

// A Result is a Lambda authorizer's output as API Gateway reads it.
type Result struct {
	// PrincipalID and Policy are a policy response's; Policy is nil for
	// a simple response.
	PrincipalID string
	Policy      *Policy
	// Authorized is a simple response's isAuthorized.
	Authorized bool
	// Context is the context object as returned (JSON), nil if none.
	Context json.RawMessage
	// UsageIdentifierKey is the API key a REST authorizer names.
	UsageIdentifierKey string
}

// ReadOutput reads an authorizer's output in format f, refusing what API
// Gateway refuses: output that is not a JSON object of the format, a
// policy that [Policy.Check] refuses, context values of types the format
// does not allow.
func ReadOutput(out []byte, f Format) (*Result, error) {
	out = bytes.TrimSpace(out)
	if len(out) == 0 || out[0] != '{' {
		return nil, errors.New("authorizer: output is not a JSON object")
	}
	if f == SimpleFormat {
		var v struct {
			IsAuthorized *bool          `json:"isAuthorized"`
			Context      map[string]any `json:"context"`
		}
		var raw struct {
			Context json.RawMessage `json:"context"`
		}
		if err := json.Unmarshal(out, &v); err != nil {
			return nil, fmt.Errorf("authorizer: simple response: %w", err)
		}
		json.Unmarshal(out, &raw)
		if v.IsAuthorized == nil {
			return nil, errors.New("authorizer: simple response without isAuthorized")
		}
		return &Result{Authorized: *v.IsAuthorized, Context: nullToNil(raw.Context)}, nil
	}
	var v struct {
		PrincipalID        *string         `json:"principalId"`
		PolicyDocument     *Policy         `json:"policyDocument"`
		Context            json.RawMessage `json:"context"`
		UsageIdentifierKey string          `json:"usageIdentifierKey"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("authorizer: response: %w", err)
	}
	if v.PolicyDocument == nil {
		return nil, errors.New("authorizer: response without policyDocument")
	}
	if v.PrincipalID == nil && f == RESTFormat {
		return nil, errors.New("authorizer: response without principalId")
	}
	if err := v.PolicyDocument.Check(false); err != nil {
		return nil, err
	}
	r := &Result{Policy: v.PolicyDocument, Context: nullToNil(v.Context), UsageIdentifierKey: v.UsageIdentifierKey}
	if v.PrincipalID != nil {
		r.PrincipalID = *v.PrincipalID
	}
	if r.Context != nil {
		d := json.NewDecoder(bytes.NewReader(r.Context))
		d.UseNumber()
		var ctx map[string]any
		if err := d.Decode(&ctx); err != nil {
			return nil, fmt.Errorf("authorizer: context is not an object: %w", err)
		}
		if err := checkContext(ctx, f); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func nullToNil(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return b
}

// StringContext returns the context of a REST or HTTP API payload 1.0
// result as API Gateway passes it on: each value as a string, numbers in
// the text they were written with, booleans as "true" or "false".
func (r *Result) StringContext() map[string]string {
	if r.Context == nil {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(r.Context))
	d.UseNumber()
	var ctx map[string]any
	if d.Decode(&ctx) != nil {
		return nil
	}
	out := make(map[string]string, len(ctx))
	for k, v := range ctx {
		switch v := v.(type) {
		case string:
			out[k] = v
		case json.Number:
			out[k] = v.String()
		case bool:
			out[k] = strconv.FormatBool(v)
		}
	}
	return out
}
