package sam

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/openapi"
)

// DefaultMaxSize is the largest template read by default: 1 MB,
// CloudFormation's quota for a template body (docs/evidence/sam.md#limits).
const DefaultMaxSize = 1 << 20

// maxDepth bounds the nesting of a template's values; CloudFormation
// templates are shallow, and a deeper one is refused rather than walked.
const maxDepth = 128

// Options configure how a template is read.
type Options struct {
	// Name names the template in messages, such as its file name.
	Name string
	// Dir is the directory that relative paths in the template (CodeUri,
	// DefinitionUri, BodyS3Location, AWS::Include) start from: the
	// template's own directory, which Open sets; empty means the current
	// directory.
	Dir string
	// Parameters override the template's parameter defaults, as sam's
	// and CloudFormation's --parameter-overrides do. A parameter without a
	// default needs one.
	Parameters map[string]string
	// Region, AccountID and StackName are the pseudo parameters
	// AWS::Region, AWS::AccountId and AWS::StackName; empty means
	// event.DefaultRegion, event.DefaultAccountID and "lambdagate".
	Region    string
	AccountID string
	StackName string
	// MaxSize is the largest template read, in bytes; zero means
	// [DefaultMaxSize]. Files the template names (DefinitionUri, ...) are
	// bounded by package openapi's limit.
	MaxSize int
}

// withDefaults returns o with its defaults filled in.
func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = event.DefaultRegion
	}
	if o.AccountID == "" {
		o.AccountID = event.DefaultAccountID
	}
	if o.StackName == "" {
		o.StackName = "lambdagate"
	}
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.Dir == "" {
		o.Dir = "."
	}
	if o.Name == "" {
		o.Name = "template"
	}
	return o
}

// A Note is something at a place of the template: a problem, or a setting
// lambdagate does not emulate. Path is the place, as slash-separated keys
// ("Resources/Table", "Resources/Fn/Properties/Layers").
type Note struct {
	Path    string
	Message string
}

func (n Note) String() string {
	if n.Path == "" {
		return n.Message
	}
	return n.Path + ": " + n.Message
}

// An Error is a template that cannot run: every problem found, each at
// its place.
type Error struct {
	Name     string
	Problems []Note
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sam: %s:", e.Name)
	if len(e.Problems) == 1 {
		b.WriteString(" " + e.Problems[0].String())
		return b.String()
	}
	for _, p := range e.Problems {
		b.WriteString("\n\t" + p.String())
	}
	return b.String()
}

// report collects the problems and notes of one read.
type report struct {
	problems, notes []Note
}

func (r *report) fail(path, format string, args ...any) {
	r.problems = append(r.problems, Note{path, fmt.Sprintf(format, args...)})
}

func (r *report) note(path, format string, args ...any) {
	r.notes = append(r.notes, Note{path, fmt.Sprintf(format, args...)})
}

// sortNotes sorts notes by place, keeping the order of notes at one place.
func sortNotes(ns []Note) []Note {
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].Path < ns[j].Path })
	return ns
}

// path joins keys into a Note path.
func path(keys ...string) string { return strings.Join(keys, "/") }

// Open reads the template file name, with relative paths in it starting
// from its directory.
func Open(name string, opts Options) (*App, error) {
	opts = opts.withDefaults()
	src, err := readFile(name, opts.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("sam: %w", err)
	}
	if opts.Name == "template" {
		opts.Name = name
	}
	opts.Dir = filepath.Dir(name)
	return Read(src, opts)
}

// readFile reads a file of at most max bytes.
func readFile(name string, max int) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > int64(max) {
		return nil, fmt.Errorf("%s: %d bytes is over the %d-byte limit", name, st.Size(), max)
	}
	b := make([]byte, 0, 4096)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > max {
			return nil, fmt.Errorf("%s: over the %d-byte limit", name, max)
		}
		if err != nil {
			break
		}
	}
	return b, nil
}

// decodeDocument reads a JSON or YAML document (a template, or a file one
// names) into JSON values, with CloudFormation's short-form tags in their
// long form. It refuses, before expanding anything, a document over max
// bytes, YAML whose aliases expand it past a bound linear in its size,
// and nesting deeper than maxDepth.
func decodeDocument(src []byte, max int) (any, error) {
	if len(src) > max {
		return nil, fmt.Errorf("%d bytes is over the %d-byte limit", len(src), max)
	}
	trimmed := strings.TrimLeft(string(src[:min(len(src), 64)]), " \t\r\n")
	if !strings.HasPrefix(trimmed, "{") {
		var n yaml.Node
		if err := yaml.Unmarshal(src, &n); err != nil {
			return nil, fmt.Errorf("not valid YAML: %v", err)
		}
		switch size := expandedSize(&n, map[*yaml.Node]int{}, 0, expansionLimit(len(src))); {
		case size < 0:
			return nil, fmt.Errorf("nested more than %d levels deep", maxDepth)
		case size > expansionLimit(len(src)):
			return nil, fmt.Errorf("the document expands to more than %d bytes (YAML aliases?)", expansionLimit(len(src)))
		}
	}
	data, err := openapi.JSON(src)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "openapi: "))
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if depth(v, 0) > maxDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxDepth)
	}
	return v, nil
}

