package openapi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// A Problem is one finding about a definition, at its place in the file.
type Problem struct {
	// Pointer is the JSON pointer (RFC 6901) of the value concerned, such
	// as "/paths/~1pets/get/x-amazon-apigateway-integration/type"; empty
	// for the document itself.
	Pointer string
	// Line and Column locate the value in the file, from 1; zero when
	// unknown.
	Line, Column int
	// Message says what is wrong or not emulated.
	Message string
}

// String returns "LINE:COL: POINTER: message".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", p.Line, p.Column)
	}
	if p.Pointer != "" {
		b.WriteString(p.Pointer + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error is a definition that API Gateway would refuse, or that cannot be
// served as given: every problem found, in document order.
type Error struct {
	// Name names the definition in messages, such as its file name.
	Name     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	name := e.Name
	if name == "" {
		name = "definition"
	}
	fmt.Fprintf(&b, "openapi: %s: %d problem", name, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteByte('s')
	}
	for _, p := range e.Problems {
		b.WriteString("\n\t" + name + ":" + p.String())
	}
	return b.String()
}

// pointer builds a JSON pointer from its reference tokens.
func pointer(tokens ...string) string { return join("", tokens...) }

// unescapeToken reads a pointer's reference tokens (RFC 6901).
var unescapeToken = strings.NewReplacer("~1", "/", "~0", "~")

// join appends tokens to a pointer, escaping them (RFC 6901).
func join(p string, tokens ...string) string {
	n := len(p)
	for _, t := range tokens {
		n += 1 + len(t) + strings.Count(t, "~") + strings.Count(t, "/")
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(p)
	for _, t := range tokens {
		b.WriteByte('/')
		for i := range len(t) {
			switch t[i] {
			case '~':
				b.WriteString("~0")
			case '/':
				b.WriteString("~1")
			default:
				b.WriteByte(t[i])
			}
		}
	}
	return b.String()
}

// positions finds the line and column of JSON pointers in a document. It
// is built only when there is something to report, so that a definition
// without problems is parsed once.
type positions struct {
	root *yaml.Node
	// keys indexes the mappings looked into, so that reporting many
	// problems costs time linear in the document, not in problems times
	// keys.
	keys map[*yaml.Node]map[string]int
	work int // keys indexed and tokens followed, which tests count
}

func newPositions(src []byte) *positions {
	var n yaml.Node
	if yaml.Unmarshal(src, &n) != nil || len(n.Content) == 0 {
		return &positions{}
	}
	return &positions{root: n.Content[0]}
}

// find returns the position of the deepest node on the pointer's path:
// the value itself, or the nearest enclosing one that exists.
func (ps *positions) find(ptr string) (line, col int) {
	n := ps.root
	if n == nil {
		return 0, 0
	}
	line, col = n.Line, n.Column
	if ptr == "" {
		return
	}
	keyLine, keyCol := 0, 0
	for _, tok := range strings.Split(ptr[1:], "/") {
		ps.work++
		tok = unescapeToken.Replace(tok)
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			if i, ok := ps.index(n)[tok]; ok {
				next = n.Content[i+1]
				// A value is reported where its key is, so that the line
				// names the setting.
				keyLine, keyCol = n.Content[i].Line, n.Content[i].Column
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return
		}
		n = next
		line, col = n.Line, n.Column
		if keyLine > 0 {
			line, col, keyLine = keyLine, keyCol, 0
		}
	}
	return
}

// index returns the position of each key of a mapping node (the first,
// if a key repeats).
func (ps *positions) index(n *yaml.Node) map[string]int {
	if m, ok := ps.keys[n]; ok {
		return m
	}
	if ps.keys == nil {
		ps.keys = map[*yaml.Node]map[string]int{}
	}
	m := make(map[string]int, len(n.Content)/2)
	ps.work += len(n.Content) / 2
	for i := 0; i+1 < len(n.Content); i += 2 {
		if _, dup := m[n.Content[i].Value]; !dup {
			m[n.Content[i].Value] = i
		}
	}
	ps.keys[n] = m
	return m
}

// report collects the problems and notes of one import.
type report struct {
	src      []byte
	base     string // the pointer of the definition inside its file (a SAM template's DefinitionBody)
	pos      *positions
	problems []Problem
	notes    []Problem
}

func (r *report) at(ptr string, format string, args ...any) Problem {
	if r.pos == nil {
		r.pos = newPositions(r.src)
	}
	p := Problem{Pointer: r.base + ptr, Message: fmt.Sprintf(format, args...)}
	p.Line, p.Column = r.pos.find(p.Pointer)
	return p
}

// fail records a problem API Gateway would refuse the definition for.
func (r *report) fail(ptr string, format string, args ...any) {
	r.problems = append(r.problems, r.at(ptr, format, args...))
}

// note records a setting the local gateway does not emulate.
func (r *report) note(ptr string, format string, args ...any) {
	r.notes = append(r.notes, r.at(ptr, format, args...))
}

// sorted returns problems in document order.
func sorted(ps []Problem) []Problem {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if a.Column != b.Column {
			return a.Column - b.Column
		}
		return strings.Compare(a.Pointer, b.Pointer)
	})
	return ps
}
