package vtl

import "fmt"

// Limits bound what a template may cost. A field that is zero (or
// negative) takes its default: API Gateway's quota where AWS has one,
// otherwise the value named. The zero Limits is API Gateway's.
//
// Limits are fixed when a template is parsed ([Limits.Parse]) and hold
// for every execution of it; see the package documentation for the time
// and memory they allow.
type Limits struct {
	// TemplateSize is the largest template accepted, in bytes.
	// Default: 300 KB, API Gateway's quota.
	TemplateSize int
	// ParseDepth caps the nesting of directives, parentheses, literals,
	// references and interpolated strings. Default: 100.
	ParseDepth int
	// ForeachIterations is how many times one #foreach runs its body;
	// further elements are skipped, as Velocity's
	// directive.foreach.maxloops setting does. Default: 1,000, API
	// Gateway's quota.
	ForeachIterations int
	// ExecDepth caps the nesting of #define blocks rendering each other,
	// of strings interpolated inside strings, and of collections
	// rendered inside collections. Default: 100.
	ExecDepth int
	// OutputSize is the largest output, and the largest string one
	// operation builds, in bytes. Default: 10 MB, API Gateway's payload
	// quota.
	OutputSize int
	// Steps caps the work of one execution (see Steps in the package
	// documentation). Default: 2,000,000.
	Steps int
	// Range is the most elements a [a..b] range may have, and the most a
	// template may add to a list. Default: 100,000.
	Range int
	// JSONDepth caps the nesting of the JSON documents a template
	// parses ($input.path, $input.json, $util.parseJson). Default: 512.
	JSONDepth int
	// RegexCache is how many compiled regular expressions a template
	// keeps for reuse across its executions. Default: 64.
	RegexCache int
}

// The defaults of Limits.
const (
	defaultTemplateSize      = 300 * 1024
	defaultParseDepth        = 100
	defaultForeachIterations = 1000
	defaultExecDepth         = 100
	defaultOutputSize        = 10 << 20
	defaultSteps             = 2_000_000
	defaultRange             = 100_000
	defaultJSONDepth         = 512
	defaultRegexCache        = 64
)

// resolve returns l with every unset field at its default.
func (l Limits) resolve() Limits {
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.TemplateSize, defaultTemplateSize)
	set(&l.ParseDepth, defaultParseDepth)
	set(&l.ForeachIterations, defaultForeachIterations)
	set(&l.ExecDepth, defaultExecDepth)
	set(&l.OutputSize, defaultOutputSize)
	set(&l.Steps, defaultSteps)
	set(&l.Range, defaultRange)
	set(&l.JSONDepth, defaultJSONDepth)
	set(&l.RegexCache, defaultRegexCache)
	return l
}

// A LimitError reports that a template reached one of its [Limits]. It
// is the Err of the [ExecError] (or the [ParseError]'s cause) that stops
// the template.
type LimitError struct {
	// Limit names the field of Limits: "Steps", "OutputSize", ...
	Limit string
	// Max is the limit's value.
	Max int
	// What says what went over it.
	What string
}

func (e *LimitError) Error() string { return e.What }

// limitErr returns a LimitError for the named limit.
func limitErr(limit string, max int, format string, args ...any) *LimitError {
	return &LimitError{Limit: limit, Max: max, What: fmt.Sprintf(format, args...)}
}

// bytesPerStep is how many bytes one step pays for when an operation
// builds, copies or scans text: a step is one node or value, or this
// many bytes.
const bytesPerStep = 64

// A budget counts the work of one execution against its limits.
type budget struct {
	steps    int
	maxSteps int
}

// charge counts n steps.
func (b *budget) charge(n int) error {
	b.steps += n
	if b.steps > b.maxSteps || n < 0 {
		return limitErr("Steps", b.maxSteps, "template evaluates more than %d steps", b.maxSteps)
	}
	return nil
}

// add counts n steps and reports whether the budget is spent, for loops
// that stop early and leave the error to their caller (see heap.spent).
func (b *budget) add(n int) bool {
	b.steps += n
	return b.steps > b.maxSteps
}

// chargeBytes counts the steps for n bytes built, copied or scanned.
func (b *budget) chargeBytes(n int) error {
	return b.charge(n/bytesPerStep + 1)
}

// left returns how many steps remain.
func (b *budget) left() int { return b.maxSteps - b.steps }
