package vtl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A parser is a recursive-descent parser over the items of a lexer, with
// a lookahead of up to two items.
type parser struct {
	name      string
	src       string // the whole template, for positions
	lex       *lexer
	token     [2]item // lookahead
	peekCount int
	depth     int
	lim       *Limits
	syms      *symtab
}

// A symtab numbers the variable names of a template, so that execution
// keeps variables in a slice rather than a map.
type symtab struct {
	idx   map[string]int
	names []string
}

const (
	slotForeach = iota
	slotVelocityCount
)

func newSymtab() *symtab {
	t := &symtab{idx: map[string]int{}}
	t.slot("foreach")
	t.slot("velocityCount")
	return t
}

func (t *symtab) slot(name string) int {
	if i, ok := t.idx[name]; ok {
		return i
	}
	t.idx[name] = len(t.names)
	t.names = append(t.names, name)
	return len(t.names) - 1
}

// Parse parses text as a mapping template called name, with API
// Gateway's limits. The name appears in error messages, which read
// "mapping: NAME:LINE:COL: message".
func Parse(name, text string) (*Template, error) {
	return Limits{}.Parse(name, text)
}

// Parse parses text as a mapping template called name, with the limits
// l; the template keeps them for all its executions.
func (l Limits) Parse(name, text string) (*Template, error) {
	lim := l.resolve()
	if len(text) > lim.TemplateSize {
		return nil, fmt.Errorf("mapping: %s: template is %d bytes, larger than the %d-byte limit: %w", name, len(text), lim.TemplateSize,
			limitErr("TemplateSize", lim.TemplateSize, "template is %d bytes", len(text)))
	}
	p := &parser{name: name, src: text, lex: newLexer(text, 0, 1), lim: &lim, syms: newSymtab()}
	root, term, err := p.parseList()
	if err != nil {
		return nil, err
	}
	if term.kind != termEOF {
		return nil, p.errAt(term.pos, "unexpected #%s", term.kind)
	}
	return newTemplate(name, text, root, p.syms.names, lim), nil
}

// next returns the next item.
func (p *parser) next() item {
	if p.peekCount > 0 {
		p.peekCount--
	} else {
		p.token[0] = p.lex.nextItem()
	}
	return p.token[p.peekCount]
}

// backup backs the input stream up one item.
func (p *parser) backup() { p.peekCount++ }

// peek returns but does not consume the next item.
func (p *parser) peek() item {
	if p.peekCount > 0 {
		return p.token[p.peekCount-1]
	}
	p.peekCount = 1
	p.token[0] = p.lex.nextItem()
	return p.token[0]
}

// nextNonSpace returns the next item that is not space.
func (p *parser) nextNonSpace() item {
	for {
		if it := p.next(); it.typ != itemSpace {
			return it
		}
	}
}

// peekNonSpace consumes space and returns but does not consume the next
// item.
func (p *parser) peekNonSpace() item {
	it := p.nextNonSpace()
	p.backup()
	return it
}

