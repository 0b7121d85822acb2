package vtl

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/lambdagate/lambdagate/event"
)

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
	// Overrides, when not nil, are the overrides an earlier template of
	// the same request left (for a response template, the request
	// template's): $context.requestOverride and
	// $context.responseOverride start as that template left them, every
	// key included, as API Gateway carries them.
	Overrides *Overrides
}

// Result is the outcome of running a template.
type Result struct {
	// Output is exactly the rendered bytes.
	Output []byte
	// Overrides holds what the template left in $context.requestOverride
	// and $context.responseOverride.
	Overrides Overrides
}

// Overrides are the contents of $context.requestOverride and
// $context.responseOverride after a template ran. The typed fields hold
// what API Gateway applies (a list value becomes its elements joined
// with commas, as API Gateway sends multi-value headers); the maps
// themselves, with any other keys a template added, travel to the next
// template through [Input.Overrides]. MarshalJSON writes the two maps as
// JSON objects.
type Overrides struct {
	Request  RequestOverride  `json:"requestOverride"`
	Response ResponseOverride `json:"responseOverride"`

	// carried are the two maps as the template left them, copied out of
	// the execution, and their JSON.
	carried [2]value
	json    []byte
}

// RequestOverride is what $context.requestOverride overrides in the
// integration request.
type RequestOverride struct {
	Header      map[string]string `json:"header,omitempty"`
	Path        map[string]string `json:"path,omitempty"`
	QueryString map[string]string `json:"querystring,omitempty"`
}

// ResponseOverride is what $context.responseOverride overrides in the
// method response. Status is 0 when the template set none (or set a
// value that is not a number).
type ResponseOverride struct {
	Header map[string]string `json:"header,omitempty"`
	Status int               `json:"status,omitempty"`
}

// MarshalJSON writes {"requestOverride": {...}, "responseOverride":
// {...}} with the maps as the template left them.
func (o Overrides) MarshalJSON() ([]byte, error) {
	if o.json != nil {
		return o.json, nil
	}
	type plain Overrides
	return jsonMarshal(plain(o))
}

// A ParseError is a syntax error, with the template name and the line and
// column (1-based, in bytes) where it was found.
type ParseError struct {
	Name      string
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("mapping: %s:%d:%d: %s", e.Name, e.Line, e.Col, e.Msg)
}

// An ExecError is an error that stopped a template while it ran. It names
// the template and the line and column of the node that failed. A
// template that reached one of its limits has a [*LimitError] as Err.
type ExecError struct {
	Name      string
	Line, Col int
	Err       error
}

func (e *ExecError) Error() string {
	return fmt.Sprintf("mapping: %s:%d:%d: %v", e.Name, e.Line, e.Col, e.Err)
}

// Unwrap returns the underlying error.
func (e *ExecError) Unwrap() error { return e.Err }

// lineCol returns the 1-based line and column of offset off in src.
func lineCol(src string, off int) (int, int) {
	off = min(max(off, 0), len(src))
	line := 1 + strings.Count(src[:off], "\n")
	col := off + 1
	if i := strings.LastIndexByte(src[:off], '\n'); i >= 0 {
		col = off - i
	}
	return line, col
}

// A Template is a parsed mapping template. It is immutable once parsed and
// safe for concurrent use by multiple goroutines.
type Template struct {
	name  string
	src   string
	root  *listNode
	names []string // variable names by slot
	lim   Limits
	regex *regexCache
	// sizeHint is the size of recent outputs (at most maxSizeHint), to
	// allocate Execute's buffer once.
	sizeHint atomic.Int64
}

// maxSizeHint caps the buffer Execute allocates up front, so that one
// large output does not make every later execution allocate as much.
const maxSizeHint = 64 << 10

func newTemplate(name, src string, root *listNode, names []string, lim Limits) *Template {
	return &Template{name: name, src: src, root: root, names: names, lim: lim, regex: newRegexCache(lim.RegexCache)}
}

// Must returns t, or panics if err is not nil. It is meant for templates
// fixed at compile time: vtl.Must(vtl.Parse("calc", src)).
func Must(t *Template, err error) *Template {
	if err != nil {
		panic(err)
	}
	return t
}

// Name returns the template's name.
func (t *Template) Name() string { return t.name }

// Limits returns the limits the template runs with, every default filled
// in.
func (t *Template) Limits() Limits { return t.lim }

// String returns the template as canonical source: parsing it gives the
// same tree and the same output.
func (t *Template) String() string { return t.root.String() }

// Execute runs the template on in and returns the rendered bytes and the
// overrides the template set. A nil in is an empty request.
func (t *Template) Execute(in *Input) (*Result, error) {
	res := &Result{}
	out, err := t.execute(make([]byte, 0, t.sizeHint.Load()), in, res)
	if err != nil {
		return nil, err
	}
	t.sizeHint.Store(int64(min(len(out), maxSizeHint)))
	res.Output = out
	return res, nil
}

// AppendExecute runs the template on in and appends the rendered bytes to
// dst. It ignores overrides and allocates nothing beyond growing dst once
// warmed up, for hot paths.
func (t *Template) AppendExecute(dst []byte, in *Input) ([]byte, error) {
	return t.execute(dst, in, nil)
}

// statePool holds execution states, with their slabs and arenas, for
// reuse by any template.
var statePool = sync.Pool{New: func() any { return &state{} }}

func (t *Template) execute(dst []byte, in *Input, res *Result) ([]byte, error) {
	out, _, err := t.run(dst, in, res)
	return out, err
}

// run executes the template and also returns the steps it paid for.
func (t *Template) run(dst []byte, in *Input, res *Result) ([]byte, int, error) {
	if in == nil {
		in = &Input{}
	}
	st := statePool.Get().(*state)
	st.start(t, in, dst)
	err := st.walkList(t.root)
	if errors.Is(err, errStop) {
		err = nil
	}
	if err == nil && res != nil {
		err = st.collectOverrides(&res.Overrides)
	}
	out, steps := st.out, st.steps
	st.finish()
	statePool.Put(st)
	if err != nil {
		return dst, steps, err
	}
	return out, steps, nil
}