// expansionLimit is the most bytes a YAML document of n bytes may expand
// to through its aliases.
func expansionLimit(n int) int { return 4*n + 64<<10 }

// expandedSize returns the size a YAML node expands to, its aliases
// expanded, stopping once past limit, or -1 for nesting deeper than
// maxDepth. Each node's size is computed once, so the walk costs time
// linear in the document whatever its aliases.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, d, limit int) int {
	if n == nil {
		return 0
	}
	if s, ok := memo[n]; ok {
		return s
	}
	if d > maxDepth+1 {
		return -1
	}
	size := 1 + len(n.Value)
	if n.Kind == yaml.AliasNode {
		size = expandedSize(n.Alias, memo, d+1, limit)
	}
	for _, c := range n.Content {
		if size < 0 {
			break
		}
		cs := expandedSize(c, memo, d+1, limit)
		if cs < 0 {
			size = -1
			break
		}
		if size += cs; size > limit {
			size = limit + 1
			break
		}
	}
	memo[n] = size
	return size
}

// depth returns the nesting depth of a JSON value, stopping past maxDepth.
func depth(v any, d int) int {
	if d > maxDepth {
		return d
	}
	max := d
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			max = maxInt(max, depth(e, d+1))
		}
	case []any:
		for _, e := range v {
			max = maxInt(max, depth(e, d+1))
		}
	}
	return max
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// Read reads a template (JSON or YAML) into the App it deploys. A
// template that cannot run locally (an error in it, a parameter without a
// value, a function that cannot be built) is an [*Error] listing every
// problem; what runs but is not emulated is in App.Notes.
func Read(src []byte, opts Options) (*App, error) {
	opts = opts.withDefaults()
	rep := &report{}
	doc, err := decodeDocument(src, opts.MaxSize)
	if err != nil {
		return nil, &Error{Name: opts.Name, Problems: []Note{{Message: err.Error()}}}
	}
	tmpl, ok := doc.(map[string]any)
	if !ok {
		return nil, &Error{Name: opts.Name, Problems: []Note{{Message: "not a template: want a mapping at the top"}}}
	}
	resources, ok := tmpl["Resources"].(map[string]any)
	if !ok || len(resources) == 0 {
		return nil, &Error{Name: opts.Name, Problems: []Note{{Path: "Resources", Message: "a template needs a Resources section with at least one resource"}}}
	}
	for _, k := range slices.Sorted(maps.Keys(tmpl)) {
		switch k {
		case "AWSTemplateFormatVersion", "Description", "Resources", "Parameters", "Conditions", "Mappings", "Globals", "Outputs", "Metadata":
		case "Transform":
			readTransform(tmpl[k], rep)
		default:
			rep.note(k, "section not emulated")
		}
	}
	r := newResolver(opts, rep)
	r.mappings, _ = tmpl["Mappings"].(map[string]any)
	r.parameters(tmpl["Parameters"])
	r.conditionsOf(tmpl["Conditions"])
	if len(rep.problems) > 0 {
		return nil, &Error{Name: opts.Name, Problems: sortNotes(rep.problems)}
	}
	// Resources whose condition is false are not created.
	live := map[string]any{}
	for _, id := range slices.Sorted(maps.Keys(resources)) {
		res, ok := resources[id].(map[string]any)
		if !ok {
			rep.fail(path("Resources", id), "a resource must be a mapping")
			continue
		}
		if _, ok := res["Type"].(string); !ok {
			rep.fail(path("Resources", id), "a resource needs a Type")
			continue
		}
		if c, set := res["Condition"]; set {
			name, _ := c.(string)
			on, err := r.condition(name)
			if err != nil {
				rep.fail(path("Resources", id, "Condition"), "%v", err)
				continue
			}
			if !on {
				r.absent[id] = true
				continue
			}
		}
		live[id] = res
	}
	applyGlobals(tmpl["Globals"], live, rep)
	addImplicitAPIs(tmpl["Globals"], live)
	r.index(live)
	if len(rep.problems) > 0 {
		return nil, &Error{Name: opts.Name, Problems: sortNotes(rep.problems)}
	}
	resolved, ok := r.resolve(live).(map[string]any)
	if !ok {
		return nil, &Error{Name: opts.Name, Problems: []Note{{Path: "Resources", Message: "intrinsic functions did not resolve to resources"}}}
	}
	app := &App{Name: opts.Name, dir: opts.Dir, opts: opts, rep: rep, r: r, resources: map[string]map[string]any{}}
	for id, v := range resolved {
		app.resources[id], _ = v.(map[string]any)
	}
	app.build()
	if len(rep.problems) > 0 {
		return nil, &Error{Name: opts.Name, Problems: sortNotes(rep.problems)}
	}
	app.Notes = sortNotes(rep.notes)
	return app, nil
}

// readTransform checks the template's Transform: the SAM transform is
// what this package applies; AWS::LanguageExtensions and macros are not
// emulated.
func readTransform(v any, rep *report) {
	var names []string
	switch v := v.(type) {
	case string:
		names = []string{v}
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				names = append(names, s)
			} else {
				rep.note("Transform", "a transform that is not a name is not emulated")
			}
		}
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "AWS::Serverless-") {
			rep.note("Transform", "transform %q is not emulated", n)
		}
	}
}
