package mapping

import (
	"strconv"
	"strings"
)

// A Node is an element of a parsed template. The set of nodes is closed:
// only this package implements Node. String returns the node as canonical
// template source, so that parsing String() gives the same tree.
type Node interface {
	String() string
	Position() int // byte offset of the node in the template source
	node()
}

// Pos is a byte offset into the template source.
type Pos int

// Position returns p.
func (p Pos) Position() int { return int(p) }
func (Pos) node()           {}

// ListNode is a sequence of nodes.
type ListNode struct {
	Pos
	Nodes []Node
}

func (l *ListNode) String() string {
	var b strings.Builder
	l.write(&b)
	return b.String()
}

func (l *ListNode) write(b *strings.Builder) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		b.WriteString(n.String())
	}
}

// TextNode is literal text. Text is what it renders; Src is how it is
// spelled in the source (they differ for #[[raw]]# blocks and escaped
// directives such as \#if).
type TextNode struct {
	Pos
	Text string
	Src  string
}

func (t *TextNode) String() string { return t.Src }

// CommentNode is a ## line comment (Text includes the newline it
// consumed) or a #* block *# comment (Text includes the delimiters).
type CommentNode struct {
	Pos
	Text string
}

func (c *CommentNode) String() string { return c.Text }

// An Accessor is one step of a reference: .name, .name(args) or [index].
type Accessor struct {
	Name   string // property or method name; empty for an index
	Call   bool   // .name(args)
	Args   []Expr // method arguments
	Index  Expr   // [index]
	Offset Pos    // where the step starts, for errors
}

// RefNode is a reference: $name, $!name, ${name}, $!{name}, with property,
// method and index steps, optionally preceded by escaping backslashes.
type RefNode struct {
	Pos
	Escape int  // number of backslashes before the $
	Quiet  bool // $!
	Formal bool // ${...}
	Name   string
	Chain  []Accessor
	slot   int // variable number in the template's symbol table
}

func (r *RefNode) String() string {
	var b strings.Builder
	for i := 0; i < r.Escape; i++ {
		b.WriteByte('\\')
	}
	b.WriteString(r.body())
	return b.String()
}

// body is the reference without escaping backslashes.
func (r *RefNode) body() string {
	var b strings.Builder
	b.WriteByte('$')
	if r.Quiet {
		b.WriteByte('!')
	}
	if r.Formal {
		b.WriteByte('{')
	}
	b.WriteString(r.Name)
	for _, a := range r.Chain {
		switch {
		case a.Index != nil:
			b.WriteByte('[')
			b.WriteString(a.Index.String())
			b.WriteByte(']')
		case a.Call:
			b.WriteByte('.')
			b.WriteString(a.Name)
			b.WriteByte('(')
			for i, x := range a.Args {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(x.String())
			}
			b.WriteByte(')')
		default:
			b.WriteByte('.')
			b.WriteString(a.Name)
		}
	}
	if r.Formal {
		b.WriteByte('}')
	}
	return b.String()
}

func (r *RefNode) expr() {}

// SetNode is #set($ref = expr). Lead holds the blanks before #set that the
// directive swallowed; Trail the blanks and newline after ")".
type SetNode struct {
	Pos
	Lead   string
	Target *RefNode
	Value  Expr
	Trail  string
}

func (s *SetNode) String() string {
	return s.Lead + "#set(" + s.Target.String() + " = " + s.Value.String() + ")" + s.Trail
}

// IfNode is #if(c)...#elseif(c)...#else...#end.
type IfNode struct {
	Pos
	Branches  []IfBranch
	Else      *ListNode // nil when there is no #else
	ElseTrail string
	EndTrail  string
	endFormal bool
}

// An IfBranch is the condition and body of an #if or #elseif.
type IfBranch struct {
	Cond  Expr
	Trail string // gobbled after ")"
	Body  *ListNode
}

