package vtl

import (
	"strconv"
	"strings"
)

// A node is an element of a parsed template. The set of nodes is closed:
// only this package implements node. String returns the node as canonical
// template source, so that parsing String() gives the same tree.
type node interface {
	String() string
	Position() int // byte offset of the node in the template source
	isNode()
}

// srcPos is a byte offset into the template source.
type srcPos int

// Position returns p.
func (p srcPos) Position() int { return int(p) }
func (srcPos) isNode()         {}

// listNode is a sequence of nodes.
type listNode struct {
	srcPos
	Nodes []node
}

func (l *listNode) String() string {
	var b strings.Builder
	l.write(&b)
	return b.String()
}

func (l *listNode) write(b *strings.Builder) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		b.WriteString(n.String())
	}
}

// textNode is literal text. Text is what it renders; Src is how it is
// spelled in the source (they differ for #[[raw]]# blocks and escaped
// directives such as \#if).
type textNode struct {
	srcPos
	Text string
	Src  string
}

func (t *textNode) String() string { return t.Src }

// commentNode is a ## line comment (Text includes the newline it
// consumed) or a #* block *# comment (Text includes the delimiters).
type commentNode struct {
	srcPos
	Text string
}

func (c *commentNode) String() string { return c.Text }

// An accessor is one step of a reference: .name, .name(args) or [index].
type accessor struct {
	Name   string // property or method name; empty for an index
	Call   bool   // .name(args)
	Args   []expr // method arguments
	Index  expr   // [index]
	Offset srcPos // where the step starts, for errors
}

// refNode is a reference: $name, $!name, ${name}, $!{name}, with property,
// method and index steps, optionally preceded by escaping backslashes.
type refNode struct {
	srcPos
	Escape int  // number of backslashes before the $
	Quiet  bool // $!
	Formal bool // ${...}
	Name   string
	Chain  []accessor
	slot   int // variable number in the template's symbol table
}

func (r *refNode) String() string {
	var b strings.Builder
	for i := 0; i < r.Escape; i++ {
		b.WriteByte('\\')
	}
	b.WriteString(r.body())
	return b.String()
}

// body is the reference without escaping backslashes.
func (r *refNode) body() string {
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

func (r *refNode) isExpr() {}

// setNode is #set($ref = expr). Lead holds the blanks before #set that the
// directive swallowed; Trail the blanks and newline after ")".
type setNode struct {
	srcPos
	Lead   string
	Target *refNode
	Value  expr
	Trail  string
}

func (s *setNode) String() string {
	return s.Lead + "#set(" + s.Target.String() + " = " + s.Value.String() + ")" + s.Trail
}

// ifNode is #if(c)...#elseif(c)...#else...#end.
type ifNode struct {
	srcPos
	Branches  []ifBranch
	Else      *listNode // nil when there is no #else
	ElseTrail string
	EndTrail  string
	endFormal bool
}

// An ifBranch is the condition and body of an #if or #elseif.
type ifBranch struct {
	Cond  expr
	Trail string // gobbled after ")"
	Body  *listNode
}

func (n *ifNode) String() string {
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

// foreachNode is #foreach($var in expr)...#end.
type foreachNode struct {
	srcPos
	Var      string
	slot     int
	Iter     expr
	Trail    string
	Body     *listNode
	EndTrail string
}

func (n *foreachNode) String() string {
	return "#foreach($" + n.Var + " in " + n.Iter.String() + ")" + n.Trail + n.Body.String() + "#{end}" + n.EndTrail
}

// defineNode is #define($name)...#end: $name then renders the block.
type defineNode struct {
	srcPos
	Name     string
	slot     int
	Trail    string
	Body     *listNode
	EndTrail string
}

func (n *defineNode) String() string {
	return "#define($" + n.Name + ")" + n.Trail + n.Body.String() + "#{end}" + n.EndTrail
}

// breakNode is #break; stopNode is #stop.
type breakNode struct{ srcPos }

func (breakNode) String() string { return "#{break}" }

// stopNode is #stop: rendering ends, keeping what was written.
type stopNode struct{ srcPos }

func (stopNode) String() string { return "#{stop}" }

// An expr is an expression node: a reference, literal or operation.
type expr interface {
	node
	isExpr()
}

// stringNode is a string literal. Double-quoted literals interpolate
// references and directives (Parts is non-nil); single-quoted ones do not.
type stringNode struct {
	srcPos
	Quote byte   // '"' or '\''
	Text  string // the value, quotes undoubled
	Parts *listNode
}

func (s *stringNode) String() string {
	q := string(s.Quote)
	return q + strings.ReplaceAll(s.Text, q, q+q) + q
}
func (*stringNode) isExpr() {}

// numberNode is an integer or floating-point literal.
type numberNode struct {
	srcPos
	Text    string
	IsFloat bool
	Int     int64
	Float   float64
}

func (n *numberNode) String() string { return n.Text }
func (*numberNode) isExpr()          {}

// boolNode is true or false.
type boolNode struct {
	srcPos
	Val bool
}

func (b *boolNode) String() string { return strconv.FormatBool(b.Val) }
func (*boolNode) isExpr()          {}

// listLitNode is [a, b, c].
type listLitNode struct {
	srcPos
	Items []expr
}

func (l *listLitNode) String() string { return "[" + joinExprs(l.Items) + "]" }
func (*listLitNode) isExpr()          {}

// rangeNode is [from..to].
type rangeNode struct {
	srcPos
	From, To expr
}

func (r *rangeNode) String() string { return "[" + r.From.String() + ".." + r.To.String() + "]" }
func (*rangeNode) isExpr()          {}

// mapLitNode is {k: v, ...}.
type mapLitNode struct {
	srcPos
	Keys, Vals []expr
}

func (m *mapLitNode) String() string {
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
func (*mapLitNode) isExpr() {}

// binaryNode is l op r; Op is the canonical symbol (==, &&, +, ...).
type binaryNode struct {
	srcPos
	Op   string
	L, R expr
}

func (n *binaryNode) String() string { return n.L.String() + " " + n.Op + " " + n.R.String() }
func (*binaryNode) isExpr()          {}

// notNode is !x.
type notNode struct {
	srcPos
	X expr
}

func (n *notNode) String() string { return "!" + n.X.String() }
func (*notNode) isExpr()          {}

// parenNode is (x).
type parenNode struct {
	srcPos
	X expr
}

func (n *parenNode) String() string { return "(" + n.X.String() + ")" }
func (*parenNode) isExpr()          {}

func joinExprs(xs []expr) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(x.String())
	}
	return b.String()
}