func (p *parser) errAt(pos int, format string, args ...any) error {
	line, col := lineCol(p.src, pos)
	return &ParseError{Name: p.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// slice returns the source between two positions of the lexer's input.
func (p *parser) slice(from, to int) string {
	return p.lex.input[from-p.lex.base : to-p.lex.base]
}

// word returns what an error shows of the source at pos: the word there,
// or a short excerpt.
func (p *parser) word(pos int) string {
	s, i := p.lex.input, pos-p.lex.base
	if i < len(s) && isLetter(s[i]) {
		return s[i:span(s, i, isIdentChar)]
	}
	return peekWord(s, i)
}

// excerpt returns a short excerpt of the source at pos.
func (p *parser) excerpt(pos int) string { return peekWord(p.lex.input, pos-p.lex.base) }

type termKind string

const (
	termEOF    termKind = "EOF"
	termEnd    termKind = "end"
	termElse   termKind = "else"
	termElseif termKind = "elseif"
)

// A term is the directive that ended a list: #end, #else, #elseif or EOF.
type term struct {
	kind  termKind
	pos   int
	trail string // gobbled whitespace after #end / #else
	cond  expr   // #elseif condition
}

// A listBuilder collects the nodes of a list, merging adjacent text
// items into one textNode.
type listBuilder struct {
	p    *parser
	list *listNode
	// The pending text is input[start:end] of the lexer, at template
	// offset pos; out is what it renders once that differs from the
	// source (differs).
	start, end, pos int
	differs         bool
	out             strings.Builder
}

// text adds a text item that renders as out.
func (b *listBuilder) text(it item, out string) {
	local := it.pos - b.p.lex.base
	if b.start < 0 {
		b.start, b.pos = local, it.pos
	}
	if !b.differs && out != it.val {
		b.differs = true
		b.out.WriteString(b.p.lex.input[b.start:local])
	}
	if b.differs {
		b.out.WriteString(out)
	}
	b.end = local + len(it.val)
}

// flush ends the pending text.
func (b *listBuilder) flush() {
	if b.start < 0 {
		return
	}
	src := b.p.lex.input[b.start:b.end]
	out := src
	if b.differs {
		out = b.out.String()
		b.out.Reset()
	}
	b.list.Nodes = append(b.list.Nodes, &textNode{srcPos: srcPos(b.pos), Text: out, Src: src})
	b.start, b.differs = -1, false
}

// add ends the pending text and appends n.
func (b *listBuilder) add(n node) {
	b.flush()
	b.list.Nodes = append(b.list.Nodes, n)
}

// parseList parses text mode until EOF, #end, #else or #elseif.
//
//	list := ( text | comment | reference | directive )*
func (p *parser) parseList() (*listNode, term, error) {
	p.depth++
	defer func() { p.depth-- }()
	start := p.peek().pos
	if p.depth > p.lim.ParseDepth {
		return nil, term{}, p.errAt(start, "nesting deeper than %d", p.lim.ParseDepth)
	}
	b := &listBuilder{p: p, list: &listNode{srcPos: srcPos(start)}, start: -1}
	for {
		it := p.next()
		if out, ok := it.rendered(); ok {
			b.text(it, out)
			continue
		}
		var n node
		var err error
		switch it.typ {
		case itemEOF:
			b.flush()
			return b.list, term{kind: termEOF, pos: it.pos}, nil
		case itemError:
			return nil, term{}, p.errAt(it.pos, "%s", it.val)
		case itemLineComment, itemBlockComment:
			n = &commentNode{srcPos: srcPos(it.pos), Text: it.val}
		case itemRef:
			n, err = p.parseRef(it, 0)
		case itemEscape:
			n, err = p.parseEscapedRef(it)
		case itemBraceRef:
			err = p.parseBraceRef(it, b)
		default:
			var t *term
			n, t, err = p.parseDirective(it, b)
			if t != nil {
				b.flush()
				return b.list, *t, nil
			}
		}
		if err != nil {
			return nil, term{}, err
		}
		if n != nil {
			b.add(n)
		}
	}
}

// parseEscapedRef parses a reference after the backslashes that escape
// it.
func (p *parser) parseEscapedRef(esc item) (*refNode, error) {
	r, err := p.parseRef(p.next(), len(esc.val))
	if err != nil {
		return nil, err
	}
	r.srcPos = srcPos(esc.pos)
	return r, nil
}

// parseBraceRef parses "{$ref}" right after a reference, which renders
// as "{" (Velocity 1.7).
func (p *parser) parseBraceRef(open item, b *listBuilder) error {
	if _, err := p.parseRef(p.next(), 0); err != nil {
		return err
	}
	end := p.next()
	if end.typ != itemBraceRefEnd {
		return p.errAt(end.pos, "%s", end.val) // the lexer's error
	}
	b.text(item{typ: itemBraceRef, pos: open.pos, val: p.slice(open.pos, end.pos+len(end.val))}, "{")
	return nil
}

// parseDirective parses the directive it starts (with it an itemLead,
// the blanks before #set). #end, #else and #elseif end the list: they
// return the term.
func (p *parser) parseDirective(it item, b *listBuilder) (node, *term, error) {
	lead := ""
	if it.typ == itemLead {
		lead, it = it.val, p.next()
	}
	switch it.typ {
	case itemEnd, itemElse:
		kind := termEnd
		if it.typ == itemElse {
			kind = termElse
		}
		return nil, &term{kind: kind, pos: it.pos, trail: p.trail()}, nil
	case itemElseif:
		cond, err := p.parseParenExpr("elseif", it.pos)
		if err != nil {
			return nil, nil, err
		}
		return nil, &term{kind: termElseif, pos: it.pos, cond: cond}, nil
	case itemSet:
		n, err := p.parseSet(it.pos)
		if err != nil {
			return nil, nil, err
		}
		if lead != "" {
			n.Lead, n.srcPos = lead, srcPos(it.pos-len(lead))
		}
		return n, nil, nil
	case itemIf:
		n, err := p.parseIf(it.pos)
		return n, nil, err
	case itemForeach:
		n, err := p.parseForeach(it.pos)
		return n, nil, err
	case itemDefine:
		n, err := p.parseDefine(it.pos)
		return n, nil, err
	case itemBreak:
		return breakNode{srcPos(it.pos)}, nil, nil
	case itemStop:
		return stopNode{srcPos(it.pos)}, nil, nil
	case itemMacro, itemInclude, itemParse, itemEvaluate:
		return nil, nil, p.errAt(it.pos, "#%s is not supported", strings.Trim(it.val, "#{}"))
	}
	return nil, nil, p.errAt(it.pos, "unexpected %s", it)
}

// trail returns the whitespace a directive swallows after it, if any.
func (p *parser) trail() string {
	if p.peek().typ == itemTrail {
		return p.next().val
	}
	return ""
}

// openParen consumes the "(" after a directive.
func (p *parser) openParen(name string, start int) error {
	it := p.next()
	if it.typ == itemSpace {
		it = p.next()
	}
	if it.typ != itemLeftParen {
		p.backup()
		return p.errAt(start, "missing ( after #%s", name)
	}
	return nil
}

// closeParen consumes the ")" of a directive and the whitespace it
// swallows, which it returns.
func (p *parser) closeParen(name string, start int) (string, error) {
	it := p.nextNonSpace()
	switch it.typ {
	case itemRightParen:
		return p.trail(), nil
	case itemEOF:
		return "", p.errAt(start, "unclosed #%s(", name)
	}
	return "", p.errAt(it.pos, "unexpected %q in #%s, want )", p.excerpt(it.pos), name)
}

// parseParenExpr parses "(expr" after #elseif; parseIf consumes the ")".
func (p *parser) parseParenExpr(name string, start int) (expr, error) {
	if err := p.openParen(name, start); err != nil {
		return nil, err
	}
	return p.parseExpr()
}

// parseSet parses the rest of #set($ref = expr).
//
//	set := "#set" blanks "(" reference "=" expr ")"
func (p *parser) parseSet(start int) (*setNode, error) {
	if err := p.openParen("set", start); err != nil {
		return nil, err
	}
	it := p.nextNonSpace()
	switch {
	case it.typ == itemChar && it.val == "$":
		return nil, p.errAt(it.pos, "#set needs a reference to assign to")
	case it.typ != itemRef:
		return nil, p.errAt(it.pos, "#set needs a reference to assign to, found %q", p.excerpt(it.pos))
	}
	ref, err := p.parseRef(it, 0)
	if err != nil {
		return nil, err
	}
	if len(ref.Chain) > 0 && ref.Chain[len(ref.Chain)-1].Call {
		return nil, p.errAt(int(ref.srcPos), "cannot assign to method call %s", ref)
	}
	if eq := p.nextNonSpace(); eq.typ != itemAssign {
		return nil, p.errAt(eq.pos, "missing = in #set")
	}
	x, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	trail, err := p.closeParen("set", start)
	if err != nil {
		return nil, err
	}
	return &setNode{srcPos: srcPos(start), Target: ref, Value: x, Trail: trail}, nil
}

// parseIf parses the rest of an #if directive.
//
//	if := "#if(" expr ")" list ( "#elseif(" expr ")" list )* [ "#else" list ] "#end"
func (p *parser) parseIf(start int) (*ifNode, error) {
	cond, err := p.parseParenExpr("if", start)
	if err != nil {
		return nil, err
	}
	trail, err := p.closeParen("if", start)
	if err != nil {
		return nil, err
	}
	n := &ifNode{srcPos: srcPos(start)}
	for {
		body, t, err := p.parseList()
		if err != nil {
			return nil, err
		}
		n.Branches = append(n.Branches, ifBranch{Cond: cond, Trail: trail, Body: body})
		switch t.kind {
		case termEOF:
			return nil, p.errAt(start, "unclosed #if: missing #end")
		case termEnd:
			n.EndTrail = t.trail
			return n, nil
		case termElseif:
			cond = t.cond
			if trail, err = p.closeParen("elseif", t.pos); err != nil {
				return nil, err
			}
			continue
		}
		n.ElseTrail = t.trail
		body, t, err = p.parseList()
		if err != nil {
			return nil, err
		}
		n.Else = body
		switch t.kind {
		case termEnd:
			n.EndTrail = t.trail
			return n, nil
		case termEOF:
			return nil, p.errAt(start, "unclosed #if: missing #end")
		}
		return nil, p.errAt(t.pos, "#%s after #else", t.kind)
	}
}

// parseBlockBody parses a body that must end with #end.
func (p *parser) parseBlockBody(name string, start int) (*listNode, string, error) {
	body, t, err := p.parseList()
	if err != nil {
		return nil, "", err
	}
	switch t.kind {
	case termEnd:
		return body, t.trail, nil
	case termEOF:
		return nil, "", p.errAt(start, "unclosed #%s: missing #end", name)
	}
	return nil, "", p.errAt(t.pos, "#%s inside #%s without #if", t.kind, name)
}

// parseForeach parses the rest of a #foreach directive.
//
//	foreach := "#foreach(" reference "in" expr ")" list "#end"
func (p *parser) parseForeach(start int) (*foreachNode, error) {
	ref, err := p.openVariable("foreach", start)
	if err != nil {
		return nil, err
	}
	if in := p.nextNonSpace(); in.typ != itemIn {
		return nil, p.errAt(in.pos, "missing \"in\" in #foreach")
	}
	x, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	trail, err := p.closeParen("foreach", start)
	if err != nil {
		return nil, err
	}
	body, endTrail, err := p.parseBlockBody("foreach", start)
	if err != nil {
		return nil, err
	}
	return &foreachNode{srcPos: srcPos(start), Var: ref.Name, slot: ref.slot, Iter: x, Trail: trail, Body: body, EndTrail: endTrail}, nil
}

// openVariable reads the "($name" that starts #foreach and #define.
func (p *parser) openVariable(directive string, start int) (*refNode, error) {
	if err := p.openParen(directive, start); err != nil {
		return nil, err
	}
	it := p.nextNonSpace()
	if it.typ != itemRef {
		return nil, p.errAt(it.pos, "#%s needs a simple $variable", directive)
	}
	ref, err := p.parseRef(it, 0)
	if err != nil {
		return nil, err
	}
	if len(ref.Chain) > 0 {
		return nil, p.errAt(p.peek().pos, "#%s needs a simple $variable", directive)
	}
	return ref, nil
}

// parseDefine parses the rest of a #define directive.
//
//	define := "#define(" reference ")" list "#end"
func (p *parser) parseDefine(start int) (*defineNode, error) {
	ref, err := p.openVariable("define", start)
	if err != nil {
		return nil, err
	}
	trail, err := p.closeParen("define", start)
	if err != nil {
		return nil, err
	}
	body, endTrail, err := p.parseBlockBody("define", start)
	if err != nil {
		return nil, err
	}
	return &defineNode{srcPos: srcPos(start), Name: ref.Name, slot: ref.slot, Trail: trail, Body: body, EndTrail: endTrail}, nil
}

// parseRef parses a reference from its first item, head.
//
//	ref   := "$" ["!"] ( "{" ident steps "}" | ident steps )
//	steps := ( "." ident [ "(" [ expr ("," expr)* ] ")" ] | "[" expr "]" )*
func (p *parser) parseRef(head item, escape int) (*refNode, error) {
	r := &refNode{srcPos: srcPos(head.pos), Escape: escape}
	name := head.val[1:]
	if name[0] == '!' {
		r.Quiet, name = true, name[1:]
	}
	if name[0] == '{' {
		r.Formal, name = true, name[1:]
	}
	r.Name = name
	r.slot = p.syms.slot(name)
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.lim.ParseDepth {
		return nil, p.errAt(head.pos, "nesting deeper than %d", p.lim.ParseDepth)
	}
	for {
		a, ok, err := p.parseStep(r)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		r.Chain = append(r.Chain, a)
	}
	if r.Formal {
		if end := p.next(); end.typ != itemRightBrace {
			p.backup()
			return nil, p.errAt(head.pos, "unclosed ${ in reference %q", p.slice(head.pos, end.pos))
		}
	}
	return r, nil
}

// parseStep parses a step of r, if one comes next. The lexer emits
// fields, and "(" and "[" right after a reference or a step, only as
// steps.
func (p *parser) parseStep(r *refNode) (accessor, bool, error) {
	it := p.next()
	switch it.typ {
	case itemField:
		a := accessor{Name: it.val[1:], Offset: srcPos(it.pos)}
		if p.peek().typ == itemLeftParen {
			p.next()
			args, err := p.parseExprList(itemRightParen, "method arguments", it.pos)
			if err != nil {
				return a, false, err
			}
			a.Call, a.Args = true, args
		}
		return a, true, nil
	case itemLeftBracket:
		x, err := p.parseExpr()
		if err != nil {
			return accessor{}, false, err
		}
		if p.nextNonSpace().typ != itemRightBracket {
			return accessor{}, false, p.errAt(it.pos, "unclosed [ in reference $%s", r.Name)
		}
		return accessor{Index: x, Offset: srcPos(it.pos)}, true, nil
	}
	p.backup()
	return accessor{}, false, nil
}

// parseExprList parses expressions separated by commas up to close.
func (p *parser) parseExprList(close itemType, what string, start int) ([]expr, error) {
	if p.peekNonSpace().typ == close {
		p.next()
		return nil, nil
	}
	var xs []expr
	for {
		x, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
		switch it := p.nextNonSpace(); it.typ {
		case itemComma:
		case close:
			return xs, nil
		case itemEOF:
			return nil, p.errAt(start, "unclosed %s", what)
		default:
			return nil, p.errAt(it.pos, "unexpected %q in %s", p.excerpt(it.pos), what)
		}
	}
}

// Operator precedence, lowest first:
//
//	expr  := and ( ("||" | "or") and )*
//	and   := eq ( ("&&" | "and") eq )*
//	eq    := rel ( ("==" | "!=" | "eq" | "ne") rel )*
//	rel   := add ( ("<" | ">" | "<=" | ">=" | "lt" | "gt" | "le" | "ge") add )*
//	add   := mul ( ("+" | "-") mul )*
//	mul   := unary ( ("*" | "/" | "%") unary )*
//	unary := ("!" | "not") unary | primary
func (p *parser) parseExpr() (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.lim.ParseDepth {
		return nil, p.errAt(p.peek().pos, "nesting deeper than %d", p.lim.ParseDepth)
	}
	return p.parseBinary(0)
}

// binaryOp returns the symbol of the operator it (a word operator's
// symbol) and its precedence level, lowest first; -1 when it is none.
func binaryOp(it item) (string, int) {
	if it.typ != itemOperator {
		return "", -1
	}
	op := it.val
	if w, ok := wordOps[op]; ok {
		op = w
	}
	switch op {
	case "||":
		return op, 0
	case "&&":
		return op, 1
	case "==", "!=":
		return op, 2
	case "<", ">", "<=", ">=":
		return op, 3
	case "+", "-":
		return op, 4
	}
	return op, 5 // * / %
}

const unaryLevel = 6

func (p *parser) parseBinary(level int) (expr, error) {
	if level == unaryLevel {
		return p.parseUnary()
	}
	l, err := p.parseBinary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		it := p.peekNonSpace()
		op, opLevel := binaryOp(it)
		if opLevel != level {
			return l, nil
		}
		p.next()
		r, err := p.parseBinary(level + 1)
		if err != nil {
			return nil, err
		}
		l = &binaryNode{srcPos: srcPos(it.pos), Op: op, L: l, R: r}
	}
}

func (p *parser) parseUnary() (expr, error) {
	if it := p.peekNonSpace(); it.typ == itemNot {
		p.next()
		return p.notOf(it.pos)
	}
	return p.parsePrimary()
}

func (p *parser) notOf(at int) (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.lim.ParseDepth {
		return nil, p.errAt(at, "nesting deeper than %d", p.lim.ParseDepth)
	}
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	return &notNode{srcPos: srcPos(at), X: x}, nil
}

// primary := number | string | "true" | "false" | reference
//
//	| "(" expr ")" | "[" [ expr ( "," expr )* ] "]" | "[" expr ".." expr "]"
//	| "{" [ expr ":" expr ( "," expr ":" expr )* ] "}"
func (p *parser) parsePrimary() (expr, error) {
	it := p.nextNonSpace()
	switch it.typ {
	case itemEOF:
		return nil, p.errAt(it.pos, "unexpected end of template in expression")
	case itemError:
		return nil, p.errAt(it.pos, "%s", it.val)
	case itemRef:
		return p.parseRef(it, 0)
	case itemString:
		return p.parseString(it)
	case itemBool:
		return &boolNode{srcPos: srcPos(it.pos), Val: it.val == "true"}, nil
	case itemNumber:
		if it.val[0] != '.' {
			return p.parseNumber(it.pos, it.val)
		}
	case itemOperator:
		if it.val == "-" {
			return p.parseNegative(it)
		}
	case itemChar:
		if it.val == "$" {
			return nil, p.errAt(it.pos, "bad reference %q", p.excerpt(it.pos))
		}
	case itemLeftParen:
		x, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if p.nextNonSpace().typ != itemRightParen {
			return nil, p.errAt(it.pos, "unclosed (")
		}
		return &parenNode{srcPos: srcPos(it.pos), X: x}, nil
	case itemLeftBracket:
		return p.parseListLit(it)
	case itemLeftBrace:
		return p.parseMap(it)
	}
	return nil, p.errAt(it.pos, "unexpected %q in expression", p.word(it.pos))
}

// parseNegative parses a number after "-": "-" directly followed by a
// number is a negative number.
func (p *parser) parseNegative(minus item) (expr, error) {
	switch n := p.peek(); {
	case n.typ == itemNumber:
		p.next()
		return p.parseNumber(minus.pos, "-"+n.val)
	case strings.HasPrefix(n.val, ".") && n.typ != itemError:
		return nil, p.errAt(minus.pos, "bad number %q", p.excerpt(minus.pos))
	}
	return nil, p.errAt(minus.pos, "unexpected %q in expression", p.excerpt(minus.pos))
}

// parseList_ parses a list or range literal after its "[".
func (p *parser) parseListLit(open item) (expr, error) {
	if p.peekNonSpace().typ == itemRightBracket {
		p.next()
		return &listLitNode{srcPos: srcPos(open.pos)}, nil
	}
	first, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	switch it := p.nextNonSpace(); it.typ {
	case itemRange:
		to, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if p.nextNonSpace().typ != itemRightBracket {
			return nil, p.errAt(open.pos, "unclosed range [")
		}
		return &rangeNode{srcPos: srcPos(open.pos), From: first, To: to}, nil
	case itemComma:
		if c := p.peekNonSpace(); c.typ == itemRightBracket {
			return nil, p.errAt(c.pos, "missing list element after ,")
		}
		rest, err := p.parseExprList(itemRightBracket, "list", open.pos)
		if err != nil {
			return nil, err
		}
		return &listLitNode{srcPos: srcPos(open.pos), Items: append([]expr{first}, rest...)}, nil
	case itemRightBracket:
		return &listLitNode{srcPos: srcPos(open.pos), Items: []expr{first}}, nil
	}
	return nil, p.errAt(open.pos, "unclosed list [")
}

// parseMap parses a map literal after its "{".
func (p *parser) parseMap(open item) (expr, error) {
	m := &mapLitNode{srcPos: srcPos(open.pos)}
	if p.peekNonSpace().typ == itemRightBrace {
		p.next()
		return m, nil
	}
	for {
		k, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if c := p.nextNonSpace(); c.typ != itemColon {
			return nil, p.errAt(c.pos, "missing : in map literal")
		}
		v, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		m.Keys = append(m.Keys, k)
		m.Vals = append(m.Vals, v)
		switch it := p.nextNonSpace(); it.typ {
		case itemComma:
		case itemRightBrace:
			return m, nil
		case itemEOF:
			return nil, p.errAt(open.pos, "unclosed map {")
		default:
			return nil, p.errAt(it.pos, "unexpected %q in map literal", p.excerpt(it.pos))
		}
	}
}

// parseNumber parses the integer or floating-point literal text at pos.
func (p *parser) parseNumber(pos int, text string) (expr, error) {
	n := &numberNode{srcPos: srcPos(pos), Text: text, IsFloat: strings.ContainsAny(text, ".eE")}
	if n.IsFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !math.IsInf(f, 0) {
			return nil, p.errAt(pos, "bad number %q", text)
		}
		n.Float = f
		return n, nil
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		// Too big for a long: Velocity would use a BigInteger; we use a
		// double so arithmetic stays defined.
		f, _ := strconv.ParseFloat(text, 64)
		n.IsFloat, n.Float = true, f
		return n, nil
	}
	n.Int = v
	return n, nil
}

// parseString parses a quoted string literal. A doubled quote stands for
// one quote character; backslashes are not escapes. Double-quoted strings
// containing $ or # are parsed as templates and interpolated when used.
func (p *parser) parseString(it item) (expr, error) {
	q := it.val[0]
	text := it.val[1 : len(it.val)-1]
	if strings.IndexByte(text, q) >= 0 {
		text = strings.ReplaceAll(text, string([]byte{q, q}), string(q))
	}
	n := &stringNode{srcPos: srcPos(it.pos), Quote: q, Text: text}
	if q == '"' && strings.ContainsAny(text, "$#") {
		sub := &parser{name: p.name, src: p.src, lex: newLexer(text, it.pos+1, it.line), depth: p.depth + 1, lim: p.lim, syms: p.syms}
		parts, t, err := sub.parseList()
		if err != nil {
			return nil, err
		}
		if t.kind != termEOF {
			return nil, sub.errAt(t.pos, "unexpected #%s in string literal", t.kind)
		}
		n.Parts = parts
	}
	return n, nil
}