func (n *IfNode) String() string {
	var b strings.Builder
	for i, br := range n.Branches {
		if i == 0 {
			b.WriteString("#if(")
		} else {
			b.WriteString("#elseif(")
		}
		b.WriteString(br.Cond.String())
		b.WriteByte(')')
		b.WriteString(br.Trail)
		br.Body.write(&b)
	}
	if n.Else != nil {
		b.WriteString("#{else}")
		b.WriteString(n.ElseTrail)
		n.Else.write(&b)
	}
	b.WriteString("#{end}")
	b.WriteString(n.EndTrail)
	return b.String()
}

// ForeachNode is #foreach($var in expr)...#end.
type ForeachNode struct {
	Pos
	Var      string
	slot     int
	Iter     Expr
	Trail    string
	Body     *ListNode
	EndTrail string
}

func (n *ForeachNode) String() string {
	return "#foreach($" + n.Var + " in " + n.Iter.String() + ")" + n.Trail + n.Body.String() + "#{end}" + n.EndTrail
}

// DefineNode is #define($name)...#end: $name then renders the block.
type DefineNode struct {
	Pos
	Name     string
	slot     int
	Trail    string
	Body     *ListNode
	EndTrail string
}

func (n *DefineNode) String() string {
	return "#define($" + n.Name + ")" + n.Trail + n.Body.String() + "#{end}" + n.EndTrail
}

// BreakNode is #break; StopNode is #stop.
type BreakNode struct{ Pos }

func (BreakNode) String() string { return "#{break}" }

// StopNode is #stop: rendering ends, keeping what was written.
type StopNode struct{ Pos }

func (StopNode) String() string { return "#{stop}" }

// An Expr is an expression node: a reference, literal or operation.
type Expr interface {
	Node
	expr()
}

// StringNode is a string literal. Double-quoted literals interpolate
// references and directives (Parts is non-nil); single-quoted ones do not.
type StringNode struct {
	Pos
	Quote byte   // '"' or '\''
	Text  string // the value, quotes undoubled
	Parts *ListNode
}

func (s *StringNode) String() string {
	q := string(s.Quote)
	return q + strings.ReplaceAll(s.Text, q, q+q) + q
}
func (*StringNode) expr() {}

// NumberNode is an integer or floating-point literal.
type NumberNode struct {
	Pos
	Text    string
	IsFloat bool
	Int     int64
	Float   float64
}

func (n *NumberNode) String() string { return n.Text }
func (*NumberNode) expr()            {}

// BoolNode is true or false.
type BoolNode struct {
	Pos
	Val bool
}

func (b *BoolNode) String() string { return strconv.FormatBool(b.Val) }
func (*BoolNode) expr()            {}

// ListLitNode is [a, b, c].
type ListLitNode struct {
	Pos
	Items []Expr
}

func (l *ListLitNode) String() string { return "[" + joinExprs(l.Items) + "]" }
func (*ListLitNode) expr()            {}

// RangeNode is [from..to].
type RangeNode struct {
	Pos
	From, To Expr
}

func (r *RangeNode) String() string { return "[" + r.From.String() + ".." + r.To.String() + "]" }
func (*RangeNode) expr()            {}

// MapLitNode is {k: v, ...}.
type MapLitNode struct {
	Pos
	Keys, Vals []Expr
}

func (m *MapLitNode) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range m.Keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.Keys[i].String())
		b.WriteString(": ")
		b.WriteString(m.Vals[i].String())
	}
	b.WriteByte('}')
	return b.String()
}
func (*MapLitNode) expr() {}

// BinaryNode is l op r; Op is the canonical symbol (==, &&, +, ...).
type BinaryNode struct {
	Pos
	Op   string
	L, R Expr
}

func (n *BinaryNode) String() string { return n.L.String() + " " + n.Op + " " + n.R.String() }
func (*BinaryNode) expr()            {}

// NotNode is !x.
type NotNode struct {
	Pos
	X Expr
}

func (n *NotNode) String() string { return "!" + n.X.String() }
func (*NotNode) expr()            {}

// ParenNode is (x).
type ParenNode struct {
	Pos
	X Expr
}

func (n *ParenNode) String() string { return "(" + n.X.String() + ")" }
func (*ParenNode) expr()            {}

func joinExprs(xs []Expr) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(x.String())
	}
	return b.String()
}
