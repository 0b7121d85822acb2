package mapping

// This file fixes the engine API that the rest of the package (validation,
// the integration pipeline, the CLI) is written against. The engine's
// implementation lives in the lexer, parser and executor files.

import "github.com/lambdagate/lambdagate/event"

// Input is what a template sees when it runs: the body behind $input and
// the parameters behind $input.params, $context, and $stageVariables.
type Input struct {
	// Body is the request body (or, in a response template, the
	// integration response body). Nil means no body: $input.body is then
	// "{}" as AWS renders it.
	Body []byte
	// Path, QueryString and Header are the method request parameters that
	// $input.params() returns, in that precedence order for params(x).
	Path        event.Params
	QueryString event.Params
	Header      event.Params
	// Context is $context: a tree of map[string]any, []any, string,
	// numbers and bools. ContextFromRequest fills it from a request.
	Context map[string]any
	// StageVariables is $stageVariables.
	StageVariables event.Params
}

// Overrides are the $context.requestOverride and $context.responseOverride
// values a template set.
type Overrides struct {
	Request struct {
		Header      map[string]string `json:"header,omitempty"`
		Path        map[string]string `json:"path,omitempty"`
		QueryString map[string]string `json:"querystring,omitempty"`
	} `json:"requestOverride"`
	Response struct {
		Header map[string]string `json:"header,omitempty"`
		Status int               `json:"status,omitempty"`
	} `json:"responseOverride"`
}

// Result is the outcome of running a template.
type Result struct {
	// Output is exactly the rendered bytes.
	Output []byte
	// Overrides holds any request or response overrides the template set.
	Overrides Overrides
}
